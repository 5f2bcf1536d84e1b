"""One call: workload -> a shared-tree search per dispatch -> re-measured result and artifacts.

    from litecoop_mlir.optimize import optimize, OptimizeOptions
    result = optimize("kernels/matmul_512.mlir", "runs/mm", OptimizeOptions(budget=64))
    print(result.speedup, result.spec_text)

Each dispatch gets its own tree (one model pool shared by all). A candidate is the whole
module with that dispatch's script applied, compiled, checked against the reference outputs
and benchmarked (local-sync). At the end the best few candidates are re-measured side by side
with the baseline in interleaved rounds with more repetitions; those numbers are the result.
"""

from __future__ import annotations

import math
import shutil
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from litecoop_mlir import __version__
from litecoop_mlir.apply import build_candidate, merge_flags
from litecoop_mlir.errors import LitecoopError
from litecoop_mlir.executor import LocalExecutor
from litecoop_mlir.iree.process import Limits
from litecoop_mlir.iree.runner import benchmark_interleaved
from litecoop_mlir.iree.tools import compiler_version
from litecoop_mlir.measure import Backend, Evaluator, LocalBackend
from litecoop_mlir.models.caller import ModelCaller
from litecoop_mlir.models.pool import OFFLINE_ROSTER, ModelPool, ModelSpec
from litecoop_mlir.profile import ModuleProfile, Profiler
from litecoop_mlir.records import Candidate, EventKind, How, Measurement, Status, dumps, failure
from litecoop_mlir.report import write_report
from litecoop_mlir.search.mcts import Event, KernelSearch, SearchConfig
from litecoop_mlir.spec import export_spec
from litecoop_mlir.store import SCHEMA_VERSION, RunStore, source_hash
from litecoop_mlir.targets.strategy import make_target
from litecoop_mlir.transforms import IllegalTransform, Script
from litecoop_mlir.whole_module import (
    MIN_SHARE,
    DispatchPlan,
    collect_options,
    compose,
    median_of_timed,
    plan_dispatches,
    save_pareto,
    spend_budget,
)
from litecoop_mlir.workload import Kernel, Workload, load_workload

#: Candidates beyond tolerance but within this error are still timed (for the Pareto set).
INEXACT_TIMED_UP_TO = 0.05


@dataclass(frozen=True)
class OptimizeOptions:
    """What to search and how.

    Attributes:
        target / arch / function: as on the command line.
        roster: the model pool (None: the built-in offline proposers).
        cost_basis: `params` or `price` (for phi in the selection score).
        budget: candidates to evaluate; in a whole module spent in rounds where the time is.
        time_budget_s: optional wall-clock limit for the search.
        search: UCT and expansion tunables.
        seed: inputs, random proposers.
        search_repetitions: benchmark repetitions per candidate during the search.
        final_rounds / repetitions: the side-by-side re-measurement of the finalists.
        finalists: candidates per dispatch re-measured at the end.
        min_share: in a whole module, dispatches under this share of the dispatch time are skipped.
        pareto_points: composed modules built and measured for the Pareto set.
        workers: compile workers when search.concurrency > 1 (default: the number of cores).
        executor: `local` (subprocesses here) or `ray` (compiles on Ray CPU workers,
            runs and benchmarks on the node holding the `litecoop_device` resource).
        ray_address: an existing Ray cluster (default: start a local instance).
        limits: timeout and memory limit of every subprocess.
    """

    target: str = "llvm-cpu"
    arch: str = ""
    function: str | None = None
    roster: tuple[ModelSpec, ...] | None = None
    cost_basis: str = "params"
    budget: int = 64
    time_budget_s: float | None = None
    search: SearchConfig = field(default_factory=SearchConfig)
    seed: int = 0
    search_repetitions: int = 5
    final_rounds: int = 3
    repetitions: int = 10
    finalists: int = 3
    workers: int | None = None
    min_share: float = MIN_SHARE
    pareto_points: int = 5
    executor: str = "local"
    ray_address: str | None = None
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        if self.budget < 1:
            raise ValueError("budget must be at least 1 candidate")
        if self.time_budget_s is not None and self.time_budget_s <= 0:
            raise ValueError("time budget must be positive")
        if self.executor not in ("local", "ray"):
            raise ValueError("executor must be local or ray")
        if self.repetitions < 1 or self.search_repetitions < 1 or self.final_rounds < 1 or self.finalists < 1:
            raise ValueError("repetitions, rounds and finalists must be at least 1")


@dataclass
class DispatchResult:
    """What the search found for one dispatch."""

    kernel: Kernel
    search: KernelSearch
    budget: int

    @property
    def best_node(self):
        return self.search.tree.best()

    def to_json(self) -> dict[str, Any]:
        s, best = self.search, self.best_node
        return {
            "executable": self.kernel.executable,
            "kernel": self.kernel.summary(),
            "measured_as": "whole module with only this dispatch changed",
            "baseline_ms": s.baseline_ms,
            "best_ms": best.latency_ms if best else None,
            "speedup_in_search": s.baseline_ms / best.latency_ms if best and best.latency_ms else None,
            "best_script": best.script.to_json() if best else [],
            "best_found_by": best.expanded_by if best else "",
            "budget": self.budget,
            "candidates": s.evaluated,
            "cache_hits": s.cache_hits,
            "rejected_before_compile": s.rejected,
            "model_calls": s.calls,
            "nodes": len(s.tree),
            "course_alterations": s.course_alterations,
            "stop_reason": s.stop_reason,
        }


@dataclass
class OptimizeResult:
    """The outcome of `optimize`: best scripts, measurements, model statistics, artifacts."""

    workload: Workload
    dispatches: list[DispatchResult]
    best_scripts: dict[Kernel, Script]
    baseline_ms: float
    best_ms: float
    rounds_ms: dict[str, list[float]]
    pool: ModelPool
    spec_text: str
    work_dir: Path
    wall_s: float
    search_s: float
    failures: dict[str, int]
    notes: list[str]
    compile_flags: list[str]
    best_measurement: Measurement | None
    executor: dict[str, Any] = field(default_factory=lambda: {"kind": "local"})
    whole_module: dict[str, Any] | None = None

    @property
    def speedup(self) -> float:
        return self.baseline_ms / self.best_ms if self.best_ms > 0 else float("nan")

    def to_json(self) -> dict[str, Any]:
        pool = self.pool
        w = self.workload
        return {
            "tool": f"litecoop-mlir {__version__}",
            "compiler": compiler_version(),
            "input": w.filename,
            "function": w.function,
            "target": w.target.name,
            "base_flags": list(w.base_flags),
            "baseline_ms": self.baseline_ms,
            "best_ms": self.best_ms,
            "speedup": self.speedup,
            "measurement": "whole module, local-sync, median of per-round medians; baseline and best interleaved",
            "rounds_ms": self.rounds_ms,
            "candidates": sum(d.search.evaluated for d in self.dispatches),
            "cache_hits": sum(d.search.cache_hits for d in self.dispatches),
            "failures": self.failures,
            "wall_s": round(self.wall_s, 2),
            "search_s": round(self.search_s, 2),
            "models": pool.summary(),
            "cost_basis": pool.cost_basis,
            "largest_model": pool.largest if pool.ranked_by_cost else None,
            "largest_model_share": pool.largest_model_share(),
            "total_cost_usd": round(sum(s.cost_usd for s in pool.stats.values()), 8),
            "model_calls": pool.total_calls(),
            "dispatches": [d.to_json() for d in self.dispatches],
            "best_scripts": {k.executable: s.to_json() for k, s in self.best_scripts.items()},
            "best_numerics": (
                {"max_abs_error": self.best_measurement.max_abs_error, "max_rel_error": self.best_measurement.max_rel_error,
                 "size_bytes": self.best_measurement.size_bytes} if self.best_measurement else None
            ),
            "compile_flags": self.compile_flags,
            "executor": self.executor,
            "whole_module": self.whole_module,
            "notes": self.notes,
        }


def _backend(options: OptimizeOptions) -> Backend:
    if options.executor == "ray":
        from litecoop_mlir.ray_backend import RayBackend

        return RayBackend(options.ray_address)
    return LocalBackend()


def _open_store(work: Path, workload: Workload, options: OptimizeOptions, resume: bool) -> RunStore:
    """The work directory's run store: new, or (with `resume`) the same run's."""
    if RunStore.exists(work) and not resume:
        raise LitecoopError(f"{work}: error: this work directory already holds a run; "
                            "add --resume to continue it, or choose another --work-dir")
    store = RunStore.in_dir(work)
    identity = {"source_sha256": source_hash(workload.source), "target": workload.target.name, "arch": options.arch,
                "function": workload.function, "base_flags": list(workload.base_flags), "compiler": compiler_version()}
    store.check_identity(identity)
    store.set_meta(schema_version=SCHEMA_VERSION, input=workload.filename, source=workload.source, **identity,
                   options={"budget": options.budget, "seed": options.seed, "cost_basis": options.cost_basis,
                            "models": [s.name for s in (options.roster or OFFLINE_ROSTER)],
                            "lambda": options.search.uct.lam, "exploration": options.search.uct.exploration,
                            "children": options.search.children_per_expansion,
                            "course_alteration_k": options.search.course_alteration_k})
    return store


def _store_events(store: RunStore, pool: ModelPool, index: int, kernel: Kernel,
                  on_event: Callable[[Kernel, Event], None]) -> Callable[[Event], None]:
    """Record each search event in the store as it happens, then pass it on."""

    def handle(e: Event) -> None:
        if e.kind is EventKind.CANDIDATE and e.node is not None:
            m = e.node.measurement
            if m is not None and m.key and e.how == How.COMPILED:
                store.put_measurement(m.key, m)
            store.put_node(index, e.node, e.how, e.hit)
        elif e.kind is EventKind.CALL and e.node is not None and e.outcome is not None:
            o = e.outcome
            store.add_call(index, e.node.id, e.text, o, pool.by_name[e.text].cost(o.prompt_tokens, o.completion_tokens))
        elif e.kind is EventKind.EXPANDED and e.node is not None:
            store.update_node_state(index, e.node)
        on_event(kernel, e)

    return handle


def optimize(
    source: str,
    work_dir: str | Path,
    options: OptimizeOptions = OptimizeOptions(),
    *,
    on_event: Callable[[Kernel, Event], None] = lambda k, e: None,
    resume: bool = False,
) -> OptimizeResult:
    """Search every dispatch of the module at `source` (a path, or '-' for stdin) and write
    `spec.mlir`, `best.vmfb`, `summary.json`, `candidates.jsonl`, `report.html` and the run
    store `run.db` into `work_dir`. With `resume`, continue the run stored there: nothing
    measured is measured again and the budget counts what was already spent."""
    t0 = time.monotonic()
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    target = make_target(options.target, options.arch)
    workload = load_workload(source, target, function=options.function, limits=options.limits)
    kernels = workload.kernels()
    store = _open_store(work, workload, options, resume)
    (work / "input.mlir").write_text(workload.source)
    pool = ModelPool(list(options.roster or OFFLINE_ROSTER), cost_basis=options.cost_basis)
    for name, stats in store.model_stats().items():  # statistics carry on across a resume
        if name in pool.stats:
            pool.record(name, **{k: v or 0 for k, v in stats.items()})
    caller = ModelCaller(pool)
    backend = _backend(options)
    evaluator = Evaluator(workload, work / "eval", seed=options.seed, repetitions=options.search_repetitions,
                          min_time_s=0.05, backend=backend, time_inexact_up_to=INEXACT_TIMED_UP_TO)
    evaluator.cache.update(store.measurements())
    baseline = evaluator.baseline()
    if baseline.compile_only:
        raise LitecoopError(f"error: cannot search for {target.name}: {baseline.error}; the search needs timings "
                            "(use --baseline-only or --apply for compile-only checks)")
    if not baseline.ok:
        raise LitecoopError(f"error: the baseline did not run ({baseline.status.value}): {baseline.error}")
    store.put_measurement(baseline.key, baseline)

    def evaluate(kernel: Kernel, script: Script) -> tuple[Measurement, str]:
        try:
            cand = build_candidate(workload, {kernel: script})
        except (IllegalTransform, LitecoopError) as exc:
            return failure(Status.INVALID, str(exc)), How.REJECTED
        hit = evaluator.key_of(cand) in evaluator.cache
        return evaluator.evaluate(cand), How.CACHED if hit else How.COMPILED

    dispatches: list[DispatchResult] = []
    stored = store.nodes()
    calls_by_dispatch = Counter(c["dispatch"] for c in store.calls())
    searches: dict[int, KernelSearch] = {}
    for i, kernel in enumerate(kernels):
        search = KernelSearch(kernel, target.name, caller, evaluate, baseline, options.search,
                              on_event=_store_events(store, pool, i, kernel, on_event))
        search.restore([r for r in stored if r.dispatch == i], calls_by_dispatch.get(i, 0))
        store.add_dispatch(i, kernel.executable, {"summary": kernel.summary(), "kind": kernel.kind,
                                                  "loop_bounds": list(kernel.loop_bounds)})
        store.put_node(i, search.tree.root, How.COMPILED)
        searches[i] = search
        dispatches.append(DispatchResult(kernel, search, 0))
    deadline = t0 + options.time_budget_s if options.time_budget_s else None
    executor = LocalExecutor(evaluate, options.workers) if options.search.concurrency > 1 else None

    def run(search: KernelSearch, total: int, until: float | None) -> None:
        search.run(total, until, submit=executor.submit if executor else None)

    notes: list[str] = []
    whole: dict[str, Any] | None = None
    base_profile: ModuleProfile | None = None
    profiler = Profiler(workload, work / "profiles", repetitions=options.search_repetitions)
    try:
        if len(kernels) == 1:
            run(searches[0], options.budget, deadline)
        else:
            base_profile = profiler.profile(Candidate(workload.source), "baseline")
            if not base_profile.ok:
                notes.append(f"the per-dispatch profile failed ({base_profile.error or 'an executable did not time'}); "
                             "the budget is shared without time shares and no Pareto set is built")
            plans = plan_dispatches(kernels, base_profile, options.min_share)
            allocation = spend_budget(plans, searches, options.budget, baseline.median_ms, deadline, run)
            for plan in plans:
                if plan.skipped:
                    searches[plan.index].stop_reason = f"skipped: {plan.skipped}"
            whole = {"dispatches": [p.to_json() for p in plans], "allocation": allocation,
                     "skipped": [{"executable": p.kernel.executable, "why": p.skipped} for p in plans if p.skipped]}
    finally:
        if executor is not None:
            executor.shutdown()
    for d in dispatches:
        d.budget = d.search.evaluated

    search_s = time.monotonic() - t0
    if base_profile is not None and base_profile.ok:
        best_scripts, best_ms, rounds, best_m = _finalize_module(
            workload, evaluator, kernels, plans, searches, profiler, base_profile, baseline, options, notes, work, whole)
    else:
        best_scripts, best_ms, rounds, best_m = _finalize(workload, evaluator, dispatches, baseline, options, notes)
    export = export_spec(workload, {k: s for k, s in best_scripts.items() if s.transforms}, work)
    notes.extend(export.notes)
    vmfb = Path(best_m.vmfb) if best_m is not None else Path(baseline.vmfb)
    shutil.copyfile(vmfb, work / "best.vmfb")
    failures = Counter(n.status for d in dispatches for n in d.search.tree.nodes[1:] if not n.ok)
    result = OptimizeResult(
        workload=workload, dispatches=dispatches, best_scripts=best_scripts, baseline_ms=statistics.median(rounds["baseline"]),
        best_ms=best_ms, rounds_ms=rounds, pool=pool, spec_text=export.spec_path.read_text(), work_dir=work,
        wall_s=time.monotonic() - t0, search_s=search_s, failures=dict(failures), notes=notes,
        compile_flags=[str(f) for f in export.compile_flags(target.name)], best_measurement=best_m,
        executor={"kind": "local", "concurrency": options.search.concurrency,
                  **(backend.describe() if hasattr(backend, "describe") else {})},
        whole_module=whole,
    )
    summary = result.to_json()
    summary["wall_s_all_sessions"] = round(store.meta().get("wall_s_all_sessions", 0.0) + result.wall_s, 2)
    summary["sessions"] = store.meta().get("sessions", 0) + 1
    store.set_meta(wall_s_all_sessions=summary["wall_s_all_sessions"], sessions=summary["sessions"])
    (work / "summary.json").write_text(dumps(summary, indent=1) + "\n")
    store.set_meta(summary=summary)
    write_candidates_jsonl(store, work / "candidates.jsonl")
    write_report(work, store, dict(enumerate(kernels)))
    store.close()
    return result


def write_candidates_jsonl(store: RunStore, path: Path) -> int:
    """One JSON line per measured node (root = the baseline) for other tools; returns the count."""
    names = {i: exe for i, exe, _ in store.dispatches()}
    n = 0
    with path.open("w") as f:
        for r in store.nodes():
            m = r.measurement
            row = {"dispatch": names.get(r.dispatch, r.dispatch), "node": r.id, "parent": r.parent, "script": r.script,
                   "expanded_by": r.expanded_by, "how": r.how, "status": r.status, "median_ms": r.median_ms}
            if m is not None:
                row.update(min_ms=m.min_ms, spread=m.spread, max_rel_error=m.max_rel_error, size_bytes=m.size_bytes,
                           compile_s=m.compile_s, error=m.error)
            f.write(dumps(row) + "\n")
            n += 1
    return n


def _finalize(
    workload: Workload,
    evaluator: Evaluator,
    dispatches: list[DispatchResult],
    baseline: Measurement,
    options: OptimizeOptions,
    notes: list[str],
) -> tuple[dict[Kernel, Script], float, dict[str, list[float]], Measurement | None]:
    """Pick the finalists, re-measure them side by side with the baseline, keep the best."""
    finalists: dict[str, tuple[dict[Kernel, Script], Measurement]] = {}
    if len(dispatches) == 1:
        d = dispatches[0]
        for n in [n for n in d.search.tree.ranked() if n.script.transforms][: options.finalists]:
            finalists[f"candidate {n.id}"] = ({d.kernel: n.script}, n.measurement)  # type: ignore[assignment]
    else:
        combined = _combine(dispatches, notes)
        if combined:
            try:
                m = evaluator.evaluate(build_candidate(workload, combined))
            except (IllegalTransform, LitecoopError) as exc:
                notes.append(f"combining the dispatches' best scripts failed: {exc}")
            else:
                if m.ok:
                    finalists["combined"] = (combined, m)
                else:
                    notes.append(f"the combined candidate failed ({m.status.value}: {m.error})")
    vmfbs = {"baseline": Path(baseline.vmfb), **{name: Path(m.vmfb) for name, (_, m) in finalists.items()}}
    rounds = benchmark_interleaved(vmfbs, workload.function, evaluator.inputs, workload.target, workload.limits,
                                   rounds=options.final_rounds, repetitions=options.repetitions,
                                   benchmark=evaluator.backend.benchmark)
    med = {name: median_of_timed(v, math.inf) for name, v in rounds.items()}
    best_name = min(finalists, key=lambda n: med[n], default=None)
    if best_name is None or not med[best_name] < med["baseline"]:
        notes.append("no candidate beat IREE's default configuration when re-measured; the result is the baseline")
        return {d.kernel: Script() for d in dispatches}, med["baseline"], {"baseline": rounds["baseline"], **{f"{n} (not kept)": rounds[n] for n in finalists}}, None
    scripts, m = finalists[best_name]
    return scripts, med[best_name], {"baseline": rounds["baseline"], "best": rounds[best_name],
                                     **{f"{n} (not kept)": rounds[n] for n in finalists if n != best_name}}, m


def _finalize_module(
    workload: Workload,
    evaluator: Evaluator,
    kernels: list[Kernel],
    plans: list[DispatchPlan],
    searches: dict[int, KernelSearch],
    profiler: Profiler,
    base_profile: ModuleProfile,
    baseline: Measurement,
    options: OptimizeOptions,
    notes: list[str],
    work: Path,
    whole: dict[str, Any] | None,
) -> tuple[dict[Kernel, Script], float, dict[str, list[float]], Measurement | None]:
    """Profile the dispatches' options, compose and measure modules, save the Pareto set;
    the result is its fastest point within tolerance (the baseline if none beats it)."""
    # the baseline is timed again next to its options: the machine may have drifted since the search began
    again = profiler.retime(base_profile)
    base_profile = again if again.ok else base_profile
    opts = collect_options(workload, plans, searches, profiler, baseline.median_ms, options.finalists + 1, notes)
    outcome = compose(workload, evaluator, kernels, opts, base_profile, baseline, points=options.pareto_points,
                      rounds=options.final_rounds, repetitions=options.repetitions, notes=notes)
    path, front = save_pareto(work, workload, outcome)
    base_point = outcome.points[0]
    exact = [p for p in outcome.points[1:] if p.measurement.ok]
    best = min(exact, key=lambda p: p.latency_ms, default=None)
    rounds = {"baseline": base_point.rounds_ms}
    for p in outcome.points[1:]:
        rounds[p.name if p is best else f"{p.name} (not kept)"] = p.rounds_ms
    if whole is not None:
        whole["proxy"] = outcome.proxy.to_json() if outcome.proxy else None
        whole["composed"] = [p.to_json() for p in outcome.points]
        held_out = outcome.held_out_errors()
        whole["proxy_held_out"] = {"modules": len(held_out), "max_abs_error": max(map(abs, held_out), default=None),
                                   "median_abs_error": statistics.median(map(abs, held_out)) if held_out else None}
        whole["options_profiled"] = {kernels[i].executable: len(o) for i, o in opts.items()}
        whole["pareto"] = {"path": str(path.relative_to(work)), "points": len(front)}
        whole["profiler"] = {"compiles": profiler.compiles, "executables_timed": len(profiler.times)}
    if best is None or not best.latency_ms < base_point.latency_ms:
        notes.append("no composed module beat IREE's default configuration when re-measured; the result is the baseline")
        return {k: Script() for k in kernels}, base_point.latency_ms, rounds, None
    rounds["best"] = rounds.pop(best.name)
    return best.scripts, best.latency_ms, rounds, best.measurement


def _combine(dispatches: list[DispatchResult], notes: list[str]) -> dict[Kernel, Script]:
    """Each dispatch's best script (when it beat the baseline), biggest gain first, skipping
    scripts whose module-wide flags conflict with ones already taken."""
    gains = []
    for d in dispatches:
        best = d.best_node
        if best is not None and best.script.transforms and best.latency_ms < d.search.baseline_ms:
            gains.append((d.search.baseline_ms - best.latency_ms, d.kernel, best.script))
    taken: dict[Kernel, Script] = {}
    for _, kernel, script in sorted(gains, key=lambda g: -g[0]):
        try:
            merge_flags({**taken, kernel: script})
        except IllegalTransform as exc:
            notes.append(f"left out {kernel.executable}'s best script: {exc}")
            continue
        taken[kernel] = script
    return taken


