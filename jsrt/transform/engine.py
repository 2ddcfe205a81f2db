"""`TransformEngine`: the isolate that runs the transformation engine's JavaScript.

One request, one reply: Python sends `{"op": name, ...}` as a JSON string global, the
engine's dispatcher (`js/runtime.js`) runs the op and answers one JSON text, `{"ok": value}`
or `{"error": {...}}`. The libraries and jsrt's JS load once per engine (tens of
milliseconds); each op compiles the definition it is given and caches it by its JSON
text, so a page of records costs one compile.

While an op runs, the JavaScript can ask Python what only the caller knows (a lookup
cache's entries, what a dynamic lookup answers) through the engine's own bridge:
`T.ask(kind, payload)` reaches the `LookupSource` handed to that call. The source never
touches the isolate: it answers with plain JSON values.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any, Protocol

import orjson

from jsrt.errors import InputError, UsageError
from jsrt.json_values import gc_paused, parse_from_v8, well_formed

JS_FILES = (
    "runtime.js",
    "handlebars.js",
    "lookups.js",
    "mapper2.js",
    "mapper1.js",
    "filters.js",
    "transforms.js",
    "response_mapping.js",
)
"""jsrt's engine code, in load order: later files use what earlier ones define on `T`."""

_INPUT_GLOBAL = "__jsrt_transform_input"
_TEXT_GLOBAL = "__jsrt_transform_text"
DEFAULT_TIMEOUT_S = 60.0
"""How long one op may run: a template's regular expression can backtrack for ever."""


class TransformError(InputError):
    """A definition (mapping, template, filter, transform) that integrator.io would refuse,
    or an op the engine cannot run; names the definition's `path` where it is known
    (exit 2: the document is wrong, not the data)."""


class LookupSource(Protocol):
    """What the engine asks its caller while an op runs: one method per `T.ask` kind."""

    def ask(self, kind: str, payload: Any) -> Any:
        """Answer `kind` (e.g. `lookupCache`, `dynamicLookup`) with a JSON value; raise
        `TransformError` for a question the caller cannot answer."""
        ...


class TransformEngine:
    """The transformation engine's isolate. Thread-safe: ops are serialised."""

    def __init__(self, *, memory_mb: int = 512) -> None:
        from jsrt.engine.isolate import Isolate  # V8 loads only when an engine is made

        self._lock = threading.RLock()
        self._source: LookupSource | None = None
        self._isolate = Isolate(memory_mb=memory_mb, bridge=self._answer)
        try:
            for name, code in _libraries_js():
                self._isolate.eval(code, filename=f"jsrt:{name}.js")
            for name in JS_FILES:
                self._isolate.eval(_engine_js(name), filename=f"jsrt-transform/{name}")
        except BaseException:
            self._isolate.close()
            raise

    def call(
        self,
        op: str,
        request: Mapping[str, Any],
        *,
        source: LookupSource | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> Any:
        """Run `op` with `request`'s fields and return its JSON value.

        Raises `TransformError` with the engine's message and path when the op refuses
        its definition, and the engine's `HookTimeout`/`HeapLimitExceeded` when it runs
        past `timeout_s` or out of memory.
        """
        return _answer_of(self._exchange(op, request, None, source, timeout_s))

    def call_text(
        self,
        op: str,
        request: Mapping[str, Any],
        text: str | bytes,
        *,
        source: LookupSource | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> tuple[Any, str]:
        """Run an op that reads JSON `text` besides its request and answers JSON text
        (`mapText`): its small JSON head, parsed, and its body as V8 wrote it, with any
        lone surrogate made U+FFFD as `call` does. The text is never parsed in Python:
        a page crosses as one string each way. Raises as `call` does."""
        reply = self._exchange(op, request, text, source, timeout_s)
        head, newline, body = reply.partition("\n")
        if not newline:
            _answer_of(reply)  # an error reply raises here
            raise TransformError(f"the transformation engine gave no text for {op!r}")
        if "\\u" in body:  # only an escape can be a lone surrogate
            body = well_formed(body)
        return _answer_of(head), body

    def _exchange(
        self,
        op: str,
        request: Mapping[str, Any],
        text: str | bytes | None,
        source: LookupSource | None,
        timeout_s: float,
    ) -> str:
        """One op's reply text: the request (and `text`) in as strings, the reply out."""
        encoded = orjson.dumps({**request, "op": op})
        call = f"__jsrt_transform.handle(globalThis.{_INPUT_GLOBAL}"
        with self._lock:
            self._source = source
            try:
                self._isolate.set_global(_INPUT_GLOBAL, encoded)
                if text is not None:
                    self._isolate.set_global(_TEXT_GLOBAL, text)
                    call += f", globalThis.{_TEXT_GLOBAL}"
                reply = self._isolate.eval(
                    call + ")",
                    filename="jsrt:transform-call.js",
                    deadline=time.monotonic() + timeout_s,
                )
            finally:
                self._source = None
                if text is not None:
                    self._isolate.set_global(_TEXT_GLOBAL, "")
        if not isinstance(reply, str):
            raise TransformError(f"the transformation engine gave no reply to {op!r}")
        return reply

    def close(self) -> None:
        """Free the isolate."""
        self._isolate.close()

    def __enter__(self) -> TransformEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _answer(self, request: str) -> str:
        """The bridge handler: a `T.ask` from the running op, answered by its source."""
        question = orjson.loads(request)
        source = self._source
        if source is None:
            raise UsageError(
                f"the transformation engine asked for {question.get('kind')!r} "
                "but this call was given no lookup source"
            )
        return orjson.dumps(
            {"answer": source.ask(question["kind"], question.get("payload"))}
        ).decode()


def _answer_of(reply: str) -> Any:
    """The value of an `{"ok": value}` reply; an `{"error": ...}` reply raised."""
    with gc_paused():  # a page's reply is tens of thousands of objects, no cycles
        answer = parse_from_v8(reply)
    if "error" in answer:
        error = answer["error"]
        raise TransformError(error.get("message", "failed"), **_details(error))
    return answer.get("ok")


def _details(error: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of an engine error worth carrying: where in the definition (a node's path,
    a template's line and column), which code, how to fix it."""
    return {key: error[key] for key in ("path", "code", "hint", "line", "column") if key in error}


@cache
def _libraries_js() -> tuple[tuple[str, str], ...]:
    """The npm libraries the engine's JavaScript uses (`used_by: transform` in
    modules.lock.json, whose order is the load order: moment before moment-timezone,
    which requires it), with their code. `jsrt.modules` brings in the HTTP client it
    fetches with, so it loads on first use only."""
    from jsrt import modules

    return tuple((name, modules.library_js(name)) for name in modules.library_names("transform"))


@cache
def _engine_js(name: str) -> str:
    return files("jsrt.transform").joinpath("js", name).read_text(encoding="utf-8")


_shared: tuple[int, TransformEngine] | None = None
_shared_lock = threading.Lock()


def shared_engine() -> TransformEngine:
    """The process's engine, made on first use. A forked child makes its own: V8's
    threads do not survive a fork, so the parent's isolate is unusable there."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared[0] != os.getpid():
            _shared = (os.getpid(), TransformEngine())
        return _shared[1]
