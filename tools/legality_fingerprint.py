"""One hash per bundled kernel and target of everything the move space says about it: legal moves at the root and
after the script conversion, the move spaces, the tile rules in words, the script conversion, script levels and
knob defaults. Run it at two commits to show a refactor left the search space as it was:

    python tools/legality_fingerprint.py > new.txt
    git worktree add /tmp/old COMMIT && PYTHONPATH=/tmp/old python tools/legality_fingerprint.py > old.txt
    diff old.txt new.txt

(Renovation II, e94488d -> the strategy methods: identical on all 15 CPU kernels and the 3 GPU kernels for cuda
and vulkan-spirv.) Compile-only: no GPU is needed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from litecoop_mlir.ir.workload import load_workload
from litecoop_mlir.space.legality import machine_for
from litecoop_mlir.space.moves import legal_moves, move_spaces, script_conversion, tile_rules
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.script_knobs import knob_defaults, script_levels
from litecoop_mlir.targets.strategy import make_target

KERNELS = Path(__file__).resolve().parent.parent / "kernels"
LEVELS = ("distribution", "vector_common_parallel", "vector_reduction", "workgroup", "thread", "reduction")


def fingerprint(path: Path, target: str) -> str:
    w = load_workload(str(path), make_target(target, "sm_80" if target == "cuda" else ""))
    h = hashlib.sha256()
    for k in w.kernels():
        m = machine_for(k)
        for s in (Script(), Script(script_conversion(k))):
            try:
                moves = sorted(map(repr, legal_moves(k, s, target, limit=2000, machine=m)))
            except Exception as exc:  # noqa: BLE001 - a failure is part of what is compared
                moves = [repr(exc)]
            h.update(repr(moves).encode() + repr(move_spaces(k, s, target)).encode())
        for level in LEVELS:
            h.update(tile_rules(k, level, m, target).encode())
        h.update(repr((script_conversion(k), dict(script_levels(k)), knob_defaults(k))).encode())
    return h.hexdigest()[:16]


def main() -> int:
    jobs = [(p, "llvm-cpu") for p in sorted(KERNELS.glob("*.mlir"))]
    jobs += [(p, t) for p in sorted((KERNELS / "gpu").glob("*.mlir")) for t in ("cuda", "vulkan-spirv")]
    for path, target in jobs:
        print(f"{path.name:28} {target:13} {fingerprint(path, target)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
