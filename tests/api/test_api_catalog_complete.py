"""Every catalog method is complete: a local handler, a REST route or the explicit
"no public endpoint" (`route=None`, which the REST backend refuses as Unsupported), and a
served status. Adding a method without one of them fails here, not far from the cause."""

from __future__ import annotations

import pytest

from jsrt.api.catalog import CATALOG, SERVED, Method
from jsrt.api.errors import Unsupported
from jsrt.api.wire import SUCCESS_STATUS, route_of
from jsrt.backends.local import World


@pytest.mark.parametrize("method", CATALOG, ids=lambda m: m.qualified)
def test_every_method_has_a_local_handler(method: Method) -> None:
    handler = getattr(World(), method.handler, None)
    assert callable(handler), f"World has no {method.handler} for {method.qualified}"


@pytest.mark.parametrize("method", CATALOG, ids=lambda m: m.qualified)
def test_every_place_a_route_names_has_an_option_to_go_in(method: Method) -> None:
    """A path's placeholder is an option, or goes in the option a flat body spreads
    (`/v1/connections/{_connectionId}/export` -> `export._connectionId`)."""
    taken = method.field_names | ({"_id"} if method.shape == "id" else set())  # get(_id)
    for route in method.served_routes:
        others = [name for name in route.placeholders if name not in taken]
        assert not others or method.spread_field is not None, f"{route} names {others}"
        assert route.source or route is method.route, f"{route} cites no source"


@pytest.mark.parametrize("method", CATALOG, ids=lambda m: m.qualified)
def test_every_method_has_a_route_or_says_it_has_none(method: Method) -> None:
    if method.route is None:
        with pytest.raises(Unsupported, match=r"no public integrator\.io REST endpoint"):
            route_of(method)
    else:
        assert route_of(method) is method.route


@pytest.mark.parametrize("method", CATALOG, ids=lambda m: m.qualified)
def test_every_method_has_a_served_status(method: Method) -> None:
    assert method.served in SERVED
    assert 200 <= SUCCESS_STATUS[method.served] < 300


def test_writes_are_exactly_what_is_not_a_read() -> None:
    for method in CATALOG:
        if method.route is not None and method.route.verb == "GET":
            assert not method.changes_account, method.qualified
