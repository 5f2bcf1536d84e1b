"""Tree, LLM-aware UCT selection, backpropagation, course alteration (no IREE needed)."""

from __future__ import annotations

import contextlib
import math
import threading

import pytest

from litecoop_mlir.core.records import How, Measurement, Status
from litecoop_mlir.measure.executor import LocalExecutor
from litecoop_mlir.proposers.base import Proposer
from litecoop_mlir.proposers.caller import ModelCaller
from litecoop_mlir.proposers.pool import ModelPool, ModelSpec
from litecoop_mlir.proposers.proposal import Proposal, Step
from litecoop_mlir.proposers.request import CallOutcome
from litecoop_mlir.search.mcts import KernelSearch, SearchConfig
from litecoop_mlir.search.tree import Tree, reward
from litecoop_mlir.search.uct import UCTConfig, select, uct_score
from litecoop_mlir.space.moves import legal_moves
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import SetTileSizes


def _ok(ms: float) -> Measurement:
    return Measurement("k", Status.OK, median_ms=ms)


def test_reward_formula() -> None:
    assert reward(_ok(1.0), 1.0) == pytest.approx(0.5)
    assert reward(_ok(0.5), 1.0) == pytest.approx(0.75)
    assert reward(_ok(0.1), 1.0) == 1.0
    assert reward(_ok(2.0), 1.0) == pytest.approx(0.25)
    for status in (Status.COMPILE_ERROR, Status.WRONG_NUMBERS, Status.TIMEOUT, Status.CRASH):
        assert reward(Measurement("k", status), 1.0) == 0.0


def test_backpropagate_updates_path_to_root() -> None:
    t = Tree("root", "m")
    a = t.add(t.root, Script(), "a", expanded_by="m", next_model="m")
    b = t.add(a, Script(), "b", expanded_by="m", next_model="m")
    t.backpropagate(b, 0.8)
    t.backpropagate(a, 0.2)
    assert (t.root.visits, b.visits, a.visits) == (2, 1, 2)
    assert a.q == pytest.approx(0.5) and t.root.total_reward == pytest.approx(1.0)


def test_a_tie_on_one_binary_goes_to_the_shorter_script() -> None:
    t = Tree("root", "m")
    t.root.measurement = _ok(2.0)
    tiles = SetTileSizes("vector_common_parallel", (8, 32, 0))
    longer = t.add(t.root, Script((tiles, SetTileSizes("vector_reduction", (0, 0, 1)))), "long", expanded_by="m", next_model="m")
    shorter = t.add(t.root, Script((tiles,)), "short", expanded_by="m", next_model="m")
    same = _ok(1.0)  # the evaluator hands both the one measurement of their common binary
    longer.measurement = shorter.measurement = same
    assert t.best() is shorter and t.ranked() == [shorter, longer, t.root]
    shorter.measurement = _ok(1.1)
    assert t.best() is longer


def _two_children(q_cheap: float, q_big: float, visits: int = 4):
    t = Tree("root", "cheap")
    t.root.measurement = _ok(1.0)
    cheap = t.add(t.root, Script(), "c", expanded_by="x", next_model="cheap")
    big = t.add(t.root, Script(), "b", expanded_by="x", next_model="big")
    for node, q in ((cheap, q_cheap), (big, q_big)):
        node.measurement = _ok(1.0)
        node.visits, node.total_reward = visits, q * visits
    t.root.visits = 2 * visits
    t.root.expansions = 99  # no widening: descend
    return t, cheap, big


PHI = {"cheap": 1.0, "big": 0.0}.__getitem__


def test_uct_prefers_cheap_model_when_lambda_positive() -> None:
    t, cheap, big = _two_children(0.5, 0.55)
    assert select(t, PHI, UCTConfig(lam=0.0, exploration=0.0)) is big
    assert select(t, PHI, UCTConfig(lam=0.3, exploration=0.0)) is cheap


def test_uct_explores_rarely_visited_child() -> None:
    t, cheap, big = _two_children(0.6, 0.5)
    big.visits, big.total_reward = 1, 0.5
    t.root.visits = cheap.visits + big.visits
    assert select(t, PHI, UCTConfig(lam=0.0, exploration=0.0)) is cheap
    assert select(t, PHI, UCTConfig(lam=0.0, exploration=1.0)) is big
    assert uct_score(big, t.root.visits, 0.0, UCTConfig(lam=0.0, exploration=1.0)) == pytest.approx(
        0.5 + math.sqrt(math.log(t.root.visits) / 1))


def test_unvisited_children_first_cheapest_first() -> None:
    t, cheap, big = _two_children(0.9, 0.9)
    cheap.visits = big.visits = 0
    assert select(t, PHI, UCTConfig(lam=0.0)) is cheap


def test_failed_nodes_are_not_expanded() -> None:
    t = Tree("root", "m")
    t.root.measurement = _ok(1.0)
    bad = t.add(t.root, Script(), "bad", expanded_by="m", next_model="m")
    bad.measurement = Measurement("k", Status.COMPILE_ERROR)
    t.backpropagate(bad, 0.0)
    t.root.expansions = 99
    assert select(t, PHI, UCTConfig()) is t.root  # the only live node left
    t.root.exhausted = True
    assert select(t, PHI, UCTConfig()) is None


class ScriptedProposer(Proposer):
    """Every model proposes the next of a fixed sequence of vector tiles; records who was asked."""

    def __init__(self, next_model: dict[str, str]) -> None:
        self.called: list[str] = []
        self.next_model = next_model
        self.i = 0

    def propose(self, request, on_step=None):
        self.called.append(request.model)
        self.i += 1
        t = SetTileSizes("vector_common_parallel", (1 + self.i % 16, 8, 0))
        return CallOutcome(Proposal((Step((t,)),), self.next_model[request.model]))


def scripted_caller(pool: ModelPool, next_model: dict[str, str]) -> ModelCaller:
    """A caller whose every model is one shared `ScriptedProposer` (reachable as `.called`)."""
    proposer = ScriptedProposer(next_model)
    caller = ModelCaller(pool, {n: proposer for n in pool.names})
    caller.called = proposer.called  # type: ignore[attr-defined]
    return caller


def _pool() -> ModelPool:
    specs = [ModelSpec(n, "openai", n, base_url="http://127.0.0.1:1/v1", params_b=p) for n, p in (("small", 1), ("mid", 8), ("big", 70))]
    return ModelPool(specs)


def test_course_alteration_hands_turn_to_largest(fake_kernel) -> None:
    pool = _pool()
    caller = scripted_caller(pool, {"small": "small", "mid": "small", "big": "small"})
    slower = lambda kernel, script: (_ok(2.0), How.COMPILED)  # every child regresses  # noqa: E731
    search = KernelSearch(fake_kernel, "llvm-cpu", caller, slower, _ok(1.0),
                          SearchConfig(children_per_expansion=1, course_alteration_k=3), first_model="small")
    search.run(budget=8)
    assert caller.called[:4] == ["small", "small", "small", "big"]
    assert search.course_alterations == 2 and caller.called.count("big") == 2
    assert search.evaluated == 8 and pool.stats["small"].hits == 0


class PlanProposer(ScriptedProposer):
    """Every reply is a plan of three independent steps (three children per turn)."""

    def propose(self, request, on_step=None):
        self.called.append(request.model)
        steps = []
        for _ in range(3):
            self.i += 1
            steps.append(Step((SetTileSizes("vector_common_parallel", (1 + self.i % 16, 8 * (1 + self.i // 16), 0)),)))
        return CallOutcome(Proposal(tuple(steps), self.next_model[request.model]))


def test_course_alteration_counts_turns_not_children(fake_kernel) -> None:
    pool = _pool()
    proposer = PlanProposer({"small": "small", "mid": "small", "big": "small"})
    caller = ModelCaller(pool, {n: proposer for n in pool.names})
    slower = lambda kernel, script: (_ok(2.0), How.COMPILED)  # every child regresses  # noqa: E731
    search = KernelSearch(fake_kernel, "llvm-cpu", caller, slower, _ok(1.0),
                          SearchConfig(children_per_expansion=3, course_alteration_k=3), first_model="small")
    search.run(budget=12)
    assert proposer.called[:4] == ["small", "small", "small", "big"], proposer.called  # three turns of three regressed children, then the largest
    assert search.course_alterations == 1


def test_search_follows_next_model_and_counts_hits(fake_kernel) -> None:
    pool = _pool()
    caller = scripted_caller(pool, {"small": "mid", "mid": "small", "big": "small"})
    faster = lambda kernel, script: (_ok(0.5), How.COMPILED)  # noqa: E731
    config = SearchConfig(uct=UCTConfig(widening=0.0), children_per_expansion=1)  # a chain: each child expanded next
    search = KernelSearch(fake_kernel, "llvm-cpu", caller, faster, _ok(1.0), config, first_model="small")
    search.run(budget=4)
    assert caller.called == ["small", "mid", "small", "mid"]
    assert pool.stats["small"].hits == 1  # the first child beats the root; later ones tie their parent
    assert search.tree.best().latency_ms == 0.5 and search.stop_reason == "candidate budget reached"


def test_cache_hits_do_not_use_budget(fake_kernel) -> None:
    pool = _pool()
    caller = scripted_caller(pool, {"small": "small", "mid": "small", "big": "small"})
    seen: set[str] = set()

    def evaluate(kernel, script):
        key = script.key(kernel)
        hit = key in seen
        seen.add(key)
        return _ok(1.0), How.CACHED if hit else How.COMPILED

    search = KernelSearch(fake_kernel, "llvm-cpu", caller, evaluate, _ok(1.0), SearchConfig(children_per_expansion=1))
    search.run(budget=16)
    assert search.evaluated <= 16 and search.stop_reason


class Activity:
    """Which model calls and candidate evaluations are in flight, counted, not timed: `overlapped`
    says whether a call and an evaluation were ever in flight together. With `await_call`, the
    second evaluation waits (at most 30 s) until a model call starts while it runs: a concurrent
    search starts one then, a serial one never does (and is not asked to)."""

    def __init__(self, await_call: bool = False) -> None:
        self.lock = threading.Lock()
        self.calls = self.evals = self.started = 0
        self.overlapped = False
        self.await_call = await_call
        self.call_during_eval = threading.Event()

    @contextlib.contextmanager
    def call(self):
        with self.lock:
            self.calls += 1
            if self.evals:
                self.overlapped = True
                self.call_during_eval.set()
        try:
            yield
        finally:
            with self.lock:
                self.calls -= 1

    @contextlib.contextmanager
    def evaluation(self):
        with self.lock:
            self.evals += 1
            self.started += 1
            nth = self.started
            self.overlapped |= self.calls > 0
        try:
            if self.await_call and nth == 2:
                self.call_during_eval.wait(timeout=30.0)
            yield
        finally:
            with self.lock:
                self.evals -= 1


class CountingProposer:
    """Proposes two distinct vector tiles (or a two-step plan) per call, inside `activity.call()`."""

    def __init__(self, activity: Activity, plan: bool = False) -> None:
        self.activity, self.plan = activity, plan
        self.lock = threading.Lock()
        self.i = 0

    def propose(self, request, on_step=None):
        with self.activity.call():
            with self.lock:
                self.i += 1
                i = self.i
        m = 1 + (i % 14)
        if self.plan:  # step 2 refines step 1's result
            steps = (Step((SetTileSizes("vector_common_parallel", (m, 8, 0)),)),
                     Step((SetTileSizes("vector_reduction", (0, 0, 1 + i % 4)),), after=1))
        else:
            steps = tuple(Step((SetTileSizes("vector_common_parallel", (m, 8 * (1 + j % 2), 0)),)) for j in range(2))
        return CallOutcome(Proposal(steps, request.model))


def counting_caller(pool: ModelPool, activity: Activity, plan: bool = False) -> ModelCaller:
    """A caller whose every model is one shared `CountingProposer`."""
    return ModelCaller(pool, {n: CountingProposer(activity, plan) for n in pool.names})


def _counting_eval(log: list, activity: Activity, fail_steps: bool = False):
    def evaluate(kernel, script):
        with activity.evaluation():
            log.append(script)
        if fail_steps and len(script) == 1:
            return Measurement("k", Status.COMPILE_ERROR), How.COMPILED
        return _ok(1.0 - 0.01 * len(log)), How.COMPILED
    return evaluate


@pytest.mark.parametrize("concurrency", [1, 3])
def test_concurrent_search_spends_budget_exactly_once(fake_kernel, concurrency: int) -> None:
    pool = _pool()
    activity = Activity(await_call=concurrency > 1)
    caller = counting_caller(pool, activity)
    evals: list = []
    config = SearchConfig(children_per_expansion=2, concurrency=concurrency)
    search = KernelSearch(fake_kernel, "llvm-cpu", caller, _counting_eval(evals, activity), _ok(1.0), config)
    with LocalExecutor(search.evaluate, workers=2) as ex:
        search.run(budget=10, submit=ex.submit if concurrency > 1 else None)
    keys = [n.key for n in search.tree.nodes]
    assert search.evaluated == 10 == len(evals) and len(keys) == len(set(keys))
    assert all(not n.busy and n.virtual == 0 for n in search.tree.nodes)
    # Serial: no model call is ever in flight with a candidate; concurrent: calls overlap candidates.
    assert activity.overlapped == (concurrency > 1)


def test_plan_steps_wait_for_their_dependency(fake_kernel) -> None:
    pool = _pool()
    activity = Activity()
    caller = counting_caller(pool, activity, plan=True)
    search = KernelSearch(fake_kernel, "llvm-cpu", caller, _counting_eval([], activity), _ok(1.0),
                          SearchConfig(uct=UCTConfig(widening=0.0), concurrency=2))
    with LocalExecutor(search.evaluate, workers=2) as ex:
        search.run(budget=4, submit=ex.submit)
    second = [n for n in search.tree.nodes if n.script.transforms and n.script.transforms[-1].level == "vector_reduction"]
    assert second
    for n in second:  # made from step 1's result, after it was measured
        assert n.parent is not None and n.parent.id < n.id and n.parent.expanded_by
        assert n.parent.script.transforms[-1].level == "vector_common_parallel"


def test_plan_step_after_failed_dependency_is_not_run(fake_kernel) -> None:
    pool = _pool()
    activity = Activity()
    caller = counting_caller(pool, activity, plan=True)
    log: list = []
    search = KernelSearch(fake_kernel, "llvm-cpu", caller, _counting_eval(log, activity, fail_steps=True), _ok(1.0),
                          SearchConfig(course_alteration_k=0))
    search.run(budget=3)
    assert all(len(n.script) <= 1 for n in search.tree.nodes)  # step 2 of each plan never ran
    assert search.stop_reason


def _offline_search(kernel, budget: int, machine, max_depth: int = UCTConfig().max_depth) -> KernelSearch:
    from litecoop_mlir.proposers.pool import OFFLINE_ROSTER

    def evaluate(k, script):  # a made-up but deterministic latency: no IREE needed
        return _ok(1.0 + (hash(script.key(k)) % 97) / 100), How.COMPILED

    search = KernelSearch(kernel, "llvm-cpu", ModelCaller(ModelPool(list(OFFLINE_ROSTER))), evaluate, _ok(1.5),
                          SearchConfig(uct=UCTConfig(max_depth=max_depth)), machine=machine)
    search.run(budget=budget)
    return search


def test_offline_search_spends_its_budget_when_no_tile_move_is_legal() -> None:
    """Prime loop bounds (the unaligned matmul): the flags and options are still there to try."""
    from litecoop_mlir.targets.machine import AVX512
    from tests.conftest import make_fake_kernel

    k = make_fake_kernel(127, 251, 509)
    search = _offline_search(k, 12, AVX512)
    assert search.evaluated == 12 and search.stop_reason == "candidate budget reached"
    first = [n.script.describe() for n in search.tree.root.children[:2]]
    assert all("data-tiling=true" in d for d in first), first  # the kernel-class flags are probed first


@pytest.mark.parametrize("machine_name", ["AVX2", "AVX512"])
def test_search_space_exhausted_only_when_no_legal_move_is_untried(machine_name: str) -> None:
    from litecoop_mlir.proposers.builtin import untried_moves
    from litecoop_mlir.targets import machine as machines
    from tests.conftest import make_fake_kernel

    machine = getattr(machines, machine_name)
    k = make_fake_kernel(12, 32, 8)
    search = _offline_search(k, 5000, machine, max_depth=1)  # only the root expands: a finite space
    assert search.stop_reason == "search space exhausted" and search.evaluated < 5000
    assert not untried_moves(k, Script(), "llvm-cpu", machine, search.tree.by_key, 1)
    assert len(search.tree) > len({Script((t,)).key(k) for t in legal_moves(k, Script(), machine=machine)}) // 2
