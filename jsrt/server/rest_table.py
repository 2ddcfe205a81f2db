"""The REST endpoints `jsrt serve` answers that no integrator-api function maps to: one
row per verb and path template, with the statuses it answers, what it does, where that
comes from, and the handler that answers it.

The integrator-api functions' routes stay in `jsrt.api.catalog` (the one table of that
surface); this is the one table of the rest. `jsrt.server.app` builds its routes from
both, and README's "What jsrt serve answers" table is generated from both
(`jsrt.server.routes_doc`).

A row's `source` cites the documentation it follows (`celigo-reference.md §…` with its
source numbers, or the Celigo document itself), or says "not documented: plausible"
where the documentation is silent and jsrt chose an answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from jsrt.api.catalog import Verb
from jsrt.server import rest_handlers as handlers

MIRROR_VERBS: tuple[Verb, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class RestRoute:
    """One REST-only endpoint: `verb path` (a Starlette template, `{_id}` for a
    placeholder), its statuses (success first), a one-line description, its source, the
    handler that answers it, and whether it changes the account (then it runs holding the
    world's write turn)."""

    verb: Verb
    path: str
    statuses: tuple[int, ...]
    description: str
    source: str
    handler: handlers.RestHandler
    changes_account: bool = False

    def __str__(self) -> str:
        return f"{self.verb} {self.path}"


_CRUD = "celigo-reference §3.2 (standard CRUD) [C S5, S7]"
_JOBS = "celigo/integrator-api-docs job.md; celigo-reference §3.2 [C S5]"
_JOBS_CYCLE = "; the life cycle is not documented: plausible (jsrt/server/jobs.py)"
_STATE = "celigo-reference §3.4; celigo/integrator-api-docs state.md [C S6, S7, S8]"
_NOT_EMULATED = "celigo-reference §3.2 [C S7]; not emulated: 501"


def _refusals() -> tuple[RestRoute, ...]:
    """clone, audit and dependencies of exports, imports and flows: documented, but the
    local world has nothing to answer them with, so a clear 501."""
    return tuple(
        RestRoute(
            verb,
            f"/v1/{collection}/{{_id}}/{action}",
            (501,),
            f"{what}: refused with 501 not_supported",
            _NOT_EMULATED,
            handlers.not_served,
        )
        for collection in ("exports", "imports", "flows")
        for verb, action, what in _REFUSED
    )


_REFUSED: tuple[tuple[Verb, str, str], ...] = (
    ("POST", "clone", "a copy of the resource"),
    ("GET", "audit", "the resource's audit log"),
    ("GET", "dependencies", "what uses the resource"),
)


REST_ROUTES: tuple[RestRoute, ...] = (
    RestRoute(
        "GET",
        "/v1/tokenInfo",
        (200,),
        "`{_userId, scope: '*'}`: the served account's one user",
        "celigo-reference §3.1 [C S6]; the _userId is plausible",
        handlers.token_info,
    ),
    RestRoute(
        "GET",
        "/v1/integrations",
        (200,),
        "every integration, a page at a time (`skip`, `limit`, `Link`)",
        "celigo/integrator-api-docs integration.md; " + _CRUD,
        handlers.list_integrations,
    ),
    RestRoute(
        "POST",
        "/v1/integrations",
        (201, 400),
        "stores the integration under a new _id with createdAt and lastModified",
        "celigo/integrator-api-docs integration.md; " + _CRUD,
        handlers.create_integration,
        changes_account=True,
    ),
    RestRoute(
        "PATCH",
        "/v1/integrations/{_id}",
        (204, 400, 404),
        "applies JSON-Patch operations `[{op, path, value}]`",
        "celigo-reference §3.1, §3.2 [C S7]; the fields it may change are not documented"
        " for integrations: any but _id (plausible)",
        handlers.patch_integration,
        changes_account=True,
    ),
    *(
        RestRoute(
            "GET",
            f"/v1/integrations/{{_id}}/{collection}",
            (200, 404),
            f"the integration's {collection}: {what}",
            "called by third-party clients (celigo-mcp); what belongs is not documented: plausible",
            handler,
        )
        for collection, what, handler in (
            ("flows", "those whose _integrationId is its own", handlers.integration_flows),
            ("exports", "those its flows' steps use", handlers.integration_exports),
            ("imports", "those its flows' steps use", handlers.integration_imports),
            (
                "connections",
                "those its exports and imports run on",
                handlers.integration_connections,
            ),
        )
    ),
    RestRoute(
        "GET",
        "/v1/scripts",
        (200,),
        "every script document, a page at a time",
        "celigo-reference §3.5 [C S4]",
        handlers.list_scripts,
    ),
    RestRoute(
        "POST",
        "/v1/scripts",
        (201, 400),
        "stores the script document (its code as `content`) under a new _id",
        "celigo-reference §3.5 [C S4]",
        handlers.create_script,
        changes_account=True,
    ),
    RestRoute(
        "GET",
        "/v1/scripts/{_id}",
        (200, 404),
        "the script document, its code as `content` (`jsrt pull` reads it)",
        "celigo-reference §3.5 [C S4]",
        handlers.get_script,
    ),
    RestRoute(
        "PUT",
        "/v1/scripts/{_id}",
        (200, 400, 404),
        "replaces the script document (`jsrt push` sends code back this way)",
        "celigo-reference §3.5 [C S4]",
        handlers.replace_script,
        changes_account=True,
    ),
    RestRoute(
        "PATCH",
        "/v1/scripts/{_id}",
        (204, 400, 404, 422),
        "JSON-Patch of `debugUntil` only, at most an hour ahead (debug logs on)",
        "celigo-reference §3.5, §2.4 [C S4]",
        handlers.patch_script,
        changes_account=True,
    ),
    RestRoute(
        "DELETE",
        "/v1/scripts/{_id}",
        (204, 404),
        "deletes the script document",
        "celigo-reference §3.5 [C S4]",
        handlers.delete_script,
        changes_account=True,
    ),
    RestRoute(
        "GET",
        "/v1/state",
        (200, 204),
        "`{keys}` of the account's global state keys; 204 with no body when there are none",
        _STATE + "; developer.celigo.com State reference (204)",
        handlers.global_state_keys,
    ),
    RestRoute(
        "DELETE",
        "/v1/state",
        (204,),
        "deletes every global key",
        _STATE,
        handlers.clear_global_state,
        changes_account=True,
    ),
    RestRoute(
        "GET",
        "/v1/state/{key}",
        (200, 404),
        "the value stored under a global key (a `/` in a key is sent as %2F)",
        _STATE,
        handlers.get_global_state,
    ),
    RestRoute(
        "PUT",
        "/v1/state/{key}",
        (200,),
        "stores the body under a global key: `Created` for a new key, else `OK` (text)",
        _STATE + "; 200 for both, as the table says (its examples answer `OK`, `Created`)",
        handlers.put_global_state,
        changes_account=True,
    ),
    RestRoute(
        "DELETE",
        "/v1/state/{key}",
        (204, 404),
        "deletes a global key",
        _STATE,
        handlers.delete_global_state,
        changes_account=True,
    ),
    RestRoute(
        "DELETE",
        "/v1/{resourceType}/{_id}/state",
        (200, 400),
        "deletes every state key of a resource; `OK` (text)",
        _STATE + "; the body is not documented: plausible",
        handlers.clear_resource_state,
        changes_account=True,
    ),
    RestRoute(
        "GET",
        "/v1/jobs",
        (200,),
        "the jobs flow runs started, newest first; filters `_flowId`, `_integrationId`,"
        " `status`, `type`",
        _JOBS + _JOBS_CYCLE,
        handlers.list_jobs,
    ),
    RestRoute(
        "GET",
        "/v1/jobs/{_id}",
        (200, 404),
        "the job; each look moves it on: queued, running, completed",
        _JOBS + _JOBS_CYCLE,
        handlers.get_job,
    ),
    RestRoute(
        "GET",
        "/v1/flows/{_id}/jobs/latest",
        (200, 404),
        "the flow's newest job in a list (moved on as by `GET /v1/jobs/{_id}`), `[]` when"
        " it never ran",
        "celigo-reference §3.2 [C S5]; the body is not documented: plausible",
        handlers.latest_flow_jobs,
    ),
    *(
        RestRoute(
            verb,
            "/v1/connections/{_id}/ping",
            (200, 401, 404),
            "`{code: 200, message}` for a connection that answers, 401 for an offline one",
            "celigo/integrator-api-docs connection.md (GET), celigo-reference §3.2 (POST)"
            " [C S5]; the body is not documented: plausible",
            handlers.ping_connection,
        )
        for verb in ("GET", "POST")
    ),
    RestRoute(
        "GET",
        "/v1/apis",
        (200, 204),
        "the My APIs the world file declares; 204 with no body when there are none",
        "celigo-reference §3.1, §3.2 [C S8]; the fields shown are plausible",
        handlers.list_apis,
    ),
    RestRoute(
        "GET",
        "/v1/iclients",
        (200,),
        "`[]`: a world holds no iClients",
        "celigo-reference §3.2 [C S5, S7]; always empty: plausible",
        handlers.list_iclients,
    ),
    RestRoute(
        "GET",
        "/v1/tools",
        (200,),
        "`[]`: a world holds no tools",
        "celigo-reference §3.2 [C S5, S7]; always empty: plausible",
        handlers.list_tools,
    ),
    *(
        RestRoute(
            verb,
            "/v1/mirror",
            (200,),
            "echoes the request: `{method, path, query, headers, body}`",
            "celigo-reference §3.1 [C S5]; the echo's shape is not documented: plausible",
            handlers.mirror,
        )
        for verb in MIRROR_VERBS
    ),
    *_refusals(),
)
