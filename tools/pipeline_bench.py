"""Pipeline + codegen search against codegen-only search at the same total budget, side by side.

    python tools/pipeline_bench.py --kernels mlp encoder_layer attention --budget 48 --out /tmp/pbench

Per kernel: one codegen-only run (IREE's default pipeline) and one two-level run
(`--search-pipelines`), both offline (built-in proposers), no tuning database beyond the
two-level run's own. Then IREE's default build, both results, and the two-level result rebuilt
by its plain `compile.sh` (iree-compile with the exported pipeline flags and spec) are timed in
interleaved rounds (local-sync). Prints per-round medians, spreads, ratios, the winning pipeline
and the dispatch counts before and after; writes everything to OUT/pipeline_bench.json.
`--reuse` times runs already finished under OUT again (a long run's timing step repeated, or
finished after an interruption); `--arch znver3` compiles AVX2-only code on an AVX-512 host
(the instruction set of an AVX2 machine, not its caches or clocks).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.driver.two_level import optimize_two_level
from litecoop_mlir.ir.workload import load_workload
from litecoop_mlir.iree.tools import tool_path
from litecoop_mlir.measure.backend import Evaluator, LocalBackend
from litecoop_mlir.module.whole_module import side_by_side
from litecoop_mlir.targets.strategy import make_target

KERNELS = Path(__file__).resolve().parent.parent / "kernels"


def _finished(run: Path) -> bool:
    return (run / "summary.json").is_file() and (run / "best.vmfb").is_file()


def _run(kernel: str, out: Path, budget: int, rounds: int, repetitions: int, reuse: bool, arch: str) -> dict:
    src = str(KERNELS / f"{kernel}.mlir")
    plain, two = out / kernel / "codegen-only", out / kernel / "two-level"
    t0 = time.monotonic()
    if not (reuse and _finished(plain)):
        optimize(src, plain, OptimizeOptions(budget=budget, db="", arch=arch))
    t1 = time.monotonic()
    if not (reuse and _finished(two)):
        optimize_two_level(src, two, OptimizeOptions(budget=budget, db="", arch=arch, search_pipelines=True))
    t2 = time.monotonic()
    rebuilt = two / "plain-rebuild.vmfb"
    env = {**os.environ, "IREE_COMPILE": tool_path("iree-compile")}  # the compiler the runs used, not whatever PATH has
    subprocess.run(["bash", str(two / "compile.sh"), str(rebuilt)], check=True, timeout=900, env=env)
    w = load_workload(src, make_target("llvm-cpu", arch))
    ev = Evaluator(w, out / kernel / "default", repetitions=3, backend=LocalBackend())
    base = ev.baseline()
    vmfbs = {"default": Path(base.vmfb), "codegen-only": plain / "best.vmfb", "pipeline+codegen": two / "best.vmfb",
             "pipeline+codegen rebuilt by compile.sh": rebuilt}
    side = side_by_side(vmfbs, ev, rounds, repetitions)
    med = side["median_ms"]
    p = json.loads((two / "summary.json").read_text()).get("pipeline") or {}
    tree = p.get("searched") or {}
    return {"kernel": kernel, "budget": budget, **side,
            "speedup_codegen_only": med["default"] / med["codegen-only"],
            "speedup_pipeline_codegen": med["default"] / med["pipeline+codegen"],
            "pipeline_vs_codegen_only": med["codegen-only"] / med["pipeline+codegen"],
            "rebuild_vs_result": med["pipeline+codegen rebuilt by compile.sh"] / med["pipeline+codegen"],
            "winner_pipeline": p.get("winner"), "pipeline_flags": p.get("flags", []),
            "dispatches_default": tree.get("dispatches_default"), "dispatches_winner": p.get("dispatches_pipeline",
                                                                                             tree.get("dispatches_default")),
            "pipelines_tried": [(n["pipeline"], n["latency_ms"], n["dispatches"], n["status"]) for n in tree.get("nodes", [])],
            "budget_spent": json.loads((two / "summary.json").read_text()).get("budget_spent"),
            "wall_s": {"codegen-only": round(t1 - t0, 1), "two-level": round(t2 - t1, 1)}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernels", nargs="+", default=["mlp", "encoder_layer", "attention"])
    ap.add_argument("--budget", type=int, default=48)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repetitions", type=int, default=10)
    ap.add_argument("--out", default="/tmp/pipeline_bench")
    ap.add_argument("--arch", default="", help="the CPU to compile for (default: this host's); e.g. znver3 builds "
                    "AVX2-only code on an AVX-512 host (its caches stay this host's)")
    ap.add_argument("--reuse", action="store_true", help="time the runs already finished under OUT again instead of searching anew")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for k in a.kernels:
        r = _run(k, out, a.budget, a.rounds, a.repetitions, a.reuse, a.arch)
        rows.append(r)
        (out / "pipeline_bench.json").write_text(json.dumps(rows, indent=1, default=str) + "\n")
        m, s = r["median_ms"], r["spread"]
        print(f"\n== {k} ({a.arch or 'host'} code, budget {a.budget}, {a.rounds} interleaved rounds x {a.repetitions} reps, local-sync)")
        for name in m:
            print(f"  {name:<40} {m[name]:8.4f} ms  spread {100 * s[name]:5.1f}%")
        print(f"  codegen-only {r['speedup_codegen_only']:.3f}x, pipeline+codegen {r['speedup_pipeline_codegen']:.3f}x over "
              f"IREE default; pipeline+codegen / codegen-only = {r['pipeline_vs_codegen_only']:.3f}x; "
              f"plain rebuild / result = {r['rebuild_vs_result']:.3f}")
        print(f"  winning pipeline: {r['winner_pipeline']}; dispatches {r['dispatches_default']} -> {r['dispatches_winner']}; "
              f"budget {r['budget_spent']}; wall {r['wall_s']}")
    print("\n" + " | ".join(f"{r['kernel']}: {r['pipeline_vs_codegen_only']:.3f}x" for r in rows))


if __name__ == "__main__":
    main()
