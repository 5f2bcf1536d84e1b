"""Locate the IREE command-line tools shipped with the pinned Python packages."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.iree.process import Limits, run_limited


def _packaged_tool(name: str) -> str | None:
    try:
        if name in ("iree-compile", "iree-opt"):
            from iree.compiler.tools.binaries import find_tool

            return find_tool(name)
        import iree._runtime_libs as libs  # type: ignore[import-not-found]

        candidate = os.path.join(os.path.dirname(libs.__file__), name)
        return candidate if os.path.exists(candidate) else None
    except Exception:  # noqa: BLE001 - fall back to PATH
        return None


@functools.lru_cache(maxsize=None)
def tool_path(name: str) -> str:
    """Absolute path of an IREE tool (iree-compile, iree-benchmark-module, ...).

    `$LITECOOP_IREE_COMPILE` (the name upper-cased, '-' as '_', prefixed `LITECOOP_`)
    overrides where one is found, e.g. for a custom IREE build."""
    override = os.environ.get("LITECOOP_" + name.upper().replace("-", "_"))
    if override:
        if not os.path.isfile(override):
            raise LitecoopError(f"error: {override} (from $LITECOOP_{name.upper().replace('-', '_')}) is not a file")
        return os.path.realpath(override)
    found = _packaged_tool(name) or shutil.which(name)
    if not found:
        raise LitecoopError(f"error: cannot find the IREE tool '{name}'; install iree-base-compiler/iree-base-runtime")
    return os.path.realpath(found)


@functools.lru_cache(maxsize=None)
def compiler_version() -> str:
    """The installed iree-base-compiler version (part of every cache key)."""
    from importlib.metadata import version

    return version("iree-base-compiler")


def tool_help(tool: str) -> str:
    """What an IREE tool prints for `--help` (its passes and flags)."""
    return run_limited([tool_path(tool), "--help"], Limits(timeout_s=60)).stdout


def opt_diagnostics(source: str, pipeline: str) -> str:
    """What `iree-opt --pass-pipeline=PIPELINE` says on stderr about `source` (a probe of how a pass nests)."""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "probe.mlir"
        src.write_text(source)
        return run_limited([tool_path("iree-opt"), str(src), f"--pass-pipeline={pipeline}"], Limits(timeout_s=60)).stderr or ""
