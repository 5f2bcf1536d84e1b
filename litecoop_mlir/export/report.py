"""`report.html`: one static page (plots embedded as PNG) drawn from the run store.

Sections: summary, best speedup over evaluated candidates, models, failures, the best script
of every dispatch (as the transform-dialect sequence that applies it, and as a diff against
IREE's default configuration), the search tree, and the Pareto set when there is one.
"""

from __future__ import annotations

import base64
import difflib
import html
import io
import json
import math
from pathlib import Path
from typing import Any, Mapping

from litecoop_mlir.core.records import fmt_ms
from litecoop_mlir.db.run_store import NodeRow, RunStore
from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.iree.mlir import new_context
from litecoop_mlir.search.tree import reward
from litecoop_mlir.space.apply import render_apply_sequence
from litecoop_mlir.space.script import Script, default_config, effective_kernel
from litecoop_mlir.space.script_render import render_sequence
from litecoop_mlir.space.vocabulary import IllegalTransform

SECTIONS = ("summary", "progress", "models", "failures", "dispatches", "tree", "pareto")

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:.85em}
.add{color:#070}.del{color:#a00}.fail{color:#a00}ul.tree{list-style:none;padding-left:1.2em;border-left:1px dotted #bbb}
.muted{color:#777}
"""


def _e(x: Any) -> str:
    return html.escape(str(x))


def _table(header: list[str] | None, rows: list[list[Any]]) -> str:
    head = "<tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table>{head}{body}</table>"


def _progress_plot(rows: list[NodeRow], names: dict[int, str], baselines: dict[int, float]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.5), dpi=100)
    for d, name in names.items():
        best, xs, ys = math.inf, [], []
        compiled = sorted((r for r in rows if r.dispatch == d and r.id > 0 and r.how == "compiled"), key=lambda r: r.created)
        for i, r in enumerate(compiled, start=1):
            if r.median_ms is not None:
                best = min(best, r.median_ms)
            xs.append(i)
            ys.append(baselines[d] / best if math.isfinite(best) else 1.0)
        ax.step(xs, ys, where="post", label=name)
    ax.axhline(1.0, color="#999", lw=0.8)
    ax.set_xlabel("candidates evaluated")
    ax.set_ylabel("best speedup so far (search)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return f'<img alt="best speedup over candidates" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _tree_html(rows: list[NodeRow], baseline_ms: float) -> str:
    children: dict[int | None, list[NodeRow]] = {}
    for r in rows:
        children.setdefault(r.parent, []).append(r)
    by_id = {r.id: r for r in rows}

    def delta(r: NodeRow) -> str:
        parent = by_id.get(r.parent) if r.parent is not None else None
        base = parent.script if parent else []
        added = [t for t in r.script if t not in base]
        try:
            return Script.from_json(added).describe() if added else "(same configuration)"
        except IllegalTransform:
            return json.dumps(added)

    def item(r: NodeRow) -> str:
        if r.id == 0:
            label = f"#0 IREE default: {fmt_ms(r.median_ms)} ms"
        else:
            rw = reward(r.measurement, baseline_ms)
            lat = (f"{fmt_ms(r.median_ms)} ms ({baseline_ms / r.median_ms:.2f}x)" if r.median_ms
                   else f'<span class="fail">{_e(r.status)}</span>')
            label = (f"#{r.id} <b>{_e(r.expanded_by)}</b>: {_e(delta(r))} &rarr; {lat}, reward {rw:.2f}"
                     f' <span class="muted">next: {_e(r.next_model)}{", " + _e(r.how) if r.how != "compiled" else ""}</span>')
        kids = children.get(r.id, [])
        if not kids:
            return f"<li>{label}</li>"
        return f"<li><details open><summary>{label}</summary><ul class=tree>{''.join(item(k) for k in kids)}</ul></details></li>"

    roots = children.get(None, [])
    return f"<ul class=tree>{''.join(item(r) for r in roots)}</ul>"


def _config_lines(cfg: Any) -> list[str]:
    c = cfg.canonical()
    lines = [f"{lv} = {sizes}" for lv, sizes in sorted(c["tiles"].items())]
    lines.append(f"pipeline = {c['pipeline']}")
    lines += [f"option {o}" for o in c["options"]]
    lines += [f"flag {k} = {v}" for k, v in sorted(c["flags"].items())]
    if "codegen" in c:
        lines.append(f"codegen = {c['codegen']}")
        lines += [f"script {k} = {v}" for k, v in sorted(c["knobs"].items())]
    if c["workgroup_size"]:
        lines.append(f"workgroup_size = {c['workgroup_size']}")
    return lines


def _dispatch_html(kernel: Kernel | None, exe: str, script_json: list[dict[str, Any]]) -> str:
    if not script_json:
        return f"<h3>{_e(exe)}</h3><p>IREE's default configuration was kept.</p>"
    script = Script.from_json(script_json)
    numerics = " <strong>(changes numerics: kept under --max-error)</strong>" if script.changes_numerics() else ""
    parts = [f"<h3>{_e(exe)}</h3><p>{_e(script.describe())}{numerics}</p>"]
    if kernel is not None:
        kernel = effective_kernel(kernel, script)  # after a reshaping flag: the dispatch it made
        new, old = script.resolve(kernel), default_config(kernel)
        diff = difflib.unified_diff(_config_lines(old), _config_lines(new), "IREE default", "best", lineterm="", n=10)
        rendered = "\n".join(
            f'<span class="{"add" if d.startswith("+") and not d.startswith("+++") else "del" if d.startswith("-") and not d.startswith("---") else ""}">{_e(d)}</span>'
            for d in diff)
        parts.append(f"<p>Against IREE's default configuration:</p><pre>{rendered}</pre>")
        if new.scripted:
            seq = render_sequence(kernel, new.tile_map, dict(new.knobs))
            parts.append(f"<p>Lowered by this codegen script (in spec.mlir; a comment per op):</p><pre>{_e(seq)}</pre>")
        elif script.changes_codegen():
            seq = render_apply_sequence({kernel: new}, new_context())
            parts.append(f"<p>As a transform-dialect sequence on the configured module:</p><pre>{_e(seq)}</pre>")
    return "".join(parts)


def write_report(work_dir: Path, store: RunStore, kernels: Mapping[int, Kernel] | None = None) -> Path:
    """Write `report.html` into `work_dir` from the store (and the run's summary)."""
    meta = store.meta()
    summary = meta.get("summary", {})
    rows = store.nodes()
    names = {i: exe for i, exe, _ in store.dispatches()}
    baselines = {r.dispatch: r.median_ms for r in rows if r.id == 0 and r.median_ms}
    kernels = kernels or {}
    out = [f"<!doctype html><html><head><meta charset=utf-8><title>litecoop-mlir: {_e(meta.get('input', ''))}</title>",
           f"<style>{_CSS}</style></head><body>",
           f"<h1>litecoop-mlir run: {_e(meta.get('input', ''))} on {_e(meta.get('target', ''))}</h1>"]
    speed = summary.get("speedup")
    out.append('<section id="summary"><h2>Summary</h2>')
    out.append(_table(None, [
        ["baseline (O3), whole module", f"{fmt_ms(summary.get('baseline_ms'))} ms"],
        ["best, whole module", f"{fmt_ms(summary.get('best_ms'))} ms"],
        ["speedup (re-measured side by side)", f"{speed:.2f}x" if speed else "-"],
        ["its 95% interval", (lambda c: f"{c['low']:.2f}-{c['high']:.2f}x over {c['rounds']} interleaved rounds" if c else "-")(
            summary.get("speedup_interval"))],
        ["timed on", summary.get("measurement", "-")],
        ["candidates evaluated", summary.get("candidates", "-")],
        ["cache hits", summary.get("cache_hits", "-")],
        ["model calls", summary.get("model_calls", "-")],
        ["API cost (USD)", summary.get("total_cost_usd", "-")],
        ["largest model's share of calls",
         f"{summary['largest_model']}: {100 * summary['largest_model_share']:.0f}%" if summary.get("largest_model") else "-"],
        ["wall time (all sessions)", f"{summary.get('wall_s_all_sessions', summary.get('wall_s', '-'))} s"],
        ["compiler", meta.get("compiler", "-")],
    ]))
    out.append("</section>")
    out.append('<section id="progress"><h2>Best speedup over evaluated candidates</h2>')
    out.append(_progress_plot(rows, names, baselines) if baselines else "<p>No measurements.</p>")
    out.append("</section>")
    out.append('<section id="models"><h2>Models</h2>')
    models = summary.get("models") or store.model_stats()
    out.append(_table(["model", "calls", "prompt tokens", "completion tokens", "cost USD", "hits", "children", "invalid", "errors"],
                      [[n, s.get("calls", 0), s.get("prompt_tokens", 0), s.get("completion_tokens", 0),
                        f"{s.get('cost_usd', 0) or 0:.6f}", s.get("hits", 0), s.get("children", 0), s.get("invalid", 0),
                        s.get("errors", 0)] for n, s in models.items()]))
    out.append("</section>")
    out.append('<section id="failures"><h2>Failures</h2>')
    failed = [r for r in rows if r.id > 0 and r.median_ms is None]
    if failed:
        out.append(_table(["dispatch", "node", "status", "first error line"],
                          [[names.get(r.dispatch, r.dispatch), r.id, r.status,
                            (r.measurement.error if r.measurement else "")[:200]] for r in failed]))
    else:
        out.append("<p>No candidate failed.</p>")
    out.append("</section>")
    out.append('<section id="dispatches"><h2>Best script per dispatch</h2>')
    best_scripts = summary.get("best_scripts", {})
    for d, exe in names.items():
        out.append(_dispatch_html(kernels.get(d), exe, best_scripts.get(exe, [])))
    out.append("</section>")
    out.append('<section id="tree"><h2>Search tree</h2><p class=muted>Each node: the model that proposed it, what it '
               "changed against its parent, the measured latency (speedup over the baseline) and reward, and the model "
               "it chose to expand it next.</p>")
    for d, exe in names.items():
        out.append(f"<h3>{_e(exe)}</h3>")
        out.append(_tree_html([r for r in rows if r.dispatch == d], baselines.get(d, float("nan"))))
    out.append("</section>")
    out.append('<section id="pareto"><h2>Pareto set</h2>')
    pareto = Path(work_dir) / "pareto.json"
    if pareto.exists():
        points = json.loads(pareto.read_text()).get("points", [])
        out.append("<p class=muted>Proxy: times alone plus overheads calibrated on the baseline and the single-option "
                   "modules (role baseline/single); on composed modules its error is held out.</p>")
        out.append(_table(["point", "latency ms (measured)", "proxy ms", "proxy error", "role", "error", "size bytes",
                           "composition"],
                          [[p.get("name", i), fmt_ms(p.get("latency_ms")), fmt_ms(p.get("proxy_ms")),
                            f"{100 * p['proxy_error']:+.1f}%" if p.get("proxy_error") is not None else "", p.get("role", ""),
                            p.get("error", p.get("max_rel_error")), p.get("size_bytes"), p.get("composition", "")]
                           for i, p in enumerate(points)]))
    else:
        out.append("<p>No Pareto set in this run.</p>")
    out.append("</section></body></html>\n")
    path = Path(work_dir) / "report.html"
    path.write_text("".join(out), encoding="utf-8", errors="replace")  # a file name that is not UTF-8 shows as '?'
    return path
