"""The tuning database's subcommands: `compile` (a drop-in iree-compile), `export`, `db stats|prune`."""

from __future__ import annotations

import argparse
from contextlib import closing
from pathlib import Path
from typing import Sequence

from rich.console import Console

from litecoop_mlir.core.errors import LitecoopError, UsageError
from litecoop_mlir.core.records import dumps
from litecoop_mlir.iree.process import DEFAULT_MEMORY_BYTES, DEFAULT_TIMEOUT_S, Limits
from litecoop_mlir.targets.strategy import DEFAULT_TARGET, TARGET_NAMES

SUBCOMMANDS = ("compile", "export", "db")

_COMPILE = """\
A drop-in for iree-compile: compiles INPUT with your iree-compile flags plus the best known
configuration of every dispatch the tuning database holds (one tuning spec, linked after a
spec you pass with --iree-codegen-tuning-spec-path; executables IREE would not configure
from a spec are substituted). Every argument it does not know goes to iree-compile. Without
target flags it compiles for --target (llvm-cpu for this host). It lists which dispatches
were tuned and which were not on stderr."""


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", help="tuning database (default: $LITECOOP_DB, else ~/.cache/litecoop-mlir/tuning.db)")


def _parsers() -> dict[str, argparse.ArgumentParser]:
    c = argparse.ArgumentParser(prog="litecoop-mlir-opt compile", description=_COMPILE, allow_abbrev=False,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("input", help="input .mlir file, or - for stdin")
    c.add_argument("-o", "--output", required=True, help="the .vmfb to write")
    _db_arg(c)
    c.add_argument("--target", default=DEFAULT_TARGET, choices=TARGET_NAMES, help="target when no iree-compile target flag is given")
    c.add_argument("--arch", default="", help="with --target: CPU (default host), CUDA SM or Vulkan target")
    c.add_argument("--keep-dir", metavar="DIR", help="keep the spec, flags and substituted executables used here")
    c.add_argument("--json", action="store_true", help="print what was tuned as JSON on stdout")
    c.add_argument("--compile-timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per subprocess (default %(default)s)")
    e = argparse.ArgumentParser(prog="litecoop-mlir-opt export", allow_abbrev=False,
                                description="Write one merged tuning spec, flags.txt, compile_flags.txt and manifest.json "
                                            "for everything the tuning database holds for a target (this compiler version).")
    _db_arg(e)
    e.add_argument("--target", default=DEFAULT_TARGET, choices=TARGET_NAMES)
    e.add_argument("--device", help="only entries timed on this device (as `db stats` lists them; default: any)")
    e.add_argument("--for", dest="module", metavar="INPUT",
                   help="what `compile` would apply to this module (formed for --target at O3): its kept composition "
                        "where it was tuned as a whole, else each dispatch's best known configuration")
    e.add_argument("-o", "--output", required=True, metavar="DIR", help="directory to write")
    d = argparse.ArgumentParser(prog="litecoop-mlir-opt db", allow_abbrev=False, description="Inspect or clean the tuning database.")
    d.add_argument("action", choices=("stats", "prune"))
    _db_arg(d)
    d.add_argument("--json", action="store_true", help="stats: print JSON")
    d.add_argument("--other-compilers", action="store_true", help="prune: delete rows of other compiler versions too")
    d.add_argument("--keep", type=int, default=0, metavar="N", help="prune: keep the N fastest measurements per dispatch (default: all)")
    d.add_argument("--keep-failed", action="store_true", help="prune: keep failed measurements")
    return {"compile": c, "export": e, "db": d}


def _open(path: str | None):
    from litecoop_mlir.db.tuning_db import TuningDB, default_path

    return TuningDB(path or default_path(), create=path is None)  # a path given must name a database


def run_subcommand(argv: Sequence[str], out: Console, err: Console) -> int:
    """Run `compile`, `export` or `db` (argv[0]); raises UsageError / LitecoopError like the main command."""
    parser = _parsers()[argv[0]]
    try:
        if argv[0] == "compile":
            args, iree_flags = parser.parse_known_args(argv[1:])
        else:
            args, iree_flags = parser.parse_args(argv[1:]), []
    except SystemExit as exc:
        return int(exc.code or 0)
    stray = [a for a in iree_flags if not a.startswith("-")]
    if stray:
        raise UsageError(f"error: {argv[0]}: unexpected argument {stray[0]} (one INPUT; iree-compile flags start with -)")
    db = _open(args.db)
    try:
        if argv[0] == "compile":
            return _compile(args, iree_flags, db, out, err)
        if argv[0] == "export":
            return _export(args, db, err)
        return _db(args, db, out, err)
    finally:
        db.close()


def _compile(args: argparse.Namespace, iree_flags: list[str], db, out: Console, err: Console) -> int:
    from litecoop_mlir.export.drop_in import compile_tuned
    from litecoop_mlir.measure.backend import LocalBackend

    limits = Limits(args.compile_timeout, DEFAULT_MEMORY_BYTES)
    with err.status(f"compiling {args.input} with the tuning database"):
        with closing(LocalBackend()) as backend:
            report = compile_tuned(args.input, Path(args.output), iree_flags, db, backend=backend, target=args.target,
                                   arch=args.arch, limits=limits, keep_dir=Path(args.keep_dir) if args.keep_dir else None)
    lines = [d.line() for d in report.dispatches] + [f"note: {n}" for n in report.notes]
    lines.append(f"wrote {args.output}: {report.tuned} of {len(report.dispatches)} dispatches tuned (database {db.path})")
    err.file.write("\n".join(lines) + "\n")
    if args.json:
        out.file.write(dumps(report.to_json(), indent=1) + "\n")
    return 0


def _export(args: argparse.Namespace, db, err: Console) -> int:
    from litecoop_mlir.export.drop_in import export_db

    out_dir = Path(args.output)
    if out_dir.exists() and not out_dir.is_dir():
        raise LitecoopError(f"{out_dir}: error: -o names a file; export writes a directory")
    if args.module:  # what `compile` would apply to that module
        from litecoop_mlir.export.drop_in import export_module
        from litecoop_mlir.measure.backend import LocalBackend

        with closing(LocalBackend()) as backend:
            manifest = export_module(db, args.module, args.target, out_dir, backend=backend)
        tuned = sum(1 for d in manifest["dispatches"] if d["status"] == "tuned")
        err.file.write(f"wrote {out_dir}/spec.mlir, flags.txt, compile_flags.txt, manifest.json: {tuned} of "
                       f"{len(manifest['dispatches'])} dispatches of {args.module} tuned\nbuild with: iree-compile "
                       + " ".join([args.module, *manifest["build_flags"], *manifest["compile_flags"]]) + "\n")
        return 0
    manifest = export_db(db, args.target, out_dir, device=args.device)
    err.file.write(f"wrote {out_dir}/spec.mlir, flags.txt, compile_flags.txt, manifest.json: {len(manifest['dispatches'])} "
                   f"dispatches configured, {len(manifest['left_out'])} left out (see manifest.json)\n"
                   "build with: iree-compile <your flags> " + " ".join(manifest["compile_flags"]) + "\n")
    return 0


def _db(args: argparse.Namespace, db, out: Console, err: Console) -> int:
    from litecoop_mlir.iree.tools import compiler_version

    if args.action == "prune":
        if args.keep < 0:
            raise UsageError("error: --keep must be at least 0")
        deleted = db.prune(compiler_version(), other_compilers=args.other_compilers, failed=not args.keep_failed, keep=args.keep)
        err.file.write(f"deleted {deleted['measured']} measurements and {deleted['tuned']} tuned entries from {db.path}\n")
        return 0
    stats = db.stats(compiler_version())
    if args.json:
        out.file.write(dumps(stats, indent=1) + "\n")
        return 0
    m, t = stats["measured"], stats["tuned"]
    lines = [f"{stats['path']} ({stats['size_bytes']} bytes, integrity {stats['integrity']}), compiler {stats['compiler']}",
             f"measured: {m['rows']} rows over {m['dispatches']} dispatches ({m['other_compiler_rows']} from other compilers)",
             f"tuned:    {t['rows']} rows over {t['dispatches']} dispatches ({t['other_compiler_rows']} from other compilers: kept, never applied)"]
    lines += [f"  {r['target']} on {r['device']}, compiler {r['compiler']}: {r['dispatches_tuned']} dispatches from "
              f"{r['modules']} modules" for r in stats["by_target"]]
    out.file.write("\n".join(lines) + "\n")
    return 0


__all__ = ["SUBCOMMANDS", "run_subcommand"]
