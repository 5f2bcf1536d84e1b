"""The run store: one SQLite database (WAL) per work directory, written as the run goes.

It holds the run's identity (input text and hash, target, flags, compiler), its
configuration, the dispatches, every tree node with its script and measurement, every
measured candidate (the evaluator's cache), and every model call. Each write commits at
once, so a run killed with SIGKILL loses at most the candidate in flight; `--resume`
rebuilds the trees, the cache and the model statistics from it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.core.records import Measurement, dumps
from litecoop_mlir.core.secrets import redact

SCHEMA_VERSION = 1
DB_NAME = "run.db"
LOCK_NAME = "run.lock"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dispatches (idx INTEGER PRIMARY KEY, executable TEXT NOT NULL, kernel TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
  dispatch INTEGER NOT NULL, id INTEGER NOT NULL, parent INTEGER, key TEXT NOT NULL, script TEXT NOT NULL,
  expanded_by TEXT NOT NULL, next_model TEXT NOT NULL, reasoning TEXT NOT NULL, how TEXT NOT NULL,
  status TEXT NOT NULL, median_ms REAL, measurement TEXT, hit INTEGER NOT NULL DEFAULT 0,
  expansions INTEGER NOT NULL DEFAULT 0, failed_expansions INTEGER NOT NULL DEFAULT 0,
  exhausted INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL, PRIMARY KEY (dispatch, id));
CREATE TABLE IF NOT EXISTS measurements (key TEXT PRIMARY KEY, measurement TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, dispatch INTEGER NOT NULL, node INTEGER NOT NULL, model TEXT NOT NULL,
  status TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
  latency_s REAL NOT NULL, retries INTEGER NOT NULL, error TEXT NOT NULL, reply_excerpt TEXT NOT NULL, t REAL NOT NULL);
"""


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def _call_error(outcome: Any) -> str:
    """Why a model turn failed, or why steps of its reply were rejected (what the next prompt feeds back)."""
    rejected = getattr(outcome.proposal, "rejected", ()) if outcome.proposal is not None else ()
    return outcome.error or ("rejected " + "; ".join(rejected) if rejected else "")


@dataclass(frozen=True)
class NodeRow:
    """One stored node."""

    dispatch: int
    id: int
    parent: int | None
    key: str
    script: list[dict[str, Any]]
    expanded_by: str
    next_model: str
    reasoning: str
    how: str
    status: str
    median_ms: float | None
    measurement: Measurement | None
    hit: bool
    expansions: int
    failed_expansions: int
    exhausted: bool
    created: float


class WorkDirLock:
    """The one run writing a work directory: an exclusive `flock` on `run.lock` (holding the pid), released
    when the run ends or its process dies, even by SIGKILL. A second run (a `--resume` beside a live run)
    is refused with the live run's pid."""

    def __init__(self, work_dir: Path) -> None:
        self.path = Path(work_dir) / LOCK_NAME
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pid = os.pread(self._fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(self._fd)
            raise LitecoopError(f"{work_dir}: error: another run (pid {pid}) is using this work directory; "
                                "wait for it to end or stop it first") from None
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()}\n".encode(), 0)

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing drops the flock
            self._fd = -1


class RunStore:
    """The SQLite run database of one work directory (thread-safe; one connection)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise LitecoopError(f"{self.path}: error: not a litecoop run store ({exc})") from None
        self._lock = threading.Lock()
        self.work_lock: WorkDirLock | None = None  # held by the run writing it (driver.setup.open_store)

    @classmethod
    def in_dir(cls, work_dir: Path) -> "RunStore":
        return cls(Path(work_dir) / DB_NAME)

    @staticmethod
    def exists(work_dir: Path) -> bool:
        return (Path(work_dir) / DB_NAME).exists()

    def close(self) -> None:
        self._db.close()
        if self.work_lock is not None:
            self.work_lock.release()

    def _exec(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._db.execute(sql, args)

    # -- identity and configuration ---------------------------------------------------

    def meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self._exec("SELECT key, value FROM meta").fetchall()}

    def set_meta(self, **items: Any) -> None:
        for k, v in items.items():
            self._exec("INSERT OR REPLACE INTO meta VALUES (?, ?)", (k, dumps(v)))

    def start_session(self) -> None:
        """Count a new session (a first run or a `--resume`); its wall time grows with `touch_session`."""
        now = time.time()
        self._sessions_log = [*(self.meta().get("sessions_log") or []), [now, now]]
        self.set_meta(sessions_log=self._sessions_log)
        self._touched = now

    def touch_session(self, every_s: float = 1.0) -> None:
        """Record that the current session is still going (at most once per `every_s`, one row
        written from memory), so an interrupted session's wall time is not lost."""
        now = time.time()
        if now - getattr(self, "_touched", 0.0) < every_s:
            return
        if not hasattr(self, "_sessions_log"):
            self.start_session()
        self._touched = now
        self._sessions_log[-1][1] = now
        self.set_meta(sessions_log=self._sessions_log)

    def sessions(self) -> tuple[int, float]:
        """(sessions so far, their wall time in seconds, the current one included)."""
        self.touch_session(every_s=0.0)
        return len(self._sessions_log), sum(max(0.0, end - start) for start, end in self._sessions_log)

    def check_identity(self, identity: dict[str, Any]) -> None:
        """Refuse a store written for another input, target, function or flags."""
        meta = self.meta()
        if meta.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
            raise LitecoopError(f"{self.path}: error: run store schema {meta.get('schema_version')} is not {SCHEMA_VERSION}")
        for k, v in identity.items():
            if k in meta and meta[k] != v:
                what = "input module" if k == "source_sha256" else k
                raise LitecoopError(
                    f"{self.path}: error: this work directory holds a run with a different {what} "
                    f"({meta[k] if k != 'source_sha256' else meta.get('input', '?')!s}); use another --work-dir"
                )

    # -- dispatches, nodes, measurements, calls ----------------------------------------

    def add_dispatch(self, idx: int, executable: str, kernel: dict[str, Any]) -> None:
        self._exec("INSERT OR REPLACE INTO dispatches VALUES (?, ?, ?)", (idx, executable, dumps(kernel)))

    def dispatches(self) -> list[tuple[int, str, dict[str, Any]]]:
        rows = self._exec("SELECT idx, executable, kernel FROM dispatches ORDER BY idx").fetchall()
        return [(i, e, json.loads(k)) for i, e, k in rows]

    def put_node(self, dispatch: int, node: Any, how: str, hit: bool = False) -> None:
        """Insert or update a node (a search.tree.Node) with its measurement."""
        m = node.measurement
        self._exec(
            "INSERT OR REPLACE INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "COALESCE((SELECT created FROM nodes WHERE dispatch = ? AND id = ?), ?))",
            (dispatch, node.id, node.parent.id if node.parent else None, node.key, dumps(node.script),
             node.expanded_by, node.next_model, node.reasoning, how, node.status,
             m.median_ms if m is not None and m.ok else None, dumps(m) if m is not None else None,
             int(hit), node.expansions, node.failed_expansions, int(node.exhausted), dispatch, node.id, time.time()),
        )

    def update_node_state(self, dispatch: int, node: Any) -> None:
        self._exec(
            "UPDATE nodes SET next_model = ?, expansions = ?, failed_expansions = ?, exhausted = ? WHERE dispatch = ? AND id = ?",
            (node.next_model, node.expansions, node.failed_expansions, int(node.exhausted), dispatch, node.id),
        )

    def nodes(self, dispatch: int | None = None) -> list[NodeRow]:
        sql = "SELECT * FROM nodes" + (" WHERE dispatch = ?" if dispatch is not None else "") + " ORDER BY dispatch, id"
        out = []
        for r in self._exec(sql, (dispatch,) if dispatch is not None else ()).fetchall():
            out.append(NodeRow(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7], r[8], r[9], r[10],
                               Measurement.from_json(json.loads(r[11])) if r[11] else None, bool(r[12]), r[13], r[14],
                               bool(r[15]), r[16]))
        return out

    def put_measurement(self, key: str, m: Measurement) -> None:
        self._exec("INSERT OR REPLACE INTO measurements VALUES (?, ?)", (key, dumps(m)))

    def measurements(self) -> dict[str, Measurement]:
        rows = self._exec("SELECT key, measurement FROM measurements").fetchall()
        return {k: Measurement.from_json(json.loads(v)) for k, v in rows}

    def add_call(self, dispatch: int, node: int, model: str, outcome: Any, cost_usd: float) -> None:
        self._exec(
            "INSERT INTO calls (dispatch, node, model, status, prompt_tokens, completion_tokens, cost_usd, latency_s, "
            "retries, error, reply_excerpt, t) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (dispatch, node, model, outcome.status, outcome.prompt_tokens, outcome.completion_tokens, cost_usd,
             outcome.latency_s, outcome.retries, redact(_call_error(outcome))[:500], redact(outcome.reply_excerpt)[:500], time.time()),
        )

    def calls(self) -> Iterator[dict[str, Any]]:
        cur = self._exec("SELECT * FROM calls ORDER BY seq")
        cols = [c[0] for c in cur.description]
        for r in cur.fetchall():
            yield dict(zip(cols, r))

    def model_stats(self) -> dict[str, dict[str, float]]:
        """Per model: calls, tokens, cost, latency, invalid, errors, retries (from calls), and
        children and hits (from nodes)."""
        out: dict[str, dict[str, float]] = {}
        rows = self._exec(
            "SELECT model, COUNT(*), SUM(prompt_tokens), SUM(completion_tokens), SUM(cost_usd), SUM(latency_s), "
            "SUM(status = 'invalid'), SUM(status = 'unavailable'), SUM(retries) FROM calls GROUP BY model"
        ).fetchall()
        for model, *vals in rows:
            out[model] = dict(zip(("calls", "prompt_tokens", "completion_tokens", "cost_usd", "latency_s", "invalid",
                                   "errors", "retries"), vals))
        for model, children, hits in self._exec(
            "SELECT expanded_by, COUNT(*), SUM(hit) FROM nodes WHERE expanded_by != '' GROUP BY expanded_by"
        ).fetchall():
            out.setdefault(model, {}).update(children=children, hits=hits)
        return out
