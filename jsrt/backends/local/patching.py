"""`patch` semantics: an object of fields, or JSON-Patch operations (RFC 6902 subset).

The spec describes `patch` as "the specific fields and values to update" (an object),
while integrator.io's REST PATCH takes `[{op, path, value}]`; scripts use both, so both
are applied. The operations are `add`, `replace` and `remove` (what integrator.io
documents); `check_args` has already refused anything else.

integrator.io's PATCH changes only a whitelist of fields (`PATCHABLE_FIELDS`); a patch
that touches another field changes nothing and is a 422. Unlike RFC 6902, a `replace`
(or `remove`) of a whitelisted field the document does not have yet is accepted: debug
mode is switched on with `replace /debugUntil` on a resource that never had it (Celigo's
own UI sends exactly that), and off with `remove`.
"""

from __future__ import annotations

from typing import Any, Final

from jsrt.api.errors import InvalidArgument, Unprocessable
from jsrt.json_values import clone

PATCHABLE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "exports": ("debugUntil",),
    "imports": ("debugUntil",),
    "flows": ("debugUntil",),
    "connections": ("debugDate",),
    "scripts": ("debugUntil",),
}
"""The top-level fields integrator.io's PATCH may change, by collection: exports, imports
and flows take a whitelist "e.g. debugUntil" (celigo-reference §3.1 [C S7]); a script
only `debugUntil` (§3.5 [C S4]); a connection `debugDate`, the field Celigo's UI patches
to capture its debug log (celigo/ai api-reference: "setting debugDate to a future ISO
timestamp"). The documentation names no whitelist for the other collections, so any field
but `_id` may change there (plausible)."""


def apply_patch(
    document: dict[str, Any],
    patch: dict[str, Any] | list[Any],
    patchable: tuple[str, ...] | None = None,
    noun: str = "document",
) -> dict:
    """A patched copy of `document`; the `_id` can never change, and with `patchable`
    only those top-level fields can (a 422 naming them otherwise)."""
    if isinstance(patch, dict):
        if "_id" in patch and patch["_id"] != document.get("_id"):
            raise InvalidArgument("patch cannot change _id")
        for name in patch:
            _check_patchable(name, f"patch.{name}", patchable, noun)
        return {**document, **clone(patch)}
    patched = clone(document)
    for index, op in enumerate(patch):
        _apply_op(patched, op, index, patchable, noun)
    return patched


def _check_patchable(name: str, where: str, patchable: tuple[str, ...] | None, noun: str) -> None:
    if patchable is None or name in patchable or name == "_id":
        return
    allowed = ", ".join(patchable)
    raise Unprocessable(
        f"{where}: integrator.io's PATCH may change only {allowed} of {_article(noun)} {noun},"
        f" not {name}; change other fields with update (PUT), which replaces the document",
        code="invalid_patch",
    )


def _article(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"


def _apply_op(
    document: dict[str, Any],
    op: dict[str, Any],
    index: int,
    patchable: tuple[str, ...] | None,
    noun: str,
) -> None:
    tokens = _pointer_tokens(op["path"])
    if tokens[0] == "_id":
        raise InvalidArgument(f"patch[{index}] cannot change _id")
    _check_patchable(tokens[0], f"patch[{index}] ({op['op']} {op['path']})", patchable, noun)
    parent = document
    for depth, token in enumerate(tokens[:-1]):
        parent = _child(parent, token, op, index, tokens[: depth + 1])
    last = tokens[-1]
    name = op["op"]
    whitelisted_field = patchable is not None and len(tokens) == 1
    if isinstance(parent, list):
        _apply_to_list(parent, last, op, index)
    elif isinstance(parent, dict):
        if name != "add" and last not in parent and not whitelisted_field:
            raise _missing(op, index)
        if name == "remove":
            parent.pop(last, None)
        else:
            parent[last] = clone(op["value"])
    else:
        raise _missing(op, index)


def _apply_to_list(target: list[Any], token: str, op: dict[str, Any], index: int) -> None:
    name = op["op"]
    if name == "add" and token == "-":
        target.append(clone(op["value"]))
        return
    if not token.isdigit():
        raise _missing(op, index)
    position = int(token)
    limit = len(target) if name == "add" else len(target) - 1
    if position > limit:
        raise _missing(op, index)
    if name == "add":
        target.insert(position, clone(op["value"]))
    elif name == "remove":
        del target[position]
    else:
        target[position] = clone(op["value"])


def _child(parent: Any, token: str, op: dict[str, Any], index: int, walked: list[str]) -> Any:
    if isinstance(parent, dict) and token in parent:
        return parent[token]
    if isinstance(parent, list) and token.isdigit() and int(token) < len(parent):
        return parent[int(token)]
    raise Unprocessable(
        f"patch[{index}] ({op['op']} {op['path']}): /{'/'.join(walked)} does not exist"
    )


def _missing(op: dict[str, Any], index: int) -> Unprocessable:
    return Unprocessable(f"patch[{index}] ({op['op']} {op['path']}): the path does not exist")


def _pointer_tokens(path: str) -> list[str]:
    """RFC 6901: '/a/b~1c' -> ['a', 'b/c']."""
    return [token.replace("~1", "/").replace("~0", "~") for token in path[1:].split("/")]
