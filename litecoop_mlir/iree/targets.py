"""An IREE target as data: the flags that select a backend and the device that runs it.

Built by the backend strategies in `litecoop_mlir.targets.strategy` (`make_target`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from litecoop_mlir.iree.process import Limits


@dataclass(frozen=True)
class Target:
    """One IREE backend: how to compile for it and where its modules run.

    Attributes:
        name: `llvm-cpu`, `vulkan-spirv` or `cuda`.
        compile_flags: flags that select the backend.
        device: the runtime device URI for iree-run-module / iree-benchmark-module.
        driver: the HAL driver that must be present to run on this target.
        arch: a target-specific architecture (`host`, `sm_80`, `rdna3`, ...) or "".
        opens_gpu: its programs open a GPU driver, so their memory is limited on the
            resident set rather than on address space (`Limits.for_gpu_programs`).
    """

    name: str
    compile_flags: tuple[str, ...]
    device: str
    driver: str
    arch: str = ""
    env: tuple[tuple[str, str], ...] = field(default=())
    opens_gpu: bool = False

    def program_limits(self, limits: Limits) -> Limits:
        """Limits for running this target's modules (compiles keep `limits` as they are)."""
        return limits.for_gpu_programs() if self.opens_gpu else limits

    def run_env(self) -> dict[str, str]:
        """Environment for running modules on this target."""
        env = dict(os.environ)
        env.update(dict(self.env))
        return env
