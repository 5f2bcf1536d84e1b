"""The run directory's readable artifacts, all drawn from the run store.

`summary.json`, `candidates.jsonl` and `report.html` are written from `run.db` alone (the
summary is stored there first), so a finished run, a resumed one and `--show` see the same
numbers, and any artifact can be written again from the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from litecoop_mlir.records import dumps
from litecoop_mlir.report import write_report
from litecoop_mlir.store import RunStore
from litecoop_mlir.workload import Kernel


def write_candidates_jsonl(store: RunStore, path: Path) -> int:
    """One JSON line per measured node (root = the baseline) for other tools; returns the count."""
    names = {i: exe for i, exe, _ in store.dispatches()}
    n = 0
    with path.open("w") as f:
        for r in store.nodes():
            m = r.measurement
            row = {"dispatch": names.get(r.dispatch, r.dispatch), "node": r.id, "parent": r.parent, "script": r.script,
                   "expanded_by": r.expanded_by, "how": r.how, "status": r.status, "median_ms": r.median_ms}
            if m is not None:
                row.update(min_ms=m.min_ms, spread=m.spread, max_rel_error=m.max_rel_error, size_bytes=m.size_bytes,
                           compile_s=m.compile_s, error=m.error)
            f.write(dumps(row) + "\n")
            n += 1
    return n


def write_run_artifacts(work: Path, store: RunStore, kernels: Mapping[int, Kernel] | None = None) -> None:
    """Write summary.json, candidates.jsonl and report.html into `work` from `store`."""
    (work / "summary.json").write_text(dumps(store.meta().get("summary", {}), indent=1) + "\n")
    write_candidates_jsonl(store, work / "candidates.jsonl")
    write_report(work, store, kernels)


__all__ = ["write_candidates_jsonl", "write_run_artifacts"]
