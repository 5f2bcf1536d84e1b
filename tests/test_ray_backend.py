"""The Ray backend passes the same end-to-end search as the local executor (local Ray instance)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.search.mcts import SearchConfig

ray = pytest.importorskip("ray")


@pytest.fixture
def local_ray():
    from litecoop_mlir.measure.ray_backend import DEVICE_RESOURCE

    ray.init(num_cpus=2, resources={DEVICE_RESOURCE: 1}, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.slow
@pytest.mark.parametrize("concurrency", [1, 2])
def test_ray_executor_end_to_end(local_ray, small_matmul_path: Path, tmp_path: Path, concurrency: int) -> None:
    opts = OptimizeOptions(budget=4, executor="ray", search=SearchConfig(concurrency=concurrency),
                           search_repetitions=2, repetitions=2, final_rounds=1, finalists=2)
    result = optimize(str(small_matmul_path), tmp_path / "run", opts)
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["candidates"] == 4 and summary["dispatches"][0]["best_ms"] > 0
    assert result.best_measurement is None or result.best_measurement.max_rel_error <= 1e-4
    assert (tmp_path / "run" / "best.vmfb").stat().st_size > 0
    ex = summary["executor"]  # every compile, run and benchmark went through Ray
    assert ex["kind"] == "ray" and ex["compiles"] >= 5 and ex["runs"] >= 1 and ex["benchmarks"] >= 2
