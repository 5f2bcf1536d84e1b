"""Keys of the tuning database: one dispatch on this machine and compiler, one module as built."""

from __future__ import annotations

import hashlib

from litecoop_mlir.db.tuning_db import DispatchKey
from litecoop_mlir.ir.workload import Kernel, Workload, opt_level
from litecoop_mlir.iree.tools import compiler_version
from litecoop_mlir.targets.strategy import strategy_for


def dispatch_key(workload: Workload, kernel: Kernel) -> DispatchKey:
    """The database key of one dispatch of `workload` on this machine and compiler."""
    target = workload.target
    return DispatchKey(kernel.fingerprint, target.name, strategy_for(target).device_name(target), compiler_version(),
                       kernel.family, opt_level(workload.base_flags))


def module_key(workload: Workload) -> str:
    """A whole module as built: its text and every flag of the build."""
    return hashlib.sha256("\0".join([workload.source, *workload.base_flags]).encode()).hexdigest()[:32]
