"""Tuning results across runs: a search consults the tuning database before it spends budget,
and a finished run records what it kept for every dispatch it searched.

- A dispatch already tuned (same fingerprint, target, device, compiler) is not searched
  again: its best known configuration is measured once in this module, at no budget, and
  joins the composition like any candidate (`--retune` searches it anyway, from that seed).
- A dispatch of the same family (root op, loops, maps, types; other sizes or fused ops)
  seeds the tree: the best configurations kept for its relatives are measured first, where
  they are legal here, from the budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from litecoop_mlir.apply import codegen_target, merge_flags, render_compilation_info
from litecoop_mlir.iree.mlir import new_context
from litecoop_mlir.iree.tools import compiler_version
from litecoop_mlir.search.mcts import KernelSearch
from litecoop_mlir.spec import SpecExport, render_matcher
from litecoop_mlir.targets.strategy import strategy_for
from litecoop_mlir.transforms import IllegalTransform, Script, validate_step
from litecoop_mlir.tuning_db import MATCHER_PLACEHOLDER, DispatchKey, TunedEntry, TuningDB
from litecoop_mlir.workload import Kernel, Workload

#: The proposer name of nodes the tuning database contributed.
DB_PROPOSER = "tuning-db"


def dispatch_key(workload: Workload, kernel: Kernel) -> DispatchKey:
    """The database key of one dispatch of `workload` on this machine and compiler."""
    target = workload.target
    return DispatchKey(kernel.fingerprint, target.name, strategy_for(target).device_name(target), compiler_version(),
                       kernel.family)


@dataclass
class Reuse:
    """What the database gave one dispatch of this run.

    Attributes:
        tuned: the dispatch was tuned before (its best kept entry); unless `searched`, it gets no budget.
        seeds: configurations measured first (from similar dispatches, or the tuned one under --retune).
        refused: seeds not legal for this dispatch, with the reason.
    """

    executable: str
    tuned: TunedEntry | None = None
    searched: bool = True
    seeds: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        t = self.tuned
        return {"executable": self.executable, "searched": self.searched,
                "tuned_before": None if t is None else {"module": t.module, "executable": t.executable, "run": t.run,
                                                        "saved_ms": t.saved_ms, "script": t.script},
                "seeds": self.seeds, "refused": self.refused}


def consult(db: TuningDB, workload: Workload, kernel: Kernel, search: KernelSearch, *, run: str, retune: bool) -> Reuse | None:
    """Ask the database about `kernel` before its search; measure what it knows into the tree."""
    key = dispatch_key(workload, kernel)
    tuned = db.best(key, exclude_run=run)
    reuse = Reuse(kernel.executable, tuned, searched=tuned is None or retune)
    entries = [tuned] if tuned is not None and tuned.script else []
    if reuse.searched:
        entries += db.similar(key, exclude_run=run)
    for e in entries:
        reason = f"{'tuned' if e is tuned else 'similar'}: kept for {e.executable} of {e.module} ({e.kernel}), saved {e.saved_ms:.3f} ms"
        try:
            script = validate_step(kernel, Script(), Script.from_json(e.script).transforms, workload.target, search.machine)
        except IllegalTransform as exc:
            reuse.refused.append(f"{e.executable} of {e.module}: {exc}")
            continue
        node = search.seed(script, DB_PROPOSER, reason, free=e is tuned and not retune)
        reuse.seeds.append({"node": node.id, "from": f"{e.executable} of {e.module}", "same_dispatch": e is tuned,
                            "ms": node.latency_ms, "status": node.status})
    return reuse if tuned is not None or reuse.seeds or reuse.refused else None


def matcher_for(workload: Workload, kernel: Kernel, script: Script) -> str:
    """The tuning-spec matcher (named `MATCHER_PLACEHOLDER`) that gives the dispatch `script`
    configures its compilation_info in any module ("" if the script changes no codegen attribute)."""
    if not script.changes_codegen():
        return ""
    target_kernel = codegen_target(workload, kernel, script, script.global_flags())
    info = render_compilation_info(target_kernel, script.resolve(target_kernel), new_context())
    return render_matcher(target_kernel, MATCHER_PLACEHOLDER.lstrip("@"), info)


def record_kept(db: TuningDB, workload: Workload, searched: Mapping[int, KernelSearch], kept: Mapping[Kernel, Script],
                export: SpecExport, *, run: str) -> int:
    """Record, for each dispatch searched in this run, the script the kept result gives it
    (empty: IREE's default) and the time it saved alone in this module; returns the rows written."""
    written = 0
    for search in searched.values():
        kernel = search.kernel
        script = kept.get(kernel, Script())
        node = search.tree.by_key.get(script.key(kernel))
        ms = node.latency_ms if node is not None and node.ok and node.latency_ms else search.baseline_ms
        try:
            matcher = matcher_for(workload, kernel, script)
            target_exe = codegen_target(workload, kernel, script, script.global_flags()).executable
        except IllegalTransform:
            matcher, target_exe = "", ""
        if matcher and not export.applied.get(target_exe):
            matcher = ""  # IREE dropped the spec for it here: only `compile` (by substitution) applies it
        g, c = merge_flags({kernel: script})
        db.record_tuned(TunedEntry(dispatch_key(workload, kernel), kernel.summary(), script.to_json(), [*g, *c], matcher,
                                   search.baseline_ms, ms, search.evaluated, script.changes_numerics(), workload.filename,
                                   kernel.executable, run))
        written += 1
    return written


__all__ = ["DB_PROPOSER", "Reuse", "consult", "dispatch_key", "matcher_for", "record_kept"]
