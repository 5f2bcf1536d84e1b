"""Run a tool in a subprocess with a wall-clock timeout and an address-space limit."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Sequence

#: Defaults that keep a 24 GiB, 2-core machine safe with two jobs in flight.
DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MEMORY_BYTES = 8 << 30

_OOM_MARKERS = (
    "out of memory",
    "std::bad_alloc",
    "memoryerror",  # a Python tool (or wrapper) past its address-space limit
    "cannot allocate memory",
    "failed to allocate",
    "failed to map segment",
)


class Status(str, Enum):
    """Outcome of one step of evaluating a candidate."""

    OK = "ok"
    COMPILE_ERROR = "compile_error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    CRASH = "crash"
    WRONG_NUMBERS = "wrong_numbers"
    RUN_ERROR = "run_error"
    BENCHMARK_ERROR = "benchmark_error"
    NO_DEVICE = "no_device"
    INVALID = "invalid"


@dataclass(frozen=True)
class Limits:
    """Resource limits applied to every subprocess."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_bytes: int = DEFAULT_MEMORY_BYTES


@dataclass(frozen=True)
class ProcResult:
    """What a limited subprocess did."""

    status: Status
    returncode: int | None
    stdout: str
    stderr: str
    wall_s: float

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    def first_error_line(self) -> str:
        """The first line of stderr that looks like an error, else the first non-empty line."""
        lines = [ln.strip() for ln in self.stderr.splitlines() if ln.strip()]
        for ln in lines:
            low = ln.lower()
            if "error" in low or "fatal" in low or "abort" in low or "failed" in low:
                return ln[:500]
        if lines:
            return lines[0][:500]
        if self.status is Status.TIMEOUT:
            return f"timed out after {self.wall_s:.1f} s"
        return f"exit code {self.returncode}"


def _limit_memory(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_limited(
    cmd: Sequence[str | Path],
    limits: Limits = Limits(),
    *,
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    failure_status: Status = Status.COMPILE_ERROR,
) -> ProcResult:
    """Run `cmd` under `limits`; never raises for the child's failures.

    The child gets its own session so a timeout kills it and everything it spawned.
    A non-zero exit maps to `failure_status`, a signal to CRASH (or MEMORY when the
    child said it ran out of memory), and running past the deadline to TIMEOUT.
    """
    args = [str(c) for c in cmd]
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            env=env,
            text=True,
            errors="replace",
            start_new_session=True,
            preexec_fn=lambda: _limit_memory(limits.memory_bytes),
        )
    except OSError as exc:
        return ProcResult(Status.CRASH, None, "", f"error: cannot start {args[0]}: {exc}", 0.0)
    try:
        out, err = proc.communicate(timeout=limits.timeout_s)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        return ProcResult(Status.TIMEOUT, None, out, err, time.monotonic() - start)
    wall = time.monotonic() - start
    rc = proc.returncode
    if rc == 0:
        status = Status.OK
    elif any(m in err.lower() for m in _OOM_MARKERS):
        status = Status.MEMORY
    elif rc < 0 and -rc == signal.SIGKILL:
        status = Status.MEMORY  # the kernel's OOM killer, or an external kill
    elif rc < 0:
        status = Status.CRASH
    else:
        status = failure_status
    return ProcResult(status, rc, out, err, wall)
