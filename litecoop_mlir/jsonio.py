"""Strict JSON for artifacts other tools read (no NaN or infinities)."""

from __future__ import annotations

import json
import math
from typing import Any


def finite(x: Any) -> Any:
    """`x` with NaN and infinities replaced by None."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [finite(v) for v in x]
    return x


def dumps(x: Any, **kwargs: Any) -> str:
    """Strict JSON text of `x` (objects JSON does not know are written as strings)."""
    return json.dumps(finite(x), default=str, **kwargs)
