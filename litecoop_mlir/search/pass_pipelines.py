"""The pipeline level of a module's search tree: nodes are pass pipelines, edges pipeline moves.

Each node's pipeline is compiled with the whole module, its numbers checked against IREE's
default and its latency measured (one candidate of the budget); its dispatch set is read
from IREE (count, fingerprints, the dispatch graph models see). The level is a node space of
the one tree engine: its nodes are `search.tree.Node`s, selected by the codegen trees' LLM-aware
UCT (`search.uct.select`) and rewarded by the same `search.tree.reward`; the model that expands a
node names the model for its children. The level spends its budget in
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

from litecoop_mlir.core.errors import InputError
from litecoop_mlir.core.records import Candidate, Measurement, Status
from litecoop_mlir.ir.dispatch_graph import graph_summary, module_graph
from litecoop_mlir.ir.workload import Workload, named_ops
from litecoop_mlir.measure.backend import Evaluator
from litecoop_mlir.measure.rounds import median_of_timed
from litecoop_mlir.proposers.caller import ModelCaller
from litecoop_mlir.proposers.pass_pipeline_heuristic import round_moves
from litecoop_mlir.proposers.pass_pipeline_request import PipelineRequest
from litecoop_mlir.search.tree import Node, Tree, reward
from litecoop_mlir.search.uct import UCTConfig, select
from litecoop_mlir.space.pass_pipelines import IllegalPipeline, PassRegistry, Pipeline, PipelineMove, legal_pipeline_moves
from litecoop_mlir.space.script import Script

#: A round must make the best pipeline this much faster for the level to get another round.
MIN_GAIN = 0.02


def pipeline_key(pipeline: Pipeline) -> str:
    """A pipeline's identity in the tree: the flags it builds with (equal flags, one build)."""
    return "pipeline:" + " ".join(pipeline.flags())


@dataclass(eq=False)
class PipelineNode(Node):
    """A tree node whose content is a pass pipeline: how it was reached and what measuring it gave
    (its dispatch set and graph, re-timing, and the earlier node that built the very same binary)."""

    pipeline: Pipeline = field(default_factory=Pipeline)
    move: str = ""
    dispatches: int = 0
    fingerprints: tuple[str, ...] = ()
    graph: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    retimed_ms: float | None = None  # re-measured side by side with the other finalists (machine drift)
    twin: PipelineNode | None = field(default=None, repr=False)  # an earlier node that built this very binary

    @property
    def same_build_as(self) -> int | None:
        """The id of the earlier node whose build is this node's binary (its pipeline changed nothing more)."""
        return self.twin.id if self.twin is not None else None

    @property
    def latency_ms(self) -> float:  # type: ignore[override]
        """Its side-by-side time where it was re-measured, else the time measured when it was made."""
        if not self.ok:
            return math.inf
        if self.twin is not None:  # the same module: the same time (its twin may have been re-timed)
            return self.twin.latency_ms
        return self.retimed_ms if self.retimed_ms is not None else self.measurement.median_ms  # type: ignore[union-attr]

    @property
    def status(self) -> str:
        if self.error:
            return "illegal"
        return self.measurement.status.value if self.measurement else "pending"

    def to_json(self, start_ms: float) -> dict[str, Any]:
        m = self.measurement
        return {"id": self.id, "parent": self.parent.id if self.parent is not None else None, "move": self.move,
                "proposer": self.expanded_by, "pipeline": self.pipeline.describe(), "flags": list(self.pipeline.flags()),
                "status": self.status, "latency_ms": self.latency_ms if self.ok else None,
                "measured_ms": m.median_ms if self.ok else None, "retimed_ms": self.retimed_ms,
                "spread": m.spread if self.ok else None,
                "speedup_vs_start": round(start_ms / self.latency_ms, 4) if self.ok else None,
                "max_rel_error": m.max_rel_error if m else None, "dispatches": self.dispatches,
                "same_build_as": self.same_build_as, "next_model": self.next_model, "graph": self.graph,
                "visits": self.visits, "reward": round(self.q, 4),
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
    tree: Tree = field(init=False)
    source_ops: dict[str, int] = field(init=False)
    spent: int = 0
    calls: int = 0
    stop_reason: str = ""
    _feedback: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.registry = self.registry or PassRegistry.installed()
        self.source_ops = named_ops(self.workload.source)
        start = self.registry.normalized(self.root)
        node = PipelineNode(0, Script(), pipeline_key(start), expanded_by="start", next_model=self.caller.pool.specs[0].name,
                            pipeline=start)
        self.tree = Tree(node.key, node.next_model, root=node)
        self._measure(node, charge=not self.root.is_default)

    @property
    def nodes(self) -> list[PipelineNode]:
        return self.tree.nodes  # type: ignore[return-value]

    # ----- results ---------------------------------------------------------------------

    def best(self) -> PipelineNode:
        ok = [n for n in self.nodes if n.ok and n.same_build_as is None]  # a copy's time is its original's
        return min(ok, key=lambda n: n.latency_ms) if ok else self.nodes[0]

    def to_json(self) -> dict[str, Any]:
        b, start = self.best(), self.nodes[0].latency_ms
        return {"spent": self.spent, "model_calls": self.calls, "stop_reason": self.stop_reason,
                "source_ops": self.source_ops,
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
        timed = self.evaluator.side_by_side({str(n.id): Path(n.measurement.vmfb) for n in pick},  # type: ignore[union-attr]
                                            rounds=rounds, repetitions=repetitions)
        for n in pick:
            ms = median_of_timed(timed[str(n.id)])
            n.retimed_ms = ms if ms == ms else None

    # ----- the loop --------------------------------------------------------------------

    def run(self, budget: int, cap: int) -> PipelineNode:
        """Spend rounds of at most `children` candidates while each round improves the best
        pipeline by MIN_GAIN and `cap` candidates (of `budget`) are not spent."""
        while self.spent < min(cap, budget):
            before = self.best().latency_ms
            node = select(self.tree, self._phi, self.uct)  # the codegen trees' LLM-aware UCT
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
                               self._feedback, self.seed * 7919 + node.id, self.source_ops)
        out = self.caller.call_pipeline(model, req)
        self.calls += 1
        node.expansions += 1
        if out.pipeline is None:
            node.exhausted = out.status == "empty"
            self._feedback = (out.error,) if out.status == "invalid" else ()
            return 0
        self._feedback = out.pipeline.rejected
        made = [c for moves in out.pipeline.steps[:left]
                if (c := self._child(node, moves, model, out.pipeline.next_model or model)) is not None]
        for child in made:
            self.tree.backpropagate(child, reward(child.measurement, self.baseline.median_ms))
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
        if pipeline_key(p) in self.tree.by_key:
            return None  # nothing identical is measured twice
        node = PipelineNode(self.tree.next_id(), Script(), pipeline_key(p), expanded_by=model, next_model=next_model,
                            pipeline=p, move="; ".join(m.text() for m in moves))
        self._measure(node, charge=True)
        self.tree.attach(parent, node)
        self.on_node(node)
        return node

    def _measure(self, node: PipelineNode, charge: bool) -> None:
        flags = node.pipeline.flags()
        if charge:
            self.spent += 1
        try:
            kernels = self.workload.kernels(flags)
            graph = module_graph(self.workload, flags, self.shares if not flags else None)
        except InputError as exc:
            node.measurement = Measurement("", Status.COMPILE_ERROR, error=str(exc))
            return
        node.dispatches = len(kernels)
        node.fingerprints = tuple(sorted(k.fingerprint for k in kernels))
        node.graph = graph_summary(graph)
        node.measurement = self.baseline if not flags else self.evaluator.evaluate(Candidate(self.workload.source, flags))
        if node.ok and node.measurement.binary:
            node.twin = next((n for n in self.nodes if n is not node and n.ok and n.twin is None
                              and n.measurement.binary == node.measurement.binary), None)  # type: ignore[union-attr]

    def _tried(self) -> tuple[tuple[str, float | None, str], ...]:
        return tuple((n.pipeline.describe(), n.latency_ms if n.ok else None, tried_status(n.status, n.same_build_as))
                     for n in self.nodes)

    def _kinds(self, node: PipelineNode) -> set[str]:
        return {str(g["root"]) for g in (node.graph or self.nodes[0].graph)}


def tried_status(status: str, same_build_as: int | None) -> str:
    """A measured pipeline's status as a model reads it: a twin says its moves changed nothing."""
    return status if same_build_as is None else f"{status}: the same module as node {same_build_as} (changed nothing)"


def pipeline_request(module: str, target: str, graph: list[dict[str, Any]], kinds: set[str], pipeline: Pipeline,
                     current_ms: float | None, baseline_ms: float, registry: PassRegistry, model: str,
                     roster: list[dict[str, Any]], left: int, steps: int, tried: tuple[tuple[str, float | None, str], ...],
                     best: tuple[Pipeline, float] | None, feedback: tuple[str, ...], seed: int,
                     source_ops: dict[str, int] | None = None) -> PipelineRequest:
    """The turn a model gets at a pipeline node: its legal moves and the heuristic's three best
    untried ones (one builder for the search and for `--print-prompt`)."""
    legal = legal_pipeline_moves(pipeline, registry, kinds, target)
    req = PipelineRequest(module, target, graph, pipeline, current_ms, baseline_ms, tuple(legal), model, roster, left,
                          steps, tried, best, feedback, seed, source_ops=tuple((source_ops or {}).items()))
    return dataclasses.replace(req, suggested=round_moves(req, 3))
