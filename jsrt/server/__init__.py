"""`jsrt serve`: the local backend behind integrator.io's REST paths, over real HTTP.

The routes come from the catalog (`Method.route`) and each request is read back into a
call with `jsrt.api.wire.from_wire`, the inverse of what the REST backend sends, so
`--backend rest --base-url http://127.0.0.1:PORT` exercises the REST backend end to end
against the same answers the local backend gives. What integrator.io does on the wire is
kept (each method's success status is its catalog entry's `served`): the
`{errors: [{code, message}]}` envelope with the error's status, 201 for create and
`flows.run`, 204 for delete, patch and purge, 204 for an empty flow or lookup cache list,
plain-text `OK` / `Created` for state writes, `Link: <...>; rel="next"` pages of
`?skip=&limit=` for lists, and a bare `{message}` 401 when the bearer token is missing or
wrong.

My API scripts declared in the world file (or in an integration download's `apis/`, or
the layout `jsrt import` writes) answer at `/v1/apis/<_id>/request[/...]` and at
their own `path` (a Starlette path such as `/orders/{orderId}`, whose parameters become
`pathParams`), through `Runtime.run_hook(..., hook="handleRequest")`::

    apis:
      - {_id: orders-api, script: handlers.js, function: handleRequest, path: /orders/{orderId}}
      - {_id: ping, type: script, script: {_scriptId: s1, function: ping}}  # as exported;
        # its code is the `content` (or `contentFile`) of the world's script document s1

The REST endpoints no integrator-api function maps to (integrations' lists, scripts,
jobs, tokenInfo, ping, mirror, the 501s, ...) are the rows of `rest_table`, one per verb
and path, each naming its handler in `rest_handlers`; README's "What jsrt serve answers"
is generated from the catalog and that table (`routes_doc`).

Tests can make the server misbehave: `POST /_jsrt/faults {"status": 429, "count": 2,
"retryAfter": 1}` makes the next two API requests fail that way (429 with `Retry-After`,
or any 4xx/5xx), and `throttle` (`--throttle N`) answers 429 beyond N requests a second,
integrator.io's leaky bucket in small. `POST /_jsrt/reset` puts the world back to its
seed and `GET /_jsrt/world` shows its snapshot. Every path needs the bearer token.

What one client can make the server hold is bounded (`ServeLimits`, each a `jsrt serve`
option): the request body (413), a stalled request (408, or the connection closed when
its headers never end), pending faults, connections, the numbers a query carries, and a
My API's run (each runs on a thread, one at a time, holding the world's write turn, so
other requests keep being answered).

The parts: `apis` (the served world and its My APIs), `account` (the served account:
world, backend, faults, throttle), `responses` (HTTP answers), `bounds` (the limits and
the middleware that holds requests to them), `gate` (bearer auth, then faults), `app`
(routes and endpoints), `rest_table` / `rest_handlers` / `jobs` (the REST-only endpoints,
and the jobs' life cycle), `routes_doc` (README's table), `running` (binding and running
uvicorn, with a deadline on request headers).
"""

from jsrt.server.account import Account
from jsrt.server.apis import MyApi, ServedWorld, load_served_world
from jsrt.server.app import create_app
from jsrt.server.bounds import ServeLimits
from jsrt.server.running import is_loopback, running, serve_forever

__all__ = [
    "Account",
    "MyApi",
    "ServeLimits",
    "ServedWorld",
    "create_app",
    "is_loopback",
    "load_served_world",
    "running",
    "serve_forever",
]
