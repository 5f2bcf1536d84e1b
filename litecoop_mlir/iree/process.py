"""Run a tool in a subprocess with a wall-clock timeout and a memory limit that fits its kind.

Compilers and CPU programs run under a hard address-space limit (`RLIMIT_AS`). Programs that
open a GPU cannot: the CUDA driver (and some Vulkan drivers) reserve far more virtual address
space at initialisation than they ever touch, and fail under such a limit. For them the limit
is on resident memory: a watchdog sums the resident set of the child's process group and
kills the group when it passes the limit.
"""

from __future__ import annotations

import dataclasses
import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from litecoop_mlir.core.records import Status

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


@dataclass(frozen=True)
class Limits:
    """Resource limits applied to every subprocess.

    `resident`: limit resident memory with a watchdog instead of capping address space
    (for programs that open a GPU; see the module docstring).
    """

    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_bytes: int = DEFAULT_MEMORY_BYTES
    resident: bool = False

    def for_gpu_programs(self) -> "Limits":
        """The same budget, enforced on resident memory (GPU drivers reserve huge address ranges)."""
        return dataclasses.replace(self, resident=True)


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


#: How often the resident-memory watchdog looks at the child's process group.
_WATCH_INTERVAL_S = 0.05
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _limit_memory(limits: Limits) -> None:
    if not limits.resident:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def group_resident_bytes(pgid: int) -> int:
    """Resident bytes of every process in process group `pgid` (from /proc; 0 where unreadable)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        # after the command: state ppid pgrp ... ; rss (in pages) is field 24, i.e. index 21 here
        if len(fields) > 21 and int(fields[2]) == pgid:
            total += int(fields[21]) * _PAGE
    return total


# Every child runs in its own session, so a signal to the tool does not reach it: the tool
# keeps the process groups it started and kills them itself when it is stopped.
_LIVE: set[int] = set()
_LIVE_LOCK = threading.Lock()
_STOPPING = threading.Event()


def kill_all_children() -> int:
    """Kill every process group this process started and still runs; later ones are refused.
    Returns how many groups were killed (for the stop message)."""
    _STOPPING.set()
    with _LIVE_LOCK:
        groups = list(_LIVE)
    for pgid in groups:
        _kill_group(pgid)
    return len(groups)


def _stop(signum: int, frame: object) -> None:
    """SIGTERM / SIGHUP / SIGINT: kill the children (each runs in its own session, so the signal
    does not reach them), then unwind as an interrupt."""
    kill_all_children()
    raise KeyboardInterrupt


def stop_children_on_signals() -> dict[int, object]:
    """Make SIGTERM, SIGHUP and SIGINT kill every child group, then raise KeyboardInterrupt (main thread
    only); returns the previous handlers for `restore_signals`."""
    previous: dict[int, object] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous  # signal handlers can only be set from the main thread
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        previous[sig] = signal.signal(sig, _stop)
    return previous


def restore_signals(previous: dict[int, object]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)  # type: ignore[arg-type]


def allow_children() -> None:
    """Allow new children again after `kill_all_children` (a later run in the same process)."""
    _STOPPING.clear()


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _wait(proc: subprocess.Popen, limits: Limits, start: float) -> tuple[Status | None, str, str]:
    """Wait for `proc` under `limits`: (TIMEOUT or MEMORY if it was killed, else None, stdout, stderr)."""
    if not limits.resident:
        try:
            out, err = proc.communicate(timeout=limits.timeout_s)
            return None, out, err
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            out, err = proc.communicate()
            return Status.TIMEOUT, out, err
    while True:
        left = limits.timeout_s - (time.monotonic() - start)
        try:
            out, err = proc.communicate(timeout=max(min(_WATCH_INTERVAL_S, left), 0.001))
            return None, out, err
        except subprocess.TimeoutExpired:
            pass
        if left <= 0:
            _kill_group(proc.pid)
            out, err = proc.communicate()
            return Status.TIMEOUT, out, err
        rss = group_resident_bytes(proc.pid)
        if rss > limits.memory_bytes:
            _kill_group(proc.pid)
            out, err = proc.communicate()
            return Status.MEMORY, out, err + f"\nerror: out of memory: resident set {rss >> 20} MiB passed the limit of {limits.memory_bytes >> 20} MiB\n"


def run_limited(
    cmd: Sequence[str | Path],
    limits: Limits = Limits(),
    *,
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    failure_status: Status = Status.COMPILE_ERROR,
    stdin_path: Path | None = None,
) -> ProcResult:
    """Run `cmd` under `limits`; never raises for the child's failures.

    Memory is limited by address space, or with `limits.resident` by a watchdog on the
    resident set of the child's process group (a kill by it is MEMORY).
    The child gets its own session so a timeout kills it and everything it spawned.
    A non-zero exit maps to `failure_status`, a signal to CRASH (or MEMORY when the
    child said it ran out of memory), and running past the deadline to TIMEOUT.
    `stdin_path` is given to the child as its standard input (else it reads nothing).
    """
    args = [str(c) for c in cmd]
    start = time.monotonic()
    if _STOPPING.is_set():
        return ProcResult(Status.INTERRUPTED, None, "", "error: interrupted before it started", 0.0)
    try:
        stdin = open(stdin_path, "rb") if stdin_path is not None else None  # noqa: SIM115 - closed below
    except OSError as exc:
        return ProcResult(Status.CRASH, None, "", f"error: cannot read {stdin_path}: {exc}", 0.0)
    try:
        proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=stdin if stdin is not None else subprocess.DEVNULL,
            cwd=cwd,
            env=env,
            text=True,
            errors="replace",
            start_new_session=True,
            preexec_fn=lambda: _limit_memory(limits),
        )
    except OSError as exc:
        return ProcResult(Status.CRASH, None, "", f"error: cannot start {args[0]}: {exc}", 0.0)
    finally:
        if stdin is not None:
            stdin.close()  # the child holds its own descriptor
    with _LIVE_LOCK:
        _LIVE.add(proc.pid)
    try:
        killed, out, err = _wait(proc, limits, start)
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(proc.pid)
    wall = time.monotonic() - start
    if _STOPPING.is_set() and proc.returncode != 0:
        return ProcResult(Status.INTERRUPTED, proc.returncode, out, err + "\nerror: interrupted\n", wall)
    if killed is not None:
        return ProcResult(killed, None, out, err, wall)
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
