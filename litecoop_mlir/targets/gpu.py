"""What a GPU target offers, read from IREE, and the rules a GPU configuration must keep.

IREE states a GPU target's limits in the `#iree_gpu.target<...>` attribute of every configured
executable (subgroup sizes, workgroup size and thread limits, shared memory, MMA intrinsics), so
they are parsed from there rather than typed into tables. The rules below come from the shape
of IREE's GPU lowering configs (3.13):

- thread style (`TileAndFuse` without `mma_kind`, SPIR-V `BaseVectorize`): every thread computes
  a `thread` tile of the `workgroup` tile, so the workgroup holds prod(workgroup / thread) threads;
- MMA style (`mma_kind` set): every subgroup computes `subgroup` intrinsic tiles, so the
  workgroup holds prod(workgroup / (subgroup * intrinsic)) subgroups of `subgroup_size` threads,
  and the reduction tile counts intrinsic K steps;
- promoted operands (`promote_operands`) stage their workgroup tiles in shared memory, once per
  prefetch stage.

A workgroup size that disagrees with its tiles compiles, but leaves threads idle or serialises
their loops; a shared-memory request past the limit fails to compile (or, in the measured case
of 1.1 MB, only after minutes): both are caught before compiling.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import dataclass
from typing import Iterator, Mapping

from litecoop_mlir.ir.workload import Kernel

#: Pipeline options a GPU move may set, with their values (the first is "as IREE chose").
GPU_OPTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "mma_kind": ((), "the MMA intrinsic the subgroup tiles are made of (among the target's intrinsics)"),
    "promote_operands": (("default", "0,1", "none"),
                         "stage the A and B workgroup tiles in shared memory (0,1) or read them from global memory (none)"),
    "prefetch_num_stages": (("default", "0", "2", "3"),
                            "shared-memory prefetch stages of the reduction loop (software pipelining; needs promotion)"),
    "bank_conflict_padding": (("default", "on", "off"),
                              "pad shared-memory tiles so threads do not hit the same bank (IREE's reduce_shared_memory_bank_conflicts)"),
}
#: Pipelines whose workgroup size follows from thread or subgroup tiles (VectorDistribute uses explicit bases instead).
TILED_PIPELINES = ("TileAndFuse", "BaseVectorize", "BaseDistribute", "MatmulPromoteVectorize", "CooperativeMatrixVectorize")
#: Most multiply-adds one thread's fully unrolled vector code may hold per reduction step (thread x reduction tile):
#: past it, compiles and driver JITs run for minutes (lavapipe: a reduction tile of 512 on 8x8 threads ran past 120 s).
MAX_THREAD_UNROLL = 2048
#: Most accumulator values one thread may hold before it spills (NVIDIA: 255 32-bit registers per thread).
MAX_THREAD_ACCUMULATORS = 128


@dataclass(frozen=True)
class GpuTarget:
    """A GPU target's limits and intrinsics, as IREE states them."""

    arch: str
    subgroup_sizes: tuple[int, ...]
    max_workgroup_sizes: tuple[int, ...]
    max_threads: int
    max_shared_bytes: int
    mma: tuple[str, ...] = ()
    compute: str = ""

    @property
    def subgroup_size(self) -> int:
        return min(self.subgroup_sizes) if self.subgroup_sizes else 1

    def describe(self) -> str:
        mma = ", ".join(self.mma) or "none"
        return (f"GPU {self.arch or 'generic'}: subgroup size {'/'.join(map(str, self.subgroup_sizes)) or '?'}, "
                f"at most {self.max_threads} threads per workgroup (per dimension {list(self.max_workgroup_sizes)}), "
                f"{self.max_shared_bytes // 1024} KiB shared memory per workgroup, compute {self.compute or '?'}, MMA intrinsics: {mma}")

    def to_json(self) -> dict[str, object]:
        return {"arch": self.arch, "subgroup_sizes": list(self.subgroup_sizes), "max_workgroup_sizes": list(self.max_workgroup_sizes),
                "max_threads": self.max_threads, "max_shared_bytes": self.max_shared_bytes, "mma": list(self.mma),
                "compute": self.compute}


def _ints(text: str, key: str) -> tuple[int, ...]:
    m = re.search(rf"\b{key} = \[([\d, ]*)\]", text)
    return tuple(int(v) for v in m.group(1).split(",") if v.strip()) if m else ()


@functools.lru_cache(maxsize=64)
def parse_gpu_target(text: str) -> GpuTarget | None:
    """The `#iree_gpu.target<...>` attribute in `text` (an executable target or the attribute), or None."""
    if "#iree_gpu.target<" not in text:
        return None
    arch = re.search(r'#iree_gpu\.target<arch = "([^"]*)"', text)
    threads = re.search(r"max_thread_count_per_workgroup = (\d+)", text)
    shared = re.search(r"max_workgroup_memory_bytes = (\d+)", text)
    compute = re.search(r"compute = ([\w|]+)", text)
    mma = re.search(r"\bmma = \[([^\]]*)\]", text)
    return GpuTarget(
        arch=arch.group(1) if arch else "",
        subgroup_sizes=_ints(text, "subgroup_size_choices"),
        max_workgroup_sizes=_ints(text, "max_workgroup_sizes") or (1024, 1024, 64),
        max_threads=int(threads.group(1)) if threads else 1024,
        max_shared_bytes=int(shared.group(1)) if shared else 16384,
        mma=tuple(re.findall(r"<(\w+)>", mma.group(1))) if mma else (),
        compute=compute.group(1) if compute else "",
    )


def gpu_of(kernel: Kernel) -> GpuTarget | None:
    """The GPU target a dispatch was configured for (None: not a GPU dispatch)."""
    return parse_gpu_target(kernel.gpu_target)


def intrinsic_shape(name: str) -> tuple[int, int, int] | None:
    """(M, N, K) of an MMA intrinsic named like `NV_MMA_SYNC_F32_16x8x16_F16` or `MFMA_F32_16x16x16_F16`."""
    m = re.search(r"_(\d+)x(\d+)x(\d+)_", name)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def intrinsic_types(name: str) -> tuple[str, str]:
    """(accumulator, input) element types of an intrinsic, lower case (`f32`, `f16`)."""
    m = re.match(r"[A-Z_]*?_([A-Z]+\d+)_\d+x\d+x\d+_([A-Z]+\d+)", name)
    return (m.group(1).lower(), m.group(2).lower()) if m else ("", "")


def kernel_intrinsics(kernel: Kernel, gpu: GpuTarget) -> tuple[str, ...]:
    """The target's intrinsics whose input and accumulator types are the kernel's, of the family IREE's
    default uses: measured on IREE 3.13, NV_WMMA_* under TileAndFuse fails to compile
    ('tensor.expand_shape' op expected dimension 2 of collapsed type to be static) where NV_MMA_SYNC_* builds."""
    ins = {re.sub(r".*x", "", t.rstrip(">")) for t in kernel.operand_types[:2]}
    family = re.sub(r"_[A-Z]+\d+_\d+x\d+x\d+_.*", "", default_mma_kind(kernel))
    return tuple(i for i in gpu.mma if len(ins) == 1 and intrinsic_types(i) == (kernel.element_type, next(iter(ins)))
                 and (not family or i.startswith(family + "_")))


def default_mma_kind(kernel: Kernel) -> str:
    m = re.search(r"mma_kind = #iree_gpu\.mma_layout<(\w+)>", kernel.default_lowering_config)
    return m.group(1) if m else ""


def default_promoted(kernel: Kernel) -> bool:
    return "promote_operands = [" in kernel.default_lowering_config and "promote_operands = []" not in kernel.default_lowering_config


def default_prefetch(kernel: Kernel) -> int:
    m = re.search(r"prefetch_num_stages = (\d+)", kernel.default_translation_info)
    return int(m.group(1)) if m else 0


def option_unfit(kernel: Kernel, name: str) -> str:
    """Why GPU option `name` does not apply to `kernel`'s configuration ("" when it does)."""
    if name == "mma_kind" and not default_mma_kind(kernel):
        return "mma_kind changes the intrinsic of an MMA configuration; IREE configured this dispatch without MMA"
    if name in ("mma_kind", "promote_operands") and not kernel.default_lowering_config.startswith("#iree_gpu.lowering_config<"):
        return f"{name} is an #iree_gpu.lowering_config entry; this dispatch is configured otherwise"
    if name == "promote_operands" and kernel.kind not in ("contraction", "convolution"):
        return "promote_operands stages the operands of a contraction or convolution; this dispatch is neither"
    if name in ("prefetch_num_stages", "bank_conflict_padding") and "#iree_gpu.pipeline_options<" not in kernel.default_translation_info:
        return f"{name} is a TileAndFuse pipeline option; this dispatch's pipeline ({kernel.pipeline}) has none"
    if name == "prefetch_num_stages" and kernel.kind != "contraction":
        return "prefetch stages pipeline a contraction's reduction loop; this dispatch is not a contraction"
    return ""


@dataclass(frozen=True)
class GpuShape:
    """A GPU configuration as the rules see it: tiles, workgroup size and pipeline options."""

    tiles: Mapping[str, tuple[int, ...]]
    workgroup_size: tuple[int, ...]
    options: Mapping[str, str]

    def option(self, name: str, kernel: Kernel) -> str:
        v = self.options.get(name, "default")
        if v != "default":
            return v
        return {"mma_kind": default_mma_kind(kernel), "promote_operands": "0,1" if default_promoted(kernel) else "none",
                "prefetch_num_stages": str(default_prefetch(kernel)), "bank_conflict_padding": "default"}[name]


def _dim(kernel: Kernel, role: str) -> int | None:
    ds = kernel.dims.get(role, ())
    return ds[-1] if ds else None


def _tile(tiles: Mapping[str, tuple[int, ...]], level: str, i: int) -> int:
    t = tiles.get(level, ())
    return t[i] if i < len(t) else 0


def _extent(kernel: Kernel, tiles: Mapping[str, tuple[int, ...]], i: int) -> int:
    """Iterations of loop i one workgroup covers (its workgroup tile, or the whole loop when untiled)."""
    return _tile(tiles, "workgroup", i) or kernel.loop_bounds[i]


def thread_count(kernel: Kernel, shape: GpuShape) -> int | None:
    """Threads the tiles call for (None when they do not say: no thread or subgroup level)."""
    if kernel.pipeline not in TILED_PIPELINES or _cooperative(kernel):
        return None
    mma = shape.option("mma_kind", kernel)
    if mma and "subgroup" in shape.tiles:
        ishape = intrinsic_shape(mma)
        m, n = _dim(kernel, "m"), _dim(kernel, "n")
        if ishape is None or m is None or n is None:
            return None
        sub_m, sub_n = _tile(shape.tiles, "subgroup", m), _tile(shape.tiles, "subgroup", n)
        if not sub_m or not sub_n:
            return None
        subgroups = (_extent(kernel, shape.tiles, m) // (sub_m * ishape[0])) * (_extent(kernel, shape.tiles, n) // (sub_n * ishape[1]))
        return subgroups * _subgroup_size(kernel)
    if "thread" not in shape.tiles:
        return None
    return math.prod(_thread_counts(kernel, shape.tiles).values())


def _cooperative(kernel: Kernel) -> bool:
    """A SPIR-V cooperative-matrix config: its second level is a subgroup tile, and a fourth holds the native shape."""
    return len(re.findall(r"\[[^\[\]]*\]", kernel.default_lowering_config)) > 3 and "tile_sizes = [[" in kernel.default_lowering_config


def _thread_counts(kernel: Kernel, tiles: Mapping[str, tuple[int, ...]]) -> dict[int, int]:
    """Threads along each thread-tiled parallel loop."""
    return {i: max(_extent(kernel, tiles, i) // _tile(tiles, "thread", i), 1)
            for i, it in enumerate(kernel.iterator_types) if it == "parallel" and _tile(tiles, "thread", i)}


def _axis_order(kernel: Kernel) -> list[int]:
    """The loops SPIR-V maps to x, y (then z), read off IREE's default: the loop whose thread count is the
    default workgroup size's x (innermost first among equals), then y's."""
    counts = _thread_counts(kernel, kernel.default_tiles)
    default = _default_workgroup_size(kernel)
    left = sorted(counts, reverse=True)
    order: list[int] = []
    for want in default[:2]:
        hit = next((i for i in left if counts[i] == want), None)
        if hit is not None:
            order.append(hit)
            left.remove(hit)
    return order + [i for i in left if counts[i] > 1] + [i for i in left if counts[i] == 1]


def workgroup_size_of(translation_info: str) -> tuple[int, ...]:
    """The workgroup size a printed translation_info names (() when it names none)."""
    m = re.search(r"workgroup_size = \[([\d, ]+)\]", translation_info)
    return tuple(int(v) for v in m.group(1).split(",")) if m else ()


def _default_workgroup_size(kernel: Kernel) -> tuple[int, ...]:
    return workgroup_size_of(kernel.default_translation_info)


def _subgroup_size(kernel: Kernel) -> int:
    m = re.search(r"subgroup_size = (\d+)", kernel.default_translation_info)
    if m:
        return int(m.group(1))
    gpu = parse_gpu_target(kernel.gpu_target)
    return gpu.subgroup_size if gpu else 32


def derived_workgroup_size(kernel: Kernel, shape: GpuShape) -> tuple[int, ...] | None:
    """The workgroup size the tiles call for, shaped as IREE shapes it for this kind of config
    (None when the tiles do not say)."""
    threads = thread_count(kernel, shape)
    if threads is None or threads < 1:
        return None
    default = _default_workgroup_size(kernel)
    if default and math.prod(default) == threads and not kernel.default_lowering_config.startswith("#iree_codegen"):
        return default  # as many threads as IREE's own choice: its shape
    if shape.option("mma_kind", kernel) or not kernel.default_lowering_config.startswith("#iree_codegen.lowering_config<tile_sizes"):
        # TileAndFuse distributes over linearized thread ids: only the count matters (IREE writes [32, n/32, 1])
        sg = _subgroup_size(kernel)
        return (sg, threads // sg, 1) if threads % sg == 0 and not shape.option("mma_kind", kernel) else (threads, 1, 1)
    # SPIR-V maps one loop to x, one to y, the rest to z, in the order IREE's default shows
    counts = _thread_counts(kernel, shape.tiles)
    order = _axis_order(kernel)
    per_dim = [counts[i] for i in order if i in counts] + [c for i, c in counts.items() if i not in order]
    return (per_dim[0] if per_dim else 1, per_dim[1] if len(per_dim) > 1 else 1, math.prod(per_dim[2:]))


def shared_memory_bytes(kernel: Kernel, shape: GpuShape) -> int:
    """Shared memory the promoted operand tiles take (all prefetch stages)."""
    if shape.option("promote_operands", kernel) == "none":
        return 0
    m, n, k = _dim(kernel, "m"), _dim(kernel, "n"), _dim(kernel, "k")
    if m is None or n is None or k is None:
        return 0
    red = _tile(shape.tiles, "reduction", k) or kernel.loop_bounds[k]
    mma = shape.option("mma_kind", kernel)
    ishape = intrinsic_shape(mma) if mma else None
    kt = red * (ishape[2] if ishape else 1)
    in_bytes = _bytes(kernel.operand_types[0]) if kernel.operand_types else 4
    stages = max(int(shape.option("prefetch_num_stages", kernel) or 0), 1)
    batch = math.prod(_extent(kernel, shape.tiles, b) for b in kernel.dims.get("batch", ()))
    return batch * (_extent(kernel, shape.tiles, m) * kt + kt * _extent(kernel, shape.tiles, n)) * in_bytes * stages


def _bytes(tensor_type: str) -> int:
    m = re.search(r"x?([a-z]+)(\d+)>?$", tensor_type.rstrip(">"))
    return max(int(m.group(2)) // 8, 1) if m else 4


def gpu_violations(kernel: Kernel, shape: GpuShape, gpu: GpuTarget | None) -> Iterator[str]:
    """Every GPU rule `shape` breaks for `kernel`, as a reason."""
    mma = shape.option("mma_kind", kernel)
    yield from _tile_violations(kernel, shape, mma)
    if gpu is None:
        return
    if mma and mma not in gpu.mma:
        yield f"mma_kind {mma} is not an intrinsic of {gpu.arch} (it has {', '.join(gpu.mma) or 'none'})"
    wg = shape.workgroup_size
    if wg:
        for axis, (s, cap) in enumerate(zip(wg, gpu.max_workgroup_sizes)):
            if s > cap:
                yield f"workgroup size {list(wg)}: dimension {'xyz'[axis]} = {s} exceeds the target's {cap}"
        total = math.prod(wg)
        if total > gpu.max_threads:
            yield f"workgroup size {list(wg)} has {total} threads; {gpu.arch} allows {gpu.max_threads} per workgroup"
        sg = _subgroup_size(kernel)
        if total % sg:
            yield f"workgroup size {list(wg)} has {total} threads, not a multiple of the subgroup size {sg}"
        threads = thread_count(kernel, shape)
        if threads is not None and threads != total:
            unit = "subgroup tiles" if mma else "thread tiles"
            yield (f"the tiles call for {threads} threads ({unit} of the workgroup tile) but the workgroup size {list(wg)} "
                   f"has {total}: threads would idle or loop; set the workgroup size to {threads} threads or change the tiles")
    if shape.options.get("prefetch_num_stages", "default") not in ("default", "0") and shape.option("promote_operands", kernel) == "none":
        yield "prefetch stages pipeline shared-memory copies: they need promoted operands (promote_operands = 0,1)"
    smem = shared_memory_bytes(kernel, shape)
    if smem > gpu.max_shared_bytes:
        yield (f"promoted operand tiles take {smem} B of shared memory (workgroup x reduction tiles x stages); "
               f"{gpu.arch} has {gpu.max_shared_bytes} B per workgroup")


def _tile_violations(kernel: Kernel, shape: GpuShape, mma: str) -> Iterator[str]:
    """Tiles that divide: workgroup tiles their loops, thread or subgroup tiles their workgroup tile."""
    tiles = shape.tiles
    if mma and "thread" in tiles:
        yield "an MMA configuration distributes subgroups, not threads: set the subgroup tile, not a thread tile"
    if not mma and "subgroup" in tiles:
        yield "a subgroup tile needs an MMA configuration (mma_kind); this one distributes threads"
    ishape = intrinsic_shape(mma) if mma else None
    roles = {d: r for r in ("m", "n", "k") for d in kernel.dims.get(r, ())[-1:]}
    for i, (it, bound) in enumerate(zip(kernel.iterator_types, kernel.loop_bounds)):
        w = _tile(tiles, "workgroup", i)
        if it == "parallel" and w and bound and bound % w:
            yield f"workgroup[{i}] = {w} does not divide the loop bound {bound}"
        extent = w or bound
        t = _tile(tiles, "thread", i)
        if t and extent % t:
            yield f"thread[{i}] = {t} does not divide the workgroup tile {extent}"
        sub = _tile(tiles, "subgroup", i)
        if ishape and sub and roles.get(i) in ("m", "n"):
            step = sub * ishape[0 if roles[i] == "m" else 1]
            if extent % step:
                yield f"subgroup[{i}] = {sub} intrinsic tiles ({step} elements) do not divide the workgroup tile {extent}"
        r = _tile(tiles, "reduction", i)
        if r and it == "reduction" and bound:
            k_elems = r * (ishape[2] if ishape and roles.get(i) == "k" else 1)
            if bound % k_elems:
                yield f"reduction[{i}] = {r} ({k_elems} elements) does not divide the loop bound {bound}"
    if ishape and "subgroup" in tiles:
        acc = math.prod(_tile(tiles, "subgroup", d) or 1 for d, r in roles.items() if r in ("m", "n")) * ishape[0] * ishape[1]
        per_thread = acc // _subgroup_size(kernel)
        if per_thread > MAX_THREAD_ACCUMULATORS:
            yield (f"subgroup tile of {acc} accumulators is {per_thread} per thread; at most {MAX_THREAD_ACCUMULATORS} "
                   "fit in registers")
    if not mma and not _cooperative(kernel):
        acc = math.prod(_tile(tiles, "thread", i) or 1 for i, it in enumerate(kernel.iterator_types) if it == "parallel")
        if "thread" in tiles and acc > MAX_THREAD_ACCUMULATORS:
            yield f"a thread tile of {acc} accumulators spills registers (at most {MAX_THREAD_ACCUMULATORS})"
        red = math.prod(_tile(tiles, "reduction", i) or kernel.loop_bounds[i] or 1  # an untiled reduction unrolls whole
                        for i, it in enumerate(kernel.iterator_types) if it == "reduction")
        if "thread" in tiles and acc * red > MAX_THREAD_UNROLL:
            yield (f"thread tile x reduction tile = {acc} x {red} = {acc * red} multiply-adds unrolled per thread and step "
                   f"(at most {MAX_THREAD_UNROLL}): compiles and driver JITs run for minutes")


# Codegen scripts on GPU targets (litecoop_mlir.space.script_render): the script maps loops to blocks and threads itself
# (`tile_using_forall` with #gpu.block / #gpu.thread mappings), so its workgroup size follows from its tiles alone.

#: Widest thread tile a SPIR-V script may hoist, and along the innermost loop only: the hoisted accumulator is a
#: loop-carried vector, SPIR-V has 1-D vectors of at most 4 elements, and IREE 3.13 failed to legalize a script's
#: hoisted 4x4 thread tile (`arith.constant ... vector<4x4xf32>`). Unhoisted, the accumulator is read and written
#: per reduction step in 1-D rows, and 4x4 to 8x8 thread tiles built and verified on lavapipe (checked by hand).
SPIRV_THREAD_VECTOR = 4


def script_thread_counts(kernel: Kernel, tiles: Mapping[str, tuple[int, ...]]) -> list[tuple[int, int]]:
    """(loop, threads along it) of a script's thread forall, outermost loop first: the parallel loops
    whose workgroup extent holds more than one thread tile."""
    out = []
    for i, it in enumerate(kernel.iterator_types):
        t = _tile(tiles, "thread", i)
        if it == "parallel" and t and _extent(kernel, tiles, i) // t > 1:
            out.append((i, _extent(kernel, tiles, i) // t))
    return out


def script_workgroup_size(kernel: Kernel, tiles: Mapping[str, tuple[int, ...]]) -> tuple[int, int, int]:
    """The workgroup size (x, y, z) of a GPU script: its innermost thread-mapped loop is x."""
    counts = [c for _, c in reversed(script_thread_counts(kernel, tiles))]
    return (counts[0] if counts else 1, counts[1] if len(counts) > 1 else 1, math.prod(counts[2:]))


def spirv(kernel: Kernel) -> bool:
    return "spirv:" in kernel.gpu_target


def script_violations(kernel: Kernel, tiles: Mapping[str, tuple[int, ...]], gpu: GpuTarget | None,
                      knobs: Mapping[str, str] | None = None) -> Iterator[str]:
    """Every rule a GPU codegen script with these tiles and knobs breaks: tiles that divide (a script does not pad
    on GPUs), a thread tile of every parallel loop and a reduction tile of every reduction loop, the workgroup size
    its tiles call for within the target's limits, and on SPIR-V what IREE 3.13 lowers correctly (checked on lavapipe:
    a hoisted accumulator must be a 1-D vector of at most 4 elements; the `dot` lowering leaves vectors as wide as
    the thread tile, which SPIR-V cannot legalize past 4; `parallelarith` failed or computed wrong numbers)."""
    knobs = knobs or {}
    par = [i for i, it in enumerate(kernel.iterator_types) if it == "parallel"]
    yield from _tile_violations(kernel, GpuShape(tiles, (), {}), "")
    for i, it in enumerate(kernel.iterator_types):
        if it == "parallel" and not _tile(tiles, "thread", i):
            yield f"thread[{i}] = 0: a script gives every thread a tile of every parallel loop"
        if it == "reduction" and not _tile(tiles, "reduction", i):
            yield f"reduction[{i}] = 0: a script steps through the reduction loop in tiles (the whole loop would unroll)"
    counts = script_thread_counts(kernel, tiles)
    if len(counts) > 3:
        yield f"threads along {len(counts)} loops {[i for i, _ in counts]}; a workgroup has 3 dimensions"
    wg = script_workgroup_size(kernel, tiles)
    if gpu is not None and len(counts) <= 3:
        for axis, (s, cap) in enumerate(zip(wg, gpu.max_workgroup_sizes)):
            if s > cap:
                yield f"the tiles call for workgroup size {list(wg)}: dimension {'xyz'[axis]} = {s} exceeds the target's {cap}"
        if math.prod(wg) > gpu.max_threads:
            yield (f"the tiles call for {math.prod(wg)} threads per workgroup (workgroup tile / thread tile); "
                   f"{gpu.arch} allows {gpu.max_threads}")
    if spirv(kernel) and knobs.get("hoist", "on") == "on":
        for i in par:
            t = _tile(tiles, "thread", i)
            if i != par[-1] and t > 1:
                yield (f"thread[{i}] = {t}: on SPIR-V a hoisted accumulator is a 1-D vector along the innermost loop; "
                       "set the other parallel loops' thread tiles to 1, or hoist = off")
            if i == par[-1] and t > SPIRV_THREAD_VECTOR:
                yield f"thread[{i}] = {t}: a hoisted SPIR-V accumulator holds at most {SPIRV_THREAD_VECTOR} elements; or hoist = off"
    if kernel.has_consumer and knobs.get("hoist", "on") == "off":
        yield ("hoist = off with a fused consumer: the root's tile would go through memory, which IREE 3.13 bufferizes "
               "to one workgroup-memory tile that every thread writes (wrong numbers on lavapipe); keep hoist = on")
    if spirv(kernel) and knobs.get("lowering") == "parallelarith":
        yield ("lowering = parallelarith on SPIR-V: hoisted it failed to compile (a vector<1x4> accumulator), unhoisted it computed "
               "wrong numbers on lavapipe with reduction tiles of 16 and 32 (IREE 3.13); use outerproduct or dot")
    if spirv(kernel) and knobs.get("lowering") == "dot":
        wide = [i for i in par if _tile(tiles, "thread", i) > SPIRV_THREAD_VECTOR]
        if wide:
            yield (f"lowering = dot on SPIR-V keeps vectors as wide as the thread tile (thread[{wide[0]}] = "
                   f"{_tile(tiles, 'thread', wide[0])}); SPIR-V vectors hold at most {SPIRV_THREAD_VECTOR} elements")


def script_tiles(kernel: Kernel, gpu: GpuTarget | None) -> tuple[dict[str, tuple[int, ...]], str] | None:
    """Tiles for a GPU script nearest IREE's own, and its `hoist` knob (whether it hoists its accumulators): IREE's
    workgroup tile (halved, or the whole loop, where the thread count or a prime loop bound calls for it), a
    thread tile of about as many accumulators and its reduction tile in elements; None when no such tiles are
    legal. On SPIR-V, IREE's 2-D thread tiles are kept unhoisted (8x8 unhoisted: 232 ms on lavapipe for
    matmul 512^3, against 344-388 ms for a hoisted 1x4 tile; IREE's own pipeline: 78-93 ms)."""
    d = kernel.default_tiles
    n = kernel.num_loops
    par = [i for i, it in enumerate(kernel.iterator_types) if it == "parallel"]
    if not par:
        return None

    def divisors_below(v: int, bound: int) -> list[int]:
        """v, v/2, ... that divide `bound`, then `bound` itself (the whole loop)."""
        out = []
        while v >= 1:
            if bound % v == 0:
                out.append(v)
            v //= 2
        return [*out, bound] if bound not in out else out

    mma = default_mma_kind(kernel)
    ishape = intrinsic_shape(mma) if mma else None
    reds = []
    for i, it in enumerate(kernel.iterator_types):
        want = (_tile(d, "reduction", i) * (ishape[2] if ishape else 1) or 4) if it == "reduction" else 0
        reds.append(divisors_below(want, kernel.loop_bounds[i])[0] if want else 0)
    wg_choices = [divisors_below(min(_tile(d, "workgroup", i) or kernel.loop_bounds[i], kernel.loop_bounds[i]), kernel.loop_bounds[i])
                  for i in par]
    acc_wanted = math.prod(max(_tile(d, "thread", i), 1) for i in par) if "thread" in d else 16
    rows_wanted = max(_tile(d, "thread", par[-2]), 1) if len(par) > 1 else 1
    best: tuple[float, tuple[dict[str, tuple[int, ...]], str]] | None = None
    for wgs, hoist in itertools.product(itertools.product(*wg_choices), ("on", "off") if spirv(kernel) else ("on",)):
        halvings = sum(math.log2(v / w) for v, w in ((_tile(d, "workgroup", i), w) for i, w in zip(par, wgs)) if v > w)
        for tm, tn in itertools.product((1, 2, 4, 8) if len(par) > 1 else (1,), (1, 2, 4, 8, 16)):
            wg, th = [0] * n, [0] * n
            for i, v in zip(par, wgs):
                wg[i], th[i] = v, 1
            th[par[-1]] = tn
            if len(par) > 1:
                th[par[-2]] = tm
            tiles = {"workgroup": tuple(wg), "thread": tuple(th), "reduction": tuple(reds)}
            if next(script_violations(kernel, tiles, gpu, {"hoist": hoist}), None) is not None:
                continue
            cost = 10 * halvings + abs(math.log2(tm * tn / acc_wanted)) + 0.1 * abs(math.log2(tm / rows_wanted)) + (hoist == "off") * 0.5
            if best is None or cost < best[0]:
                best = (cost, (tiles, hoist))
    return best[1] if best else None


__all__ = ["GPU_OPTIONS", "GpuShape", "GpuTarget", "SPIRV_THREAD_VECTOR", "default_mma_kind", "derived_workgroup_size", "gpu_of", "gpu_violations",
           "intrinsic_shape", "kernel_intrinsics", "option_unfit", "parse_gpu_target", "script_thread_counts", "script_tiles",
           "script_violations", "script_workgroup_size", "shared_memory_bytes", "spirv", "thread_count", "workgroup_size_of"]
