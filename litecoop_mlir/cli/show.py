"""`litecoop-mlir-opt --show DIR [NODE]`: a stored run, or one node of it, at a terminal; and
`--print-prompt DIR NODE`: the messages a model would get at that node."""

from __future__ import annotations

import dataclasses
import difflib
import json
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from litecoop_mlir.core.errors import LitecoopError, UsageError
from litecoop_mlir.core.records import fmt_ms
from litecoop_mlir.db.run_store import NodeRow, RunStore
from litecoop_mlir.ir.workload import Kernel, Workload, load_workload
from litecoop_mlir.proposers.pass_pipeline_request import render_messages as render_pipeline_messages
from litecoop_mlir.proposers.pool import ModelPool, ModelSpec
from litecoop_mlir.proposers.prompt import render_messages
from litecoop_mlir.proposers.request import NodeView, ProposalRequest
from litecoop_mlir.search.pass_pipelines import pipeline_request, tried_status
from litecoop_mlir.space.apply import build_candidate, extract_executable
from litecoop_mlir.space.pass_pipelines import PassRegistry, Pipeline, parse_pipeline
from litecoop_mlir.space.script import Script, effective_kernel
from litecoop_mlir.space.script_render import render_sequence
from litecoop_mlir.space.vocabulary import IllegalTransform
from litecoop_mlir.targets.strategy import make_target, strategy_for


def run_dir(work_dir: str) -> str:
    """Where a run's store is: the directory itself, or for a two-level run (--search-pipelines)
    the codegen branch it continued (`summary.json` → `pipeline.branch`)."""
    top = Path(work_dir)
    if not RunStore.exists(top) and (top / "summary.json").is_file():
        branch = (json.loads((top / "summary.json").read_text()).get("pipeline") or {}).get("branch")
        if branch and RunStore.exists(top / branch):
            return str(top / branch)
    return work_dir


def _open(work_dir: str) -> RunStore:
    if not RunStore.exists(Path(work_dir)):
        raise LitecoopError(f"{work_dir}: error: no run store (run.db) here")
    return RunStore.in_dir(Path(work_dir))


def _show_pipeline_tree(work_dir: str, console: Console) -> None:
    """The pipeline level of a two-level run: every pipeline measured, with its dispatch count."""
    path = Path(work_dir) / "pipelines" / "tree.json"
    if not path.is_file():
        return
    tree = json.loads(path.read_text())
    t = Table(title=f"pipeline level: {len(tree['nodes'])} pipelines, {tree['spent']} candidates; {tree['stop_reason']}")
    for col in ("node", "parent", "move", "by", "status", "ms", "vs start", "dispatches"):
        t.add_column(col, overflow="fold")
    for n in tree["nodes"]:
        sp = n.get("speedup_vs_start")
        t.add_row(str(n["id"]), str(n["parent"] if n["parent"] is not None else "-"), n["move"] or "(start)", n["proposer"],
                  n["status"], fmt_ms(n["latency_ms"]), f"{sp:.3f}x" if sp else "-", str(n["dispatches"]))
    console.print(t)


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
    w = load_workload(str(path), make_target(meta["target"], meta.get("arch", "")), function=meta.get("function"))
    stored = tuple(meta.get("base_flags") or ())
    if len(stored) > len(w.base_flags) and stored[: len(w.base_flags)] == w.base_flags:  # a run under a pass pipeline
        w = dataclasses.replace(w, base_flags=stored, pipeline_flags=stored[len(w.base_flags):])
    return w


def show_run(work_dir: str, console: Console) -> None:
    _show_pipeline_tree(work_dir, console)
    work_dir = run_dir(work_dir)
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
    work_dir = run_dir(work_dir)
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
    if cand.library:
        parent = rows.get(r.parent) if r.parent is not None else None
        _show_codegen_script(kernel, script, Script.from_json(parent.script) if parent else Script(), console)


def _show_codegen_script(kernel: Kernel, script: Script, parent: Script, console: Console) -> None:
    """A script node's codegen script as transform IR (a comment per op), and its diff from the parent's."""
    k = effective_kernel(kernel, script)
    cfg, pcfg = script.resolve(k), parent.resolve(k)
    text = render_sequence(k, cfg.tile_map, dict(cfg.knobs))
    console.print(f"// codegen script of {kernel.executable} (in the run's spec.mlir when this node is kept)", markup=False)
    console.print(text, markup=False, highlight=False, soft_wrap=True)
    before = render_sequence(k, pcfg.tile_map, dict(pcfg.knobs)) if pcfg.scripted else ""
    diff = list(difflib.unified_diff(before.splitlines(), text.splitlines(), "parent", "this node", lineterm="", n=1))
    console.print("// diff from the parent's script" + ("" if pcfg.scripted else " (the parent is configured by attributes)"),
                  markup=False)
    console.print("\n".join(diff[2:]) or "(same script)", markup=False, highlight=False, soft_wrap=True)


def _view(r: NodeRow | None) -> NodeView | None:
    return None if r is None else NodeView(Script.from_json(r.script), r.median_ms, r.status)


def prompt_messages(work_dir: str, spec: str, model: str | None = None,
                    roster: list[ModelSpec] | None = None) -> tuple[str, list[dict[str, str]]]:
    """The exact messages the model `model` (default: the one the node names to expand it next)
    would get at node `spec` of the stored run now: (model, messages). The roster is the run's
    (`roster`, else the names it stored, sizes and prices unknown)."""
    work_dir = run_dir(work_dir)
    store = _open(work_dir)
    try:
        names = {i: exe for i, exe, _ in store.dispatches()}
        d, nid = _parse_node(spec, names)
        rows = {r.id: r for r in store.nodes(d)}
        if nid not in rows:
            raise LitecoopError(f"error: dispatch {names.get(d, d)} has no node {nid} (0..{max(rows, default=0)})")
        meta = store.meta()
        calls = [c for c in store.calls() if c["dispatch"] == d]
        w = _workload(store, work_dir)
    finally:
        store.close()
    specs = roster or [ModelSpec(n, "openai", n, base_url="http://unknown") for n in (meta.get("options") or {}).get("models", [])]
    pool = ModelPool(specs or [ModelSpec("model", "openai", "model", base_url="http://unknown")])
    r = rows[nid]
    asked = model or r.next_model or pool.names[0]
    if asked not in pool.by_name:
        raise UsageError(f"error: no model {asked!r} in the roster (have {', '.join(pool.names)})")
    kernel = next((k for k in w.kernels() if k.executable == names[d]), None)
    if kernel is None:
        raise LitecoopError(f"error: the input no longer forms dispatch {names[d]}")
    parent = rows.get(r.parent) if r.parent is not None else None
    ok = [x for x in rows.values() if x.median_ms is not None]
    best = min(ok, key=lambda x: x.median_ms) if ok else None  # type: ignore[arg-type,return-value]
    request = ProposalRequest(
        kernel=kernel, target=w.target.name, machine=strategy_for(w.target).machine(kernel), node=_view(r),  # type: ignore[arg-type]
        baseline_ms=rows[0].median_ms or float("nan"), model=asked, roster=pool.roster_for_prompt(), budget_left=0,
        parent=_view(parent), grandparent=_view(rows.get(parent.parent) if parent and parent.parent is not None else None),
        children=tuple(_view(c) for c in rows.values() if c.parent == nid),  # type: ignore[misc]
        best=_view(best), tried=frozenset(x.key for x in rows.values()), context_tokens=pool.by_name[asked].context_tokens,
        tried_nodes=tuple(_view(x) for x in rows.values() if x.id != 0),  # type: ignore[misc]
        feedback=(f"{calls[-1]['model']}: {calls[-1]['error']}",) if calls and calls[-1]["error"] else ())
    return asked, render_messages(request)


def pipeline_prompt_messages(work_dir: str, node_id: int, model: str | None = None,
                             roster: list[ModelSpec] | None = None) -> tuple[str, list[dict[str, str]]]:
    """The messages a model would get at pipeline node `node_id` of a two-level run, read from its
    `pipelines/tree.json` (the tried list and the best as the whole level left them)."""
    top = Path(work_dir)
    path, summary = top / "pipelines" / "tree.json", top / "summary.json"
    if not path.is_file() or not summary.is_file():
        raise LitecoopError(f"{work_dir}: error: no pipeline level here (pipelines/tree.json, from --search-pipelines)")
    tree, meta = json.loads(path.read_text()), json.loads(summary.read_text())
    nodes = tree["nodes"]
    if not 0 <= node_id < len(nodes):
        raise LitecoopError(f"error: the pipeline level has no node p{node_id} (p0..p{len(nodes) - 1})")
    node = nodes[node_id]
    names = list((tree.get("models") or {}).keys())
    pool = ModelPool(roster or [ModelSpec(n, "openai", n, base_url="http://unknown") for n in names or ["model"]])
    asked = model or node.get("next_model") or pool.names[0]
    if asked not in pool.by_name:
        raise UsageError(f"error: no model {asked!r} in the roster (have {', '.join(pool.names)})")
    graph = node.get("graph") or nodes[0].get("graph") or []
    ok = [n for n in nodes if n["latency_ms"] is not None and n.get("same_build_as") is None]
    best = min(ok, key=lambda n: n["latency_ms"]) if ok else None
    request = pipeline_request(
        Path(meta["input"]).stem, meta["target"], graph, {str(g["root"]) for g in graph}, _flags_pipeline(node),
        node["latency_ms"], tree["baseline_ms"], PassRegistry.installed(), asked, pool.roster_for_prompt(), 0, 3,
        tuple((n["pipeline"], n["latency_ms"], tried_status(n["status"], n.get("same_build_as"))) for n in nodes),
        (_flags_pipeline(best), best["latency_ms"]) if best else None, (), node_id, tree.get("source_ops"))
    return asked, render_pipeline_messages(request)


def _flags_pipeline(node: dict[str, Any]) -> Pipeline:
    return parse_pipeline("\n".join(node["flags"]), name=f"p{node['id']}")


def print_prompt(work_dir: str, spec: str, console: Console, model: str | None = None,
                 roster: list[ModelSpec] | None = None) -> None:
    """Print `prompt_messages` (or for `pN`, `pipeline_prompt_messages`) as the chat messages they are."""
    if spec.startswith("p") and spec[1:].isdigit():
        asked, messages = pipeline_prompt_messages(work_dir, int(spec[1:]), model, roster)
    else:
        asked, messages = prompt_messages(work_dir, spec, model, roster)
    size = sum(len(m["content"]) for m in messages)
    console.print(f"// messages for {asked} at {spec} of {work_dir}: {len(messages)} messages, {size} characters "
                  f"(~{size // 4} tokens)", markup=False)
    for m in messages:
        console.print(f"----- {m['role']} -----", markup=False)
        console.print(m["content"], markup=False, highlight=False, soft_wrap=True)
