"""The offline heuristic's model of a GPU: ranks joint tile choices for a dispatch.

On a GPU the tiles that matter move together: the workgroup tile, the per-thread (or, with MMA
intrinsics, per-subgroup) tile and the reduction tile fix the thread count, register use and
shared memory at once, so the heuristic proposes them as one step (the workgroup size follows
the tiles) and ranks the legal ones by a small analytical score:

- register reuse: a thread tile of m x n accumulators loads m + n values per m*n multiply-adds;
- workgroup reuse: a workgroup tile of M x N reads M + N rows per reduction step for M*N outputs
  (the traffic through shared memory or L1 per output);
- occupancy: enough workgroups to fill the device (a penalty below `WORKGROUPS_WANTED` on a GPU, two per core
  on a CPU device such as lavapipe);
- MMA coverage: on MMA configs, subgroup tiles of several intrinsics each (operand reuse in registers);
- a reduction step of about 32 elements (shorter loops pay loop and barrier overhead, longer ones unroll past the caches).
Then it probes the pipeline options (prefetch stages, bank-conflict padding) of the best node.
"""

from __future__ import annotations

import itertools
import math
from typing import Iterator, Mapping

from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.space.legality import validate_step
from litecoop_mlir.space.moves import move_spaces
from litecoop_mlir.space.script import Script, effective_kernel
from litecoop_mlir.space.vocabulary import IllegalTransform, SetGpuOption, SetTileSizes, Transform
from litecoop_mlir.targets.gpu import default_mma_kind, gpu_of, intrinsic_shape
from litecoop_mlir.targets.strategy import compute_units, make_target

#: Workgroups below which a GPU is taken to be under-filled (an H100 has 132 SMs, 2+ workgroups each); a CPU
#: device (lavapipe) wants two per core.
WORKGROUPS_WANTED = 256


def _divisors(bound: int, choices: tuple[int, ...]) -> list[int]:
    return [c for c in choices if c <= bound and bound % c == 0]


def _with(default: tuple[int, ...], updates: dict[int, int]) -> tuple[int, ...]:
    return tuple(updates.get(i, v) for i, v in enumerate(default))


def _roles(kernel: Kernel) -> tuple[int, int, int] | None:
    dims = kernel.dims
    if kernel.kind != "contraction" or not all(dims.get(r) for r in ("m", "n", "k")):
        return None
    return dims["m"][-1], dims["n"][-1], dims["k"][-1]


def _tile_steps(kernel: Kernel, mma: str, wanted: int, d: Mapping[str, tuple[int, ...]]) -> Iterator[tuple[float, tuple[Transform, ...]]]:
    """Joint (workgroup, thread or subgroup, reduction) tiles with their scores, changing the m, n and k
    entries of the tiles `d`."""
    roles = _roles(kernel)
    if roles is None:
        return
    m, n, k = roles
    bm, bn, bk = kernel.loop_bounds[m], kernel.loop_bounds[n], kernel.loop_bounds[k]
    batch = math.prod(kernel.loop_bounds[b] for b in kernel.dims.get("batch", ()))
    ishape = intrinsic_shape(mma) if mma else None
    inner = "subgroup" if ishape else "thread"
    inner_choices = (1, 2, 4, 8) if ishape else (1, 2, 4, 8, 16)
    red_choices = (1, 2, 4) if ishape else (4, 8, 16, 32)
    for wm, wn in itertools.product(_divisors(bm, (16, 32, 64, 128, 256)), _divisors(bn, (16, 32, 64, 128, 256))):
        for tm, tn in itertools.product(inner_choices, inner_choices):
            em, en = (tm * ishape[0], tn * ishape[1]) if ishape else (tm, tn)
            if wm % em or wn % en:
                continue
            for r in red_choices:
                if bk % (r * (ishape[2] if ishape else 1)):
                    continue
                k_elems = r * (ishape[2] if ishape else 1)
                score = _score(wm, wn, em, en, batch * (bm // wm) * (bn // wn), wanted) - 0.25 * abs(math.log2(k_elems / 32))
                yield score, (SetTileSizes("workgroup", _with(d["workgroup"], {m: wm, n: wn})),
                              SetTileSizes(inner, _with(d.get(inner, (0,) * kernel.num_loops), {m: tm, n: tn})),
                              SetTileSizes("reduction", _with(d["reduction"], {k: r})))


def _score(wm: int, wn: int, em: int, en: int, workgroups: int, wanted: int) -> float:
    reg_reuse = em * en / (em + en)
    wg_reuse = wm * wn / (wm + wn)
    fill = min(1.0, workgroups / wanted)
    return math.log2(reg_reuse) + 0.5 * math.log2(wg_reuse) + 2.0 * math.log2(fill)


def gpu_ranked_steps(kernel: Kernel, script: Script, target: str, tried: frozenset[str], n: int) -> list[tuple[float, tuple[Transform, ...]]]:
    """Up to `n` legal, untried joint tile steps from `script`, best score first (then option probes)."""
    k = effective_kernel(kernel, script)
    if gpu_of(k) is None:
        return []
    cfg = script.resolve(k)
    # a codegen script maps threads itself (no MMA intrinsics) and changes its own tiles; IREE's configurations, its defaults
    mma = "" if cfg.scripted else dict(cfg.gpu).get("mma_kind") or default_mma_kind(k)
    base = cfg.tile_map if cfg.scripted else k.default_tiles
    if not {"workgroup", "reduction"} <= set(base):
        return []
    seen = set(tried)
    out: list[tuple[float, tuple[Transform, ...]]] = []
    units = compute_units(make_target(target))
    ranked = sorted(_tile_steps(k, mma, 2 * units if units else WORKGROUPS_WANTED, base), key=lambda x: -x[0])
    shapes: set[tuple[Transform, ...]] = set()
    for score, step in ranked:  # first the best of each (workgroup, thread/subgroup) tile shape
        if step[:2] not in shapes and _take(kernel, script, step, target, seen):
            shapes.add(step[:2])
            out.append((score, step))
            if len(out) >= n:
                break
    for step in _option_probes(kernel, script, target):
        if len(out) < n + 1 and _take(kernel, script, step, target, seen):
            out.append((0.0, step))
    return out


def _take(kernel: Kernel, script: Script, step: tuple[Transform, ...], target: str, seen: set[str]) -> bool:
    """Whether `step` is legal from `script` and reaches an untried configuration (then it is marked tried)."""
    try:
        new = validate_step(kernel, script, step, target)
    except IllegalTransform:
        return False
    key = new.normalized().key(kernel)
    if key in seen:
        return False
    seen.add(key)
    return True


def _option_probes(kernel: Kernel, script: Script, target: str) -> Iterator[tuple[Transform, ...]]:
    """Pipeline options worth one try each: prefetching with promoted operands, bank-conflict padding."""
    names = {sp.name for sp in move_spaces(kernel, script, target) if sp.op == "gpu"}
    if "prefetch_num_stages" in names:
        yield (SetGpuOption("promote_operands", "0,1"), SetGpuOption("prefetch_num_stages", "2"))
        yield (SetGpuOption("promote_operands", "0,1"), SetGpuOption("prefetch_num_stages", "3"))
    if "bank_conflict_padding" in names:
        yield (SetGpuOption("bank_conflict_padding", "on"),)


__all__ = ["WORKGROUPS_WANTED", "gpu_ranked_steps"]
