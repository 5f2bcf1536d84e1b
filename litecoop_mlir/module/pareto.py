"""Whole-module trade-offs: per-dispatch options, a structure-aware latency proxy, the Pareto
set over (latency, numerical error, binary size), and picking one point from a saved set.

An Option is one configuration of one dispatch, measured in the search (the whole module
with only that dispatch changed) and profiled (each executable timed alone). The proxy
estimates a composed module's latency as the sum over its executables of invocations x
time per invocation plus a fixed overhead, with the change from the baseline scaled by the
fraction of it modules realize; both calibrated on the baseline and the single-option
modules measured side by side.
Compositions are enumerated dispatch by dispatch, pruning dominated partial ones.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from litecoop_mlir.core.errors import InputError
from litecoop_mlir.core.records import Measurement, jsonable
from litecoop_mlir.measure.profile import ExecutableTime, ModuleProfile
from litecoop_mlir.space.script import Script


@dataclass(frozen=True)
class Option:
    """One configuration of one dispatch (see module doc)."""

    dispatch: int
    executable: str
    node: int
    script: Script
    module_ms: float
    max_rel_error: float
    size_bytes: int
    profile: ModuleProfile | None = field(hash=False, compare=False)  # None where modules are not profiled
    measurement: Measurement | None = field(default=None, compare=False)  # its single-option module, from the search


def dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    """a is no worse than b in every objective and better in one (all minimized)."""
    return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))


def pareto_front(items: list[Any], key) -> list[Any]:  # noqa: ANN001 - key: item -> objectives
    """The items no other item dominates (first of exact ties kept), in input order."""
    out: list[Any] = []
    objs = [tuple(key(i)) for i in items]
    for i, (item, o) in enumerate(zip(items, objs)):
        if any(dominates(p, o) or (p == o and j < i) for j, p in enumerate(objs) if j != i):
            continue
        out.append(item)
    return out


@dataclass
class Proxy:
    """Module latency ~ sum over executables of invocations x time alone + a fixed overhead,
    with the change from the baseline scaled by the fraction of it a module realizes.

    Times alone come from the profiles. `calibrate` takes the baseline and the single-option
    modules (one dispatch changed each) measured side by side: the fixed overhead is what the
    baseline takes beyond its executables' times, and `realized` is the least-squares ratio
    of the time a single-option module saved to what its times alone said it would (a
    retiled dispatch timed alone, warm and without neighbours, shows more gain than it keeps
    in the module). Composed modules are never used to calibrate, so their error is held out.
    """

    base: ModuleProfile
    fixed_ms: float = 0.0
    realized: float = 1.0
    calibrated_on: int = 0

    def executables(self, options: Sequence[Option]) -> list[ExecutableTime]:
        """The executables a module composed of `options` runs, by name: each option brings
        its own dispatch's executable and any it adds (e.g. data-tiling encodings); other
        executables its flags changed apply, and those its flags removed (im2col re-forms every
        convolution's dispatches) go, unless another option owns them."""
        result = {e.name: e for e in self.base.executables}
        base_names = set(result)
        owned = {o.executable for o in options}
        for o in options:
            if o.profile is None:
                continue
            for e in o.profile.executables:
                if e.name == o.executable or e.name not in base_names or e.name not in owned:
                    result[e.name] = e
            for name in base_names - {e.name for e in o.profile.executables} - owned:
                result.pop(name, None)
        return list(result.values())

    def isolated(self, options: Sequence[Option]) -> float:
        """The estimate from times alone and the fixed overhead (every gain taken at face value)."""
        return sum(e.total_ms for e in self.executables(options)) + self.fixed_ms

    def estimate(self, options: Sequence[Option]) -> float:
        base = self.isolated(())
        return base + self.realized * (self.isolated(options) - base)

    def calibrate(self, baseline_ms: float, singles: Sequence[tuple[Option, float]]) -> None:
        """Fit the overhead and the realized fraction on modules measured side by side: the
        baseline, and each option's module (NaN: left out)."""
        if not math.isfinite(baseline_ms):
            return
        self.fixed_ms = baseline_ms - self.base.dispatch_ms
        pts = [(self.isolated(()) - self.isolated((o,)), baseline_ms - ms) for o, ms in singles if math.isfinite(ms)]
        alone = sum(i * i for i, _ in pts)
        self.realized = max(0.0, sum(i * m for i, m in pts) / alone) if alone > 0 else 1.0
        self.calibrated_on = 1 + len(pts)

    def to_json(self) -> dict[str, Any]:
        return {"model": "baseline + realized x (sum(invocations x time alone) - the baseline's), + fixed",
                "fixed_ms": self.fixed_ms, "realized": self.realized, "calibrated_on_modules": self.calibrated_on,
                "baseline_executables": jsonable(self.base.executables)}


@dataclass
class ModuleTimeProxy:
    """The proxy where dispatches are not profiled (one dispatch, or a target whose dispatch
    benchmarks IREE does not dump): the baseline plus each option's gain as a whole module
    (its single-option module against the baseline), gains taken as additive.
    `calibrate` replaces the search-time latencies by those measured side by side."""

    baseline_ms: float = math.nan
    measured: dict[tuple[int, int], float] = field(default_factory=dict)
    calibrated_on: int = 0

    def isolated(self, options: Sequence[Option]) -> float:
        return self.baseline_ms + sum(self.measured.get((o.dispatch, o.node), o.module_ms) - self.baseline_ms for o in options)

    estimate = isolated

    def calibrate(self, baseline_ms: float, singles: Sequence[tuple[Option, float]]) -> None:
        if math.isfinite(baseline_ms):
            self.baseline_ms = baseline_ms
        self.measured = {(o.dispatch, o.node): ms for o, ms in singles if math.isfinite(ms)}
        self.calibrated_on = 1 + len(self.measured)

    def to_json(self) -> dict[str, Any]:
        return {"model": "baseline + sum of each option's gain as a whole module (no per-dispatch profile)",
                "baseline_ms": self.baseline_ms, "calibrated_on_modules": self.calibrated_on}


@dataclass(frozen=True)
class Composition:
    """A choice of option per dispatch (dispatches left out keep IREE's configuration)."""

    options: tuple[Option, ...]
    proxy_ms: float
    error: float
    size_bytes: int

    def objectives(self) -> tuple[float, float, float]:
        return (self.proxy_ms, self.error, float(self.size_bytes))


def compositions(options: dict[int, list[Option]], proxy: "Proxy | ModuleTimeProxy", base_size: int, *,
                 compatible=lambda opts: True, limit: int = 64) -> list[Composition]:  # noqa: ANN001
    """The estimated Pareto front of compositions, built dispatch by dispatch with dominated
    partial compositions pruned (and at most `limit` kept, fastest first). Error is estimated
    as the sum of the options' errors, size as the base size plus their size changes."""

    def make(opts: tuple[Option, ...]) -> Composition:
        return Composition(opts, proxy.estimate(opts), sum(o.max_rel_error for o in opts),
                           base_size + sum(o.size_bytes - base_size for o in opts))

    partial = [make(())]
    for dispatch in sorted(options):
        grown = list(partial)
        for p in partial:
            for o in options[dispatch]:
                opts = (*p.options, o)
                if compatible(opts):
                    grown.append(make(opts))
        partial = sorted(pareto_front(grown, Composition.objectives), key=lambda c: c.proxy_ms)[:limit]
    return partial


def spread_pick(items: list[Composition], n: int) -> list[Composition]:
    """Up to `n` compositions spread over the front: the fastest, the most exact, the smallest,
    then evenly spaced by estimated latency."""
    if len(items) <= n:
        return list(items)
    by_latency = sorted(items, key=lambda c: c.proxy_ms)
    chosen = [by_latency[0], min(items, key=lambda c: (c.error, c.proxy_ms)), min(items, key=lambda c: (c.size_bytes, c.proxy_ms))]
    step = (len(by_latency) - 1) / max(1, n - 1)
    chosen += [by_latency[round(i * step)] for i in range(n)]
    out: list[Composition] = []
    for c in chosen:
        if c not in out and len(out) < n:
            out.append(c)
    return out


# ---------------------------------------------------------------------------------------
# The saved set and choosing from it
# ---------------------------------------------------------------------------------------


def select_point(pareto_path: str | Path, *, max_error: float | None = None, prefer: str = "latency") -> tuple[dict[str, Any], Path]:
    """The point of a saved Pareto set to deploy: within `max_error` (max|a-b|/max|ref|
    against the baseline's outputs), the fastest (or the smallest with `prefer="size"`).
    Returns the point and its spec's path. Raises InputError when nothing qualifies."""
    path = Path(pareto_path)
    try:
        data = json.loads(path.read_text())
        points = data["points"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: error: not a litecoop Pareto set: {exc}") from None
    if not isinstance(points, list) or not points:
        raise InputError(f"{path}: error: not a litecoop Pareto set: 'points' must be a non-empty list")
    for i, p in enumerate(points):
        if not isinstance(p, dict) or not isinstance(p.get("spec"), str) or not isinstance(p.get("latency_ms"), (int, float)):
            raise InputError(f"{path}: error: not a litecoop Pareto set: point {i} needs a 'spec' path and a 'latency_ms'")
    if prefer not in ("latency", "size", "error"):
        raise InputError(f"error: --prefer takes latency, size or error, not {prefer!r}")
    for p in points:  # the error axis: against float64 where the run had that reference (older sets: the baseline)
        p.setdefault("error", p.get("max_rel_error"))
    ok = [p for p in points if max_error is None or (p.get("error") is not None and p["error"] <= max_error)]
    if not ok:
        worst = min((p.get("error") or math.inf) for p in points) if points else math.inf
        raise InputError(f"{path}: error: no point has error <= {max_error:g} (the most exact has {worst:.3g})")
    order = {"latency": ("latency_ms", "error", "size_bytes"), "size": ("size_bytes", "latency_ms", "error"),
             "error": ("error", "latency_ms", "size_bytes")}[prefer]
    best = min(ok, key=lambda p: tuple(p[k] if p.get(k) is not None else math.inf for k in order))
    return best, path.parent / best["spec"]
