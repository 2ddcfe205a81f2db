"""The declared shape of a world file's `apis:` list (My APIs), as `jsrt serve` reads it.

```yaml
apis:
  - {_id: orders-api, script: handlers.js, function: handleRequest, path: /orders}
  - {_id: orders, name: Orders, type: script,          # as integrator.io exports it
     script: {_scriptId: 5f0c0ffee0c0ffee0c0ffee0, function: handleRequest},
     lastModified: "2026-04-07T03:48:20.795Z"}
  - {_id: ping, _scriptId: 5f0c0ffee0c0ffee0c0ffee0, function: ping}   # legacy form
```

The models check what an entry says by itself, in the order a reader fixes it: the
entry is an object (jsrt's short form: of known keys; an API document keeps the keys
jsrt does not read, as a world's documents do), then its fields (`_id`, `type`, the
strings), then its script and its path. Validators raise `jsrt.document_schema.problem` with the
wording `jsrt serve` has always used; `jsrt.server.apis` puts the message at the line
and column of the key, and makes the checks that need the world (the script document a
`_scriptId` names, the script file next to the world file, unique `_id`s).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from jsrt.document_schema import problem
from jsrt.inputs import Where

ADMIN_PREFIX = "/_jsrt"
"""jsrt's own paths (faults, reset, world); no My API may take them."""

API_KEYS = ("_id", "name", "type", "script", "_scriptId", "function", "path")
"""The keys an entry may hold (in the order the hint lists them)."""

EXAMPLE = "apis: [{_id: orders-api, script: handlers.js, function: handleRequest}]"
_RESERVED = ("/v1/", f"{ADMIN_PREFIX}/")


def _api_id(value: Any) -> Any:
    if not isinstance(value, str) or not value:
        raise problem("required, a non-empty string", EXAMPLE)
    return value


def _script_type(value: Any) -> Any:
    if value is None:  # a legacy API document's `type` (celigo/ai building-apis SKILL.md)
        return "script"
    if value != "script":
        raise problem(
            f"{value!r} APIs are built in integrator.io's builder, not scripted",
            "jsrt serve runs script-mode APIs (type: script, with a handleRequest "
            "function); leave builder-mode APIs out of the world file",
        )
    return value


def _a_string(value: Any) -> Any:
    if not isinstance(value, str):
        raise problem("expected a string", EXAMPLE)
    return value


class ApiEntry(BaseModel):
    """One My API: jsrt's short form (`script` names a file) or an integrator.io API
    document (`script: {_scriptId, function}`, or the legacy top-level `_scriptId`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Declared in the order they are checked: the first problem is the one reported.
    api_id: Annotated[str, BeforeValidator(_api_id)] = Field(
        None, alias="_id", validate_default=True
    )
    type: Annotated[str, BeforeValidator(_script_type)] = "script"
    function: Annotated[str | None, BeforeValidator(_a_string)] = None
    name: Annotated[str | None, BeforeValidator(_a_string)] = None
    path: Annotated[str | None, BeforeValidator(_a_string)] = None
    script: Any = None
    """A file name (short form) or `{_scriptId, function}` (an API document)."""
    script_id: Any = Field(None, alias="_scriptId")
    """The legacy form's script document `_id`; checked against the world."""

    @model_validator(mode="before")
    @classmethod
    def _an_object_of_known_keys(cls, entry: Any) -> Any:
        if not isinstance(entry, dict):
            raise problem("expected an object {_id, script, function?, path?}", EXAMPLE)
        if _is_api_document(entry):
            # The account's copy carries keys jsrt does not read: `createdAt`,
            # `lastModified`, `_integrationId`, `description`, `version`, `disabled`,
            # `sandbox`, `apim` (celigo/ai skills/building-apis/references/schemas/
            # response.yml); kept by the document, not checked here.
            return {key: value for key, value in entry.items() if key in API_KEYS}
        for key in entry:
            if key not in API_KEYS:
                raise problem("unknown key", f"allowed: {', '.join(API_KEYS)}", at=(key,))
        return entry

    @model_validator(mode="after")
    def _a_script_and_a_free_path(self) -> ApiEntry:
        reference = self.reference
        if reference is not None:
            at, _, function = reference
            if function is not None and not isinstance(function, str):
                raise problem(
                    "expected a string", "the handler's name: handleRequest", at=(*at, "function")
                )
        elif not isinstance(self.script, str) or not self.script:
            raise problem("required, a non-empty string", EXAMPLE, at=("script",))
        route = self.path
        if route is not None and (not route.startswith("/") or route.startswith(_RESERVED)):
            raise problem(
                f"{route!r} must start with / and stay out of /v1/ and {ADMIN_PREFIX}/",
                "for example /orders/{orderId}",
                at=("path",),
            )
        return self

    @property
    def reference(self) -> tuple[Where, Any, Any] | None:
        """For an API document: where its script reference is written (below the entry),
        the `_scriptId` and the `function` it gives; None for the short form."""
        if isinstance(self.script, dict):
            return ("script",), self.script.get("_scriptId"), self.script.get("function")
        if "script_id" in self.model_fields_set:
            return (), self.script_id, self.function
        return None


def _is_api_document(entry: dict[str, Any]) -> bool:
    """Whether a My API entry is an integrator.io API document (`script: {_scriptId,
    function}`, or the legacy top-level `_scriptId`) rather than jsrt's short form."""
    return isinstance(entry.get("script"), dict) or "_scriptId" in entry


def _a_list(value: Any) -> Any:
    if not isinstance(value, list):
        raise problem("expected a list of My APIs", EXAMPLE)
    return value


class ApisDocument(BaseModel):
    """The part of a world document `jsrt serve` reads itself: its `apis` list."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    apis: Annotated[list[ApiEntry], BeforeValidator(_a_list)] = []
