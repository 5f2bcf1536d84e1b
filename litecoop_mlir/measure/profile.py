"""Per-dispatch profiles of a compiled module: which executables it runs, how often, and
how long one invocation of each takes alone.

A module is compiled with `--iree-hal-dump-executable-benchmarks-to`; IREE writes one
benchmark module per executable. Those modules allocate their buffers but never write
them, which times ~2x slow on CPU (IREE_NOTES), so each initializer is patched to fill
the buffer before the benchmark runs. Invocation counts are read off the configured IR
(`stream.cmd.dispatch` sites per executable). An executable's identity is a digest of its
configured text (name-independent) plus the codegen flags: identical executables are
timed once per run, whatever module they came from.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from litecoop_mlir.core.records import Candidate, Status
from litecoop_mlir.ir.workload import Workload
from litecoop_mlir.iree.mlir import new_context, parse_module, str_attr, walk
from litecoop_mlir.iree.runner import BenchResult
from litecoop_mlir.measure.backend import Backend, compile_retrying
from litecoop_mlir.space.script_render import benchmark_library

_DISPATCH_SITE = re.compile(r"stream\.cmd\.dispatch\s+\{?@([\w$.-]+)::")
_EXECUTABLE = re.compile(r"hal\.executable private @([\w$.-]+)")
_BENCH_FUNC = re.compile(r"util\.func public @([\w$.-]+)\(")
_STORE = re.compile(r"(    util\.global\.store %buffer, @\S+ : !hal\.buffer\n)")
_SIZE = re.compile(r"!hal\.buffer\{(%c\d+)\}")
#: How a completed profile marks an executable whose time is an estimate.
ESTIMATED = "estimated from the module's time"
#: Bit pattern of the f32 value 0.01 (finite in every element type the bytes may be read as).
_FILL_PATTERN = 1008981770
#: Flags that name files or stages of the whole-module compile; a dumped benchmark does not take them.
_NOT_FOR_BENCHMARKS = ("--iree-codegen-tuning-spec-path", "--iree-hal-substitute-executable-configuration",
                       "--iree-hal-executable-object-search-path", "--iree-codegen-transform-dialect-library")


def configured_executables(configured_ir: str) -> dict[str, str]:
    """Each `hal.executable` of configured IR, printed, by name."""
    ctx = new_context()
    module = parse_module(configured_ir, "<configured>", ctx)
    return {str_attr(op, "sym_name"): str(op) for op in walk(module.operation) if op.name == "hal.executable"}


def replace_executable(benchmark_mlir: str, name: str, executable: str) -> str:
    """The dumped benchmark module with its executable `name` replaced by `executable`
    (a configured candidate's: IREE only dumps benchmarks when it configures itself)."""
    lines = benchmark_mlir.splitlines(keepends=True)
    head = f"  hal.executable private @{name} {{"
    start = next((i for i, line in enumerate(lines) if line.rstrip() == head), None)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].rstrip() == "  }"), None) if start is not None else None
    if start is None or end is None:
        raise ValueError(f"no executable @{name} in the benchmark module")
    return "".join(lines[:start]) + executable + "\n" + "".join(lines[end + 1:])


def dispatch_counts(configured_ir: str) -> Counter[str]:
    """Invocations per executable for one call of the entry function."""
    return Counter(_DISPATCH_SITE.findall(configured_ir))


def fill_buffers(benchmark_mlir: str) -> str:
    """The dumped benchmark module with its buffer filled in the initializer (see module doc)."""
    store, size = _STORE.search(benchmark_mlir), _SIZE.search(benchmark_mlir)
    if store is None or size is None:
        raise ValueError("unexpected benchmark module layout (no buffer to fill)")
    fill = f"""    %__cmd = hal.command_buffer.create device(%device : !hal.device) mode("OneShot") categories("Transfer") affinity(%queue_affinity) : !hal.command_buffer
    %__c0 = arith.constant 0 : index
    %__pattern = arith.constant {_FILL_PATTERN} : i32
    hal.command_buffer.fill_buffer<%__cmd : !hal.command_buffer> target(%buffer : !hal.buffer)[%__c0, {size.group(1)}] pattern(%__pattern : i32) flags("None")
    hal.command_buffer.finalize<%__cmd : !hal.command_buffer>
    %__none = util.null : !hal.fence
    %__fence = hal.fence.create device(%device : !hal.device) flags("None") : !hal.fence
    hal.device.queue.execute<%device : !hal.device> affinity(%queue_affinity) wait(%__none) signal(%__fence) commands(%__cmd) flags("None")
    %__forever = arith.constant -1 : i32
    %__status = hal.fence.await until([%__fence]) timeout_millis(%__forever) flags("None") : i32
    util.status.check_ok %__status, "filling the benchmark buffer failed"
"""
    return benchmark_mlir.replace(store.group(1), store.group(1) + fill, 1)


@dataclass(frozen=True)
class ExecutableTime:
    """One executable of a module: its identity, invocations per call, time per invocation."""

    name: str
    digest: str
    count: int
    median_ms: float
    spread: float = math.nan
    error: str = ""

    @property
    def total_ms(self) -> float:
        return self.count * self.median_ms


@dataclass
class ModuleProfile:
    """The executables one module runs, each timed alone (or why it could not be)."""

    executables: list[ExecutableTime] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and all(math.isfinite(e.median_ms) for e in self.executables)

    @property
    def dispatch_ms(self) -> float:
        """Sum over executables of invocations x time per invocation."""
        return sum(e.total_ms for e in self.executables)

    @property
    def estimated(self) -> list[str]:
        """Executables whose time is an estimate (`completed`), not a benchmark of their own."""
        return [e.name for e in self.executables if e.error.startswith(ESTIMATED)]

    def completed(self, module_ms: float, weights: dict[str, float], known: "ModuleProfile | None" = None) -> "ModuleProfile":
        """This profile with each executable that did not time alone given a time: the one `known`
        has for the same executable content (digest), else a share of what the module's measured
        time leaves beyond the timed ones, split by `weights` (e.g. loop volume) per invocation.
        IREE cannot recompile some dumped dispatch benchmarks (a convolution fused with a
        per-channel epilogue of constants fails its large-vector check), so without this one such
        dispatch would cost the whole profile. Unchanged when it failed as a whole or timed nothing."""
        if self.error or self.ok or not any(math.isfinite(e.median_ms) for e in self.executables):
            return self
        by_digest = {e.digest: e for e in (known.executables if known is not None else ()) if math.isfinite(e.median_ms)}
        filled = [by_digest[e.digest] if not math.isfinite(e.median_ms) and e.digest in by_digest else e
                  for e in self.executables]
        filled = [dataclasses.replace(f, name=e.name, count=e.count) for e, f in zip(self.executables, filled)]
        missing = [e for e in filled if not math.isfinite(e.median_ms)]
        if not missing:
            return ModuleProfile(filled)
        left = max(module_ms - sum(e.total_ms for e in filled if math.isfinite(e.median_ms)), 0.0)
        total = sum(max(weights.get(e.name, 1.0), 1.0) * e.count for e in missing)
        out = []
        for e in filled:
            if not math.isfinite(e.median_ms):
                share = max(weights.get(e.name, 1.0), 1.0) / total
                e = dataclasses.replace(e, median_ms=left * share, spread=math.nan,
                                        error=f"{ESTIMATED} (did not time alone: {e.error or 'no time'})")
            out.append(e)
        return ModuleProfile(out)


class Profiler:
    """Profiles candidates of one workload, timing each distinct executable once.

    The dispatch benchmarks are compiled and timed through `backend` (local or Ray); the
    compile that dumps them runs here, since IREE writes the dump to this machine's disk.
    """

    def __init__(self, workload: Workload, work_dir: Path, *, backend: Backend, repetitions: int = 5,
                 batch: int = 8, min_time_s: float = 0.05) -> None:
        self.workload = workload
        self.backend = backend
        self.work_dir = Path(work_dir)
        self.repetitions, self.batch, self.min_time_s = repetitions, batch, min_time_s
        self.times: dict[str, BenchResult] = {}
        self.compiles = 0
        self._reference: dict[tuple[str, ...], dict[str, str]] = {}  # IREE's own executables, by flags
        self._built: dict[str, tuple[Path, str]] = {}  # each timed executable's benchmark module and function, by digest

    def profile(self, candidate: Candidate, name: str) -> ModuleProfile:
        """Compile `candidate` with its dispatch benchmarks dumped; time each new executable."""
        w = self.workload
        out = self.work_dir / name
        dump = out / "benchmarks"
        shutil.rmtree(dump, ignore_errors=True)  # a reused directory must not lend stale benchmarks
        # IREE dumps benchmarks only when it configures the module itself: a configured
        # candidate's benchmarks are those of its flags, with its own executables put in.
        dump_flags = [*w.base_flags, *candidate.flags, f"--iree-hal-dump-executable-benchmarks-to={dump}"]
        # IREE's compile is not always deterministic (measure.backend.compile_retrying): with benchmarks dumped, the
        # encoder layer's compile failed twice in a row in 2 of about 10 profiles, so up to three tries; a
        # retry dumps the same executables under the same names
        comp, _ = compile_retrying(self.backend, w.source, dump_flags, out, w.limits, tries=3, here=True)
        self.compiles += 1
        if not comp.ok:
            return ModuleProfile(error=f"compile with benchmarks dumped failed ({comp.status.value}): {comp.error}")
        configured = w.configured_ir(tuple(candidate.flags))
        counts = dispatch_counts(candidate.source if candidate.configured else configured)
        bench_flags = [f for f in (*w.base_flags, *candidate.flags) if not f.startswith(_NOT_FOR_BENCHMARKS)]
        own: dict[str, str] = {}
        if candidate.configured:  # its executables that differ from what IREE configured (and dumped) itself
            flags = tuple(candidate.flags)
            if flags not in self._reference:  # parsed once per flag set, not once per option
                self._reference[flags] = configured_executables(configured)
            dumped = self._reference[flags]
            own = {n: x for n, x in configured_executables(candidate.source).items() if dumped.get(n) != x}
        profile = ModuleProfile()
        for path in sorted(dump.glob("*_benchmark.mlir")):
            text = path.read_text()
            exe, func = _EXECUTABLE.search(text), _BENCH_FUNC.search(text)
            if exe is None or func is None:
                profile.error = f"{path.name}: unexpected benchmark module layout"
                return profile
            if exe.group(1) in own:
                try:
                    text = replace_executable(text, exe.group(1), own[exe.group(1)])
                except ValueError as exc:
                    profile.error = f"{path.name}: {exc}"
                    return profile
            library = candidate.library if exe.group(1) in own else ""  # codegen scripts the executable names
            digest = hashlib.sha256(("\0".join([text.replace(exe.group(1), "EXE"), *bench_flags, *([library] if library else [])])).encode()).hexdigest()[:20]
            bench = self.times.get(digest)
            if bench is None:
                bench = self._time(text, func.group(1), bench_flags, out / "timed" / exe.group(1), digest, library)
                self.times[digest] = bench
            profile.executables.append(ExecutableTime(exe.group(1), digest, counts.get(exe.group(1), 1),
                                                      bench.median_ms if bench.ok else math.nan,
                                                      bench.spread if bench.ok else math.nan, bench.error))
        if not profile.executables:
            profile.error = "IREE dumped no dispatch benchmarks for this target"
        return profile

    def retime(self, profile: ModuleProfile) -> ModuleProfile:
        """`profile` with its executables benchmarked again (no compile), so that profiles
        compared later are timed close together; later profiles share the new times."""
        out = ModuleProfile(error=profile.error)
        for e in profile.executables:
            built = self._built.get(e.digest)
            if built is not None:
                self.times[e.digest] = self._bench(*built)
            bench = self.times.get(e.digest)
            out.executables.append(e if bench is None or not bench.ok else
                                   ExecutableTime(e.name, e.digest, e.count, bench.median_ms, bench.spread))
        return out

    def _time(self, text: str, function: str, flags: list[str], out: Path, digest: str, library: str = "") -> BenchResult:
        try:
            patched = fill_buffers(text)
        except ValueError as exc:
            return BenchResult(Status.BENCHMARK_ERROR, error=str(exc))
        comp, _ = compile_retrying(self.backend, patched, flags, out, self.workload.limits, benchmark_library(library))
        self.compiles += 1
        if not comp.ok:
            return BenchResult(comp.status, error=comp.error)
        assert comp.vmfb is not None
        self._built[digest] = (comp.vmfb, function)
        return self._bench(comp.vmfb, function)

    def _bench(self, vmfb: Path, function: str) -> BenchResult:
        return self.backend.benchmark(vmfb, function, (), self.workload.target, self.workload.limits,
                                      repetitions=self.repetitions, min_time_s=self.min_time_s,
                                      extra_flags=(f"--batch_size={self.batch}",))
