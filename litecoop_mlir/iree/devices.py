"""Asking the machine's drivers what devices exist: Vulkan (through IREE's runtime) and NVIDIA (nvidia-smi)."""

from __future__ import annotations

import shutil

from litecoop_mlir.iree.process import Limits, run_limited
from litecoop_mlir.iree.targets import Target
from litecoop_mlir.iree.tools import tool_path


def dump_vulkan_devices(probe: Target) -> str:
    """What `iree-run-module --dump_devices=vulkan` prints for `probe`'s environment ("" when it fails)."""
    res = run_limited([tool_path("iree-run-module"), "--dump_devices=vulkan"], probe.program_limits(Limits(timeout_s=60.0)),
                      env=probe.run_env())
    return res.stdout if res.ok else ""


def list_devices(target: Target) -> str:
    """What `iree-run-module --list_devices` prints in `target`'s environment and limits ("" when it fails)."""
    res = run_limited([tool_path("iree-run-module"), "--list_devices"], target.program_limits(Limits(timeout_s=60.0)),
                      env=target.run_env())
    return res.stdout if res.ok else ""


def nvidia_smi(query: str) -> str:
    """The first GPU's `query` fields from nvidia-smi ("" without one)."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return ""
    res = run_limited([exe, f"--query-gpu={query}", "--format=csv,noheader"], Limits(timeout_s=20.0).for_gpu_programs())
    return res.stdout.strip().splitlines()[0].strip() if res.ok and res.stdout.strip() else ""
