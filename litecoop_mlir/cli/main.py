"""litecoop-mlir-opt: the command line, in the mlir-opt tradition (argv in, exit code out)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Sequence

from rich.console import Console
from rich.table import Table

from litecoop_mlir.core.errors import LitecoopError, UsageError
from litecoop_mlir.core.records import dumps, fmt_ms
from litecoop_mlir.core.secrets import redact
from litecoop_mlir.core.version import __version__
from litecoop_mlir.iree.process import (
    DEFAULT_MEMORY_BYTES,
    DEFAULT_TIMEOUT_S,
    Limits,
    allow_children,
    kill_all_children,
    restore_signals,
    stop_children_on_signals,
)
from litecoop_mlir.search.mcts import SearchConfig
from litecoop_mlir.search.uct import UCTConfig
from litecoop_mlir.targets.strategy import DEFAULT_TARGET, TARGET_NAMES, make_target

DESCRIPTION = """\
Make an IREE-compiled MLIR module faster. Reads INPUT (a file, or - for stdin: linalg on
tensors, one kernel or a whole model), splits it into the dispatches IREE forms, and
searches codegen configurations and flags for each with a shared Monte-Carlo tree that
several models (a roster, or the built-in offline proposers) expand in turn. Every
candidate is compiled, checked against the reference outputs and benchmarked. The tuning
spec goes to stdout (or -o); progress and tables go to stderr; --work-dir gets spec.mlir,
best.vmfb, summary.json and compile_flags.txt.
"""

EPILOG = """\
examples:
  litecoop-mlir-opt kernels/matmul_512.mlir --budget 64 --work-dir runs/mm -o spec.mlir
  litecoop-mlir-opt kernels/mlp.mlir --models rosters/openai.toml --budget 128 --work-dir runs/mlp
  litecoop-mlir-opt kernels/matmul_512.mlir --target llvm-cpu --baseline-only
  litecoop-mlir-opt kernels/mlp.mlir --baseline-only --json
  litecoop-mlir-opt kernels/matmul_512.mlir --apply script.json -o spec.mlir
  litecoop-mlir-opt kernels/mlp.mlir --pipeline data-tiling          (build under pipelines/data-tiling.pipeline, time it)
  litecoop-mlir-opt kernels/mlp.mlir --search-pipelines --budget 48 --work-dir runs/mlp-p
  litecoop-mlir-opt --print-prompt runs/mm 0:4 --model big --models rosters/openai.toml
  litecoop-mlir-opt --print-prompt runs/mlp-p p2        (the messages at pipeline node 2)
  litecoop-mlir-opt compile kernels/mlp.mlir -o mlp.vmfb --iree-hal-target-device=local \
      --iree-hal-local-target-device-backends=llvm-cpu --iree-llvmcpu-target-cpu=host --iree-opt-level=O3
  litecoop-mlir-opt export --target llvm-cpu -o tuned/     (one spec + flags for all tuned dispatches)
  litecoop-mlir-opt db stats | db prune --other-compilers

Every search records what it measures and keeps in the tuning database (--db, default
$LITECOOP_DB or ~/.cache/litecoop-mlir/tuning.db); dispatches tuned there are not searched again.

exit status: 0 success, 1 failure (bad input, IREE error), 2 usage error.
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="litecoop-mlir-opt",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", nargs="?", help="input .mlir file, or - for stdin")
    p.add_argument("-o", "--output", help="where to write the result (default: stdout)")
    p.add_argument("--target", default=DEFAULT_TARGET, choices=TARGET_NAMES, help="IREE backend (default: %(default)s)")
    p.add_argument("--arch", default="", help="CPU for llvm-cpu (default host), SM for cuda (default sm_80), Vulkan target")
    p.add_argument("--function", help="entry function (default: the module's only public function)")
    p.add_argument("--baseline-only", action="store_true", help="print dispatches, IREE's default configs and the O3 baseline latency")
    p.add_argument("--show", nargs="+", metavar=("DIR", "NODE"), help="print a stored run (DIR), or one node of it (ID or DISPATCH:ID): its script, measurement and configured MLIR")
    p.add_argument("--print-prompt", nargs=2, metavar=("DIR", "NODE"),
                   help="print the exact messages a model would get at a node of a stored run (ID or DISPATCH:ID; pN: "
                        "pipeline node N of a --search-pipelines run), the model with --model, default the one the node "
                        "names; sizes and prices from --models")
    p.add_argument("--model", help="with --print-prompt: the model asked")
    p.add_argument("--apply", metavar="SCRIPT.json", help="apply a script (JSON list of transforms, or {\"dispatches\": {EXECUTABLE: [...]}}), print each configured dispatch and write the spec")
    p.add_argument("--select", metavar="PARETO.json", help="pick one point of a saved Pareto set (no search) and write its spec")
    p.add_argument("--max-error", type=float, metavar="E",
                   help="the largest max|out-ref|/max|ref| allowed: with --select, for the point; with a search, lets a "
                        "candidate whose flags change rounding (fast-math, lower precision) win within it")
    p.add_argument("--prefer", choices=("latency", "size", "error"), default="latency",
                   help="with --select: what to minimize among the allowed points (default %(default)s)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON (the summary) instead of the spec / tables")
    p.add_argument("--work-dir", help="directory for artifacts (default: ./litecoop-out for the search and --apply, a temporary one for --baseline-only)")
    s = p.add_argument_group("search")
    s.add_argument("--models", metavar="ROSTER.toml", default=os.environ.get("LITECOOP_ROSTER"),
                   help="model roster (default: $LITECOOP_ROSTER, else the built-in offline proposers)")
    s.add_argument("--resume", action="store_true", help="continue the run stored in --work-dir (same input and target)")
    s.add_argument("--budget", type=int, help="candidates to compile and measure (default 64)")
    s.add_argument("--time-budget", type=float, metavar="SECONDS", help="stop the search after this long")
    s.add_argument("--lambda", dest="lam", type=float, default=UCTConfig.lam, help="bias toward cheap models in [0,1] (default %(default)s)")
    s.add_argument("--exploration", type=float, default=UCTConfig.exploration, help="UCT exploration constant C (default %(default)s)")
    s.add_argument("--codegen", choices=("both", "attributes", "script"), default="both",
                   help="node contents the search takes: IREE attributes (tiles, pipeline, flags), transform-dialect codegen "
                        "scripts (llvm-cpu contractions and convolutions; the tree starts from IREE's configuration as a script), "
                        "or both in one tree (default)")
    s.add_argument("--children", type=int, default=SearchConfig.children_per_expansion, help="steps asked per model turn (default %(default)s)")
    s.add_argument("--course-alteration", type=int, default=SearchConfig.course_alteration_k, metavar="K",
                   help="after K turns in a row in which smaller models' children did not beat their parent, the largest "
                        "expands next; 0 = off (default %(default)s)")
    s.add_argument("--no-fallback", action="store_true",
                   help="when every model of the roster is dropped (failing call after call), fail the run instead of "
                        "going on with the built-in proposers")
    s.add_argument("--concurrency", type=int, default=SearchConfig.concurrency, metavar="N",
                   help="model calls in flight at once; above 1, calls overlap compiles (run by --workers threads) "
                        "and plan steps start as soon as their dependency is measured (default %(default)s: serial)")
    s.add_argument("--workers", type=int, help="compile workers with --concurrency > 1 (default: the number of cores)")
    s.add_argument("--executor", choices=("local", "ray"), default="local",
                   help="where candidates compile and run: this machine, or a Ray cluster (pip install 'litecoop-mlir[ray]')")
    s.add_argument("--ray-address", help="address of an existing Ray cluster (default: start a local instance)")
    s.add_argument("--min-share", type=float, default=0.02, metavar="F",
                   help="whole modules: skip dispatches under this share of the dispatch time (default %(default)s)")
    s.add_argument("--pareto-points", type=int, default=5, metavar="N",
                   help="whole modules: composed modules to build and measure for the Pareto set (default %(default)s)")
    s.add_argument("--db", metavar="PATH", help="tuning database (default: $LITECOOP_DB, else ~/.cache/litecoop-mlir/tuning.db)")
    s.add_argument("--no-db", action="store_true", help="neither reuse nor record anything in a tuning database")
    s.add_argument("--retune", action="store_true", help="search dispatches the tuning database has tuned already "
                   "(their best known configuration is measured first)")
    _pipeline_arguments(p.add_argument_group("pass pipelines"))
    s.add_argument("--cost-basis", choices=("params", "price"), default="params", help="what makes a model expensive (default %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="seed for inputs and search (default 0)")
    p.add_argument("--repetitions", type=int, default=10, help="benchmark repetitions for final numbers (default 10)")
    p.add_argument("--compile-timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per subprocess (default %(default)s)")
    p.add_argument("--memory-limit-gb", type=float, default=DEFAULT_MEMORY_BYTES / (1 << 30), help="address-space limit per subprocess in GiB (default %(default)s)")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _pipeline_arguments(pl: argparse._ArgumentGroup) -> None:
    pl.add_argument("--pipeline", metavar="FILE|NAME",
                    help="a pass pipeline file, or the name of one in pipelines/ (see --list-pipelines): alone, build the "
                         "module under it, check it against IREE's default and time both side by side; with --budget, "
                         "search codegen under it; with --search-pipelines, the pipeline search starts from it")
    pl.add_argument("--search-pipelines", action="store_true",
                    help="search pass pipelines first (at most --pipeline-share of the budget), then codegen under the best")
    pl.add_argument("--pipeline-share", type=float, default=0.35, metavar="F",
                    help="with --search-pipelines: the largest share of the budget pipelines may take (default %(default)s)")
    pl.add_argument("--pipeline-branches", type=int, default=2, metavar="K",
                    help="with --search-pipelines: pipelines that get a codegen subtree (probed side by side, the best "
                         "continued; default %(default)s)")
    pl.add_argument("--list-pipelines", action="store_true", help="list the shipped pipelines and exit")


def _print_baseline(report_json: dict, console: Console) -> None:
    table = Table(title=f"dispatches of {report_json['input']} ({report_json['target']})")
    for col in ("#", "executable", "kind", "loops", "pipeline", "lowering_config"):
        table.add_column(col, overflow="fold")
    for d in report_json["dispatches"]:
        loops = "x".join(map(str, d["loop_bounds"])) + " " + "".join(t[0] for t in d["iterator_types"])
        cfg = d["lowering_config"].split("<", 1)[-1].rstrip(">")
        table.add_row(str(d["index"]), d["executable"], f"{d['kind']} {d['element_type']}", loops, d["pipeline"], cfg)
    console.print(table)
    m = report_json["baseline"]
    if m["status"] == "ok":
        console.print(
            f"baseline latency (O3, local device, {len(m['samples_ms'])} reps): "
            f"median {fmt_ms(m['median_ms'])} ms, min {fmt_ms(m['min_ms'])} ms, spread {100 * m['spread']:.1f}%  "
            f"binary {m['size_bytes']} B, compile {m['compile_s']:.2f} s"
        )
    else:
        console.print(f"baseline: {m['status']}: {m['error']}")


def _check_output(path: str | None) -> None:
    """Fail before any work when `-o` cannot be written (a missing or read-only directory)."""
    if not path:
        return
    p = Path(path)
    if p.is_dir():
        raise LitecoopError(f"{path}: error: -o names a directory")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise LitecoopError(f"{path}: error: cannot write -o: no directory {parent}")
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise LitecoopError(f"{path}: error: cannot write -o: permission denied")


def _write_output(path: str, text: str) -> None:
    try:
        Path(path).write_text(text)
    except OSError as exc:
        raise LitecoopError(f"{path}: error: cannot write: {exc.strerror or exc}") from None


def _run(args: argparse.Namespace, out: Console, err: Console) -> int:
    from litecoop_mlir.ir.workload import load_workload
    from litecoop_mlir.measure.backend import LocalBackend
    from litecoop_mlir.measure.baseline import measure_baseline

    if args.show:
        from litecoop_mlir.cli.show import show_node, show_run

        if len(args.show) > 2:
            raise UsageError("error: --show takes DIR and at most one NODE")
        if len(args.show) == 2:
            show_node(args.show[0], args.show[1], out)
        else:
            show_run(args.show[0], out)
        return 0
    if args.print_prompt:
        from litecoop_mlir.cli.show import print_prompt
        from litecoop_mlir.proposers.pool import load_roster

        roster = list(load_roster(args.models)) if args.models else None
        print_prompt(args.print_prompt[0], args.print_prompt[1], out, args.model, roster)
        return 0
    if args.list_pipelines:
        return _list_pipelines(out)
    _check_output(args.output)
    if args.select:
        return _select_point(args, out, err)
    if args.max_error is not None and (args.baseline_only or args.apply):
        raise UsageError("error: --max-error goes with --select or a search")
    if args.input is None:
        raise UsageError("error: no input file (use - for stdin)")
    if args.baseline_only and args.apply:
        raise UsageError("error: --baseline-only and --apply exclude each other")
    limits = Limits(args.compile_timeout, int(args.memory_limit_gb * (1 << 30)))
    target = make_target(args.target, args.arch)
    if args.apply:
        return _apply(args, target, limits, out, err)
    if args.pipeline and args.budget is None and not args.search_pipelines and not args.baseline_only:
        return _apply_pipeline(args, limits, out, err)
    if not args.baseline_only:
        return _search(args, limits, out, err)
    with tempfile.TemporaryDirectory(prefix="litecoop-") as tmp:
        work_dir = Path(args.work_dir) if args.work_dir else Path(tmp)
        with err.status(f"loading {args.input} for {target.name}"):
            workload = load_workload(args.input, target, function=args.function, limits=limits)
        with err.status("measuring the baseline"):
            with closing(LocalBackend()) as backend:
                report = measure_baseline(workload, work_dir, backend, seed=args.seed, repetitions=args.repetitions)
        data = report.to_json()
        if report.measurement.compile_only:
            err.print(f"note: {report.measurement.error}")
    if args.json:
        text = dumps(data, indent=2)
        if args.output:
            _write_output(args.output, text + "\n")
        else:
            out.file.write(text + "\n")
    else:
        _print_baseline(data, out)
    return 0 if report.measurement.status.value in ("ok", "no_device") else 1


def _read_scripts(path: str, kernels: list, target: str) -> dict:
    """Parse a script file into {kernel: Script}; each script is validated for its kernel as one
    step (the order of its transforms does not matter to the configuration rules)."""
    from litecoop_mlir.space.legality import validate_step
    from litecoop_mlir.space.script import Script
    from litecoop_mlir.space.vocabulary import IllegalTransform

    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise LitecoopError(f"{path}: error: cannot read script: {exc}") from None
    by_exe = {k.executable: k for k in kernels}
    if isinstance(data, dict) and "dispatches" in data:
        raw = data["dispatches"]
        if not isinstance(raw, dict):
            raise LitecoopError(f"{path}: error: 'dispatches' must map executable names to transform lists")
        unknown = sorted(set(raw) - set(by_exe))
        if unknown:
            raise LitecoopError(f"{path}: error: no dispatch named {', '.join(unknown)} (have {', '.join(by_exe)})")
        items = [(by_exe[e], v) for e, v in raw.items()]
    else:
        items = [(k, data) for k in kernels]
    scripts = {}
    for kernel, raw_script in items:
        try:
            checked = validate_step(kernel, Script(), Script.from_json(raw_script).transforms, target)
        except IllegalTransform as exc:
            raise LitecoopError(f"{path}: error: {kernel.executable}: {exc}") from None
        scripts[kernel] = checked
    return scripts


def _apply(args: argparse.Namespace, target, limits: Limits, out: Console, err: Console) -> int:
    from litecoop_mlir.export.spec import export_spec
    from litecoop_mlir.ir.workload import load_workload
    from litecoop_mlir.measure.backend import LocalBackend
    from litecoop_mlir.space.apply import build_candidate, extract_executable

    workload = load_workload(args.input, target, function=args.function, limits=limits)
    scripts = _read_scripts(args.apply, workload.kernels(), workload.target.name)
    candidate = build_candidate(workload, scripts)
    work_dir = Path(args.work_dir or "litecoop-out")
    with closing(LocalBackend()) as backend:
        export = export_spec(workload, scripts, work_dir, backend=backend)
    spec_text = export.spec_path.read_text()
    for kernel, script in scripts.items():
        out.file.write(f"// ----- {kernel.executable}: {script.describe()}\n")
        if candidate.configured:
            out.file.write(extract_executable(candidate.source, kernel.executable) + "\n")
    if args.output:
        _write_output(args.output, spec_text)
    for note in export.notes:
        err.print(f"note: {note}")
    err.print(f"wrote {args.output or export.spec_path}; compile flags in {work_dir / 'compile_flags.txt'}")
    return 0


def _pipeline(args: argparse.Namespace):
    from litecoop_mlir.space.pass_pipelines import IllegalPipeline, resolve_pipeline

    if not args.pipeline:
        return None
    try:
        return resolve_pipeline(args.pipeline)
    except IllegalPipeline as exc:
        raise LitecoopError(f"error: {exc}") from None


def _list_pipelines(out: Console) -> int:
    from litecoop_mlir.space.pass_pipelines import load_pipeline, shipped_pipelines

    table = Table(title="shipped pass pipelines (pipelines/)")
    for col in ("name", "what it is for", "targets", "applies to", "flags"):
        table.add_column(col, overflow="fold")
    for name, path in shipped_pipelines().items():
        p = load_pipeline(path)
        table.add_row(name, p.doc, " ".join(p.targets) or "any", " ".join(p.applies_to), "\n".join(p.flags()) or "(none)")
    out.print(table)
    return 0


def _apply_pipeline(args: argparse.Namespace, limits: Limits, out: Console, err: Console) -> int:
    from litecoop_mlir.measure.backend import LocalBackend
    from litecoop_mlir.module.pass_pipeline_level import apply_pipeline
    from litecoop_mlir.space.pass_pipelines import IllegalPipeline

    pipeline = _pipeline(args)
    work_dir = Path(args.work_dir or "litecoop-out")
    try:
        with err.status(f"building {args.input} under {pipeline.name or 'the pipeline'} and IREE's default"):
            with closing(LocalBackend()) as backend:
                summary = apply_pipeline(args.input, work_dir, pipeline, target=args.target, arch=args.arch,
                                         function=args.function, limits=limits, backend=backend, seed=args.seed, rounds=3,
                                         repetitions=args.repetitions)
    except IllegalPipeline as exc:
        raise LitecoopError(f"{args.pipeline}: error: {exc}") from None
    if summary["status"] != "ok":
        raise LitecoopError(f"{args.input}: error: under {args.pipeline} the module {summary['status']}: {summary['error']}")
    err.print(f"{pipeline.describe()}: {fmt_ms(summary['pipeline_ms'])} ms against IREE's default {fmt_ms(summary['default_ms'])} ms "
              f"(x{summary['speedup']:.3f}, side by side); dispatches {summary['dispatches_default']} -> "
              f"{summary['dispatches_pipeline']}; max rel. error {summary['max_rel_error']:.2g}")
    err.print(f"artifacts in {work_dir}/: pipeline.txt, compile_flags.txt, best.vmfb, summary.json")
    text = dumps(summary, indent=1) + "\n" if args.json else (work_dir / "pipeline.txt").read_text()
    if args.output:
        _write_output(args.output, text)
    else:
        out.file.write(text)
    return 0


def _select_point(args: argparse.Namespace, out: Console, err: Console) -> int:
    from litecoop_mlir.module.pareto import select_point

    if args.input is not None:
        raise UsageError("error: --select takes no input file (the Pareto set names its module)")
    point, spec = select_point(args.select, max_error=args.max_error, prefer=args.prefer)
    try:
        text = spec.read_text()
    except OSError as exc:
        raise LitecoopError(f"{spec}: error: cannot read the point's spec: {exc}") from None
    err.print(f"chose {point.get('name', '?')}: {fmt_ms(point.get('latency_ms'))} ms (x{point.get('speedup') or float('nan'):.2f} "
              f"over the baseline), error {point.get('error', point.get('max_rel_error'))}, {point.get('size_bytes')} bytes")
    err.print("compile with: " + " ".join(point.get("compile_flags", [])))
    if args.json:
        text = dumps(point, indent=1) + "\n"
    if args.output:
        _write_output(args.output, text)
    else:
        out.file.write(text)
    return 0


def _search_options(args: argparse.Namespace, limits: Limits, err: Console):
    from litecoop_mlir.driver.options import OptimizeOptions
    from litecoop_mlir.proposers.pool import load_roster

    budget = 64 if args.budget is None else args.budget
    if budget < 1:
        raise UsageError("error: --budget must be at least 1")
    roster = None
    if args.models:
        roster = tuple(load_roster(args.models))
    else:
        err.print("note: no model roster given (--models or $LITECOOP_ROSTER): using the built-in offline proposers (heuristic, random)")
    try:
        uct = UCTConfig(lam=args.lam, exploration=args.exploration)
        search = SearchConfig(uct=uct, children_per_expansion=args.children, course_alteration_k=args.course_alteration,
                              seed=args.seed, concurrency=args.concurrency, codegen=args.codegen,
                              fallback=not args.no_fallback)
        if args.workers is not None and args.workers < 1:
            raise ValueError("--workers must be at least 1")
        return OptimizeOptions(
            target=args.target, arch=args.arch, function=args.function, roster=roster, cost_basis=args.cost_basis,
            budget=budget, time_budget_s=args.time_budget, search=search, seed=args.seed,
            repetitions=args.repetitions, limits=limits, workers=args.workers, executor=args.executor,
            ray_address=args.ray_address, min_share=args.min_share, pareto_points=args.pareto_points,
            max_error=args.max_error, db="" if args.no_db else args.db, retune=args.retune,
            pipeline=_pipeline(args), search_pipelines=args.search_pipelines, pipeline_share=args.pipeline_share,
            pipeline_branches=args.pipeline_branches, started=args.started,
        )
    except ValueError as exc:
        raise UsageError(f"error: {exc}") from None


def _process_started() -> float:
    """When this process started, on time.monotonic()'s clock (a time budget counts from there: Python and
    its imports take their share); now where /proc does not say."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        return time.monotonic() - max(0.0, float(Path("/proc/uptime").read_text().split()[0]) - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.monotonic()


def _search(args: argparse.Namespace, limits: Limits, out: Console, err: Console) -> int:
    from litecoop_mlir.cli.progress import SearchProgress, print_result
    from litecoop_mlir.driver.optimize import optimize
    from litecoop_mlir.driver.two_level import optimize_two_level

    options = _search_options(args, limits, err)
    work_dir = Path(args.work_dir or "litecoop-out")
    run = optimize_two_level if options.search_pipelines else optimize
    with SearchProgress(err, options.budget) as progress:
        result = run(args.input, work_dir, options, on_event=progress.on_event, resume=args.resume)
    print_result(result, err)
    if args.json:
        text = dumps(json.loads((work_dir / "summary.json").read_text()), indent=1) + "\n"
    else:
        text = result.spec_text
    if args.output:
        _write_output(args.output, text)
    else:
        out.file.write(text)
    store = f"{work_dir}/{result.pipeline['branch']}/run.db" if result.pipeline and result.pipeline.get("branch") else "run.db"
    err.print(f"artifacts in {work_dir}/: spec.mlir, compile_flags.txt, compile.sh, best.vmfb, summary.json, pareto.json, "
              f"candidates.jsonl, report.html, {store}")
    return 0


def _say(line: str) -> None:
    """One line on stderr; a file name that is not UTF-8 shows its odd bytes as U+FFFD, never a traceback."""
    print(line.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status instead of raising. As the program (no `argv`), a time budget counts
    from the process's start; called with arguments (from Python), from this call."""
    from litecoop_mlir.cli.db_commands import SUBCOMMANDS, run_subcommand

    started = _process_started() if argv is None else time.monotonic()
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    sub = bool(argv) and argv[0] in SUBCOMMANDS
    try:
        args = parser.parse_args([] if sub else argv)
        args.started = started
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    out = Console(file=sys.stdout, highlight=False, width=160)
    err = Console(file=sys.stderr, highlight=False, width=None if sys.stderr.isatty() else 160)
    previous = stop_children_on_signals()
    try:
        return run_subcommand(argv, out, err) if sub else _run(args, out, err)
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        _say(f"litecoop-mlir-opt: {redact(str(exc))}")
        return 2
    except LitecoopError as exc:
        _say(redact(str(exc)))
        return 1
    except KeyboardInterrupt:
        kill_all_children()
        where = f" (the run is stored in {args.work_dir or 'litecoop-out'}: continue it with --resume)" if args.input else ""
        print(f"litecoop-mlir-opt: interrupted{where}", file=sys.stderr)
        return 1
    finally:
        restore_signals(previous)
        allow_children()


if __name__ == "__main__":
    sys.exit(main())
