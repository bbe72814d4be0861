"""The installed package: typed, and light to import in the program process."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources


def test_ships_py_typed() -> None:
    assert resources.files("pulumi_looker").joinpath("py.typed").is_file()


def test_declaring_resources_loads_no_http_stack() -> None:
    # The program process only declares resources; the provider process talks to Looker.
    code = (
        "import sys, pulumi_looker, pulumi_looker.dynamic.stack_program; "
        "heavy = ('httpx', 'httpcore', 'tenacity', 'starlette'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _imports() -> dict[str, set[str]]:
    """Each module of the package and the package's modules it imports (at run time or for
    type checking alike), by dotted name."""
    import ast
    from pathlib import Path

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
BASE = {"models", "errors", "settings", "stack_config", "files", "ownership"}
MAY_IMPORT = {
    "base": {"base"},
    "client": {"base", "client"},
    "resources": {"base", "client", "resources"},
    "dynamic": {"base", "client", "resources", "dynamic"},
    "plugin": {"base", "client", "resources", "plugin"},
    "cli": {"base", "client", "cli"},
    "emulator": {"base", "emulator"},
    # The package itself, and the old paths kept for stacks made by 0.1.0: the Python face.
    "top": {"base", "dynamic"},
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
    assert graph["pulumi_looker.stack_config"] == {"pulumi_looker.models"}


def test_says_it_is_no_provider_sdk() -> None:
    """Pulumi's Python host takes an installed ``pulumi-*`` package for a provider SDK that
    needs a plugin, unless its pulumi-plugin.json says otherwise: without it, every Python
    program would have the engine look for plugin ``looker`` (and warn when it finds ours)."""
    manifest = resources.files("pulumi_looker").joinpath("pulumi-plugin.json")
    assert json.loads(manifest.read_text()) == {"resource": False}
