"""What a codegen script may hold: its knobs, tiling levels, and which kernels a script supports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.targets.strategy import TargetStrategy, configured_for


@dataclass(frozen=True)
class ScriptKnob:
    """One choice a script move sets: its values (the first is the default) and its meaning."""

    name: str
    values: tuple[str, ...]
    doc: str
    #: True: applies only to a dispatch with an elementwise consumer; False: only to one without; None: to both
    consumer: bool | None = None
    kinds: tuple[str, ...] = ("contraction", "convolution")
    #: the families of targets whose scripts have it ("cpu", "gpu")
    targets: tuple[str, ...] = ("cpu",)


#: The closed set of script knobs (besides the tile sizes, which are the node's tiling levels).
KNOBS: dict[str, ScriptKnob] = {
    "fuse_consumer": ScriptKnob(
        "fuse_consumer", ("register", "workgroup"),
        "where the elementwise consumer (bias, activation) is fused: into the register-tile loop with the root op "
        "(no intermediate tile in memory), or only into the workgroup tile (its own register loop after the root's)",
        consumer=True),
    "peel": ScriptKnob(
        "peel", ("off", "on"),
        "peels the register-tile loops (transform.loop.peel) so that a tile that does not divide its workgroup tile "
        "still vectorizes; the remainder iterations run scalar (or padded, with pad = on)"),
    "interchange": ScriptKnob(
        "interchange", ("identity", "reversed"),
        "the order of the register-tile loops (tile interchange): as the op's loops (the innermost, e.g. a matmul's N, "
        "steps fastest; one A row panel stays in cache) or reversed (the outermost steps fastest; one B column panel "
        "stays in cache)"),
    "pad": ScriptKnob(
        "pad", ("off", "on"),
        "pads partial tiles (a register tile's remainder, the last workgroup tile of a loop it does not divide) with "
        "zeros to the whole register and reduction tile (transform.structured.pad): their loads become masked vector "
        "loads, the contraction stays unmasked at full width and a masked store writes the valid part; this is how a "
        "script vectorizes loops whose bounds have no useful divisor (prime sizes)",
        consumer=False, kinds=("contraction",)),
    "unroll_reduction": ScriptKnob(
        "unroll_reduction", ("1", "2", "4"),
        "unrolls the reduction-tile loop (transform.loop.unroll): more independent FMAs in flight",
        kinds=("contraction",), targets=("cpu", "gpu")),
    "hoist": ScriptKnob(
        "hoist", ("on", "off"),
        "hoists redundant vector transfers out of loops (the accumulator tile stays in registers across the reduction)",
        kinds=("contraction", "convolution", "reduction"), targets=("cpu", "gpu")),
    "lowering": ScriptKnob(
        "lowering", ("outerproduct", "dot", "parallelarith"),
        "how vector.contract lowers: outer products (broadcast + FMA per reduction step), dot products "
        "(horizontal reductions) or elementwise multiply + add", kinds=("contraction", "convolution"), targets=("cpu", "gpu")),
    "transfer": ScriptKnob(
        "transfer", ("vector", "rows"),
        "how vector loads and stores of 2-D tiles lower: as whole vector transfers (IREE's LLVM lowering splits them) "
        "or unrolled here into one 1-D transfer per row (vector.transfer_to_scf full_unroll) before the final lowering"),
}


#: Convolutions the script can decompose into 1-D convolutions that vectorize.
DECOMPOSABLE_CONVS = ("linalg.conv_2d_nhwc_hwcf", "linalg.conv_2d_nchw_fchw", "linalg.depthwise_conv_2d_nhwc_hwc",
                      "linalg.pooling_nhwc_sum", "linalg.pooling_nhwc_max")


def script_levels(kernel: Kernel) -> Mapping[str, str]:
    """The tiling levels a script of `kernel` reads (its target's names), with the script op each parameterises."""
    return configured_for(kernel).script_levels


def _row_reduction_reason(kernel: Kernel) -> str:
    """Why `kernel` is not a row-reduction chain a script lowers ("" when it is)."""
    n = kernel.num_loops
    row, elementwise = ("parallel",) * (n - 1) + ("reduction",), ("parallel",) * n
    if n < 2 or kernel.iterator_types != row:
        return "reduction scripts cover reductions of the innermost loop only (one row per output element)"
    if len(kernel.body_iterators) != len(kernel.body_ops):
        return "the dispatch's ops are not known (re-read the module)"
    for op, its in zip(kernel.body_ops, kernel.body_iterators):
        if op != "linalg.fill" and (op != "linalg.generic" or its not in (row, elementwise)):
            return (f"the dispatch holds {op} over {len(its)} loops; a reduction script covers fills and generics over "
                    f"the root's {n} loops that reduce the innermost loop or are elementwise")
    return ""


def unsupported_reason(kernel: Kernel, target: TargetStrategy) -> str:
    """Why `kernel` cannot be lowered by a script on `target` ("" when it can)."""
    if not target.codegen_scripts:
        return f"codegen scripts are not built for {target.name}"
    why = target.script_unsupported(kernel)
    if why:
        return why
    if kernel.kind == "contraction":
        if kernel.packed_inner_loops:
            return "a data-tiled (mmt4d) contraction lowers through IREE's own mmt4d path"
    elif kernel.kind == "convolution":
        if kernel.root_op not in (*DECOMPOSABLE_CONVS, "linalg.generic"):
            return f"{kernel.root_op} has no 1-D decomposition for vectorization"
        if tuple(kernel.dims.get("output_image", ())) != (1, 2):
            # checked by hand: the decomposed channels-first (NCHW) convolution computed wrong numbers
            return "scripts cover channels-last (NHWC) convolutions only"
    elif kernel.kind == "reduction":
        return _row_reduction_reason(kernel)
    else:
        return f"scripts cover contractions, convolutions and row reductions, not {kernel.kind} dispatches"
    body = [op for op in kernel.body_ops if op != "linalg.fill"]
    if not body or body[0] != kernel.root_op or len(body) > 2 or (len(body) == 2 and body[1] != "linalg.generic"):
        return f"the dispatch holds {', '.join(kernel.body_ops) or 'no linalg ops'}; scripts cover a root op with at most one elementwise consumer"
    return ""


def knob_defaults(kernel: Kernel) -> dict[str, str]:
    """The knobs a fresh script has (the first value of each knob that applies)."""
    return {n: k.values[0] for n, k in KNOBS.items() if knob_applies(kernel, n)}


def knob_applies(kernel: Kernel, name: str) -> bool:
    knob = KNOBS[name]
    return (kernel.kind in knob.kinds and (knob.consumer is None or knob.consumer == kernel.has_consumer)
            and configured_for(kernel).family in knob.targets)


def sequence_name(kernel: Kernel) -> str:
    """The named sequence that lowers `kernel` (unique per dispatch function)."""
    return f"codegen_{kernel.function}"


def reversed_tiled(sizes: tuple[int, ...]) -> tuple[int, ...]:
    """The interchange that reverses the order of the tiled loops (nonzero sizes), others in place."""
    tiled = iter(reversed([d for d, s in enumerate(sizes) if s]))
    return tuple(next(tiled) if s else d for d, s in enumerate(sizes))


def ragged_register_dims(kernel: Kernel, wg: tuple[int, ...], reg: tuple[int, ...]) -> list[int]:
    """Parallel loops where some register tile is partial: the tile does not divide its workgroup
    tile (or loop), or the loop's last, partial workgroup tile. What peeling splits."""
    out = []
    for d, s in enumerate(reg):
        bound = kernel.loop_bounds[d]
        if not s or not bound or kernel.iterator_types[d] != "parallel":
            continue
        w = wg[d] if d < len(wg) and 0 < wg[d] < bound else bound
        if w % s or (bound % w) % s:
            out.append(d)
    return out


def partial_tiles(kernel: Kernel, tiles: Mapping[str, tuple[int, ...]]) -> bool:
    """Whether a script with these tiles has partial tiles (what padding fills): a workgroup tile
    that does not divide its loop, a ragged register tile, or a reduction tile that does not divide."""
    wg, reg = tiles.get("distribution", ()), tiles.get("vector_common_parallel", ())
    red = tiles.get("vector_reduction", ())
    if any(s and b and b % s for s, b in zip(wg, kernel.loop_bounds)):
        return True
    if any(s and b and b % s and it == "reduction" for s, b, it in zip(red, kernel.loop_bounds, kernel.iterator_types)):
        return True
    return bool(ragged_register_dims(kernel, tuple(wg), tuple(reg)))


def output_dims(kernel: Kernel) -> list[int]:
    """The loops indexing the root's result, in its dimension order (from its last indexing map)."""
    if not kernel.indexing_maps:
        return [d for d, it in enumerate(kernel.iterator_types) if it == "parallel"]
    results = kernel.indexing_maps[-1].split("->")[-1]
    return [int(x) for x in re.findall(r"d(\d+)", results)]
