"""Before a run: the work directory, its run store, the backend and the usable roster."""

from __future__ import annotations

from pathlib import Path

from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.db.run_store import SCHEMA_VERSION, RunStore, WorkDirLock, source_hash
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.ir.workload import Workload
from litecoop_mlir.iree.tools import compiler_version
from litecoop_mlir.measure.backend import Backend, LocalBackend
from litecoop_mlir.proposers.pool import OFFLINE_ROSTER, ModelSpec
from litecoop_mlir.proposers.preflight import check_roster


def make_backend(options: OptimizeOptions) -> Backend:
    if options.executor == "ray":
        from litecoop_mlir.measure.ray_backend import RayBackend

        return RayBackend(options.ray_address)
    return LocalBackend()


def open_store(work: Path, workload: Workload, options: OptimizeOptions, resume: bool) -> RunStore:
    """The work directory's run store: new, or (with `resume`) the same run's."""
    if RunStore.exists(work) and not resume:
        raise LitecoopError(f"{work}: error: this work directory already holds a run; "
                            "add --resume to continue it, or choose another --work-dir")
    if resume and not RunStore.exists(work):
        raise LitecoopError(f"{work}: error: --resume: no run is stored in this directory")
    lock = WorkDirLock(work)  # before anything is read or written: one run per work directory
    try:
        store = RunStore.in_dir(work)
    except BaseException:
        lock.release()
        raise
    store.work_lock = lock
    try:
        _record_identity(store, workload, options)
    except BaseException:
        store.close()
        raise
    return store


def _record_identity(store: RunStore, workload: Workload, options: OptimizeOptions) -> None:
    """Check the stored run is this one (on resume) and record what this session runs."""
    identity = {"source_sha256": source_hash(workload.source), "target": workload.target.name, "arch": options.arch,
                "function": workload.function, "base_flags": list(workload.base_flags), "compiler": compiler_version()}
    store.check_identity(identity)
    store.set_meta(schema_version=SCHEMA_VERSION, input=workload.filename, source=workload.source, **identity,
                   options={"budget": options.budget, "seed": options.seed, "cost_basis": options.cost_basis,
                            "models": [s.name for s in (options.roster or OFFLINE_ROSTER)],
                            "lambda": options.search.uct.lam, "exploration": options.search.uct.exploration,
                            "children": options.search.children_per_expansion,
                            "course_alteration_k": options.search.course_alteration_k})
    store.start_session()


def prepare_work_dir(work: Path) -> None:
    """Fail before any work when the work directory cannot hold a run."""
    if work.exists() and not work.is_dir():
        raise LitecoopError(f"{work}: error: --work-dir names a file, not a directory")
    try:
        work.mkdir(parents=True, exist_ok=True)
        probe = work / ".litecoop-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise LitecoopError(f"{work}: error: cannot write the work directory: {exc.strerror or exc}") from None


def usable_roster(options: OptimizeOptions, notes: list[str]) -> list[ModelSpec]:
    """The roster's models that can be used (keys set, endpoints answering); stop if none can."""
    check = check_roster(list(options.roster or OFFLINE_ROSTER))
    if not check.usable:
        raise LitecoopError(f"error: no model of the roster can be used: {check.describe_dropped()}")
    if check.dropped:
        notes.append(f"models left out before the search: {check.describe_dropped()}")
    return list(check.usable)
