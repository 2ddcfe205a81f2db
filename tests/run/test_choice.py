"""BackendChoice: one value for the backend, checked in one place, one precedence rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsrt.backends.cassette import CassetteLibrary
from jsrt.errors import UsageError
from jsrt.run.choice import BackendChoice, flag_spelling
from jsrt.runner import Runtime


def test_the_kind_is_the_one_asked_for_or_the_one_the_fields_imply() -> None:
    assert BackendChoice().kind == "local"
    assert BackendChoice(region="eu").kind == "rest"
    assert BackendChoice(base_url="http://x.test").kind == "rest"
    assert BackendChoice(replay="c.json").kind == "replay"
    assert BackendChoice(backend="rest", replay="c.json").kind == "rest"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"backend": "cloud"}, "unknown backend 'cloud'; one of local, rest, replay"),
        ({"region": "mars"}, "unknown region 'mars'; one of us, eu"),
        ({"record": "c.json", "record_mode": "often"}, "unknown record mode 'often'"),
        ({"record_mode": "new"}, "--record-mode applies to --record"),
        ({"secret_fields": ["pin"]}, "--secret-field applies to --record"),
    ],
)
def test_fields_are_checked_in_the_front_ends_words(given: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message) as raised:
        BackendChoice.of(given, spell=flag_spelling)
    assert raised.value.details["field"] in given


def test_a_case_choice_under_the_front_ends_loses_whole_groups_and_keeps_allow_writes() -> None:
    case = BackendChoice(
        backend="rest", base_url="http://case.test", allow_writes=True, record="case.json"
    )
    assert case.under(BackendChoice()) == case
    replayed = case.under(BackendChoice(replay="front.json"))
    assert replayed == BackendChoice(allow_writes=True, replay="front.json")
    assert replayed.kind == "replay"
    recorded = case.under(BackendChoice(record="front.json", record_mode="all"))
    assert recorded == BackendChoice(
        backend="rest",
        base_url="http://case.test",
        allow_writes=True,
        record="front.json",
        record_mode="all",
    )


def test_cassette_paths_open_once_per_library(tmp_path: Path) -> None:
    library = CassetteLibrary()
    path = tmp_path / "c.json"
    first = BackendChoice(record=path, record_mode="all", secret_fields=("pin",))
    opened = first.with_cassettes(library)
    again = BackendChoice(record=path, record_mode="all").with_cassettes(library)
    assert opened.record is again.record
    assert (opened.record_mode, opened.secret_fields) == (None, ())
    assert "pin" in opened.record.extra_secret_fields


def test_a_runtime_takes_a_choice_or_keyword_arguments_not_both() -> None:
    assert Runtime(backend=BackendChoice()).backend == "local"
    with pytest.raises(UsageError, match="a BackendChoice was given with region"):
        Runtime(backend=BackendChoice(), region="eu")
    with pytest.raises(UsageError, match="record_mode applies to record"):
        Runtime(record_mode="new")
