"""The package's shape: packages by role import only downward, with no circles; no module reaches
into another's private names; files and functions stay small; only the target strategies tell
targets apart by name.

Imports are resolved in every form Python accepts (`import a.b`, `from a import b` where b is a
module or a name, `from litecoop_mlir import x`, relative imports, imports inside functions and
under TYPE_CHECKING), so a rule cannot be dodged by spelling an import differently.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "litecoop_mlir"
ROOT = "litecoop_mlir"

#: Packages bottom to top: a package imports only its own modules and the packages below it.
LAYERS = ["core", "iree", "ir", "targets", "space", "measure", "db", "proposers", "search", "export", "module",
          "driver", "cli", "testing"]
#: The package facade (`litecoop_mlir/__init__.py`) imports the driver lazily: the one module above all.
FACADE = ROOT
MAX_FUNCTION_LINES = 80
MAX_FILE_LINES = 600
TARGET_NAMES = {"llvm-cpu", "vulkan-spirv", "cuda"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, tuple[Path, ast.Module]]:
    return {_module_name(p): (p, ast.parse(p.read_text(), str(p))) for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name][0].name == "__init__.py"


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    """The absolute module an ImportFrom names (relative imports resolved against `importer`)."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not _is_package(importer):
        base = base[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(importer: str, tree: ast.AST) -> list[tuple[str, list[str]]]:
    """(module, names taken from it) for every import of a package module in `tree`."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == ROOT:
                    found.append((a.name, []))
        elif isinstance(node, ast.ImportFrom):
            mod = _resolve(importer, node)
            if mod.split(".")[0] != ROOT:
                continue
            names = []
            for a in node.names:
                sub = f"{mod}.{a.name}"
                if sub in MODULES:  # `from pkg import module`
                    found.append((sub, []))
                else:
                    names.append(a.name)
            if names or mod not in {m for m, _ in found}:
                found.append((mod, names))
    return found


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else FACADE


def _layer(package: str) -> int:
    assert package in LAYERS, f"package {package} has no layer: add it to LAYERS"
    return LAYERS.index(package)


def _graph() -> nx.DiGraph:
    g = nx.DiGraph()
    for name, (_, tree) in MODULES.items():
        g.add_node(name)
        for dep, _ in imported_modules(name, tree):
            if dep != name and dep in MODULES:
                g.add_edge(name, dep)
    return g


def test_every_module_sits_in_a_package_with_a_layer() -> None:
    loose = [n for n in MODULES if n != FACADE and _package(n) not in LAYERS]
    assert not loose, f"modules outside the layered packages: {loose}"
    top = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert not top, f"modules at the package's top level (put them in a package by role): {top}"


def test_packages_import_downward_only() -> None:
    upward = []
    for name, (_, tree) in MODULES.items():
        if name == FACADE:
            continue
        for dep, _ in imported_modules(name, tree):
            if dep == ROOT:
                upward.append(f"{name} imports the package facade")
                continue
            mine, theirs = _package(name), _package(dep)
            if mine != theirs and _layer(theirs) > _layer(mine):
                upward.append(f"{name} ({mine}, layer {_layer(mine)}) imports {dep} ({theirs}, layer {_layer(theirs)})")
    assert not upward, "\n".join(upward)


def test_no_import_circles() -> None:
    g = _graph()
    g.remove_node(FACADE)
    cycles = list(nx.simple_cycles(g))
    assert not cycles, "import circles: " + "; ".join(" -> ".join(c + [c[0]]) for c in cycles[:5])


def test_the_resolver_sees_every_import_form() -> None:
    """The checks above must be able to fail: each spelling of an import is seen."""
    src = ("import litecoop_mlir.cli.main\nfrom litecoop_mlir import driver\nfrom litecoop_mlir.driver import optimize\n"
           "from ..cli import main as m\nfrom . import options\nfrom .options import OptimizeOptions\n"
           "def f():\n    from litecoop_mlir.cli.progress import Progress\n")
    got = {m for m, _ in imported_modules("litecoop_mlir.driver.setup", ast.parse(src))}
    assert {"litecoop_mlir.cli.main", "litecoop_mlir.driver", "litecoop_mlir.driver.optimize",
            "litecoop_mlir.driver.options", "litecoop_mlir.cli.progress"} <= got


def test_no_private_names_cross_modules() -> None:
    found = []
    for name, (_, tree) in MODULES.items():
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                mod = _resolve(name, node)
                if mod.split(".")[0] != ROOT:
                    continue
                for a in node.names:
                    if f"{mod}.{a.name}" in MODULES:
                        aliases[a.asname or a.name] = f"{mod}.{a.name}"
                    elif a.name.startswith("_") and not a.name.startswith("__") and mod != name:
                        found.append(f"{name}:{node.lineno} imports {mod}.{a.name}")
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == ROOT and a.asname:
                        aliases[a.asname] = a.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                found.append(f"{name}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_files_are_small(name: str) -> None:
    path = MODULES[name][0]
    n = len(path.read_text().splitlines())
    assert n <= MAX_FILE_LINES, f"{path.relative_to(PACKAGE.parent)}: {n} lines (split it along a seam)"


def test_functions_are_short() -> None:
    long = [f"{name}.{n.name}: {n.end_lineno - n.lineno + 1} lines" for name, (_, tree) in MODULES.items()
            for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            and n.end_lineno - n.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, "\n".join(long)


def test_only_targets_name_targets() -> None:
    """Target names appear as literals only in targets/ (and the IREE layer below it): everything
    else asks a strategy (`litecoop_mlir.targets.strategy`) or uses its constants."""
    found = []
    for name, (_, tree) in MODULES.items():
        if _package(name) in ("targets", "iree"):
            continue
        found += [f"{name}:{node.lineno} {node.value!r}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and node.value in TARGET_NAMES]
    assert not found, "name targets through litecoop_mlir.targets.strategy: " + ", ".join(found)


#: What tells one kind of backend from another: the GPU target a dispatch carries, the strategy's rule switches,
#: the strategy classes. Outside targets/ (and ir/, which parses the attribute) code asks a strategy's methods.
BACKEND_SWITCHES = {"gpu_target", "cpu_tile_rules", "parse_gpu_target"}
STRATEGY_CLASSES = {"CpuStrategy", "GpuStrategy", "VulkanStrategy", "CudaStrategy"}


def _backend_switches(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        used = (node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name)
                else node.name if isinstance(node, ast.alias) else "")
        if used in BACKEND_SWITCHES | STRATEGY_CLASSES:
            found.append(f"{getattr(node, 'lineno', '?')} {used}")
    return found


def test_only_targets_branch_on_the_kind_of_backend() -> None:
    found = [f"{name}:{where}" for name, (_, tree) in MODULES.items() if _package(name) not in ("targets", "ir", "iree")
             for where in _backend_switches(tree)]
    assert not found, "ask the strategy (configured_for / strategy_for) instead: " + ", ".join(found)


def test_the_backend_switch_rule_can_fail() -> None:
    tree = ast.parse("if kernel.gpu_target:\n    pass\nfrom x import parse_gpu_target\nisinstance(s, CudaStrategy)\n")
    assert [w.split()[1] for w in _backend_switches(tree)] == ["gpu_target", "parse_gpu_target", "CudaStrategy"]


#: Packages that compile or run anything; every other part measures through a Backend.
RUNNERS = ("iree", "measure")
#: What compiles or runs a program (IR is read at a phase with `litecoop_mlir.iree.compiler.configure`).
RUNNING_NAMES = {"compile_module", "run_module", "benchmark_module", "benchmark_interleaved", "run_limited", "compile_str",
                 "compile_file", "Popen"}
RUNNING_MODULES = {"subprocess", "iree.runtime", "iree.compiler.tools"}


def test_only_iree_and_measure_compile_or_run_anything() -> None:
    found = []
    for name, (_, tree) in MODULES.items():
        if _package(name) in RUNNERS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [f"{name}:{node.lineno} imports {a.name}" for a in node.names if a.name in RUNNING_MODULES]
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module in RUNNING_MODULES:
                    found.append(f"{name}:{node.lineno} imports {node.module}")
                found += [f"{name}:{node.lineno} imports {a.name}" for a in node.names if a.name in RUNNING_NAMES]
            elif isinstance(node, ast.Attribute) and node.attr in {"system", "popen"} and isinstance(node.value, ast.Name) \
                    and node.value.id == "os":
                found.append(f"{name}:{node.lineno} calls os.{node.attr}")
    assert not found, "compile and run through a Backend (litecoop_mlir.measure):\n" + "\n".join(found)


def test_a_backend_is_required_and_closable() -> None:
    import dataclasses
    import inspect

    from litecoop_mlir.measure.backend import Backend, Evaluator
    from litecoop_mlir.measure.profile import Profiler
    from litecoop_mlir.measure.ray_backend import RayBackend

    assert next(f for f in dataclasses.fields(Evaluator) if f.name == "backend").default is dataclasses.MISSING
    assert inspect.signature(Profiler).parameters["backend"].default is inspect.Parameter.empty
    assert {"compile", "run", "benchmark", "describe", "close"} <= Backend.__abstractmethods__
    assert issubclass(RayBackend, Backend)


#: The tree engine's parts: defined once, in search/tree.py and search/uct.py.
ENGINE_FUNCTIONS = {"reward", "backpropagate", "select", "uct_score", "best_child", "expandable", "may_widen"}


def test_one_tree_engine() -> None:
    """Every level (codegen scripts, pass pipelines) is a node space of the same UCT search with one reward:
    the searches import the engine; nothing else defines selection, backpropagation or a reward."""
    from litecoop_mlir.search.pass_pipelines import PipelineNode
    from litecoop_mlir.search.tree import Node

    assert issubclass(PipelineNode, Node)
    own = {f"{ROOT}.search.tree", f"{ROOT}.search.uct"}
    found = [f"{name}:{n.lineno} defines {n.name}" for name, (_, tree) in MODULES.items() if name not in own
             for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
             and n.name.lstrip("_") in ENGINE_FUNCTIONS]
    assert not found, "\n".join(found)
    for search in ("mcts", "pass_pipelines"):
        taken = {n for m, names in imported_modules(f"{ROOT}.search.{search}", MODULES[f"{ROOT}.search.{search}"][1])
                 if m in own for n in names}
        assert {"select", "reward"} <= taken, f"search.{search} must select with search.uct and reward with search.tree"
