#!/usr/bin/env bash
# The measured GPU checks, as one call on a device machine (see the developer notes: the first call copies
# .iree-a to /tmp/iree-a; the second runs:  eval "$(bash .iree-b/setup.sh /tmp/iree-a)" && bash tools/gpu_device_check.sh).
# Writes nvidia-smi's view, tools/cuda_bench.py's table and JSON, and the `gpu` tests' output under $OUT.
set -u
out="${OUT:-/tmp/gpu_device_check}"
mkdir -p "$out"
nvidia-smi > "$out/nvidia-smi.txt" 2>&1
timeout "${BENCH_S:-420}" python3 tools/cuda_bench.py --budget "${BUDGET:-24}" --kernels matmul_2048 matmul_f16_4096 \
  --out "$out/cuda" > "$out/cuda_bench.txt" 2>&1
echo "cuda_bench rc=$?" >> "$out/cuda_bench.txt"
if python3 -c "import pytest" 2>/dev/null; then
  timeout "${TESTS_S:-120}" python3 -m pytest -q -m gpu tests/test_gpu.py > "$out/pytest_gpu.txt" 2>&1
fi
tail -5 "$out/cuda_bench.txt"
