"""The host's measured single-core f32 FMA peak: the ceiling that benchmarks report a share of."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from litecoop_mlir.iree.process import Limits, run_limited
from litecoop_mlir.targets.machine import MachineModel

_FMA_LOOP = r"""
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
#define K CHAINS
typedef VEC v;
int main(void){v a[K];v b=SET(1.0000001f),c=SET(1e-7f);
for(int i=0;i<K;i++)a[i]=SET((float)i);long n=ITER;struct timespec t0,t1;
clock_gettime(CLOCK_MONOTONIC,&t0);for(long i=0;i<n;i++){for(int j=0;j<K;j++)a[j]=FMA(a[j],b,c);}
clock_gettime(CLOCK_MONOTONIC,&t1);float s=0;for(int i=0;i<K;i++)s+=((float*)&a[i])[0];
double dt=(t1.tv_sec-t0.tv_sec)+1e-9*(t1.tv_nsec-t0.tv_nsec);printf("%f %f\n",n*LANES*K*2.0/dt/1e9,s);return 0;}
"""

_FMA_VARIANTS = {  # isa: (vector type, set1, fma, lanes, independent chains, -m flags)
    "avx512": ("__m512", "_mm512_set1_ps", "_mm512_fmadd_ps", 16, 12, ("-mavx512f", "-mfma")),
    "avx2": ("__m256", "_mm256_set1_ps", "_mm256_fmadd_ps", 8, 10, ("-mavx2", "-mfma")),
}


def measure_fma_peak(machine: MachineModel, repeats: int = 5) -> tuple[float, str]:
    """Single-core f32 FMA peak in GFLOP/s with the widest vectors `machine` has, and how it was measured.

    A C loop of independent FMA chains (enough to hide the FMA latency on two pipes), best of
    `repeats`; (0.0, reason) where no C compiler or no x86 SIMD FMA is available.
    """
    cc = shutil.which("cc") or shutil.which("gcc")
    variant = _FMA_VARIANTS.get(machine.isa)
    if cc is None or variant is None:
        return 0.0, f"not measured ({'no C compiler' if cc is None else f'no FMA loop for {machine.isa}'})"
    vec, set1, fma, lanes, chains, mflags = variant
    src = (_FMA_LOOP.replace("CHAINS", str(chains)).replace("VEC", vec).replace("SET", set1).replace("FMA(", f"{fma}(")
           .replace("LANES", str(lanes)).replace("ITER", "50000000"))
    limits = Limits(timeout_s=60.0, memory_bytes=1 << 30)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "fma.c").write_text(src)
        built = run_limited([cc, "-O3", *mflags, "-o", f"{tmp}/fma", f"{tmp}/fma.c"], limits)
        if not built.ok:
            return 0.0, f"not measured (FMA loop did not compile: {built.first_error_line()})"
        runs = []
        for _ in range(repeats):
            res = run_limited([f"{tmp}/fma"], limits)
            if res.ok and res.stdout.split():
                runs.append(float(res.stdout.split()[0]))
    if not runs:
        return 0.0, "not measured (FMA loop did not run)"
    return max(runs), f"C loop of {chains} independent {machine.isa} FMA chains ({lanes} f32 lanes), best of {len(runs)}"
