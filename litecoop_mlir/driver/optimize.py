"""One call: workload -> a shared-tree search per dispatch -> re-measured result and artifacts.

    from litecoop_mlir.driver.optimize import optimize, OptimizeOptions
    result = optimize("kernels/matmul_512.mlir", "runs/mm", OptimizeOptions(budget=64))
    print(result.speedup, result.spec_text)

Each dispatch gets its own tree (one model pool shared by all). A candidate is the whole
module with that dispatch's script applied, compiled, checked against the reference outputs
and benchmarked (local-sync). At the end each dispatch's best few candidates, and compositions
of them where there are several dispatches, are re-measured side by side with the baseline in
interleaved rounds with more repetitions; those numbers are the result and the Pareto set."""

from __future__ import annotations

import contextlib
import dataclasses
import math
import shutil
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.core.records import Candidate, EventKind, How, Measurement, Status, failure
from litecoop_mlir.db.keys import dispatch_key
from litecoop_mlir.db.run_store import RunStore
from litecoop_mlir.db.tuning_db import TuningDB, default_path
from litecoop_mlir.driver.options import INEXACT_TIMED_UP_TO, DispatchResult, OptimizeOptions, OptimizeResult
from litecoop_mlir.driver.reuse import Reuse, consult, record_kept
from litecoop_mlir.driver.setup import make_backend, open_store, prepare_work_dir, usable_roster
from litecoop_mlir.driver.time_plan import TimePlan
from litecoop_mlir.export.artifacts import ExportCheck, check_export, write_run_artifacts
from litecoop_mlir.export.spec import SpecExport, export_spec
from litecoop_mlir.ir.workload import Kernel, Workload, load_workload
from litecoop_mlir.measure.backend import Backend, Evaluator
from litecoop_mlir.measure.executor import LocalExecutor
from litecoop_mlir.measure.profile import ModuleProfile, Profiler
from litecoop_mlir.measure.rounds import median_of_timed
from litecoop_mlir.module.confirm import Confirmed, confirm_speedup
from litecoop_mlir.module.pareto import Proxy
from litecoop_mlir.module.pass_pipeline_level import final_comparison
from litecoop_mlir.module.whole_module import (
    DispatchPlan,
    ModuleOutcome,
    Point,
    collect_options,
    compose,
    plan_dispatches,
    save_pareto,
    spend_budget,
)
from litecoop_mlir.proposers.caller import ModelCaller
from litecoop_mlir.proposers.pool import ModelPool
from litecoop_mlir.search.mcts import Evaluate, Event, KernelSearch
from litecoop_mlir.space.apply import build_candidate
from litecoop_mlir.space.moves import script_conversion
from litecoop_mlir.space.pass_pipelines import Pipeline
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.script_knobs import unsupported_reason
from litecoop_mlir.space.vocabulary import IllegalTransform
from litecoop_mlir.targets.strategy import make_target, strategy_for, timed_on


def _store_events(run: "_Run", index: int, kernel: Kernel, baseline_ms: float,
                  on_event: Callable[[Kernel, Event], None]) -> Callable[[Event], None]:
    """Record each search event in the store (and each measured candidate in the tuning
    database) as it happens, then pass it on."""
    store, pool = run.store, run.pool
    key = dispatch_key(run.workload, kernel) if run.db is not None else None

    def handle(e: Event) -> None:
        if e.kind is EventKind.CANDIDATE and e.node is not None:
            m = e.node.measurement
            if m is not None and m.key and e.how in (How.COMPILED, How.DATABASE, How.DUPLICATE) and m.status is not Status.INTERRUPTED:
                store.put_measurement(m.key, m)  # (an interrupted one is recorded as such, but not as a result)
                if run.db is not None and key is not None:
                    run.db.record_measured(key, e.node.key, e.node.script.to_json(), m, baseline_ms,
                                           changes_numerics=e.node.script.changes_numerics(), kernel=kernel.summary(),
                                           module=run.workload.filename, run=run.run_id)
            store.put_node(index, e.node, e.how, e.hit)
        elif e.kind is EventKind.CALL and e.node is not None and e.outcome is not None:
            o = e.outcome
            store.add_call(index, e.node.id, e.text, o, pool.by_name[e.text].cost(o.prompt_tokens, o.completion_tokens))
        elif e.kind is EventKind.EXPANDED and e.node is not None:
            store.update_node_state(index, e.node)
        store.touch_session()
        on_event(kernel, e)

    return handle


@dataclass
class _Run:
    """What the phases of one `optimize` call share: the workload and the services measuring it."""

    options: OptimizeOptions
    work: Path
    workload: Workload
    kernels: list[Kernel]
    store: RunStore
    pool: ModelPool
    caller: ModelCaller
    backend: Backend
    evaluator: Evaluator
    profiler: Profiler
    t0: float
    plan: TimePlan  # how --time-budget is shared
    notes: list[str] = field(default_factory=list)
    phases_s: dict[str, float] = field(default_factory=dict)
    db: TuningDB | None = None
    reuse: dict[int, Reuse] = field(default_factory=dict)
    db_summary: dict[str, Any] | None = None
    default: Evaluator | None = None  # IREE's default build (the reference) under a pipeline
    default_baseline: Measurement | None = None

    @property
    def run_id(self) -> str:
        """This run in the tuning database: its work directory."""
        return str(self.work.resolve())

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time one phase of the run (summary.json: `phases_s`)."""
        t = time.monotonic()
        try:
            yield
        finally:
            self.phases_s[name] = round(time.monotonic() - t, 2)


@dataclass
class _Searched:
    """The search phase's outcome: one search per dispatch and how the budget was placed."""

    dispatches: list[DispatchResult]
    searches: dict[int, KernelSearch]
    plans: list[DispatchPlan]
    profile: ModuleProfile | None
    whole: dict[str, Any] | None
    search_s: float


@dataclass
class _Final:
    """The finalize phase's outcome: the kept point, its exported and checked artifacts, and
    the side-by-side measurement."""

    scripts: dict[Kernel, Script]
    baseline_ms: float
    best_ms: float
    rounds: dict[str, list[float]]
    measurement: Measurement | None
    kept: str
    export: SpecExport
    check: ExportCheck
    confirmed: Confirmed | None = None


def optimize(
    source: str,
    work_dir: str | Path,
    options: OptimizeOptions = OptimizeOptions(),
    *,
    on_event: Callable[[Kernel, Event], None] = lambda k, e: None,
    resume: bool = False,
) -> OptimizeResult:
    """Search every dispatch of the module at `source` (a path, or '-' for stdin) and write
    `spec.mlir`, `best.vmfb`, `summary.json`, `candidates.jsonl`, `report.html`, `pareto.json`
    and the run store `run.db` into `work_dir`. With `resume`, continue the run stored there:
    nothing measured is measured again and the budget counts what was already spent.

    Phases: load -> baseline -> search -> finalize -> artifacts.
    """
    run = _load(source, Path(work_dir), options, resume)
    try:
        with run.phase("baseline"):
            baseline = _measure_baseline(run)
        with run.phase("search"):
            searched = _search(run, baseline, on_event)
        _report_model_losses(run, searched)
        _announce_finalize(run, on_event)
        with run.phase("finalize"):
            final = _finalize(run, searched, baseline)
        _record_kept(run, searched, final)
        return _write_results(run, searched, final, baseline)
    except KeyboardInterrupt:  # SIGINT/SIGTERM/SIGHUP: say in the store what was being measured
        _record_interrupted(run)
        raise
    finally:
        run.store.close()
        run.backend.close()
        if run.db is not None:
            run.db.close()


def _announce_finalize(run: _Run, on_event: Callable[[Kernel, Event], None]) -> None:
    """One line before the final measurement, which takes minutes on a whole module."""
    o = run.options
    text = (f"finalizing: up to {o.finalists} candidates per dispatch and their compositions, re-measured beside the "
            f"baseline in {o.final_rounds} interleaved rounds of {o.repetitions}, then the export rebuilt with plain "
            "iree-compile and checked")
    for kernel in run.kernels[:1]:
        on_event(kernel, Event(EventKind.NOTE, text))


def _report_model_losses(run: _Run, searched: _Searched) -> None:
    """Note the models dropped during the search; a search left with no usable model and no fallback allowed fails the run (exit 1)."""
    run.notes.extend(f"model {n} was dropped for the rest of the run: it {why}" for n, why in run.pool.dropped.items())
    stopped = [d.search.stop_reason for d in searched.dispatches if d.search.stop_reason.startswith("all models unavailable")]
    if stopped and not run.options.search.fallback:
        raise LitecoopError(f"error: no model of the roster could be used and --no-fallback forbids the built-in "
                            f"proposers ({stopped[0].partition(': ')[2]})")


def _record_interrupted(run: _Run) -> None:
    """Record the candidates in flight when the run was stopped (their children were killed):
    not results, so a resumed run measures them again."""
    keys = run.evaluator.interrupted()
    log = run.store.meta().get("interrupted") or []
    run.store.set_meta(interrupted=[*log, {"t": time.time(), "candidates": keys}])


def _load(source: str, work: Path, options: OptimizeOptions, resume: bool) -> _Run:
    """Read the module, open (or resume) the run store, and set up the pool and the measuring services."""
    t0 = options.started if options.started is not None else time.monotonic()
    prepare_work_dir(work)
    notes: list[str] = []
    roster = usable_roster(options, notes)
    target = make_target(options.target, options.arch)
    workload = load_workload(source, target, function=options.function, limits=options.limits,
                             pipeline_flags=options.pipeline.flags() if options.pipeline else ())
    kernels = workload.kernels()
    if not kernels:
        raise LitecoopError(f"{workload.filename}: error: IREE forms no dispatch from this module (it only moves or "
                            f"returns data): there is nothing to tune for {target.name}")
    store = open_store(work, workload, options, resume)
    (work / "input.mlir").write_text(workload.source)
    pool = ModelPool(roster, cost_basis=options.cost_basis)
    for name, stats in store.model_stats().items():  # statistics carry on across a resume
        if name in pool.stats:
            pool.record(name, **{k: v or 0 for k, v in stats.items()})
    backend = make_backend(options)
    evaluator = Evaluator(workload, work / "eval", seed=options.seed, repetitions=options.search_repetitions,
                          min_time_s=0.05, backend=backend, time_inexact_up_to=INEXACT_TIMED_UP_TO)
    evaluator.cache.update(store.measurements())
    profiler = Profiler(workload, work / "profiles", backend=backend, repetitions=options.search_repetitions)
    run = _Run(options, work, workload, kernels, store, pool, ModelCaller(pool), backend, evaluator, profiler, t0,
               TimePlan(options, t0, len(kernels), evaluator), notes)
    if options.db != "":
        run.db = TuningDB(options.db or default_path())
        if run.db.read_only:
            notes.append(f"the tuning database {run.db.path} is read-only: it serves this run, but keeps nothing of it")
    run.phases_s["load"] = round(time.monotonic() - t0, 2)
    return run


def _measure_baseline(run: _Run) -> Measurement:
    """IREE's default configuration, measured: the reference for numbers and speed. Under a
    pass pipeline, the pipeline's module is the baseline of the codegen search, and its numbers
    (and every candidate's) are checked against IREE's default build."""
    if run.workload.pipeline_flags:
        default = dataclasses.replace(run.workload, base_flags=run.workload.baseline_flags, pipeline_flags=(),
                                      _configured={}, _kernels={}, _reshaped={})
        reference = Evaluator(default, run.work / "eval" / "default", seed=run.options.seed, repetitions=1, backend=run.backend)
        first = reference.baseline()
        if not first.ok:
            raise LitecoopError(f"error: IREE's default build, the numerical reference, did not run: {first.error}")
        run.evaluator.use_reference(reference)
        run.default, run.default_baseline = reference, first
    baseline = run.evaluator.baseline()
    if baseline.compile_only:
        raise LitecoopError(f"error: cannot search for {run.workload.target.name}: {baseline.error}; the search needs "
                            "timings (use --baseline-only or --apply for compile-only checks)")
    if not baseline.ok:
        what = "the pipeline's build" if run.workload.pipeline_flags else "the baseline"
        raise LitecoopError(f"error: {what} did not run ({baseline.status.value}): {baseline.error}")
    run.store.put_measurement(baseline.key, baseline)
    return baseline


def _evaluate_fn(run: _Run) -> Evaluate:
    """The search's view of the evaluator: a script of one dispatch -> (measurement, how it was obtained)."""

    def evaluate(kernel: Kernel, script: Script) -> tuple[Measurement, How]:
        try:
            cand = build_candidate(run.workload, {kernel: script})
        except (IllegalTransform, LitecoopError) as exc:
            return failure(Status.INVALID, str(exc)), How.REJECTED
        hit = run.evaluator.key_of(cand) in run.evaluator.cache
        m = run.evaluator.evaluate(cand)
        return m, How.CACHED if hit else How.DUPLICATE if m.duplicate_of else How.COMPILED

    return evaluate


def _make_searches(run: _Run, baseline: Measurement, evaluate: Evaluate,
                   on_event: Callable[[Kernel, Event], None]) -> dict[int, KernelSearch]:
    """One search tree per dispatch, restored from the store when resuming."""
    stored = run.store.nodes()
    calls_by_dispatch = Counter(c["dispatch"] for c in run.store.calls())
    searches: dict[int, KernelSearch] = {}
    for i, kernel in enumerate(run.kernels):
        search = KernelSearch(kernel, run.workload.target.name, run.caller, evaluate, baseline, run.options.search,
                              on_event=_store_events(run, i, kernel, baseline.median_ms, on_event))
        search.restore([r for r in stored if r.dispatch == i], calls_by_dispatch.get(i, 0))
        run.store.add_dispatch(i, kernel.executable, {"summary": kernel.summary(), "kind": kernel.kind,
                                                      "loop_bounds": list(kernel.loop_bounds)})
        run.store.put_node(i, search.tree.root, How.COMPILED)
        if run.options.search.codegen == "script":
            _root_as_script(run, search)
        searches[i] = search
    return searches


def _root_as_script(run: _Run, search: KernelSearch) -> None:
    """Script mode: the dispatch's tree grows from its codegen script (IREE's configuration as a
    script) only; a dispatch no script covers keeps the attribute search."""
    k = search.kernel
    if unsupported_reason(k, strategy_for(run.workload.target)):
        return
    script = Script(script_conversion(k))
    if script.key(k) not in search.tree.by_key and search.evaluated >= run.options.budget:
        return
    search.seed(script, "script-mode", "IREE's configuration of this dispatch as a codegen script", free=False)
    search.tree.root.exhausted = True


def _consult_db(run: _Run, plans: list[DispatchPlan], searches: dict[int, KernelSearch]) -> None:
    """Before any budget is spent: reuse dispatches the tuning database has tuned (no budget
    for them), and seed the others with what similar dispatches kept."""
    if run.db is None:
        return
    for plan in plans:
        if plan.skipped:
            continue
        reuse = consult(run.db, run.workload, plan.kernel, searches[plan.index], run=run.run_id, retune=run.options.retune,
                        alone=len(plans) == 1)
        if reuse is None:
            continue
        run.reuse[plan.index] = reuse
        if not reuse.searched and reuse.tuned is not None:
            t = reuse.tuned
            plan.reused = f"tuned before ({t.executable} of {t.module}, saved {t.saved_ms:.3f} ms there)"
            searches[plan.index].stop_reason = f"reused from the tuning database: {plan.reused}"


def _profile_baseline(run: _Run, baseline_ms: float) -> ModuleProfile | None:
    """The baseline's per-dispatch profile (None for one dispatch: the module's time is its dispatch's)."""
    if len(run.kernels) == 1:
        return None
    profile = run.profiler.profile(Candidate(run.workload.source), "baseline")
    if not profile.ok:
        profile = profile.completed(baseline_ms, {k.executable: float(k.flops) for k in run.kernels})
        if profile.ok:
            run.notes.append(f"{len(profile.estimated)} of {len(profile.executables)} executables did not time alone "
                             f"({', '.join(profile.estimated)}: IREE could not rebuild their dumped benchmarks); their "
                             "times are what the module's time leaves beyond the others, split by loop volume")
    if profile.ok:
        return profile
    run.notes.append(f"the per-dispatch profile failed ({profile.error or 'an executable did not time'}); the budget is "
                     "shared evenly and compositions are estimated from whole-module measurements")
    return None


def _search(run: _Run, baseline: Measurement, on_event: Callable[[Kernel, Event], None]) -> _Searched:
    """Spend the candidate budget over the dispatches, where the time is (all of it on a single dispatch)."""
    opts = run.options
    evaluate = _evaluate_fn(run)
    searches = _make_searches(run, baseline, evaluate, on_event)
    profile = _profile_baseline(run, baseline.median_ms)
    plans = plan_dispatches(run.kernels, profile or ModuleProfile(error="not profiled"), opts.min_share)
    _consult_db(run, plans, searches)
    deadline = run.plan.search_deadline(baseline)
    if deadline is not None and deadline <= time.monotonic():
        run.notes.append(f"--time-budget {opts.time_budget_s:g} s leaves no time to search this module: loading it, "
                         f"timing its baseline and the final checks take about "
                         f"{time.monotonic() - run.t0 + run.plan.final_floor_s(baseline):.0f} s here")
    executor = LocalExecutor(evaluate, opts.workers) if opts.search.concurrency > 1 else None

    def go(search: KernelSearch, total: int, until: float | None) -> None:
        search.run(total, until, submit=executor.submit if executor else None)

    try:
        allocation = spend_budget(plans, searches, opts.budget, baseline.median_ms, deadline, go)
    finally:
        if executor is not None:
            executor.shutdown()
    for plan in plans:
        if plan.skipped:
            searches[plan.index].stop_reason = f"skipped: {plan.skipped}"
    whole = None if len(run.kernels) == 1 else {
        "dispatches": [p.to_json() for p in plans], "allocation": allocation,
        "skipped": [{"executable": p.kernel.executable, "why": p.skipped} for p in plans if p.skipped]}
    dispatches = [DispatchResult(k, searches[i], searches[i].evaluated) for i, k in enumerate(run.kernels)]
    return _Searched(dispatches, searches, plans, profile, whole, time.monotonic() - run.t0)


def _finalize(run: _Run, searched: _Searched, baseline: Measurement) -> _Final:
    """Re-measure each dispatch's best options side by side with the baseline, composed with
    each other where there are several dispatches, and save the Pareto set; the result is its
    fastest point within tolerance, or the baseline if none beats it. A single dispatch is the
    one-dispatch case: its options are its best candidates and there is nothing to compose."""
    o = run.options
    profile = searched.profile
    if profile is not None:  # timed again next to its options: the machine may have drifted since the search began
        again = run.profiler.retime(profile)
        profile = again if again.ok else profile
    per_dispatch = run.plan.fit_final(baseline) + (1 if profile is not None else 0)
    options = collect_options(run.workload, searched.plans, searched.searches, run.profiler if profile else None, profile,
                              baseline.median_ms, per_dispatch, run.notes)
    outcome = compose(run.workload, run.evaluator, run.kernels, options, profile, baseline, points=o.pareto_points,
                      rounds=o.final_rounds, repetitions=run.plan.final_repetitions, notes=run.notes)
    path, front = save_pareto(run.work, run.workload, outcome, run.backend)
    if searched.whole is not None:
        _describe_whole(searched.whole, run, outcome, options, path, len(front))
    return _export_checked(run, outcome, baseline)


def _describe_whole(whole: dict[str, Any], run: _Run, outcome: ModuleOutcome, options: dict[int, list[Any]],
                    pareto_path: Path, points: int) -> None:
    """The whole-module section of the summary: the proxy, the composed modules and how well the proxy held out."""
    held_out = outcome.held_out_errors()
    whole["proxy"] = outcome.proxy.to_json() if outcome.proxy else None
    whole["composed"] = [p.to_json() for p in outcome.points]
    whole["proxy_held_out"] = {"modules": len(held_out), "max_abs_error": max(map(abs, held_out), default=None),
                               "median_abs_error": statistics.median(map(abs, held_out)) if held_out else None}
    whole["options_profiled"] = {run.kernels[i].executable: len(o) for i, o in options.items()}
    whole["pareto"] = {"path": str(pareto_path.relative_to(run.work)), "points": points}
    base = outcome.proxy.base if isinstance(outcome.proxy, Proxy) else None
    whole["profiler"] = {"compiles": run.profiler.compiles, "executables_timed": len(run.profiler.times),
                         "baseline_estimated": base.estimated if base is not None else None}


def _winners(run: _Run, outcome: ModuleOutcome) -> list[Point]:
    """The measured points that may be the result, fastest first: within tolerance, faster than
    the baseline, not the baseline's own binary, and changing numerics only under --max-error."""
    base = outcome.points[0]
    bound = run.options.max_error
    out = []
    for p in sorted(outcome.points[1:], key=lambda p: p.latency_ms):
        m = p.measurement
        if not m.ok or not p.latency_ms < base.latency_ms:
            continue
        if m.binary and m.binary == base.measurement.binary:
            run.notes.append(f"{p.name} compiles to the baseline's binary: it is the baseline, not a result")
            continue
        numerics = any(s.changes_numerics() for s in p.scripts.values())
        if numerics and (bound is None or not m.numerical_error <= bound):
            run.notes.append(f"{p.name} changes numerics (error {m.numerical_error:.2g}); it is kept only under "
                             "--max-error")
            continue
        out.append(p)
    return out


def _export_checked(run: _Run, outcome: ModuleOutcome, baseline: Measurement) -> _Final:
    """Export the fastest winner and rebuild it with plain iree-compile (compile.sh). What is
    shipped and reported is that rebuilt module: where it runs slower than the searched one, its
    side-by-side time is what the result says; a winner whose rebuild fails, computes other
    numbers or no longer beats the baseline is reported and the next one is tried, down to the baseline."""
    base = outcome.points[0]
    confirmed: Confirmed | None = None
    for p in [*_winners(run, outcome), None]:
        scripts = {k: p.scripts.get(k, Script()) if p is not None else Script() for k in run.kernels}
        m = p.measurement if p is not None else baseline
        export, check = _export_and_rebuild(run, scripts, Path(m.vmfb))
        if p is None:
            break
        rebuilt = p.latency_ms * check.rebuilt_ms / check.best_ms if check.ok else math.inf
        if not check.reproduces and rebuilt < base.latency_ms:
            run.notes.append(f"the plain iree-compile build of {p.name} runs slower than the searched module ({check.detail}); "
                             f"the result is that build, at {rebuilt:.3f} ms")
            m = dataclasses.replace(m, vmfb=str(run.work / "rebuilt.vmfb"), median_ms=rebuilt)
        if check.reproduces or rebuilt < base.latency_ms:
            confirmed = _confirm(run, Path(base.measurement.vmfb), Path(m.vmfb))
            if confirmed.speedup > 1.0:
                break
            run.notes.append(f"{p.name} timed again next to the baseline is not faster ({confirmed.describe()}); "
                             "trying the next point")
            continue
        run.notes.append(f"the exported artifacts of {p.name}, rebuilt by plain iree-compile, do not keep its result "
                         f"({check.detail}); trying the next point")
    if not check.reproduces and p is None:
        run.notes.append(f"even the baseline's artifacts do not reproduce it when rebuilt: {check.detail}")
    if p is None:
        run.notes.append("no candidate beat IREE's default configuration when re-measured; the result is the baseline")
        confirmed = None
    rounds = {"baseline": confirmed.base_ms if confirmed else base.rounds_ms}
    for q in outcome.points[1:]:
        rounds["best" if q is p else f"{q.name} (not kept)"] = confirmed.best_ms if q is p and confirmed else q.rounds_ms
    if confirmed is not None:  # what is reported: the confirming rounds, baseline and kept module interleaved
        base_ms, latency = median_of_timed(confirmed.base_ms), median_of_timed(confirmed.best_ms)
    else:
        base_ms, latency = base.latency_ms, base.latency_ms
    return _Final(scripts, base_ms, latency, rounds, m if p is not None else None,
                  p.name if p is not None else "baseline", export, check, confirmed)


def _confirm(run: _Run, base_vmfb: Path, best_vmfb: Path) -> Confirmed:
    """Baseline and kept module side by side until the speedup's interval is narrow (module.confirm)."""
    o = run.options
    plan = run.plan
    return confirm_speedup(run.evaluator, base_vmfb, best_vmfb, repetitions=plan.final_repetitions, min_rounds=plan.confirm_min_rounds,
                           max_rounds=o.confirm_rounds[1], width=o.confirm_width, deadline=plan.confirm_deadline())


def _export_and_rebuild(run: _Run, scripts: dict[Kernel, Script], best_vmfb: Path) -> tuple[SpecExport, ExportCheck]:
    """Export `scripts` through the tuning spec and check the rebuild; where the spec route does
    not reproduce the measured module, export every configured dispatch by executable
    substitution (the very configured IR the search compiled) and check that instead."""
    o, w = run.options, run.workload
    changed = {k: s for k, s in scripts.items() if s.transforms}

    def attempt(substitute: bool) -> tuple[SpecExport, ExportCheck]:
        export = export_spec(w, changed, run.work, backend=run.backend, substitute=substitute)
        return export, check_export(run.work, w, run.evaluator, best_vmfb, export.compile_flags(w.target),
                                    rounds=o.final_rounds, repetitions=run.plan.final_repetitions)

    export, check = attempt(False)
    if check.reproduces or not export.applied:
        return export, check
    by_spec = check
    export, check = attempt(True)
    if check.reproduces:
        run.notes.append(f"the tuning spec route rebuilt a different module ({by_spec.detail}); the result is exported "
                         "by executable substitution instead")
        return export, check
    if check.ok and (not by_spec.ok or check.rebuilt_ms < by_spec.rebuilt_ms):
        return export, check
    return attempt(False)  # the spec route did better: write its artifacts again


def _record_kept(run: _Run, searched: _Searched, final: _Final) -> None:
    """Record in the tuning database what the result keeps for every dispatch this run searched."""
    if run.db is None:
        return
    mine = {p.index: searched.searches[p.index] for p in searched.plans
            if not p.skipped and not p.reused and searched.searches[p.index].evaluated > 0}
    written = record_kept(run.db, run.workload, mine, final.scripts, final.export, run=run.run_id,
                          baseline_ms=final.baseline_ms, best_ms=final.best_ms)
    run.db_summary = {
        "path": str(run.db.path), "dispatches_recorded": written,
        "reused": [r.to_json() for r in run.reuse.values() if not r.searched],
        "seeded": [r.to_json() for r in run.reuse.values() if r.searched],
        "dispatches_reused": sum(1 for r in run.reuse.values() if not r.searched),
    }


def _pipeline_summary(run: _Run, baseline: Measurement, best_vmfb: Path) -> dict[str, Any] | None:
    """Under a pass pipeline: the pipeline (written to pipeline.txt), its dispatch set against
    the default's, and IREE's default, the pipeline's build and the result timed side by side."""
    o, w = run.options, run.workload
    if o.pipeline is None or run.default is None or run.default_baseline is None:
        return None
    (run.work / "pipeline.txt").write_text(o.pipeline.text() if o.pipeline.name else
                                          Pipeline(o.pipeline.passes, o.pipeline.options, name="searched",
                                                   doc=f"the pipeline of this run on {w.filename}").text())
    side = final_comparison(run.evaluator, run.default_baseline, Path(baseline.vmfb), best_vmfb, o.final_rounds, o.repetitions)
    out = {"pipeline": o.pipeline.describe(), "flags": list(o.pipeline.flags()), "file": "pipeline.txt",
           "dispatches_default": len(run.default.workload.kernels()), "dispatches_pipeline": len(run.kernels), **side}
    return out


def _write_results(run: _Run, searched: _Searched, final: _Final, baseline: Measurement) -> OptimizeResult:
    """Export the spec and the best module, store the summary, and draw every artifact from the store."""
    w = run.workload
    export = final.export
    run.notes.extend(export.notes)
    vmfb = Path(final.measurement.vmfb) if final.measurement is not None else Path(baseline.vmfb)
    shutil.copyfile(vmfb, run.work / "best.vmfb")
    failures = Counter(n.status for d in searched.dispatches for n in d.search.tree.nodes[1:] if not n.ok)
    result = OptimizeResult(
        workload=w, dispatches=searched.dispatches, best_scripts={k.executable: s for k, s in final.scripts.items()}, baseline_ms=final.baseline_ms,
        best_ms=final.best_ms, rounds_ms=final.rounds, pool=run.pool, spec_text=export.spec_path.read_text(),
        work_dir=run.work, wall_s=time.monotonic() - run.t0, search_s=searched.search_s, failures=dict(failures),
        notes=run.notes, compile_flags=[str(f) for f in export.compile_flags(w.target)], best_measurement=final.measurement,
        executor={"concurrency": run.options.search.concurrency,
                  **run.backend.describe()},
        whole_module=searched.whole, kept=final.kept, export_check=final.check.to_json(), tuning_db=run.db_summary,
        speedup_interval=final.confirmed.to_json() if final.confirmed else None,
        timed_on=timed_on(w.target), repetitions=run.options.repetitions,
    )
    result.pipeline = _pipeline_summary(run, baseline, run.work / "best.vmfb")
    summary = result.to_json()
    summary["phases_s"] = dict(run.phases_s)  # load, baseline, search, finalize (the rest of wall_s: these artifacts)
    sessions, wall = run.store.sessions()
    summary["sessions"], summary["wall_s_all_sessions"] = sessions, round(wall, 2)
    run.store.set_meta(summary=summary)
    write_run_artifacts(run.work, run.store, dict(enumerate(run.kernels)))
    return result
