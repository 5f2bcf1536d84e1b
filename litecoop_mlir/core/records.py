"""Records: what a candidate is, what measuring it gave, how search events are named.

Records, not behaviour: this module sits below everything that produces or consumes them
(the IREE layer, the measuring backends, the search, the store, the report) and imports
nothing of the package. It also holds the one serializer every artifact uses: strict JSON
(no NaN or infinities), enums as their values, dataclasses as objects.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any


class _Word(str, enum.Enum):
    """A str enum that prints as its value (Python 3.11 prints a mixed-in enum as `How.DATABASE`)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Status(_Word):
    """Outcome of one step of evaluating a candidate."""

    OK = "ok"
    COMPILE_ERROR = "compile_error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    CRASH = "crash"
    WRONG_NUMBERS = "wrong_numbers"
    RUN_ERROR = "run_error"
    BENCHMARK_ERROR = "benchmark_error"
    NO_DEVICE = "no_device"
    INVALID = "invalid"
    INTERRUPTED = "interrupted"  # the tool was stopped (SIGINT/SIGTERM/SIGHUP) while it ran: not a result


class How(_Word):
    """How a search node got its measurement: compiled now, taken from the cache, refused before
    compiling, or compiled now for a configuration the tuning database already holds (no budget)."""

    COMPILED = "compiled"
    CACHED = "cached"
    REJECTED = "rejected"
    DATABASE = "database"
    DUPLICATE = "duplicate"  # compiled to the binary of an earlier candidate: its measurement, no budget


class EventKind(_Word):
    """What a search event reports: a new measured node, a model turn, a node's expansion state, a note."""

    CANDIDATE = "candidate"
    CALL = "call"
    EXPANDED = "expanded"
    NOTE = "note"


@dataclass(frozen=True)
class Candidate:
    """Something to compile: module text plus flags beyond the workload's base flags.

    Attributes:
        source: input-level MLIR, or configured IR when `configured` is true.
        flags: extra iree-compile flags (a script's flag transforms).
        configured: whether `source` is executable-configurations IR.
        library: a transform library holding the codegen scripts that dispatches of `source`
            name in their translation_info ("" when none does); compiled with
            `--iree-codegen-transform-dialect-library`.
    """

    source: str
    flags: tuple[str, ...] = ()
    configured: bool = False
    library: str = ""

    def content_key(self, base_flags: tuple[str, ...], compiler: str) -> str:
        """Content address: source, flags, the base flags and the compiler version."""
        h = hashlib.sha256()
        parts = [self.source, "\0".join(self.flags), "\0".join(base_flags), str(self.configured), compiler]
        if self.library:  # candidates without scripts keep the keys they always had
            parts.append(self.library)
        for part in parts:
            h.update(part.encode())
            h.update(b"\1")
        return h.hexdigest()[:24]


@dataclass
class Measurement:
    """What compiling, verifying and timing a candidate gave."""

    key: str
    status: Status
    median_ms: float = float("nan")
    min_ms: float = float("nan")
    stdev_ms: float = float("nan")
    spread: float = float("nan")
    samples_ms: tuple[float, ...] = ()
    max_abs_error: float = float("nan")
    max_rel_error: float = float("nan")
    error_vs_f64: float = float("nan")  # max|out - ref64| / max|ref64| against the module computed in float64
    size_bytes: int = 0
    compile_s: float = 0.0
    error: str = ""
    compile_only: bool = False
    vmfb: str = ""
    binary: str = ""  # digest of the compiled module: equal digests are the same candidate
    #: the key of the earlier candidate that compiled to this very binary (its measurement is reused, at no budget)
    duplicate_of: str = ""

    @property
    def ok(self) -> bool:
        """Compiled, numerically correct and (unless compile-only) timed."""
        return self.status is Status.OK

    @property
    def numerical_error(self) -> float:
        """The error on the Pareto axis and under --max-error: against the module computed in
        float64 where that reference exists, else against the baseline's outputs."""
        return self.error_vs_f64 if math.isfinite(self.error_vs_f64) else self.max_rel_error

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Measurement":
        d = dict(d)
        d["status"] = Status(d["status"])
        d["samples_ms"] = tuple(v if v is not None else float("nan") for v in d.get("samples_ms", ()))
        for k in ("median_ms", "min_ms", "stdev_ms", "spread", "max_abs_error", "max_rel_error", "error_vs_f64"):
            if d.get(k) is None:
                d[k] = float("nan")  # strict JSON wrote NaN as null
        return cls(**{k: v for k, v in d.items() if k in _MEASUREMENT_FIELDS})


_MEASUREMENT_FIELDS = {f.name for f in dataclasses.fields(Measurement)}


def failure(status: Status, error: str) -> Measurement:
    """A measurement of a candidate that never got as far as a binary."""
    return Measurement("", status, error=error)


# ---------------------------------------------------------------------------------------
# The one serializer
# ---------------------------------------------------------------------------------------


def jsonable(x: Any) -> Any:
    """`x` as plain JSON data: NaN and infinities become None, enums their values,
    dataclasses objects (through their `to_json` where they have one), paths strings."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, enum.Enum):
        return jsonable(x.value)
    if isinstance(x, (str, int, bool)) or x is None:
        return x
    if isinstance(x, dict):
        return {str(jsonable(k)): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in x]
    if hasattr(x, "to_json"):
        return jsonable(x.to_json())
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: jsonable(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, PurePath):
        return str(x)
    return str(x)


def dumps(x: Any, **kwargs: Any) -> str:
    """Strict JSON text of `x` (see `jsonable`); never writes NaN."""
    return json.dumps(jsonable(x), allow_nan=False, **kwargs)


def fmt_ms(x: float | None) -> str:
    """A latency for people: milliseconds with 3 decimals, or "-" when there is none."""
    return "-" if x is None or not math.isfinite(x) else f"{x:.3f}"


__all__ = ["Candidate", "EventKind", "How", "Measurement", "Status", "dumps", "failure", "fmt_ms", "jsonable"]
