"""Plain random search over legal moves (no models), and a check of the exported spec.

Draws random scripts of 1-5 legal moves on one kernel, compiles/verifies/benchmarks each
(distinct canonical scripts only), then re-measures the O3 baseline and the best candidate
side by side, exports the best as a tuning spec, compiles the input with plain
`iree-compile` + that spec (no litecoop code in the compile), and times that too.

    python tools/random_search.py [--kernel kernels/matmul_512.mlir] [--budget 64] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from litecoop_mlir.core.records import Status
from litecoop_mlir.export.spec import export_spec
from litecoop_mlir.ir.workload import load_workload
from litecoop_mlir.iree.process import run_limited
from litecoop_mlir.iree.tools import tool_path
from litecoop_mlir.measure.backend import Evaluator, LocalBackend
from litecoop_mlir.space.apply import build_candidate
from litecoop_mlir.space.moves import sample_move
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import IllegalTransform, transform_aspect
from litecoop_mlir.targets.strategy import make_target

REPO = Path(__file__).resolve().parent.parent


def random_script(kernel, rng: random.Random, max_len: int) -> Script:
    """A random script of 1..max_len legal moves, each touching a different aspect
    (tiling level, option or flag), so a candidate is a random point of the space."""
    script = Script()
    for _ in range(rng.randint(1, max_len)):
        for _try in range(20):
            move = sample_move(kernel, script, rng)
            if move is None or transform_aspect(move) not in {transform_aspect(t) for t in script.transforms}:
                break
        if move is None:
            break
        script = script.then(move)
    return script


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=str(REPO / "kernels" / "matmul_512.mlir"))
    ap.add_argument("--budget", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-len", type=int, default=5)
    ap.add_argument("--work-dir", default="")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()

    target = make_target("llvm-cpu")
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="litecoop-random-"))
    w = load_workload(args.kernel, target)
    kernels = w.kernels()
    kernel = max(kernels, key=lambda k: k.flops)
    ev = Evaluator(w, work / "eval", seed=args.seed, repetitions=5, min_time_s=0.05, backend=LocalBackend())
    base = ev.baseline()
    print(f"kernel {Path(args.kernel).name}: {kernel.summary()}; O3 baseline {base.median_ms:.3f} ms", flush=True)

    rng = random.Random(args.seed)
    seen: set[str] = set()
    statuses: dict[str, int] = {}
    best = None
    t0 = time.monotonic()
    draws = 0
    while len(seen) < args.budget and draws < args.budget * 50:
        draws += 1
        script = random_script(kernel, rng, args.max_len)
        key = script.key(kernel)
        if key in seen or not script.transforms:
            continue
        seen.add(key)
        try:
            cand = build_candidate(w, {kernel: script})
        except IllegalTransform as exc:
            statuses["invalid"] = statuses.get("invalid", 0) + 1
            print(f"  [{len(seen):3}] invalid: {exc}")
            continue
        m = ev.evaluate(cand)
        statuses[m.status.value] = statuses.get(m.status.value, 0) + 1
        if m.ok and (best is None or m.median_ms < best[1].median_ms):
            best = (script, m)
        ms = f"{m.median_ms:8.3f} ms" if m.ok else f"{m.status.value:>11}"
        print(f"  [{len(seen):3}] {ms}  {script.describe()}", flush=True)
    search_s = time.monotonic() - t0
    n = len(seen)
    compile_fail = sum(v for k, v in statuses.items() if k in ("compile_error", "timeout", "memory", "crash"))
    print(f"\n{n} candidates in {search_s:.0f} s; statuses {statuses}; compile failure rate {compile_fail}/{n} = {compile_fail / max(n, 1):.1%}")
    if best is None:
        print("no candidate succeeded")
        return 1
    script, m = best
    print(f"best during search: {m.median_ms:.3f} ms  {script.describe()}")

    # Export the spec and compile with plain iree-compile (no litecoop code in the compile).
    export = export_spec(w, {kernel: script}, work / "export", backend=LocalBackend())
    flags = export.compile_flags(target.name)
    plain_vmfb = work / "export" / "plain.vmfb"
    cmd = [tool_path("iree-compile"), args.kernel, *w.base_flags, *flags, "-o", plain_vmfb]
    res = run_limited(cmd, w.limits)
    if res.status is not Status.OK:
        print(f"plain iree-compile with the spec failed: {res.first_error_line()}")
        return 1
    for note in export.notes:
        print(f"note: {note}")
    print("plain compile: iree-compile " + " ".join(str(c) for c in cmd[1:]))

    paths = {"O3 baseline": Path(base.vmfb), "best (search)": Path(m.vmfb), "best (plain iree-compile + spec)": plain_vmfb}
    rounds = ev.side_by_side(paths, rounds=3, repetitions=10)
    print("\nside by side (3 interleaved rounds x 10 reps, local-sync; per-round medians):")
    med = {k: statistics.median(v) for k, v in rounds.items()}
    for name, vals in rounds.items():
        print(f"  {name:34} median {med[name]:.3f} ms  rounds {', '.join(f'{x:.3f}' for x in vals)}  spread {100 * (max(vals) - min(vals)) / med[name]:.1f}%")
    speedup = med["O3 baseline"] / med["best (search)"]
    plain = med["O3 baseline"] / med["best (plain iree-compile + spec)"]
    print(f"\nspeedup over O3: search {speedup:.2f}x, plain iree-compile + spec {plain:.2f}x")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "kernel": args.kernel, "candidates": n, "statuses": statuses, "search_s": search_s,
            "best_script": script.to_json(), "rounds_ms": rounds, "speedup": speedup, "plain_speedup": plain,
            "compile_flags": [str(f) for f in flags],
        }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
