"""Compile targets: the flags that select a backend and the device that runs it."""

from __future__ import annotations

import functools
import os
import shutil
from dataclasses import dataclass, field

from litecoop_mlir.iree.process import Limits, run_limited
from litecoop_mlir.iree.tools import tool_path


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


TARGET_NAMES = ("llvm-cpu", "vulkan-spirv", "cuda")


def make_target(name: str, arch: str = "") -> Target:
    """Build a target by name; `arch` picks the CPU (default host), CUDA SM or Vulkan target."""
    if name == "llvm-cpu":
        cpu = arch or "host"
        return Target(
            name,
            (
                "--iree-hal-target-device=local",
                "--iree-hal-local-target-device-backends=llvm-cpu",
                f"--iree-llvmcpu-target-cpu={cpu}",
            ),
            device="local-sync",
            driver="local-sync",
            arch=cpu,
        )
    if name == "vulkan-spirv":
        flags: tuple[str, ...] = ("--iree-hal-target-device=vulkan",)
        if arch:
            flags += (f"--iree-vulkan-target={arch}",)
        runtime_dir = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
        return Target(name, flags, "vulkan", "vulkan", arch, (("XDG_RUNTIME_DIR", runtime_dir),), opens_gpu=True)
    if name == "cuda":
        sm = arch or "sm_80"
        return Target(name, ("--iree-hal-target-device=cuda", f"--iree-cuda-target={sm}"), "cuda", "cuda", sm, opens_gpu=True)
    raise ValueError(f"unknown target '{name}' (choose one of {', '.join(TARGET_NAMES)})")


@functools.lru_cache(maxsize=None)
def device_available(target: Target) -> tuple[bool, str]:
    """Whether a device for `target` can run modules here, with a reason when not."""
    if target.name == "llvm-cpu":
        return True, ""
    if target.name == "cuda" and shutil.which("nvidia-smi") is None and not os.path.exists("/dev/nvidiactl"):
        return False, "no CUDA device on this machine (compile-only: latencies are not measured)"
    res = run_limited(
        [tool_path("iree-run-module"), "--list_devices"], target.program_limits(Limits(timeout_s=60.0)), env=target.run_env()
    )
    if res.ok and any(line.startswith(f"{target.driver}://") for line in res.stdout.splitlines()):
        return True, ""
    what = "Vulkan driver (install mesa-vulkan-drivers and libvulkan1)" if target.name == "vulkan-spirv" else "CUDA device"
    return False, f"no {what} found by iree-run-module --list_devices (compile-only)"
