"""The reported speedup, measured as carefully for the baseline as for the winner.

A speedup from a few rounds can be off by more than the gain it claims (matmul_512 was once
reported at 1.75x from 3 rounds and re-measured at 1.44-1.57x). So the kept module and the
baseline are timed together in interleaved rounds until the 95% interval of their ratio is
narrow enough (`width` of the estimate, both sides together), with a floor and a ceiling on
the rounds and an optional deadline; a round whose ratio is far from the others (another
process, a frequency change) is timed again rather than trusted or silently dropped. The
interval is reported with the speedup.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litecoop_mlir.measure.backend import Evaluator
from litecoop_mlir.measure.rounds import median_of_timed, outlier_rounds, ratio_interval

#: Rounds added per step while the interval is too wide.
STEP_ROUNDS = 4
#: Least time per repetition of a confirming benchmark: short repetitions, many rounds (the rounds are what
#: pairs the two modules against drift, so they buy the interval).
CONFIRM_MIN_TIME_S = 0.05


@dataclass
class Confirmed:
    """Baseline and kept module timed side by side: per-round medians and the speedup's interval."""

    base_ms: list[float] = field(default_factory=list)
    best_ms: list[float] = field(default_factory=list)
    speedup: float = float("nan")
    low: float = float("nan")
    high: float = float("nan")
    rechecked: int = 0  # outlier rounds timed again
    stopped: str = ""  # why the rounds stopped: "interval", "rounds", "deadline"

    @property
    def rounds(self) -> int:
        return len(self.base_ms)

    @property
    def width(self) -> float:
        """The interval's width relative to the estimate."""
        return (self.high - self.low) / self.speedup if self.speedup > 0 else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {"speedup": self.speedup, "low": self.low, "high": self.high, "confidence": 0.95, "rounds": self.rounds,
                "outlier_rounds_retimed": self.rechecked, "stopped_by": self.stopped,
                "baseline_ms": median_of_timed(self.base_ms), "best_ms": median_of_timed(self.best_ms)}

    def describe(self) -> str:
        return (f"{self.speedup:.2f}x (95% interval {self.low:.2f}-{self.high:.2f}, {self.rounds} interleaved rounds"
                + (f", {self.rechecked} outlier round(s) timed again" if self.rechecked else "") + ")")


def confirm_speedup(evaluator: Evaluator, base_vmfb: Path, best_vmfb: Path, *, repetitions: int, min_rounds: int = 6,
                    max_rounds: int = 30, width: float = 0.02, deadline: float | None = None) -> Confirmed:
    """Time `base_vmfb` and `best_vmfb` in interleaved rounds until the speedup's 95% interval is within
    `width` of it (or `max_rounds`, or `deadline` on time.monotonic()); outlier rounds are timed again."""
    out = Confirmed()

    def more(n: int) -> tuple[list[float], list[float]]:
        timed = evaluator.side_by_side({"baseline": base_vmfb, "best": best_vmfb}, rounds=n, repetitions=repetitions,
                                       min_time_s=min(CONFIRM_MIN_TIME_S, evaluator.side_min_time_s))
        return timed["baseline"], timed["best"]

    t = time.monotonic()
    out.base_ms, out.best_ms = more(min_rounds)
    per_round = (time.monotonic() - t) / min_rounds  # a step must end before the deadline, not start before it
    retimed: set[int] = set()
    while True:
        for i in [i for i in outlier_rounds(out.base_ms, out.best_ms) if i not in retimed][:STEP_ROUNDS]:
            (a,), (b,) = more(1)
            out.base_ms[i], out.best_ms[i] = a, b
            retimed.add(i)
            out.rechecked += 1
        out.speedup, out.low, out.high = ratio_interval(out.base_ms, out.best_ms)
        if out.width <= width:
            out.stopped = "interval"
            break
        if out.rounds >= max_rounds:
            out.stopped = "rounds"
            break
        if deadline is not None and time.monotonic() + STEP_ROUNDS * per_round >= deadline:
            out.stopped = "deadline"
            break
        a, b = more(min(STEP_ROUNDS, max_rounds - out.rounds))
        out.base_ms += a
        out.best_ms += b
    return out


__all__ = ["Confirmed", "confirm_speedup"]
