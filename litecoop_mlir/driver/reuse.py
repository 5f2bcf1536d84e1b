"""Tuning results across runs: a search consults the tuning database before it spends budget,
and a finished run records what it kept for every dispatch it searched.

- A dispatch already tuned (same fingerprint, target, device, compiler) is not searched
  again: its best known configuration is measured once in this module, at no budget, and
  joins the composition like any candidate (`--retune` searches it anyway, from that seed).
  In a module of several dispatches only a configuration of that dispatch alone counts (one
  that needs a module-wide flag, e.g. data tiling, acts on every dispatch of the new module:
  it is measured first, from the budget, and the dispatch is searched).
- A dispatch of the same family (root op, loops, maps, types; other sizes or fused ops)
  seeds the tree: the best configurations kept for its relatives are measured first, where
  they are legal here, from the budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from litecoop_mlir.db.keys import dispatch_key, module_key
from litecoop_mlir.db.tuning_db import MATCHER_PLACEHOLDER, TunedEntry, TuningDB
from litecoop_mlir.export.spec import SpecExport, render_matcher
from litecoop_mlir.ir.workload import Kernel, Workload
from litecoop_mlir.iree.mlir import new_context
from litecoop_mlir.search.mcts import KernelSearch
from litecoop_mlir.space.apply import codegen_target, merge_flags, render_compilation_info
from litecoop_mlir.space.legality import validate_step
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import IllegalTransform, SetFlag

#: The proposer name of nodes the tuning database contributed.
DB_PROPOSER = "tuning-db"


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


def consult(db: TuningDB, workload: Workload, kernel: Kernel, search: KernelSearch, *, run: str, retune: bool,
            alone: bool = True) -> Reuse | None:
    """Ask the database about `kernel` before its search; measure what it knows into the tree.
    `alone`: the module has no other dispatch (module-wide flags then act on this one only)."""
    key = dispatch_key(workload, kernel)
    tuned = db.best(key, exclude_run=run, local=not alone)
    reuse = Reuse(kernel.executable, tuned, searched=tuned is None or retune)
    entries = [tuned] if tuned is not None and tuned.script else []
    if reuse.searched:
        wide = None if alone else db.best(key, exclude_run=run)
        entries += [e for e in [wide, *db.similar(key, exclude_run=run)] if e is not None and e.script and e not in entries]
    for e in entries:
        reason = f"{'tuned' if e.key.fingerprint == kernel.fingerprint else 'similar'}: kept for {e.executable} of {e.module} ({e.kernel}), saved {e.saved_ms:.3f} ms"
        try:
            script = validate_step(kernel, Script(), Script.from_json(e.script).transforms, workload.target, search.machine)
        except IllegalTransform as exc:
            reuse.refused.append(f"{e.executable} of {e.module}: {exc}")
            continue
        node = search.seed(script, DB_PROPOSER, reason, free=e is tuned and not retune)
        reuse.seeds.append({"node": node.id, "from": f"{e.executable} of {e.module}", "same_dispatch": e.key.fingerprint == kernel.fingerprint,
                            "ms": node.latency_ms, "status": node.status})
    return reuse if tuned is not None or reuse.seeds or reuse.refused else None


def matcher_for(workload: Workload, kernel: Kernel, script: Script) -> str:
    """The tuning-spec matcher (named `MATCHER_PLACEHOLDER`) that gives the dispatch `script`
    configures its compilation_info in any module ("" if the script changes no codegen attribute)."""
    if not script.changes_codegen():
        return ""
    return _matcher(codegen_target(workload, kernel, script, script.global_flags()), script)


def _matcher(target_kernel: Kernel, script: Script) -> str:
    info = render_compilation_info(target_kernel, script.resolve(target_kernel), new_context())
    return render_matcher(target_kernel, MATCHER_PLACEHOLDER.lstrip("@"), info)


def record_kept(db: TuningDB, workload: Workload, searched: Mapping[int, KernelSearch], kept: Mapping[Kernel, Script],
                export: SpecExport, *, run: str, baseline_ms: float, best_ms: float) -> int:
    """Record the kept composition of the whole module, and for each dispatch searched in this
    run the script the kept result gives it (empty: IREE's default) and the time it saved alone
    in this module; where that script is empty or sets module-wide flags (which act on the
    other dispatches too), also the fastest configuration of that dispatch alone the search
    measured, if it beat the baseline. Returns the dispatch rows written."""
    key = dispatch_key(workload, next(iter(kept))) if kept else None
    if key is not None:
        db.record_module(module_key(workload), key.target, key.device, key.compiler,
                         {k.fingerprint: s.to_json() for k, s in kept.items()}, baseline_ms, best_ms,
                         module=workload.filename, run=run)
    written = 0
    for search in searched.values():
        kernel = search.kernel
        script = kept.get(kernel, Script())
        db.record_tuned(_entry(workload, search, script, export, run))
        written += 1
        if not script.transforms or any(isinstance(t, SetFlag) for t in script.transforms):
            # also its best configuration of its own, for modules where the kept flags are not set
            local = [n for n in search.tree.nodes[1:] if n.ok and n.latency_ms and n.latency_ms < search.baseline_ms
                     and not n.script.changes_numerics() and not any(isinstance(t, SetFlag) for t in n.script.transforms)]
            if local:
                db.record_tuned(_entry(workload, search, min(local, key=lambda n: n.latency_ms).script, None, run))
                written += 1
    return written


def _entry(workload: Workload, search: KernelSearch, script: Script, export: SpecExport | None, run: str) -> TunedEntry:
    """The database row of `script` for the dispatch of `search`, with what it measured there.
    `export`: the run's export of it, which says whether IREE applied it by the spec."""
    kernel = search.kernel
    node = search.tree.by_key.get(script.key(kernel))
    ms = node.latency_ms if node is not None and node.ok and node.latency_ms else search.baseline_ms
    matcher, target_exe = "", ""
    if script.changes_codegen():
        try:
            target_kernel = codegen_target(workload, kernel, script, script.global_flags())
            matcher, target_exe = _matcher(target_kernel, script), target_kernel.executable
        except IllegalTransform:
            pass
    if matcher and export is not None and not export.applied.get(target_exe):
        matcher = ""  # IREE dropped the spec for it here: only `compile` (by substitution) applies it
    g, c = merge_flags({kernel: script})
    return TunedEntry(dispatch_key(workload, kernel), kernel.summary(), script.to_json(), [*g, *c], matcher, search.baseline_ms,
                      ms, search.evaluated, script.changes_numerics(), workload.filename, kernel.executable, run)
