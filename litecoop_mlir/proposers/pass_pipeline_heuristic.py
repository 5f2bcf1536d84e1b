"""Offline pipeline proposals: a prior over the searched moves read from the dispatch graph,
and random legal moves.

The prior follows where the time is: packing (data tiling) where contractions dominate, then
IREE's mmt4d microkernels on top of it; where convolutions do, channels-last first (a no-op on
NHWC convolutions; on the NCHW resnet_nchw it was the largest win measured: 29.9 -> 2.9 ms at the
pipeline level, im2col 8.0 ms), then moving the transposes it leaves through the convolutions
(on resnet_nchw that made it 184 ms: the search has to measure it), then im2col; padding where a
contraction's loops do not divide by the vector-friendly 16; fusion options where many
dispatches pass tensors along; operand transposes and generalization as cheaper probes.
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
    for n in graph:
        if n.get("root") == "contraction":
            dims = [int(d) for d in str(n.get("loops", "")).split("x") if d.isdigit()]
            if any(d % 16 for d in dims[-3:]):
                return True
    return False


def prior(move: PipelineMove, request: PipelineRequest) -> float:
    """How promising `move` looks from the current pipeline (a guess, not a measurement)."""
    sh, graph = _shares(request.graph), request.graph
    contraction, conv, reduction = sh.get("contraction", 0.0), sh.get("convolution", 0.0), sh.get("reduction", 0.0)
    opts = dict(request.current.options)
    channels_last = any(p.name == "iree-preprocessing-convert-conv-to-channels-last" for p in request.current.passes)
    many = len(graph) >= 3
    table = {
        ("set", "iree-opt-data-tiling"): 2.0 * contraction,
        ("set", "iree-llvmcpu-enable-ukernels"): 1.2 if opts.get("iree-opt-data-tiling") == "true" else 0.05,
        ("set", "iree-global-opt-use-im2col-for-convs"): 2.0 * conv,
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
        ("add", "iree-preprocessing-convert-conv-to-channels-last"): 2.5 * conv,
        ("set", "iree-global-opt-propagate-transposes-through-conv"): (2.2 if channels_last else 0.1) * conv,
        ("set", "iree-global-opt-enable-sink-transpose-through-pad"): (0.5 if channels_last else 0.05) * conv,
        ("add", "iree-preprocessing-convert-1x1-filter-conv2d-to-matmul"): 0.3 * conv,
    }
    return table.get((move.op, move.name), 0.1)


def _untried(request: PipelineRequest) -> list[PipelineMove]:
    tried = {d for d, _, _ in request.tried}
    return [m for m in request.legal if m.apply(request.current).describe() not in tried]


def ranked_moves(request: PipelineRequest) -> list[PipelineMove]:
    """The untried moves from the current pipeline, best prior first."""
    return sorted(_untried(request), key=lambda m: -prior(m, request))


def heuristic_pipeline(request: PipelineRequest) -> PipelineProposal:
    """The untried single moves from the current pipeline, best prior first."""
    moves = ranked_moves(request)[: request.steps_wanted]
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
