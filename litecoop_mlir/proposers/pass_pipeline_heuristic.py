"""Offline pipeline proposals: a prior over the searched moves read from the dispatch graph,
and random legal moves.

The prior follows where the time is: packing (data tiling) where contractions dominate, then
IREE's mmt4d microkernels on top of it; where convolutions do, channels-last first (a no-op on
NHWC convolutions; on the NCHW resnet_nchw it was the largest win measured: 29.9 -> 2.9 ms at the
pipeline level, im2col 8.0 ms), then moving the transposes it leaves through the convolutions
(on resnet_nchw that made it 184 ms: the search has to measure it), then im2col; padding where a
contraction's loops do not divide by the vector-friendly 16; fusion options where many
dispatches pass tensors along; operand transposes and generalization as cheaper probes.

The layout moves reach every convolution of the source, also the 1x1 ones IREE turns into
contractions before the graph is read: on mobilenet_dw the graph shows 11% of the flops in
convolutions, the source 11 of 12 contracting ops as NCHW convolutions (channels-last alone
x1.43, with data tiling x2.04 at the pipeline level). A round proposes one variant per pass:
pad sizes 16, 8 and 32 in one round would spend it on one idea.
"""

from __future__ import annotations

import random
from typing import Any

from litecoop_mlir.proposers.pass_pipeline_request import PipelineProposal, PipelineRequest
from litecoop_mlir.space.pass_pipelines import PipelineMove
from litecoop_mlir.space.vocabulary import IllegalTransform


def _shares(graph: list[dict[str, Any]]) -> dict[str, float]:
    """Share per root kind: of the measured time where the graph has it, else of the flops."""
    def share(n: dict[str, Any]) -> float:
        return float(n.get("time_share", n.get("flops_share")) or 0)

    total = sum(share(n) for n in graph)
    out: dict[str, float] = {}
    for n in graph:
        s = share(n) / total if total > 0 else 1.0 / max(1, len(graph))
        out[str(n.get("root"))] = out.get(str(n.get("root")), 0.0) + s
    return out


def _unaligned(graph: list[dict[str, Any]]) -> bool:
    """Whether a contraction's M, N or K (else, without them, one of its last three loops) does not divide by 16."""
    for n in graph:
        if n.get("root") == "contraction":
            dims = [int(d) for d in str(n.get("mnk") or n.get("loops", "")).split("x") if d.isdigit()]
            if any(d % 16 for d in dims[-3:]):
                return True
    return False


_CONTRACTING = ("conv_", "depthwise_conv_", "matmul", "batch_matmul", "mmt4d", "matvec", "vecmat", "batch_mmt4d")


def _source_share(request: PipelineRequest, conv_kind: str) -> float:
    """The share of the input's contracting named ops that are convolutions of `conv_kind`
    (`nchw`: channels-first, depthwise included; `im2col`: the non-depthwise ones IREE's im2col rewrites)."""
    ops = {k: v for k, v in request.source_ops if k.startswith(_CONTRACTING)}
    total = sum(ops.values())
    if conv_kind == "nchw":
        hit = sum(v for k, v in ops.items() if k.startswith(("conv_", "depthwise_conv_")) and "nchw" in k)
    else:
        hit = sum(v for k, v in ops.items() if k.startswith("conv_"))
    return hit / total if total else 0.0


def prior(move: PipelineMove, request: PipelineRequest) -> float:
    """How promising `move` looks from the current pipeline (a guess, not a measurement)."""
    sh, graph = _shares(request.graph), request.graph
    contraction, conv, reduction = sh.get("contraction", 0.0), sh.get("convolution", 0.0), sh.get("reduction", 0.0)
    # the layout moves reach every convolution of the source, also the 1x1 ones IREE made contractions
    nchw, im2col = max(conv, _source_share(request, "nchw")), max(conv, _source_share(request, "im2col"))
    opts = dict(request.current.options)
    channels_last = any(p.name == "iree-preprocessing-convert-conv-to-channels-last" for p in request.current.passes)
    many = len(graph) >= 3
    table = {
        ("set", "iree-opt-data-tiling"): 2.0 * contraction,
        ("set", "iree-llvmcpu-enable-ukernels"): 1.2 if opts.get("iree-opt-data-tiling") == "true" else 0.05,
        ("set", "iree-global-opt-use-im2col-for-convs"): 2.0 * im2col,
        ("add", "iree-preprocessing-pad-linalg-ops"): (1.5 if _unaligned(graph) else 0.15) * (1.0 if dict(move.options).get("pad-size") == "16" else 0.5),
        ("set", "iree-dispatch-creation-enable-aggressive-fusion"): 0.6 if many else 0.2,
        ("set", "iree-dispatch-creation-fuse-multi-use"): 0.5 if many else 0.15,
        ("add", "iree-preprocessing-transpose-matmul-pass"): 0.45 * contraction,
        ("set", "iree-opt-generalize-matmul"): 0.3 * contraction,
        ("add", "iree-preprocessing-generalize-linalg-matmul-experimental"): 0.2 * contraction,
        ("set", "iree-dispatch-creation-enable-split-reduction"): 0.4 * reduction,
        ("add", "iree-global-opt-raise-special-ops"): 0.3 * reduction,
        ("set", "iree-dispatch-creation-enable-fuse-horizontal-contractions"): 0.25 if many else 0.05,
        ("set", "iree-dispatch-creation-enable-aggressive-reshape-movement"): 0.2 if many else 0.05,
        ("set", "iree-opt-aggressively-propagate-transposes"): 0.2 if many else 0.05,
        ("add", "iree-preprocessing-convert-conv-to-channels-last"): 2.5 * nchw,
        ("set", "iree-global-opt-propagate-transposes-through-conv"): (2.2 if channels_last else 0.1) * nchw,
        ("set", "iree-global-opt-enable-sink-transpose-through-pad"): (0.5 if channels_last else 0.05) * nchw,
        ("add", "iree-preprocessing-convert-1x1-filter-conv2d-to-matmul"): 0.3 * conv,
    }
    return table.get((move.op, move.name), 0.1)


def _untried(request: PipelineRequest) -> list[PipelineMove]:
    tried = {d for d, _, _ in request.tried}
    return [m for m in request.legal if m.apply(request.current).describe() not in tried]


def ranked_moves(request: PipelineRequest) -> list[PipelineMove]:
    """The untried moves from the current pipeline, best prior first."""
    return sorted(_untried(request), key=lambda m: -prior(m, request))


def round_moves(request: PipelineRequest, n: int) -> tuple[PipelineMove, ...]:
    """The `n` best untried moves, one per pass or option while others are left: a round of
    pad-size 16, 8 and 32 would spend the round on one idea."""
    ranked = ranked_moves(request)
    first, seen = [], set()
    for m in ranked:
        if m.name not in seen:
            seen.add(m.name)
            first.append(m)
    return tuple([*first, *(m for m in ranked if m not in first)][:n])


def heuristic_pipeline(request: PipelineRequest) -> PipelineProposal:
    """The untried single moves from the current pipeline, best prior first, one per pass."""
    moves = round_moves(request, request.steps_wanted)
    if not moves:
        raise IllegalTransform("no untried pipeline move is left from this pipeline")
    why = "; ".join(f"{m.text()} (prior {prior(m, request):.2f})" for m in moves)
    return PipelineProposal(tuple((m,) for m in moves), None, f"by where the time is: {why}")


def random_pipeline(request: PipelineRequest) -> PipelineProposal:
    rng = random.Random(request.seed)
    moves = _untried(request)
    rng.shuffle(moves)
    if not moves:
        raise IllegalTransform("no untried pipeline move is left from this pipeline")
    nxt = rng.choice(request.roster_names) if request.roster else None
    return PipelineProposal(tuple((m,) for m in moves[: request.steps_wanted]), nxt, "random legal pipeline moves")
