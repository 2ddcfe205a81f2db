"""README's "What jsrt serve answers" table, rendered from the two tables the server
builds its routes from: the catalog's routes (`jsrt.api.catalog`) and the REST-only rows
(`jsrt.server.rest_table`).

`python -m jsrt.server.routes_doc` prints it; `tests/test_readme.py` fails when the
README's copy differs, so the table cannot drift from what `jsrt serve` answers.
"""

from __future__ import annotations

from jsrt.api.catalog import CATALOG, Method, Route
from jsrt.api.wire import SUCCESS_STATUS
from jsrt.server.rest_table import REST_ROUTES


def served_routes_markdown() -> str:
    """README's "What jsrt serve answers": the catalog's routes, then this table's rows."""
    rows = [
        "| route | statuses | answers | source |",
        "|---|---|---|---|",
    ]
    for method in CATALOG:
        statuses = [SUCCESS_STATUS[method.served]]
        if method.served == "page_or_empty":
            statuses.append(204)
        shown = ", ".join(str(status) for status in statuses)
        for served in method.served_routes:
            source = served.source or "celigo-reference §3"
            rows.append(
                f"| `{served}` | {shown} | integrator-api `{method.signature}`"
                f"{_spread_from_path(method, served)}: {method.local} "
                f"| the catalog (`jsrt/api/catalog.py`), {source} |"
            )
    for route in REST_ROUTES:
        shown = ", ".join(str(status) for status in route.statuses)
        rows.append(f"| `{route}` | {shown} | {route.description} | {route.source} |")
    return "\n".join(rows) + "\n"


def _spread_from_path(method: Method, route: Route) -> str:
    """How the path's values that are no option reach the call (`Field.spread`)."""
    spread = method.spread_field
    extra = [name for name in route.placeholders if name not in method.field_names]
    if spread is None or not extra:
        return ""
    return f" with the path's {', '.join(extra)} in `{spread.name}`"


if __name__ == "__main__":  # `python -m jsrt.server.routes_doc`: the README's table, regenerated
    print(served_routes_markdown(), end="")
