"""The GPU kernels on a CUDA device: IREE's default, the searched best, and cuBLAS through PyTorch.

For each kernel in kernels/gpu/ (or --kernels), runs a search on `cuda` (the architecture nvidia-smi
reports, unless --arch) with the offline proposers and prints, side by side: IREE's default and the
best found (re-measured in interleaved rounds by the search), the speedup, the share of candidates
lost to compile timeouts, and the same product timed through PyTorch (cuBLAS) where torch is
installed. Needs a CUDA device; writes bench.json under --out.

    python tools/cuda_bench.py --budget 32 --out $OUT/cuda
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.targets.strategy import device_available, make_target, timed_on

GPU_KERNELS = Path(__file__).resolve().parent.parent / "kernels" / "gpu"
#: The product each kernel computes, for the cuBLAS reference: (M, N, K, input dtype).
SHAPES = {"matmul_2048": (2048, 2048, 2048, "float32"), "matmul_f16_4096": (4096, 4096, 4096, "float16")}


def torch_ms(m: int, n: int, k: int, dtype: str, reps: int = 50) -> float | None:
    """cuBLAS time of the product through PyTorch (TF32 off), or None without torch or a GPU."""
    try:
        import torch  # noqa: PLC0415 - optional, present on the device machine only
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    torch.backends.cuda.matmul.allow_tf32 = False
    a = torch.randn(m, k, device="cuda", dtype=getattr(torch, dtype))
    b = torch.randn(k, n, device="cuda", dtype=getattr(torch, dtype))
    for _ in range(5):
        torch.matmul(a, b)
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        torch.matmul(a, b)
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernels", nargs="+", default=sorted(p.stem for p in GPU_KERNELS.glob("*.mlir")))
    ap.add_argument("--budget", type=int, default=32)
    ap.add_argument("--arch", default="")
    ap.add_argument("--out", default="/tmp/cuda_bench")
    a = ap.parse_args()
    target = make_target("cuda", a.arch)
    ok, why = device_available(target)
    if not ok:
        raise SystemExit(f"cuda_bench: {why}")
    out = Path(a.out)
    rows = []
    print(f"cuda_bench on {timed_on(target)}, budget {a.budget}")
    for name in a.kernels:
        t0 = time.monotonic()
        res = optimize(str(GPU_KERNELS / f"{name}.mlir"), out / name, OptimizeOptions(budget=a.budget, target="cuda", arch=target.arch, db=""))
        s = res.to_json()
        timeouts = s["failures"].get("timeout", 0)
        ref = torch_ms(*SHAPES[name]) if name in SHAPES else None
        rows.append({"kernel": name, "baseline_ms": s["baseline_ms"], "best_ms": s["best_ms"], "speedup": s["speedup"],
                     "candidates": s["candidates"], "timeouts": timeouts, "torch_ms": ref, "wall_s": round(time.monotonic() - t0, 1),
                     "best_scripts": s["best_scripts"], "measurement": s["measurement"]})
        r = rows[-1]
        print(f"{name:<18} IREE default {r['baseline_ms']:.4f} ms  best {r['best_ms']:.4f} ms  {r['speedup']:.2f}x  "
              f"timeouts {timeouts}/{r['candidates']}  cuBLAS {ref if ref is None else f'{ref:.4f} ms'}  {r['wall_s']} s")
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps({"timed_on": timed_on(target), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
