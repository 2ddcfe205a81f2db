"""The 5 MB rule on what a real run returns: each value measured as the bytes V8 wrote for
it, in the text the caller received, and a value over the limit refused without being
read (celigo-reference §2.4: integrator.io refuses an extension's response stream over
5,242,880 bytes; the stream is node's JSON.stringify of the value)."""

from __future__ import annotations

import json

import pytest

from jsrt.errors import JsrtError
from jsrt.hooks.returns import MAX_RETURN_BYTES
from jsrt.run.outcomes import read_outcomes
from jsrt.runner import Runtime


@pytest.fixture(scope="module")
def runtime() -> Runtime:
    return Runtime(timeout_s=30)


def _compact(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _oversize(problems: list[str]) -> list[str]:
    return [p for p in problems if p.startswith("response_size_exceeded")]


@pytest.mark.parametrize("extra", [0, 1], ids=["exactly 5 MB", "one byte more"])
def test_a_page_return_is_measured_to_the_byte(runtime: Runtime, write_script, extra) -> None:
    overhead = len(_compact({"data": [{"t": ""}], "errors": []}))
    length = MAX_RETURN_BYTES - overhead + extra
    script = write_script(
        f"""
        function preSavePage(options) {{
          return {{ data: [{{ t: 'x'.repeat({length}) }}], errors: [] }}
        }}
        """
    )
    result = runtime.run_hook(script, None, {"data": [{}]})
    if extra:
        assert not result.ok and result.value is None
        (problem,) = _oversize(result.problems)
        assert problem.startswith("response_size_exceeded: the returned value is 5,242,881 bytes")
    else:
        assert result.ok, result.error
        assert len(result.value["data"][0]["t"]) == length


def test_the_size_is_the_json_v8_wrote_escapes_included(runtime: Runtime, write_script) -> None:
    # A lone surrogate is 6 bytes of JSON as node writes it (`"\ud800"`), though Python
    # reads it as U+FFFD, 3 bytes: 1,000,000 of them are 6 MB in integrator.io's count.
    script = write_script(
        """
        function preSavePage(options) {
          return { data: [{ t: '\\ud800'.repeat(1000000) }], errors: [] }
        }
        """
    )
    result = runtime.run_hook(script, None, {"data": [{}]})
    overhead = len(_compact({"data": [{"t": ""}], "errors": []}))
    (problem,) = _oversize(result.problems)
    assert f"the returned value is {6_000_000 + overhead:,} bytes" in problem


def test_a_replaced_json_stringify_cannot_shrink_the_size(runtime: Runtime, write_script) -> None:
    script = write_script(
        """
        function preSavePage(options) {
          JSON.stringify = () => '1'
          return { data: [{ t: 'x'.repeat(6000000) }], errors: [] }
        }
        """
    )
    result = runtime.run_hook(script, None, {"data": [{}]})
    overhead = len(_compact({"data": [{"t": ""}], "errors": []}))
    (problem,) = _oversize(result.problems)
    assert f"the returned value is {6_000_000 + overhead:,} bytes" in problem


def test_each_record_of_a_long_outcomes_text_is_measured_alone(
    runtime: Runtime, write_script
) -> None:
    # Three records of 3 MB, 3 MB and just over 5 MB: the text is 11 MB, yet only the
    # third is refused, with its own size; separators inside strings change nothing.
    over = MAX_RETURN_BYTES - len(_compact({"id": 3, "t": ""})) + 1
    script = write_script(
        f"""
        function transform(options) {{
          const id = options.record.id
          if (id === 3) return {{ id, t: 'x'.repeat({over}) }}
          return {{ id, t: '\\n,'.repeat(1000000) }}
        }}
        """
    )
    result = runtime.run_hook(script, None, {"records": [{"id": 1}, {"id": 2}, {"id": 3}]})
    first, second, third = result.records or []
    assert first["ok"] and second["ok"]
    assert first["value"]["t"] == "\n," * 1_000_000
    assert not third["ok"] and third["value"] is None
    (problem,) = _oversize(third["problems"])
    assert "the returned value is 5,242,881 bytes" in problem


def test_a_value_over_the_limit_is_left_unread_with_its_exact_size() -> None:
    head = b'{"ok":true,"returned":true,"logs":[]}'
    big, small = b'"' + b"x" * 98 + b'"', b"[1,2]"
    text = b"[" + b"\n,".join([head, big, head, small, b'{"logs_dropped":0}']) + b"]"
    outcomes, _ = read_outcomes(text, 2, read_up_to=50)
    assert (outcomes[0]["value"], outcomes[0]["size_bound"]) == (None, 100)
    assert (outcomes[1]["value"], outcomes[1]["size_bound"]) == ([1, 2], 5)


def test_a_line_break_that_is_no_separator_is_refused() -> None:
    head = b'{"ok":true,"returned":true,"logs":[]}'
    text = b"[" + b"\n,".join([head, b"[1,\n2]", b'{"logs_dropped":0}']) + b"]"
    with pytest.raises(JsrtError, match="not the lines jsrt writes"):
        read_outcomes(text, 1, read_up_to=10)
