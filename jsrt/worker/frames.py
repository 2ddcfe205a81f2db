"""Length-prefixed JSON frames over pipes: how the supervisor and its worker talk.

A frame is two 4-byte big-endian numbers, the JSON's length and how many attachments
follow, then the JSON (orjson), then each attachment as a 4-byte length and its bytes.
Attachments carry large text raw: a page of records as JSON text would otherwise be
escaped into the frame by one side and unescaped by the other; and text a hook had a
hand in is never spliced into the JSON, so nothing in it can add keys to a message. The
receiver finds them as the message's `attachments` list; `encode_with_raw` and
`restore_raw` carry a dict's bytes values that way under their own keys. The pipes are
dedicated file descriptors, never stdout, which V8 or user code may print to.
"""

from __future__ import annotations

import io
import os
import select
import struct
import time
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

LENGTH = struct.Struct(">I")
HEADER = struct.Struct(">II")
MAX_FRAME_BYTES = (1 << 32) - 1
ATTACHMENTS = "attachments"
ATTACHED = "attached"


class FrameTimeout(Exception):
    """No complete frame arrived before the deadline."""


def encode(message: Any, *, lenient: bool = False, attachments: Sequence[bytes] = ()) -> bytes:
    """One frame holding `message` (and `attachments`, sent as they are); TypeError if
    JSON cannot hold the message. `lenient` writes such values as their str() instead
    (for error reports, which must always get out)."""
    if lenient:
        body = orjson.dumps(message, default=str, option=orjson.OPT_NON_STR_KEYS)
    else:
        body = orjson.dumps(message)
    parts = [HEADER.pack(_fits(body), len(attachments)), body]
    for attachment in attachments:
        parts += [LENGTH.pack(_fits(attachment)), attachment]
    return b"".join(parts)


def encode_with_raw(key: str, payload: Mapping[str, Any], *, lenient: bool = False) -> bytes:
    """A frame holding `{key: payload, "attached": [...]}` where the payload's top-level
    bytes values travel as attachments, raw, and `attached` names their keys."""
    raw = {name: value for name, value in payload.items() if isinstance(value, bytes)}
    if raw:
        payload = {name: value for name, value in payload.items() if name not in raw}
    message = {key: payload, ATTACHED: list(raw)}
    return encode(message, lenient=lenient, attachments=list(raw.values()))


def restore_raw(message: dict[str, Any], key: str) -> Any:
    """The payload `encode_with_raw` sent under `key`, with its bytes values back."""
    payload = message[key]
    attached = message.get(ATTACHED, ())
    if attached:
        payload.update(zip(attached, message.get(ATTACHMENTS, ()), strict=True))
    return payload


def _fits(part: bytes) -> int:
    if len(part) > MAX_FRAME_BYTES:
        raise ValueError(f"a part of {len(part)} bytes is too large for one frame")
    return len(part)


def write_frame(fd: int, frame: bytes) -> None:
    """Write a whole frame made by `encode` (raises BrokenPipeError if nobody reads)."""
    view = memoryview(frame)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_frame(fd: int, deadline: float | None = None) -> Any:
    """Read one frame's message, with its attachments (bytes) as the message's
    `attachments` list when it has any; EOFError when the pipe closes, FrameTimeout at
    `deadline` (a `time.monotonic()` value; None waits for ever)."""
    length, count = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    message = orjson.loads(_read_exactly(fd, length, deadline))
    if count:
        message[ATTACHMENTS] = [_read_attachment(fd, deadline) for _ in range(count)]
    return message


def _read_attachment(fd: int, deadline: float | None) -> bytes:
    (length,) = LENGTH.unpack(_read_exactly(fd, LENGTH.size, deadline))
    return bytes(_read_exactly(fd, length, deadline))


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytearray:
    data = bytearray(size)
    view = memoryview(data)
    reader = io.FileIO(fd, "rb", closefd=False)
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    filled = 0
    while filled < size:
        if deadline is not None:
            timeout_ms = max(0, round((deadline - time.monotonic()) * 1000))
            if not poller.poll(timeout_ms):
                raise FrameTimeout
        count = reader.readinto(view[filled:])
        if not count:
            raise EOFError("the pipe closed")
        filled += count
    return data
