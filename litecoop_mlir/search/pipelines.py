"""The pipeline level of a module's search tree: nodes are pass pipelines, edges pipeline moves.

Each node's pipeline is compiled with the whole module, its numbers checked against IREE's
default and its latency measured (one candidate of the budget); its dispatch set is read
from IREE (count, fingerprints, the dispatch graph models see). Selection is the same
LLM-aware UCT as the codegen trees (reward: baseline time over the node's time), and the
model that expands a node names the model for its children. The level spends its budget in
rounds and stops when a round no longer improves the best pipeline by `min_gain` (or its cap
is spent): what is left goes to the per-dispatch codegen subtrees under the best pipeline,
where the profile says the time is.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from litecoop_mlir.dispatch_graph import graph_summary
from litecoop_mlir.errors import InputError
from litecoop_mlir.iree.runner import benchmark_interleaved
from litecoop_mlir.measure import Evaluator
from litecoop_mlir.models.caller import ModelCaller
from litecoop_mlir.models.pipeline_heuristic import ranked_moves
from litecoop_mlir.models.pipeline_request import PipelineRequest
from litecoop_mlir.pipeline import IllegalPipeline, PassRegistry, Pipeline, PipelineMove, legal_pipeline_moves
from litecoop_mlir.records import Candidate, Measurement, Status
from litecoop_mlir.search.uct import UCTConfig, uct_score
from litecoop_mlir.whole_module import median_of_timed
from litecoop_mlir.workload import Workload

#: A round must make the best pipeline this much faster for the level to get another round.
MIN_GAIN = 0.02


@dataclass
class PipelineNode:
    """A pipeline, how it was reached, and what measuring it gave."""

    id: int
    pipeline: Pipeline
    parent: int | None = None
    move: str = ""
    proposer: str = ""
    next_model: str = ""
    measurement: Measurement | None = None
    dispatches: int = 0
    fingerprints: tuple[str, ...] = ()
    graph: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    visits: int = 0
    value: float = 0.0
    children: list[int] = field(default_factory=list)
    exhausted: bool = False
    retimed_ms: float | None = None  # re-measured side by side with the other finalists (machine drift)
    twin: PipelineNode | None = field(default=None, repr=False)  # an earlier node that built this very binary

    @property
    def same_build_as(self) -> int | None:
        """The id of the earlier node whose build is this node's binary (its pipeline changed nothing more)."""
        return self.twin.id if self.twin is not None else None

    @property
    def ok(self) -> bool:
        return self.measurement is not None and self.measurement.ok

    @property
    def latency_ms(self) -> float:
        """Its side-by-side time where it was re-measured, else the time measured when it was made."""
        if not self.ok:
            return math.inf
        if self.twin is not None:  # the same module: the same time (its twin may have been re-timed)
            return self.twin.latency_ms
        return self.retimed_ms if self.retimed_ms is not None else self.measurement.median_ms  # type: ignore[union-attr]

    @property
    def q(self) -> float:
        return self.value / self.visits if self.visits else 0.0

    def status(self) -> str:
        if self.error:
            return "illegal"
        return self.measurement.status.value if self.measurement else "pending"

    def to_json(self, start_ms: float) -> dict[str, Any]:
        m = self.measurement
        return {"id": self.id, "parent": self.parent, "move": self.move, "proposer": self.proposer,
                "pipeline": self.pipeline.describe(), "flags": list(self.pipeline.flags()), "status": self.status(),
                "latency_ms": self.latency_ms if self.ok else None, "measured_ms": m.median_ms if self.ok else None,
                "retimed_ms": self.retimed_ms, "spread": m.spread if self.ok else None,
                "speedup_vs_start": round(start_ms / self.latency_ms, 4) if self.ok else None,
                "max_rel_error": m.max_rel_error if m else None, "dispatches": self.dispatches,
                "same_build_as": self.same_build_as, "next_model": self.next_model, "graph": self.graph,
                "error": self.error or (m.error if m and not self.ok else "")}


@dataclass
class PipelineSearch:
    """Search pipelines for `workload` with `evaluator` (whose reference is IREE's default)."""

    workload: Workload
    evaluator: Evaluator
    caller: ModelCaller
    baseline: Measurement
    root: Pipeline = field(default_factory=Pipeline)
    registry: PassRegistry | None = None
    uct: UCTConfig = field(default_factory=UCTConfig)
    children: int = 3
    seed: int = 0
    shares: dict[str, float] = field(default_factory=dict)
    on_node: Callable[[PipelineNode], None] = lambda n: None
    nodes: list[PipelineNode] = field(default_factory=list)
    spent: int = 0
    calls: int = 0
    stop_reason: str = ""
    _feedback: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.registry = self.registry or PassRegistry.installed()
        if not self.nodes:
            node = PipelineNode(0, self.registry.normalized(self.root), proposer="start",
                                next_model=self.caller.pool.specs[0].name)
            self._measure(node, charge=not self.root.is_default)
            self.nodes.append(node)

    # ----- results ---------------------------------------------------------------------

    def best(self) -> PipelineNode:
        ok = [n for n in self.nodes if n.ok and n.same_build_as is None]  # a copy's time is its original's
        return min(ok, key=lambda n: n.latency_ms) if ok else self.nodes[0]

    def to_json(self) -> dict[str, Any]:
        b, start = self.best(), self.nodes[0].latency_ms
        return {"spent": self.spent, "model_calls": self.calls, "stop_reason": self.stop_reason,
                "baseline_ms": self.baseline.median_ms, "start_ms": start, "best": b.id,
                "retimed": [n.id for n in self.nodes if n.retimed_ms is not None],
                "nodes": [n.to_json(start) for n in self.nodes]}

    def retime(self, finalists: int = 3, rounds: int = 3, repetitions: int = 10) -> None:
        """Time the start and the `finalists` fastest pipelines again, side by side in interleaved
        rounds: each was timed once when it was made, and the machine drifts between those times."""
        ok = sorted((n for n in self.nodes[1:] if n.ok and n.same_build_as is None), key=lambda n: n.latency_ms)[:finalists]
        pick = [n for n in [self.nodes[0], *ok] if n.ok]
        if len(pick) < 2:
            return
        w = self.workload
        timed = benchmark_interleaved({str(n.id): Path(n.measurement.vmfb) for n in pick},  # type: ignore[union-attr]
                                      w.function, self.evaluator.inputs, w.target, w.limits, rounds=rounds,
                                      repetitions=repetitions)
        for n in pick:
            ms = median_of_timed(timed[str(n.id)])
            n.retimed_ms = ms if ms == ms else None

    # ----- the loop --------------------------------------------------------------------

    def run(self, budget: int, cap: int) -> PipelineNode:
        """Spend rounds of at most `children` candidates while each round improves the best
        pipeline by MIN_GAIN and `cap` candidates (of `budget`) are not spent."""
        while self.spent < min(cap, budget):
            before = self.best().latency_ms
            node = self._select()
            if node is None:
                self.stop_reason = "no pipeline move left to try"
                break
            made = self._expand(node, min(cap, budget) - self.spent)
            if made == 0 and node.exhausted:
                continue
            after = self.best().latency_ms
            # a round of twins (pipelines that changed nothing) gained nothing either: every round costs codegen budget
            if not (after < before * (1 - MIN_GAIN)) and self.calls >= 2:
                self.stop_reason = f"a round gained under {MIN_GAIN:.0%} (best {after:.4f} ms): codegen gets the rest"
                break
        else:
            self.stop_reason = self.stop_reason or f"pipeline cap of {cap} candidates spent"
        return self.best()

    def _phi(self, model: str) -> float:
        return self.caller.pool.phi(model) if model in self.caller.pool.by_name else 0.0

    def _select(self) -> PipelineNode | None:
        """UCT from the root over measured, not exhausted nodes."""
        node = self.nodes[0]
        while True:
            live = [self.nodes[c] for c in node.children if self._alive(self.nodes[c])]
            if not node.exhausted and node.ok and (not live or len(node.children) < 1 + int(self.uct.widening * math.sqrt(node.visits))):
                return node
            if not live:
                return None
            n = max(node.visits, 1)
            node = max(live, key=lambda c: (uct_score(_UctView(c), n, self._phi(c.next_model), self.uct), -c.id))

    def _alive(self, node: PipelineNode) -> bool:
        return (node.ok and not node.exhausted) or any(self._alive(self.nodes[c]) for c in node.children)

    def _expand(self, node: PipelineNode, left: int) -> int:
        assert self.registry is not None
        model = self.caller.pool.available(node.next_model) or self.caller.pool.available(self.caller.pool.specs[0].name)
        if model is None:
            node.exhausted = True
            return 0
        req = pipeline_request(self.workload.name, self.workload.target.name, node.graph, self._kinds(node), node.pipeline,
                               node.latency_ms if node.ok else None, self.baseline.median_ms, self.registry, model,
                               self.caller.pool.roster_for_prompt(), left, min(self.children, left), self._tried(),
                               (self.best().pipeline, self.best().latency_ms) if self.best().ok else None,
                               self._feedback, self.seed * 7919 + node.id)
        out = self.caller.call_pipeline(model, req)
        self.calls += 1
        if out.pipeline is None:
            node.exhausted = out.status == "empty"
            self._feedback = (out.error,) if out.status == "invalid" else ()
            return 0
        self._feedback = out.pipeline.rejected
        made = [c for moves in out.pipeline.steps[:left]
                if (c := self._child(node, moves, model, out.pipeline.next_model or model)) is not None]
        for child in made:
            self._backpropagate(child)
        self.caller.pool.record(model, children=len(made), hits=sum(c.latency_ms < node.latency_ms for c in made))
        if not made:
            node.exhausted = True
        return len(made)

    def _child(self, parent: PipelineNode, moves: tuple[PipelineMove, ...], model: str, next_model: str) -> PipelineNode | None:
        assert self.registry is not None
        try:
            p = parent.pipeline
            for m in moves:
                p = m.apply(p, self.registry)
            p = self.registry.normalized(p)
        except IllegalPipeline as exc:
            self._feedback = (*self._feedback, f"{'; '.join(m.text() for m in moves)}: {exc}")
            return None
        if any(n.pipeline == p for n in self.nodes):
            return None  # nothing identical is measured twice
        node = PipelineNode(len(self.nodes), p, parent.id, "; ".join(m.text() for m in moves), model, next_model)
        self._measure(node, charge=True)
        self.nodes.append(node)
        parent.children.append(node.id)
        self.on_node(node)
        return node

    def _measure(self, node: PipelineNode, charge: bool) -> None:
        flags = node.pipeline.flags()
        if charge:
            self.spent += 1
        try:
            kernels = self.workload.kernels(flags)
            graph = self.workload.dispatch_graph(flags, self.shares if not flags else None)
        except InputError as exc:
            node.measurement = Measurement("", Status.COMPILE_ERROR, error=str(exc))
            return
        node.dispatches = len(kernels)
        node.fingerprints = tuple(sorted(k.fingerprint for k in kernels))
        node.graph = graph_summary(graph)
        node.measurement = self.baseline if not flags else self.evaluator.evaluate(Candidate(self.workload.source, flags))
        if node.ok and node.measurement.binary:
            node.twin = next((n for n in self.nodes if n.ok and n.twin is None
                              and n.measurement.binary == node.measurement.binary), None)  # type: ignore[union-attr]

    def _backpropagate(self, node: PipelineNode) -> None:
        r = min(self.baseline.median_ms / node.latency_ms, 4.0) / 4.0 if node.ok else 0.0
        cur: int | None = node.id
        while cur is not None:
            n = self.nodes[cur]
            n.visits += 1
            n.value += r
            cur = n.parent

    def _tried(self) -> tuple[tuple[str, float | None, str], ...]:
        return tuple((n.pipeline.describe(), n.latency_ms if n.ok else None, tried_status(n.status(), n.same_build_as))
                     for n in self.nodes)

    def _kinds(self, node: PipelineNode) -> set[str]:
        return {str(g["root"]) for g in (node.graph or self.nodes[0].graph)}


def tried_status(status: str, same_build_as: int | None) -> str:
    """A measured pipeline's status as a model reads it: a twin says its moves changed nothing."""
    return status if same_build_as is None else f"{status}: the same module as node {same_build_as} (changed nothing)"


def pipeline_request(module: str, target: str, graph: list[dict[str, Any]], kinds: set[str], pipeline: Pipeline,
                     current_ms: float | None, baseline_ms: float, registry: PassRegistry, model: str,
                     roster: list[dict[str, Any]], left: int, steps: int, tried: tuple[tuple[str, float | None, str], ...],
                     best: tuple[Pipeline, float] | None, feedback: tuple[str, ...], seed: int) -> PipelineRequest:
    """The turn a model gets at a pipeline node: its legal moves and the heuristic's three best
    untried ones (one builder for the search and for `--print-prompt`)."""
    legal = legal_pipeline_moves(pipeline, registry, kinds, target)
    req = PipelineRequest(module, target, graph, pipeline, current_ms, baseline_ms, tuple(legal), model, roster, left,
                          steps, tried, best, feedback, seed)
    return dataclasses.replace(req, suggested=tuple(ranked_moves(req)[:3]))


@dataclass
class _UctView:
    """A pipeline node as `uct_score` reads a tree node."""

    node: PipelineNode

    @property
    def visits(self) -> int:
        return self.node.visits

    virtual = 0

    @property
    def q(self) -> float:
        return self.node.q
