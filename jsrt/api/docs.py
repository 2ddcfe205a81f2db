"""The README's coverage table, rendered from the catalog.

`python -m jsrt.api.docs` prints it; `tests/test_readme.py` fails when the README's copy
differs, so the table cannot drift from what jsrt answers.
"""

from __future__ import annotations

from jsrt.api.catalog import (
    CATALOG,
    HOOKS_ALLOWED,
    HOOKS_NEED_INTEGRATION,
    HOOKS_NEED_REGISTERED_CACHE,
    HOOKS_REFUSED,
    HookRule,
)

_HOOK_RULE_PROSE: dict[HookRule, str] = {
    HOOKS_REFUSED: "no (CRUD is not supported in hooks)",
    HOOKS_NEED_INTEGRATION: "only in a flow inside an integration",
    HOOKS_NEED_REGISTERED_CACHE: "only for caches registered with the hook's integration",
    HOOKS_ALLOWED: "yes",
}


def catalog_table_markdown() -> str:
    """The README's coverage table: one row per function, generated from the catalog."""
    rows = [
        "| object | method | kind | allowed in hooks | REST route | local behaviour |",
        "|---|---|---|---|---|---|",
    ]
    for m in CATALOG:
        route = f"`{m.route}`" if m.route else "none (no public REST route)"
        rows.append(
            f"| `{m.obj}` | `{m.name}({m.arg})` | {m.kind} | {_HOOK_RULE_PROSE[m.hook_rule]} "
            f"| {route} | {m.local} |"
        )
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # `python -m jsrt.api.docs`: the README's table, regenerated
    print(catalog_table_markdown(), end="")
