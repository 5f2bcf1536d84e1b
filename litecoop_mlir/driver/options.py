"""The options of one `optimize` call and the result it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litecoop_mlir.core.records import Measurement
from litecoop_mlir.core.version import __version__
from litecoop_mlir.ir.workload import Kernel, Workload
from litecoop_mlir.iree.process import Limits
from litecoop_mlir.iree.tools import compiler_version
from litecoop_mlir.module.whole_module import (
    MIN_SHARE,
)
from litecoop_mlir.proposers.pool import ModelPool, ModelSpec
from litecoop_mlir.search.mcts import KernelSearch, SearchConfig
from litecoop_mlir.space.pass_pipelines import Pipeline
from litecoop_mlir.space.script import Script
from litecoop_mlir.targets.strategy import DEFAULT_TARGET

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
        started: when the run started on time.monotonic()'s clock (the CLI: its process start), from which
            --time-budget counts; default: when `optimize` is called.
        confirm_width / confirm_rounds: the kept module and the baseline are then timed together in
            interleaved rounds (at least, at most; default 2x and 10x final_rounds) until the speedup's
            95% interval is within this width of it (litecoop_mlir.module.confirm).
        finalists: candidates per dispatch re-measured at the end.
        min_share: in a whole module, dispatches under this share of the dispatch time are skipped.
        pareto_points: composed modules built and measured for the Pareto set.
        workers: compile workers when search.concurrency > 1 (default: the number of cores).
        executor: `local` (subprocesses here) or `ray` (compiles on Ray CPU workers,
            runs and benchmarks on the node holding the `litecoop_device` resource).
        ray_address: an existing Ray cluster (default: start a local instance).
        limits: timeout and memory limit of every subprocess.
        max_error: a candidate whose flags may change rounding (fast-math, lower precision) wins
            only with this bound on max|out - ref| / max|ref|; without it, never.
        db: the tuning database (None: `tuning_db.default_path()`; "" : none). Dispatches
            tuned there are reused, similar ones seeded; every measurement and the kept
            result are recorded in it.
        retune: search dispatches the database has tuned already (their best known
            configuration is measured first).
        pipeline: the pass pipeline the codegen search runs under (its flags join the base
            flags; numbers are still checked against IREE's default); None: IREE's default.
        search_pipelines / pipeline_share / pipeline_branches: for `two_level.optimize_two_level`:
            search pipelines first with at most `pipeline_share` of the budget, then codegen
            under the best `pipeline_branches` of them (`optimize` itself ignores these).
    """

    target: str = DEFAULT_TARGET
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
    confirm_width: float = 0.02
    confirm_rounds: tuple[int, int] = (0, 0)
    finalists: int = 3
    workers: int | None = None
    min_share: float = MIN_SHARE
    pareto_points: int = 5
    executor: str = "local"
    ray_address: str | None = None
    limits: Limits = field(default_factory=Limits)
    max_error: float | None = None
    db: str | None = None
    retune: bool = False
    pipeline: Pipeline | None = None
    search_pipelines: bool = False
    pipeline_share: float = 0.35
    pipeline_branches: int = 2
    started: float | None = None

    def __post_init__(self) -> None:
        if self.budget < 1:
            raise ValueError("budget must be at least 1 candidate")
        if self.time_budget_s is not None and self.time_budget_s <= 0:
            raise ValueError("time budget must be positive")
        if self.executor not in ("local", "ray"):
            raise ValueError("executor must be local or ray")
        if self.repetitions < 1 or self.search_repetitions < 1 or self.final_rounds < 1 or self.finalists < 1:
            raise ValueError("repetitions, rounds and finalists must be at least 1")
        if self.confirm_rounds == (0, 0):
            object.__setattr__(self, "confirm_rounds", (2 * self.final_rounds, 10 * self.final_rounds))  # frozen
        if not 2 <= self.confirm_rounds[0] <= self.confirm_rounds[1]:
            raise ValueError("confirming rounds need 2 <= at least <= at most")
        if not 0.0 < self.pipeline_share < 1.0:
            raise ValueError("the pipeline share of the budget must be in (0, 1)")
        if self.pipeline_branches < 1:
            raise ValueError("pipeline branches must be at least 1")


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
            "best_changes_numerics": best.script.changes_numerics() if best else False,
            "best_found_by": best.expanded_by if best else "",
            "budget": self.budget,
            "candidates": s.evaluated,
            "cache_hits": s.cache_hits,
            "duplicate_binaries": s.duplicates,
            "measured_from_database": s.reused,
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
    best_scripts: dict[str, Script]  # by executable name
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
    kept: str = "baseline"
    export_check: dict[str, Any] | None = None
    tuning_db: dict[str, Any] | None = None
    #: the speedup's 95% interval from the confirming rounds (litecoop_mlir.module.confirm; None: the baseline was kept)
    speedup_interval: dict[str, Any] | None = None
    pipeline: dict[str, Any] | None = None  # under a pass pipeline: it, its tree, default vs pipeline vs best
    timed_on: str = ""  # the device and driver that ran the timings (strategy.timed_on)
    repetitions: int = 0  # benchmark repetitions per round of the final side-by-side measurement

    @property
    def speedup(self) -> float:
        return self.baseline_ms / self.best_ms if self.best_ms > 0 else float("nan")

    @property
    def dropped_models(self) -> dict[str, str]:
        """The models dropped for the rest of the run (failing call after call), and why."""
        return dict(self.pool.dropped)

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
            "measurement": (f"whole module on {self.timed_on or w.target.device}, median of per-round medians of "
                            f"{self.repetitions or '?'} repetitions; baseline and best interleaved"),
            "timed_on": self.timed_on,
            "rounds_ms": self.rounds_ms,
            "speedup_interval": self.speedup_interval,
            "candidates": sum(d.search.evaluated for d in self.dispatches),
            "cache_hits": sum(d.search.cache_hits for d in self.dispatches),
            "duplicate_binaries": sum(d.search.duplicates for d in self.dispatches),
            "failures": self.failures,
            "wall_s": round(self.wall_s, 2),
            "search_s": round(self.search_s, 2),
            "models": pool.summary(),
            "dropped_models": self.dropped_models,
            "cost_basis": pool.cost_basis,
            "largest_model": pool.largest if pool.ranked_by_cost else None,
            "largest_model_share": pool.largest_model_share(),
            "total_cost_usd": round(sum(s.cost_usd for s in pool.stats.values()), 8),
            "model_calls": pool.total_calls(),
            "dispatches": [d.to_json() for d in self.dispatches],
            "best_scripts": {exe: s.to_json() for exe, s in self.best_scripts.items()},
            "best_numerics": (
                {"max_abs_error": self.best_measurement.max_abs_error, "max_rel_error": self.best_measurement.max_rel_error,
                 "error_vs_f64": self.best_measurement.error_vs_f64,
                 "size_bytes": self.best_measurement.size_bytes} if self.best_measurement else None
            ),
            "compile_flags": self.compile_flags,
            "executor": self.executor,
            "whole_module": self.whole_module,
            "kept": self.kept,
            "export_check": self.export_check,
            "tuning_db": self.tuning_db,
            "pipeline": self.pipeline,
            "notes": self.notes,
        }
