"""The synchronous bridge: `__jsrt_bridge(request) -> response`, from JS to Python."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest

from jsrt.engine import Isolate
from jsrt.errors import ScriptError

MB = 1024 * 1024


def test_javascript_gets_the_answer_on_the_same_line() -> None:
    calls: list[str] = []

    def handler(request: str) -> str:
        calls.append(request)
        return request.upper()

    with Isolate(bridge=handler) as isolate:
        value = isolate.eval("const r = __jsrt_bridge('ping'); r + '!'", filename="a.js")
    assert value == "PING!"
    assert calls == ["ping"]


def test_text_round_trips_exactly() -> None:
    samples = ["", "plain ascii", "café ÿ", "snow ☃ and 𝄞 clef", '{"q": "\\u0000\\n"}']
    with Isolate(bridge=lambda request: request) as isolate:
        for sample in samples:
            isolate.eval(f"var s = {sample!r}", filename="s.js")  # Python repr is a JS literal here
            assert isolate.eval("__jsrt_bridge(s) === s", filename="t.js") is True
            assert isolate.eval("__jsrt_bridge(s)", filename="u.js") == sample


def test_each_reply_arrives_whole_whatever_the_length_of_the_one_before() -> None:
    """The bridge reads a reply's code units through one array it keeps between calls:
    a short reply after a longer one (or after one longer than a chunk) gets none of the
    longer one's tail."""
    replies = ["a" * 20_000, "é" * 9_000 + "z", "short", "😀" * 5_000, "b", ""]
    answers = iter(replies)
    with Isolate(bridge=lambda _request: next(answers)) as isolate:
        received = [isolate.eval("__jsrt_bridge('next')", filename="r.js") for _ in replies]
    assert received == replies


def test_a_python_exception_becomes_a_javascript_error() -> None:
    def handler(request: str) -> str:
        raise KeyError(f"record {request} missing")

    with Isolate(bridge=handler) as isolate:
        caught = isolate.eval(
            "try { __jsrt_bridge('7'); 'no throw' } catch (e) {"
            " [e instanceof Error, e.name, e.message].join('|') }",
            filename="a.js",
        )
        assert caught == "true|KeyError|'record 7 missing'"
        with pytest.raises(ScriptError) as raised:
            isolate.eval("function hook() {\n  __jsrt_bridge('8');\n}\nhook()", filename="hook.js")
    error = raised.value
    assert (error.name, error.file, error.line) == ("KeyError", "hook.js", 2)
    assert "jsrt:" not in error.stack


def test_a_handler_returning_a_non_string_is_an_error_not_garbage() -> None:
    with Isolate(bridge=lambda request: 42) as isolate:  # type: ignore[arg-type,return-value]
        message = isolate.eval(
            "try { __jsrt_bridge('x') } catch (e) { e.name + ': ' + e.message }", filename="a.js"
        )
    assert message == (
        "BridgeError: bridge: the Python handler returned int, expected str or UTF-8 bytes"
    )


@pytest.mark.parametrize("text", ['{"a":"plain"}', '{"a":"caf\u00e9 \u4e2d \U0001f600"}'])
def test_a_handler_may_answer_utf8_bytes(text: str) -> None:
    # ASCII bytes go into the frame as they are (their own Latin-1); others are decoded
    # and sent as any text is.
    with Isolate(bridge=lambda request: text.encode()) as isolate:
        assert isolate.eval("__jsrt_bridge('x')", filename="a.js") == text


def test_bytes_that_are_not_utf8_are_an_error_not_garbage() -> None:
    with Isolate(bridge=lambda request: b"\xff\xfe") as isolate:
        message = isolate.eval("try { __jsrt_bridge('x') } catch (e) { e.name }", filename="a.js")
    assert message == "UnicodeDecodeError"


def test_only_strings_cross() -> None:
    with Isolate(bridge=lambda request: request) as isolate:
        name = isolate.eval("try { __jsrt_bridge({}) } catch (e) { e.name }", filename="a.js")
    assert name == "TypeError"


def test_reentering_the_isolate_from_the_handler_is_refused_not_a_deadlock() -> None:
    holder: dict[str, Isolate] = {}

    def handler(request: str) -> str:
        if request == "eval":
            return str(holder["isolate"].eval("1 + 1", filename="inner.js"))
        holder["isolate"].close()
        return "closed"

    isolate = Isolate(bridge=handler)
    holder["isolate"] = isolate
    result: list[object] = []
    worker = threading.Thread(
        target=lambda: result.append(
            isolate.eval(
                "JSON.stringify(['eval', 'close'].map(k => { try { return __jsrt_bridge(k) }"
                " catch (e) { return e.name + ': ' + e.message } }))",
                filename="a.js",
            )
        ),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "re-entry deadlocked"
    lines = json.loads(str(result[0]))
    assert lines[0].startswith(
        "BridgeError: cannot eval the isolate from inside its own bridge handler"
    )
    assert lines[1].startswith("BridgeError: cannot close the isolate")
    assert isolate.eval("'still usable'", filename="b.js") == "still usable"
    isolate.close()


def test_the_bridge_is_locked_down() -> None:
    with Isolate(bridge=lambda request: request) as isolate:
        assert isolate.eval("Object.keys(globalThis).length", filename="a.js") == 0
        assert isolate.eval("typeof __jsrt_notify", filename="a.js") == "undefined"
        assert (
            isolate.eval(
                "'use strict'; try { __jsrt_bridge = null; 'replaced' } catch (e) { e.name }",
                filename="b.js",
            )
            == "TypeError"
        )
        assert isolate.eval("delete globalThis.__jsrt_bridge", filename="c.js") is False
        # Patched built-ins are never handed the bridge's buffer.
        stolen = isolate.eval(
            """
            let seen = null;
            const keep = (name, proto) => {
              const original = proto[name];
              proto[name] = function (...args) { seen = this; return original.apply(this, args); };
            };
            keep('resize', ArrayBuffer.prototype);
            keep('subarray', Uint8Array.prototype);
            Object.defineProperty(ArrayBuffer.prototype, 'byteLength',
                                  { get() { seen = this; return 0; } });
            __jsrt_bridge('x'.repeat(200000));
            String(seen)
            """,
            filename="d.js",
        )
        assert stolen == "null"


def test_payloads_over_the_limit_are_a_catchable_error_and_the_bridge_goes_on() -> None:
    with Isolate(bridge=lambda request: "y" * int(request), max_bridge_mb=1) as isolate:
        too_big_out = isolate.eval(
            "try { __jsrt_bridge('x'.repeat(2 * 1024 * 1024)) } catch (e) { e.name }",
            filename="a.js",
        )
        too_big_back = isolate.eval(
            "try { __jsrt_bridge(String(2 * 1024 * 1024)) }"
            " catch (e) { e.name + ': ' + e.message }",
            filename="b.js",
        )
        assert isolate.eval("__jsrt_bridge('3').length", filename="c.js") == 3
    assert too_big_out == "RangeError"
    assert too_big_back.startswith("BridgeError: bridge: response of 2097152 bytes exceeds")


@pytest.mark.slow
def test_fifty_megabytes_each_way() -> None:
    size = 50 * MB
    received: dict[str, str] = {}

    def handler(request: str) -> str:
        if request.startswith("send:"):
            received["text"] = request
            return "ok"
        return "".join(chr(97 + i % 26) for i in range(26)) * (size // 26) + "z" * (size % 26)

    with Isolate(bridge=handler) as isolate:
        isolate.eval(
            "function sum(s) { let h = 0; for (let i = 0; i < s.length; i += 4099)"
            " h = (h * 31 + s.charCodeAt(i)) >>> 0; return h }",
            filename="sum.js",
        )
        back = isolate.eval(
            "const big = __jsrt_bridge('give'); big.length + ':' + sum(big) + ':' + big.slice(-3)",
            filename="in.js",
        )
        sent = isolate.eval(
            "__jsrt_bridge('send:' + 'é'.repeat(100) + 'x'.repeat(50 * 1024 * 1024))",
            filename="out.js",
        )
    expected = "".join(chr(97 + i % 26) for i in range(26)) * (size // 26) + "z" * (size % 26)
    checksum = 0
    for i in range(0, size, 4099):
        checksum = (checksum * 31 + ord(expected[i])) & 0xFFFFFFFF
    assert back == f"{size}:{checksum}:{expected[-3:]}"
    assert sent == "ok"
    text = received["text"]
    assert len(text) == 5 + 100 + size
    assert (
        hashlib.sha256(text.encode()).hexdigest()
        == hashlib.sha256(("send:" + "é" * 100 + "x" * size).encode()).hexdigest()
    )


@pytest.mark.slow
def test_a_thousand_isolates_with_bridge_calls_do_not_grow_memory() -> None:
    def rss_mb() -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096 / MB

    def one_run(i: int) -> None:
        with Isolate(bridge=lambda request: request * 2) as isolate:
            value = isolate.eval(
                f"let s = ''; for (let k = 0; k < 20; k++) s = __jsrt_bridge('{i}'); s.length",
                filename="run.js",
            )
            assert value == len(str(i)) * 2

    for i in range(100):  # warm-up: allocator pools, code caches
        one_run(i)
    baseline = rss_mb()
    for i in range(1000):
        one_run(i)
    assert rss_mb() - baseline < 50
