"""Whole modules: spend the budget where the time is, then compose the dispatches' options
into measured modules and a reusable Pareto set.

1. The baseline is profiled per dispatch (each executable timed alone, times invocations).
   Dispatches under `min_share` of the module's dispatch time are skipped, with the reason.
2. The budget is spent in rounds: each round goes to the dispatch with the most time left to
   win, its estimated current time (baseline time minus what its best configuration saved in
   the module) times its headroom (halved after each round that did not improve it by 1%).
3. Per dispatch, the non-dominated configurations the search measured (latency, error,
   size) are profiled (only the fastest where the dispatch holds under 10% of the time).
   Their single-option modules are re-measured side by side with the baseline to calibrate
   the proxy (fixed overhead, fraction of the gains realized); compositions of several
   options are enumerated on it with dominated ones pruned; a spread of them is built and
   verified; then all of them are measured side by side once more, the proxy is recalibrated
   on that pass's baseline and single-option modules only, and its estimate is reported next
   to every measurement (on composed modules: held-out error).
   Both passes shorten each repetition where there are many modules (PASS_S)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.core.records import Measurement, dumps
from litecoop_mlir.export.spec import export_spec
from litecoop_mlir.ir.workload import Kernel, Workload
from litecoop_mlir.iree.runner import TOLERANCES
from litecoop_mlir.measure.backend import Backend, Evaluator
from litecoop_mlir.measure.profile import ModuleProfile, Profiler
from litecoop_mlir.measure.rounds import median_of_timed, spread_of_timed
from litecoop_mlir.module.pareto import ModuleTimeProxy, Option, Proxy, compositions, pareto_front, spread_pick
from litecoop_mlir.search.mcts import KernelSearch
from litecoop_mlir.space.apply import build_candidate, codegen_target, merge_flags
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import IllegalTransform
from litecoop_mlir.targets.strategy import timed_on

#: Dispatches below this share of the baseline's dispatch time are not searched.
MIN_SHARE = 0.02
#: Dispatches below this share bring one option (their fastest) to the composition, not `per_dispatch`:
#: on resnet_nchw three options for each of ten dispatches made 30 single-option modules to profile,
#: build and time twice, most of them alternatives a few microseconds apart.
FULL_FINALISTS_SHARE = 0.1
#: Seconds one side-by-side pass over the composed modules aims at (at full repetitions): the time per
#: repetition shrinks where there are many modules (down to MIN_REPETITION_S), never grows.
PASS_S = 60.0
MIN_REPETITION_S = 0.02


@dataclass
class DispatchPlan:
    """Time, invocations and search state of one dispatch in a whole module."""

    index: int
    kernel: Kernel
    invocations: int
    time_ms: float  # invocations x time alone, at the baseline
    share: float
    skipped: str = ""
    reused: str = ""  # tuned in an earlier run (tuning database): measured, but given no budget
    headroom: float = 1.0
    rounds: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"executable": self.kernel.executable, "kind": self.kernel.kind, "invocations": self.invocations,
                "baseline_time_ms": self.time_ms, "share": self.share, "skipped": self.skipped or None,
                "reused": self.reused or None,
                "rounds": self.rounds, "headroom_left": self.headroom}


def plan_dispatches(kernels: list[Kernel], profile: ModuleProfile, min_share: float = MIN_SHARE) -> list[DispatchPlan]:
    """Each kernel's baseline time and share from the profile; skip those not worth tuning."""
    by_name = {e.name: e for e in profile.executables}
    total = sum(e.total_ms for e in profile.executables) if profile.ok else 0.0
    plans = []
    for i, k in enumerate(kernels):
        e = by_name.get(k.executable)
        t = e.total_ms if e is not None and total > 0 else math.nan
        share = t / total if total > 0 and math.isfinite(t) else 1.0 / len(kernels)
        plan = DispatchPlan(i, k, e.count if e else 1, t, share)
        if total > 0 and share < min_share:
            plan.skipped = f"{share:.1%} of the module's dispatch time (under {min_share:.0%}): little to win"
        plans.append(plan)
    return plans


def spend_budget(
    plans: list[DispatchPlan],
    searches: dict[int, KernelSearch],
    budget: int,
    baseline_ms: float,
    deadline: float | None,
    run: Callable[[KernelSearch, int, float | None], None],
) -> list[dict[str, Any]]:
    """Give rounds of the candidate budget to the dispatch with the most time left to win
    (see module doc). `run(search, total_budget, deadline)` runs one search further.
    Returns the allocation log."""
    active = [p for p in plans if not p.skipped and not p.reused]
    spent = sum(searches[p.index].evaluated for p in active)
    chunk = budget if len(active) == 1 else max(2, min(8, budget // max(1, 2 * len(active))))
    log: list[dict[str, Any]] = []

    def time_left(p: DispatchPlan) -> float:
        s = searches[p.index]
        best = s.tree.best()
        saved = baseline_ms - best.latency_ms if best is not None and best.latency_ms else 0.0
        t = p.time_ms if math.isfinite(p.time_ms) else baseline_ms * p.share
        return max(t - saved, 0.0) * p.headroom

    while spent < budget and active:
        if deadline is not None and time.monotonic() >= deadline:
            break
        p = max(active, key=time_left)
        s = searches[p.index]
        before_evaluated = s.evaluated
        best = s.tree.best()
        before = best.latency_ms if best is not None and best.latency_ms else baseline_ms
        run(s, s.evaluated + min(chunk, budget - spent), deadline)
        used = s.evaluated - before_evaluated
        spent += used
        p.rounds += 1
        best = s.tree.best()
        after = best.latency_ms if best is not None and best.latency_ms else baseline_ms
        if after > before * 0.99:
            p.headroom *= 0.5
        log.append({"dispatch": p.kernel.executable, "candidates": used, "best_ms": after, "priority_ms": time_left(p)})
        if used == 0:  # nothing left to try there (exhausted, models down, or out of time)
            active.remove(p)
    return log


@dataclass
class Point:
    """One realized module: what the proxy said and what measuring it gave. `role` says
    whether the proxy was calibrated on it ("baseline", "single") or not ("composed")."""

    name: str
    options: tuple[Option, ...]
    scripts: dict[Kernel, Script]
    measurement: Measurement
    role: str
    proxy_ms: float = math.nan
    isolated_ms: float = math.nan
    latency_ms: float = math.nan
    rounds_ms: list[float] = field(default_factory=list)

    @property
    def proxy_error(self) -> float:
        return (self.proxy_ms - self.latency_ms) / self.latency_ms if self.latency_ms > 0 else math.nan

    def objectives(self) -> tuple[float, float, float]:
        m = self.measurement
        return (self.latency_ms, m.numerical_error if math.isfinite(m.numerical_error) else math.inf, float(m.size_bytes))

    def to_json(self) -> dict[str, Any]:
        """The point's measured and estimated figures (summary.json and each row of pareto.json)."""
        m = self.measurement
        return {"composition": self.name, "role": self.role, "latency_ms": self.latency_ms, "rounds_ms": self.rounds_ms,
                "proxy_ms": self.proxy_ms, "proxy_error": self.proxy_error, "isolated_ms": self.isolated_ms,
                "isolated_error": (self.isolated_ms - self.latency_ms) / self.latency_ms if self.latency_ms > 0 else math.nan,
                "error": m.numerical_error, "error_vs_f64": m.error_vs_f64, "max_rel_error": m.max_rel_error,
                "max_abs_error": m.max_abs_error, "size_bytes": m.size_bytes,
                "within_tolerance": m.ok or self.role == "baseline",
                "changes_numerics": any(s.changes_numerics() for s in self.scripts.values())}


@dataclass
class ModuleOutcome:
    """What composing a whole module gave: points (measured, the baseline first), the proxy
    calibrated in the final side-by-side pass, and notes."""

    points: list[Point]
    proxy: Proxy | ModuleTimeProxy | None
    options: dict[int, list[Option]]
    baseline_rounds: list[float]
    notes: list[str]

    def held_out_errors(self) -> list[float]:
        """The proxy's relative errors on composed modules (never used to calibrate it)."""
        return [p.proxy_error for p in self.points if p.role == "composed" and math.isfinite(p.proxy_error)]


def _timed(m: Measurement | None) -> bool:
    return m is not None and math.isfinite(m.median_ms) and m.median_ms > 0


def side_by_side(vmfbs: dict[str, Path], evaluator: Evaluator, rounds: int, repetitions: int) -> dict[str, Any]:
    """Time modules in interleaved rounds: per-round medians, their median and spread per module."""
    timed = evaluator.side_by_side(vmfbs, rounds=rounds, repetitions=repetitions)
    return {"rounds_ms": timed, "median_ms": {k: median_of_timed(v) for k, v in timed.items()},
            "spread": {k: spread_of_timed(v) for k, v in timed.items()}}


def option_name(o: Option) -> str:
    return f"{o.executable}#{o.node}"


def collect_options(workload: Workload, plans: list[DispatchPlan], searches: dict[int, KernelSearch], profiler: Profiler | None,
                    base: ModuleProfile | None, baseline_ms: float, per_dispatch: int, notes: list[str]) -> dict[int, list[Option]]:
    """Per dispatch, the non-dominated measured configurations (at most `per_dispatch`, or one
    under FULL_FINALISTS_SHARE of the module; fastest first), each profiled when a profiler is given
    (executables that do not time alone: as in the baseline's profile `base`, else from the module's time)."""
    out: dict[int, list[Option]] = {}
    volumes = {p.kernel.executable: float(p.kernel.flops) for p in plans}
    for p in plans:
        if p.skipped:
            continue
        keep = per_dispatch if p.share >= FULL_FINALISTS_SHARE else 1
        nodes = [n for n in searches[p.index].tree.nodes[1:] if n.script.transforms and _timed(n.measurement)
                 and n.measurement.median_ms < baseline_ms * 1.05]  # type: ignore[union-attr]
        def front(ns: list[Any]) -> list[Any]:
            objectives = lambda n: (n.measurement.median_ms, n.measurement.numerical_error, n.measurement.size_bytes)  # noqa: E731
            return sorted(pareto_front(ns, objectives), key=lambda n: n.measurement.median_ms)[:keep]

        # numerics-preserving options first: a script that changes rounding may dominate them
        # (same measured error, faster) yet win only under --max-error
        chosen = front([n for n in nodes if not n.script.changes_numerics()])
        chosen += [n for n in front(nodes) if n not in chosen]
        opts = []
        for n in chosen:
            m = n.measurement
            try:
                cand = build_candidate(workload, {p.kernel: n.script})
            except (IllegalTransform, LitecoopError) as exc:
                notes.append(f"{p.kernel.executable} node {n.id}: cannot rebuild ({exc})")
                continue
            prof = profiler.profile(cand, f"{p.kernel.executable}-node{n.id}") if profiler is not None else None
            if prof is not None and not prof.ok:
                prof = prof.completed(m.median_ms, volumes, base)
            if prof is not None and not prof.ok:
                why = prof.error or next((e.error for e in prof.executables if e.error), "") or "an executable failed to time"
                notes.append(f"{p.kernel.executable} node {n.id}: not profiled ({why})")
                continue
            opts.append(Option(p.index, p.kernel.executable, n.id, n.script, m.median_ms, m.numerical_error, m.size_bytes, prof, m))
        out[p.index] = opts
    return out


def compose(
    workload: Workload,
    evaluator: Evaluator,
    kernels: list[Kernel],
    options: dict[int, list[Option]],
    base_profile: ModuleProfile | None,
    baseline: Measurement,
    *,
    points: int,
    rounds: int,
    repetitions: int,
    notes: list[str],
) -> ModuleOutcome:
    """Calibrate the proxy, enumerate compositions on it, build a spread of them, and measure
    them side by side with the baseline and the single-option modules (see module doc).
    Without a profile the proxy is `ModuleTimeProxy`; with options for one dispatch only
    there is nothing to compose and the calibration pass is skipped."""
    singles = [o for opts in options.values() for o in opts
               if o.measurement is not None and o.measurement.vmfb and Path(o.measurement.vmfb).exists()]
    for o in (o for opts in options.values() for o in opts if o not in singles):
        notes.append(f"option {option_name(o)}: its module is gone; it is composed uncorrected")

    def measure(pts: list[Point], reps: int) -> dict[str, list[float]]:
        per_rep = PASS_S / (len(pts) * rounds * repetitions)  # the same in both passes
        return evaluator.side_by_side({p.name: Path(p.measurement.vmfb) for p in pts}, rounds=rounds, repetitions=reps,
                                      min_time_s=min(evaluator.side_min_time_s, max(MIN_REPETITION_S, per_rep)))

    def calibrated(measured: dict[str, list[float]]) -> Proxy | ModuleTimeProxy:
        proxy: Proxy | ModuleTimeProxy = Proxy(base_profile) if base_profile is not None else ModuleTimeProxy()
        proxy.calibrate(median_of_timed(measured["baseline"]), [(o, median_of_timed(measured[option_name(o)])) for o in singles])
        return proxy

    base_point = Point("baseline", (), {}, baseline, "baseline")
    single_points = [Point(option_name(o), (o,), {kernels[o.dispatch]: o.script}, o.measurement, "single")  # type: ignore[arg-type]
                     for o in singles]
    composed: list[Point] = []
    if sum(1 for opts in options.values() if opts) > 1:
        # 1. calibrate on the baseline and the single-option modules (fewer repetitions: this only steers)
        proxy = calibrated(measure([base_point, *single_points], max(3, repetitions // 2)))
        # 2. compositions of two or more options, on the calibrated proxy; build and verify a spread
        composed = _build_compositions(workload, evaluator, kernels, options, proxy, baseline, points, notes)
    # 3. everything side by side; the proxy is recalibrated on this pass and judged on the composed modules
    pts = [base_point, *single_points, *composed]
    measured = measure(pts, repetitions)
    final = calibrated(measured)
    for p in pts:
        p.rounds_ms = measured[p.name]
        p.latency_ms = median_of_timed(p.rounds_ms)
        p.proxy_ms, p.isolated_ms = final.estimate(p.options), final.isolated(p.options)
    return ModuleOutcome([base_point, *[p for p in pts[1:] if math.isfinite(p.latency_ms)]], final, options,
                         base_point.rounds_ms, notes)


def _build_compositions(workload: Workload, evaluator: Evaluator, kernels: list[Kernel], options: dict[int, list[Option]],
                        proxy: Proxy | ModuleTimeProxy, baseline: Measurement, points: int, notes: list[str]) -> list[Point]:
    """Up to `points` compositions of two or more options, spread over the proxy's front, built and verified."""

    def compatible(opts: tuple[Option, ...]) -> bool:
        """Module-wide flags agree, and every retiled dispatch keeps its shape under them."""
        scripts = {kernels[o.dispatch]: o.script for o in opts}
        try:
            gflags, _ = merge_flags(scripts)
            for k, s in scripts.items():
                if s.changes_codegen():
                    codegen_target(workload, k, s, gflags)
        except IllegalTransform:
            return False
        return True

    front = compositions(options, proxy, baseline.size_bytes, compatible=compatible)
    composed: list[Point] = []
    for c in spread_pick([c for c in front if len(c.options) > 1], points):
        scripts = {kernels[o.dispatch]: o.script for o in c.options}
        name = "+".join(option_name(o) for o in c.options)
        try:
            m = evaluator.evaluate(build_candidate(workload, scripts))
        except (IllegalTransform, LitecoopError) as exc:
            notes.append(f"composition {name}: cannot build ({exc})")
            continue
        if not _timed(m):
            notes.append(f"composition {name}: {m.status.value} ({m.error})")
            continue
        composed.append(Point(name, c.options, scripts, m, "composed"))
    return composed


def save_pareto(work: Path, workload: Workload, outcome: ModuleOutcome, backend: Backend) -> tuple[Path, list[Point]]:
    """Write `pareto.json` and a spec and flags per point under `pareto/`; returns the path
    and the non-dominated points (by measured latency, error and size)."""
    tol = TOLERANCES.get(workload.outputs[0].dtype if workload.outputs else "f32", 0.0)
    front = sorted(pareto_front(outcome.points, Point.objectives), key=lambda p: p.latency_ms)
    rows = []
    for i, p in enumerate(front):
        d = work / "pareto" / f"p{i}"
        export = export_spec(workload, {k: s for k, s in p.scripts.items() if s.transforms}, d, backend=backend)
        rows.append({
            "name": f"p{i}" if p.name != "baseline" else "baseline", **p.to_json(),
            "speedup": outcome.points[0].latency_ms / p.latency_ms,
            "scripts": {k.executable: s.to_json() for k, s in p.scripts.items()},
            "spec": str(export.spec_path.relative_to(work.resolve())), "flags": str(export.flags_path.relative_to(work.resolve())),
            "compile_flags": export.compile_flags(workload.target.name), "notes": export.notes,
        })
    doc = {"input": workload.filename, "function": workload.function, "target": workload.target.name,
           "base_flags": list(workload.base_flags), "tolerance": tol,
           "objectives": {"latency_ms": f"whole module on {timed_on(workload.target)}, median of interleaved round medians",
                          "error": "max|out - ref64| / max|ref64| against the module computed in float64 (error_vs_f64) "
                                   "where it compiles, else max_rel_error",
                          "max_rel_error": "max|out - ref| / max|ref| against the baseline's outputs on seeded inputs",
                          "size_bytes": "compiled .vmfb"},
           "proxy": outcome.proxy.to_json() if outcome.proxy else None, "points": rows}
    path = work / "pareto.json"
    path.write_text(dumps(doc, indent=1) + "\n")
    return path, front
