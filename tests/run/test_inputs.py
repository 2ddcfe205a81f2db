"""How a run's inputs enter V8: small ones set by the call's script, large ones as a
string global; the hook sees the same JSON-parsed data either way."""

from __future__ import annotations

import pytest

from jsrt.run.execute import INLINE_INPUTS_BYTES
from jsrt.runner import Runtime

TRICKY = {"__proto__": {"x": 1}, "quote": '"\\', "line": "a\u2028b\u2029c\n", "é": "ü"}


@pytest.mark.parametrize("padding", [0, 2 * INLINE_INPUTS_BYTES], ids=["small", "large"])
def test_the_hook_sees_its_inputs_as_json_parsed_data(write_script, padding: int) -> None:
    script = write_script(
        """
        function preSavePage(options) {
          const first = options.data[0]
          return {
            data: [{
              own: Object.keys(first),
              proto: Object.getPrototypeOf(first) === Object.prototype,
              line: first.line, quote: first.quote, e: first['é'],
              padding: options.data[1].padding.length,
              leaked: typeof __jsrt_inputs,
            }],
            errors: [],
          }
        }
        """
    )
    page = {"data": [TRICKY, {"padding": "x" * padding}]}
    result = Runtime(timeout_s=10).run_hook(script, options=page)
    assert result.ok, result.error
    assert result.value["data"] == [
        {
            "own": ["__proto__", "quote", "line", "é"],
            "proto": True,
            "line": TRICKY["line"],
            "quote": TRICKY["quote"],
            "e": "ü",
            "padding": padding,
            "leaked": "undefined",
        }
    ]
