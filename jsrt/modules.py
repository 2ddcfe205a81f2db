"""The JavaScript libraries jsrt evaluates in V8, the real ones, fetched from npm.

integrator.io gives scripts dayjs 1.11 and sjcl 1.0.8 (its docs say "sjcl 1.8.0"); the
transformation engine (`jsrt.transform`) runs on handlebars, jsonpath-plus, moment and
moment-timezone. Each lock entry says which of the two uses it (`used_by`). jsrt never
ships their code: `modules.lock.json` pins each library's npm tarball and its published
integrity hash, and this module fetches the tarball from the npm registry, checks it against
that hash before anything is written, keeps only the one file to evaluate, and caches it per
user, so later runs work offline.

Where the file comes from, first match wins:

* `JSRT_MODULES_DIR`: a local folder in node_modules layout (`<dir>/<name>/package.json` and
  the library's files), for machines that must never reach a registry;
* the cache (`JSRT_CACHE_DIR`, default the platform's per-user cache folder, under
  `modules/<name>@<version>/`), trusted only while the file's SHA-256 matches the manifest
  written next to it and the manifest matches the lock; anything else is fetched again;
* the npm registry (`JSRT_NPM_REGISTRY` replaces `https://registry.npmjs.org`, for mirrors).

The lock's `declarations` pin where the TypeScript declarations of dayjs and sjcl come
from (`library_declarations`, for `jsrt types`): dayjs's own tarball, and for sjcl, which
ships none, DefinitelyTyped's `@types/sjcl`; they are fetched, checked and cached the same
way, under `types/` in the cache.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import io
import json
import os
import tarfile
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from jsrt.errors import ModuleFetchError, UsageError
from jsrt.files import write_atomically

CACHE_DIR_ENV = "JSRT_CACHE_DIR"
MODULES_DIR_ENV = "JSRT_MODULES_DIR"
REGISTRY_ENV = "JSRT_NPM_REGISTRY"

MODULES_GLOBAL = "__jsrt_modules"
"""The global object `library_js` code stores each library's value in, by module name."""

_TIMEOUT_S = 30.0
_CONNECT_TIMEOUT_S = 10.0
_MAX_FILE_BYTES = 16 * 1024 * 1024
_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class _Locked:
    """One entry of modules.lock.json: which tarball to trust and which file to evaluate."""

    name: str
    version: str
    tarball: str
    integrity: str
    file: str
    used_by: str
    """`hooks` (a script may import it) or `transform` (the transformation engine's)."""


@functools.cache
def _lock() -> dict[str, _Locked]:
    text = resources.files("jsrt").joinpath("modules.lock.json").read_text(encoding="utf-8")
    return {entry["name"]: _Locked(**entry) for entry in json.loads(text)["libraries"]}


@dataclass(frozen=True)
class _Declared:
    """One entry of modules.lock.json's `declarations`: the npm package whose TypeScript
    declarations describe a library scripts import (`module`), and the files to take: the
    library's own tarball when it ships them (dayjs), else its DefinitelyTyped package
    (`@types/sjcl`; sjcl ships none)."""

    module: str
    name: str
    version: str
    tarball: str
    integrity: str
    files: tuple[str, ...]


_Package = _Locked | _Declared
"""A pinned npm tarball: a library's, or the one holding its declarations."""


@functools.cache
def _declarations_lock() -> dict[str, _Declared]:
    text = resources.files("jsrt").joinpath("modules.lock.json").read_text(encoding="utf-8")
    entries = json.loads(text)["declarations"]
    return {e["module"]: _Declared(**{**e, "files": tuple(e["files"])}) for e in entries}


def library_declarations(module: str) -> tuple[str, dict[str, bytes]]:
    """The npm package that declares a library's TypeScript types, and its declaration
    files by their path in that package (`index.d.ts`, ...), for editors (`jsrt types`).

    They come from where the library itself would (`JSRT_MODULES_DIR`, the cache under
    `types/<package>@<version>/`, the npm registry) and are checked the same way: the
    tarball against its locked integrity, a cached file against its manifest.
    """
    try:
        declared = _declarations_lock()[module]
    except KeyError:
        raise UsageError(
            f"no TypeScript declarations are locked for {module!r}",
            hint=f"declarations exist for: {', '.join(_declarations_lock())}",
        ) from None
    modules_dir = os.environ.get(MODULES_DIR_ENV)
    if modules_dir:
        folder = Path(modules_dir) / declared.name
        _local_package_version(declared, Path(modules_dir))
        try:
            return declared.name, {name: (folder / name).read_bytes() for name in declared.files}
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise _unusable_modules_dir(
                declared, Path(modules_dir), Path(exc.filename or folder), reason
            ) from None
    cache = Path(os.environ.get(CACHE_DIR_ENV) or platformdirs.user_cache_dir("jsrt"))
    folder = cache / "types" / f"{declared.name}@{declared.version}"
    cached = _verified_declarations(declared, folder)
    if cached is not None:
        return declared.name, cached
    files = _extract_files(declared, _download(declared), declared.files)
    _cache(declared, folder, files, _declarations_manifest(declared, files))
    return declared.name, files


def _verified_declarations(declared: _Declared, folder: Path) -> dict[str, bytes] | None:
    """The cached declaration files if the manifest matches the lock and their hashes."""
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        files = {name: (folder / name).read_bytes() for name in declared.files}
    except (OSError, ValueError):
        return None
    return files if manifest == _declarations_manifest(declared, files) else None


def _declarations_manifest(declared: _Declared, files: dict[str, bytes]) -> dict[str, object]:
    return {
        **asdict(declared),
        "files": list(declared.files),
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }


def declared_libraries() -> tuple[str, ...]:
    """The libraries whose TypeScript declarations are locked (`library_declarations`)."""
    return tuple(_declarations_lock())


def library_names(used_by: str | None = None) -> tuple[str, ...]:
    """The libraries jsrt provides (those `used_by` `hooks` or `transform`), in lock order."""
    return tuple(name for name, e in _lock().items() if used_by in (None, e.used_by))


def library_version(name: str) -> str:
    """The version `library_js(name)` serves: the locked one, or the JSRT_MODULES_DIR one."""
    locked = _locked(name)
    modules_dir = os.environ.get(MODULES_DIR_ENV)
    if modules_dir:
        return _local_package_version(locked, Path(modules_dir))
    return locked.version


def library_js(name: str) -> str:
    """JavaScript that defines `globalThis.__jsrt_modules[name]` in a fresh V8 context.

    The libraries are UMD bundles. They run inside a function that hands them a CommonJS
    `module`/`exports`, no `define`, and a `require` that answers only with a library
    evaluated before (moment-timezone requires moment), so their value lands in
    `module.exports` and no such name is left behind as a global. The wrapper opens on the
    library's first line, so positions in its stack frames stay true past line 1.
    """
    locked = _locked(name)
    path, data = _obtain(locked)
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModuleFetchError(
            f"{path} is not UTF-8 text (byte {exc.start})",
            hint="reinstall the library there, or remove the file so it is fetched again",
            module=name,
            path=str(path),
        ) from None
    label = f"jsrt-modules/{locked.name}@{library_version(name)}/{locked.file}"
    return (
        "(function(){var module={exports:{}};"
        f"var modules=globalThis.{MODULES_GLOBAL}||(globalThis.{MODULES_GLOBAL}={{}});"
        "var require=function(name){if(Object.prototype.hasOwnProperty.call(modules,name))"
        "return modules[name];throw new Error('cannot require '+name);};"
        "(function(module,exports,define,require){"
        f"{source}\n"
        "}).call(module.exports,module,module.exports,undefined,require);"
        f"modules[{json.dumps(locked.name)}]=module.exports;}})();\n"
        f"//# sourceURL={label}\n"
    )


def ensure_all() -> dict[str, Path]:
    """Fetch and verify every locked library now (`jsrt modules fetch`); return their files."""
    return {name: _obtain(locked)[0] for name, locked in _lock().items()}


def _locked(name: str) -> _Locked:
    try:
        return _lock()[name]
    except KeyError:
        raise UsageError(
            f"unknown JavaScript library {name!r}",
            hint=f"jsrt provides: {', '.join(_lock())}",
        ) from None


def _obtain(locked: _Locked) -> tuple[Path, bytes]:
    """The library's file and its verified contents, from wherever the rules above say."""
    modules_dir = os.environ.get(MODULES_DIR_ENV)
    if modules_dir:
        return _from_modules_dir(locked, Path(modules_dir))
    folder = Path(os.environ.get(CACHE_DIR_ENV) or platformdirs.user_cache_dir("jsrt"))
    folder = folder / "modules" / f"{locked.name}@{locked.version}"
    path = folder / locked.file
    cached = _verified_cache(locked, folder, path)
    if cached is not None:
        return path, cached
    data = _extract(locked, _download(locked))
    _cache(locked, folder, {locked.file: data}, _manifest(locked, data))
    return path, data


def _cache(package: _Package, folder: Path, files: dict[str, bytes], manifest: object) -> None:
    """Write a package's verified files into its cache `folder`, then the manifest that
    vouches for them (written last: a cache without it is fetched again)."""
    try:
        for name, data in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            write_atomically(folder / name, data)
        write_atomically(folder / _MANIFEST, json.dumps(manifest, indent=2).encode())
    except OSError as exc:
        raise ModuleFetchError(
            f"cannot write {package.name}@{package.version} to the cache {folder}: {exc}",
            hint=f"set {CACHE_DIR_ENV} to a writable folder",
            module=package.name,
            path=str(folder),
        ) from None


def _verified_cache(locked: _Locked, folder: Path, path: Path) -> bytes | None:
    """The cached file's bytes if its manifest matches the lock and its hash the manifest."""
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        data = path.read_bytes()
    except (OSError, ValueError):
        return None
    return data if manifest == _manifest(locked, data) else None


def _manifest(locked: _Locked, data: bytes) -> dict[str, str]:
    """What the cache records next to a library file: its lock entry and the file's hash."""
    return {**asdict(locked), "sha256": hashlib.sha256(data).hexdigest()}


def _download(locked: _Package) -> bytes:
    """The tarball's bytes, refused unless they match the locked integrity hash."""
    url = locked.tarball
    registry = os.environ.get(REGISTRY_ENV)
    if registry:
        url = registry.rstrip("/") + urlsplit(locked.tarball).path
    import httpx  # only a fetch needs it; every run of a script importing dayjs does not

    try:
        timeout = httpx.Timeout(_TIMEOUT_S, connect=_CONNECT_TIMEOUT_S)
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise _unavailable(locked, f"could not download {url}: {exc}") from None
    algorithm, _, expected = locked.integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, response.content).digest()).decode()
    if not hmac.compare_digest(actual, expected):
        raise ModuleFetchError(
            f"integrity check failed for {locked.name}@{locked.version} from {url}: "
            f"expected {locked.integrity}, got {algorithm}-{actual}",
            hint="the download was altered on the way, or the registry or mirror "
            f"({REGISTRY_ENV}) serves another file; nothing was cached",
            module=locked.name,
            url=url,
        )
    return response.content


def _extract(locked: _Locked, tarball: bytes) -> bytes:
    """Read the one file to evaluate out of the tarball (see `_extract_files`)."""
    return _extract_files(locked, tarball, (locked.file,))[locked.file]


def _extract_files(package: _Package, tarball: bytes, files: tuple[str, ...]) -> dict[str, bytes]:
    """Read these files out of the tarball, in memory: nothing else is unpacked.

    npm tarballs hold their files under one top folder (usually `package/`); a member is
    accepted only as a regular file of sane size, never a link.
    """
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            for member in archive:
                inner = member.name.removeprefix("./").partition("/")[2]
                if inner in files and member.isfile() and member.size <= _MAX_FILE_BYTES:
                    extracted = archive.extractfile(member)
                    if extracted is not None:
                        found[inner] = extracted.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _unavailable(package, f"its tarball cannot be read: {exc}") from None
    missing = [name for name in files if name not in found]
    if missing:
        raise _unavailable(package, f"its tarball has no {', '.join(missing)}")
    return found


def _from_modules_dir(locked: _Locked, modules_dir: Path) -> tuple[Path, bytes]:
    _local_package_version(locked, modules_dir)
    path = modules_dir / locked.name / locked.file
    try:
        return path, path.read_bytes()
    except OSError as exc:
        raise _unusable_modules_dir(locked, modules_dir, path, exc.strerror or str(exc)) from None


def _local_package_version(locked: _Package, modules_dir: Path) -> str:
    package_json = modules_dir / locked.name / "package.json"
    try:
        return str(json.loads(package_json.read_text(encoding="utf-8"))["version"])
    except OSError as exc:
        reason = exc.strerror or str(exc)
    except (ValueError, KeyError, TypeError):
        reason = "not JSON with a version"
    raise _unusable_modules_dir(locked, modules_dir, package_json, reason)


def _unusable_modules_dir(
    locked: _Package, modules_dir: Path, path: Path, reason: str
) -> ModuleFetchError:
    return ModuleFetchError(
        f"{MODULES_DIR_ENV}={modules_dir}: cannot use {path.relative_to(modules_dir)}: {reason}",
        hint=f"point {MODULES_DIR_ENV} at a node_modules folder where "
        f"`npm install {locked.name}@{locked.version}` ran, or unset it",
        module=locked.name,
        path=str(path),
    )


def _unavailable(locked: _Package, reason: str) -> ModuleFetchError:
    return ModuleFetchError(
        f"cannot get {locked.name}@{locked.version}: {reason}",
        hint="be online once so jsrt can cache it, or run `jsrt modules fetch` while online, "
        f"or set {MODULES_DIR_ENV} to a folder holding {locked.name}/package.json and its "
        f"files (a node_modules folder after `npm install {locked.name}@{locked.version}`)",
        module=locked.name,
        version=locked.version,
    )
