"""The model roster (TOML), live statistics per model, and the cost scale phi.

A roster lists the models that share one search tree. Each has a kind (`openai` for any
OpenAI-compatible endpoint, `builtin` for an offline proposer), a size and prices, and the
NAME of the environment variable holding its API key (the key itself is never stored).
"""

from __future__ import annotations

import math
import threading
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from litecoop_mlir.core.errors import InputError
from litecoop_mlir.core.secrets import register_env

KINDS = ("openai", "builtin")
BUILTINS = ("heuristic", "random")
COST_BASES = ("params", "price")


@dataclass(frozen=True)
class ModelSpec:
    """One roster entry.

    Attributes:
        name: unique name used in replies (`next_model`) and reports.
        kind: `openai` or `builtin`.
        model: model id sent to the endpoint; for builtins, `heuristic` or `random`.
        base_url: the OpenAI-compatible endpoint (e.g. http://localhost:8000/v1).
        api_key_env: name of the environment variable with the key ("" for none).
        params_b: parameter count in billions (cost basis `params`).
        input_cost_per_token / output_cost_per_token: USD per token (cost basis `price`).
        timeout_s: per-request timeout; max_retries: retries on 429/5xx/connection errors.
        temperature: sampling temperature sent to the endpoint.
        stream: stream replies, so that each step's candidate starts compiling while
            later steps are still arriving (with --concurrency > 1).
        context_tokens: the model's context size; its prompt is fitted within it (a compact
            prompt for small contexts and cheap models, the full one for the largest).
        cassette: a JSONL file of recorded replies (request digest -> reply); with
            `cassette_mode` "record" every reply is appended to it, with "replay" replies
            come from it and the endpoint is never called.
    """

    name: str
    kind: str
    model: str
    base_url: str = ""
    api_key_env: str = ""
    params_b: float = 0.0
    input_cost_per_token: float = 0.0
    output_cost_per_token: float = 0.0
    timeout_s: float = 60.0
    max_retries: int = 2
    temperature: float = 0.7
    stream: bool = False
    context_tokens: int = 32768
    cassette: str = ""
    cassette_mode: str = ""

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("-", "").replace("_", "").replace(".", "").replace(":", "").isalnum():
            raise ValueError(f"model name {self.name!r} must be letters, digits, '-', '_', '.', ':'")
        if self.kind not in KINDS:
            raise ValueError(f"model {self.name}: kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.kind == "builtin" and self.model not in BUILTINS:
            raise ValueError(f"model {self.name}: builtin model must be one of {', '.join(BUILTINS)}")
        if self.kind == "openai" and not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"model {self.name}: base_url must be an http(s) URL")
        for f in ("params_b", "input_cost_per_token", "output_cost_per_token"):
            if getattr(self, f) < 0:
                raise ValueError(f"model {self.name}: {f} must be >= 0")
        if self.timeout_s <= 0 or self.max_retries < 0:
            raise ValueError(f"model {self.name}: timeout_s must be > 0 and max_retries >= 0")
        if self.context_tokens < 1024:
            raise ValueError(f"model {self.name}: context_tokens must be at least 1024")
        if self.cassette_mode not in ("", "record", "replay") or bool(self.cassette) != bool(self.cassette_mode):
            raise ValueError(f"model {self.name}: a cassette needs cassette_mode 'record' or 'replay' (and the reverse)")

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return prompt_tokens * self.input_cost_per_token + completion_tokens * self.output_cost_per_token

    def public(self) -> dict[str, Any]:
        """The entry as it may appear in prompts and reports (no key names, no URLs)."""
        return {"name": self.name, "params_b": self.params_b,
                "usd_per_1k_tokens": round(1000 * (self.input_cost_per_token + self.output_cost_per_token), 6)}


@dataclass
class ModelStats:
    """Live statistics of one model during a run."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    latency_s: float = 0.0
    invalid: int = 0
    errors: int = 0
    retries: int = 0
    hits: int = 0
    children: int = 0

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["cost_usd"] = round(self.cost_usd, 8)
        d["latency_s"] = round(self.latency_s, 3)
        return d


OFFLINE_ROSTER = (
    ModelSpec("heuristic", "builtin", "heuristic", params_b=0.0),
    ModelSpec("random", "builtin", "random", params_b=0.0),
)


def load_roster(path: str | Path) -> list[ModelSpec]:
    """Read a roster TOML file: `[[models]]` tables with the ModelSpec fields.

    Raises InputError (file:line-free, but naming the file and entry) on any problem.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: error: cannot read roster: {exc}") from None
    entries = data.get("models")
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{path}: error: a roster needs at least one [[models]] table")
    known = set(ModelSpec.__dataclass_fields__)
    specs: list[ModelSpec] = []
    for i, e in enumerate(entries):
        if not isinstance(e, dict):
            raise InputError(f"{path}: error: models[{i}] is not a table")
        unknown = sorted(set(e) - known)
        if unknown:
            raise InputError(f"{path}: error: models[{i}]: unknown field(s) {', '.join(unknown)}")
        try:
            specs.append(ModelSpec(**e))
        except (TypeError, ValueError) as exc:
            raise InputError(f"{path}: error: models[{i}]: {exc}") from None
    register_env(s.api_key_env for s in specs)  # so that an echoed key never reaches a print or the store
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise InputError(f"{path}: error: model names must be unique")
    return specs


#: Calls in a row of one failure kind (each after the client's own retries) after which a model is
#: dropped for the rest of the run: an endpoint that keeps failing must not take the run's time.
DROP_AFTER = {"unavailable": 3, "invalid": 5}


@dataclass
class ModelPool:
    """The roster plus live statistics, availability and the cost scale.

    `phi(name)` is 1 for the cheapest model and 0 for the most expensive, linear in
    log(cost) where cost is the parameter count (`params`) or the price per token
    (`price`); with a single cost level every model gets 1.
    """

    specs: list[ModelSpec]
    cost_basis: str = "params"
    down_s: float = 60.0
    stats: dict[str, ModelStats] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)  # model -> why it is out for the rest of the run
    _down_until: dict[str, float] = field(default_factory=dict)
    _failing: dict[str, tuple[str, int]] = field(default_factory=dict)  # model -> (failure kind, calls in a row)
    last_error: dict[str, str] = field(default_factory=dict)  # model -> its last failed call's error
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if not self.specs:
            raise ValueError("a model pool needs at least one model")
        if self.cost_basis not in COST_BASES:
            raise ValueError(f"cost basis must be one of {', '.join(COST_BASES)}")
        self.by_name = {s.name: s for s in self.specs}
        for s in self.specs:
            self.stats.setdefault(s.name, ModelStats())
        costs = {s.name: self._cost(s) for s in self.specs}
        lo, hi = min(costs.values()), max(costs.values())
        self._phi = {n: 1.0 if hi == lo else 1.0 - (c - lo) / (hi - lo) for n, c in costs.items()}

    def _cost(self, s: ModelSpec) -> float:
        if self.cost_basis == "params":
            return math.log(s.params_b * 1e9 + 1e6)
        return math.log(s.input_cost_per_token + s.output_cost_per_token + 1e-12)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.specs]

    def phi(self, name: str) -> float:
        return self._phi.get(name, 0.0)

    @property
    def cheapest(self) -> str:
        return max(self.names, key=lambda n: (self._phi[n], -self.names.index(n)))

    @property
    def largest(self) -> str:
        """The most expensive model (first listed among equals)."""
        return min(self.names, key=lambda n: (self._phi[n], self.names.index(n)))

    def is_down(self, name: str) -> bool:
        return name in self.dropped or self._down_until.get(name, 0.0) > time.monotonic()

    def note_outcome(self, name: str, status: str, error: str = "") -> str:
        """Count a call's outcome; a model that failed `DROP_AFTER[kind]` calls in a row (each after
        its own retries) is dropped for the rest of the run. Returns why, when this call dropped it."""
        with self._lock:
            if status not in DROP_AFTER:
                self._failing.pop(name, None)
                return ""
            self.last_error[name] = error[:160] or status
            kind, n = self._failing.get(name, (status, 0))
            n = n + 1 if kind == status else 1
            self._failing[name] = (status, n)
            if n < DROP_AFTER[status] or name in self.dropped:
                return ""
            what = "was unreachable or answered undecodably" if status == "unavailable" else "replied invalidly"
            self.dropped[name] = f"{what} {n} calls in a row (last: {error[:160] or status})"
            return self.dropped[name]

    def add(self, specs: Iterable[ModelSpec]) -> list[str]:
        """Add models not in the pool (a fallback), with fresh statistics; returns the names added."""
        with self._lock:
            new = [s for s in specs if s.name not in self.by_name]
            self.specs = [*self.specs, *new]
            self.__post_init__()
        return [s.name for s in new]

    @property
    def usable(self) -> list[str]:
        """The models not dropped."""
        return [n for n in self.names if n not in self.dropped]

    def unavailable_reasons(self) -> str:
        """Why each model that cannot take a turn now is out (dropped, or down after its last error)."""
        return "; ".join(f"{n}: {self.dropped.get(n) or self.last_error.get(n, 'down')}" for n in self.names if self.is_down(n))

    def mark_down(self, name: str) -> None:
        with self._lock:
            self._down_until[name] = time.monotonic() + self.down_s

    def available(self, name: str) -> str | None:
        """`name` if it is up, else the up model nearest in cost (larger first); None if all are down."""
        if name in self.by_name and not self.is_down(name):
            return name
        ref = self._phi.get(name, 1.0)
        up = [n for n in self.names if not self.is_down(n)]
        if not up:
            return None
        return min(up, key=lambda n: (abs(self._phi[n] - ref), self._phi[n], self.names.index(n)))

    def record(self, name: str, **delta: float) -> None:
        """Add to a model's counters (thread-safe)."""
        with self._lock:
            st = self.stats[name]
            for k, v in delta.items():
                setattr(st, k, getattr(st, k) + v)

    @property
    def ranked_by_cost(self) -> bool:
        """Whether the cost basis tells the models apart (else there is no largest model)."""
        return len(set(self._phi.values())) > 1

    def total_calls(self) -> int:
        return sum(s.calls for s in self.stats.values())

    def largest_model_share(self) -> float | None:
        """Fraction of calls that went to the most expensive model (None if no model is)."""
        total = self.total_calls()
        if not self.ranked_by_cost:
            return None
        return self.stats[self.largest].calls / total if total else 0.0

    def summary(self) -> dict[str, dict[str, Any]]:
        return {n: self.stats[n].to_json() for n in self.names}

    def roster_for_prompt(self) -> list[dict[str, Any]]:
        out = []
        for s in self.specs:
            st = self.stats[s.name]
            out.append({**s.public(), "calls": st.calls, "hits": st.hits, "invalid": st.invalid,
                        "hit_rate": round(st.hits / st.children, 3) if st.children else None,
                        "down": self.is_down(s.name)})
        return out
