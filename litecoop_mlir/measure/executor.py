"""Executors: run candidate evaluations (apply, compile, verify, benchmark) off the search loop.

The search submits (kernel, script) and gets a future. The local executor runs a pool of
worker threads (each compile is its own iree-compile process, so compiles proceed in
parallel); the Evaluator underneath keeps benchmarks alone on the machine and never
measures one candidate twice. The executor knows nothing about models.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

from litecoop_mlir.core.records import Measurement
from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.space.script import Script

Evaluate = Callable[[Kernel, Script], tuple[Measurement, str]]


class LocalExecutor:
    """A pool of `workers` threads (default: the number of cores) running `evaluate`."""

    def __init__(self, evaluate: Evaluate, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._evaluate = evaluate
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="compile")

    def submit(self, kernel: Kernel, script: Script) -> "Future[tuple[Measurement, str]]":
        return self._pool.submit(self._evaluate, kernel, script)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)

    def __enter__(self) -> "LocalExecutor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
