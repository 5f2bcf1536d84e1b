"""Progress on stderr during a search, and the final tables (rich)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from litecoop_mlir.core.records import EventKind, How, fmt_ms
from litecoop_mlir.driver.options import OptimizeResult
from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.search.mcts import Event
from litecoop_mlir.space.script import Script


class SearchProgress:
    """A progress bar over the candidate budget, with one line per measured candidate."""

    def __init__(self, console: Console, budget: int) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        )
        self.task = self.progress.add_task("searching", total=budget)
        self.best: dict[str, float] = {}

    def __enter__(self) -> "SearchProgress":
        self.progress.__enter__()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.progress.__exit__(et, ev, tb)

    def on_event(self, kernel: Kernel, event: Event) -> None:
        if event.kind is EventKind.NOTE:
            self.progress.console.print(f"{kernel.executable}: {event.text}", style="dim", markup=False, highlight=False)
        if event.kind != "candidate" or event.node is None:
            return
        node = event.node
        lat = node.latency_ms
        exe = kernel.executable
        if lat is not None and lat < self.best.get(exe, float("inf")):
            self.best[exe] = lat
        status = f"{lat:8.3f} ms" if lat is not None else f"{node.status:>11}"
        mark = "" if event.how == How.COMPILED else f" ({event.how})"
        self.progress.console.print(f"{exe} #{node.id:<3} {event.text:<12} {status}{mark}  {node.script.describe()}", highlight=False, markup=False, soft_wrap=True)
        if event.how == How.COMPILED:
            self.progress.advance(self.task)
        self.progress.update(self.task, description=f"{exe} best {fmt_ms(self.best.get(exe))} ms")


def _print_pipeline(p: dict | None, console: Console) -> None:
    """The pipeline level: what it tried and chose, and default vs pipeline vs result side by side."""
    if not p:
        return
    tree = p.get("searched")
    if tree:
        console.print(f"pipeline search: {len(tree['nodes'])} pipelines, {tree['spent']} candidates, {tree['model_calls']} "
                      f"model calls; {tree['stop_reason']}")
    if "default_ms" in p:
        console.print(f"under pipeline [bold]{p['pipeline']}[/bold] (pipeline.txt; dispatches {p['dispatches_default']} -> "
                      f"{p['dispatches_pipeline']}), side by side: IREE default {fmt_ms(p['default_ms'])} ms, pipeline "
                      f"{fmt_ms(p['pipeline_ms'])} ms, result {fmt_ms(p['best_ms'])} ms: [bold]{p['speedup_vs_default']:.2f}x[/bold] "
                      "over IREE's default")
    elif tree:
        console.print("the pipeline search kept IREE's default pipeline")
    for b in p.get("branches") or []:
        rounds = [x for x in b.get("probe_rounds_side_by_side_ms") or [] if x == x]
        console.print(f"  branch {b['dir']}: {b['pipeline']}: pipeline alone {fmt_ms(b['pipeline_level_ms'])} ms, after a "
                      f"{p['probe_budget']}-candidate codegen probe {fmt_ms(min(rounds) if rounds else b['probe_best_ms'])} ms"
                      + ("  <- continued" if b["pipeline"] == p.get("winner") else ""))


def print_result(result: OptimizeResult, console: Console) -> None:
    """Per-dispatch and per-model tables, and the re-measured whole-module result."""
    t = Table(title="dispatches (searched: whole module with one dispatch changed)")
    for col in ("executable", "kernel", "baseline ms", "best ms", "speedup", "candidates", "best script"):
        t.add_column(col, overflow="fold")
    for d in result.dispatches:
        j = d.to_json()
        sp = j["speedup_in_search"]
        t.add_row(j["executable"], j["kernel"], fmt_ms(j["baseline_ms"]), fmt_ms(j["best_ms"]), f"{sp:.2f}x" if sp else "-",
                  str(j["candidates"]), _describe(d.best_node.script) if d.best_node else "-")
    console.print(t)
    m = Table(title=f"models (cost basis: {result.pool.cost_basis})")
    for col in ("model", "calls", "prompt tok", "completion tok", "cost USD", "hits", "children", "invalid", "errors"):
        m.add_column(col, justify="right" if col != "model" else "left")
    for name, s in result.pool.summary().items():
        m.add_row(name, str(s["calls"]), str(s["prompt_tokens"]), str(s["completion_tokens"]), f"{s['cost_usd']:.6f}",
                  str(s["hits"]), str(s["children"]), str(s["invalid"]), str(s["errors"]))
    console.print(m)
    j = result.to_json()
    share = (f"largest model {j['largest_model']}: {100 * j['largest_model_share']:.0f}% of {j['model_calls']} calls"
             if j["largest_model"] else f"{j['model_calls']} model calls (all models cost the same)")
    console.print(
        f"{share}; "
        f"{j['candidates']} candidates, {j['cache_hits']} cache hits, "
        f"{j['duplicate_binaries']} duplicate binaries (not charged), failures {j['failures'] or 'none'}; {result.wall_s:.0f} s"
    )
    rounds = result.rounds_ms
    console.print(
        f"whole module, re-measured side by side ({len(rounds['baseline'])} interleaved rounds of {result.repetitions} "
        f"repetitions on {result.timed_on or 'the target device'}): "
        f"baseline {fmt_ms(result.baseline_ms)} ms, best {fmt_ms(result.best_ms)} ms, speedup [bold]{result.speedup:.2f}x[/bold]"
        + _interval(result.speedup_interval)
    )
    _print_pipeline(result.pipeline, console)
    whole = result.whole_module or {}
    held = whole.get("proxy_held_out") or {}
    if held.get("modules"):
        console.print(f"proxy on {held['modules']} composed modules (not used to calibrate it): median error "
                      f"{100 * held['median_abs_error']:.1f}%, max {100 * held['max_abs_error']:.1f}%; "
                      f"Pareto set: {whole.get('pareto', {}).get('points', 0)} points in {whole.get('pareto', {}).get('path')}")
    for note in result.notes:
        console.print(f"note: {note}")
    db = result.tuning_db
    if db:
        console.print(f"tuning database {db['path']}: {db['dispatches_reused']} dispatch(es) reused without a search, "
                      f"{len(db['seeded'])} seeded from similar ones, {db['dispatches_recorded']} recorded", markup=False)
    kept = result.kept if result.kept == "baseline" else f"{result.kept} ({'; '.join(_describe(s) for s in result.best_scripts.values() if s.transforms)})"
    console.print(f"kept: {kept}")
    check = result.export_check or {}
    if check:
        verdict = "checked" if check.get("reproduces") else "rebuilt (reported at its own speed)" if check.get("ok") else "CHECK FAILED"
        console.print(f"{verdict}: {check.get('detail')}; rebuild with: "
                      f"bash {result.work_dir / 'compile.sh'}")


def _describe(script: Script) -> str:
    return script.describe() + (" [changes numerics]" if script.changes_numerics() else "")


def _interval(ci: dict | None) -> str:
    """The speedup's 95% interval from the confirming rounds, as the summary line ends it."""
    if not ci:
        return ""
    retimed = f", {ci['outlier_rounds_retimed']} outlier round(s) timed again" if ci["outlier_rounds_retimed"] else ""
    return f" (95% interval {ci['low']:.2f}-{ci['high']:.2f}x{retimed})"

