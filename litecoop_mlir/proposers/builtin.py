"""Built-in offline proposers: a shape-aware heuristic one and a random one (zero cost).

The heuristic proposer ranks moves with a small analytical model of the CPU: the register
tile of a contraction-like kernel (accumulators m x n/lanes plus operand registers within
the register file, arithmetic intensity per load), the reduction unroll, and the working
set of the outer tile against the L2 size. For other kernels it walks single-loop
neighbours of the current configuration, preferring vector tiles that fill a few whole
SIMD registers, and the flags the notes show to matter for that kind of kernel.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Iterable, Iterator

from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.proposers.base import OfflineProposer
from litecoop_mlir.proposers.gpu_heuristic import gpu_ranked_steps
from litecoop_mlir.proposers.pass_pipeline_heuristic import heuristic_pipeline, random_pipeline
from litecoop_mlir.proposers.pass_pipeline_request import PipelineProposal, PipelineRequest
from litecoop_mlir.proposers.proposal import Proposal, Step
from litecoop_mlir.proposers.request import NodeView, ProposalRequest
from litecoop_mlir.space.legality import validate_step
from litecoop_mlir.space.moves import legal_moves, sample_move, script_conversion
from litecoop_mlir.space.script import KernelConfig, Script, effective_kernel
from litecoop_mlir.space.script_knobs import knob_applies, partial_tiles, ragged_register_dims
from litecoop_mlir.space.vocabulary import IllegalTransform, SetCodegenMode, SetFlag, SetOption, SetScriptKnob, SetTileSizes, Transform
from litecoop_mlir.targets.machine import MachineModel
from litecoop_mlir.targets.strategy import configured_for, strategy_for
from litecoop_mlir.targets.tile_rules import element_bytes

#: Relative value of the reduction unroll (vector_reduction on K): 4 was best on AVX2 and AVX-512 hosts.
_K_FACTOR = {1: 0.85, 2: 0.93, 4: 1.0, 8: 0.97, 16: 0.9, 32: 0.8}


@dataclass(frozen=True)
class Roles:
    """Which loops play M, N, K for a contraction-like kernel (None if absent)."""

    m: int | None
    n: int | None
    k: int | None


def roles(kernel: Kernel) -> Roles | None:
    """M/N/K loops of a contraction, or output-width / channel / input-channel of a convolution."""
    d = kernel.dims
    if kernel.kind == "contraction" and d.get("m") and d.get("n"):
        return Roles(d["m"][-1], d["n"][-1], d["k"][-1] if d.get("k") else None)
    if kernel.kind == "convolution" and d.get("output_image"):
        n = (d.get("output_channel") or d.get("depth") or (None,))[-1]
        k = d["input_channel"][-1] if d.get("input_channel") else None
        if n is not None:
            return Roles(d["output_image"][-1], n, k)
    return None


def _lanes(kernel: Kernel, machine: MachineModel) -> int:
    return machine.lanes(element_bytes(kernel))


def _at(v: tuple[int, ...], i: int | None, default: int = 0) -> int:
    return v[i] if i is not None and i < len(v) else default


def estimate(kernel: Kernel, cfg: KernelConfig, machine: MachineModel) -> float:
    """Relative throughput of `cfg` (higher is better; only the ranking matters)."""
    flags = dict(cfg.flags)
    tiles = cfg.tile_map
    lanes = _lanes(kernel, machine)
    r = roles(kernel)
    vcp = tiles.get("vector_common_parallel", ())
    vr = tiles.get("vector_reduction", ())
    if r is not None:
        if flags.get("data_tiling") == "true":
            return 1.30 if flags.get("ukernels") in (None, "mmt4d", "all") else 1.25
        score = _register_tile_score(kernel, r, vcp, vr, lanes, machine)
        score *= _outer_tile_factor(kernel, r, tiles, machine)
        k_tile, k_bound = _at(vr, r.k), (kernel.loop_bounds[r.k] if r.k is not None else 0)
        if k_tile and k_bound and k_bound % k_tile:  # no static reduction tile: every step masked (padded) or scalar
            score *= 0.8
        if _needs_peeling(kernel, r, tiles):  # remainder tiles: peeled (scalar, or padded in a script) or masked throughout
            score *= 0.95 if _peeling(cfg) else 0.9
        if flags.get("im2col") == "true":
            score = max(score, 0.9)
    elif cfg.scripted and kernel.kind == "reduction":
        score = _row_script_score(kernel, tiles, lanes, machine)
    else:
        score = _vector_fill_score(kernel, vcp, vr, lanes)
        if kernel.kind == "reduction" and flags.get("reassociate_fp") == "true":
            score *= 1.2
        dist = tiles.get("distribution", ())
        rows = math.prod(x for x in dist if x) if any(dist) else 0
        if rows:  # outer tiles of a few KB to a few hundred KB amortise loop overhead
            row_bytes = math.prod(b for b, it in zip(kernel.loop_bounds, kernel.iterator_types) if it == "reduction") or 1
            ws = rows * row_bytes * element_bytes(kernel)
            score *= 1.0 if 4096 <= ws <= machine.l2_bytes else 0.9
    for name in ("loop_unrolling", "slp_vectorization"):
        if flags.get(name) == "false":
            score *= 0.9
    if flags.get("vector_width") and flags["vector_width"] != str(machine.native_vector_bytes):
        score *= 0.85
    return score


def _register_tile_score(kernel: Kernel, r: Roles, vcp: tuple[int, ...], vr: tuple[int, ...], lanes: int, machine: MachineModel) -> float:
    m, n = max(_at(vcp, r.m), 1), max(_at(vcp, r.n), 1)
    others = math.prod(max(v, 1) for i, v in enumerate(vcp) if i not in (r.m, r.n) and kernel.iterator_types[i] == "parallel")
    acc_rows = m * others
    nv = math.ceil(n / lanes)
    regs = acc_rows * nv + nv + 1
    intensity = acc_rows * nv / (acc_rows + nv)
    if regs > machine.vector_registers:
        intensity *= 0.3  # spills
    if n % lanes and kernel.loop_bounds[r.n] >= lanes:
        intensity *= 0.5  # partial registers
    k = _at(vr, r.k, 1) if r.k is not None else 1
    return intensity * _K_FACTOR.get(k, 0.8)


def _outer_tile_factor(kernel: Kernel, r: Roles, tiles: dict[str, tuple[int, ...]], machine: MachineModel) -> float:
    dist = tiles.get("distribution", ())
    dm, dn = _at(dist, r.m) or kernel.loop_bounds[r.m], _at(dist, r.n) or kernel.loop_bounds[r.n]
    kb = kernel.loop_bounds[r.k] if r.k is not None else 1
    ws = (dm * kb + kb * dn + dm * dn) * element_bytes(kernel)
    f = 1.0 if ws <= machine.l2_bytes else 0.85
    if dm * dn < 256:
        f *= 0.9
    return f


def _needs_peeling(kernel: Kernel, r: Roles, tiles: dict[str, tuple[int, ...]]) -> bool:
    outer = tiles.get("cache_parallel") or tiles.get("distribution") or ()
    ragged = ragged_register_dims(kernel, tuple(outer), tuple(tiles.get("vector_common_parallel", ())))
    return r.m in ragged or r.n in ragged  # the last, partial outer tile counts too


def _padding(kernel: Kernel, cur: KernelConfig, tiles: dict[str, tuple[int, ...]]) -> tuple[Transform, ...]:
    """On a script node, the pad knob where the tiles leave partial tiles a script vectorizes only padded."""
    if cur.scripted and knob_applies(kernel, "pad") and dict(cur.knobs).get("pad") != "on" and partial_tiles(kernel, tiles):
        return (SetScriptKnob("pad", "on"),)
    return ()


def _row_script_score(kernel: Kernel, tiles: dict[str, tuple[int, ...]], lanes: int, machine: MachineModel) -> float:
    """A row-reduction script: enough independent partial accumulators to hide the add latency
    (about 8 registers), and workgroup rows that stay in L1 across the chain's passes over them."""
    n = kernel.num_loops
    rows = math.prod(max(_at(tiles.get("vector_common_parallel", ()), i), 1) for i in range(n - 1))
    width = _at(tiles.get("vector_reduction", ()), n - 1, lanes)
    chains = rows * max(width // lanes, 1)
    s = min(chains, 8) / 8 * (0.9 if chains > 12 else 1.0)
    dist = tiles.get("distribution", ())
    wg_rows = math.prod(max(_at(dist, i), 1) for i in range(n - 1))
    ws = wg_rows * kernel.loop_bounds[n - 1] * element_bytes(kernel)
    s *= 1.0 if ws <= machine.l1_bytes else 0.9 if ws <= machine.l2_bytes else 0.75
    return s


def _vector_fill_score(kernel: Kernel, vcp: tuple[int, ...], vr: tuple[int, ...], lanes: int) -> float:
    """Prefer vector tiles that fill 2-8 whole SIMD registers along the contiguous loop."""
    n = kernel.num_loops
    shape = [max(_at(vcp, i), _at(vr, i), 1) for i in range(n)]
    elems = math.prod(shape)
    inner = shape[-1]
    regs = elems / lanes
    s = 1.0
    if inner % lanes and kernel.loop_bounds[-1] >= lanes:
        s *= 0.6
    if regs < 2:
        s *= 0.8
    elif regs > 12:
        s *= 0.75
    return s


# ---------------------------------------------------------------------------------------
# Move generation
# ---------------------------------------------------------------------------------------


def _with(sizes: tuple[int, ...], **at: int) -> tuple[int, ...]:
    out = list(sizes)
    for i, v in at.items():
        out[int(i[1:])] = v
    return tuple(out)


def _set(level: str, cur: KernelConfig, kernel: Kernel, **at: int) -> SetTileSizes:
    base = cur.tile_map.get(level) or (0,) * kernel.num_loops
    return SetTileSizes(level, _with(base, **at))


def _contraction_moves(kernel: Kernel, r: Roles, cur: KernelConfig, machine: MachineModel) -> Iterator[tuple[Transform, ...]]:
    lanes = _lanes(kernel, machine)
    bm, bn = kernel.loop_bounds[r.m], kernel.loop_bounds[r.n]
    k_opts = [k for k in (1, 2, 4, 8, 16) if r.k is not None and k <= kernel.loop_bounds[r.k]] or [0]
    for nv in (1, 2, 4):
        n = min(nv * lanes, bn)
        for m in range(1, machine.vector_registers):
            if m > bm or (m * nv + nv + 1) > machine.vector_registers:
                continue
            vcp = _set("vector_common_parallel", cur, kernel, **{f"d{r.m}": m, f"d{r.n}": n})
            for outer in _fitting_outer_tiles(kernel, r, cur, m, n):
                tiles = {**cur.tile_map, vcp.level: vcp.sizes, **{t.level: t.sizes for t in outer}}
                peel: tuple[Transform, ...] = ()
                if not _peeling(cur) and _needs_peeling(kernel, r, tiles):
                    peel = (_peel(cur),)
                pad = _padding(kernel, cur, tiles)
                for k in k_opts:
                    red = () if r.k is None else (_set("vector_reduction", cur, kernel, **{f"d{r.k}": k}),)
                    yield (vcp, *red, *outer, *peel, *pad)
                    if not peel and outer and not _peeling(cur):  # outer tiles that need it
                        yield (vcp, *red, *outer, _peel(cur), *pad)
    for dm in (8, 16, 32, 64, 128, 256):
        for dn in (16, 32, 64, 128, 256):
            if dm <= bm and dn <= bn:
                at = {f"d{r.m}": dm, f"d{r.n}": dn}
                moves: tuple[Transform, ...] = (_set("distribution", cur, kernel, **at),)
                if "cache_parallel" in cur.tile_map:
                    moves += (_set("cache_parallel", cur, kernel, **at),)
                yield moves + _padding(kernel, cur, {**cur.tile_map, **{t.level: t.sizes for t in moves}})


def _peeling(cur: KernelConfig) -> bool:
    return dict(cur.knobs).get("peel") == "on" if cur.scripted else "enable_loop_peeling" in cur.options


def _peel(cur: KernelConfig) -> Transform:
    """Loop peeling: a script knob on a script node, a translation option elsewhere."""
    return SetScriptKnob("peel", "on") if cur.scripted else SetOption("enable_loop_peeling", True)


def _fitting_outer_tiles(kernel: Kernel, r: Roles, cur: KernelConfig, m: int, n: int) -> Iterator[tuple[Transform, ...]]:
    """The current outer tiles, and where they are not multiples of the register tile m x n,
    the nearest multiples of it (preferring ones that divide the loop bound), so that the
    register tile fits its enclosing tile whole."""
    yield ()
    outer = cur.tile_map.get("cache_parallel") or cur.tile_map.get("distribution")
    if not outer:
        return
    dm, dn = _at(outer, r.m) or kernel.loop_bounds[r.m], _at(outer, r.n) or kernel.loop_bounds[r.n]
    fm, fn = _nearest_multiple(dm, m, kernel.loop_bounds[r.m]), _nearest_multiple(dn, n, kernel.loop_bounds[r.n])
    if (fm, fn) == (dm, dn):
        return
    at = {f"d{r.m}": fm, f"d{r.n}": fn}
    moves: tuple[Transform, ...] = (_set("distribution", cur, kernel, **at),)
    if "cache_parallel" in cur.tile_map:
        moves += (_set("cache_parallel", cur, kernel, **at),)
    yield moves


def _nearest_multiple(tile: int, step: int, bound: int) -> int:
    """The multiple of `step` nearest `tile` within `bound`, preferring those that divide `bound`."""
    options = [v for v in range(step, bound + 1, step)] or [step]
    dividing = [v for v in options if bound % v == 0]
    return min(dividing or options, key=lambda v: (abs(v - tile), v))


def _row_script_moves(kernel: Kernel, cur: KernelConfig, machine: MachineModel) -> Iterator[tuple[Transform, ...]]:
    """Joint steps of a row-reduction script: workgroup rows, register rows and the width of the
    partial accumulators move together (each bounds the next)."""
    if not cur.scripted or kernel.kind != "reduction" or kernel.num_loops < 2:
        return
    n, lanes = kernel.num_loops, _lanes(kernel, machine)
    row, bound = n - 2, kernel.loop_bounds[n - 2]
    for d in (1, 2, 4, 8, 16, 32, 64):
        for r in (1, 2, 4, 8):
            for nv in (1, 2, 4):
                if r > d or d % r or (bound and bound % d) or kernel.loop_bounds[n - 1] % (nv * lanes):
                    continue
                yield (_set("distribution", cur, kernel, **{f"d{row}": d}), _set("vector_common_parallel", cur, kernel, **{f"d{row}": r}),
                       _set("vector_reduction", cur, kernel, **{f"d{n - 1}": nv * lanes}))


def _neighbour_moves(kernel: Kernel, cur: KernelConfig, machine: MachineModel) -> Iterator[tuple[Transform, ...]]:
    lanes = _lanes(kernel, machine)
    for level in ("vector_common_parallel", "vector_reduction", "distribution"):
        sizes = cur.tile_map.get(level)
        if not sizes:
            continue
        for i, s in enumerate(sizes):
            if not s:
                continue
            for v in {s * 2, s // 2, s * 4, s // 4, lanes, 2 * lanes, 4 * lanes}:
                if 1 <= v <= (kernel.loop_bounds[i] or v) and v != s:
                    yield (_set(level, cur, kernel, **{f"d{i}": v}),)


def class_flag_steps(kernel: Kernel) -> tuple[tuple[Transform, ...], ...]:
    """Module-wide flags that transform a whole class of kernels, worth one candidate each early:
    data tiling (+ the mmt4d ukernel) for contractions, whose awkward shapes IREE O3 leaves at a
    few GFLOP/s; im2col for convolutions, which turns them into a matmul."""
    if kernel.kind == "contraction":
        return ((SetFlag("data_tiling", "true"), SetFlag("ukernels", "mmt4d")), (SetFlag("data_tiling", "true"),))
    if kernel.kind == "convolution":
        return ((SetFlag("im2col", "true"),),)
    return ()


#: Script knob values worth one candidate each once a node is a script (the others are its
#: defaults, or known to lose: no hoisting spills the accumulator to memory every step).
_SCRIPT_PROBES = (("unroll_reduction", "2"), ("lowering", "dot"), ("fuse_consumer", "workgroup"), ("unroll_reduction", "4"))


def script_steps(kernel: Kernel, script: Script, codegen: str = "both") -> tuple[tuple[Transform, ...], ...]:
    """Script moves worth one candidate each, where the tree has not tiled yet: converting a node
    configured by module-wide flags only to its codegen script (IREE's configuration as a script),
    and on a script node whose script only set knobs since, the knobs above."""
    if codegen == "attributes":
        return ()
    ts = script.transforms
    at = next((i for i, t in enumerate(ts) if isinstance(t, SetCodegenMode)), None)
    if at is None:
        return () if script.changes_codegen() else (script_conversion(kernel),)
    if not all(isinstance(t, (SetScriptKnob, SetCodegenMode)) for t in ts[at:]):
        return ()
    knobs = dict(script.resolve(kernel).knobs)
    return tuple((SetScriptKnob(n, v),) for n, v in _SCRIPT_PROBES if n in knobs and knobs[n] != v)


def _flag_moves(kernel: Kernel) -> Iterator[tuple[Transform, ...]]:
    yield from class_flag_steps(kernel)
    if kernel.kind == "contraction":
        yield (SetFlag("data_tiling", "true"), SetFlag("demote_contractions", "bf16"))  # trades error for speed
    yield (SetFlag("reassociate_fp", "true"),)
    yield (SetFlag("loop_unrolling", "true"),)
    yield (SetOption("enable_loop_peeling", True),)


def candidate_moves(kernel: Kernel, cur: KernelConfig, machine: MachineModel) -> Iterator[tuple[Transform, ...]]:
    r = roles(kernel)
    if r is not None:
        yield from _contraction_moves(kernel, r, cur, machine)
    yield from _row_script_moves(kernel, cur, machine)
    yield from _neighbour_moves(kernel, cur, machine)
    yield from _flag_moves(kernel)


def ranked_steps(kernel: Kernel, script: Script, target: str, machine: MachineModel, tried: Iterable[str] = ()) -> list[tuple[float, Script, tuple[Transform, ...]]]:
    """Legal, untried steps from `script`, best estimate first: (estimate, new script, transforms).
    After a reshaping flag the moves and the estimate are those of the dispatch it made."""
    seen = set(tried)
    k = effective_kernel(kernel, script)
    out = []
    for new, moves in _legal_new(kernel, script, target, machine, candidate_moves(k, script.resolve(k), machine), seen):
        nk = effective_kernel(kernel, new)
        out.append((estimate(nk, new.resolve(nk), machine), new, moves))
    out.sort(key=lambda x: -x[0])
    return out


def _legal_new(kernel: Kernel, script: Script, target: str, machine: MachineModel,
               candidates: Iterable[tuple[Transform, ...]], seen: set[str]) -> Iterator[tuple[Script, tuple[Transform, ...]]]:
    """The candidates that are legal after `script` and reach a configuration not in `seen` (updated)."""
    cur = script.resolve(effective_kernel(kernel, script))
    for moves in candidates:
        moves = tuple(t for t in moves if not (isinstance(t, SetTileSizes) and cur.tile_map.get(t.level) == t.sizes))
        if not moves:
            continue
        try:
            new = validate_step(kernel, script, moves, target, machine)
        except IllegalTransform:
            continue
        key = new.key(kernel)
        if key in seen:
            continue
        seen.add(key)
        yield new, moves


def probe_steps(kernel: Kernel, script: Script, target: str, machine: MachineModel, tried: Iterable[str] = (),
                codegen: str = "both") -> list[tuple[Transform, ...]]:
    """The class flags (`class_flag_steps`) and script moves (`script_steps`) not yet tried from
    `script`, where they are still legal."""
    steps = (*class_flag_steps(kernel), *script_steps(effective_kernel(kernel, script), script, codegen))
    return [moves for _, moves in _legal_new(kernel, script, target, machine, steps, set(tried))]


def untried_moves(kernel: Kernel, script: Script, target: str, machine: MachineModel, tried: Iterable[str], n: int) -> list[tuple[Transform, ...]]:
    """Up to `n` single legal moves from `script` to configurations not in `tried`, by exhaustive
    enumeration (flags and options first): what a proposer falls back on when it runs dry, so a
    search never stops while a legal move is left untried."""
    seen = set(tried)
    moves = sorted(legal_moves(kernel, script, target, machine=machine), key=lambda t: _FALLBACK_ORDER.get(t.op, 9))
    out: list[tuple[Transform, ...]] = []
    for _, step in _legal_new(kernel, script, target, machine, ((t,) for t in moves), seen):
        out.append(step)
        if len(out) >= n:
            break
    return out


_FALLBACK_ORDER = {"flag": 0, "option": 1, "pipeline": 2, "tile": 3, "workgroup_size": 4}


def _diverse(steps: list[tuple[float, Script, tuple[Transform, ...]]], n: int) -> list[tuple[float, Script, tuple[Transform, ...]]]:
    """The best `n` steps, preferring ones that do not share their first transform with a better one."""
    firsts: set[Transform] = set()
    first_pass, rest = [], []
    for s in steps:
        (rest if s[2][0] in firsts else first_pass).append(s)
        firsts.add(s[2][0])
    return (first_pass + rest)[:n]


#: A child whose kernel-class flag made it this much faster than its parent is where tiles go next.
_CLEAR_WIN = 1.25


def _reshaping_winner(request: ProposalRequest) -> NodeView | None:
    """The fastest child of the node that only added module-wide flags reshaping the kernel
    (im2col, data tiling) and beat the node clearly; its flags become the parent of new tiles."""
    node, script = request.node, request.node.script
    best = None
    for c in request.children:
        if c.status != "ok" or c.latency_ms is None or node.latency_ms is None or c.script.reshaping_flag() is None:
            continue
        added = c.script.transforms[len(script):]
        if c.script.transforms[:len(script)] != script.transforms or not all(isinstance(t, SetFlag) for t in added):
            continue
        if c.latency_ms * _CLEAR_WIN <= node.latency_ms and (best is None or c.latency_ms < best.latency_ms):
            best = c
    return best


class HeuristicProposer(OfflineProposer):
    """Proposes the untried steps its CPU model ranks best; hands over when it runs dry."""

    def suggest(self, request: ProposalRequest) -> Proposal:
        models = {"cpu": self._suggest_cpu, "gpu": self._suggest_gpu}  # by the strategy's `heuristic`
        model = models.get(configured_for(request.kernel).heuristic)
        if model is None or not strategy_for(request.target).heuristic:
            return RandomProposer().suggest(request)
        return model(request)

    def _suggest_cpu(self, request: ProposalRequest) -> Proposal:
        """Kernel-class flag and script probes, then register tiles the CPU cost model ranks best."""
        k, m, script = request.kernel, request.machine, request.node.script
        winner = _reshaping_winner(request)
        base = winner.script if winner is not None else script  # keep a winning kernel-class flag as the parent of tiles
        extra = base.transforms[len(script):]
        probes = probe_steps(k, script, request.target, m, request.tried, "attributes")  # kernel-class flags
        probes += [(*extra, *p) for p in probe_steps(k, base, request.target, m, request.tried, request.codegen)
                   if any(t.op in ("codegen", "script") for t in p)]  # scripts, on the winning flags
        probes = probes[: request.steps_wanted]
        tried = set(request.tried) | {script.then(*p).normalized().key(k) for p in probes}
        steps = ranked_steps(k, base, request.target, m, tried)
        chosen = _diverse(steps, request.steps_wanted - len(probes))
        if not chosen and not probes:
            return RandomProposer().suggest(request)
        here_k = effective_kernel(k, script)
        here = estimate(here_k, script.resolve(here_k), m)
        promising = bool(probes) or winner is not None or (bool(chosen) and chosen[0][0] > here * 1.02)
        reasoning = (f"model estimate {here:.2f} here; " + (f"probing {len(probes)} kernel-class flag set(s); " if probes else "")
                     + (f"building on {'; '.join(t.describe() for t in extra)}; " if extra else "")
                     + f"proposing {', '.join(f'{e:.2f}' for e, _, _ in chosen) or 'no tile change'}")
        steps_out = (*probes, *((*extra, *t) for _, _, t in chosen))
        return Proposal(tuple(Step(t) for t in steps_out), self._next(request, promising), reasoning)

    def _suggest_gpu(self, request: ProposalRequest) -> Proposal:
        """The codegen-script probes (converting IREE's configuration, then knobs), then joint GPU tiles
        ranked by the GPU model (litecoop_mlir.proposers.gpu_heuristic) and option probes."""
        k, script = request.kernel, request.node.script
        seen = set(request.tried)
        probes = [p for _, p in _legal_new(k, script, request.target, request.machine,
                                           script_steps(effective_kernel(k, script), script, request.codegen), seen)]
        probes = probes[: request.steps_wanted]
        ranked = gpu_ranked_steps(k, script, request.target, frozenset(seen), request.steps_wanted - len(probes))
        if not ranked and not probes:
            return RandomProposer().suggest(request)
        reasoning = ((f"probing {len(probes)} codegen-script step(s); " if probes else "")
                     + "GPU model (register and workgroup reuse, occupancy): " + ", ".join(f"{s:.2f}" for s, _ in ranked))
        steps = (*probes, *(t for _, t in ranked))[: request.steps_wanted]
        return Proposal(tuple(Step(t) for t in steps), self._next(request, True), reasoning)

    def suggest_pipeline(self, request: PipelineRequest) -> PipelineProposal:
        return heuristic_pipeline(request)

    @staticmethod
    def _next(request: ProposalRequest, promising: bool) -> str:
        """Keep the turn while the model predicts gains; otherwise pass it to the next larger model."""
        names = request.roster_names
        if promising or len(names) < 2:
            return request.model
        by_size = sorted(request.roster, key=lambda r: (r["params_b"], r["usd_per_1k_tokens"]))
        order = [str(r["name"]) for r in by_size if not r.get("down")]
        if request.model in order:
            i = order.index(request.model)
            return order[(i + 1) % len(order)]
        return order[0] if order else request.model


class RandomProposer(OfflineProposer):
    """Draws random legal moves (one or two per step) and a random next model."""

    def suggest_pipeline(self, request: PipelineRequest) -> PipelineProposal:
        return random_pipeline(request)

    def suggest(self, request: ProposalRequest) -> Proposal:
        rng = random.Random(request.seed)
        k = request.kernel
        steps: list[Step] = []
        seen = set(request.tried)
        for _ in range(request.steps_wanted * 10):
            if len(steps) >= request.steps_wanted:
                break
            script, moves = request.node.script, []
            for _ in range(rng.choice((1, 1, 2))):
                t = sample_move(k, script, rng, request.target, machine=request.machine)
                if t is None or (request.codegen == "attributes" and isinstance(t, SetCodegenMode)):
                    break
                script = script.then(t)
                moves.append(t)
            if moves and script.key(k) not in seen:
                seen.add(script.key(k))
                steps.append(Step(tuple(moves)))
        if not steps:  # sampling found nothing new: enumerate what is left
            left = untried_moves(k, request.node.script, request.target, request.machine, seen, request.steps_wanted)
            steps = [Step(t) for t in left]
        if not steps:
            raise IllegalTransform("no untried legal move is left at this node")
        return Proposal(tuple(steps), rng.choice(request.roster_names) if request.roster else request.model, "random legal moves")


BUILTIN_PROPOSERS: dict[str, type[OfflineProposer]] = {"heuristic": HeuristicProposer, "random": RandomProposer}
