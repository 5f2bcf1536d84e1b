"""Run and benchmark compiled modules, and compare their outputs with a reference."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from litecoop_mlir.core.records import Status
from litecoop_mlir.iree.process import Limits, run_limited
from litecoop_mlir.iree.targets import Target
from litecoop_mlir.iree.tools import tool_path

#: Normalized max error (max|a-b| / max|ref|) allowed per element type.
TOLERANCES: dict[str, float] = {"f64": 1e-9, "f32": 1e-4, "f16": 1e-2, "bf16": 5e-2}

_NUMPY_DTYPES: dict[str, str] = {
    "f64": "float64",
    "f32": "float32",
    "f16": "float16",
    "i64": "int64",
    "i32": "int32",
    "i16": "int16",
    "i8": "int8",
    "i1": "bool",
}


@dataclass(frozen=True)
class BenchResult:
    """Latency statistics of one benchmarked module (milliseconds)."""

    status: Status
    median_ms: float = float("nan")
    min_ms: float = float("nan")
    mean_ms: float = float("nan")
    stdev_ms: float = float("nan")
    samples_ms: tuple[float, ...] = ()
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @property
    def spread(self) -> float:
        """(max - min) / median over the repetitions."""
        if not self.samples_ms:
            return float("nan")
        return (max(self.samples_ms) - min(self.samples_ms)) / self.median_ms


@dataclass(frozen=True)
class RunResult:
    """Outputs of one run of a module (as .npy files), or why there are none."""

    status: Status
    outputs: tuple[Path, ...] = field(default=())
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


@dataclass(frozen=True)
class Comparison:
    """Numerical error of a candidate against the reference."""

    ok: bool
    max_abs_error: float
    max_rel_error: float
    detail: str = ""


def numpy_dtype(iree_dtype: str) -> np.dtype:
    """numpy dtype for an MLIR element type name."""
    if iree_dtype == "bf16":
        import ml_dtypes  # shipped with iree-base-runtime's dependencies

        return np.dtype(ml_dtypes.bfloat16)
    if iree_dtype not in _NUMPY_DTYPES:
        raise ValueError(f"unsupported element type {iree_dtype}")
    return np.dtype(_NUMPY_DTYPES[iree_dtype])


def make_inputs(specs: Sequence[tuple[tuple[int, ...], str]], out_dir: Path, seed: int) -> tuple[Path, ...]:
    """Write seeded random inputs (normal floats, small integers) as .npy files."""
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (shape, dtype) in enumerate(specs):
        dt = numpy_dtype(dtype)
        if dtype.startswith("f") or dtype == "bf16":
            arr = rng.standard_normal(shape).astype(np.float32).astype(dt)
        elif dtype == "i1":
            arr = rng.integers(0, 2, shape).astype(dt)
        else:
            arr = rng.integers(-8, 8, shape).astype(dt)
        path = out_dir / f"input{i}.npy"
        np.save(path, arr)
        paths.append(path)
    return tuple(paths)


def widened_inputs(inputs: Sequence[Path], out_dir: Path) -> tuple[Path, ...]:
    """Copies of `inputs` with f32 arrays as f64 (other dtypes kept), for the float64 reference."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for p in inputs:
        arr = np.load(p)
        q = out_dir / p.name
        np.save(q, arr.astype(np.float64) if arr.dtype == np.float32 else arr)
        paths.append(q)
    return tuple(paths)


def _input_flags(inputs: Sequence[Path]) -> list[str]:
    return [f"--input=@{p}" for p in inputs]


def run_module(
    vmfb: Path,
    function: str,
    inputs: Sequence[Path],
    num_outputs: int,
    out_dir: Path,
    target: Target,
    limits: Limits,
) -> RunResult:
    """Run `function` once on `target`, writing each output as out_dir/outputK.npy."""
    out_dir.mkdir(parents=True, exist_ok=True)
    outs = tuple(out_dir / f"output{k}.npy" for k in range(num_outputs))
    for o in outs:
        o.unlink(missing_ok=True)
    res = run_limited(
        [
            tool_path("iree-run-module"),
            f"--device={target.device}",
            f"--module={vmfb}",
            f"--function={function}",
            *_input_flags(inputs),
            *[f"--output=@{o}" for o in outs],
        ],
        target.program_limits(limits),
        env=target.run_env(),
        failure_status=Status.RUN_ERROR,
    )
    if not res.ok:
        return RunResult(res.status, (), res.first_error_line())
    missing = [o.name for o in outs if not o.exists()]
    if missing:
        return RunResult(Status.RUN_ERROR, (), f"iree-run-module wrote no {', '.join(missing)}")
    return RunResult(Status.OK, outs)


def compare_outputs(candidate: Sequence[Path], reference: Sequence[Path], dtypes: Sequence[str]) -> Comparison:
    """Compare outputs with a dtype-aware tolerance on max|a-b| / max|ref| (integers must match)."""
    worst_abs = 0.0
    worst_rel = 0.0
    for k, (c_path, r_path, dtype) in enumerate(zip(candidate, reference, dtypes)):
        c = np.load(c_path).astype(np.float64)
        r = np.load(r_path).astype(np.float64)
        if c.shape != r.shape:
            return Comparison(False, float("inf"), float("inf"), f"output {k}: shape {c.shape} != {r.shape}")
        if not np.all(np.isfinite(c) == np.isfinite(r)):
            return Comparison(False, float("inf"), float("inf"), f"output {k}: non-finite values differ")
        finite = np.isfinite(r)
        diff = np.abs(c[finite] - r[finite])
        abs_err = float(diff.max()) if diff.size else 0.0
        scale = float(np.abs(r[finite]).max()) if diff.size else 0.0
        rel_err = abs_err / scale if scale > 0 else abs_err
        worst_abs = max(worst_abs, abs_err)
        worst_rel = max(worst_rel, rel_err)
        tol = TOLERANCES.get(dtype, 0.0)
        if rel_err > tol:
            return Comparison(
                False, worst_abs, worst_rel, f"output {k}: max error {abs_err:.3g} ({rel_err:.2e} of max|ref|) > {tol:g}"
            )
    return Comparison(True, worst_abs, worst_rel)


def benchmark_module(
    vmfb: Path,
    function: str,
    inputs: Sequence[Path],
    target: Target,
    limits: Limits,
    *,
    repetitions: int = 5,
    min_time_s: float = 0.1,
    extra_flags: Sequence[str] = (),
) -> BenchResult:
    """Time `function` with iree-benchmark-module (JSON output) on the target's device.

    On llvm-cpu the device is `local-sync`: single-threaded, the only honest setting
    for rewards. Statistics are taken over the per-repetition real times.
    `extra_flags` go to the tool as they are (e.g. `--batch_size` for dispatch benchmarks).
    """
    res = run_limited(
        [
            tool_path("iree-benchmark-module"),
            f"--device={target.device}",
            f"--module={vmfb}",
            f"--function={function}",
            *_input_flags(inputs),
            "--benchmark_format=json",
            f"--benchmark_repetitions={repetitions}",
            f"--benchmark_min_time={min_time_s}s",
            "--benchmark_report_aggregates_only=false",
            *extra_flags,
        ],
        target.program_limits(limits),
        env=target.run_env(),
        failure_status=Status.BENCHMARK_ERROR,
    )
    if not res.ok:
        return BenchResult(res.status, error=res.first_error_line())
    try:
        report = json.loads(res.stdout)
        samples = []
        for b in report["benchmarks"]:
            if b.get("run_type", "iteration") != "iteration":
                continue
            scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b.get("time_unit", "ns")]
            samples.append(float(b["real_time"]) * scale)
    except (ValueError, KeyError, TypeError) as exc:
        return BenchResult(Status.BENCHMARK_ERROR, error=f"unreadable benchmark output: {exc}")
    if not samples:
        return BenchResult(Status.BENCHMARK_ERROR, error="benchmark reported no repetitions")
    return BenchResult(
        Status.OK,
        median_ms=statistics.median(samples),
        min_ms=min(samples),
        mean_ms=statistics.fmean(samples),
        stdev_ms=statistics.pstdev(samples),
        samples_ms=tuple(samples),
    )


def benchmark_interleaved(
    vmfbs: dict[str, Path],
    function: str,
    inputs: Sequence[Path],
    target: Target,
    limits: Limits,
    *,
    rounds: int = 3,
    repetitions: int = 10,
    min_time_s: float = 0.2,
    benchmark: Callable[..., BenchResult] | None = None,
) -> dict[str, list[float]]:
    """Benchmark several modules side by side: `rounds` passes over all of them in turn,
    so drift in the machine hits each alike. Returns each module's per-round medians (NaN
    for a failed round). `benchmark` replaces benchmark_module (e.g. a remote device)."""
    bench = benchmark or benchmark_module
    out: dict[str, list[float]] = {name: [] for name in vmfbs}
    for _ in range(rounds):
        for name, vmfb in vmfbs.items():
            b = bench(vmfb, function, inputs, target, limits, repetitions=repetitions, min_time_s=min_time_s)
            out[name].append(b.median_ms if b.ok else float("nan"))
    return out
