"""`patch` semantics: an object of fields, or JSON-Patch operations (RFC 6902 subset).

The spec describes `patch` as "the specific fields and values to update" (an object),
while integrator.io's REST PATCH takes `[{op, path, value}]`; scripts use both, so both
are applied. The operations are `add`, `replace` and `remove` (what integrator.io
documents); `check_args` has already refused anything else.
"""

from __future__ import annotations

from typing import Any

from jsrt.api.errors import InvalidArgument, Unprocessable
from jsrt.json_values import clone


def apply_patch(document: dict[str, Any], patch: dict[str, Any] | list[Any]) -> dict:
    """A patched copy of `document`; the `_id` can never change."""
    if isinstance(patch, dict):
        if "_id" in patch and patch["_id"] != document.get("_id"):
            raise InvalidArgument("patch cannot change _id")
        return {**document, **clone(patch)}
    patched = clone(document)
    for index, op in enumerate(patch):
        _apply_op(patched, op, index)
    return patched


def _apply_op(document: dict[str, Any], op: dict[str, Any], index: int) -> None:
    tokens = _pointer_tokens(op["path"])
    if tokens[0] == "_id":
        raise InvalidArgument(f"patch[{index}] cannot change _id")
    parent = document
    for depth, token in enumerate(tokens[:-1]):
        parent = _child(parent, token, op, index, tokens[: depth + 1])
    last = tokens[-1]
    name = op["op"]
    if isinstance(parent, list):
        _apply_to_list(parent, last, op, index)
    elif isinstance(parent, dict):
        if name != "add" and last not in parent:
            raise _missing(op, index)
        if name == "remove":
            del parent[last]
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
