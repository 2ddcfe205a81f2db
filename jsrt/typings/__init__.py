"""TypeScript declarations for editors (`jsrt types`), so VS Code checks plain `.js` hooks.

What gets written, and why each piece:

* `integrator-api.d.ts`: `declare module 'integrator-api'` with every runtime object and
  function of `jsrt.api.catalog` (`jsrt.typings.api`), and per script type its options,
  its result and its function type (`PreSavePageOptions`, `PreSavePageResult`,
  `PreSavePageHook`), read off the contracts in `jsrt.hooks` (`jsrt.typings.hooks`). A
  hook names them in JSDoc: `@param {import('integrator-api').PreSavePageOptions} options`.
* `globals.d.ts`: what integrator.io's runtime has beyond ECMAScript 2022, only `console`.
* `dayjs/` and `sjcl/`: the libraries' own declarations, fetched by `jsrt.modules` from
  the pinned npm tarballs (dayjs ships its `index.d.ts`; sjcl ships none, so they come
  from DefinitelyTyped's `@types/sjcl`, the maintained declarations of the same API),
  never kept in this repository.
* `jsconfig.json` at the project root: `checkJs`, `lib: ["es2022"]` with no DOM and no
  `types` (so `setTimeout`, `fetch`, `require`, `process`, `window` are unknown names,
  as in integrator.io), every file its own module (each script has its own scope), and
  the libraries' paths. A user's own jsconfig.json is never replaced without `force`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from jsrt.errors import UsageError
from jsrt.files import write_atomically
from jsrt.modules import library_declarations
from jsrt.typings.api import runtime_objects
from jsrt.typings.hooks import script_types
from jsrt.typings.ts import SHARED_TYPES

DEFAULT_OUT = Path(".jsrt") / "types"
"""Where the declarations go, under the project root, unless told otherwise."""

JSCONFIG = "jsconfig.json"

LIBRARIES = ("dayjs", "sjcl")
"""The libraries a script may import besides integrator-api (`jsrt.loader.ALLOWED_MODULES`)."""

CONSOLE_METHODS = ("log", "info", "warn", "error", "debug", "trace")
"""The `console` integrator.io's runtime gives scripts (as jsrt's js_shims/prelude.js)."""

ABSENT_GLOBALS = {
    "process": "integrator.io scripts have no process object: read options.settings instead",
    "Buffer": "integrator.io scripts have no Buffer: use sjcl.codec to convert bytes",
}
"""Node.js names a script might reach for, and why integrator.io has none of them."""

_HEADER = (
    "// Written by `jsrt types` from jsrt's catalog and hook contracts: do not edit;\n"
    "// run `jsrt types` again after upgrading jsrt.\n"
)


@dataclass(frozen=True)
class Written:
    """One file `write_types` wrote, or found already as it would have written it."""

    path: Path
    status: Literal["wrote", "unchanged"]


def integrator_api_declarations() -> str:
    """The `integrator-api` module: shared types, runtime objects, script types."""
    body = "\n".join([SHARED_TYPES, runtime_objects(), script_types()])
    return f"{_HEADER}\ndeclare module 'integrator-api' {{\n{body}}}\n"


def globals_declarations() -> str:
    """What scripts have besides ECMAScript 2022 (`console`), and what they lack said so.

    Timers, fetch and the DOM are left undeclared, so an editor calls them unknown names.
    `process` and `Buffer` are declared as strings that say why they are absent: left
    undeclared, TypeScript's message would suggest installing Node's types. (`require`
    and `module` cannot be caught this way: TypeScript reads them in .js files as
    CommonJS whatever is declared; `jsrt check` reports them.)
    """
    methods = "".join(f"  {name}(...data: any[]): void;\n" for name in CONSOLE_METHODS)
    absent = "".join(
        f"/** @deprecated {why} */\ndeclare const {name}: {json.dumps(why)};\n"
        for name, why in ABSENT_GLOBALS.items()
    )
    return (
        f"{_HEADER}// integrator.io runs scripts without timers, fetch or the DOM: they are left\n"
        "// undeclared, so the editor marks them as unknown names.\n\n"
        f"interface Console {{\n{methods}}}\n\ndeclare var console: Console;\n\n{absent}"
    )


def declaration_files() -> dict[str, bytes]:
    """Every file of the declarations folder, by its path inside it (`/`-separated)."""
    files = {
        "integrator-api.d.ts": integrator_api_declarations().encode(),
        "globals.d.ts": globals_declarations().encode(),
    }
    for library in LIBRARIES:
        _package, found = library_declarations(library)
        files.update({f"{library}/{name}": data for name, data in found.items()})
    return files


def jsconfig(project: Path, out: Path) -> dict[str, Any]:
    """The jsconfig.json for a project whose declarations are in `out`."""
    where = Path(os.path.relpath(out.resolve(), project.resolve())).as_posix()
    where = where if where.startswith("../") else f"./{where}"
    return {
        "compilerOptions": {
            "target": "es2022",
            "lib": ["es2022"],
            "types": [],
            "module": "es2022",
            "moduleResolution": "bundler",
            "moduleDetection": "force",
            "esModuleInterop": True,
            "allowJs": True,
            "checkJs": True,
            "noEmit": True,
            "strict": False,
            "paths": {library: [f"{where}/{library}/index.d.ts"] for library in LIBRARIES},
        },
        "include": ["**/*.js", f"{where}/*.d.ts"],
        "exclude": ["**/node_modules", "**/.venv", "**/venv"],
        "typeAcquisition": {"enable": False},
    }


def write_types(
    project: Path, out: Path | None = None, *, with_jsconfig: bool = True, force: bool = False
) -> list[Written]:
    """Write the declarations into `out` (default `.jsrt/types` under `project`) and a
    jsconfig.json into `project`; return what was written, in order.

    An existing jsconfig.json other than the one this would write is refused (before
    anything is written) unless `force`; `with_jsconfig=False` leaves it alone.
    """
    out = out if out is not None else project / DEFAULT_OUT
    files = {out / name: data for name, data in declaration_files().items()}
    if with_jsconfig:
        config = project / JSCONFIG
        text = json.dumps(jsconfig(project, out), indent=2) + "\n"
        if config.exists() and not force and _read(config) != text.encode():
            raise UsageError(
                f"{config} exists and is not the one jsrt writes; it was left as it is",
                hint="--force replaces it; --no-jsconfig writes only the declarations (then"
                f' add checkJs, lib ["es2022"], types [] and the paths of {out} to it)',
                path=str(config),
            )
        files[config] = text.encode()
    written = []
    for path, data in files.items():
        if _read(path) == data:
            written.append(Written(path, "unchanged"))
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, data)
        except OSError as exc:
            raise UsageError(
                f"cannot write {path}: {exc.strerror or exc}",
                hint="choose a writable folder with --out, or run from the project root",
                path=str(path),
            ) from None
        written.append(Written(path, "wrote"))
    return written


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
