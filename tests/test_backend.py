"""The IREE measurement backend: compile, verify, benchmark, and every failure recorded."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

import pytest

from litecoop_mlir.core.records import Candidate, Status
from litecoop_mlir.ir.workload import Workload, load_workload
from litecoop_mlir.iree.compiler import CompileResult
from litecoop_mlir.iree.process import Limits, run_limited
from litecoop_mlir.measure.backend import Evaluator, LocalBackend, compile_retrying
from litecoop_mlir.targets.strategy import device_available, make_target
from tests.conftest import SMALL_MATMUL_RELU


def test_compile_verify_benchmark_small_kernel(small_matmul: Workload, tmp_path: Path) -> None:
    ev = Evaluator(small_matmul, tmp_path, repetitions=3, min_time_s=0.02, backend=LocalBackend())
    base = ev.baseline()
    assert base.status is Status.OK, base.error
    assert base.median_ms > 0 and base.min_ms <= base.median_ms
    assert len(base.samples_ms) == 3
    assert base.size_bytes > 0 and base.compile_s > 0
    # The same source at other flags is a distinct candidate, verified against the reference.
    m = ev.evaluate(Candidate(small_matmul.source, ("--iree-opt-data-tiling",)))
    assert m.status is Status.OK, m.error
    assert m.max_rel_error <= 1e-4
    again = ev.evaluate(Candidate(small_matmul.source, ("--iree-opt-data-tiling",)))
    assert again is m and ev.hits == 1


def test_a_flag_that_changes_nothing_is_the_baseline(small_matmul: Workload, tmp_path: Path) -> None:
    # compiled in its own folder, a no-op flag still gives the baseline's very binary (the input's
    # file name, which iree-compile writes into the module, is the same for every candidate)
    ev = Evaluator(small_matmul, tmp_path, repetitions=2, min_time_s=0.01, backend=LocalBackend())
    base = ev.baseline()
    same = ev.evaluate(Candidate(small_matmul.source, ("--iree-dispatch-creation-fuse-multi-use=true",)))
    assert same.ok and same.binary == base.binary and same.median_ms == base.median_ms
    assert same.duplicate_of == base.key and same.key != base.key


class _FlakyBackend(LocalBackend):
    """Fails the first `failures` compiles with a compile error, as IREE sometimes does (measure.backend.compile_retrying)."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures, self.calls = failures, 0

    def compile(self, source: str, flags: Sequence[str], out_dir: Path, limits: Limits, library: str = "",
                name: str = "module") -> CompileResult:
        self.calls += 1
        if self.calls <= self.failures:
            return CompileResult(Status.COMPILE_ERROR, None, 0, 0.1, error="exceeded stack allocation limit (flaky)")
        return super().compile(source, flags, out_dir, limits, library, name)


def test_a_compile_error_is_retried_once(small_matmul: Workload, tmp_path: Path) -> None:
    flaky = _FlakyBackend(failures=1)
    m = compile_retrying(flaky, small_matmul.source, small_matmul.base_flags, tmp_path / "a", small_matmul.limits)
    assert m[0].ok and m[1] == "exceeded stack allocation limit (flaky)" and flaky.calls == 2
    ev = Evaluator(small_matmul, tmp_path / "ev", repetitions=2, min_time_s=0.01, backend=LocalBackend())
    ev.baseline()
    ev.backend = _FlakyBackend(failures=1)
    got = ev.evaluate(Candidate(small_matmul.source, ("--iree-opt-data-tiling=true",)))
    assert got.ok and got.error.startswith("compiled at the second attempt; the first failed: exceeded stack")
    ev.backend = stuck = _FlakyBackend(failures=2)  # a compile error that stays is recorded after the second attempt
    again = ev.evaluate(Candidate(small_matmul.source, ("--iree-llvmcpu-loop-unrolling=true",)))
    assert again.status is Status.COMPILE_ERROR and stuck.calls == 2


def test_wrong_numbers_are_detected(small_matmul: Workload, tmp_path: Path) -> None:
    ev = Evaluator(small_matmul, tmp_path, repetitions=2, min_time_s=0.01, backend=LocalBackend())
    assert ev.baseline().ok
    bad = ev.evaluate(Candidate(SMALL_MATMUL_RELU))
    assert bad.status is Status.WRONG_NUMBERS
    assert bad.max_rel_error > 0.1
    assert "output 0" in bad.error


def test_compile_timeout_is_recorded_not_hung(small_matmul: Workload, tmp_path: Path) -> None:
    small_matmul.limits = Limits(timeout_s=0.05)
    ev = Evaluator(small_matmul, tmp_path, backend=LocalBackend())
    start = time.monotonic()
    m = ev.evaluate(Candidate(small_matmul.source))
    assert m.status is Status.TIMEOUT
    assert time.monotonic() - start < 10


def test_compile_over_memory_limit_is_recorded(small_matmul: Workload, tmp_path: Path) -> None:
    small_matmul.limits = Limits(timeout_s=60, memory_bytes=300 << 20)
    m = Evaluator(small_matmul, tmp_path, backend=LocalBackend()).evaluate(Candidate(small_matmul.source))
    assert m.status is Status.MEMORY, m.error


def test_compile_error_keeps_first_useful_line(small_matmul: Workload, tmp_path: Path) -> None:
    m = Evaluator(small_matmul, tmp_path, backend=LocalBackend()).evaluate(Candidate(small_matmul.source, ("--iree-no-such-flag",)))
    assert m.status is Status.COMPILE_ERROR
    assert "no-such-flag" in m.error or "Unknown command line argument" in m.error


def test_crash_and_timeout_statuses_of_any_process() -> None:
    assert run_limited(["python3", "-c", "import os; os.abort()"], Limits(10)).status is Status.CRASH
    res = run_limited(["sleep", "30"], Limits(0.2))
    assert res.status is Status.TIMEOUT and res.wall_s < 5


VULKAN = make_target("vulkan-spirv")


@pytest.mark.skipif(not device_available(VULKAN)[0], reason="no Vulkan driver (mesa lavapipe) installed")
def test_vulkan_runs_small_matmul(small_matmul_path: Path, tmp_path: Path) -> None:
    w = load_workload(str(small_matmul_path), VULKAN)
    assert len(w.kernels()) == 1
    base = Evaluator(w, tmp_path, repetitions=2, min_time_s=0.01, backend=LocalBackend()).baseline()
    assert base.status is Status.OK, base.error
    assert base.median_ms > 0


def test_cuda_compiles_and_reports_no_device(small_matmul_path: Path, tmp_path: Path) -> None:
    cuda = make_target("cuda")
    w = load_workload(str(small_matmul_path), cuda)
    (k,) = w.kernels()
    assert k.kind == "contraction"
    m = Evaluator(w, tmp_path, backend=LocalBackend()).baseline()
    if device_available(cuda)[0]:
        assert m.status is Status.OK
    else:
        assert m.status is Status.NO_DEVICE and m.compile_only
        assert m.size_bytes > 0 and "no CUDA device" in m.error


# A CUDA-style start: reserve 64 GiB of address space (PROT_NONE, as the driver does), touch a little.
_RESERVE = ("import mmap; m = mmap.mmap(-1, 64 << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, "
            "prot=0); b = bytearray(16 << 20); print('reserved')")
_TOUCH = "import time; b = bytearray(600 << 20); time.sleep(5); print('survived')"


def test_gpu_programs_may_reserve_address_space_but_not_use_memory() -> None:
    import sys

    hard = Limits(timeout_s=20, memory_bytes=2 << 30)
    refused = run_limited([sys.executable, "-c", _RESERVE], hard)  # RLIMIT_AS refuses the reservation
    assert refused.status is not Status.OK and "reserved" not in refused.stdout
    gpu = hard.for_gpu_programs()
    res = run_limited([sys.executable, "-c", _RESERVE], gpu)
    assert res.ok and "reserved" in res.stdout
    small = Limits(timeout_s=20, memory_bytes=200 << 20).for_gpu_programs()
    t = time.monotonic()
    res = run_limited([sys.executable, "-c", _TOUCH], small)
    assert res.status is Status.MEMORY and "resident set" in res.first_error_line()
    assert time.monotonic() - t < 4  # killed by the watchdog, not left to finish


def test_gpu_targets_run_programs_under_the_resident_limit() -> None:
    limits = Limits()
    assert make_target("cuda").program_limits(limits).resident
    assert make_target("vulkan-spirv").program_limits(limits).resident
    assert make_target("llvm-cpu").program_limits(limits) == limits


def test_errors_are_measured_against_the_module_computed_in_float64(small_matmul: Workload, tmp_path: Path) -> None:
    """The f32 baseline is itself a little off the float64 truth; other numbers are far off it."""
    from litecoop_mlir.core.records import Candidate

    ev = Evaluator(small_matmul, tmp_path, repetitions=2, time_inexact_up_to=1.0, backend=LocalBackend())
    base = ev.baseline()
    assert base.ok and base.max_rel_error == 0.0 and 0 < base.error_vs_f64 < 1e-5 and base.numerical_error == base.error_vs_f64
    wrong = ev.evaluate(Candidate(SMALL_MATMUL_RELU))
    assert wrong.status is Status.WRONG_NUMBERS and wrong.error_vs_f64 > 0.1
