"""Statistics over interleaved timing rounds (a NaN marks a round that failed)."""

from __future__ import annotations

import math
import random
import statistics


def median_of_timed(values: list[float], empty: float = math.nan) -> float:
    """The median of the rounds that timed (NaN marks a failed round); `empty` if none did."""
    ok = [v for v in values if v == v]
    return statistics.median(ok) if ok else empty


def spread_of_timed(values: list[float]) -> float:
    """(max - min) / median of the rounds that timed (NaN if none did)."""
    ok = [v for v in values if v == v]
    return (max(ok) - min(ok)) / statistics.median(ok) if ok else math.nan


def ratio_interval(base: list[float], best: list[float], confidence: float = 0.95, resamples: int = 2000,
                   seed: int = 0) -> tuple[float, float, float]:
    """The speedup median(base) / median(best) over paired interleaved rounds, with a percentile-bootstrap
    interval (rounds resampled in pairs, so drift that moves both modules of a round cancels). NaN rounds
    are left out; (nan, nan, nan) without a timed pair."""
    pairs = [(a, b) for a, b in zip(base, best) if a == a and b == b and b > 0]
    if not pairs:
        return math.nan, math.nan, math.nan
    estimate = statistics.median(a for a, _ in pairs) / statistics.median(b for _, b in pairs)
    rng = random.Random(seed)
    n = len(pairs)
    draws = sorted(statistics.median(a for a, _ in s) / statistics.median(b for _, b in s)
                   for s in ([pairs[rng.randrange(n)] for _ in range(n)] for _ in range(resamples)))
    tail = (1 - confidence) / 2
    return estimate, draws[int(tail * (resamples - 1))], draws[int((1 - tail) * (resamples - 1))]


def outlier_rounds(base: list[float], best: list[float], cut: float = 4.0) -> list[int]:
    """Rounds whose speedup lies more than `cut` scaled MADs from the median round's (or failed): to time again."""
    ratios = [a / b if a == a and b == b and b > 0 else math.nan for a, b in zip(base, best)]
    ok = [r for r in ratios if r == r]
    if len(ok) < 3:
        return [i for i, r in enumerate(ratios) if r != r]
    mid = statistics.median(ok)
    mad = 1.4826 * statistics.median(abs(r - mid) for r in ok)
    return [i for i, r in enumerate(ratios) if r != r or (mad > 0 and abs(r - mid) > cut * mad)]
