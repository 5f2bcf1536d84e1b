"""Statistics over interleaved timing rounds (a NaN marks a round that failed)."""

from __future__ import annotations

import math
import statistics


def median_of_timed(values: list[float], empty: float = math.nan) -> float:
    """The median of the rounds that timed (NaN marks a failed round); `empty` if none did."""
    ok = [v for v in values if v == v]
    return statistics.median(ok) if ok else empty


def spread_of_timed(values: list[float]) -> float:
    """(max - min) / median of the rounds that timed (NaN if none did)."""
    ok = [v for v in values if v == v]
    return (max(ok) - min(ok)) / statistics.median(ok) if ok else math.nan
