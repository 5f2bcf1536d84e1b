"""One search tree per module at two levels: pass pipelines, then codegen under them.

1. The pipeline level (`module.pass_pipeline_level.search_pipelines`) spends at most `pipeline_share` of
   the budget on pipeline moves, stopping early when a round no longer pays.
2. Branches: the best pipeline found and the pipeline the level started from (IREE's default
   unless `--pipeline`), or the two best when those coincide. A pipeline that wins alone can
   still lose once codegen is tuned (data tiling turns matmuls into mmt4d, which the codegen
   moves reach less well), so each branch gets a codegen subtree.
3. Successive halving: each branch is searched with an equal probe budget; their results are
   timed side by side with IREE's default; the winner is resumed with what is left.
   Branches share a tuning database, so a dispatch a pipeline leaves unchanged (same
   executable content) starts from the configuration another branch kept for it (measured
   first) and is searched on from there.
The winner's artifacts are copied into the work directory; `summary.json` → `pipeline`
holds the tree, each branch's probe, the side-by-side times and the dispatch counts.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any, Callable

from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.core.records import dumps
from litecoop_mlir.db.run_store import RunStore
from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions, OptimizeResult
from litecoop_mlir.driver.setup import make_backend, prepare_work_dir, usable_roster
from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.measure.backend import Evaluator
from litecoop_mlir.measure.rounds import median_of_timed
from litecoop_mlir.module.pass_pipeline_level import search_pipelines
from litecoop_mlir.proposers.caller import ModelCaller
from litecoop_mlir.proposers.pool import ModelPool
from litecoop_mlir.search.mcts import Event
from litecoop_mlir.space.pass_pipelines import Pipeline, parse_pipeline

#: Files of the winning branch copied to the top of the work directory.
ARTIFACTS = ("input.mlir", "spec.mlir", "flags.txt", "compile_flags.txt", "best.vmfb", "report.html",
             "candidates.jsonl", "pareto.json", "pipeline.txt")


def _level(source: str, work: Path, o: OptimizeOptions, resume: bool) -> dict[str, Any]:
    """The pipeline level's tree (read back when resuming)."""
    tree_path = work / "pipelines" / "tree.json"
    if resume and tree_path.is_file():
        return json.loads(tree_path.read_text())
    prepare_work_dir(work)
    pool = ModelPool(usable_roster(o, []), cost_basis=o.cost_basis)
    backend = make_backend(o)
    try:
        search_pipelines(source, work, target=o.target, arch=o.arch, function=o.function, limits=o.limits, backend=backend,
                         pool=pool, caller=ModelCaller(pool), budget=o.budget, share=o.pipeline_share, start=o.pipeline,
                         seed=o.seed, repetitions=o.search_repetitions, children=o.search.children_per_expansion,
                         uct=o.search.uct)
    finally:
        backend.close()
    return json.loads(tree_path.read_text())


def branches(tree: dict[str, Any], k: int) -> list[dict[str, Any]]:
    """The nodes whose pipelines get codegen subtrees: the best and the start, else the best ones;
    never a pipeline whose build is another node's binary."""
    ok = sorted((n for n in tree["nodes"] if n["latency_ms"] is not None and n.get("same_build_as") is None),
                key=lambda n: n["latency_ms"])
    root = tree["nodes"][0]
    chosen = ok[:1] + ([root] if ok and ok[0]["id"] != root["id"] else ok[1:2])
    return chosen[: max(1, k)]


def _pipeline_of(node: dict[str, Any]) -> Pipeline | None:
    p = parse_pipeline("\n".join(node["flags"]), name=f"n{node['id']}")
    p = dataclasses.replace(p, doc=f"node {node['id']} of the pipeline search ({node['pipeline']})")
    return None if p.is_default else p


def _branch(source: str, work: Path, node: dict[str, Any], o: OptimizeOptions, budget: int, db: str,
            on_event: Callable[[Kernel, Event], None], probe: bool = False) -> OptimizeResult:
    """Codegen under `node`'s pipeline. A probe (a branch that is resumed if it wins) finalizes lightly:
    its result is only timed against the other probes, and the winner's finalize runs again in full."""
    bdir = work / "branches" / f"n{node['id']}"
    # retune: a dispatch another branch left unchanged starts from what that branch kept, and is still searched
    opts = dataclasses.replace(o, pipeline=_pipeline_of(node), search_pipelines=False, budget=budget, db=db, retune=True)
    if probe:
        opts = dataclasses.replace(opts, finalists=1, pareto_points=1, confirm_rounds=(2, 2))
    return optimize(source, bdir, opts, on_event=on_event, resume=RunStore.exists(bdir))


def optimize_two_level(source: str, work_dir: str | Path, options: OptimizeOptions, *,
                       on_event: Callable[[Kernel, Event], None] = lambda k, e: None, resume: bool = False) -> OptimizeResult:
    """Pipelines, then codegen under the best branches (see the module docstring)."""
    work = Path(work_dir)
    if not resume and (work / "pipelines" / "tree.json").exists():
        raise LitecoopError(f"{work}: error: this work directory already holds a run; add --resume to continue it, "
                            "or choose another --work-dir")
    tree = _level(source, work, options, resume)
    chosen = branches(tree, options.pipeline_branches)
    db = options.db if options.db != "" else str(work / "tuning.db")
    rest = max(len(chosen), options.budget - int(tree["spent"]))
    probe = max(1, rest // (2 * len(chosen))) if len(chosen) > 1 else rest
    probes, failed, light = {}, [], len(chosen) > 1
    for n in chosen:  # iree-compile is not always deterministic: a pipeline that built once may fail now
        try:
            probes[n["id"]] = _branch(source, work, n, options, probe, db, on_event, probe=light)
        except LitecoopError as exc:
            failed.append({"node": n["id"], "pipeline": n["pipeline"], "error": str(exc)})
    if not probes:  # every branch failed: codegen under the start of the pipeline search
        root = tree["nodes"][0]
        chosen, probe = [root], rest
        probes[root["id"]] = _branch(source, work, root, options, rest, db, on_event)
    chosen = [n for n in chosen if n["id"] in probes]
    picked, timed = _pick(probes, chosen, options)
    result = probes[picked["id"]]
    final_budget = rest - probe * (len(chosen) - 1)
    if final_budget > probe or light:  # a probe's light finalize is never the result
        result = _branch(source, work, picked, options, final_budget, db, on_event)
    result.notes.extend(f"branch n{f['node']} ({f['pipeline']}) was dropped: {f['error']}" for f in failed)
    return _finish(work, result, tree, chosen, probes, picked, timed, probe, failed)


def _pick(probes: dict[int, OptimizeResult], chosen: list[dict[str, Any]], options: OptimizeOptions) -> tuple[dict[str, Any], dict[str, list[float]]]:
    """The branch whose probe result runs fastest, timed side by side."""
    if len(chosen) == 1:
        return chosen[0], {}
    first = probes[chosen[0]["id"]]
    w = first.workload
    backend = make_backend(options)
    try:  # the inputs that branch ran on
        evaluator = Evaluator(w, first.work_dir / "eval", seed=options.seed, backend=backend)
        timed = evaluator.side_by_side({f"n{n['id']}": probes[n["id"]].work_dir / "best.vmfb" for n in chosen},
                                       rounds=3, repetitions=10)
    finally:
        backend.close()
    med = {k: median_of_timed(v, empty=float("inf")) for k, v in timed.items()}
    return min(chosen, key=lambda n: med[f"n{n['id']}"]), timed


def _finish(work: Path, result: OptimizeResult, tree: dict[str, Any], chosen: list[dict[str, Any]],
            probes: dict[int, OptimizeResult], picked: dict[str, Any], timed: dict[str, list[float]], probe: int,
            failed: list[dict[str, Any]]) -> OptimizeResult:
    """Copy the winner's artifacts up and write the two-level summary."""
    for name in ARTIFACTS:
        src = result.work_dir / name
        if src.is_file():
            shutil.copyfile(src, work / name)
    branch = result.work_dir.relative_to(work)
    script = work / "compile.sh"  # the branch's own script: its paths are relative to its directory
    script.write_text("#!/usr/bin/env bash\n# Rebuilds the result of this two-level run (the continued branch's build).\n"
                      f'exec bash "$(cd "$(dirname "$0")" && pwd)/{branch}/compile.sh" "$@"\n')
    script.chmod(0o755)
    if not (result.work_dir / "pipeline.txt").is_file():
        (work / "pipeline.txt").write_text(Pipeline(name="default", doc="IREE's default pipeline won").text())
    pool = result.pool  # the winner's turns; add the pipeline level's and the other probes'
    for name, stats in (tree.get("models") or {}).items():
        if name in pool.stats:
            pool.record(name, **{k: v for k, v in stats.items() if isinstance(v, (int, float))})
    for n in chosen:
        if n["id"] != picked["id"]:
            for name, st in probes[n["id"]].pool.stats.items():
                pool.record(name, **{k: v for k, v in dataclasses.asdict(st).items()})
    summary = json.loads((result.work_dir / "summary.json").read_text())
    whole = result.to_json()
    for key in ("models", "model_calls", "largest_model_share", "total_cost_usd", "notes"):
        summary[key] = whole[key]
    section = dict(summary.get("pipeline") or {})
    section.update(searched=tree, branch=str(branch), probe_budget=probe,
                   branches=[{"node": n["id"], "pipeline": n["pipeline"], "dir": f"branches/n{n['id']}",
                              "pipeline_level_ms": n["latency_ms"], "probe_best_ms": probes[n["id"]].best_ms,
                              "probe_rounds_side_by_side_ms": timed.get(f"n{n['id']}")} for n in chosen],
                   winner=picked["pipeline"], failed_branches=failed)
    summary["pipeline"] = section
    summary["budget_spent"] = {"pipelines": tree["spent"], **{f"n{n['id']}": probes[n["id"]].to_json()["candidates"] for n in chosen},
                               "winner_total": result.to_json()["candidates"]}
    (work / "summary.json").write_text(dumps(summary, indent=1) + "\n")
    result.pipeline = section
    return dataclasses.replace(result, work_dir=work)

