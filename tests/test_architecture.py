"""The package's shape: imports only point down the layers, functions stay short, and only
the target strategies tell targets apart by name."""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "litecoop_mlir"

#: Bottom to top; a module may import its own layer and the ones below it.
LAYERS = [
    ("records", "errors", "secrets", "__init__"),
    ("iree.*",),
    ("workload", "targets.*", "dispatch_graph", "codegen_script"),
    ("transforms", "apply", "spec", "pipeline"),
    ("measure", "executor", "ray_backend", "profile", "pareto", "store", "tuning_db", "baseline", "models.*"),
    ("search.*", "whole_module", "reuse", "report", "show", "artifacts", "drop_in", "pipeline_level"),
    ("tune", "two_level"),
    ("progress", "cli", "cli_db", "testing.*"),
]
MAX_FUNCTION_LINES = 80
TARGET_NAMES = {"llvm-cpu", "vulkan-spirv", "cuda"}


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        out[name.removesuffix(".__init__") if name != "__init__" else name] = ast.parse(path.read_text(), str(path))
    return out


def _layer(module: str) -> int:
    for i, patterns in enumerate(LAYERS):
        if any(fnmatch.fnmatch(module, p) or module == p.removesuffix(".*") for p in patterns):
            return i
    raise AssertionError(f"{module} has no layer: add it to LAYERS")


def _imports(tree: ast.Module, lazy: bool = True) -> set[str]:
    """The package modules `tree` imports (with `lazy`, also those imported inside functions)."""
    found = set()
    for node in (ast.walk(tree) if lazy else tree.body):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("litecoop_mlir"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("litecoop_mlir"))
    return {m.removeprefix("litecoop_mlir").lstrip(".") or "__init__" for m in found}


def test_imports_point_down_the_layers() -> None:
    upward = []
    for name, tree in _modules().items():
        for dep in _imports(tree, lazy=name != "__init__"):  # the package's facade imports its parts lazily
            if _layer(dep) > _layer(name):
                upward.append(f"{name} (layer {_layer(name)}) imports {dep} (layer {_layer(dep)})")
    assert not upward, "\n".join(upward)


def test_functions_are_short() -> None:
    long = [f"{name}.{n.name}: {n.end_lineno - n.lineno + 1} lines" for name, tree in _modules().items()
            for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, "\n".join(long)


def test_only_target_strategies_compare_target_names() -> None:
    found = []
    for name, tree in _modules().items():
        if name.startswith("targets."):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops):
                consts = [c.value for c in (node.left, *node.comparators) if isinstance(c, ast.Constant)]
                if TARGET_NAMES & set(consts):
                    found.append(f"{name}:{node.lineno}")
    assert not found, "compare target names through litecoop_mlir.targets.strategy: " + ", ".join(found)
