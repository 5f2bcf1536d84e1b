"""iree-compile in a limited subprocess: configure a module, compile a candidate."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from litecoop_mlir.core.errors import InputError
from litecoop_mlir.core.records import Status
from litecoop_mlir.iree.process import Limits, ProcResult, run_limited
from litecoop_mlir.iree.targets import Target
from litecoop_mlir.iree.tools import tool_path

#: Flag that starts a compile from configured IR (the output of `configure`).
FROM_CONFIGURATIONS = "--compile-from=executable-configurations"
#: Flags that hand iree-compile transform IR (a tuning spec, a transform library).
TRANSFORM_FLAGS = ("--iree-codegen-tuning-spec-path", "--iree-codegen-transform-dialect-library")
#: IREE 3.13 deadlocks (every thread in a futex wait, no CPU used) in about one of five multi-threaded
#: compiles of a multi-executable module given a tuning spec: resnet_nchw hung in 4 of 20 configures and
#: 3 of 12 full compiles, 0 of 32 with threading off, which costs about 20% of compile time on 2 cores.
NO_THREADING = "--mlir-disable-threading"


def transform_safe(flags: Sequence[str]) -> list[str]:
    """`flags` with threading off where they hand iree-compile transform IR (see NO_THREADING)."""
    out = list(flags)
    if NO_THREADING not in out and any(f.startswith(TRANSFORM_FLAGS) for f in out):
        out.append(NO_THREADING)
    return out


@dataclass(frozen=True)
class CompileResult:
    """Outcome of one compile."""

    status: Status
    vmfb: Path | None
    size_bytes: int
    wall_s: float
    error: str = ""
    reproducer: Path | None = None

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


def configure(source: str, filename: str, target: Target, flags: Sequence[str], limits: Limits,
              phase: str = "executable-configurations") -> str:
    """Run IREE up to executable-configurations (or another `phase`, e.g. `flow`) and return
    that IR (root ops marked when configured).

    Raises InputError with IREE's first diagnostic when the module does not compile.
    """
    with tempfile.TemporaryDirectory(prefix="litecoop-cfg-") as tmp:
        src = Path(tmp, "input.mlir")
        out = Path(tmp, "configured.mlir")
        src.write_text(source)
        res = run_limited(
            [
                tool_path("iree-compile"),
                src,
                *transform_safe(flags),
                "--iree-codegen-add-tuner-attributes",
                f"--compile-to={phase}",
                "-o",
                out,
            ],
            limits,
        )
        if res.status is Status.TIMEOUT:  # not a fault of the module: a limit it ran into
            raise InputError(f"{filename}: error: iree-compile did not reach {phase} within {limits.timeout_s:g} s "
                             "(the compile time limit); raise it with --compile-timeout")
        if res.status is Status.MEMORY:
            raise InputError(f"{filename}: error: iree-compile ran out of its memory limit "
                             f"({limits.memory_bytes / 2**30:.0f} GiB) reaching {phase}; raise it with --memory-limit-gb")
        if not res.ok or not out.exists():
            line = res.first_error_line().replace(str(src), filename)
            raise InputError(f"{filename}: error: IREE cannot compile this module for {target.name}: {line}")
        return out.read_text()


def compile_module(
    source: str,
    flags: Sequence[str],
    out_dir: Path,
    limits: Limits,
    *,
    name: str = "module",
    library: str = "",
) -> CompileResult:
    """Compile `source` (input or configured IR, as the flags say) to `out_dir/name.vmfb`;
    `library` (transform IR holding codegen scripts) is written beside it and passed to IREE.

    Success means iree-compile exited 0 AND wrote the output. On failure a crash
    reproducer is kept in `out_dir` when IREE produced one.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    src = out_dir / f"{name}.mlir"
    vmfb = out_dir / f"{name}.vmfb"
    repro = out_dir / f"{name}.repro.mlir"
    src.write_text(source)
    vmfb.unlink(missing_ok=True)
    extra: list[str] = []
    if library:
        lib = out_dir / f"{name}.codegen_library.mlir"
        lib.write_text(library)
        extra.append(f"--iree-codegen-transform-dialect-library={lib}")
    # The source comes in on stdin: iree-compile writes the input's file name into the module,
    # so the same program compiled in two candidate folders would give two binaries that differ
    # in that name only, and a candidate that builds the baseline's binary would not be seen as it.
    res: ProcResult = run_limited(
        [
            tool_path("iree-compile"),
            "-",
            *transform_safe([*flags, *extra]),
            f"--mlir-pass-pipeline-crash-reproducer={repro}",
            "-o",
            vmfb,
        ],
        limits,
        stdin_path=src,
    )
    reproducer = repro if repro.exists() else None
    if res.ok and vmfb.exists() and vmfb.stat().st_size > 0:
        return CompileResult(Status.OK, vmfb, vmfb.stat().st_size, res.wall_s, "", reproducer)
    status = res.status if res.status is not Status.OK else Status.COMPILE_ERROR
    error = res.first_error_line() if res.status is not Status.OK else "iree-compile exited 0 but wrote no module"
    error = error.replace("<stdin>", f"{name}.mlir")
    if library:
        error = error.replace(str(out_dir / f"{name}.codegen_library.mlir"), "codegen_library.mlir")
    return CompileResult(status, None, 0, res.wall_s, error, reproducer)


def link_tuning_specs(wrapper: str, limits: Limits) -> tuple[str, str]:
    """Link the specs nested in `wrapper` with `iree-opt --iree-codegen-link-tuning-specs`:
    (the linked spec, "") or ("", the first error line)."""
    with tempfile.TemporaryDirectory(prefix="litecoop-link-") as tmp:
        src, out = Path(tmp, "specs.mlir"), Path(tmp, "linked.mlir")
        src.write_text(wrapper)
        res = run_limited([tool_path("iree-opt"), str(src), "--iree-codegen-link-tuning-specs", "-o", str(out)], limits)
        if not res.ok or not out.is_file():
            return "", res.first_error_line()
        return out.read_text(), ""
