"""The tile rules of each backend, in numbers and in words: what a strategy's legality methods check.

llvm-cpu tiles nest (distribution, cache, register levels), each level splits only parallel or
only reduction loops, vectors stay under LLVM's size limit and register tiles within the
machine's vector registers. GPU levels (workgroup, thread, subgroup, reduction) are checked
against the GPU target's limits in litecoop_mlir.targets.gpu. The space package asks the
strategy (litecoop_mlir.targets.strategy), never this module's target split, so that no
layer above targets/ branches on the kind of backend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterator, Mapping

from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.targets.gpu import default_mma_kind, gpu_of, spirv
from litecoop_mlir.targets.machine import MachineModel

#: Levels whose entries must be 0 on reduction loops / on parallel loops.
PARALLEL_ONLY_LEVELS = frozenset({"distribution", "cache_parallel", "vector_common_parallel", "vector_inner_parallel", "workgroup", "thread"})
REDUCTION_ONLY_LEVELS = frozenset({"cache_reduction", "vector_reduction", "reduction"})
#: IREE 3.13's llvm-cpu limit on a function's stack allocations (--iree-llvmcpu-stack-allocation-limit)
CPU_STACK_LIMIT_BYTES = 32768

_ELEMENT_BYTES = {"f64": 8, "f32": 4, "f16": 2, "bf16": 2, "i64": 8, "i32": 4, "i16": 2, "i8": 1, "i1": 1}


def element_bytes(kernel: Kernel) -> int:
    """Bytes per element of the kernel's element type (4 when unknown)."""
    return _ELEMENT_BYTES.get(kernel.element_type, 4)


def is_pow2(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


@dataclass(frozen=True)
class TileCheck:
    """What the configuration rules of a backend look at, beyond the kernel: the tiles a configuration
    (or its codegen script) reads, and how it handles partial tiles.

    Attributes:
        tiles: tile sizes per level (a script's: only the levels it reads).
        scripted: whether a codegen script lowers the dispatch (else IREE's pipeline, configured by attributes).
        knobs: the script's knobs.
        peeling: whether loop remainders are peeled (a translation option or the script's `peel` knob).
        padding: whether a script pads partial tiles.
        pad_applies: whether the `pad` knob exists for this dispatch (to suggest it).
        machine: the machine model llvm-cpu rules are checked against.
        gpu_options: the GPU pipeline options set, and the workgroup size (GPU attribute configurations).
    """

    tiles: Mapping[str, tuple[int, ...]]
    scripted: bool = False
    knobs: Mapping[str, str] = field(default_factory=dict)
    peeling: bool = False
    padding: bool = False
    pad_applies: bool = False
    machine: MachineModel | None = None
    workgroup_size: tuple[int, ...] = ()
    gpu_options: Mapping[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# llvm-cpu
# ---------------------------------------------------------------------------------------

def cpu_loop_violations(kernel: Kernel, level: str, sizes: tuple[int, ...]) -> Iterator[str]:
    """Per-loop rules of one llvm-cpu level: parallel- or reduction-only levels, loop bounds, packed loops."""
    default = kernel.default_tiles.get(level, ())
    for i, (s, it, bound) in enumerate(zip(sizes, kernel.iterator_types, kernel.loop_bounds)):
        if s and level in PARALLEL_ONLY_LEVELS and it == "reduction":
            yield f"{level}[{i}] = {s} tiles a reduction loop; it must be 0"
        if s and level in REDUCTION_ONLY_LEVELS and it == "parallel":
            yield f"{level}[{i}] = {s} tiles a parallel loop; it must be 0"
        if bound and s > bound:
            yield f"{level}[{i}] = {s} exceeds the loop bound {bound}"
        if i in kernel.packed_inner_loops and i < len(default) and s != default[i]:
            yield f"{level}[{i}] = {s} re-tiles a packed inner loop (the data layout fixed it at {default[i]})"


def bound_violations(level: str, sizes: tuple[int, ...], kernel: Kernel) -> Iterator[str]:
    """The only per-loop rule GPU levels share with CPU ones (GPU pipelines put 1s on reduction loops of workgroup tiles)."""
    for i, (s, bound) in enumerate(zip(sizes, kernel.loop_bounds)):
        if bound and s > bound:
            yield f"{level}[{i}] = {s} exceeds the loop bound {bound}"


def _vector_shape(kernel: Kernel, tiles: Mapping[str, tuple[int, ...]]) -> tuple[int, ...]:
    par = tiles.get("vector_common_parallel", ())
    red = tiles.get("vector_reduction", ())
    return tuple(max(par[i] if i < len(par) else 0, red[i] if i < len(red) else 0, 1) for i in range(kernel.num_loops))


def cpu_config_violations(kernel: Kernel, check: TileCheck) -> Iterator[str]:
    """The llvm-cpu rules across levels: nesting, divisibility (unless peeled or padded), the vector size limit,
    power-of-two widths and the register budget."""
    tiles, n, machine = check.tiles, kernel.num_loops, check.machine
    assert machine is not None, "llvm-cpu rules need a machine model"
    outer_par = tiles.get("cache_parallel") or tiles.get("distribution") or ()
    for level in ("vector_common_parallel", "vector_reduction"):
        for i, s in enumerate(tiles.get(level, ())):
            if not s:
                continue
            enclosing = (outer_par[i] if i < len(outer_par) and outer_par[i] else 0) or kernel.loop_bounds[i]
            if enclosing and s > enclosing:
                yield f"{level}[{i}] = {s} is larger than the enclosing tile {enclosing}"
            elif enclosing and enclosing % s and not (check.peeling or check.padding):
                yield (f"{level}[{i}] = {s} does not divide the enclosing tile {enclosing}; "
                       "choose a divisor or enable loop peeling" + (" (or padding)" if check.pad_applies else ""))
    dist, cache = tiles.get("distribution", ()), tiles.get("cache_parallel", ())
    for i, s in enumerate(cache):
        d = dist[i] if i < len(dist) else 0
        if s and d and (s > d or (d % s and not check.peeling)):
            yield f"cache_parallel[{i}] = {s} must divide the distribution tile {d}"
    for i, s in enumerate(dist):
        bound = kernel.loop_bounds[i] if i < n else 0
        if s and bound and bound % s and check.scripted:
            if not check.padding:
                yield (f"distribution[{i}] = {s} does not divide the loop bound {bound}: a script's partial workgroup tiles "
                       "do not vectorize unless padded (only register loops peel); choose a divisor"
                       + (" or set pad = on" if check.pad_applies else ""))
        elif s and bound and bound % s and not check.peeling:
            yield f"distribution[{i}] = {s} does not divide the loop bound {bound}; enable loop peeling"
    shape = _vector_shape(kernel, tiles)
    vbytes = math.prod(shape) * element_bytes(kernel)
    if vbytes >= machine.max_vector_bytes:
        yield f"vector tile {list(shape)} is {vbytes} B; llvm-cpu rejects vectors of {machine.max_vector_bytes} B or more"
    par = tiles.get("vector_common_parallel", ())
    inner_dims = [i for i, s in enumerate(par) if s and kernel.iterator_types[i] == "parallel"]
    if inner_dims and not is_pow2(par[inner_dims[-1]]):
        yield f"innermost vector width {par[inner_dims[-1]]} is not a power of two (scalarizes)"
    if kernel.kind == "contraction" and kernel.dims.get("n") and kernel.dims.get("m") and par and len(par) == n:
        yield from _register_tile_violations(kernel, tiles, machine)


def cpu_script_violations(kernel: Kernel, check: TileCheck) -> Iterator[str]:
    """What an llvm-cpu script adds: a fused consumer's workgroup tile on the stack, a row reduction's accumulators."""
    dist = check.tiles.get("distribution", ())
    if kernel.has_consumer and check.knobs.get("fuse_consumer") == "workgroup":
        held = math.prod(s if s else kernel.loop_bounds[d] for d, s in enumerate(dist) if kernel.iterator_types[d] == "parallel")
        if held * element_bytes(kernel) > CPU_STACK_LIMIT_BYTES:
            yield (f"with fuse_consumer = workgroup, the root's workgroup tile ({held * element_bytes(kernel)} B) is held "
                   f"on the stack until its consumer runs; IREE allows {CPU_STACK_LIMIT_BYTES} B: a smaller workgroup tile "
                   "or fuse_consumer = register")
    if kernel.kind == "reduction" and check.machine is not None:
        yield from _row_reduction_script_violations(kernel, check.tiles, check.machine)


def _row_reduction_script_violations(kernel: Kernel, tiles: Mapping[str, tuple[int, ...]], machine: MachineModel) -> Iterator[str]:
    """A row-reduction script keeps rows x width partial accumulators per reduction in registers."""
    n = kernel.num_loops
    red = tiles.get("vector_reduction", ())
    width, bound = (red[n - 1] if len(red) == n else 0), kernel.loop_bounds[n - 1]
    lanes = machine.lanes(element_bytes(kernel))
    if not width:
        yield (f"a reduction script needs a reduction tile (vector_reduction[{n - 1}]): the width of the lane-wise "
               "partial accumulators of each row")
        return
    if width % lanes and width != bound:
        yield f"vector_reduction[{n - 1}] = {width}: partial accumulators fill whole {lanes}-lane registers; use a multiple of {lanes}"
    rows = math.prod(max(s, 1) for s in tiles.get("vector_common_parallel", (1,) * n)[:n - 1])
    regs = rows * math.ceil(width / lanes)
    if regs > machine.vector_registers:
        yield (f"{rows} register rows x {width} partial accumulators need {regs} vector registers; the target has "
               f"{machine.vector_registers}: they would spill")


def _register_tile_violations(kernel: Kernel, tiles: Mapping[str, tuple[int, ...]], machine: MachineModel) -> Iterator[str]:
    """A contraction's register tile: power-of-two contiguous widths that fill whole SIMD
    registers, and accumulators plus operands within the machine's vector registers."""
    par, red = tiles.get("vector_common_parallel", ()), tiles.get("vector_reduction", ())
    n_i = kernel.dims["n"][-1]
    nn = max(par[n_i], 1)
    # every other parallel dim multiplies the accumulator rows (mmt4d: M1 x M0, N1; batch dims)
    rows = [d for d in (*kernel.dims.get("batch", ()), *kernel.dims["m"], *kernel.dims["n"][:-1]) if d < len(par)]
    m = math.prod(max(par[d], 1) for d in rows)
    lanes = machine.lanes(element_bytes(kernel))
    for d in (*kernel.dims.get("n", ()), *kernel.dims.get("k", ())):
        for lvl, vals in (("vector_common_parallel", par), ("vector_reduction", red)):
            if d < len(vals) and vals[d] > 1 and not is_pow2(vals[d]):
                yield f"{lvl}[{d}] = {vals[d]}: vector tiles on contiguous N/K dims must be powers of two"
    if nn % lanes and kernel.loop_bounds[n_i] >= lanes:
        yield f"contiguous vector width {nn} does not fill whole {lanes}-lane SIMD registers; use a multiple of {lanes}"
    regs = m * math.ceil(nn / lanes) + math.ceil(nn / lanes) + 1
    if regs > machine.vector_registers:
        yield (f"register tile {m}x{nn} needs {regs} vector registers (accumulators + operands); "
               f"the target has {machine.vector_registers}: it would spill")


def cpu_tile_rules(kernel: Kernel, level: str, machine: MachineModel) -> list[str]:
    """The llvm-cpu rules on one level, in words and numbers (after the rule all levels share)."""
    rules = []
    if level in PARALLEL_ONLY_LEVELS:
        rules.append("0 on reduction loops " + str([i for i, t in enumerate(kernel.iterator_types) if t == "reduction"]))
    if level in REDUCTION_ONLY_LEVELS:
        rules.append("0 on parallel loops " + str([i for i, t in enumerate(kernel.iterator_types) if t == "parallel"]))
    if level == "distribution":
        rules.append("each entry divides its loop bound (or enable_loop_peeling; in a codegen script: pad = on)")
    if level.startswith("vector"):
        lanes = machine.lanes(element_bytes(kernel))
        rules.append("each entry divides the enclosing cache_parallel/distribution tile (or enable_loop_peeling; "
                     "in a codegen script: peel = on or pad = on)")
        rules.append(f"the vector tile (product of the vector levels' sizes x {element_bytes(kernel)} B) stays under "
                     f"{machine.max_vector_bytes} B; the innermost parallel size is a power of two")
        if kernel.kind == "contraction":
            rules.append(f"register tile m x n: n a multiple of {lanes} lanes, powers of two on N/K dims, and "
                         f"m*ceil(n/{lanes}) + ceil(n/{lanes}) + 1 <= {machine.vector_registers} vector registers")
        if kernel.kind == "reduction":
            rules.append(f"in a codegen script, vector_reduction's last entry is the width of each row's partial accumulators: "
                         f"a multiple of {lanes} lanes, and register rows x width/{lanes} <= {machine.vector_registers} registers")
    return rules


# ---------------------------------------------------------------------------------------
# Move grids (per-loop tile choices)
# ---------------------------------------------------------------------------------------

def _pow2_upto(limit: int) -> list[int]:
    out, v = [], 1
    while v <= limit:
        out.append(v)
        v *= 2
    return out


def level_choices(kernel: Kernel, level: str, *, gpu: bool) -> tuple[tuple[int, ...], ...]:
    """Per-loop tile sizes a move may set at `level`: on GPU levels the workgroup, thread and subgroup tiles split
    parallel loops and the reduction tile the others (other loops keep IREE's value); on llvm-cpu a level that does
    not split a loop leaves it at 0. Packed inner loops keep IREE's tile."""
    per_loop = []
    default = kernel.default_tiles.get(level, ())
    for i, (it, bound) in enumerate(zip(kernel.iterator_types, kernel.loop_bounds)):
        bound = bound or 256
        if gpu:
            allowed_here = (it == "reduction") == (level == "reduction")
        else:
            allowed_here = not ((level in PARALLEL_ONLY_LEVELS and it == "reduction") or (level in REDUCTION_ONLY_LEVELS and it == "parallel"))
        if i in kernel.packed_inner_loops or (gpu and not allowed_here):
            per_loop.append((default[i] if i < len(default) else 0,))
        elif not allowed_here:
            per_loop.append((0,))
        elif level == "subgroup" or (level == "reduction" and bool(default_mma_kind(kernel))):
            per_loop.append(tuple(v for v in (1, 2, 4, 8) if v <= bound))  # in MMA intrinsic tiles
        elif level.startswith("vector") or level == "thread":
            per_loop.append(tuple(v for v in (1, 2, 3, 4, 6, 8, 12, 16, 32) if v <= bound))
        else:
            vals = [0] + [v for v in _pow2_upto(min(bound, 512)) if v >= 4] + ([bound] if bound <= 1024 else [])
            per_loop.append(tuple(sorted(set(vals))))
    return tuple(per_loop)


def gpu_tile_rules(kernel: Kernel, level: str) -> list[str]:
    """The GPU rules on one level, in words and numbers (after the rule all levels share)."""
    gpu = gpu_of(kernel)
    if gpu is None:
        return []
    mma = bool(default_mma_kind(kernel))
    rules = {"workgroup": ["entries on parallel loops divide their loop bound"],
             "thread": ["each entry divides the workgroup tile; threads = product of workgroup/thread over parallel loops, "
                        f"a multiple of the subgroup size, at most {gpu.max_threads}; at most 128 accumulators per thread"],
             "subgroup": ["in intrinsic tiles: subgroup x intrinsic size divides the workgroup tile; threads = subgroups x "
                          f"subgroup size, at most {gpu.max_threads}"],
             "reduction": [("in intrinsic K steps; " if mma else "") + "divides the reduction loop bound; thread tile x reduction "
                           "tile at most 2048 multiply-adds; promoted operand tiles (workgroup x reduction x stages x bytes) "
                           f"within {gpu.max_shared_bytes} B of shared memory"]}
    script = {"thread": ["in a codegen script: nonzero on every parallel loop" + ("; with hoist = on, 1 on all but the innermost "
                                                                                  "parallel loop and at most 4 there (SPIR-V vectors)"
                                                                                  if spirv(kernel) else "")],
              "reduction": ["in a codegen script: in elements, nonzero on every reduction loop"]}
    return rules.get(level, []) + script.get(level, []) + ["the workgroup size follows the tiles unless a move sets it"]


__all__ = ["CPU_STACK_LIMIT_BYTES", "PARALLEL_ONLY_LEVELS", "REDUCTION_ONLY_LEVELS", "TileCheck", "bound_violations",
           "cpu_config_violations", "cpu_loop_violations", "cpu_script_violations", "cpu_tile_rules", "element_bytes", "gpu_tile_rules", "is_pow2",
           "level_choices"]
