"""The tuning database: every measured dispatch configuration, across runs and modules.

One SQLite file (WAL; default `~/.cache/litecoop-mlir/tuning.db`, `$LITECOOP_DB` or `--db`)
that any number of searches write at once. Rows are keyed by the dispatch's fingerprint
(its executable without configuration, names or buffer offsets: the same dispatch in any
module), the target, the device the timings were taken on, the compiler version and the
opt level the module was built at (a configuration measured at O3 says nothing about O2,
whose pipeline and codegen flags differ). Three tables:

- `measured`: every candidate a search compiled and measured (script, status, latency,
  the baseline it was measured against), appended as the search goes;
- `tuned`: what a finished run kept for each dispatch it searched (possibly IREE's default),
  with the saving it measured, the flags it needs and the tuning-spec matcher that applies
  it to any module. These are what later searches reuse and what `compile` / `export` apply;
- `modules`: a finished run's kept composition of a whole module (input and flags hashed), so
  `compile` rebuilds a tuned module exactly as it was measured.

Rows of another compiler version are kept (so an upgrade can be compared) but never
returned by the lookups that apply configurations.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.core.records import Measurement, dumps

SCHEMA_VERSION = 2
#: What schema 1 lacked (every row it holds was measured at O3, the only level searches built at).
_MIGRATE_FROM_1 = [f"ALTER TABLE {t} ADD COLUMN opt TEXT NOT NULL DEFAULT 'O3'" for t in ("measured", "tuned")]
#: What a matcher sequence is named in a stored spec fragment (renamed when specs are merged).
MATCHER_PLACEHOLDER = "@__litecoop_matcher"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS measured (
  id INTEGER PRIMARY KEY AUTOINCREMENT, fingerprint TEXT NOT NULL, family TEXT NOT NULL, target TEXT NOT NULL,
  device TEXT NOT NULL, compiler TEXT NOT NULL, config_key TEXT NOT NULL, script TEXT NOT NULL, status TEXT NOT NULL,
  ms REAL, baseline_ms REAL NOT NULL, error REAL, changes_numerics INTEGER NOT NULL, kernel TEXT NOT NULL,
  module TEXT NOT NULL, run TEXT NOT NULL, t REAL NOT NULL, opt TEXT NOT NULL DEFAULT 'O3');
CREATE INDEX IF NOT EXISTS measured_key ON measured (fingerprint, target, device, compiler);
CREATE TABLE IF NOT EXISTS tuned (
  id INTEGER PRIMARY KEY AUTOINCREMENT, fingerprint TEXT NOT NULL, family TEXT NOT NULL, target TEXT NOT NULL,
  device TEXT NOT NULL, compiler TEXT NOT NULL, kernel TEXT NOT NULL, script TEXT NOT NULL, flags TEXT NOT NULL,
  matcher TEXT NOT NULL, baseline_ms REAL NOT NULL, ms REAL NOT NULL, saved_ms REAL NOT NULL, candidates INTEGER NOT NULL,
  changes_numerics INTEGER NOT NULL, module TEXT NOT NULL, executable TEXT NOT NULL, run TEXT NOT NULL, t REAL NOT NULL,
  opt TEXT NOT NULL DEFAULT 'O3');
CREATE INDEX IF NOT EXISTS tuned_key ON tuned (fingerprint, target, device, compiler);
CREATE INDEX IF NOT EXISTS tuned_family ON tuned (family, target, device, compiler);
CREATE TABLE IF NOT EXISTS modules (
  id INTEGER PRIMARY KEY AUTOINCREMENT, module_key TEXT NOT NULL, target TEXT NOT NULL, device TEXT NOT NULL,
  compiler TEXT NOT NULL, scripts TEXT NOT NULL, baseline_ms REAL NOT NULL, ms REAL NOT NULL, module TEXT NOT NULL,
  run TEXT NOT NULL, t REAL NOT NULL);
CREATE INDEX IF NOT EXISTS modules_key ON modules (module_key, target, device, compiler);
"""


def default_path() -> Path:
    """`$LITECOOP_DB`, else `tuning.db` in the user's cache directory (`$XDG_CACHE_HOME` or ~/.cache)."""
    if os.environ.get("LITECOOP_DB"):
        return Path(os.environ["LITECOOP_DB"])
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "litecoop-mlir" / "tuning.db"


@dataclass(frozen=True)
class DispatchKey:
    """Which dispatch, compiled for which target, timed on which device, by which compiler, at which opt level."""

    fingerprint: str
    target: str
    device: str
    compiler: str
    family: str = field(default="", compare=False)
    opt: str = "O3"

    def differences(self, other: "DispatchKey") -> list[str]:
        """What sets `other` apart from this key, in words ("opt level O3 (this build: O2)")."""
        names = (("target", "target"), ("device", "device"), ("compiler", "IREE"), ("opt", "opt level"))
        return [f"{word} {getattr(other, a)} (this build: {getattr(self, a)})" for a, word in names
                if getattr(other, a) != getattr(self, a)]


@dataclass(frozen=True)
class TunedEntry:
    """What a finished run kept for one dispatch.

    Attributes:
        script: the kept script as JSON (empty: IREE's default configuration was best).
        flags: module-wide flags the script needs (they act on every dispatch of a module).
        matcher: a tuning-spec matcher sequence named `MATCHER_PLACEHOLDER` that yields the
            root op and its compilation_info; empty where the spec route does not apply it
            (a batch-1 convolution) or the script changes no codegen attribute.
        baseline_ms / ms: the module's time at the baseline and with only this script, in that run.
        saved_ms: baseline_ms - ms (the same dispatch saves the same time in any module).
    """

    key: DispatchKey
    kernel: str
    script: list[dict[str, Any]]
    flags: list[str]
    matcher: str
    baseline_ms: float
    ms: float
    candidates: int
    changes_numerics: bool
    module: str
    executable: str
    run: str
    t: float = 0.0

    @property
    def saved_ms(self) -> float:
        return self.baseline_ms - self.ms

    def to_json(self) -> dict[str, Any]:
        k = self.key
        return {"fingerprint": k.fingerprint, "target": k.target, "device": k.device, "compiler": k.compiler,
                "kernel": self.kernel, "script": self.script, "flags": self.flags, "baseline_ms": self.baseline_ms,
                "ms": self.ms, "saved_ms": self.saved_ms, "candidates": self.candidates,
                "changes_numerics": self.changes_numerics, "module": self.module, "executable": self.executable,
                "run": self.run, "spec_route": bool(self.matcher)}


_TUNED_COLS = ("fingerprint, family, target, device, compiler, kernel, script, flags, matcher, baseline_ms, ms, saved_ms, "
               "candidates, changes_numerics, module, executable, run, t, opt")
#: The columns that select one dispatch's rows (its key).
_KEY_MATCH = "fingerprint = ? AND target = ? AND device = ? AND compiler = ? AND opt = ?"


def _key_args(key: DispatchKey) -> tuple[str, ...]:
    return (key.fingerprint, key.target, key.device, key.compiler, key.opt)


def _entry(r: tuple[Any, ...]) -> TunedEntry:
    key = DispatchKey(r[0], r[2], r[3], r[4], r[1], r[18])
    return TunedEntry(key, r[5], json.loads(r[6]), json.loads(r[7]), r[8], r[9], r[10], r[12], bool(r[13]), r[14], r[15],
                      r[16], r[17])


class TuningDB:
    """The tuning database (thread-safe; several processes may write it at once)."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        """Open the database at `path` (with `create`, make it where there is none). A database this
        process cannot write (a read-only file or folder) is opened read-only: it serves reads, and
        writes are skipped (`read_only`)."""
        self.path = Path(path).expanduser()
        if not create and not self.path.is_file():
            raise LitecoopError(f"{self.path}: error: no tuning database here (check --db)")
        self.read_only = self.path.is_file() and not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK))
        try:
            if self.read_only:  # immutable: no -wal/-shm files to create beside it
                self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                           check_same_thread=False, isolation_level=None)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=60)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                self._migrate()
            version = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        except (OSError, sqlite3.DatabaseError, TypeError) as exc:
            raise LitecoopError(f"{self.path}: error: cannot open the tuning database ({exc})") from None
        if version != str(SCHEMA_VERSION):
            upgrade = " (open it once where it is writable to upgrade it)" if self.read_only and version == "1" else ""
            raise LitecoopError(f"{self.path}: error: tuning database schema {version} is not {SCHEMA_VERSION}{upgrade}")
        self._lock = threading.Lock()

    def _migrate(self) -> None:
        """Bring a schema-1 database to this schema, in one transaction (rows stay; they were measured at O3)."""
        if self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] != "1":
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if "opt" not in {r[1] for r in self._db.execute("PRAGMA table_info(tuned)")}:
                for sql in _MIGRATE_FROM_1:
                    self._db.execute(sql)
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._db.close()

    def _write(self, sql: str, args: tuple[Any, ...]) -> None:
        """One statement in its own transaction; waits (up to a minute) for other writers (skipped when read-only)."""
        if self.read_only:
            return
        with self._lock:
            self._db.execute(sql, args)

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # -- writing --------------------------------------------------------------------------

    def record_measured(self, key: DispatchKey, config_key: str, script: list[dict[str, Any]], m: Measurement,
                        baseline_ms: float, *, changes_numerics: bool, kernel: str, module: str, run: str) -> None:
        """Append one measured candidate of the dispatch `key`."""
        self._write(
            "INSERT INTO measured (fingerprint, family, target, device, compiler, config_key, script, status, ms, baseline_ms, "
            "error, changes_numerics, kernel, module, run, t, opt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key.fingerprint, key.family, key.target, key.device, key.compiler, config_key, dumps(script), m.status.value,
             m.median_ms if m.ok else None, baseline_ms, m.numerical_error if m.ok else None, int(changes_numerics), kernel,
             module, run, time.time(), key.opt))

    def record_tuned(self, e: TunedEntry) -> None:
        """Append what a finished run kept for one dispatch."""
        k = e.key
        self._write(
            f"INSERT INTO tuned ({_TUNED_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (k.fingerprint, k.family, k.target, k.device, k.compiler, e.kernel, dumps(e.script), dumps(e.flags), e.matcher,
             e.baseline_ms, e.ms, e.saved_ms, e.candidates, int(e.changes_numerics), e.module, e.executable, e.run,
             e.t or time.time(), k.opt))

    def record_module(self, module_key: str, target: str, device: str, compiler: str, scripts: dict[str, list[dict[str, Any]]],
                      baseline_ms: float, ms: float, *, module: str, run: str) -> None:
        """Append a finished run's kept result for a whole module: the script of each dispatch
        (by fingerprint), as composed and measured together."""
        self._write("INSERT INTO modules (module_key, target, device, compiler, scripts, baseline_ms, ms, module, run, t) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (module_key, target, device, compiler, dumps(scripts), baseline_ms, ms, module, run, time.time()))

    def best_module(self, module_key: str, target: str, device: str, compiler: str) -> tuple[dict[str, Any], float, float] | None:
        """The fastest kept composition of this module (scripts by fingerprint, baseline ms, ms)."""
        rows = self._read("SELECT scripts, baseline_ms, ms FROM modules WHERE module_key = ? AND target = ? AND device = ? "
                          "AND compiler = ? ORDER BY ms / baseline_ms, t DESC LIMIT 1", (module_key, target, device, compiler))
        return (json.loads(rows[0][0]), rows[0][1], rows[0][2]) if rows else None

    # -- lookups (this compiler version only, as the key says) ------------------------------

    def best(self, key: DispatchKey, *, exclude_run: str = "", allow_numerics: bool = False,
             local: bool = False) -> TunedEntry | None:
        """The kept configuration of `key` that saved the most time (None: never tuned); with
        `local`, only configurations that need no module-wide flag (they act on that dispatch alone)."""
        rows = self._read(
            f"SELECT {_TUNED_COLS} FROM tuned WHERE {_KEY_MATCH} AND run != ? "
            "AND (changes_numerics = 0 OR ?) AND (flags = '[]' OR NOT ?) ORDER BY saved_ms DESC, t DESC LIMIT 1",
            (*_key_args(key), exclude_run, int(allow_numerics), int(local)))
        return _entry(rows[0]) if rows else None

    def tuned_elsewhere(self, key: DispatchKey) -> list[DispatchKey]:
        """The keys this dispatch (same fingerprint) was tuned under besides `key`: another target, device,
        compiler or opt level, whose results do not apply to it (most recent first)."""
        rows = self._read("SELECT target, device, compiler, opt, MAX(t) FROM tuned WHERE fingerprint = ? "
                          "GROUP BY target, device, compiler, opt ORDER BY MAX(t) DESC", (key.fingerprint,))
        found = [DispatchKey(key.fingerprint, t, d, c, key.family, o) for t, d, c, o, _ in rows]
        return [k for k in found if k != key]

    def similar(self, key: DispatchKey, limit: int = 3, *, exclude_run: str = "") -> list[TunedEntry]:
        """The best kept non-default configurations of other dispatches of the same family
        (same root op, loops, maps and types; other sizes or fused ops), most saving first."""
        rows = self._read(
            f"SELECT {_TUNED_COLS} FROM tuned WHERE family = ? AND fingerprint != ? AND target = ? AND device = ? "
            "AND compiler = ? AND opt = ? AND run != ? AND script != '[]' AND saved_ms > 0 AND changes_numerics = 0 "
            "ORDER BY saved_ms / baseline_ms DESC, t DESC",
            (key.family, key.fingerprint, key.target, key.device, key.compiler, key.opt, exclude_run))
        out: list[TunedEntry] = []
        for e in map(_entry, rows):
            if e.script not in [o.script for o in out]:
                out.append(e)
        return out[:limit]

    def best_per_dispatch(self, target: str, compiler: str, device: str | None = None, opt: str = "O3") -> list[TunedEntry]:
        """For every dispatch tuned for `target` by `compiler` at `opt` (on `device`, or any), its best kept entry."""
        rows = self._read(
            f"SELECT {_TUNED_COLS} FROM tuned WHERE target = ? AND compiler = ? AND opt = ? AND (? IS NULL OR device = ?) "
            "AND changes_numerics = 0 ORDER BY saved_ms DESC, t DESC", (target, compiler, opt, device, device))
        best: dict[tuple[str, str], TunedEntry] = {}
        for e in map(_entry, rows):
            best.setdefault((e.key.fingerprint, e.key.device), e)
        return list(best.values())

    def measured_rows(self) -> Iterator[dict[str, Any]]:
        cols = ("id", "fingerprint", "target", "device", "compiler", "config_key", "status", "ms", "module", "run")
        for r in self._read(f"SELECT {', '.join(cols)} FROM measured ORDER BY id"):
            yield dict(zip(cols, r))

    # -- hygiene ----------------------------------------------------------------------------

    def stats(self, compiler: str) -> dict[str, Any]:
        """Counts per table, per target and device, and how many rows another compiler wrote."""
        out: dict[str, Any] = {"path": str(self.path), "compiler": compiler,
                               "size_bytes": self.path.stat().st_size if self.path.exists() else 0}
        for table, what in (("measured", "fingerprint"), ("tuned", "fingerprint"), ("modules", "module_key")):
            total, other, distinct = self._read(
                f"SELECT COUNT(*), COALESCE(SUM(compiler != ?), 0), COUNT(DISTINCT {what}) FROM {table}", (compiler,))[0]
            out[table] = {"rows": total, "other_compiler_rows": other, "dispatches" if what == "fingerprint" else "modules": distinct}
        out["by_target"] = [
            {"target": t, "device": d, "compiler": c, "dispatches_tuned": n, "modules": m}
            for t, d, c, n, m in self._read("SELECT target, device, compiler, COUNT(DISTINCT fingerprint), "
                                            "COUNT(DISTINCT module) FROM tuned GROUP BY target, device, compiler")]
        out["integrity"] = self._read("PRAGMA integrity_check")[0][0]
        return out

    def prune(self, compiler: str, *, other_compilers: bool = False, failed: bool = True, keep: int = 0) -> dict[str, int]:
        """Delete failed measurements, rows of other compiler versions (with `other_compilers`),
        and all but the `keep` fastest measurements per dispatch (0: no limit); `tuned` rows are
        kept unless they are another compiler's. Returns the rows deleted per table."""
        if self.read_only:
            raise LitecoopError(f"{self.path}: error: the tuning database is read-only; nothing can be pruned")
        deleted = {"measured": 0, "tuned": 0, "modules": 0}
        with self._lock:
            cur = self._db.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                if failed:
                    deleted["measured"] += cur.execute("DELETE FROM measured WHERE ms IS NULL").rowcount
                if other_compilers:
                    for table in deleted:
                        deleted[table] += cur.execute(f"DELETE FROM {table} WHERE compiler != ?", (compiler,)).rowcount
                if keep > 0:
                    deleted["measured"] += cur.execute(
                        "DELETE FROM measured WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY "
                        "fingerprint, target, device, compiler, opt ORDER BY ms IS NULL, ms) AS r FROM measured) WHERE r > ?)",
                        (keep,)).rowcount
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            self._db.execute("VACUUM")
        return deleted


__all__ = ["MATCHER_PLACEHOLDER", "DispatchKey", "TunedEntry", "TuningDB", "default_path"]
