"""Pipeline-level turns: what a model is told about a module's pass pipeline, the reply it
gives (moves of the closed set in `litecoop_mlir.space.pass_pipelines`), and how that reply is read.

The context carries the module's dispatch graph (root op, loops, time share, data flow), the
current pipeline as iree-compile flags, every legal move with one line of meaning, what was
tried (pipelines with their latency or failure), the best pipeline, and why moves of the
previous reply were rejected. Replies are parsed into `PipelineMove`s, never executed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from litecoop_mlir.proposers.proposal import InvalidReply, json_object
from litecoop_mlir.space.pass_pipelines import IllegalPipeline, Pipeline, PipelineMove, move_doc, move_from_json

MAX_STEPS = 6

SYSTEM = """\
You choose IREE pass-pipeline edits for a whole MLIR module. The pipeline decides which ops \
fuse into one dispatch, whether operands are packed (data tiling), whether convolutions become \
matmuls, and which preprocessing passes rewrite the module; per-dispatch codegen is tuned \
afterwards, separately. Several models of different size and price take turns; name the model \
(from `models`) that should choose next: cheap models for routine probes, a large one only for \
hard decisions.

Reply with ONE JSON object and nothing else, matching this JSON schema:
{schema}
Example:
{example}
Each step is a list of moves applied together to the current pipeline and gives one candidate. \
Use only moves listed under `legal_moves` (copy op, name, options, value, index). \
`suggested_moves` are a heuristic's guesses from where the time is, not measurements. Do not repeat \
a pipeline listed under `tried`. `feedback` says why moves of your previous reply were rejected."""

_EXAMPLE = {"steps": [[{"op": "set", "name": "iree-opt-data-tiling", "value": "true"}],
                      [{"op": "add", "name": "iree-preprocessing-pad-linalg-ops", "options": {"pad-size": "16"}}]],
            "next_model": "small-model", "reasoning": "contractions hold 90% of the time: pack them; pad unaligned dims"}


@dataclass(frozen=True)
class PipelineRequest:
    """One pipeline-level turn.

    Attributes:
        module / target: the module's name and backend.
        graph: the dispatch graph under the current pipeline (`dispatch_graph.graph_summary`).
        current: the pipeline to edit, with its latency; baseline_ms: IREE's default.
        legal: the moves legal from `current`.
        tried: (pipeline description, latency or None, status) of every pipeline measured.
        best: the best pipeline so far and its latency.
        feedback: why moves of the previous reply were rejected.
        suggested: the offline heuristic's untried moves, best first (estimates, not measurements).
        source_ops: how often each named linalg op occurs in the input module (`ir.workload.named_ops`):
            the layouts the graph no longer shows once IREE turned 1x1 convolutions into matmuls.
    """

    module: str
    target: str
    graph: list[dict[str, Any]]
    current: Pipeline
    current_ms: float | None
    baseline_ms: float
    legal: tuple[PipelineMove, ...]
    model: str
    roster: list[dict[str, Any]]
    budget_left: int
    steps_wanted: int = 3
    tried: tuple[tuple[str, float | None, str], ...] = ()
    best: tuple[Pipeline, float] | None = None
    feedback: tuple[str, ...] = ()
    seed: int = 0
    suggested: tuple[PipelineMove, ...] = ()
    source_ops: tuple[tuple[str, int], ...] = ()

    @property
    def roster_names(self) -> list[str]:
        return [str(r["name"]) for r in self.roster]


@dataclass(frozen=True)
class PipelineProposal:
    steps: tuple[tuple[PipelineMove, ...], ...]
    next_model: str | None = None
    reasoning: str = ""
    rejected: tuple[str, ...] = field(default=())


def reply_schema() -> dict[str, Any]:
    move = {"type": "object",
            "properties": {"op": {"type": "string", "enum": ["add", "drop", "set", "unset"]}, "name": {"type": "string"},
                           "options": {"type": "object", "additionalProperties": {"type": "string"}},
                           "value": {"type": "string"}, "index": {"type": "integer"}},
            "required": ["op", "name"], "additionalProperties": False}
    return {"type": "object",
            "properties": {"steps": {"type": "array", "minItems": 1, "maxItems": MAX_STEPS,
                                     "items": {"type": "array", "minItems": 1, "maxItems": 4, "items": move}},
                           "next_model": {"type": "string"}, "reasoning": {"type": "string"}},
            "required": ["steps", "next_model", "reasoning"], "additionalProperties": False}


def _ms(v: float | None) -> float | None:
    return round(v, 4) if v is not None and v == v else None


def context(request: PipelineRequest) -> dict[str, Any]:
    best = request.best
    return {
        "module": request.module, "target": request.target,
        "source_named_ops": dict(request.source_ops),
        "dispatch_graph": request.graph,
        "baseline_ms (IREE default)": _ms(request.baseline_ms),
        "current_pipeline": {"flags": list(request.current.flags()), "latency_ms": _ms(request.current_ms)},
        "legal_moves": [{**m.to_json(), "meaning": move_doc(m)} for m in request.legal],
        "suggested_moves": [m.to_json() for m in request.suggested],
        "tried": [{"pipeline": d, "latency_ms": _ms(ms), "status": s} for d, ms, s in request.tried],
        "best": {"pipeline": best[0].describe(), "latency_ms": _ms(best[1])} if best else None,
        "feedback": list(request.feedback),
        "models": request.roster, "budget_left": request.budget_left,
    }


def render_messages(request: PipelineRequest) -> list[dict[str, str]]:
    system = SYSTEM.format(schema=json.dumps(reply_schema(), separators=(",", ":")),
                           example=json.dumps(_EXAMPLE, separators=(",", ":")))
    user = (f"Propose {request.steps_wanted} step(s) for the current pipeline.\n<context>\n"
            f"{json.dumps(context(request), indent=1)}\n</context>")
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def corrective_message(reason: str) -> dict[str, str]:
    return {"role": "user", "content": f"Your reply was rejected: {reason[:600]}\nReply again with one JSON object only, "
                                       f"matching: {json.dumps(reply_schema(), separators=(',', ':'))}"}


def parse_reply(text: str, request: PipelineRequest) -> PipelineProposal:
    """Read a reply into legal moves; a step with a move that is not listed is dropped, with the reason kept."""
    data = json_object(text)
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise InvalidReply("the reply must be an object with a 'steps' list")
    legal = {json.dumps(m.to_json(), sort_keys=True) for m in request.legal}
    steps, rejected = [], []
    for i, raw in enumerate(data["steps"][:MAX_STEPS], 1):
        try:
            moves = tuple(move_from_json(m) for m in (raw if isinstance(raw, list) else [raw]))
        except (IllegalPipeline, ValueError) as exc:
            rejected.append(f"step {i}: {exc}")
            continue
        bad = [m.text() for m in moves if json.dumps(m.to_json(), sort_keys=True) not in legal]
        if bad:
            rejected.append(f"step {i}: not a listed legal move: {', '.join(bad)}")
            continue
        steps.append(moves)
    if not steps:
        raise InvalidReply("no usable step: " + "; ".join(rejected or ["empty steps"]))
    nxt = data.get("next_model")
    return PipelineProposal(tuple(steps), nxt if nxt in request.roster_names else None,
                            str(data.get("reasoning") or "")[:2000], tuple(rejected))
