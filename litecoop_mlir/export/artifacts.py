"""The run directory's artifacts: the readable ones drawn from the run store, and the build
artifacts checked by rebuilding them.

`summary.json`, `candidates.jsonl` and `report.html` are written from `run.db` alone (the
summary is stored there first), so a finished run, a resumed one and `--show` see the same
numbers, and any artifact can be written again from the store.

`compile.sh` is the plain `iree-compile` command that rebuilds the result from `input.mlir`
with the exported spec and flags (no litecoop code involved). `check_export` runs it, runs the
module it builds against the reference outputs and times it side by side with `best.vmfb`:
what a user takes away is what was measured.
"""

from __future__ import annotations

import math
import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from litecoop_mlir.core.records import dumps
from litecoop_mlir.db.run_store import RunStore
from litecoop_mlir.export.report import write_report
from litecoop_mlir.ir.workload import Kernel, Workload
from litecoop_mlir.iree.runner import compare_outputs
from litecoop_mlir.iree.tools import tool_path
from litecoop_mlir.measure.backend import Evaluator
from litecoop_mlir.measure.rounds import median_of_timed


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


#: How much slower than best.vmfb a rebuilt module may run and still count as the measured result.
REPRODUCED_WITHIN = 0.05


@dataclass(frozen=True)
class ExportCheck:
    """What rebuilding the exported artifacts with plain iree-compile gave."""

    ok: bool
    detail: str
    identical: bool = False
    best_ms: float = math.nan
    rebuilt_ms: float = math.nan
    max_rel_error: float = math.nan
    best_rounds: tuple[float, ...] = ()
    rebuilt_rounds: tuple[float, ...] = ()

    @property
    def reproduces(self) -> bool:
        """The rebuilt module is best.vmfb, or runs within `REPRODUCED_WITHIN` of it side by side,
        or cannot be told from it (its fastest round is no slower than best.vmfb's slowest)."""
        if not self.ok:
            return False
        if self.identical or self.rebuilt_ms <= self.best_ms * (1 + REPRODUCED_WITHIN):
            return True
        return bool(self.best_rounds and self.rebuilt_rounds) and min(self.rebuilt_rounds) <= max(self.best_rounds)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "reproduces": self.reproduces, "detail": self.detail, "identical_binary": self.identical,
                "best_ms": self.best_ms, "rebuilt_ms": self.rebuilt_ms, "best_rounds_ms": self.best_rounds,
                "rebuilt_rounds_ms": self.rebuilt_rounds, "max_rel_error": self.max_rel_error}


def write_compile_script(work: Path, workload: Workload, flags: Sequence[str]) -> Path:
    """`compile.sh`: plain iree-compile on `input.mlir` with the base flags and `flags` (paths
    inside the work directory are written relative to the script, so the directory can move)."""
    here = str(work.resolve())

    def arg(f: str) -> str:
        return '"' + f.replace(here, "$here") + '"' if here in f else shlex.quote(f)

    lines = ["#!/usr/bin/env bash",
             "# Rebuilds the searched module from input.mlir with plain iree-compile (no litecoop code):",
             "# the baseline flags plus compile_flags.txt. Usage: bash compile.sh [OUT.vmfb]; $IREE_COMPILE picks",
             "# the compiler (default: iree-compile on PATH, else the one this run used; summary.json names its",
             "# version). input.mlir comes in on stdin, as every candidate did: IREE embeds the input's file name in",
             "# the binary, and a longer name shifts the code (a 32-byte shift timed up to 10% apart with the same",
             "# instructions).",
             "set -euo pipefail", 'here="$(cd "$(dirname "$0")" && pwd)"',
             'compiler="${IREE_COMPILE:-$(command -v iree-compile || true)}"',
             f'[ -n "$compiler" ] || compiler={shlex.quote(tool_path("iree-compile"))}  # from a venv not activated',
             '"$compiler" - < "$here/input.mlir" \\',
             *[f"  {arg(f)} \\" for f in (*workload.baseline_flags, *flags)],
             '  -o "${1:-$here/rebuilt.vmfb}"']
    path = work / "compile.sh"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o755)
    return path


def check_export(work: Path, workload: Workload, evaluator: Evaluator, best_vmfb: Path, flags: Sequence[str], *,
                 rounds: int, repetitions: int) -> ExportCheck:
    """Write compile.sh, run it, check the module against the reference outputs and time it next to `best_vmfb`."""
    script = write_compile_script(work, workload, flags)
    rebuilt = work / "rebuilt.vmfb"
    rebuilt.unlink(missing_ok=True)
    env = {**os.environ, "IREE_COMPILE": tool_path("iree-compile")}
    res = evaluator.backend.run_build_script(["bash", str(script), str(rebuilt)], workload.limits, env)
    if not res.ok or not rebuilt.is_file():
        return ExportCheck(False, f"compile.sh failed ({res.status.value}): {res.first_error_line()}")
    identical = rebuilt.read_bytes() == best_vmfb.read_bytes()
    ran = evaluator.backend.run(rebuilt, workload.function, evaluator.inputs, len(workload.outputs), work / "rebuilt-outputs",
                                workload.target, workload.limits)
    if not ran.ok:
        return ExportCheck(False, f"the rebuilt module does not run ({ran.status.value}): {ran.error}", identical)
    cmp = compare_outputs(ran.outputs, evaluator.reference, [o.dtype for o in workload.outputs])
    if not cmp.ok:
        return ExportCheck(False, f"the rebuilt module computes other numbers: {cmp.detail}", identical, max_rel_error=cmp.max_rel_error)
    if identical:
        return ExportCheck(True, "compile.sh rebuilds best.vmfb byte for byte", True, max_rel_error=cmp.max_rel_error)
    timed = evaluator.side_by_side({"best": best_vmfb, "rebuilt": rebuilt}, rounds=max(rounds, 3), repetitions=repetitions)
    best_ms, rebuilt_ms = (median_of_timed(timed[k]) for k in ("best", "rebuilt"))
    return ExportCheck(True, f"compile.sh rebuilds a module that runs at {rebuilt_ms:.3f} ms next to best.vmfb's {best_ms:.3f} ms",
                       False, best_ms, rebuilt_ms, cmp.max_rel_error, tuple(timed["best"]), tuple(timed["rebuilt"]))


__all__ = ["REPRODUCED_WITHIN", "ExportCheck", "check_export", "write_candidates_jsonl", "write_compile_script", "write_run_artifacts"]
