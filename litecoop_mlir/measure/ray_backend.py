"""Compiles and benchmarks on a Ray cluster (optional: `pip install litecoop-mlir[ray]`).

Compiles are Ray tasks on CPU workers (`num_cpus=1` each; Ray schedules them). Runs and
benchmarks go to one actor that holds the custom resource `litecoop_device` (a node that
owns the device: start such nodes with `ray start --resources='{"litecoop_device": 1}'`), so
they are serialized per device. Modules, inputs and outputs travel as bytes through Ray's
object store: no shared file system is assumed. Every call still runs under the
subprocess timeout and memory limit of the worker it lands on.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Sequence

from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.iree.compiler import CompileResult, compile_module
from litecoop_mlir.iree.process import Limits
from litecoop_mlir.iree.runner import (
    BenchResult,
    RunResult,
    benchmark_module,
    run_module,
)
from litecoop_mlir.iree.targets import Target
from litecoop_mlir.measure.backend import Backend

DEVICE_RESOURCE = "litecoop_device"


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise LitecoopError("error: --executor ray needs Ray: pip install 'litecoop-mlir[ray]'") from None
    return ray


def _compile_remote(source: str, flags: list[str], limits: Limits, library: str = "") -> tuple[CompileResult, bytes]:
    with tempfile.TemporaryDirectory(prefix="litecoop-ray-") as tmp:
        res = compile_module(source, flags, Path(tmp), limits, library=library)
        data = res.vmfb.read_bytes() if res.ok and res.vmfb is not None else b""
        return CompileResult(res.status, None, res.size_bytes, res.wall_s, res.error), data


def _write(blobs: Sequence[bytes], where: Path, stem: str) -> list[Path]:
    paths = []
    for i, b in enumerate(blobs):
        p = where / f"{stem}{i}.npy"
        p.write_bytes(b)
        paths.append(p)
    return paths


class _Device:
    """Runs and benchmarks modules on the device of the node it lives on, one at a time."""

    def run(self, vmfb: bytes, function: str, inputs: list[bytes], num_outputs: int, target: Target,
            limits: Limits) -> tuple[RunResult, list[bytes]]:
        with tempfile.TemporaryDirectory(prefix="litecoop-ray-") as tmp:
            t = Path(tmp)
            (t / "m.vmfb").write_bytes(vmfb)
            res = run_module(t / "m.vmfb", function, _write(inputs, t, "input"), num_outputs, t / "out", target, limits)
            outs = [p.read_bytes() for p in res.outputs] if res.ok else []
            return RunResult(res.status, (), res.error), outs

    def benchmark(self, vmfb: bytes, function: str, inputs: list[bytes], target: Target, limits: Limits,
                  repetitions: int, min_time_s: float, extra_flags: tuple[str, ...] = ()) -> BenchResult:
        with tempfile.TemporaryDirectory(prefix="litecoop-ray-") as tmp:
            t = Path(tmp)
            (t / "m.vmfb").write_bytes(vmfb)
            return benchmark_module(t / "m.vmfb", function, _write(inputs, t, "input"), target, limits,
                                    repetitions=repetitions, min_time_s=min_time_s, extra_flags=extra_flags)


class RayBackend(Backend):
    """An Evaluator backend on Ray: connects to `address`, or starts a local instance
    with one `litecoop_device` (this machine's device) and `num_cpus` CPUs."""

    def __init__(self, address: str | None = None, *, num_cpus: int | None = None) -> None:
        ray = _ray()
        self.ray = ray
        if not ray.is_initialized():
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=num_cpus, resources={DEVICE_RESOURCE: 1}, include_dashboard=False,
                         log_to_driver=False)
        if not ray.cluster_resources().get(DEVICE_RESOURCE):
            raise LitecoopError(f"error: no Ray node offers the resource {DEVICE_RESOURCE}; start the node that owns "
                                f"the device with --resources='{{\"{DEVICE_RESOURCE}\": 1}}'")
        self._compile = ray.remote(num_cpus=1)(_compile_remote)
        self._device = ray.remote(num_cpus=0, resources={DEVICE_RESOURCE: 1})(_Device).remote()
        self._blobs: dict[tuple[Path, ...], Any] = {}
        self.counts = {"compiles": 0, "runs": 0, "benchmarks": 0}

    def _inputs(self, inputs: Sequence[Path]) -> Any:
        key = tuple(inputs)
        if key not in self._blobs:
            self._blobs[key] = self.ray.put([p.read_bytes() for p in inputs])
        return self._blobs[key]

    def compile(self, source: str, flags: Sequence[str], out_dir: Path, limits: Limits, library: str = "",
                name: str = "module") -> CompileResult:
        self.counts["compiles"] += 1
        res, data = self.ray.get(self._compile.remote(source, list(flags), limits, library))
        if not data:
            return res
        out_dir.mkdir(parents=True, exist_ok=True)
        vmfb = out_dir / f"{name}.vmfb"
        vmfb.write_bytes(data)
        return CompileResult(res.status, vmfb, res.size_bytes, res.wall_s, res.error)

    def run(self, vmfb: Path, function: str, inputs: Sequence[Path], num_outputs: int, out_dir: Path,
            target: Target, limits: Limits) -> RunResult:
        self.counts["runs"] += 1
        res, outs = self.ray.get(self._device.run.remote(vmfb.read_bytes(), function, self._inputs(inputs),
                                                         num_outputs, target, limits))
        if not res.ok:
            return res
        out_dir.mkdir(parents=True, exist_ok=True)
        return RunResult(res.status, tuple(_write(outs, out_dir, "output")), res.error)

    def benchmark(self, vmfb: Path, function: str, inputs: Sequence[Path], target: Target, limits: Limits, *,
                  repetitions: int, min_time_s: float, extra_flags: Sequence[str] = ()) -> BenchResult:
        self.counts["benchmarks"] += 1
        return self.ray.get(self._device.benchmark.remote(vmfb.read_bytes(), function, self._inputs(inputs), target,
                                                          limits, repetitions, min_time_s, tuple(extra_flags)))

    def describe(self) -> dict[str, Any]:
        return {"kind": "ray", "nodes": len(self.ray.nodes()), **self.counts}

    def close(self) -> None:
        """Stop the device actor (a Ray instance this backend started stops with the process)."""
        self.ray.kill(self._device)
