"""Shared fixtures: small kernels so the suite stays fast, and the repo's bundled kernels."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from litecoop_mlir.ir.workload import Kernel, Workload, load_workload
from litecoop_mlir.targets.strategy import make_target

REPO = Path(__file__).resolve().parent.parent
KERNELS = REPO / "kernels"


def pytest_configure(config: pytest.Config) -> None:
    """No test ever reads or writes the user's tuning database (module-scoped fixtures run
    before the per-test one below)."""
    session_dir = tempfile.mkdtemp(prefix="litecoop-test-db-")
    config.add_cleanup(lambda: shutil.rmtree(session_dir, ignore_errors=True))
    os.environ["LITECOOP_DB"] = os.path.join(session_dir, "tuning.db")


@pytest.fixture(autouse=True)
def _own_tuning_db(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets a tuning database of its own (never the user's, never another test's)."""
    monkeypatch.setenv("LITECOOP_DB", str(tmp_path_factory.mktemp("db") / "tuning.db"))


SMALL_MATMUL = """\
func.func @main(%a: tensor<64x96xf32>, %b: tensor<96x128xf32>) -> tensor<64x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %r = linalg.matmul ins(%a, %b : tensor<64x96xf32>, tensor<96x128xf32>)
                     outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}
"""

#: Prime sizes: IREE O3 configures AVX-512 code for it scalar (~10x slower than data tiling);
#: AVX2 code is fine at O3. Tests that need a certain win use SMALL_CONV_S2.
SMALL_UNALIGNED = SMALL_MATMUL.replace("64x96", "61x127").replace("96x128", "127x67").replace("64x128", "61x67")

#: A 3x3 stride-2 NCHW convolution: im2col makes it a matmul ~3.5x faster than IREE O3 on AVX2 and
#: AVX-512 code alike (checked with --iree-llvmcpu-target-cpu=znver3 and znver4), so a search that
#: probes im2col first certainly finds a win. (SMALL_UNALIGNED's ~10x holds for AVX-512 code only.)
SMALL_CONV_S2 = """\
func.func @main(%in: tensor<1x16x33x33xf32>, %f: tensor<32x16x3x3xf32>) -> tensor<1x32x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x32x16x16xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32x16x16xf32>) -> tensor<1x32x16x16xf32>
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%in, %f : tensor<1x16x33x33xf32>, tensor<32x16x3x3xf32>) outs(%c : tensor<1x32x16x16xf32>) -> tensor<1x32x16x16xf32>
  return %r : tensor<1x32x16x16xf32>
}
"""

#: Same signature, different result (relu of the product): a deliberately wrong "candidate".
SMALL_MATMUL_RELU = SMALL_MATMUL.replace(
    "  return %r : tensor<64x128xf32>",
    """  %z = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<64x128xf32>) outs(%e : tensor<64x128xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  } -> tensor<64x128xf32>
  return %z : tensor<64x128xf32>""",
)


@pytest.fixture
def small_matmul_path(tmp_path: Path) -> Path:
    p = tmp_path / "small_matmul.mlir"
    p.write_text(SMALL_MATMUL)
    return p


@pytest.fixture
def small_matmul(small_matmul_path: Path) -> Workload:
    return load_workload(str(small_matmul_path), make_target("llvm-cpu"))


def make_fake_kernel(m: int = 64, n: int = 128, k: int = 96) -> Kernel:
    """A matmul Kernel built by hand (no IREE call), for search and proposer unit tests."""
    return Kernel(
        index=0,
        executable="main_dispatch_0",
        function="main_dispatch_0_matmul",
        root_op="linalg.matmul",
        kind="contraction",
        loop_bounds=(m, n, k),
        iterator_types=("parallel", "parallel", "reduction"),
        element_type="f32",
        default_lowering_config="#iree_cpu.lowering_config<distribution = [32, 64, 0], cache_parallel = [32, 64, 0], vector_common_parallel = [8, 8, 0], vector_reduction = [0, 0, 8]>",
        default_translation_info="#iree_codegen.translation_info<pipeline = #iree_cpu.pipeline<DoubleTilingExpert>, {enable_loop_peeling}>",
        default_tiles={"distribution": (32, 64, 0), "cache_parallel": (32, 64, 0), "vector_common_parallel": (8, 8, 0), "vector_reduction": (0, 0, 8)},
        pipeline="DoubleTilingExpert",
        dims={"batch": (), "m": (0,), "n": (1,), "k": (2,)},
        native_vector_bytes=32,
    )


@pytest.fixture
def fake_kernel() -> Kernel:
    return make_fake_kernel()
