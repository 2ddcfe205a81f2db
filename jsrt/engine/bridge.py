"""The synchronous JS→Python bridge: `__jsrt_bridge(request: string) -> string`.

JavaScript gets Python's answer on the same line, because mini-racer calls our notify
callback on the isolate thread while the calling script waits. That callback carries no
data we can read (reading a JS value needs the isolate, which is busy inside this very
call), so request and response travel through one ArrayBuffer:

* the buffer is resizable (V8 reserves `maxByteLength` and grows it in place, so its
  address never changes); it lives only in the bridge's closure, so user code can
  neither reach it nor `transfer()` it away, and Python holds its handle so it cannot
  be collected under Python's view of it;
* a frame starts with a 16-byte header of four little-endian u32:
  `[kind, payload_len, capacity, encoding]`. JS→Py kinds: 1 REQUEST, 2 FETCH; Py→JS:
  0 OK, 3 ERROR, 4 NEED. JS writes `capacity = byteLength` on every call so Python never
  writes past committed memory. Encoding 0 is one byte per char (Latin-1), 1 is UTF-16LE;
  each side picks Latin-1 when every char fits (JSON usually does), halving the bytes;
* a response larger than the buffer is answered NEED; JS grows the buffer and sends
  FETCH for the response Python kept;
* the handler answers text, or its UTF-8 bytes (JSON as orjson writes it): ASCII bytes
  are their own Latin-1 and go into the frame as they are, without a decode and an
  encode (jsrt's dispatcher answers so);
* every failure on the Python side, `BaseException` included, becomes an ERROR frame
  that JS throws as an `Error` named after the Python class; a header still reading
  REQUEST after the call means Python never answered, which JS reports as such;
* no JS-side state spans the notify call: a script terminated inside it (timeout)
  leaves nothing behind that breaks the next call.
"""

from __future__ import annotations

import json
import struct
import threading
from collections.abc import Callable

from jsrt.errors import BridgeError

HEADER = struct.Struct("<4I")
HEADER_SIZE = HEADER.size

REQUEST, FETCH = 1, 2
OK, ERROR, NEED = 0, 3, 4
LATIN1, UTF16 = 0, 1

Handler = Callable[[str], str | bytes]
"""A request's text in; the response's text, or its UTF-8 bytes, out."""

INITIAL_BYTES = 64 * 1024
NOTIFY_GLOBAL = "__jsrt_notify"
BRIDGE_GLOBAL = "__jsrt_bridge"
BRIDGE_FILENAME = "jsrt:bridge.js"


def install_script(max_bytes: int) -> str:
    """The JavaScript that installs the bridge and completes with its ArrayBuffer.

    It takes the notify function out of the global scope into its closure and defines
    `__jsrt_bridge` non-writable and non-configurable. Every built-in that could see the
    buffer or a view of it (`resize`, `byteLength`, `fromCharCode.apply` over an array
    like) is captured at install time or fed null-prototype arrays, so that user code
    patching a prototype later (an index setter on Array.prototype included) can neither
    be handed the buffer nor break a call.
    """
    return f"""(function () {{
  'use strict';
  const notify = globalThis.{NOTIFY_GLOBAL};
  delete globalThis.{NOTIFY_GLOBAL};
  const HEADER = {HEADER_SIZE}, REQUEST = {REQUEST}, FETCH = {FETCH};
  const OK = {OK}, ERROR = {ERROR}, NEED = {NEED}, LATIN1 = {LATIN1}, UTF16 = {UTF16};
  const MAX = {max_bytes}, CHUNK = 8192;
  const U8 = Uint8Array, U16 = Uint16Array, ErrorCtor = Error, RangeErrorCtor = RangeError;
  const TypeErrorCtor = TypeError, parse = JSON.parse, defineProperty = Object.defineProperty;
  const fromCharCode = String.fromCharCode, apply = Reflect.apply, min = Math.min;
  const max = Math.max, resize = ArrayBuffer.prototype.resize;
  const setPrototypeOf = Object.setPrototypeOf;
  const byteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
  const buffer = new ArrayBuffer({min(INITIAL_BYTES, max_bytes)}, {{ maxByteLength: MAX }});
  const header = new Uint32Array(buffer, 0, 4);
  // The code units of one chunk of a reply: jsrt's own array, made once, without a
  // prototype (an index setter on Array.prototype never sees it), cut to each chunk's length.
  const part = setPrototypeOf([], null);

  function capacity() {{ return apply(byteLength, buffer, []); }}
  function ensure(bytes) {{
    if (bytes > MAX) {{
      throw new RangeErrorCtor(`bridge payload of ${{bytes - HEADER}} bytes exceeds the ` +
                               `bridge limit of ${{MAX - HEADER}} bytes`);
    }}
    const have = capacity();
    if (bytes > have) apply(resize, buffer, [min(MAX, max(bytes, have * 2))]);
  }}
  function writeWide(text) {{
    const n = text.length;
    ensure(HEADER + 2 * n);
    const out = new U16(buffer, HEADER, n);
    for (let i = 0; i < n; i++) out[i] = text.charCodeAt(i);
    header[1] = 2 * n; header[3] = UTF16;
  }}
  function write(text) {{
    const n = text.length;
    ensure(HEADER + n);
    const out = new U8(buffer, HEADER, n);
    for (let i = 0; i < n; i++) {{
      const unit = text.charCodeAt(i);
      if (unit > 255) return writeWide(text);
      out[i] = unit;
    }}
    header[1] = n; header[3] = LATIN1;
  }}
  function read() {{
    const wide = header[3] === UTF16;
    const count = wide ? header[1] / 2 : header[1];
    const units = wide ? new U16(buffer, HEADER, count) : new U8(buffer, HEADER, count);
    let text = '';
    for (let start = 0; start < count; start += CHUNK) {{
      const end = min(count, start + CHUNK);
      for (let i = start; i < end; i++) part[i - start] = units[i];
      part.length = end - start;
      text += apply(fromCharCode, null, part);
    }}
    return text;
  }}
  function call(kind) {{
    header[0] = kind; header[2] = capacity();
    notify();
    return header[0];
  }}
  function bridge(request) {{
    if (typeof request !== 'string') {{
      throw new TypeErrorCtor('{BRIDGE_GLOBAL} expects a string request');
    }}
    write(request);
    let kind = call(REQUEST);
    if (kind === NEED) {{
      ensure(HEADER + header[1]);
      kind = call(FETCH);
    }}
    if (kind === OK) return read();
    if (kind === ERROR) {{
      const info = parse(read());
      const error = new ErrorCtor(info.message);
      defineProperty(error, 'name', {{ value: info.name, writable: true, configurable: true }});
      throw error;
    }}
    throw new ErrorCtor('bridge: no response from Python');
  }}
  defineProperty(globalThis, '{BRIDGE_GLOBAL}',
                 {{ value: bridge, writable: false, configurable: false, enumerable: false }});
  return buffer;
}})()"""


class BridgeChannel:
    """The Python end of the bridge: answers each notify by reading the request frame,
    calling `handler` and writing the response frame.

    It runs on the isolate thread; `active_thread` names that thread while `handler`
    runs, so the isolate can refuse to be re-entered from inside the handler (which
    would deadlock: the isolate is busy in this very call).
    """

    def __init__(self, handler: Handler, view: memoryview, max_bytes: int) -> None:
        self._handler = handler
        self._view = view
        self._max_bytes = max_bytes
        self._held: tuple[bytes, int] | None = None
        self.active_thread: int | None = None

    def __call__(self) -> None:
        """Answer one notify. Never raises: every failure becomes an ERROR frame."""
        capacity = HEADER_SIZE
        try:
            kind, length, capacity, encoding = HEADER.unpack_from(self._view, 0)
            capacity = min(capacity, self._max_bytes)
            if kind == REQUEST:
                self._held = None
                if HEADER_SIZE + length > capacity:  # never read past committed memory
                    raise BridgeError("bridge: request frame longer than its buffer")
                request = _decode(self._view[HEADER_SIZE : HEADER_SIZE + length], encoding)
                self._respond(self._call_handler(request), capacity)
            elif kind == FETCH and self._held is not None:
                payload, encoding = self._held
                self._held = None
                self._write(OK, payload, encoding, capacity)
            else:
                raise BridgeError(f"bridge: unexpected frame kind {kind} from JavaScript")
        except BaseException as exc:  # JS must always get an answer
            self._held = None
            self._write_error(exc, capacity)

    def _call_handler(self, request: str) -> str | bytes:
        self.active_thread = threading.get_ident()
        try:
            response = self._handler(request)
        finally:
            self.active_thread = None
        if not isinstance(response, str | bytes):
            raise BridgeError(
                f"bridge: the Python handler returned {type(response).__name__}, expected str "
                "or UTF-8 bytes"
            )
        return response

    def _respond(self, response: str | bytes, capacity: int) -> None:
        payload, encoding = _encode(response)
        if HEADER_SIZE + len(payload) > self._max_bytes:
            raise BridgeError(
                f"bridge: response of {len(payload)} bytes exceeds the bridge limit of "
                f"{self._max_bytes - HEADER_SIZE} bytes"
            )
        if HEADER_SIZE + len(payload) > capacity:
            self._held = (payload, encoding)
            HEADER.pack_into(self._view, 0, NEED, len(payload), capacity, encoding)
            return
        self._write(OK, payload, encoding, capacity)

    def _write(self, kind: int, payload: bytes, encoding: int, capacity: int) -> None:
        if HEADER_SIZE + len(payload) > capacity:
            raise BridgeError("bridge: response does not fit the buffer JavaScript provided")
        self._view[HEADER_SIZE : HEADER_SIZE + len(payload)] = payload
        HEADER.pack_into(self._view, 0, kind, len(payload), capacity, encoding)

    def _write_error(self, exc: BaseException, capacity: int) -> None:
        room = capacity - HEADER_SIZE
        name, message = type(exc).__name__, _describe(exc)
        payload = _error_payload(name, message)
        if len(payload) > room:  # escaped JSON takes at most 6 bytes per char
            payload = _error_payload(name, message[: max(0, (room - 256) // 6)])
        if len(payload) <= room:  # else JS reports that Python never answered
            self._view[HEADER_SIZE : HEADER_SIZE + len(payload)] = payload
            HEADER.pack_into(self._view, 0, ERROR, len(payload), capacity, LATIN1)


def _describe(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # a broken __str__ must not lose the error
        return f"<{type(exc).__name__} with an unprintable message>"


def _error_payload(name: str, message: str) -> bytes:
    return json.dumps({"name": name, "message": message}).encode("ascii")


def _encode(text: str | bytes) -> tuple[bytes, int]:
    if isinstance(text, bytes):
        if text.isascii():  # its own Latin-1
            return text, LATIN1
        text = text.decode()  # not UTF-8: an ERROR frame, as any failure here
    try:
        return text.encode("latin-1"), LATIN1
    except UnicodeEncodeError:
        return text.encode("utf-16-le", errors="surrogatepass"), UTF16


def _decode(data: memoryview, encoding: int) -> str:
    if encoding == UTF16:
        return str(data, "utf-16-le", errors="surrogatepass")
    return str(data, "latin-1")
