"""Serial versus concurrent search, side by side in one run: wall-clock per evaluated candidate.

Both runs search the same kernel with the same seed and budget, with three SIMULATED models
served by the local OpenAI-compatible test server (random legal tile moves, a reply delay of
about 2 s each). Serial: one model call, then its candidates (compile, verify, benchmark),
then the next call. Concurrent: up to --concurrency model calls in flight while candidates
compile on --workers threads; plan steps start when their dependency is measured; benchmarks
still run alone (no compile beside them).

    python tools/bench_concurrency.py [--kernel kernels/matmul_512.mlir] [--budget 24] [--delay 2.0]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.proposers.pool import load_roster
from litecoop_mlir.search.mcts import SearchConfig
from litecoop_mlir.testing.openai_server import OpenAIServer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_server_search import MODELS, write_sim_roster  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def run(kernel: str, work: Path, roster, budget: int, concurrency: int, workers: int, seed: int) -> dict:
    opts = OptimizeOptions(budget=budget, roster=tuple(roster), seed=seed, workers=workers,
                           search=SearchConfig(concurrency=concurrency, seed=seed),
                           final_rounds=1, repetitions=3, finalists=1, db="")  # side by side: no reuse between them
    r = optimize(kernel, work, opts)
    s = r.to_json()
    compile_s = sum(n.measurement.compile_s for d in r.dispatches for n in d.search.tree.nodes[1:] if n.measurement)
    return {"concurrency": concurrency, "candidates": s["candidates"], "search_s": s["search_s"],
            "s_per_candidate": s["search_s"] / max(s["candidates"], 1), "model_calls": s["model_calls"],
            "model_wait_s": sum(m["latency_s"] for m in s["models"].values()), "compile_s": compile_s,
            "speedup": s["speedup"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=str(REPO / "kernels" / "matmul_512.mlir"))
    ap.add_argument("--budget", type=int, default=24)
    ap.add_argument("--delay", type=float, default=2.0, help="simulated model reply delay (s)")
    ap.add_argument("--concurrency", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stream", action="store_true",
                    help="stream replies: the delay is spread over the reply and steps start as they arrive")
    ap.add_argument("--json")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="litecoop-bench-"))
    results = []
    if args.stream:  # the same total delay, spread over ~20 chunks of the reply
        server = OpenAIServer(stream_chunk_chars=24, stream_delay_s=args.delay / 20, seed=args.seed)
    else:
        server = OpenAIServer(delay_s={n: args.delay for n, *_ in MODELS}, seed=args.seed)
    with server:
        roster = load_roster(write_sim_roster(tmp / "roster.toml", server.base_url, stream=args.stream))
        for c in (1, args.concurrency):
            results.append(run(args.kernel, tmp / f"c{c}", roster, args.budget, c, args.workers, args.seed))
            print(f"concurrency {c}: {json.dumps(results[-1])}", flush=True)
    serial, conc = results
    print(f"\nSIMULATED models (reply delay {args.delay} s{', streamed' if args.stream else ''}), "
          f"{Path(args.kernel).name}, budget {args.budget}:")
    for r in results:
        print(f"  concurrency {r['concurrency']}: {r['search_s']:.1f} s for {r['candidates']} candidates = "
              f"{r['s_per_candidate']:.2f} s/candidate; {r['model_calls']} calls waiting {r['model_wait_s']:.1f} s, "
              f"compiles {r['compile_s']:.1f} s")
    print(f"  ratio (serial / concurrent, s per candidate): {serial['s_per_candidate'] / conc['s_per_candidate']:.2f}x")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
