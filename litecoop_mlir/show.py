"""`litecoop-mlir-opt --show DIR [NODE]`: a stored run, or one node of it, at a terminal."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from litecoop_mlir.apply import build_candidate, extract_executable
from litecoop_mlir.errors import LitecoopError, UsageError
from litecoop_mlir.records import fmt_ms
from litecoop_mlir.store import NodeRow, RunStore
from litecoop_mlir.targets.strategy import make_target
from litecoop_mlir.transforms import IllegalTransform, Script
from litecoop_mlir.workload import Workload, load_workload


def _open(work_dir: str) -> RunStore:
    if not RunStore.exists(Path(work_dir)):
        raise LitecoopError(f"{work_dir}: error: no run store (run.db) here")
    return RunStore.in_dir(Path(work_dir))


def _parse_node(spec: str, names: dict[int, str]) -> tuple[int, int]:
    """`ID` (first dispatch), `DISPATCH:ID` with DISPATCH an index or an executable name."""
    d, _, n = spec.rpartition(":")
    try:
        node = int(n)
    except ValueError:
        raise UsageError(f"error: node must be ID or DISPATCH:ID, not {spec!r}") from None
    if not d:
        return min(names, default=0), node
    if d.isdigit() and int(d) in names:
        return int(d), node
    for i, exe in names.items():
        if exe == d:
            return i, node
    raise UsageError(f"error: no dispatch {d!r} in this run (have {', '.join(names.values())})")


def _workload(store: RunStore, work_dir: str) -> Workload:
    meta = store.meta()
    path = Path(work_dir) / "input.mlir"
    if not path.exists():
        path = Path(tempfile.mkdtemp(prefix="litecoop-show-")) / Path(meta.get("input", "input.mlir")).name
        path.write_text(meta["source"])
    return load_workload(str(path), make_target(meta["target"], meta.get("arch", "")), function=meta.get("function"))


def show_run(work_dir: str, console: Console) -> None:
    store = _open(work_dir)
    meta = store.meta()
    names = {i: exe for i, exe, _ in store.dispatches()}
    s = meta.get("summary", {})
    console.print(f"run of {meta.get('input')} for {meta.get('target')} (IREE {meta.get('compiler')}); "
                  f"speedup {s.get('speedup', float('nan')):.2f}x, {s.get('candidates', '?')} candidates" if s else
                  f"run of {meta.get('input')} for {meta.get('target')} (not finished)")
    for d, exe in names.items():
        rows = [r for r in store.nodes(d)]
        t = Table(title=f"{exe}: {len(rows)} nodes; best five (show one with --show {work_dir} {d}:ID)")
        for col in ("node", "median ms", "status", "by", "script"):
            t.add_column(col, overflow="fold")
        ok = sorted((r for r in rows if r.median_ms is not None), key=lambda r: r.median_ms)[:5]
        for r in ok:
            t.add_row(str(r.id), fmt_ms(r.median_ms), r.status, r.expanded_by or "-", _describe(r))
        console.print(t)
    store.close()


def _describe(r: NodeRow) -> str:
    try:
        return Script.from_json(r.script).describe()
    except IllegalTransform:
        return json.dumps(r.script)


def show_node(work_dir: str, spec: str, console: Console) -> None:
    """Print a node's script, its measurement and the configured MLIR of its dispatch."""
    store = _open(work_dir)
    names = {i: exe for i, exe, _ in store.dispatches()}
    d, nid = _parse_node(spec, names)
    rows = {r.id: r for r in store.nodes(d)}
    if nid not in rows:
        raise LitecoopError(f"error: dispatch {names.get(d, d)} has no node {nid} (0..{max(rows, default=0)})")
    r = rows[nid]
    console.print(f"dispatch {names[d]} node #{r.id} (parent {r.parent}); proposed by {r.expanded_by or '-'}, "
                  f"next model {r.next_model or '-'}; {r.how}, {r.status}")
    if r.reasoning:
        console.print(f"reasoning: {r.reasoning}", markup=False)
    console.print(f"script: {_describe(r)}", markup=False)
    console.print(json.dumps(r.script), markup=False, soft_wrap=True)
    m = r.measurement
    if m is not None:
        console.print(f"measurement: median {fmt_ms(m.median_ms)} ms, min {fmt_ms(m.min_ms)} ms, spread "
                      f"{100 * m.spread if m.spread == m.spread else float('nan'):.1f}%, samples {len(m.samples_ms)}; "
                      f"max rel error {m.max_rel_error:.2e}; {m.size_bytes} B; compile {m.compile_s:.2f} s"
                      + (f"; error: {m.error}" if m.error else ""), markup=False)
    w = _workload(store, work_dir)
    store.close()
    kernel = next((k for k in w.kernels() if k.executable == names[d]), None)
    if kernel is None:
        raise LitecoopError(f"error: the input no longer forms dispatch {names[d]}")
    script = Script.from_json(r.script)
    try:
        cand = build_candidate(w, {kernel: script})
    except (IllegalTransform, LitecoopError) as exc:
        console.print(f"cannot configure this node: {exc}", markup=False)
        return
    configured = cand.source if cand.configured else w.configured_ir(script.global_flags())
    console.print(f"// configured {names[d]}" + (f" (flags: {' '.join(cand.flags)})" if cand.flags else ""), markup=False)
    console.print(extract_executable(configured, names[d]), markup=False, highlight=False, soft_wrap=True)
