"""Side-by-side benchmark of litecoop against what a user would do otherwise, on llvm-cpu.

Per kernel, in one run and with the same candidate budget for every search:
  O3            IREE at --iree-opt-level=O3 (the baseline)
  best flags    IREE's built-in options for the kernel (data tiling, ukernels, im2col): the best
  random        shared-tree search with the random proposer only
  heuristic     shared-tree search with the built-in heuristic model alone
  sim-405b      SIMULATION: the most expensive simulated model alone
  sim-pool-8    SIMULATION: the pool of eight simulated models
Then every configuration's best module is re-measured side by side (interleaved rounds,
local-sync), so drift hits all alike; speedups are over the O3 module of that same pass.

SIMULATION: the simulated models are served by the local OpenAI-compatible test server and
go through the real client. They read only the prompt text (its context block), like a model
that follows it: with a stated quality q they take the first suggested step the prompt lists
that was not tried yet, otherwise a move the prompt lists as legal, at random; they never
repeat a script the prompt lists as tried; and they reply with prose instead of JSON at a
stated rate. Each has a price and a reply delay. They measure the prompt and the collaboration
mechanism, not real models.

Peak: single-core f32 FMA throughput of this host with the widest vectors it has (detected:
AVX-512 or AVX2), measured by a small C loop of independent FMA chains, best of 5 before and
after the runs (`litecoop_mlir.measure.peak.measure_fma_peak`); without a C compiler,
numpy's single-threaded matmul.

    python tools/bench.py --quick          # < 15 min: two kernels, budget 12
    python tools/bench.py --budget 48      # the full table
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from litecoop_mlir.core.records import Candidate, dumps
from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.ir.workload import load_workload
from litecoop_mlir.measure.backend import Evaluator, LocalBackend
from litecoop_mlir.measure.peak import measure_fma_peak
from litecoop_mlir.proposers.pool import ModelSpec, load_roster
from litecoop_mlir.targets.machine import detect_host  # noqa: E402
from litecoop_mlir.targets.strategy import make_target  # noqa: E402
from litecoop_mlir.testing.openai_server import (  # noqa: E402
    OpenAIServer,
    prompt_following_responder,
    write_roster,
)

#: SIMULATED models: name, params (B), USD/input token, USD/output token, reply delay (s), quality q, invalid rate
SIM_MODELS = (
    ("sim-0.5b", 0.5, 2e-8, 4e-8, 0.05, 0.10, 0.25),
    ("sim-1.5b", 1.5, 5e-8, 1e-7, 0.08, 0.20, 0.20),
    ("sim-3b", 3, 1e-7, 2e-7, 0.12, 0.30, 0.15),
    ("sim-8b", 8, 2e-7, 4e-7, 0.20, 0.40, 0.10),
    ("sim-14b", 14, 4e-7, 8e-7, 0.30, 0.50, 0.08),
    ("sim-32b", 32, 8e-7, 1.6e-6, 0.45, 0.60, 0.05),
    ("sim-70b", 70, 2e-6, 4e-6, 0.70, 0.70, 0.03),
    ("sim-405b", 405, 5e-6, 1.5e-5, 1.20, 0.80, 0.02),
)
FLAG_SETS = {
    "contraction": [("--iree-opt-data-tiling=true",), ("--iree-opt-data-tiling=true", "--iree-llvmcpu-enable-ukernels=all")],
    "convolution": [("--iree-global-opt-use-im2col-for-convs=true",), ("--iree-opt-data-tiling=true",)],
    "reduction": [("--iree-llvmcpu-loop-unrolling=true",), ("--iree-llvmcpu-target-vector-width-in-bytes=64",),
                  ("--iree-llvmcpu-slp-vectorization=true",)],
}
FULL = ["matmul_512", "conv2d_nhwc_b1", "softmax", "mlp", "attention"]
QUICK = ["matmul_512", "softmax"]


def measure_peak_gflops() -> tuple[float, str]:
    """Single-core peak GFLOP/s of this host (widest FMA vectors it has) and how it was measured."""
    machine = detect_host()
    peak, how = measure_fma_peak(machine)
    if peak > 0:
        return peak, f"{how}; host {machine.describe()}"
    import numpy as np

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    a = np.random.rand(1024, 1024).astype(np.float32)
    t = min(_time(lambda: a @ a) for _ in range(5))
    return 2 * 1024**3 / t / 1e9, f"numpy single-thread sgemm 1024^3 ({how})"


def _time(f) -> float:  # noqa: ANN001
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def candidates_to_95(work: Path, best_ms: float) -> int | None:
    """Candidates compiled until one came within 95% of the final best speed."""
    n = 0
    for line in (work / "candidates.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row["how"] != "compiled" or row["node"] == 0:
            continue
        n += 1
        if row["status"] == "ok" and row["median_ms"] and row["median_ms"] * 0.95 <= best_ms:
            return n
    return None


def bench_kernel(name: str, budget: int, out: Path, server: OpenAIServer, sim_roster: Path, rounds: int) -> list[dict[str, Any]]:
    path = REPO / "kernels" / f"{name}.mlir"
    target = make_target("llvm-cpu")
    w = load_workload(str(path), target)
    kernels = w.kernels()
    for m in SIM_MODELS:
        server.responders[m[0]] = prompt_following_responder(m[5], m[6])
    ev = Evaluator(w, out / name / "flags", repetitions=5, min_time_s=0.05, backend=LocalBackend())
    base = ev.baseline()
    rows: dict[str, dict[str, Any]] = {"O3": {"vmfb": base.vmfb, "wall_s": 0.0, "candidates": 0}}
    kinds = {k.kind for k in kernels}
    t0 = time.monotonic()
    tried = [(f, ev.evaluate(Candidate(w.source, f))) for kind in kinds for f in FLAG_SETS.get(kind, [])]
    ok = [(f, m) for f, m in tried if m.ok]
    if ok:
        f, m = min(ok, key=lambda fm: fm[1].median_ms)
        rows["best flags"] = {"vmfb": m.vmfb, "flags": " ".join(f), "wall_s": time.monotonic() - t0, "candidates": len(tried)}
    sims = load_roster(sim_roster)
    configs = {
        "random": (ModelSpec("random", "builtin", "random"),),
        "heuristic": (ModelSpec("heuristic", "builtin", "heuristic"),),
        "sim-405b (SIMULATION)": tuple(s for s in sims if s.name == "sim-405b"),
        "sim-pool-8 (SIMULATION)": tuple(sims),
    }
    for label, roster in configs.items():
        work = out / name / label.split()[0]
        shutil.rmtree(work, ignore_errors=True)
        t = time.monotonic()
        r = optimize(str(path), work, OptimizeOptions(roster=roster, budget=budget, final_rounds=1, repetitions=3, db=""))  # no reuse between compared runs
        s = json.loads((work / "summary.json").read_text())
        rows[label] = {"vmfb": str(work / "best.vmfb"), "wall_s": time.monotonic() - t, "search_s": s["search_s"],
                       "candidates": s["candidates"], "to_95": candidates_to_95(work, r.best_ms), "calls": s["model_calls"],
                       "cost_usd": s["total_cost_usd"], "largest_share": s["largest_model_share"],
                       "reply_wait_s": sum(m.get("latency_s", 0.0) for m in (s.get("models") or {}).values())}
    vmfbs = {label: Path(row["vmfb"]) for label, row in rows.items()}
    timed = ev.side_by_side(vmfbs, rounds=rounds, repetitions=10)
    o3 = statistics.median(timed["O3"])
    flops = sum(k.flops for k in kernels if k.kind in ("contraction", "convolution"))
    table = []
    for label, row in rows.items():
        med = statistics.median([v for v in timed[label] if v == v] or [float("nan")])
        table.append({"kernel": name, "config": label, "latency_ms": med, "spread": (max(timed[label]) - min(timed[label])) / med,
                      "speedup": o3 / med, "gflops": flops / med / 1e6 if flops else None,
                      **{k: v for k, v in row.items() if k != "vmfb"}})
    return table


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="two kernels, budget 12, 2 rounds (< 15 min)")
    ap.add_argument("--kernels", nargs="+", help=f"bundled kernel names (default: {' '.join(FULL)})")
    ap.add_argument("--budget", type=int, default=48, help="candidates per search (default %(default)s)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved re-measurement rounds (default %(default)s)")
    ap.add_argument("--out", default="runs/bench", help="work directory (default %(default)s)")
    args = ap.parse_args()
    kernels = args.kernels or (QUICK if args.quick else FULL)
    budget, rounds = (12, 2) if args.quick else (args.budget, args.rounds)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    peak, how = measure_peak_gflops()
    rows: list[dict[str, Any]] = []
    with OpenAIServer(delay_s={m[0]: m[4] for m in SIM_MODELS}, seed=0) as server:
        roster = write_roster(out / "sim_roster.toml", server.base_url, [m[:4] for m in SIM_MODELS], timeout_s=30, max_retries=1)
        for name in kernels:
            rows += bench_kernel(name, budget, out, server, roster, rounds)
    peak = max(peak, measure_peak_gflops()[0])  # a busy moment lowers one measurement: take the better
    print(f"\nlitecoop bench (llvm-cpu, local-sync), budget {budget} candidates per search; peak {peak:.1f} GFLOP/s ({how})")
    print("rows marked SIMULATION use simulated models served by the local test server (see tools/bench.py)\n")
    head = f"{'kernel':<15} {'configuration':<24} {'ms':>8} {'spread':>7} {'speedup':>8} {'to 95%':>7} {'wall s':>7} {'calls':>6} {'cost $':>9} {'largest':>8} {'% peak':>7}"
    print(head)
    print("-" * len(head))
    for r in rows:
        pct = f"{100 * r['gflops'] / peak:.1f}" if r.get("gflops") else "-"
        share = f"{100 * r['largest_share']:.1f}%" if r.get("largest_share") is not None else "-"
        print(f"{r['kernel']:<15} {r['config']:<24} {r['latency_ms']:>8.3f} {100 * r['spread']:>6.1f}% {r['speedup']:>7.2f}x "
              f"{str(r.get('to_95') or '-'):>7} {r['wall_s']:>7.1f} {str(r.get('calls', '-')):>6} "
              f"{(r.get('cost_usd') or 0):>9.5f} {share:>8} {pct:>7}")
    pool = [r for r in rows if r["config"].startswith("sim-pool")]
    single = [r for r in rows if r["config"].startswith("sim-405b")]
    summary: dict[str, Any] = {}
    if pool and single:
        cost_p, cost_s = sum(r["cost_usd"] for r in pool), sum(r["cost_usd"] for r in single)
        time_p, time_s = sum(r["search_s"] for r in pool), sum(r["search_s"] for r in single)
        summary = {"cost_ratio_single_over_pool": cost_s / cost_p if cost_p else None,
                   "search_time_ratio_single_over_pool": time_s / time_p if time_p else None,
                   "pool_largest_share": statistics.fmean(r["largest_share"] or 0 for r in pool),
                   "speedup_pool": [round(r["speedup"], 3) for r in pool], "speedup_single": [round(r["speedup"], 3) for r in single]}
        print(f"\nSIMULATION, pool of 8 vs sim-405b alone: {summary['cost_ratio_single_over_pool']:.2f}x less API cost, "
              f"{summary['search_time_ratio_single_over_pool']:.2f}x less search time, largest model's share "
              f"{100 * summary['pool_largest_share']:.1f}%; speedups pool {summary['speedup_pool']} vs single {summary['speedup_single']}"
              "  (published anchor for 8 real models: 4.47x, 1.95x, 23.1%)")
        wait_p, wait_s = sum(r["reply_wait_s"] for r in pool), sum(r["reply_wait_s"] for r in single)
        summary |= {"search_s_single": time_s, "search_s_pool": time_p, "reply_wait_s_single": wait_s, "reply_wait_s_pool": wait_p}
        print(f"search time = waiting for replies + the rest (compiling, checking and timing candidates): single "
              f"{time_s:.0f} s = {wait_s:.0f} + {time_s - wait_s:.0f}, pool {time_p:.0f} s = {wait_p:.0f} + {time_p - wait_p:.0f}")
    (out / "bench.json").write_text(dumps({"peak_gflops": peak, "peak_method": how, "budget": budget, "rows": rows,
                                           "simulated_pool_vs_single": summary, "wall_s": time.monotonic() - t0}, indent=1) + "\n")
    print(f"\nwall {time.monotonic() - t0:.0f} s; JSON in {out / 'bench.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
