"""How often random legal GPU configuration edits compile (and, where a device runs them, verify).

For each target and kernel, draws edits of 1 to 3 random legal codegen moves from IREE's
configuration (tiles, workgroup size, GPU pipeline options; module-wide flags are left out: they
are not GPU configuration), builds each candidate and compiles it with the same limits a search
uses, including the cut of compiles that run far past the baseline's. On a target with a device
here (Vulkan through lavapipe) each build is also run and checked against IREE's default outputs;
on CUDA without a GPU the rate is compile-only. Prints, per target and kernel, the built rate and
the leading reasons of failures. `--unchecked` draws the same moves without the legality check
(constructor checks only): the rate a search had before the GPU rules. `--scripts` draws codegen
scripts instead: each edit converts IREE's configuration to its script (litecoop_mlir.space.script_render)
and adds 0 to 3 random legal script moves (thread, workgroup and reduction tiles, knobs).

    python tools/gpu_legality.py --targets cuda:sm_80 vulkan-spirv --n 40 --out /tmp/glegal
    python tools/gpu_legality.py --scripts --kernels matmul_512 batch_matmul matmul_2048 --n 30 --out /tmp/gscripts
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from edit_outcomes import EditOutcomes  # noqa: E402 - tools/ is on sys.path when a tool runs

from litecoop_mlir.core.records import Status
from litecoop_mlir.ir.workload import Kernel, load_workload
from litecoop_mlir.iree.process import stop_children_on_signals
from litecoop_mlir.measure.backend import Evaluator, LocalBackend
from litecoop_mlir.space.moves import draw_move, move_spaces, sample_move, script_conversion
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.script_knobs import unsupported_reason
from litecoop_mlir.space.vocabulary import IllegalTransform, Transform
from litecoop_mlir.targets.strategy import make_target, strategy_for

ROOT = Path(__file__).resolve().parent.parent
CODEGEN_OPS = ("tile", "workgroup_size", "gpu", "pipeline", "option")
BUILT = (Status.OK.value, Status.NO_DEVICE.value)  # NO_DEVICE: compiled, nothing here runs it


def _kernel_path(name: str) -> str:
    for p in (ROOT / "kernels" / f"{name}.mlir", ROOT / "kernels" / "gpu" / f"{name}.mlir"):
        if p.is_file():
            return str(p)
    raise SystemExit(f"no bundled kernel {name}")


def _unchecked_move(k: Kernel, script: Script, rng: random.Random, target: str) -> Transform | None:
    """A move drawn from the move spaces at `script` without the legality rules (build_candidate does not check them)."""
    spaces = [sp for sp in move_spaces(k, script, target) if sp.op in CODEGEN_OPS]
    try:
        return draw_move(rng.choice(spaces), script.resolve(k), rng) if spaces else None
    except IllegalTransform:
        return None


def measure(target: str, kernel: str, n: int, out: Path, seed: int, unchecked: bool = False, scripts: bool = False) -> dict:
    """Random legal edits of `kernel`'s dispatches on `target`: outcomes and failure reasons."""
    name, _, arch = target.partition(":")
    w = load_workload(_kernel_path(kernel), make_target(name, arch))
    kernels = [k for k in w.kernels() if not scripts or not unsupported_reason(k, strategy_for(name))]
    ops = (*CODEGEN_OPS, "script") if scripts else CODEGEN_OPS
    ev = Evaluator(w, out / target.replace(":", "_") / kernel, repetitions=1, min_time_s=0.0, backend=LocalBackend())
    base = ev.baseline()
    rng = random.Random(seed)
    tally = EditOutcomes(good=BUILT)
    seen: set[tuple[str, str]] = set()
    t0 = time.monotonic()
    draws = 0
    while kernels and tally.tried < n and draws < 50 * n:
        draws += 1
        k = rng.choice(kernels)
        script = Script(script_conversion(k)) if scripts else Script()
        for _ in range(rng.choice((0, 1, 2, 3) if scripts else (1, 2, 3))):
            t = _unchecked_move(k, script, rng, name) if unchecked else sample_move(k, script, rng, name)
            if t is not None and t.op in ops:
                script = script.then(t)
        if not len(script) or (k.executable, script.key(k)) in seen:
            continue
        seen.add((k.executable, script.key(k)))
        tally.add(w, ev, k, script)
    tried, built, outcomes = tally.tried, tally.good_count, tally.outcomes
    return {"target": target, "kernel": kernel, "tried": tried, "built": built, "rate": built / tried if tried else 0.0,
            "verified": outcomes.get(Status.OK.value, 0), "device": ev.can_run, "outcomes": dict(outcomes),
            "baseline_compile_s": base.compile_s, "max_compile_s": max(tally.compile_s, default=0.0),
            "timeouts": outcomes.get(Status.TIMEOUT.value, 0), "wall_s": round(time.monotonic() - t0, 1),
            "reasons": tally.reasons.most_common(6)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--targets", nargs="+", default=["cuda:sm_80", "vulkan-spirv"])
    ap.add_argument("--kernels", nargs="+", default=["matmul_512", "matmul_bias_relu", "conv2d_nhwc_b2", "batch_matmul",
                                                      "matmul_2048", "matmul_f16_4096"])
    ap.add_argument("--n", type=int, default=40, help="edits per target and kernel")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="/tmp/gpu_legality")
    ap.add_argument("--unchecked", action="store_true", help="draw moves without the legality rules (the rate before them)")
    ap.add_argument("--scripts", action="store_true", help="draw codegen scripts (IREE's configuration as a script, then script moves)")
    a = ap.parse_args()
    stop_children_on_signals()  # a stopped tool takes its compiles and runs with it
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for target in a.targets:
        for kernel in a.kernels:
            r = measure(target, kernel, a.n, out, a.seed, a.unchecked, a.scripts)
            rows.append(r)
            how = "built and verified on the device" if r["device"] else "compiled (no device here)"
            print(f"{target:<14} {kernel:<18} {r['built']:>3}/{r['tried']:<3} {100 * r['rate']:5.1f}% {how}; "
                  f"timeouts {r['timeouts']}; compile max {r['max_compile_s']:.1f} s (baseline {r['baseline_compile_s']:.1f} s); "
                  f"{r['wall_s']} s")
            for why, count in r["reasons"]:
                print(f"    {count} x {why}")
    for target in a.targets:
        mine = [r for r in rows if r["target"] == target]
        built, tried = sum(r["built"] for r in mine), sum(r["tried"] for r in mine)
        what = "codegen scripts" if a.scripts else "GPU edits"
        print(f"{target}: {built}/{tried} = {100 * built / max(tried, 1):.1f}% of random legal {what} built")
    (out / "gpu_legality.json").write_text(json.dumps(rows, indent=1, default=str) + "\n")


if __name__ == "__main__":
    main()
