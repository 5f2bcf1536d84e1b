"""Locate the IREE command-line tools shipped with the pinned Python packages."""

from __future__ import annotations

import functools
import os
import shutil

from litecoop_mlir.errors import LitecoopError


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
