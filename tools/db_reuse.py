"""The tuning database end to end, measured: tune mlp, then encoder_layer (which contains mlp's
first layer as the same dispatch), then build each without a search, through
`litecoop-mlir-opt compile` and through the `iree.compiler` Python API with the exported spec,
and time those builds side by side with the run's best.vmfb and the O3 baseline.

    python tools/db_reuse.py --budget 24 --out /tmp/db_reuse [--compare]

`--compare` also tunes encoder_layer without the database at the same budget (side by side).
Prints per dispatch where the encoder's budget went, and one table of builds with the
per-round medians (local-sync, interleaved rounds) and each build's time relative to best.vmfb.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.ir.workload import load_workload
from litecoop_mlir.iree.runner import compare_outputs
from litecoop_mlir.measure.backend import Evaluator, LocalBackend
from litecoop_mlir.targets.strategy import make_target

KERNELS = Path(__file__).resolve().parent.parent / "kernels"
CLI = [sys.executable, "-m", "litecoop_mlir.cli.main"]


def _tune(kernel: str, out: Path, budget: int, db: str, again: bool = False) -> dict:
    work = out / (Path(kernel).stem + ("" if db else "-nodb"))
    if not (again and (work / "summary.json").exists()):
        optimize(str(KERNELS / kernel), work, OptimizeOptions(budget=budget, db=db))
    return json.loads((work / "summary.json").read_text()) | {"work_dir": str(work)}


def _where_budget_went(summary: dict) -> list[str]:
    lines = []
    reused = {r["executable"] for r in (summary.get("tuning_db") or {}).get("reused", [])}
    for d in summary["dispatches"]:
        tag = "REUSED from the database" if d["executable"] in reused else ""
        lines.append(f"  {d['executable']:<18} {d['kernel']:<44} candidates {d['candidates']:>3}  "
                     f"measured from db {d.get('measured_from_database', 0)}  {tag}")
    return lines


def _builds(kernel: str, summary: dict, db: str, out: Path, rounds: int, repetitions: int) -> list[str]:
    """Build `kernel` with the drop-in compile and with the Python API + exported spec; check and time them."""
    import iree.compiler.tools as ireec

    w = load_workload(str(KERNELS / kernel), make_target("llvm-cpu"))
    d = out / f"builds-{w.name}"
    ev = Evaluator(w, d / "eval", repetitions=3, backend=LocalBackend())
    base = ev.baseline()
    env = {**os.environ, "LITECOOP_DB": db}
    dropin = d / "compile.vmfb"
    subprocess.run([*CLI, "compile", str(KERNELS / kernel), "-o", str(dropin), *w.base_flags], check=True, env=env)
    subprocess.run([*CLI, "export", "--for", str(KERNELS / kernel), "-o", str(d / "export")], check=True, env=env)
    flags = (d / "export" / "compile_flags.txt").read_text().split()  # what `compile` applies to this module
    api = d / "python-api.vmfb"
    for attempt in range(3):  # iree-compile is not always deterministic (a stack allocation at its limit)
        try:
            ireec.compile_file(str(KERNELS / kernel), output_file=str(api), extra_args=[*w.base_flags, *flags])
            break
        except ireec.CompilerToolError as exc:
            print(f"  iree.compiler attempt {attempt + 1} failed: {str(exc).splitlines()[4][:160]}")
    else:
        return ["  the iree.compiler build failed 3 times"]
    vmfbs = {"O3 baseline": Path(base.vmfb), "best.vmfb": Path(summary["work_dir"]) / "best.vmfb",
             "litecoop-mlir-opt compile": dropin, "iree.compiler + export": api}
    lines = []
    for name, path in vmfbs.items():
        ran = ev.backend.run(path, w.function, ev.inputs, len(w.outputs), d / f"out-{path.stem}", w.target, w.limits)
        cmp = compare_outputs(ran.outputs, ev.reference, [o.dtype for o in w.outputs]) if ran.ok else None
        lines.append(f"  {name:<26} outputs {'match the reference' if cmp and cmp.ok else 'DIFFER or failed'}")
    timed = ev.side_by_side(vmfbs, rounds=rounds, repetitions=repetitions)
    best = statistics.median(timed["best.vmfb"])
    for name, rs in timed.items():
        med = statistics.median(rs)
        lines.append(f"  {name:<26} {med:8.3f} ms  rounds {' '.join(f'{r:.3f}' for r in rs)}  "
                     f"vs best.vmfb {med / best:5.3f}  speedup over O3 {statistics.median(timed['O3 baseline']) / med:5.2f}x")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--budget", type=int, default=24)
    ap.add_argument("--out", default="/tmp/db_reuse")
    ap.add_argument("--compare", action="store_true", help="also tune encoder_layer without the database")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repetitions", type=int, default=10)
    ap.add_argument("--builds-only", action="store_true", help="reuse the runs already in --out; build and time again")
    args = ap.parse_args()
    out = Path(args.out)
    if out.exists() and any(out.iterdir()) and not args.builds_only:
        print(f"{out} is not empty: choose a fresh --out", file=sys.stderr)
        return 2
    db = str(out / "tuning.db")
    mlp = _tune("mlp.mlir", out, args.budget, db, args.builds_only)
    enc = _tune("encoder_layer.mlir", out, args.budget, db, args.builds_only)
    reused = (enc.get("tuning_db") or {}).get("dispatches_reused", 0)
    print(f"mlp: {mlp['speedup']:.2f}x ({mlp['candidates']} candidates); encoder_layer: {enc['speedup']:.2f}x "
          f"({enc['candidates']} candidates), {reused} dispatch(es) reused from the database")
    print("\n".join(_where_budget_went(enc)))
    if args.compare:
        alone = _tune("encoder_layer.mlir", out, args.budget, "", args.builds_only)
        print(f"encoder_layer without the database, same budget: {alone['speedup']:.2f}x ({alone['candidates']} candidates)")
        print("\n".join(_where_budget_went(alone)))
    for kernel, summary in (("mlp.mlir", mlp), ("encoder_layer.mlir", enc)):
        print(f"{kernel}: builds without a search, side by side ({args.rounds} rounds x {args.repetitions} repetitions, local-sync)")
        print("\n".join(_builds(kernel, summary, db, out, args.rounds, args.repetitions)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
