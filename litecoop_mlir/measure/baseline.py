"""The baseline: IREE's own configuration of every dispatch and the measured module latency."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from litecoop_mlir.core.records import Measurement, jsonable
from litecoop_mlir.ir.workload import Kernel, Workload
from litecoop_mlir.measure.backend import Backend, Evaluator


@dataclass
class BaselineReport:
    """Dispatches with their default configurations, and the whole-module baseline measurement."""

    workload: Workload
    kernels: list[Kernel]
    measurement: Measurement

    def to_json(self) -> dict[str, object]:
        w = self.workload
        return {
            "input": w.filename,
            "function": w.function,
            "target": w.target.name,
            "flags": list(w.base_flags),
            "inputs": [s.iree_type() for s in w.inputs],
            "outputs": [s.iree_type() for s in w.outputs],
            "dispatches": [
                {
                    "index": k.index,
                    "executable": k.executable,
                    "function": k.function,
                    "root_op": k.root_op,
                    "kind": k.kind,
                    "loop_bounds": list(k.loop_bounds),
                    "iterator_types": list(k.iterator_types),
                    "element_type": k.element_type,
                    "pipeline": k.pipeline,
                    "lowering_config": k.default_lowering_config,
                    "translation_info": k.default_translation_info,
                }
                for k in self.kernels
            ],
            "baseline": jsonable(self.measurement),
        }


def measure_baseline(workload: Workload, work_dir: Path, backend: Backend, *, seed: int = 0, repetitions: int = 10) -> BaselineReport:
    """Decompose `workload` into dispatches and measure it at the baseline flags."""
    kernels = workload.kernels()
    evaluator = Evaluator(workload, work_dir, seed=seed, repetitions=repetitions, min_time_s=0.2, backend=backend)
    return BaselineReport(workload, kernels, evaluator.baseline())
