"""Recorded replies: a run against a real endpoint replayed offline (tests, debugging).

A cassette is a JSONL file, one line per reply: `{"digest", "model", "reply", "prompt_tokens",
"completion_tokens"}`. The digest hashes the model id and the messages with what changes from
run to run taken out of the context block (latencies, speedups, live model statistics, the
budget left), so a replayed search that reaches the same node with the same history asks the
same question. A replay answers by digest; a request it has no line for gets the model's next
unused reply in recorded order (counted as `misses`), so timing noise that changes which node
is expanded does not stop a replay.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path
from typing import Any

from litecoop_mlir.core.errors import InputError

_CONTEXT = re.compile(r"(<context>\s*)(\{.*\})(\s*</context>)", re.S)
#: Context fields that change between runs of the same search (measurements and live statistics).
VOLATILE = frozenset({"latency_ms", "speedup_vs_baseline", "baseline_ms", "models", "budget_left", "estimate"})


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def request_digest(model: str, messages: list[dict[str, Any]]) -> str:
    """The digest of one request, without what differs between runs of the same search."""
    parts = []
    for m in messages:
        text = str(m.get("content", ""))
        found = _CONTEXT.search(text)
        if found:
            try:
                stable = json.dumps(_stable(json.loads(found.group(2))), sort_keys=True)
                text = text[: found.start(2)] + stable + text[found.end(2):]
            except ValueError:
                pass
        parts.append({"role": m.get("role"), "content": text})
    return hashlib.sha256(json.dumps({"model": model, "messages": parts}, sort_keys=True).encode()).hexdigest()[:32]


class Cassette:
    """One cassette file, for recording (append) or replaying (read once). `Cassette.open`
    shares one object per file, so several models recording into one file do not interleave."""

    _open: dict[tuple[str, str], "Cassette"] = {}
    _open_lock = threading.Lock()

    @classmethod
    def open(cls, path: str | Path, mode: str) -> "Cassette":
        key = (str(Path(path).resolve()), mode)
        with cls._open_lock:
            if key not in cls._open:
                cls._open[key] = cls(path, mode)
            return cls._open[key]

    def __init__(self, path: str | Path, mode: str) -> None:
        self.path, self.mode = Path(path), mode
        self.misses = 0
        self._lock = threading.Lock()
        self._by_digest: dict[str, dict[str, Any]] = {}
        self._in_order: dict[str, list[dict[str, Any]]] = {}
        self._used: set[int] = set()
        if mode == "replay":
            self._load()

    def _load(self) -> None:
        try:
            lines = self.path.read_text().splitlines()
        except OSError as exc:
            raise InputError(f"{self.path}: error: cannot read the cassette: {exc.strerror or exc}") from None
        for i, line in enumerate(lines, start=1):
            try:
                row = json.loads(line)
                row["_i"] = i
                self._by_digest.setdefault(str(row["digest"]), row)
                self._in_order.setdefault(str(row["model"]), []).append(row)
            except (ValueError, KeyError, TypeError):
                raise InputError(f"{self.path}:{i}: error: not a cassette line") from None

    def record(self, model: str, messages: list[dict[str, Any]], reply: str, prompt_tokens: int, completion_tokens: int) -> None:
        row = {"digest": request_digest(model, messages), "model": model, "reply": reply,
               "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens}
        with self._lock, self.path.open("a") as f:
            f.write(json.dumps(row) + "\n")

    def replay(self, model: str, messages: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The recorded reply for this request (by digest, else the model's next unused one)."""
        with self._lock:
            row = self._by_digest.get(request_digest(model, messages))
            if row is None or row["_i"] in self._used:
                self.misses += 1
                row = next((r for r in self._in_order.get(model, []) if r["_i"] not in self._used), None)
            if row is not None:
                self._used.add(row["_i"])
            return row


__all__ = ["VOLATILE", "Cassette", "request_digest"]
