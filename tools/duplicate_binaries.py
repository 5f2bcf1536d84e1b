"""How much of a search's budget identical binaries would take, measured: tune kernels whose
configurations often build the same binary (the unaligned matmul, with data tiling, and a
data-tiled mmt4d) and count, per kernel, the candidates that compiled to a binary an earlier
candidate already had. Those reuse its measurement and are not charged to the budget; before
that check they were benchmarked again and charged.

    python tools/duplicate_binaries.py --budget 24 --out /tmp/dup [--kernels matmul_unaligned mmt4d]

Each run uses its own tuning database under --out (never the user's), so earlier runs on this
machine decide nothing. Prints one line per kernel: budget, candidates compiled and charged,
duplicates (compiled, not benchmarked, not charged) and the share of all compiles they were:
what the budget would have lost to them.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions

KERNELS = Path(__file__).resolve().parent.parent / "kernels"


def _candidates(work: Path) -> list[dict]:
    return [json.loads(line) for line in (work / "candidates.jsonl").read_text().splitlines() if line.strip()]


def measure(kernel: str, out: Path, budget: int, seed: int) -> dict:
    """One search of `kernel` at `budget` in a fresh work dir and database; its duplicate counts."""
    work = out / kernel
    shutil.rmtree(work, ignore_errors=True)
    result = optimize(str(KERNELS / f"{kernel}.mlir"), work,
                      OptimizeOptions(budget=budget, db=str(out / f"{kernel}.db"), seed=seed))
    rows = [r for r in _candidates(work) if r.get("node") != 0]
    compiled = [r for r in rows if r["how"] == "compiled"]
    dups = [r for r in rows if r["how"] == "duplicate"]
    return {"kernel": kernel, "budget": budget, "compiled": len(compiled), "duplicates": len(dups),
            "share": len(dups) / max(1, len(compiled) + len(dups)),
            "speedup": result.speedup, "wall_s": result.wall_s}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=int, default=24)
    ap.add_argument("--out", type=Path, default=Path("/tmp/litecoop-duplicates"))
    ap.add_argument("--kernels", nargs="+", default=["matmul_unaligned", "mmt4d"])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"{'kernel':<18} {'budget':>6} {'compiled':>8} {'duplicates':>10} {'of compiles':>11} {'speedup':>8} {'wall s':>7}")
    for kernel in args.kernels:
        r = measure(kernel, args.out, args.budget, args.seed)
        print(f"{r['kernel']:<18} {r['budget']:>6} {r['compiled']:>8} {r['duplicates']:>10} {100 * r['share']:>10.0f}% "
              f"{r['speedup']:>7.2f}x {r['wall_s']:>7.0f}")
    print("duplicates: candidates whose module binary equals an earlier candidate's (sha256 of the .vmfb); they reuse "
          "its measurement at no budget, so the budget buys that many more distinct binaries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
