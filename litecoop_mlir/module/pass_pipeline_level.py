"""Running the pipeline level: search pass pipelines for a module, or apply one without searching.

Both measure against IREE's default build of the module (its outputs are the reference, and
its latency is timed side by side with the pipeline's). The search's tree, the winning
pipeline file and what it changed in the dispatch set are written into the work directory
(`pipelines/tree.json`, `pipeline.txt`), so a resumed or later run can read them.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from litecoop_mlir.core.records import Candidate, Measurement, dumps
from litecoop_mlir.export.spec import write_flags_file
from litecoop_mlir.ir.workload import Workload, load_workload
from litecoop_mlir.iree.process import Limits
from litecoop_mlir.measure.backend import Backend, Evaluator
from litecoop_mlir.measure.profile import Profiler
from litecoop_mlir.measure.rounds import median_of_timed
from litecoop_mlir.proposers.caller import ModelCaller
from litecoop_mlir.proposers.pool import ModelPool
from litecoop_mlir.search.pass_pipelines import PipelineNode, PipelineSearch
from litecoop_mlir.search.uct import UCTConfig
from litecoop_mlir.space.pass_pipelines import PassRegistry, Pipeline
from litecoop_mlir.targets.strategy import make_target


@dataclass
class PipelineLevel:
    """What the pipeline level found: the search (its tree), the default build and the winner."""

    search: PipelineSearch
    best: PipelineNode
    default: Workload

    def to_json(self) -> dict[str, Any]:
        """The tree, the winner, and the dispatch counts before and after."""
        root = self.search.nodes[0]
        return {**self.search.to_json(), "winner": self.best.pipeline.describe(), "winner_flags": list(self.best.pipeline.flags()),
                "dispatches_default": root.dispatches if root.pipeline.is_default else len(self.default.kernels()),
                "dispatches_winner": self.best.dispatches}


def default_workload(source: str, target: str, arch: str, function: str | None, limits: Limits) -> Workload:
    return load_workload(source, make_target(target, arch), function=function, limits=limits)


def _shares(workload: Workload, evaluator: Evaluator, work: Path, repetitions: int) -> dict[str, float]:
    """Each executable's share of the default build's dispatch time (empty for one dispatch or a failed profile)."""
    if len(workload.kernels()) < 2:
        return {}
    profile = Profiler(workload, work / "profiles", backend=evaluator.backend, repetitions=repetitions).profile(
        Candidate(workload.source), "baseline")
    total = sum(e.total_ms for e in profile.executables) if profile.ok else 0.0
    return {e.name: e.total_ms / total for e in profile.executables} if total > 0 else {}


def search_pipelines(source: str, work: Path, *, target: str, arch: str, function: str | None, limits: Limits,
                     backend: Backend, pool: ModelPool, caller: ModelCaller, budget: int, share: float, start: Pipeline | None,
                     seed: int, repetitions: int, children: int, uct: UCTConfig,
                     on_node: Callable[[PipelineNode], None] = lambda n: None) -> PipelineLevel:
    """Level one: pipelines from `start` (default: IREE's), at most `share` of `budget` candidates."""
    folder = work / "pipelines"
    folder.mkdir(parents=True, exist_ok=True)
    w = default_workload(source, target, arch, function, limits)
    evaluator = Evaluator(w, folder / "eval", seed=seed, repetitions=repetitions, min_time_s=0.05, backend=backend)
    baseline = evaluator.baseline()
    if not baseline.ok:
        raise ValueError(f"IREE's default build did not run ({baseline.status.value}): {baseline.error}")
    search = PipelineSearch(w, evaluator, caller, baseline, root=start or Pipeline(), registry=PassRegistry.installed(),
                            uct=uct, children=children, seed=seed, shares=_shares(w, evaluator, folder, repetitions),
                            on_node=on_node)
    search.run(budget, max(1, round(budget * share)))
    search.retime(rounds=3, repetitions=10)
    best = search.best()
    level = PipelineLevel(search, best, w)
    (folder / "tree.json").write_text(dumps({**level.to_json(), "models": pool.summary()}, indent=1) + "\n")
    (work / "pipeline.txt").write_text(Pipeline(best.pipeline.passes, best.pipeline.options, name="searched",
                                                doc=f"the best pipeline found for {w.filename}").text())
    return level


def apply_pipeline(source: str, work: Path, pipeline: Pipeline, *, target: str, arch: str, function: str | None,
                   limits: Limits, backend: Backend, seed: int, rounds: int, repetitions: int) -> dict[str, Any]:
    """Build the module under `pipeline` without searching: check its numbers against IREE's
    default, time both side by side, and write best.vmfb, pipeline.txt, compile_flags.txt and
    summary.json into `work`."""
    work.mkdir(parents=True, exist_ok=True)
    pipeline = PassRegistry.installed().normalized(pipeline)
    w = default_workload(source, target, arch, function, limits)
    evaluator = Evaluator(w, work / "eval", seed=seed, repetitions=3, min_time_s=0.05, backend=backend)
    base = evaluator.baseline()
    m = evaluator.evaluate(Candidate(w.source, pipeline.flags()))
    summary: dict[str, Any] = {"input": w.filename, "target": w.target.name, "pipeline": pipeline.describe(),
                               "pipeline_flags": list(pipeline.flags()), "base_flags": list(w.base_flags),
                               "status": m.status.value, "error": m.error or None,
                               "dispatches_default": len(w.kernels()), "max_rel_error": m.max_rel_error}
    if m.ok and base.ok:
        timed = evaluator.side_by_side({"default": Path(base.vmfb), "pipeline": Path(m.vmfb)}, rounds=rounds, repetitions=repetitions)
        summary.update(dispatches_pipeline=len(w.kernels(pipeline.flags())), rounds_ms=timed,
                       default_ms=median_of_timed(timed["default"]), pipeline_ms=median_of_timed(timed["pipeline"]),
                       measurement=f"whole module, {w.target.name} ({w.target.device}), median of {rounds} interleaved "
                                   f"rounds of {repetitions} repetitions each")
        summary["speedup"] = summary["default_ms"] / summary["pipeline_ms"]
        shutil.copyfile(m.vmfb, work / "best.vmfb")
    (work / "pipeline.txt").write_text(pipeline.text())
    write_flags_file(work / "compile_flags.txt", pipeline.flags())
    (work / "summary.json").write_text(json.dumps(summary, indent=1, default=str) + "\n")
    return summary


def final_comparison(evaluator: Evaluator, default: Measurement, pipeline_vmfb: Path, best_vmfb: Path, rounds: int,
                     repetitions: int) -> dict[str, Any]:
    """IREE's default, the pipeline's build and the final module, timed side by side on `evaluator`'s inputs."""
    workload = evaluator.workload
    vmfbs = {"default": Path(default.vmfb), "pipeline": pipeline_vmfb, "best": best_vmfb}
    timed = evaluator.side_by_side(vmfbs, rounds=rounds, repetitions=repetitions)
    med = {k: median_of_timed(v) for k, v in timed.items()}
    return {"rounds_ms": timed, "default_ms": med["default"], "pipeline_ms": med["pipeline"], "best_ms": med["best"],
            "speedup_vs_default": med["default"] / med["best"], "pipeline_speedup": med["default"] / med["pipeline"],
            "measurement": f"whole module, {workload.target.name}, median of {rounds} interleaved rounds of {repetitions} "
                           "repetitions each (default, pipeline, best)"}
