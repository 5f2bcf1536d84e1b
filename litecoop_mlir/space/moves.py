"""The legal moves at a node: move spaces per family, enumeration, sampling and the tile rules in words."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.space.legality import validate
from litecoop_mlir.space.script import KernelConfig, Script, codegen_kernel, effective_kernel
from litecoop_mlir.space.script_knobs import (
    KNOBS,
    knob_applies,
    partial_tiles,
    script_levels,
    unsupported_reason,
)
from litecoop_mlir.space.vocabulary import (
    FLAGS,
    IllegalTransform,
    SetCodegenMode,
    SetFlag,
    SetGpuOption,
    SetOption,
    SetPipeline,
    SetScriptKnob,
    SetTileSizes,
    SetWorkgroupSize,
    TargetLike,
    Transform,
)
from litecoop_mlir.targets.gpu import GPU_OPTIONS, gpu_of, kernel_intrinsics, option_unfit
from litecoop_mlir.targets.machine import MachineModel
from litecoop_mlir.targets.strategy import DEFAULT_TARGET, configured_for, strategy_for

# ---------------------------------------------------------------------------------------
# Legal moves
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveSpace:
    """A family of legal moves with per-loop parameter ranges (for prompts and samplers)."""

    op: str
    level: str = ""
    choices: tuple[tuple[int, ...], ...] = ()
    values: tuple[str, ...] = ()
    name: str = ""

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"op": self.op}
        if self.level:
            d["level"] = self.level
            d["per_loop_choices"] = [list(c) for c in self.choices]
        if self.name:
            d["name"] = self.name
        if self.values:
            d["values"] = list(self.values)
        return d


def move_spaces(kernel: Kernel, script: Script, target: TargetLike = DEFAULT_TARGET) -> list[MoveSpace]:
    """The families of moves to consider at (kernel, script), with parameter ranges."""
    strat = strategy_for(target)
    spaces: list[MoveSpace] = []
    if script.reshaping_flag() is not None:
        try:  # after a reshaping flag, codegen moves configure the dispatch it made
            kernel = codegen_kernel(kernel, script)
        except IllegalTransform:  # which one cannot be told: only codegen flags
            return [MoveSpace("flag", name=n, values=f.values) for n, f in FLAGS.items()
                    if f.scope == "codegen" and strat.name in f.targets and (not f.kinds or kernel.kind in f.kinds)]
    levels = strat.search_levels(kernel)
    scripted = script.scripted
    if scripted:  # a script reads its levels whatever IREE's configuration holds (an MMA one has no thread tile)
        levels = [lv for lv in script_levels(kernel) if lv in strat.levels]
    for lv in levels:
        spaces.append(MoveSpace("tile", level=lv, choices=strat.level_choices(kernel, lv)))
    if scripted:
        spaces += [MoveSpace("script", name=n, values=k.values) for n, k in KNOBS.items() if knob_applies(kernel, n)]
    elif not unsupported_reason(kernel, strat):
        spaces.append(MoveSpace("codegen", values=("script",)))
    if "enable_loop_peeling" in strat.translation_options and not scripted:
        spaces.append(MoveSpace("option", name="enable_loop_peeling", values=("true", "false")))
    if "enable_decomposition" in strat.translation_options and kernel.kind == "convolution" and not scripted:
        spaces.append(MoveSpace("option", name="enable_decomposition", values=("true", "false")))
    pipes = strat.legal_pipelines(kernel)
    if len(pipes) > 1 and not scripted:
        spaces.append(MoveSpace("pipeline", values=pipes))
    if strat.workgroup_size and not scripted:
        spaces.append(MoveSpace("workgroup_size", choices=_workgroup_size_choices(kernel)))
    gpu = gpu_of(kernel)
    for name in (n for n in strat.gpu_options if not option_unfit(kernel, n) and not scripted):
        values = kernel_intrinsics(kernel, gpu) if name == "mma_kind" and gpu else GPU_OPTIONS[name][0][1:]  # not "default"
        spaces.append(MoveSpace("gpu", name=name, values=tuple(values)))
    for name, spec in FLAGS.items():
        if strat.name not in spec.targets or (spec.kinds and kernel.kind not in spec.kinds):
            continue
        if (spec.scope == "global" and script.changes_codegen()) or (scripted and spec.pipeline_only):
            continue
        spaces.append(MoveSpace("flag", name=name, values=spec.values))
    return spaces


def script_conversion(kernel: Kernel) -> tuple[Transform, ...]:
    """The step that turns IREE's configuration of `kernel` into its codegen script: the mode, and what a
    script needs where IREE's own tiles do not fit one (on llvm-cpu, padding where they leave partial tiles;
    on a GPU, the tiles nearest IREE's that a script can map to blocks and threads)."""
    step: tuple[Transform, ...] = (SetCodegenMode("script"),)
    found = configured_for(kernel).script_start(kernel)
    if found is not None:
        tiles, hoist = found
        return (step + tuple(SetTileSizes(lv, v) for lv, v in tiles.items() if kernel.default_tiles.get(lv) != v)
                + ((SetScriptKnob("hoist", hoist),) if hoist != KNOBS["hoist"].values[0] else ()))
    if knob_applies(kernel, "pad") and partial_tiles(kernel, kernel.default_tiles):
        return step + (SetScriptKnob("pad", "on"),)
    return step


def legal_moves(kernel: Kernel, script: Script, target: TargetLike = DEFAULT_TARGET, *, limit: int = 4096, machine: MachineModel | None = None) -> list[Transform]:
    """Enumerate legal next transforms (tile moves over the per-loop grid, bounded by `limit`)."""
    current = script.resolve(effective_kernel(kernel, script))
    out: list[Transform] = []
    for space in move_spaces(kernel, script, target):
        for t in _expand(space, current):
            try:
                validate(kernel, script, t, target, machine)
            except IllegalTransform:
                continue
            out.append(t)
            if len(out) >= limit:
                return out
    return out


def _expand(space: MoveSpace, current: KernelConfig) -> Iterator[Transform]:
    if space.op == "tile":
        for sizes in _grid(space.choices, 20000):
            if current.tile_map.get(space.level) != sizes:
                yield SetTileSizes(space.level, sizes)
    elif space.op == "option":
        for v in (True, False):
            if (space.name in current.options) != v:
                yield SetOption(space.name, v)
    elif space.op == "pipeline":
        for p in space.values:
            if p != current.pipeline:
                yield SetPipeline(p)
    elif space.op == "flag":
        have = dict(current.flags)
        for v in space.values:
            if have.get(space.name) != v:
                yield SetFlag(space.name, v)
    elif space.op == "codegen":
        for v in space.values:
            if v != current.mode:
                yield SetCodegenMode(v)
    elif space.op == "script":
        have = dict(current.knobs)
        for v in space.values:
            if have.get(space.name) != v:
                yield SetScriptKnob(space.name, v)
    elif space.op == "gpu":
        have = dict(current.gpu)
        for v in space.values:
            if have.get(space.name, "default") != v:
                yield SetGpuOption(space.name, v)
    elif space.op == "workgroup_size":
        for x in space.choices[0]:
            for y in space.choices[1]:
                if x * y <= 1024:
                    yield SetWorkgroupSize((x, y, 1))


def _workgroup_size_choices(kernel: Kernel) -> tuple[tuple[int, ...], ...]:
    """Workgroup sizes within the target's limits: x and y per dimension, z = 1."""
    gpu = gpu_of(kernel)
    cap_x, cap_y = (gpu.max_workgroup_sizes[0], gpu.max_workgroup_sizes[1]) if gpu else (1024, 1024)
    return (tuple(v for v in (32, 64, 128, 256, 512) if v <= cap_x), tuple(v for v in (1, 2, 4, 8) if v <= cap_y), (1,))


def _grid(choices: tuple[tuple[int, ...], ...], cap: int) -> Iterator[tuple[int, ...]]:
    total = math.prod(len(c) for c in choices)
    if total > cap:
        return
    def rec(i: int, acc: list[int]) -> Iterator[tuple[int, ...]]:
        if i == len(choices):
            yield tuple(acc)
            return
        for v in choices[i]:
            acc.append(v)
            yield from rec(i + 1, acc)
            acc.pop()
    yield from rec(0, [])


def legal_tile_sizes(kernel: Kernel, script: Script, level: str, target: TargetLike = DEFAULT_TARGET, *,
                     machine: MachineModel | None = None, cap: int = 48,
                     space: MoveSpace | None = None) -> tuple[list[tuple[int, ...]], int]:
    """The tile-size tuples of `level` that are legal after `script`, jointly (every rule at
    once), up to `cap`, and how many legal ones were found. Small grids are enumerated whole;
    large ones (many loops) as the current tuple with one or two loops changed. `space`: the
    level's move space, where the caller has it already."""
    space = space or next((sp for sp in move_spaces(kernel, script, target) if sp.op == "tile" and sp.level == level), None)
    if space is None:
        return [], 0
    current = script.resolve(effective_kernel(kernel, script)).tile_map.get(level) or tuple(c[0] for c in space.choices)
    if math.prod(len(c) for c in space.choices) <= 512:
        candidates: Iterable[tuple[int, ...]] = _grid(space.choices, 512)
    else:
        candidates = _neighbours(current, space.choices)
    legal: list[tuple[int, ...]] = []
    for sizes in candidates:
        if sizes == current:
            continue
        try:
            validate(kernel, script, SetTileSizes(level, sizes), target, machine)
        except IllegalTransform:
            continue
        legal.append(sizes)
    return legal[:cap], len(legal)


def _neighbours(current: tuple[int, ...], choices: tuple[tuple[int, ...], ...]) -> Iterator[tuple[int, ...]]:
    """`current` with one loop changed to each of its choices, then with two loops changed."""
    free = [i for i, c in enumerate(choices) if len(c) > 1]
    for i in free:
        for v in choices[i]:
            yield current[:i] + (v,) + current[i + 1:]
    for a in range(len(free)):
        for b in range(a + 1, len(free)):
            i, j = free[a], free[b]
            for v in choices[i]:
                for w in choices[j]:
                    t = list(current)
                    t[i], t[j] = v, w
                    yield tuple(t)


def tile_rules(kernel: Kernel, level: str, machine: MachineModel, target: TargetLike = DEFAULT_TARGET) -> str:
    """The rules a `level` tuple must meet for `kernel`, in words and numbers."""
    strat = strategy_for(target)
    n = kernel.num_loops
    bounds = "x".join(map(str, kernel.loop_bounds))
    rules = [f"{n} integers, one per loop (bounds {bounds}), each at most its loop bound; 0 leaves a loop untiled"]
    return "; ".join(rules + strat.tile_rules(kernel, level, machine))


#: How often a random proposer picks each family of moves (tiles matter most on CPU).
_FAMILY_WEIGHTS = {"tile": 6.0, "flag": 2.0, "option": 1.0, "pipeline": 0.5, "workgroup_size": 1.0, "gpu": 1.5, "codegen": 1.0, "script": 3.0}


def draw_move(space: MoveSpace, current: KernelConfig, rng: Any) -> Transform:
    """One move of `space` with parameters drawn at random (IllegalTransform when they are out of range)."""
    pick = (lambda: space.values[rng.randrange(len(space.values))])
    if space.op == "tile":
        return SetTileSizes(space.level, tuple(c[rng.randrange(len(c))] for c in space.choices))
    if space.op == "option":
        return SetOption(space.name, space.name not in current.options)
    if space.op == "workgroup_size":
        return SetWorkgroupSize((rng.choice(space.choices[0]), rng.choice(space.choices[1]), 1))
    kinds: dict[str, Any] = {"pipeline": lambda: SetPipeline(pick()), "flag": lambda: SetFlag(space.name, pick()),
                             "codegen": lambda: SetCodegenMode(pick()), "script": lambda: SetScriptKnob(space.name, pick()),
                             "gpu": lambda: SetGpuOption(space.name, pick())}
    return kinds[space.op]()


def sample_move(kernel: Kernel, script: Script, rng: Any, target: TargetLike = DEFAULT_TARGET, *, tries: int = 200, machine: MachineModel | None = None) -> Transform | None:
    """Draw one legal move at random (uniform over families, then over parameters)."""
    spaces = move_spaces(kernel, script, target)
    by_op: dict[str, list[MoveSpace]] = {}
    for sp in spaces:
        by_op.setdefault(sp.op, []).append(sp)
    ops = list(by_op)
    weights = [_FAMILY_WEIGHTS.get(op, 1.0) for op in ops]
    current = script.resolve(effective_kernel(kernel, script))
    for _ in range(tries):
        family = by_op[rng.choices(ops, weights)[0]]
        space = family[rng.randrange(len(family))]
        try:
            t = draw_move(space, current, rng)
            validate(kernel, script, t, target, machine)
        except IllegalTransform:
            continue
        if t in script.transforms[-1:]:
            continue
        return t
    return None
