"""The installed package: typed, and light to import in the program process."""

from __future__ import annotations

import ast
import importlib
import json
import re
import subprocess
import sys
import tarfile
import zipfile
from importlib import metadata, resources
from pathlib import Path

import attrs
import pytest

# `build` brings packaging (a dev dependency through it): core metadata as indexes validate it.
from packaging.metadata import Metadata

from tests.support.clone import ROOT, copy_clone


def test_ships_py_typed() -> None:
    assert resources.files("pulumi_looker").joinpath("py.typed").is_file()


def loaded_by(*modules: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after importing ``modules``."""
    tops = "sorted({m.partition('.')[0] for m in sys.modules})"
    code = f"import sys, {', '.join(modules)}; print({tops})"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return set(ast.literal_eval(result.stdout))


def test_declaring_resources_loads_no_http_stack() -> None:
    # The program process only declares resources; the provider process talks to Looker.
    loaded = loaded_by("pulumi_looker", "pulumi_looker.dynamic.stack_program")
    assert "pulumi" in loaded  # what it imports, it does import
    assert not loaded & {"httpx", "httpcore", "tenacity", "starlette", "cryptography"}


def test_the_emulator_and_the_command_line_start_without_the_pulumi_sdk() -> None:
    # Neither runs a Pulumi program or provider: loading the SDK (0.3 s) would only slow the
    # start of each emulator and each `pulumi-looker` command.
    assert "pulumi" not in loaded_by("pulumi_looker.emulator.cli", "pulumi_looker.cli.command")


def test_the_logics_unknown_is_the_sdks() -> None:
    from pulumi.runtime.rpc import UNKNOWN

    from pulumi_looker.resources.common import UNKNOWN as LOGICS_UNKNOWN

    assert LOGICS_UNKNOWN == UNKNOWN


def _imports() -> dict[str, set[str]]:
    """Each module of the package and the package's modules it imports (at run time or for
    type checking alike), by dotted name."""

    root = Path(str(resources.files("pulumi_looker")))
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                module = f"{base}.{node.module}" if node.level and node.module else node.module
                module = module or base
                for alias in node.names:
                    candidate = f"{module}.{alias.name}"
                    found.add(
                        candidate
                        if (root.parent / candidate.replace(".", "/")).with_suffix(".py").exists()
                        else module
                    )
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m.startswith("pulumi_looker") and m != name}
    return graph


def test_the_package_has_no_import_circle() -> None:
    graph = _imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import circle: {' -> '.join((*path, module))}"
        if module in done:
            return
        for imported in graph.get(module, ()):
            visit(imported, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


#: The package's layers, bottom up, and what each may import: data flows one way, down.
BASE = {"models", "errors", "settings", "files", "ownership"}
MAY_IMPORT = {
    "base": {"base"},
    "client": {"base", "client"},
    "resources": {"base", "client", "resources"},
    # Stack config's spelling, derived from the kinds' declarations.
    "stack_config": {"base", "resources"},
    "dynamic": {"base", "client", "resources", "stack_config", "dynamic"},
    "plugin": {"base", "client", "resources", "stack_config", "plugin"},
    "cli": {"base", "client", "resources", "stack_config", "cli"},
    "emulator": {"base", "emulator"},
    # The package itself, and the old paths kept for stacks made by 0.1.0: the Python face
    # (the package names its kinds' classes from their declarations, and loads them on use).
    "top": {"base", "resources", "dynamic"},
}


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "top"
    if parts[1] in BASE:
        return "base"
    return parts[1] if parts[1] in MAY_IMPORT else "top"


def test_data_flows_down_the_layers() -> None:
    """Each folder is a layer (client, resources, the dynamic face, the plugin face, the command
    line, the emulator); none imports a layer above it or beside it."""
    graph = _imports()
    wrong = [
        f"{module} imports {imported}"
        for module, imports in sorted(graph.items())
        for imported in sorted(imports)
        if _layer(imported) not in MAY_IMPORT[_layer(module)]
    ]
    assert wrong == []
    assert graph["pulumi_looker.models"] == set()
    assert graph["pulumi_looker.errors"] == set()
    assert graph["pulumi_looker.stack_config"] == {
        "pulumi_looker.resources",
        "pulumi_looker.resources.kind",
    }


def test_says_it_is_no_provider_sdk() -> None:
    """Pulumi's Python host takes an installed ``pulumi-*`` package for a provider SDK that
    needs a plugin, unless its pulumi-plugin.json says otherwise: without it, every Python
    program would have the engine look for plugin ``looker`` (and warn when it finds ours)."""
    manifest = resources.files("pulumi_looker").joinpath("pulumi-plugin.json")
    assert json.loads(manifest.read_text()) == {"resource": False}


CONSOLE_SCRIPTS = {"looker-emulator", "pulumi-looker", "pulumi-resource-looker"}


@attrs.frozen
class Release:
    """The sdist and the wheel built from it, as a release builds them."""

    version: str
    sdist: Path
    wheel: Path


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    # `python -m build` makes the sdist, then the wheel from the unpacked sdist: the wheel is
    # only whole if the sdist holds all a build needs. No isolation: the virtualenv's
    # setuptools (scripts/bootstrap installs it), nothing downloaded.
    work = tmp_path_factory.mktemp("release")
    copy_clone(work / "source")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", "dist", "source"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [sdist] = (work / "dist").glob("*.tar.gz")
    [wheel] = (work / "dist").glob("*.whl")
    return Release(metadata.version("pulumi-looker"), sdist, wheel)


def _validated(raw: bytes) -> Metadata:
    """Core metadata as an index checks it on upload (packaging validates every field)."""
    return Metadata.from_email(raw, validate=True)


def test_the_wheel_holds_the_package_its_data_and_console_scripts(release: Release) -> None:
    assert release.wheel.name == f"pulumi_looker-{release.version}-py3-none-any.whl"
    dist_info = f"pulumi_looker-{release.version}.dist-info"
    with zipfile.ZipFile(release.wheel) as wheel:
        names = set(wheel.namelist())
        entry_points = wheel.read(f"{dist_info}/entry_points.txt").decode()
        meta = _validated(wheel.read(f"{dist_info}/METADATA"))
    sources = {
        path.relative_to(ROOT / "provider").as_posix()
        for path in (ROOT / "provider" / "pulumi_looker").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert {"pulumi_looker/py.typed", "pulumi_looker/pulumi-plugin.json"} <= sources
    assert {n for n in names if not n.startswith(f"{dist_info}/")} == sources
    assert f"{dist_info}/licenses/LICENSE" in names
    scripts = {
        line.split("=")[0].strip(): line.split("=")[1].strip()
        for line in entry_points.split("[console_scripts]")[1].strip().splitlines()
    }
    assert set(scripts) == CONSOLE_SCRIPTS
    for target in scripts.values():
        module, _, function = target.partition(":")
        assert callable(getattr(importlib.import_module(module), function)), target
    assert (meta.name, str(meta.version)) == ("pulumi-looker", release.version)
    assert str(meta.license_expression) == "Apache-2.0"
    assert meta.license_files == ["LICENSE"]
    assert str(meta.requires_python) == ">=3.10"
    assert meta.description_content_type == "text/markdown"
    assert meta.description == (ROOT / "README.md").read_text()
    assert "Typing :: Typed" in (meta.classifiers or [])
    assert {"emulator", "cli"} <= set(meta.provides_extra or [])


def test_the_sdist_holds_what_a_build_needs(release: Release) -> None:
    top = f"pulumi_looker-{release.version}"
    assert release.sdist.name == f"{top}.tar.gz"
    with tarfile.open(release.sdist) as sdist:
        names = {name.removeprefix(f"{top}/") for name in sdist.getnames()}
        pkg_info = sdist.extractfile(f"{top}/PKG-INFO")
        assert pkg_info is not None
        meta = _validated(pkg_info.read())
    assert {
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
        "provider/pulumi_looker/__init__.py",
        "provider/pulumi_looker/py.typed",
        "provider/pulumi_looker/pulumi-plugin.json",
    } <= names
    assert str(meta.version) == release.version
    assert not any(name.startswith(("tests/", ".venv/", ".work/")) for name in names)


def test_the_changelog_heads_with_this_version(release: Release) -> None:
    """CHANGELOG.md's newest section is the version being built and installed."""
    changelog = (ROOT / "CHANGELOG.md").read_text()
    [newest, *_] = re.findall(r"^## (\d+\.\d+\.\d+)\b", changelog, flags=re.MULTILINE)
    assert newest == release.version
    assert "semantic versioning" in changelog.split("\n## ", 1)[0]
