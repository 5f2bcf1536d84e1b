"""Run the search with a roster of simulated models served by the local OpenAI-compatible test
server (the real `openai` client path, no real model), optionally with injected faults.

SIMULATION: the three "models" draw random legal tile moves from the prompt's legal moves;
they differ only in stated size and price. This exercises the collaboration machinery
(routing, costs, the largest model's share, fault handling), not model quality.

    python tools/test_server_search.py kernels/matmul_512.mlir --budget 64 --work-dir runs/mm3 --fault-rate 0.2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from litecoop_mlir.cli.main import main as cli_main
from litecoop_mlir.testing.openai_server import OpenAIServer, write_roster

#: name, parameters (billions), USD per input token, USD per output token, reply delay (s)
MODELS = (("sim-small", 1.5, 1e-7, 2e-7, 0.05), ("sim-mid", 8, 5e-7, 1.5e-6, 0.1), ("sim-large", 70, 3e-6, 1.2e-5, 0.2))


def write_sim_roster(path: Path, base_url: str, stream: bool = False) -> Path:
    return write_roster(path, base_url, [m[:4] for m in MODELS], timeout_s=30, stream=stream)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--fault-rate", type=float, default=0.2, help="probability of an injected fault per request")
    ap.add_argument("--seed", type=int, default=0)
    args, rest = ap.parse_known_args()
    delays = {n: d for n, _, _, _, d in MODELS}
    with OpenAIServer(delay_s=delays, fault_rate=args.fault_rate, seed=args.seed) as server:
        roster = write_sim_roster(Path(args.work_dir) / "roster.toml", server.base_url)
        rc = cli_main([args.input, "--models", str(roster), "--work-dir", args.work_dir, "--seed", str(args.seed),
                       "-o", str(Path(args.work_dir) / "out.spec.mlir"), *rest])
        actions: dict[str, int] = {}
        for r in server.requests:
            actions[r["_action"]] = actions.get(r["_action"], 0) + 1
        print(f"test server: {len(server.requests)} requests; actions {dict(sorted(actions.items()))}", file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main())
