"""Measure the O3 baseline of every bundled kernel and print one table (median, min, spread).

    python tools/baselines.py [--target llvm-cpu] [--repetitions 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from litecoop_mlir.core.records import jsonable
from litecoop_mlir.ir.workload import load_workload
from litecoop_mlir.measure.backend import LocalBackend
from litecoop_mlir.measure.baseline import measure_baseline
from litecoop_mlir.targets.strategy import make_target

KERNELS = Path(__file__).resolve().parent.parent / "kernels"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--target", default="llvm-cpu")
    ap.add_argument("--repetitions", type=int, default=10)
    ap.add_argument("--kernels", nargs="*", help="kernel file stems (default: all)")
    ap.add_argument("--json", help="also write the rows as JSON here")
    args = ap.parse_args()
    target = make_target(args.target)
    backend = LocalBackend()
    rows = []
    print(f"{'kernel':22} {'dispatches':>10} {'median ms':>10} {'min ms':>9} {'spread':>7}  status")
    for f in sorted(KERNELS.glob("*.mlir")):
        if args.kernels and f.stem not in args.kernels:
            continue
        w = load_workload(str(f), target)
        with tempfile.TemporaryDirectory() as tmp:
            r = measure_baseline(w, Path(tmp), backend, repetitions=args.repetitions)
        m = r.measurement
        rows.append({"kernel": f.stem, "dispatches": len(r.kernels), **jsonable(m)})
        print(f"{f.stem:22} {len(r.kernels):>10} {m.median_ms:>10.3f} {m.min_ms:>9.3f} {100 * m.spread:>6.1f}%  {m.status.value}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
