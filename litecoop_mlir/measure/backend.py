"""Measuring candidates: the backend protocol (builder and runner roles) and the cached evaluator."""

from __future__ import annotations

import abc
import contextlib
import dataclasses
import hashlib
import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from litecoop_mlir.core.records import Candidate, Measurement, Status
from litecoop_mlir.ir.workload import Workload
from litecoop_mlir.iree.compiler import (
    FROM_CONFIGURATIONS,
    CompileResult,
    compile_module,
)
from litecoop_mlir.iree.process import Limits, ProcResult, run_limited
from litecoop_mlir.iree.runner import (
    BenchResult,
    RunResult,
    benchmark_interleaved,
    benchmark_module,
    compare_outputs,
    make_inputs,
    run_module,
    widened_inputs,
)
from litecoop_mlir.iree.targets import Target
from litecoop_mlir.iree.tools import compiler_version
from litecoop_mlir.space.apply import precheck_scripts
from litecoop_mlir.targets.strategy import device_available


class Backend(abc.ABC):
    """Where compiles, runs and benchmarks happen (this machine, or a Ray cluster).

    Two roles, as in TVM MetaSchedule: the builder (`compile`: source and flags in, a module
    or a failure out) and the runner (`run` for outputs to verify, `benchmark` for timings).
    Everything that compiles or runs a module goes through one: the search's evaluator, the
    whole-module profiler, side-by-side re-timing, the spec and export checks and the drop-in
    compile, so `--executor ray` and local runs see the same calls. `close()` releases what it holds.
    """

    @abc.abstractmethod
    def compile(self, source: str, flags: Sequence[str], out_dir: Path, limits: Limits, library: str = "",
                name: str = "module") -> CompileResult: ...

    @abc.abstractmethod
    def run(self, vmfb: Path, function: str, inputs: Sequence[Path], num_outputs: int, out_dir: Path,
            target: Target, limits: Limits) -> RunResult: ...

    @abc.abstractmethod
    def benchmark(self, vmfb: Path, function: str, inputs: Sequence[Path], target: Target, limits: Limits, *,
                  repetitions: int, min_time_s: float, extra_flags: Sequence[str] = ()) -> BenchResult: ...

    @abc.abstractmethod
    def describe(self) -> dict[str, Any]:
        """What measures (for summaries): the kind of backend and what it has done."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release workers, actors and connections; the backend is not used afterwards."""

    def benchmark_interleaved(self, vmfbs: dict[str, Path], function: str, inputs: Sequence[Path], target: Target,
                              limits: Limits, *, rounds: int = 3, repetitions: int = 10,
                              min_time_s: float = 0.2) -> dict[str, list[float]]:
        """Several modules side by side in `rounds` interleaved passes (per-round medians, NaN for a failed round)."""
        return benchmark_interleaved(vmfbs, function, inputs, target, limits, rounds=rounds, repetitions=repetitions,
                                     min_time_s=min_time_s, benchmark=self.benchmark)

    def compile_here(self, source: str, flags: Sequence[str], out_dir: Path, limits: Limits, library: str = "",
                     name: str = "module") -> CompileResult:
        """Compile on this machine, whatever the backend: for compiles whose side outputs (dumped
        dispatch benchmarks) must land on this disk."""
        return compile_module(source, flags, out_dir, limits, library=library, name=name)

    def run_build_script(self, argv: Sequence[str], limits: Limits, env: dict[str, str]) -> ProcResult:
        """Run a build script of this machine's files (`compile.sh`): always here, whatever the backend,
        since the script names local paths."""
        return run_limited(list(argv), limits, env=env)


class LocalBackend(Backend):
    """Subprocesses on this machine."""

    def __init__(self) -> None:
        self.counts = {"compiles": 0, "runs": 0, "benchmarks": 0}

    def compile(self, source: str, flags: Sequence[str], out_dir: Path, limits: Limits, library: str = "",
                name: str = "module") -> CompileResult:
        self.counts["compiles"] += 1
        return compile_module(source, flags, out_dir, limits, library=library, name=name)

    def run(self, vmfb: Path, function: str, inputs: Sequence[Path], num_outputs: int, out_dir: Path,
            target: Target, limits: Limits) -> RunResult:
        self.counts["runs"] += 1
        return run_module(vmfb, function, inputs, num_outputs, out_dir, target, limits)

    def benchmark(self, vmfb: Path, function: str, inputs: Sequence[Path], target: Target, limits: Limits, *,
                  repetitions: int, min_time_s: float, extra_flags: Sequence[str] = ()) -> BenchResult:
        self.counts["benchmarks"] += 1
        return benchmark_module(vmfb, function, inputs, target, limits, repetitions=repetitions, min_time_s=min_time_s,
                                extra_flags=extra_flags)

    def describe(self) -> dict[str, Any]:
        return {"kind": "local", **self.counts}

    def close(self) -> None:
        pass


def compile_retrying(backend: Backend, source: str, flags: Sequence[str], out_dir: Path, limits: Limits,
                     library: str = "", *, tries: int = 2, here: bool = False, name: str = "module") -> tuple[CompileResult, str]:
    """Compile; after a compile error, again, up to `tries` attempts. Returns the result and the
    first error when a later attempt built the module ("" otherwise).

    IREE 3.13 is not always deterministic: data tiling + mmt4d on kernels/encoder_layer.mlir failed
    in 5 of 9 identical compiles ("exceeded stack allocation limit of 32768 bytes ... Got 32832"), and
    in 3 of 6 with --mlir-disable-threading; the ones that built gave byte-identical modules. A
    deterministic error costs the extra compiles; timeouts and memory kills are not retried.
    """
    build = backend.compile_here if here else backend.compile
    comp = first = build(source, flags, out_dir, limits, library, name)
    for _ in range(tries - 1):
        if comp.status is not Status.COMPILE_ERROR:
            break
        comp = build(source, flags, out_dir, limits, library, name)
    return comp, first.error if comp.ok and first is not comp else ""


class QuietLock:
    """Many compiles at once (shared), or one benchmark alone (exclusive), never both.

    Benchmarks wait for running compiles to end and new compiles wait for the benchmark,
    so a timing never shares the machine with a compile; waiting benchmarks go first.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting_exclusive = 0

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._exclusive and not self._waiting_exclusive)
            self._shared += 1
        try:
            yield
        finally:
            with self._cond:
                self._shared -= 1
                self._cond.notify_all()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._waiting_exclusive += 1
            self._cond.wait_for(lambda: not self._exclusive and not self._shared)
            self._waiting_exclusive -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()


def _element_type(names: str) -> re.Pattern[str]:
    """An element type as MLIR writes it: alone (`: f32`) or ending a shape (`512x1024xf32`)."""
    return re.compile(rf"(?:(?<=[0-9?]x)|(?<![A-Za-z0-9_]))(?:{names})\b")


@dataclass
class Evaluator:
    """Turns candidates into measurements for one workload, never twice for the same content.

    The reference is the baseline compile (input module at the base flags) run on
    seeded random inputs; every candidate is run on the same inputs and compared.
    A candidate whose outputs are beyond tolerance is WRONG_NUMBERS and never wins; if its
    error is at most `time_inexact_up_to` (of max|ref|) it is still timed, so lower-precision
    choices can appear in a Pareto set with their real error.
    Thread-safe: compiles run in parallel, runs and benchmarks one at a time with no
    compile beside them; a candidate in flight is not started twice, and two candidates
    that compile to the same binary are measured once.
    """

    workload: Workload
    work_dir: Path
    seed: int = 0
    repetitions: int = 5
    min_time_s: float = 0.1
    verify: bool = True
    time_inexact_up_to: float = 0.0
    cache: dict[str, Measurement] = field(default_factory=dict)
    hits: int = 0
    _inputs: tuple[Path, ...] = ()
    _reference: tuple[Path, ...] = ()
    _reference64: tuple[Path, ...] = ()
    backend: Backend = field(kw_only=True)
    _quiet: QuietLock = field(default_factory=QuietLock, repr=False)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _inflight: dict[str, threading.Event] = field(default_factory=dict, repr=False)
    _interrupted: set[str] = field(default_factory=set, repr=False)
    preset_reference: bool = False
    compile_cut_factor: float = 10.0  # a candidate compiling this much longer than the baseline (and >= 30 s) is cut
    _compile_cut_s: float = 0.0
    _by_binary: dict[str, Measurement] = field(default_factory=dict, repr=False)
    #: the least time per repetition of a side-by-side benchmark (lowered to fit a run's time budget)
    side_min_time_s: float = 0.2

    def __post_init__(self) -> None:
        self.work_dir = Path(self.work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.can_run, self.no_device_reason = device_available(self.workload.target)

    @property
    def inputs(self) -> tuple[Path, ...]:
        if not self._inputs:
            specs = [(s.shape, s.dtype) for s in self.workload.inputs]
            self._inputs = make_inputs(specs, self.work_dir / "inputs", self.seed)
        return self._inputs

    @property
    def reference(self) -> tuple[Path, ...]:
        """The baseline's outputs on `inputs` (after `baseline()`): what every candidate must reproduce."""
        if not self._reference:
            raise RuntimeError("baseline() must run before outputs are compared")
        return self._reference

    def baseline(self) -> Measurement:
        """Measure the input module at the base flags and keep its outputs as the reference
        (with `preset_reference`: check them against it, as any candidate)."""
        return self._evaluate(Candidate(self.workload.source), reference=True)

    def use_reference(self, other: Evaluator) -> None:
        """Check every output here, the baseline's too, against `other`'s reference (same inputs):
        a run under a pass pipeline is checked against IREE's default, not against itself."""
        self.seed, self._inputs = other.seed, other.inputs
        self._reference, self._reference64 = other.reference, other._reference64
        self.preset_reference = True

    def interrupted(self) -> list[str]:
        """Keys of the candidates whose measuring was stopped, or is in flight now (about to be)."""
        with self._cache_lock:
            return sorted(self._interrupted | set(self._inflight))

    def side_by_side(self, vmfbs: dict[str, Path], *, rounds: int, repetitions: int,
                     min_time_s: float | None = None) -> dict[str, list[float]]:
        """Time modules of this workload on its inputs in interleaved rounds through the backend,
        with no compile beside them (per-round medians; NaN for a round that failed)."""
        w = self.workload
        with self._quiet.exclusive():
            return self.backend.benchmark_interleaved(vmfbs, w.function, self.inputs, w.target, w.limits, rounds=rounds,
                                                      repetitions=repetitions,
                                                      min_time_s=self.side_min_time_s if min_time_s is None else min_time_s)

    def key_of(self, candidate: Candidate) -> str:
        """The cache key of `candidate` for this workload and compiler."""
        return candidate.content_key(self.workload.base_flags, compiler_version())

    def evaluate(self, candidate: Candidate) -> Measurement:
        """Compile, verify and benchmark `candidate` (cached by content)."""
        return self._evaluate(candidate, reference=False)

    def _evaluate(self, candidate: Candidate, *, reference: bool) -> Measurement:
        key = self.key_of(candidate)
        while True:
            with self._cache_lock:
                if key in self.cache and not reference:
                    self.hits += 1
                    return self.cache[key]
                running = self._inflight.get(key)
                if running is None:
                    self._inflight[key] = threading.Event()
                    break
            running.wait()  # the same candidate is being measured: take its result
        try:
            m = self._measure(key, candidate, reference)
            with self._cache_lock:
                if m.status is Status.INTERRUPTED:  # not a result: measured again when the run resumes
                    self._interrupted.add(key)
                else:
                    self.cache[key] = m
        finally:
            with self._cache_lock:
                self._inflight.pop(key).set()
        return m

    def _measure(self, key: str, candidate: Candidate, reference: bool) -> Measurement:
        w = self.workload
        cdir = self.work_dir / "candidates" / key
        flags = [*w.base_flags, *candidate.flags]
        if candidate.configured:
            flags.append(FROM_CONFIGURATIONS)
        seen = self.cache.get(key)
        limits = w.limits
        retried = ""
        if reference and seen is not None and seen.ok and Path(seen.vmfb).is_file():
            # The baseline of a resumed run: run and time it again, but do not recompile it.
            comp = CompileResult(Status.OK, Path(seen.vmfb), seen.size_bytes, seen.compile_s)
        else:
            diagnostic = precheck_scripts(candidate.source, candidate.library) if candidate.library else ""
            if diagnostic:  # a codegen script the interpreter cannot apply: its reason, without a compile
                return Measurement(key, Status.COMPILE_ERROR, error=diagnostic)
            if self._compile_cut_s and not reference:
                limits = dataclasses.replace(limits, timeout_s=min(limits.timeout_s, self._compile_cut_s))
            with self._quiet.shared():
                comp, retried = compile_retrying(self.backend, candidate.source, flags, cdir, limits, candidate.library)
        if reference and comp.ok:
            self._compile_cut_s = max(30.0, self.compile_cut_factor * comp.wall_s)
        if not comp.ok:
            error = comp.error
            if comp.status is Status.TIMEOUT and limits.timeout_s < w.limits.timeout_s:
                error = (f"compile cut after {limits.timeout_s:.0f} s ({self.compile_cut_factor:g}x the baseline's compile, "
                         f"at least 30 s); {error}")
            return Measurement(key, comp.status, compile_s=comp.wall_s, error=error)
        assert comp.vmfb is not None
        binary = hashlib.sha256(comp.vmfb.read_bytes()).hexdigest()
        with self._cache_lock:
            same = self._by_binary.get(binary) if not reference else None
        if same is not None:  # another script compiled to this very binary: measured once
            return dataclasses.replace(same, key=key, compile_s=comp.wall_s, vmfb=str(comp.vmfb), duplicate_of=same.key)
        m = Measurement(key, Status.OK, size_bytes=comp.size_bytes, compile_s=comp.wall_s, vmfb=str(comp.vmfb), binary=binary,
                        error=f"compiled at the second attempt; the first failed: {retried}" if retried else "")
        if not self.can_run:
            m.status, m.compile_only, m.error = Status.NO_DEVICE, True, self.no_device_reason
            return m
        if self.verify or reference:
            if not self._check_numbers(m, comp.vmfb, cdir, reference):
                return m
        with self._quiet.exclusive():  # one benchmark at a time, with no compile beside it
            bench = self.backend.benchmark(
                comp.vmfb,
                w.function,
                self.inputs,
                w.target,
                w.limits,
                repetitions=self.repetitions,
                min_time_s=self.min_time_s,
            )
        self._record_bench(m, bench)
        if m.ok:
            with self._cache_lock:
                self._by_binary.setdefault(binary, m)
        return m

    def _check_numbers(self, m: Measurement, vmfb: Path, cdir: Path, reference: bool) -> bool:
        w = self.workload
        with self._quiet.exclusive():
            run = self.backend.run(vmfb, w.function, self.inputs, len(w.outputs), cdir / "outputs", w.target, w.limits)
        if not run.ok:
            m.status, m.error = run.status, run.error
            return False
        if reference and not self.preset_reference:
            self._reference = run.outputs
            self._reference64 = self._float64_reference(cdir.parent / "float64")
            m.max_abs_error = m.max_rel_error = 0.0
            m.error_vs_f64 = self._error_vs_f64(run.outputs)
            return True
        cmp = compare_outputs(run.outputs, self.reference, [o.dtype for o in w.outputs])
        m.max_abs_error, m.max_rel_error = cmp.max_abs_error, cmp.max_rel_error
        m.error_vs_f64 = self._error_vs_f64(run.outputs)
        if not cmp.ok:
            m.status, m.error = Status.WRONG_NUMBERS, cmp.detail
            return cmp.max_rel_error <= self.time_inexact_up_to  # timed for the Pareto set, never a winner
        return True

    def _float64_reference(self, out_dir: Path) -> tuple[Path, ...]:
        """The outputs of the module computed in float64 (f32 widened) on the same inputs: the
        truth a candidate's error is measured against (the Pareto error axis). Empty when the
        module has other float types, or does not compile or run that way."""
        w = self.workload
        if _element_type("f16|bf16|f8\\w*").search(w.source) or not _element_type("f32").search(w.source):
            return ()
        source, flags = _element_type("f32").sub("f64", w.source), [*w.base_flags, "--iree-input-demote-f64-to-f32=false"]
        out_dir = out_dir / self.key_of(Candidate(source, tuple(flags)))
        vmfb = out_dir / "module.vmfb"
        if not vmfb.is_file():  # a resumed run reuses the one it built
            comp = self.backend.compile(source, flags, out_dir, w.limits)
            if not comp.ok or comp.vmfb is None:
                return ()
            vmfb = comp.vmfb
        inputs = widened_inputs(self.inputs, out_dir / "inputs")
        with self._quiet.exclusive():
            run = self.backend.run(vmfb, w.function, inputs, len(w.outputs), out_dir / "outputs", w.target, w.limits)
        return run.outputs if run.ok else ()

    def _error_vs_f64(self, outputs: tuple[Path, ...]) -> float:
        if not self._reference64:
            return math.nan
        return compare_outputs(outputs, self._reference64, [o.dtype for o in self.workload.outputs]).max_rel_error

    @staticmethod
    def _record_bench(m: Measurement, bench: BenchResult) -> None:
        if not bench.ok:
            m.status, m.error = bench.status, bench.error
            return
        m.median_ms, m.min_ms, m.stdev_ms = bench.median_ms, bench.min_ms, bench.stdev_ms
        m.spread, m.samples_ms = bench.spread, bench.samples_ms
