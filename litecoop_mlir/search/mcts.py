"""The search loop of one dispatch: select, ask the chosen model, evaluate, backpropagate.

The tree never shells out: candidates are evaluated through the `evaluate` callable the
caller supplies (compile, verify, benchmark; cached). Course alteration: after K
consecutive regressions (a child slower than its parent, or failed) proposed by models
other than the largest, the largest model takes the next expansion.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from litecoop_mlir.measure import Measurement
from litecoop_mlir.models.caller import ModelCaller
from litecoop_mlir.models.proposal import Proposal
from litecoop_mlir.models.request import CallOutcome, NodeView, ProposalRequest
from litecoop_mlir.search.tree import Node, Tree, reward
from litecoop_mlir.search.uct import UCTConfig, select
from litecoop_mlir.transforms import MachineModel, Script
from litecoop_mlir.workload import Kernel

#: evaluate(kernel, script) -> (measurement, how it was obtained: COMPILED, CACHED or REJECTED)
Evaluate = Callable[[Kernel, Script], tuple[Measurement, str]]
COMPILED, CACHED, REJECTED = "compiled", "cached", "rejected"


@dataclass(frozen=True)
class SearchConfig:
    """Search tunables.

    Attributes:
        uct: selection (lambda, exploration constant, widening, depth limit).
        children_per_expansion: steps asked of a model per turn.
        course_alteration_k: consecutive small-model regressions before the largest model steps in (0: never).
        seed: seeds random proposers (combined with the node id).
    """

    uct: UCTConfig = field(default_factory=UCTConfig)
    children_per_expansion: int = 3
    course_alteration_k: int = 3
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.children_per_expansion <= 8:
            raise ValueError("children per expansion must be in [1, 8]")
        if self.course_alteration_k < 0:
            raise ValueError("course alteration K must be >= 0")


@dataclass
class Event:
    """Something the caller may show or store.

    kinds: `candidate` (a new measured node; `text` is the model), `call` (a model turn at
    `node`; `outcome` says how it went), `expanded` (`node`'s expansion state changed),
    `note` (a line for the user).
    """

    kind: str
    text: str
    node: Node | None = None
    how: str = COMPILED
    hit: bool = False
    outcome: CallOutcome | None = None


class KernelSearch:
    """The shared-tree search of one dispatch."""

    def __init__(
        self,
        kernel: Kernel,
        target: str,
        caller: ModelCaller,
        evaluate: Evaluate,
        baseline: Measurement,
        config: SearchConfig,
        *,
        on_event: Callable[[Event], None] = lambda e: None,
        first_model: str | None = None,
    ) -> None:
        self.kernel, self.target, self.caller, self.evaluate = kernel, target, caller, evaluate
        self.pool = caller.pool
        self.config = config
        self.machine = MachineModel.for_kernel(kernel)
        self.baseline_ms = baseline.median_ms
        self.tree = Tree(Script().key(kernel), first_model or self.pool.specs[0].name)
        self.tree.root.measurement = baseline
        self.tree.backpropagate(self.tree.root, reward(baseline, self.baseline_ms))
        self.on_event = on_event
        self.evaluated = 0  # candidates compiled and measured (cache hits excluded)
        self.cache_hits = 0
        self.rejected = 0  # refused before compiling (e.g. tiles for a dispatch a flag reshaped)
        self.calls = 0
        self.regressions = 0
        self.course_alterations = 0
        self.history: list[dict[str, object]] = []
        self.stop_reason = ""

    # ----------------------------------------------------------------------------------

    def run(self, budget: int, deadline: float | None = None) -> None:
        """Expand until `budget` candidates are evaluated, the deadline passes, or nothing is left."""
        max_calls = 4 * budget + 20
        while self.evaluated < budget:
            if deadline is not None and time.monotonic() >= deadline:
                self.stop_reason = "time budget reached"
                return
            if self.calls >= max_calls:
                self.stop_reason = f"stopped after {self.calls} model calls without using the budget"
                return
            node = select(self.tree, self.pool.phi, self.config.uct)
            if node is None:
                self.stop_reason = "search space exhausted"
                return
            if not self.expand(node, budget):
                self.stop_reason = "all models unavailable"
                return
        self.stop_reason = "candidate budget reached"

    def _choose_model(self, node: Node) -> str | None:
        name = node.next_model or self.pool.specs[0].name
        k = self.config.course_alteration_k
        if k and self.pool.ranked_by_cost and self.regressions >= k and name != self.pool.largest:
            self.on_event(Event("note", f"course alteration: {self.regressions} regressions in a row; {self.pool.largest} expands next"))
            name = self.pool.largest
            self.course_alterations += 1
            self.regressions = 0
        return self.pool.available(name)

    def _request(self, node: Node, model: str, budget: int) -> ProposalRequest:
        def view(n: Node | None) -> NodeView | None:
            return None if n is None else NodeView(n.script, n.latency_ms, n.status)

        parent = node.parent
        best = self.tree.best()
        return ProposalRequest(
            kernel=self.kernel,
            target=self.target,
            machine=self.machine,
            node=NodeView(node.script, node.latency_ms, node.status),
            baseline_ms=self.baseline_ms,
            model=model,
            roster=self.pool.roster_for_prompt(),
            budget_left=budget - self.evaluated,
            steps_wanted=min(self.config.children_per_expansion, budget - self.evaluated),
            parent=view(parent),
            grandparent=view(parent.parent if parent else None),
            children=tuple(NodeView(c.script, c.latency_ms, c.status) for c in node.children),
            best=view(best),
            tried=frozenset(self.tree.by_key),
            seed=self.config.seed * 1_000_003 + node.id * 7919 + node.expansions,
        )

    def expand(self, node: Node, budget: int) -> bool:
        """One model turn at `node`; False if no model is available at all."""
        for _ in range(len(self.pool.specs)):
            model = self._choose_model(node)
            if model is None:
                return False
            node.expansions += 1
            self.calls += 1
            out = self.caller.call(model, self._request(node, model, budget))
            self.on_event(Event("call", model, node, outcome=out))
            if out.status == "unavailable":
                self.on_event(Event("note", f"{model} unavailable ({out.error}); marked down, turn passes on"))
                continue
            if out.proposal is None:
                self.on_event(Event("note", f"{model}: {out.status} reply ({out.error[:160]})"))
                self._unproductive(node, model)
            elif not self._evaluate_steps(node, model, out.proposal, budget):
                self._unproductive(node, model)
            else:
                node.failed_expansions = 0
            self.on_event(Event("expanded", model, node))
            return True
        self.on_event(Event("expanded", "", node))
        return self.pool.available(node.next_model) is not None

    def _unproductive(self, node: Node, model: str) -> None:
        """Nothing new came from `model` here: pass the turn to another model; give up after a round."""
        node.failed_expansions += 1
        names = self.pool.names
        node.next_model = names[(names.index(model) + 1) % len(names)]
        if node.failed_expansions > len(names):
            node.exhausted = True

    def _evaluate_steps(self, node: Node, model: str, proposal: Proposal, budget: int) -> int:
        made: list[Node | None] = []
        added = 0
        next_model = proposal.next_model or model
        for step in proposal.steps:
            if self.evaluated >= budget:
                break
            start = node if step.after == 0 else made[step.after - 1]
            if start is None or not start.ok:
                made.append(None)  # its dependency failed or was not run
                continue
            script = start.script.then(*step.transforms).normalized()
            key = script.key(self.kernel)
            if key in self.tree.by_key:
                made.append(self.tree.by_key[key])
                continue
            child = self.tree.add(start, script, key, expanded_by=model, next_model=next_model, reasoning=proposal.reasoning)
            measurement, how = self.evaluate(self.kernel, script)
            child.measurement = measurement
            if how == COMPILED:  # only compiles count against the budget
                self.evaluated += 1
            elif how == CACHED:
                self.cache_hits += 1
            else:
                self.rejected += 1
            added += 1
            self.tree.backpropagate(child, reward(measurement, self.baseline_ms))
            hit = self._account(model, start, child)
            self.history.append({
                "candidate": self.evaluated, "node": child.id, "model": model, "status": child.status,
                "median_ms": child.latency_ms, "script": script.to_json(), "how": how,
            })
            self.on_event(Event("candidate", model, child, how, hit))
            made.append(child)
        return added

    def _account(self, model: str, parent: Node, child: Node) -> bool:
        """Count the child for its model; True if it beat its parent (a hit)."""
        hit = child.ok and parent.latency_ms is not None and child.latency_ms < parent.latency_ms  # type: ignore[operator]
        self.pool.record(model, children=1, hits=int(hit))
        if hit:
            self.regressions = 0
        elif model != self.pool.largest:
            self.regressions += 1
        return bool(hit)

    def restore(self, rows: list, calls: int) -> None:
        """Rebuild the tree and counters from stored node rows (store.NodeRow, root first).

        The root keeps the baseline measured in this session; every other node keeps its
        stored measurement, and rewards are backpropagated again against this baseline.
        """
        by_id = {0: self.tree.root}
        for r in rows:
            if r.id == 0:
                self.tree.root.next_model = r.next_model or self.tree.root.next_model
                self.tree.root.expansions, self.tree.root.failed_expansions = r.expansions, r.failed_expansions
                self.tree.root.exhausted = r.exhausted
                continue
            parent = by_id.get(r.parent if r.parent is not None else -1)
            if parent is None or r.key in self.tree.by_key:
                continue
            node = self.tree.add(parent, Script.from_json(r.script), r.key, expanded_by=r.expanded_by,
                                 next_model=r.next_model, reasoning=r.reasoning, node_id=r.id)
            node.measurement = r.measurement
            node.expansions, node.failed_expansions, node.exhausted = r.expansions, r.failed_expansions, r.exhausted
            by_id[r.id] = node
            self.tree.backpropagate(node, reward(r.measurement, self.baseline_ms))
            if r.how == COMPILED:
                self.evaluated += 1
            elif r.how == CACHED:
                self.cache_hits += 1
            else:
                self.rejected += 1
            self.history.append({"candidate": self.evaluated, "node": r.id, "model": r.expanded_by, "status": r.status,
                                 "median_ms": r.median_ms, "script": r.script, "how": r.how})
        self.calls = calls
