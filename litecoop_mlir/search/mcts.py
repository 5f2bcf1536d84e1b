"""The search loop of one dispatch: select, ask the chosen model, evaluate, backpropagate.

The tree never shells out: candidates are evaluated through the `evaluate` callable the
caller supplies (compile, verify, benchmark; cached). Course alteration: after K
consecutive turns of models other than the largest whose children regressed (slower than
their parent, or failed), the largest model takes the next expansion.
"""

from __future__ import annotations

import dataclasses
import queue
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from litecoop_mlir.core.records import EventKind, How, Measurement, Status
from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.proposers.caller import ModelCaller
from litecoop_mlir.proposers.proposal import Proposal, Step
from litecoop_mlir.proposers.request import CallOutcome, NodeView, ProposalRequest
from litecoop_mlir.search.tree import Node, Tree, reward
from litecoop_mlir.search.uct import UCTConfig, select
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import SetCodegenMode
from litecoop_mlir.targets.machine import MachineModel
from litecoop_mlir.targets.strategy import strategy_for

#: evaluate(kernel, script) -> (measurement, how it was obtained)
Evaluate = Callable[[Kernel, Script], tuple[Measurement, How]]
#: submit(kernel, script) -> a future of what Evaluate returns (an executor's entry point)
Submit = Callable[[Kernel, Script], "Future[tuple[Measurement, How]]"]


def _inline(evaluate: Evaluate) -> Submit:
    """Run each candidate at once, in the calling thread."""

    def submit(kernel: Kernel, script: Script) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(evaluate(kernel, script))
        except Exception as exc:  # noqa: BLE001
            fut.set_exception(exc)
        return fut

    return submit


@dataclass
class _Expansion:
    """One model turn in flight: its proposal's steps and what became of each."""

    node: Node
    model: str
    proposal: Proposal | None
    made: list[Node | None] = field(default_factory=list)
    state: list[str] = field(default_factory=list)  # waiting | running | done
    added: int = 0
    early: bool = False  # one step that arrived before its streamed reply was complete
    turn: int = 0  # the model call it came from (a streamed reply's steps share one)

    def __post_init__(self) -> None:
        n = len(self.proposal.steps) if self.proposal else 0
        self.made = [None] * n
        self.state = ["waiting"] * n


@dataclass(frozen=True)
class SearchConfig:
    """Search tunables.

    Attributes:
        uct: selection (lambda, exploration constant, widening, depth limit).
        children_per_expansion: steps asked of a model per turn.
        course_alteration_k: consecutive small-model turns without a hit (no child beat its parent) before the
            largest model steps in (0: never).
        seed: seeds random proposers (combined with the node id).
        concurrency: model calls in flight at once; 1 = strictly serial (call, its
            candidates, next call); more overlaps calls with compiles and benchmarks.
        fallback: when every model of the roster was dropped (failing call after call), go on with the
            built-in proposers (False: stop, and the run fails).
    """

    uct: UCTConfig = field(default_factory=UCTConfig)
    children_per_expansion: int = 3
    course_alteration_k: int = 3
    seed: int = 0
    concurrency: int = 1
    codegen: str = "both"
    fallback: bool = True

    def __post_init__(self) -> None:
        if self.codegen not in ("both", "attributes", "script"):
            raise ValueError("codegen must be both, attributes or script")
        if not 1 <= self.children_per_expansion <= 8:
            raise ValueError("children per expansion must be in [1, 8]")
        if self.course_alteration_k < 0:
            raise ValueError("course alteration K must be >= 0")
        if not 1 <= self.concurrency <= 64:
            raise ValueError("concurrency must be in [1, 64]")


@dataclass
class Event:
    """Something the caller may show or store.

    kinds: `candidate` (a new measured node; `text` is the model), `call` (a model turn at
    `node`; `outcome` says how it went), `expanded` (`node`'s expansion state changed),
    `note` (a line for the user).
    """

    kind: EventKind
    text: str
    node: Node | None = None
    how: How = How.COMPILED
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
        machine: MachineModel | None = None,
    ) -> None:
        self.kernel, self.target, self.caller, self.evaluate = kernel, target, caller, evaluate
        self.pool = caller.pool
        self.config = config
        self.machine = machine or strategy_for(target).machine(kernel)
        self.baseline_ms = baseline.median_ms
        self.tree = Tree(Script().key(kernel), first_model or self.pool.specs[0].name)
        self.tree.root.measurement = baseline
        self.tree.backpropagate(self.tree.root, reward(baseline, self.baseline_ms))
        self.on_event = on_event
        self.evaluated = 0  # candidates compiled and measured (cache hits excluded)
        self.cache_hits = 0
        self.duplicates = 0  # compiled to an earlier candidate's binary: its measurement, at no budget
        self.reused = 0  # known configurations measured at no budget (tuning database)
        self.reserved = 0  # compiled plus in flight
        self.rejected = 0  # refused before compiling (e.g. tiles for a dispatch a flag reshaped)
        self.calls = 0
        self.regressed_turns: set[int] = set()  # consecutive small-model turns whose children regressed
        self.course_alterations = 0
        self.stop_reason = ""
        self.feedback: tuple[str, ...] = ()  # the previous reply's rejected steps (or why it was invalid)

    # ----------------------------------------------------------------------------------

    def run(self, budget: int, deadline: float | None = None, *, submit: Submit | None = None) -> None:
        """Expand until `budget` candidates are compiled, the deadline passes, or nothing is left.

        With `config.concurrency` 1 the loop is strictly serial: one model call, then its
        candidates, then the next call. With more, up to that many model calls are in flight
        while candidates compile (through `submit`, e.g. a pool of workers); each step of a
        plan starts as soon as the step it depends on is measured, and selection applies a
        virtual loss to nodes with an expansion in flight.
        """
        self._submit = submit or _inline(self.evaluate)
        self._events: queue.Queue[tuple[str, object]] = queue.Queue()
        self._budget = budget
        self._inflight_calls = self._inflight_evals = 0
        self._pending_keys: set[str] = set()
        self._waiters: dict[str, list[tuple[_Expansion, int]]] = {}
        self._early: dict[int, list[_Expansion]] = {}
        self._tokens = 0
        self.reserved = self.evaluated
        concurrency = self.config.concurrency
        max_calls = 4 * budget + 20
        stopped = False
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="model") as calls:
            self._calls_pool = calls
            while True:
                while not stopped and self._inflight_calls < concurrency and self.reserved < budget:
                    if concurrency == 1 and self._inflight_evals:
                        break  # strictly serial: the next call waits for the candidates
                    if deadline is not None and time.monotonic() >= deadline:
                        self.stop_reason, stopped = "time budget reached", True
                    elif self.calls >= max_calls:
                        self.stop_reason, stopped = f"stopped after {self.calls} model calls without using the budget", True
                    else:
                        node = select(self.tree, self.pool.phi, self.config.uct)
                        if node is None:
                            if not (self._inflight_calls or self._inflight_evals):
                                self.stop_reason, stopped = "search space exhausted", True
                            break
                        if not self._launch(node) and not self._fall_back():
                            self.stop_reason, stopped = self._unavailable_reason(), True
                if not (self._inflight_calls or self._inflight_evals):
                    break
                kind, payload = self._events.get()
                if kind == "call":
                    self._inflight_calls -= 1
                    self._on_call(*payload)  # type: ignore[misc]
                elif kind == "early":
                    self._on_early(*payload)  # type: ignore[misc]
                else:
                    self._inflight_evals -= 1
                    self._on_measured(*payload)  # type: ignore[misc]
        if self.evaluated >= budget:
            self.stop_reason = "candidate budget reached"
        elif not self.stop_reason:
            self.stop_reason = "search ended"

    def _fall_back(self) -> bool:
        """No model of the roster can take a turn (each down or dropped): go on with the built-in
        proposers (unless the configuration forbids it), saying so once. True if one can now."""
        if not self.config.fallback:
            return False
        reasons = self.pool.unavailable_reasons()
        added = self.caller.fall_back()
        if added:
            self.on_event(Event(EventKind.NOTE, f"no model of the roster can be used ({reasons}): "
                                                f"falling back to the built-in proposers ({', '.join(added)})"))
        return self.pool.available(self.pool.specs[0].name) is not None

    def _unavailable_reason(self) -> str:
        return f"all models unavailable: {self.pool.unavailable_reasons()}"

    def _launch(self, node: Node) -> bool:
        """Start a model turn at `node` (in the call pool); False if no model is up."""
        model = self._choose_model(node)
        if model is None:
            return False
        node.expansions += 1
        self.calls += 1
        self._inflight_calls += 1
        self.tree.set_busy(node, True)
        request = self._request(node, model, self._budget)
        self._tokens += 1
        token = self._tokens

        def on_step(index: int, step: Step) -> None:  # streamed: start this step now
            self._events.put(("early", (node, model, token, step)))

        def task() -> None:
            try:
                out = self.caller.call(model, request, on_step=on_step if self.config.concurrency > 1 else None)
            except Exception as exc:  # noqa: BLE001 - a proposer bug must not hang the search
                out = CallOutcome(None, "unavailable", f"{type(exc).__name__}: {exc}")
            self._events.put(("call", (node, model, out, token)))

        self._calls_pool.submit(task)
        return True

    def _on_early(self, node: Node, model: str, token: int, step: Step) -> None:
        exp = _Expansion(node, model, Proposal((step,), model, "(streamed step)"), early=True, turn=token)
        self._early.setdefault(token, []).append(exp)
        self._advance(exp)

    def _on_call(self, node: Node, model: str, out: CallOutcome, token: int = 0) -> None:
        self.on_event(Event(EventKind.CALL, model, node, outcome=out))
        if out.proposal is not None:
            self.feedback = tuple(f"{model}: {r}" for r in out.proposal.rejected)
        elif out.status == "invalid":
            self.feedback = (f"{model}: the whole reply was invalid: {out.error[:300]}",)
        early = self._early.pop(token, [])
        started = sum(1 for e in early for st in e.state if st != "waiting")
        if early and out.proposal is not None:  # children made from streamed steps take the reply's next model
            final = out.proposal.next_model or model
            for e in early:
                e.proposal = dataclasses.replace(e.proposal, next_model=final)  # type: ignore[arg-type]
                for child in e.made:
                    if child is not None and child.expanded_by == model and child.parent is node:
                        child.next_model = final
                        self.on_event(Event(EventKind.EXPANDED, model, child))
        if out.status == "unavailable":
            self.on_event(Event(EventKind.NOTE, f"{model} unavailable ({out.error}); marked down, turn passes on"))
            self.tree.set_busy(node, False)
            if self.pool.available(node.next_model) is not None and self.reserved < self._budget:
                self._launch(node)
            return
        if out.proposal is None:
            self.on_event(Event(EventKind.NOTE, f"{model}: {out.status} reply ({out.error[:160]})"))
            self._finish(_Expansion(node, model, None, added=started))
            return
        exp = _Expansion(node, model, out.proposal, added=started, turn=token)
        self._advance(exp)

    def _advance(self, exp: _Expansion) -> None:
        """Start every step whose dependency is resolved; finish the expansion when all are."""
        assert exp.proposal is not None
        for i, step in enumerate(exp.proposal.steps):
            if exp.state[i] != "waiting":
                continue
            if step.after and exp.state[step.after - 1] != "done":
                continue
            start = exp.node if step.after == 0 else exp.made[step.after - 1]
            exp.state[i] = "done"
            if start is None or not start.ok or self.reserved >= self._budget:
                continue  # its dependency failed or was not run, or no budget is left
            script = start.script.then(*step.transforms).normalized()
            if self.config.codegen == "attributes" and any(isinstance(t, SetCodegenMode) for t in step.transforms):
                continue  # codegen scripts are off in this run
            key = script.key(self.kernel)
            if key in self.tree.by_key:
                exp.made[i] = self.tree.by_key[key]
                continue
            if key in self._pending_keys:  # in flight (e.g. streamed early): wait for it
                exp.state[i] = "running"
                self._waiters.setdefault(key, []).append((exp, i))
                continue
            exp.state[i] = "running"
            self._pending_keys.add(key)
            self.reserved += 1
            self._inflight_evals += 1
            fut = self._submit(self.kernel, script)
            fut.add_done_callback(lambda f, i=i, start=start, script=script, key=key:
                                  self._events.put(("measured", (exp, i, start, script, key, f))))
        if all(st == "done" for st in exp.state):
            if not exp.early:
                self._finish(exp)
        elif "running" not in exp.state:
            self._advance(exp)  # a skipped step resolved a dependency

    def _on_measured(self, exp: _Expansion, i: int, start: Node, script: Script, key: str, fut: Future) -> None:
        try:
            measurement, how = fut.result()
        except Exception as exc:  # noqa: BLE001 - an executor failure is this candidate's failure
            measurement, how = Measurement("", Status.CRASH, error=f"{type(exc).__name__}: {exc}"), How.REJECTED
        self._pending_keys.discard(key)
        exp.state[i] = "done"
        self._count(how)
        if how != How.COMPILED:
            self.reserved -= 1  # only compiles count against the budget
        if key in self.tree.by_key:  # another path reached it first
            exp.made[i] = self.tree.by_key[key]
        else:
            assert exp.proposal is not None
            child = self.tree.add(start, script, key, expanded_by=exp.model,
                                  next_model=exp.proposal.next_model or exp.model, reasoning=exp.proposal.reasoning)
            child.measurement = measurement
            self.tree.backpropagate(child, reward(measurement, self.baseline_ms))
            hit = self._account(exp.model, start, child, exp.turn)
            self.on_event(Event(EventKind.CANDIDATE, exp.model, child, how, hit))
            exp.made[i] = child
            exp.added += 1
        for other, j in self._waiters.pop(key, []):
            other.made[j], other.state[j] = exp.made[i], "done"
            self._advance(other)
        self._advance(exp)

    def _finish(self, exp: _Expansion) -> None:
        self.tree.set_busy(exp.node, False)
        if exp.added:
            exp.node.failed_expansions = 0
        else:
            self._unproductive(exp.node, exp.model)
        self.on_event(Event(EventKind.EXPANDED, exp.model, exp.node))

    def _choose_model(self, node: Node) -> str | None:
        name = node.next_model or self.pool.specs[0].name
        k = self.config.course_alteration_k
        if k and self.pool.ranked_by_cost and len(self.regressed_turns) >= k and name != self.pool.largest:
            self.on_event(Event(EventKind.NOTE, f"course alteration: {len(self.regressed_turns)} turns without a hit in a row; "
                                                f"{self.pool.largest} expands next"))
            name = self.pool.largest
            self.course_alterations += 1
            self.regressed_turns.clear()
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
            budget_left=budget - self.reserved,
            steps_wanted=max(1, min(self.config.children_per_expansion, budget - self.reserved)),
            parent=view(parent),
            grandparent=view(parent.parent if parent else None),
            children=tuple(NodeView(c.script, c.latency_ms, c.status) for c in node.children),
            best=view(best),
            tried=frozenset(self.tree.by_key),
            seed=self.config.seed * 1_000_003 + node.id * 7919 + node.expansions,
            context_tokens=self.pool.by_name[model].context_tokens if model in self.pool.by_name else 0,
            tried_nodes=tuple(NodeView(n.script, n.latency_ms, n.status) for n in self.tree.nodes[1:]),
            feedback=self.feedback,
            codegen=self.config.codegen,
        )

    def _unproductive(self, node: Node, model: str) -> None:
        """Nothing new came from `model` here: pass the turn to another model; give up after a round."""
        node.failed_expansions += 1
        names = self.pool.names
        node.next_model = names[(names.index(model) + 1) % len(names)]
        if node.failed_expansions > len(names):
            node.exhausted = True

    def _account(self, model: str, parent: Node, child: Node, turn: int) -> bool:
        """Count the child for its model; True if it beat its parent (a hit). Course alteration
        counts model turns, not children (as when each call proposed one step): a small model's
        turn whose children regress is one regression, and any hit starts the count again."""
        hit = child.ok and parent.latency_ms is not None and child.latency_ms < parent.latency_ms  # type: ignore[operator]
        self.pool.record(model, children=1, hits=int(hit))
        if hit:
            self.regressed_turns.clear()
        elif model != self.pool.largest:
            self.regressed_turns.add(turn)
        return bool(hit)

    def _count(self, how: str) -> None:
        if how == How.COMPILED:
            self.evaluated += 1
        elif how == How.CACHED:
            self.cache_hits += 1
        elif how == How.DATABASE:
            self.reused += 1
        elif how == How.DUPLICATE:
            self.duplicates += 1
        else:
            self.rejected += 1

    def seed(self, script: Script, source: str, reason: str, *, free: bool) -> Node:
        """Measure `script` now and add it under the root, as proposed by `source` (not a model:
        e.g. the tuning database). `free`: it costs no budget (a configuration already tuned)."""
        key = script.key(self.kernel)
        if key in self.tree.by_key:  # e.g. seeded in an earlier session of this run
            return self.tree.by_key[key]
        measurement, how = self.evaluate(self.kernel, script)
        if free and how == How.COMPILED:
            how = How.DATABASE
        self._count(how)
        root = self.tree.root
        child = self.tree.add(root, script, key, expanded_by=source, next_model=root.next_model, reasoning=reason)
        child.measurement = measurement
        self.tree.backpropagate(child, reward(measurement, self.baseline_ms))
        self.on_event(Event(EventKind.CANDIDATE, source, child, how))
        return child

    def restore(self, rows: list, calls: int) -> None:
        """Rebuild the tree and counters from stored node rows (store.NodeRow, root first).

        The root keeps the baseline measured in this session; every other node keeps its
        stored measurement, and rewards are backpropagated again against this baseline.
        Candidates recorded as interrupted are left out (and proposed again); their ids stay theirs.
        """
        by_id = {0: self.tree.root}
        for r in rows:
            if r.id == 0:
                self.tree.root.next_model = r.next_model or self.tree.root.next_model
                self.tree.root.expansions, self.tree.root.failed_expansions = r.expansions, r.failed_expansions
                self.tree.root.exhausted = r.exhausted
                continue
            if r.status == Status.INTERRUPTED.value:  # stopped while measured: not a result, measured again
                self.tree.reserve_id(r.id)
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
            self._count(r.how)
        self.calls = calls
