"""dayjs and sjcl: fetched by version, integrity-checked, cached, overridable, real in V8."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from py_mini_racer import MiniRacer

from jsrt import modules
from jsrt.errors import ModuleFetchError, UsageError
from jsrt.loader import ALLOWED_MODULES

UNREACHABLE_REGISTRY = "http://127.0.0.1:9"
"""The discard port on loopback: connections are refused at once, like being offline."""

SHA256_OF_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def load_libraries(isolate: MiniRacer) -> None:
    for name in modules.library_names():
        isolate.eval(modules.library_js(name))


def test_the_lock_covers_every_library_a_script_may_import() -> None:
    assert modules.library_names("hooks") == tuple(
        m for m in ALLOWED_MODULES if m != "integrator-api"
    )
    assert modules.library_version("sjcl") == "1.0.8"
    assert modules.library_version("dayjs").startswith("1.11.")


def test_ensure_all_fetches_the_locked_files_with_manifests(registry_cache: Path) -> None:
    for name in modules.library_names():
        folder = registry_cache / "modules" / f"{name}@{modules.library_version(name)}"
        manifest = json.loads((folder / "manifest.json").read_text())
        data = (folder / manifest["file"]).read_bytes()
        assert manifest["sha256"] == hashlib.sha256(data).hexdigest()
        assert manifest["integrity"].startswith("sha512-")


def test_real_dayjs_formats_a_date(cached_copy: Path, isolate: MiniRacer) -> None:
    load_libraries(isolate)

    assert (
        isolate.eval("__jsrt_modules.dayjs('2024-01-15T10:00:00Z').format('YYYY-MM-DD')")
        == "2024-01-15"
    )


def test_real_sjcl_hashes_abc(cached_copy: Path, isolate: MiniRacer) -> None:
    load_libraries(isolate)

    assert (
        isolate.eval(
            "const s = __jsrt_modules.sjcl; s.codec.hex.fromBits(s.hash.sha256.hash('abc'))"
        )
        == SHA256_OF_ABC
    )


def test_libraries_leave_no_commonjs_names_behind(cached_copy: Path, isolate: MiniRacer) -> None:
    load_libraries(isolate)

    assert isolate.eval(
        "[typeof module, typeof exports, typeof require, typeof define, typeof dayjs,"
        " typeof sjcl].join()"
    ) == ",".join(["undefined"] * 6)


def test_a_cached_library_is_used_offline(
    cached_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(modules.REGISTRY_ENV, UNREACHABLE_REGISTRY)

    assert "dayjs" in modules.library_js("dayjs")
    assert set(modules.ensure_all()) == set(modules.library_names())


def test_offline_without_a_cache_says_what_to_do(
    module_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(modules.REGISTRY_ENV, UNREACHABLE_REGISTRY)

    with pytest.raises(ModuleFetchError) as caught:
        modules.library_js("sjcl")

    assert caught.value.message.startswith(
        f"cannot get sjcl@1.0.8: could not download {UNREACHABLE_REGISTRY}/sjcl/-/sjcl-1.0.8.tgz"
    )
    assert "jsrt modules fetch" in caught.value.hint
    assert modules.MODULES_DIR_ENV in caught.value.hint
    assert not module_env.exists()


def test_a_corrupted_tarball_is_refused_and_nothing_is_cached(mirror, module_env: Path) -> None:
    version = modules.library_version("dayjs")
    path = f"/dayjs/-/dayjs-{version}.tgz"
    tarball = bytearray(mirror.files[path])
    tarball[len(tarball) // 2] ^= 0xFF
    mirror.files[path] = bytes(tarball)

    with pytest.raises(ModuleFetchError, match=f"integrity check failed for dayjs@{version} "):
        modules.library_js("dayjs")

    assert mirror.requests == [path]
    assert not module_env.exists()


@pytest.mark.parametrize("tampered", ["file", "manifest"])
def test_a_tampered_cache_is_fetched_again(mirror, cached_copy: Path, tampered: str) -> None:
    folder = cached_copy / "modules" / "sjcl@1.0.8"
    original = (folder / "sjcl.js").read_bytes()
    if tampered == "file":
        (folder / "sjcl.js").write_text("globalThis.pwned = true;")
    else:
        manifest = json.loads((folder / "manifest.json").read_text())
        (folder / "manifest.json").write_text(json.dumps({**manifest, "sha256": "0" * 64}))

    javascript = modules.library_js("sjcl")

    assert mirror.requests == ["/sjcl/-/sjcl-1.0.8.tgz"]
    assert "pwned" not in javascript
    assert (folder / "sjcl.js").read_bytes() == original


def test_a_tampered_cache_is_never_used_even_offline(
    cached_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (cached_copy / "modules" / "sjcl@1.0.8" / "sjcl.js").write_text("globalThis.pwned = true;")
    monkeypatch.setenv(modules.REGISTRY_ENV, UNREACHABLE_REGISTRY)

    with pytest.raises(ModuleFetchError, match=r"cannot get sjcl@1\.0\.8"):
        modules.library_js("sjcl")


def test_modules_dir_replaces_cache_and_registry(
    cached_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    isolate: MiniRacer,
) -> None:
    node_modules = tmp_path / "node_modules"
    for name, path in modules.ensure_all().items():
        (node_modules / name).mkdir(parents=True)
        (node_modules / name / "package.json").write_text(json.dumps({"version": "0.0.0-local"}))
        cached_folder = next(up for up in path.parents if up.name.startswith(f"{name}@"))
        local = node_modules / name / path.relative_to(cached_folder)
        local.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, local)
    monkeypatch.setenv(modules.MODULES_DIR_ENV, str(node_modules))
    monkeypatch.setenv(modules.REGISTRY_ENV, UNREACHABLE_REGISTRY)
    shutil.rmtree(cached_copy)

    isolate.eval(modules.library_js("dayjs"))

    assert isolate.eval("__jsrt_modules.dayjs(0).toISOString()") == "1970-01-01T00:00:00.000Z"
    assert modules.library_version("dayjs") == "0.0.0-local"
    assert modules.ensure_all()["sjcl"] == node_modules / "sjcl" / "sjcl.js"
    assert "0.0.0-local" in modules.library_js("sjcl")
    assert not cached_copy.exists()


def test_modules_dir_without_the_library_says_how_to_fix_it(
    module_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(modules.MODULES_DIR_ENV, str(tmp_path))

    with pytest.raises(ModuleFetchError) as caught:
        modules.library_js("sjcl")

    assert caught.value.message.startswith(
        f"{modules.MODULES_DIR_ENV}={tmp_path}: cannot use sjcl/package.json: "
    )
    assert "npm install sjcl@1.0.8" in caught.value.hint


def test_an_unknown_library_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown JavaScript library 'lodash'"):
        modules.library_js("lodash")
