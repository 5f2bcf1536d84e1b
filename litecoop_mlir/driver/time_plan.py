"""How a run shares `--time-budget`: when the search stops, and how much effort finalizing gets.

The budget counts from the process's start. The search stops where what is left covers finalizing:
at least its floor (one option per dispatch, the fewest confirming rounds, each benchmark at its
shortest, its compiles, the artifacts), at most its full effort or half the budget. Finalizing
then shortens its benchmarks (time per repetition, then repetitions) to the time that is left.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from litecoop_mlir.core.records import Measurement
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.measure.backend import Evaluator

#: Starting iree-benchmark-module and loading a module, per side-by-side benchmark (measured: about 0.1 s).
BENCH_OVERHEAD_S = 0.15
#: The least time per repetition a final benchmark is shortened to under --time-budget.
MIN_TIME_FLOOR_S = 0.005
#: The confirming rounds' floor where the time budget is short.
SHORT_CONFIRM_ROUNDS = 3
#: What follows finalizing: the artifacts, the report and the process's exit.
AFTER_FINAL_S = 1.5
#: Compiles while finalizing, in baseline compiles: the exported module, its rebuild by compile.sh, the Pareto
#: set's modules and the rebuilt options (measured on matmul_512 at a 60 s budget: about 3 s of 31 s).
FINAL_COMPILES = 6


@dataclass
class TimePlan:
    """The time budget of one run (`options.time_budget_s`; None: no budget, full effort) from `t0`.

    `fit_final` sets `final_repetitions` and `confirm_min_rounds` (and the evaluator's benchmark time).
    """

    options: OptimizeOptions
    t0: float
    dispatches: int
    evaluator: Evaluator
    final_repetitions: int = 0
    confirm_min_rounds: int = 0

    def __post_init__(self) -> None:
        self.final_repetitions, self.confirm_min_rounds = self.options.repetitions, self.options.confirm_rounds[0]

    @property
    def end(self) -> float | None:
        """When the run must be over (None: no time budget)."""
        return self.t0 + self.options.time_budget_s if self.options.time_budget_s else None

    def final_benchmarks(self, options: int) -> int:
        """Side-by-side benchmarks the finalize phase runs with `options` candidate modules: the compositions
        beside the baseline, the rebuilt export beside the kept module, and the confirming rounds."""
        o = self.options
        return (o.final_rounds * (1 + options + (o.pareto_points if self.dispatches > 1 else 0))
                + 2 * o.final_rounds + 2 * self.confirm_min_rounds)

    def search_deadline(self, baseline: Measurement) -> float | None:
        """When the search must stop for the whole run to fit the budget: the budget less what finalizing
        needs at least, or, where the budget is large, what it takes at full effort (at most half the budget)."""
        o = self.options
        if not o.time_budget_s:
            return None
        full = self.final_benchmarks(o.finalists * self.dispatches) * (
            BENCH_OVERHEAD_S + o.repetitions * max(self.evaluator.side_min_time_s, baseline.median_ms / 1000)) + 10
        return self.t0 + o.time_budget_s - max(self.final_floor_s(baseline), min(full, 0.5 * o.time_budget_s))

    def final_floor_s(self, baseline: Measurement) -> float:
        """The least time finalizing takes (see module doc)."""
        n = self.options.final_rounds * (3 + self.dispatches) + 2 * SHORT_CONFIRM_ROUNDS
        per = BENCH_OVERHEAD_S + 3 * max(MIN_TIME_FLOOR_S, baseline.median_ms / 1000)
        return n * per + FINAL_COMPILES * baseline.compile_s + AFTER_FINAL_S

    def fit_final(self, baseline: Measurement) -> int:
        """Fit finalizing into the time left: fewer finalists and confirming rounds where even their shortest
        benchmarks would not fit, then shorter benchmarks. Returns the finalists per dispatch."""
        o = self.options
        if self.end is None:
            return o.finalists
        left = self.end - time.monotonic() - AFTER_FINAL_S - FINAL_COMPILES * baseline.compile_s
        finalists = o.finalists
        if self.final_benchmarks(finalists * self.dispatches) * (BENCH_OVERHEAD_S + 3 * MIN_TIME_FLOOR_S) > left:
            finalists, self.confirm_min_rounds = 1, min(SHORT_CONFIRM_ROUNDS, o.confirm_rounds[0])
        per = left / self.final_benchmarks(finalists * self.dispatches) - BENCH_OVERHEAD_S
        if per < o.repetitions * MIN_TIME_FLOOR_S:
            self.final_repetitions = min(o.repetitions, 3)
        self.evaluator.side_min_time_s = min(self.evaluator.side_min_time_s, max(MIN_TIME_FLOOR_S, per / self.final_repetitions))
        return finalists

    def confirm_deadline(self) -> float | None:
        """When the confirming rounds must end (the artifacts follow them)."""
        return self.end - AFTER_FINAL_S if self.end is not None else None


__all__ = ["TimePlan"]
