"""How often a model that only follows the prompt proposes legal steps, per bundled kernel.

For every dispatch of every bundled kernel, prompts are rendered at the root and at nodes a
few random legal moves deep (`--depth`), exactly as the search would send them; the
SIMULATED prompt-following model (`litecoop_mlir.testing.openai_server.prompt_following_responder`,
which reads only the prompt text) answers each; its steps are parsed and validated by the
tool's own reply parser. Prints legal steps / proposed steps per kernel and the prompt sizes
(tokens estimated as characters / 4, as the test server counts them) per prompt budget.

    python tools/prompt_legality.py [--prompts 12] [--kernels matmul_512 mlp]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections import Counter
from pathlib import Path

from litecoop_mlir.ir.workload import Kernel, load_workload
from litecoop_mlir.proposers.pool import ModelPool, ModelSpec
from litecoop_mlir.proposers.prompt import render_messages
from litecoop_mlir.proposers.proposal import InvalidReply, parse_reply
from litecoop_mlir.proposers.request import NodeView, ProposalRequest
from litecoop_mlir.space.legality import machine_for
from litecoop_mlir.space.moves import sample_move
from litecoop_mlir.space.script import Script
from litecoop_mlir.targets.strategy import make_target
from litecoop_mlir.testing.openai_server import prompt_following_responder

KERNELS = Path(__file__).resolve().parent.parent / "kernels"
ROSTER = (ModelSpec("small", "openai", "small", base_url="http://x", params_b=1, context_tokens=8192),
          ModelSpec("large", "openai", "large", base_url="http://x", params_b=400, context_tokens=131072))


def _node(kernel: Kernel, depth: int, rng: random.Random) -> Script:
    """A script `depth` random legal moves from the root (where that many exist)."""
    script = Script()
    for _ in range(depth):
        t = sample_move(kernel, script, rng)
        if t is None:
            break
        script = script.then(t)
    return script


def _tile_steps(reply: str) -> list[bool]:
    """Per step of a reply: whether it sets tile sizes."""
    try:
        steps = json.loads(reply).get("steps", [])
    except (ValueError, AttributeError):
        return [False]
    return [any(t.get("op") == "tile" for t in s.get("transforms", [])) for s in steps]


def measure(kernel: Kernel, prompts: int, depth: int, rng: random.Random, quality: float = 0.0) -> tuple[Counter, dict[str, list[int]]]:
    """Counts (steps, legal, tile steps, legal tile steps) and prompt characters per model over `prompts` prompts."""
    pool = ModelPool(list(ROSTER))
    responder = prompt_following_responder(quality)  # quality 0: every step a listed legal move at random
    machine = machine_for(kernel)
    n: Counter = Counter()
    sizes: dict[str, list[int]] = {s.name: [] for s in ROSTER}
    for i in range(prompts):
        script = _node(kernel, rng.randrange(depth + 1), rng)
        model = ROSTER[i % len(ROSTER)].name
        req = ProposalRequest(kernel=kernel, target="llvm-cpu", machine=machine, node=NodeView(script, 1.0), baseline_ms=1.0,
                              model=model, roster=pool.roster_for_prompt(), budget_left=32, steps_wanted=3,
                              context_tokens=pool.by_name[model].context_tokens, tried=frozenset({script.key(kernel)}))
        messages = render_messages(req)
        sizes[model].append(sum(len(m["content"]) for m in messages))
        reply = responder({"messages": messages, "model": model}, rng)
        tiles = _tile_steps(reply)
        try:
            rejected = {int(r.split(":")[0].removeprefix("step ")) for r in
                        parse_reply(reply, kernel, script, "llvm-cpu", pool.names, machine=machine).rejected}
        except InvalidReply:
            rejected = set(range(1, len(tiles) + 1))
        for i, tile in enumerate(tiles, start=1):
            n["steps"] += 1
            n["legal"] += i not in rejected
            n["tile"] += tile
            n["tile_legal"] += tile and i not in rejected
    return n, sizes


def _row(name: str, dispatches: object, n: Counter) -> str:
    return (f"{name:22} {dispatches!s:>10} {n['legal']:>6} {n['steps']:>6} {100 * n['legal'] / max(n['steps'], 1):>6.1f}%   "
            f"{n['tile_legal']:>8} of {n['tile']:>6} {100 * n['tile_legal'] / max(n['tile'], 1):>6.1f}%")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prompts", type=int, default=12, help="prompts per dispatch")
    ap.add_argument("--depth", type=int, default=3, help="random legal moves below the root, at most")
    ap.add_argument("--kernels", nargs="*", help="kernel stems (default: all bundled)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quality", type=float, default=0.0, help="how often the model takes a suggested step (default 0)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    target = make_target("llvm-cpu")
    all_sizes: dict[str, list[int]] = {s.name: [] for s in ROSTER}
    total: Counter = Counter()
    print(f"{'kernel':22} {'dispatches':>10} {'legal':>6} {'steps':>6} {'rate':>7}   {'tile steps: legal':>18} {'rate':>7}")
    for f in sorted(KERNELS.glob("*.mlir")):
        if args.kernels and f.stem not in args.kernels:
            continue
        here: Counter = Counter()
        kernels = load_workload(str(f), target).kernels()
        for k in kernels:
            n, sizes = measure(k, args.prompts, args.depth, rng, args.quality)
            here += n
            for m, v in sizes.items():
                all_sizes[m] += v
        total += here
        print(_row(f.stem, len(kernels), here), flush=True)
    print(_row("all", "", total))
    for m, v in all_sizes.items():
        if v:
            print(f"prompt for {m}: median {statistics.median(v) // 4} tokens, max {max(v) // 4} (chars / 4)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
