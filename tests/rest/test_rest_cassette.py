"""Cassettes on their own: recording a backend, replaying it, the four modes, scopes,
scrubbing, unmatched calls and damaged files. The worker's side and the caller's side
talk through `run_spec` / `progress` / `merge`, as they do across the process boundary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rest_servers import SMALL_WORLD

from jsrt.api.catalog import find_method
from jsrt.api.checks import check_args
from jsrt.api.errors import ApiError
from jsrt.backends.cassette import Cassette, CassetteBackend, CassetteLibrary
from jsrt.backends.local import LocalBackend, World
from jsrt.backends.scrubbing import SCRUBBED, TOKEN_PLACEHOLDER, Scrubber
from jsrt.errors import InputError, UsageError

FLOW = {"resourceType": "flows", "_id": "orderSync"}


def session(
    cassette: Cassette,
    calls: list[tuple[str, str, Any]],
    *,
    world: World | None = None,
    scope: str | None = None,
    tokens: tuple[str, ...] = (),
) -> tuple[list[Any], CassetteBackend]:
    """One run: each call through a CassetteBackend over a local world; answers or errors."""
    inner = LocalBackend(world if world is not None else World(SMALL_WORLD))
    backend = CassetteBackend(inner, cassette.run_spec(scope), tokens=tokens)
    answers: list[Any] = []
    for obj, method, arg in calls:
        checked = check_args(find_method(obj, method), [arg])
        try:
            answers.append(backend.call(obj, method, checked))
        except ApiError as err:
            answers.append(err.to_dict())
    cassette.merge(backend.progress())
    return answers, backend


STATEFUL = [
    ("state", "getForResource", {**FLOW, "key": "cursor"}),
    ("state", "putForResource", {**FLOW, "key": "cursor", "value": 1}),
    ("state", "getForResource", {**FLOW, "key": "cursor"}),
    ("state", "putForResource", {**FLOW, "key": "cursor", "value": 2}),
    ("state", "getForResource", {**FLOW, "key": "cursor"}),
    ("exports", "run", {"_id": "e1"}),
]


def test_a_recording_replays_the_same_answers_in_order_without_a_backend(tmp_path: Path) -> None:
    path = tmp_path / "run.cassette.json"
    recorded, _ = session(Cassette(path, "once"), STATEFUL)
    assert recorded[0]["code"] == "not_found"
    assert recorded[2:5] == [1, None, 2]
    document = json.loads(path.read_text())
    assert document["format"] == "jsrt-cassette/1"
    assert [i["method"] for i in document["interactions"]] == [c[1] for c in STATEFUL]
    assert document["interactions"][1] == {
        "object": "state",
        "method": "putForResource",
        "args": [{**FLOW, "key": "cursor", "value": 1}],
        "ok": True,
    }

    replay = Cassette(path, "none")
    backend = CassetteBackend(None, replay.run_spec(None))
    replayed = []
    for obj, method, arg in STATEFUL:
        try:
            replayed.append(backend.call(obj, method, [arg]))
        except ApiError as err:
            replayed.append(err.to_dict())
    assert replayed == recorded
    assert backend.mismatch() is None


def test_once_replays_an_existing_cassette_and_never_reaches_the_backend(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    session(Cassette(path, "once"), STATEFUL[:1])
    world = World(SMALL_WORLD)
    answers, backend = session(
        Cassette(path, "once"), [*STATEFUL[:1], ("exports", "delete", "e1")], world=world
    )
    assert answers[1]["code"] == "not_recorded"
    assert world.get("exports", "e1") is not None  # the delete never reached the world
    error = backend.mismatch()
    assert isinstance(error, InputError)
    assert f"{path}: no recorded answer to exports.delete" in error.message
    assert "--record-mode new" in error.hint


def test_new_replays_what_it_has_and_records_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    session(Cassette(path, "once"), STATEFUL[:2])
    world = World(SMALL_WORLD)
    cassette = Cassette(path, "new")
    answers, _ = session(cassette, [*STATEFUL[:2], STATEFUL[5]], world=world)
    assert answers[2] == {"data": [{"n": 1}], "dataURIs": [], "errors": []}
    assert world.state_of("flows", "orderSync") == {"lastRun": "2025-01-14"}  # replayed put
    methods = [i["method"] for i in json.loads(path.read_text())["interactions"]]
    assert methods == ["getForResource", "putForResource", "run"]


def test_all_records_afresh_and_none_needs_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    session(Cassette(path, "once"), STATEFUL)
    session(Cassette(path, "all"), STATEFUL[5:])
    assert [i["method"] for i in json.loads(path.read_text())["interactions"]] == ["run"]
    with pytest.raises(InputError, match="no such cassette") as raised:
        Cassette(tmp_path / "missing.json", "none")
    assert "--record" in raised.value.hint
    with pytest.raises(UsageError, match="unknown record mode 'sometimes'"):
        Cassette(path, "sometimes")


def test_a_run_with_no_calls_still_writes_its_cassette(tmp_path: Path) -> None:
    path = tmp_path / "quiet.json"
    session(Cassette(path, "once"), [])
    assert json.loads(path.read_text()) == {
        "format": "jsrt-cassette/1",
        "secretFields": [],
        "interactions": [],
    }
    assert [p.name for p in tmp_path.iterdir()] == ["quiet.json"]  # no temporary file left


def test_scopes_keep_tests_that_share_a_cassette_apart(tmp_path: Path) -> None:
    path = tmp_path / "shared.json"
    library = CassetteLibrary()
    cassette = library.open(path, "once")
    world_a, world_b = World(SMALL_WORLD), World(SMALL_WORLD)
    world_b.put_state("flows", "orderSync", "lastRun", "yesterday")
    read = [("state", "getForResource", {**FLOW, "key": "lastRun"})]
    session(cassette, read, world=world_a, scope="a")
    session(cassette, read, world=world_b, scope="b")
    assert library.open(path, "once") is cassette
    replay = Cassette(path, "none")
    assert session(replay, read, scope="b")[0] == ["yesterday"]
    assert session(replay, read, scope="a")[0] == ["2025-01-14"]
    with pytest.raises(UsageError, match="record mode 'once' and 'all'"):
        library.open(path, "all")


def test_calls_recorded_without_a_scope_serve_every_scope(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    session(Cassette(path, "once"), STATEFUL[5:])  # as jsrt run --record writes it
    answers, _ = session(Cassette(path, "none"), STATEFUL[5:], scope="orders.case.yaml::a")
    assert answers == [{"data": [{"n": 1}], "dataURIs": [], "errors": []}]


def test_the_token_and_secret_fields_never_reach_the_file(tmp_path: Path) -> None:
    token = "sk-live-0123456789abcdef"
    path = tmp_path / "c.json"
    world = World(
        {
            "connections": [
                {
                    "_id": "c1",
                    "http": {"auth": {"token": {"token": token}}},
                    "password": "hunter2",
                    "note": f"Bearer {token}",
                }
            ]
        }
    )
    cassette = Cassette(path, "once", secret_fields=("note",))
    answers, _ = session(
        cassette,
        [
            ("connections", "get", "c1"),
            ("connections", "create", {"name": "n", "apiKey": "k-123", "clientSecret": "s-456"}),
        ],
        world=world,
        tokens=(token,),
    )
    assert answers[0]["note"] == f"Bearer {token}"  # the hook itself saw the real answer
    assert answers[0]["password"] == "******"  # masked by the world, as integrator.io does
    text = path.read_text()
    for secret in (token, "hunter2", "k-123", "s-456"):
        assert secret not in text
    assert json.loads(text)["secretFields"] == ["note"]  # a replay scrubs it too, untold
    first, second = json.loads(text)["interactions"]
    assert first["value"]["http"]["auth"] == {"token": SCRUBBED}
    assert first["value"]["note"] == SCRUBBED
    assert second["args"][0]["apiKey"] == SCRUBBED
    # A replayed call is scrubbed the same way, so it still matches.
    again = session(
        Cassette(path, "none"),
        [("connections", "create", {"name": "n", "apiKey": "k-123", "clientSecret": "s-456"})],
    )[0]
    assert (again[0]["name"], again[0]["apiKey"]) == ("n", "******")  # the mask is kept


def test_the_token_is_scrubbed_as_sent_when_its_variable_has_whitespace(tmp_path: Path) -> None:
    """The REST client sends the variable's value stripped; the scrubber must look for
    what was sent (and URL-encoded), not only the raw value with its spaces."""
    token = "sk-live 0123456789abcdef"
    world = World({"connections": [{"_id": "c1", "note": f"Bearer {token}", "url": f"?t={token}"}]})
    path = tmp_path / "c.json"
    session(
        Cassette(path, "once"),
        [("connections", "get", "c1")],
        world=world,
        tokens=(f"  {token}\n",),
    )
    text = path.read_text()
    assert "0123456789abcdef" not in text
    assert json.loads(text)["interactions"][0]["value"]["note"] == f"Bearer {TOKEN_PLACEHOLDER}"


def test_the_scrubber_replaces_a_token_inside_any_string() -> None:
    scrub = Scrubber(tokens=["abc123"])
    assert scrub({"url": "https://x/?t=abc123", "list": ["abc123"], "Secret": 1, "n": 2}) == {
        "url": f"https://x/?t={TOKEN_PLACEHOLDER}",
        "list": [TOKEN_PLACEHOLDER],
        "Secret": SCRUBBED,
        "n": 2,
    }


def test_an_unmatched_call_names_the_closest_recorded_one_with_a_diff(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    session(
        Cassette(path, "once"),
        [
            ("exports", "run", {"_id": "e1"}),
            (
                "state",
                "putForResource",
                {**FLOW, "key": "cursor", "value": {"page": 3, "size": 20}},
            ),
        ],
    )
    value = {"page": 4, "size": 20}
    changed = ("state", "putForResource", {**FLOW, "key": "cursor", "value": value})
    _, backend = session(Cassette(path, "none"), [changed], scope=None)
    message = backend.mismatch().message
    assert message.startswith(
        f"{path}: no recorded answer to state.putForResource; the closest "
        "recorded call is #1 state.putForResource, arguments:"
    )
    assert "  --- recorded" in message and "  +++ this run" in message
    assert '  -      "page": 3,' in message
    assert '  +      "page": 4,' in message


def test_a_call_made_more_often_than_recorded_says_the_answer_was_used(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    session(Cassette(path, "once"), STATEFUL[5:])
    _, backend = session(Cassette(path, "none"), [STATEFUL[5], STATEFUL[5]])
    message = backend.mismatch().message
    assert "#0 exports.run (already used by an earlier call)" in message
    assert "(the same arguments)" in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"format": "jsrt-cassette/1", "interactions": [}', ":1:48: invalid JSON in cassette"),
        ('{"interactions": []}', "not a jsrt cassette (expected an object with format"),
        (
            '{"format": "jsrt-cassette/1", "interactions": [{"object": "state"}]}',
            "interactions[0]: method must be a string",
        ),
        (
            '{"format": "jsrt-cassette/1", "interactions": [{"object": "a", "method": "b", '
            '"args": [], "ok": false}]}',
            "interactions[0]: a failed call needs error",
        ),
    ],
)
def test_a_damaged_cassette_is_an_input_error_naming_the_place(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InputError) as raised:
        Cassette(path, "none")
    assert problem in raised.value.message
    assert str(path) in raised.value.message
