"""`jsrt.json_values.indented`: the one indented JSON text jsrt prints and writes (CLI
output, `--json`, `jsrt check` reports, pulled integration files, flow traces)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jsrt.json_values import indented

LAID_OUT: list[Any] = [
    {"data": [{"id": "SO-1", "total": 235.07, "tags": [], "meta": {}}], "abort": False},
    {"ünïcode": '日本語 \u2013 \u201cquotes\u201d \\ "', "control": "\n\t\u0001", "none": None},
    [1, -0.5, 12345678901234567, [], {}, [[]], {"a": {"b": [True, False]}}],
]


@pytest.mark.parametrize("value", LAID_OUT)
def test_it_is_the_stdlib_layout_that_people_and_diffs_read(value: Any) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_keys_that_are_not_strings_are_written_as_json_writes_them() -> None:
    assert json.loads(indented({1: "a", "b": 2})) == {"1": "a", "b": 2}


@pytest.mark.parametrize("value", [{"big": 2**70}, {"half": "\ud83d"}])
def test_what_orjson_refuses_is_written_by_the_stdlib(value: Any) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
