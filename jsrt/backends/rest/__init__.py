"""The REST backend: integrator-api calls answered by a real integrator.io account (httpx).

Every catalog function with a `route` becomes one HTTP request, built and read back by
the wire codec (`jsrt.api.wire`), which `jsrt serve` shares. The parts:

- `settings`: which base URL and which token (`RestSettings`, plain data that crosses to
  the worker); importing it does not import httpx.
- `guard`: calls that change the account are refused unless `allow_writes`.
- `client`: `RestBackend`, the `Backend` seam over httpx (list pages, 404s, decoding).
- `retry`: how long a 429 asks to wait.
- `failures`: integrator.io's error answers as the `ApiError` the local backend raises.

Decisions worth knowing:

- The base URL is explicit, else `$INTEGRATOR_IO_BASE_URL`, else the region's (`us`,
  `eu`). It may carry no `user:password@` (httpx would send Basic auth instead of the
  token), query or fragment; a refused URL is shown redacted. The bearer token is read
  from `$INTEGRATOR_IO_TOKEN` (or the variable `token_env` names) by the process that
  makes the calls, the engine's worker; it never travels in a run request and is never
  put in a message, a log or a cassette: the client takes it out of every answer and
  error, should a server or proxy echo it.
- The token goes only to the base URL: a `nextPageURL` is reduced to its query, and a
  `Link` to another origin or another path is refused.
- Calls that change the account (`Method.changes_account`) are refused unless
  `allow_writes` (`--allow-writes`); reads and export runs are allowed.
- 429 is retried after `Retry-After` (capped, and never past the run's deadline), at
  most `max_tries` attempts in all. 5xx and network failures are not retried: they come
  back as errors that say what failed and where.
- Errors keep integrator.io's shape: the `{errors: [{code, message}]}` envelope, the
  bare `{message}` of a 401 and plain text all become the same `ApiError` the local
  backend raises (`code`, `statusCode`, `errors`), so the thrown JS `Error` agrees.
- `get` of an unknown `_id` answers `undefined` (404), like the local backend.
- `find` follows `Link: <...>; rel="next"` pages and filters by `externalId` itself
  (integrator.io documents no query filter for it).
- `RestBackend.rest` makes a REST call that is no integrator-api function (a script
  document, which `jsrt pull` and `jsrt push` read and replace), with the same token,
  retries, errors and write guard (any verb but GET needs `allow_writes`).
- A function with no public route (`imports.runMapping`) fails as `Unsupported`: jsrt
  does not guess an endpoint.
"""
