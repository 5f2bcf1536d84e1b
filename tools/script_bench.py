"""Codegen-script search against attribute search at the same budget, side by side; and the
rate at which random legal script edits build.

    python tools/script_bench.py --kernels matmul_512 conv2d_nhwc_b2 matmul_bias_relu --budget 64 --out /tmp/sbench
    python tools/script_bench.py --legality 60 --kernels matmul_512 conv2d_nhwc_b2 matmul_bias_relu --out /tmp/slegal

Per kernel: one run with `--codegen attributes` (IREE's pipeline configured by attributes and
flags) and one with `--codegen script` (transform-dialect codegen scripts only), both offline
(built-in proposers), no tuning database. Then IREE's default build, both results, and the
script result rebuilt by its plain `compile.sh` (iree-compile with the exported spec, which
holds the scripts) are timed in interleaved rounds (local-sync). Prints per-round medians,
spreads and ratios, and the winning script's tiles and knobs; writes OUT/script_bench.json.

Ceilings, so a ratio can be read against what is left: for contractions and convolutions the
share of this host's measured single-core FMA peak; for other kernels whose first input and
result have one shape, a streaming module with the same signature (y = x * c: reads x once,
writes y once, what any fused one-pass kernel must at least do) timed in the same rounds.

`--legality N`: per kernel, N random legal script edits (1 to 3 moves from the script root,
drawn by the random proposer's sampler among script moves) are built and checked against IREE's
default outputs; prints how many built and verified, and the reasons of those that did not.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import subprocess
import time
from pathlib import Path

from edit_outcomes import EditOutcomes  # noqa: E402 - tools/ is on sys.path when a tool runs

from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.ir.workload import load_workload
from litecoop_mlir.iree.compiler import compile_module
from litecoop_mlir.iree.process import stop_children_on_signals
from litecoop_mlir.measure.backend import Evaluator, LocalBackend
from litecoop_mlir.measure.peak import measure_fma_peak
from litecoop_mlir.module.whole_module import side_by_side
from litecoop_mlir.search.mcts import SearchConfig
from litecoop_mlir.space.moves import sample_move
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import SetCodegenMode
from litecoop_mlir.targets.machine import detect_host
from litecoop_mlir.targets.strategy import make_target

KERNELS = Path(__file__).resolve().parent.parent / "kernels"


def _best(run_dir: Path) -> dict:
    s = json.loads((run_dir / "summary.json").read_text())
    return {"best_ms": s["best_ms"], "speedup": s["speedup"], "candidates": s["candidates"],
            "scripts": s.get("best_scripts"), "failures": s.get("failures")}


def _run(kernel: str, out: Path, budget: int, rounds: int, repetitions: int) -> dict:
    src = str(KERNELS / f"{kernel}.mlir")
    dirs = {mode: out / kernel / mode for mode in ("attributes", "script")}
    wall = {}
    for mode, d in dirs.items():
        t0 = time.monotonic()
        optimize(src, d, OptimizeOptions(budget=budget, db="", search=SearchConfig(codegen=mode)))
        wall[mode] = round(time.monotonic() - t0, 1)
    rebuilt = dirs["script"] / "plain-rebuild.vmfb"
    subprocess.run(["bash", str(dirs["script"] / "compile.sh"), str(rebuilt)], check=True, timeout=900)
    w = load_workload(src, make_target("llvm-cpu"))
    ev = Evaluator(w, out / kernel / "default", repetitions=3, backend=LocalBackend())
    base = ev.baseline()
    vmfbs = {"IREE default": Path(base.vmfb), "attributes": dirs["attributes"] / "best.vmfb",
             "script": dirs["script"] / "best.vmfb", "script rebuilt by compile.sh": rebuilt}
    flops = sum(k.flops for k in w.kernels() if k.kind in ("contraction", "convolution"))
    streaming = None if flops else _streaming_module(w, out / kernel / "streaming")  # compute-bound kernels: the FMA peak
    if streaming is not None:
        vmfbs[STREAMING] = streaming
    side = side_by_side(vmfbs, ev, rounds, repetitions)
    med = side["median_ms"]
    return {"kernel": kernel, "budget": budget, **side, "flops": flops,
            "speedup_attributes": med["IREE default"] / med["attributes"],
            "speedup_script": med["IREE default"] / med["script"],
            "script_vs_attributes": med["attributes"] / med["script"],
            "rebuild_vs_result": med["script rebuilt by compile.sh"] / med["script"],
            "runs": {mode: _best(d) for mode, d in dirs.items()}, "spec": str(dirs["script"] / "spec.mlir"), "wall_s": wall}


STREAMING = "streaming bound (y = x * c)"


_STREAMING_SRC = string.Template("""func.func @$fn($args) -> $t {
  %c = arith.constant 1.0001 : $e
  %e = tensor.empty() : $t
  %y = linalg.generic {indexing_maps = [$map, $map], iterator_types = [$iters]} ins(%a0 : $t) outs(%e : $t) {
  ^bb0(%v: $e, %o: $e):
    %m = arith.mulf %v, %c : $e
    linalg.yield %m : $e
  } -> $t
  return %y : $t
}
""")


def _streaming_module(w, out: Path) -> Path | None:  # noqa: ANN001 - a Workload
    """A module with `w`'s signature that reads its first input once and writes it scaled as the
    result (None where the first input and the result differ in shape or type)."""
    x, y = w.inputs[0], w.outputs[0]
    if len(w.outputs) != 1 or x != y or not x.dtype.startswith("f"):
        return None
    dims = ", ".join(f"d{i}" for i in range(len(x.shape)))
    src = _STREAMING_SRC.substitute(fn=w.function, t=f"tensor<{x.iree_type()}>", e=x.dtype,
                                    args=", ".join(f"%a{i}: tensor<{s.iree_type()}>" for i, s in enumerate(w.inputs)),
                                    map=f"affine_map<({dims}) -> ({dims})>", iters=", ".join(['"parallel"'] * len(x.shape)))
    res = compile_module(src, list(w.base_flags), out, w.limits)
    return res.vmfb if res.ok else None


def _legality(kernel: str, out: Path, n: int, seed: int) -> dict:
    """Random legal script edits from the script root: how many build and match IREE's outputs."""
    src = str(KERNELS / f"{kernel}.mlir")
    w = load_workload(src, make_target("llvm-cpu"))
    k = w.kernels()[0]
    ev = Evaluator(w, out / kernel / "legality", repetitions=1, backend=LocalBackend())
    ev.baseline()  # the reference outputs every edit is checked against
    rng = random.Random(seed)
    root = Script((SetCodegenMode("script"),))
    tally = EditOutcomes()
    seen: set[str] = set()
    while tally.tried < n:
        script = root
        for _ in range(rng.choice((1, 2, 3))):
            t = sample_move(k, script, rng, "llvm-cpu")
            if t is not None and t.op in ("tile", "script"):
                script = script.then(t)
        if script.key(k) in seen:
            continue
        seen.add(script.key(k))
        tally.add(w, ev, k, script)
    return {"kernel": kernel, "tried": n, "outcomes": dict(tally.outcomes), "rate_ok": tally.good_count / n,
            "reasons": tally.reasons.most_common(8)}


def _ceiling(row: dict, name: str, peak: float) -> str:
    """What a timed module reaches of its ceiling: the FMA peak, or the streaming module's time."""
    ms = row["median_ms"][name]
    if name == STREAMING:
        return ""
    if row["flops"] and peak:
        gflops = row["flops"] / ms / 1e6
        return f"  {gflops:6.1f} GFLOP/s = {100 * gflops / peak:5.1f}% of peak"
    if STREAMING in row["median_ms"]:
        return f"  {100 * row['median_ms'][STREAMING] / ms:5.1f}% of the streaming speed"
    return ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernels", nargs="+", default=["matmul_512", "conv2d_nhwc_b2", "matmul_bias_relu"])
    ap.add_argument("--budget", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repetitions", type=int, default=10)
    ap.add_argument("--legality", type=int, default=0, metavar="N", help="build N random legal script edits per kernel instead")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="/tmp/script_bench")
    a = ap.parse_args()
    stop_children_on_signals()  # a stopped tool takes its compiles and runs with it
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    peak, how = (0.0, "") if a.legality else measure_fma_peak(detect_host())
    if peak:
        print(f"single-core FMA peak {peak:.1f} GFLOP/s ({how})")
    rows = []
    for k in a.kernels:
        if a.legality:
            r = _legality(k, out, a.legality, a.seed)
            rows.append(r)
            print(f"{k}: {r['outcomes']} -> {100 * r['rate_ok']:.1f}% build and verify; {r['reasons']}")
            continue
        r = _run(k, out, a.budget, a.rounds, a.repetitions)
        rows.append(r)
        m, s = r["median_ms"], r["spread"]
        print(f"\n== {k} (budget {a.budget}, {a.rounds} interleaved rounds x {a.repetitions} reps, local-sync)")
        for name in m:
            print(f"  {name:<30} {m[name]:8.4f} ms  spread {100 * s[name]:5.1f}%{_ceiling(r, name, peak)}")
        print(f"  attributes {r['speedup_attributes']:.3f}x, script {r['speedup_script']:.3f}x over IREE default; "
              f"script / attributes = {r['script_vs_attributes']:.3f}x; plain rebuild / result = {r['rebuild_vs_result']:.3f}")
        print(f"  winning script: {r['runs']['script']['scripts']}; spec {r['spec']}; wall {r['wall_s']}")
    if not a.legality:
        rows = [{**r, "peak_gflops": peak, "peak_method": how} for r in rows]
    (out / ("script_legality.json" if a.legality else "script_bench.json")).write_text(json.dumps(rows, indent=1, default=str) + "\n")
    if not a.legality:
        print("\n" + " | ".join(f"{r['kernel']}: {r['script_vs_attributes']:.3f}x" for r in rows))


if __name__ == "__main__":
    main()
