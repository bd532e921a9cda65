"""No import circles in gan_core: every import (top-level or inside a function) read from the source."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every module of `package` under `root`."""
    found = {}
    for path in (root / package).rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's own modules that `name` imports anywhere in its source (lazy imports count too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from ..y import z
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in modules:
                    found.add(full)  # a submodule
                elif base in modules:
                    found.add(base)  # a name from a module
    return found - {name}


def import_circles(root: Path, package: str) -> list[list[str]]:
    """Every circle of modules importing each other, one per strongly connected component."""
    modules = module_files(root, package)
    return circles_in({name: sorted(imports_of(name, path, modules)) for name, path in modules.items()})


def package_graph(root: Path, package: str) -> dict[str, list[str]]:
    """Which of `package`'s subpackages (and top-level modules) import which: a module stands for its subpackage."""
    modules = module_files(root, package)

    def home(name: str) -> str:
        parts = name.split(".")
        return ".".join(parts[:2]) if len(parts) > 2 or (root / package / parts[-1]).is_dir() else name

    graph: dict[str, set[str]] = {home(name): set() for name in modules}
    for name, path in modules.items():
        graph[home(name)] |= {home(other) for other in imports_of(name, path, modules)} - {home(name)}
    return {name: sorted(others) for name, others in graph.items()}


def circles_in(graph: dict[str, list[str]]) -> list[list[str]]:
    """Every circle in a graph, one per strongly connected component (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return circles


def test_gan_core_has_no_import_circles() -> None:
    circles = import_circles(REPO, "gan_core")
    assert not circles, "modules that import each other: " + "; ".join(" <-> ".join(c) for c in circles)


def test_gan_core_packages_are_layered() -> None:
    """Issue 29: no package imports one that imports it back (runs imported toy and evaluation, which imported
    runs; training imported runs), so each layer can be read, tested and run in a child process on its own."""
    graph = package_graph(REPO, "gan_core")
    assert {"gan_core.runs", "gan_core.training", "gan_core.toy", "gan_core.measures"} <= set(graph)
    circles = circles_in(graph)
    assert not circles, "packages that import each other: " + "; ".join(" <-> ".join(c) for c in circles)
    assert "gan_core.runs" in graph["gan_core.explore"] and "gan_core.training" in graph["gan_core.runs"]


def test_the_package_graph_finds_packages_that_import_each_other_without_a_module_circle(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    for sub in ("runs", "toy"):
        (package / sub).mkdir(parents=True)
        (package / sub / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "runs" / "run.py").write_text("def recipe():\n    from pkg.toy.recipe import Recipe\n")
    (package / "runs" / "config.py").write_text("")
    (package / "toy" / "recipe.py").write_text("Recipe = 1\n")
    (package / "toy" / "presets.py").write_text("from pkg.runs.config import x\n")  # no module imports back
    assert import_circles(tmp_path, "pkg") == []
    assert circles_in(package_graph(tmp_path, "pkg")) == [["pkg.runs", "pkg.toy"]]
    (package / "toy" / "presets.py").write_text("")
    assert circles_in(package_graph(tmp_path, "pkg")) == []


def test_the_walker_finds_a_circle_through_a_lazy_and_a_relative_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub.b import thing\n")
    (package / "sub" / "b.py").write_text("def thing():\n    from ..c import other\n    return other\n")
    (package / "c.py").write_text("import pkg.a\nother = 1\n")
    (package / "d.py").write_text("from pkg import a\n")  # imports into the circle, is not part of it
    assert import_circles(tmp_path, "pkg") == [["pkg.a", "pkg.c", "pkg.sub.b"]]
    (package / "c.py").write_text("other = 1\n")
    assert import_circles(tmp_path, "pkg") == []
