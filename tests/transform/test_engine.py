"""The transformation engine's isolate: libraries from npm, ops, errors, JSONPath queries."""

from __future__ import annotations

import pytest

from jsrt.transform import TransformEngine, TransformError, shared_engine


@pytest.fixture(scope="module")
def engine() -> TransformEngine:
    return shared_engine()


def test_the_engine_loads_the_pinned_npm_libraries(engine: TransformEngine) -> None:
    libraries = engine.call("ping", {"echo": "x"})
    assert libraries == {
        "libraries": ["handlebars", "jsonpath-plus", "moment", "moment-timezone", "crypto-js"],
        "echo": "x",
    }


def test_an_unknown_op_is_a_transform_error(engine: TransformEngine) -> None:
    with pytest.raises(TransformError, match='unknown transformation op "nope"'):
        engine.call("nope", {})


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.a.b", [1, 2]),
        ("$.a.b[0]", 1),
        ("$['a']['b'][1]", 2),
        ("$.a.c", None),
        ("$.a.b[*]", [1, 2]),
        ("$.rows[*].id", ["r1", "r2"]),
        ("$..id", ["r1", "r2"]),
        ("$.rows[?(@.id=='r2')].id", ["r2"]),
        ("$['dotted.key']", "d"),
    ],
)
def test_queries_read_definite_paths_directly_and_others_through_jsonpath_plus(
    engine: TransformEngine, path: str, expected: object
) -> None:
    record = {"a": {"b": [1, 2]}, "rows": [{"id": "r1"}, {"id": "r2"}], "dotted.key": "d"}
    assert engine.call("query", {"path": path, "json": record}) == expected


def test_a_path_jsonpath_plus_cannot_parse_is_a_transform_error(engine: TransformEngine) -> None:
    with pytest.raises(TransformError, match="invalid JSONPath"):
        engine.call("query", {"path": "$.a[?(@.b==]", "json": {"a": [{"b": 1}]}})


def test_an_op_running_past_its_time_is_stopped_and_the_engine_goes_on() -> None:
    from jsrt.errors import HookTimeout

    with TransformEngine() as engine:
        with pytest.raises(HookTimeout):
            engine.call("query", {"path": "$", "json": {}}, timeout_s=0)
        assert engine.call("query", {"path": "$.a", "json": {"a": 1}}) == 1
