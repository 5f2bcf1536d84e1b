"""Loading modules, diagnostics for bad input, and dispatch decomposition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from litecoop_mlir.core.errors import InputError
from litecoop_mlir.ir.workload import TensorSpec, load_workload, parse_tile_levels
from litecoop_mlir.targets.strategy import make_target
from tests.conftest import KERNELS

CPU = make_target("llvm-cpu")


def test_every_bundled_kernel_loads_with_static_signature() -> None:
    files = sorted(KERNELS.glob("*.mlir"))
    assert len(files) >= 11
    for f in files:
        w = load_workload(str(f), CPU)
        assert w.function == "main"
        assert w.inputs and w.outputs
        assert all(all(d > 0 for d in s.shape) for s in w.inputs)


def test_every_zoo_model_loads_and_forms_its_dispatches() -> None:
    """The PyTorch-exported models (tools/export_zoo.py) are linalg on plain tensors the CLI takes."""
    kinds: dict[str, list[str]] = {}
    for f in sorted((KERNELS / "zoo").glob("*.mlir")):
        w = load_workload(str(f), CPU)
        assert w.function == "main" and w.inputs and w.outputs
        kinds[f.stem] = [k.kind for k in w.kernels()]
        # no weight is a splat of many elements: IREE would fold it into the op (a linear layer into a row sum)
        assert not re.search(r"dense<[^<>\[\]]+> : tensor<\d+(x\d+)*xf32>", f.read_text().replace("tensor<1xf32>", "")), f.stem
    assert set(kinds) == {"resnet_nchw", "mobilenet_dw", "encoder", "decoder_step"}
    assert "convolution" in kinds["resnet_nchw"] and "convolution" in kinds["mobilenet_dw"]
    # the linear layers and 1x1 convolutions stay contractions (with splat weights they were reductions)
    contractions = {name: ks.count("contraction") for name, ks in kinds.items()}
    assert contractions["encoder"] >= 5 and contractions["decoder_step"] >= 5, contractions
    assert contractions["resnet_nchw"] >= 2 and contractions["mobilenet_dw"] >= 5, contractions


def test_matmul_decomposes_into_one_contraction() -> None:
    w = load_workload(str(KERNELS / "matmul_512.mlir"), CPU)
    (k,) = w.kernels()
    assert k.kind == "contraction"
    assert k.loop_bounds == (512, 512, 512)
    assert k.iterator_types == ("parallel", "parallel", "reduction")
    assert k.dims["m"] == (0,) and k.dims["k"] == (2,)
    assert k.pipeline == "DoubleTilingExpert"
    assert set(k.default_tiles) >= {"distribution", "vector_common_parallel", "vector_reduction"}
    assert all(len(v) == 3 for v in k.default_tiles.values())
    assert k.default_translation_info.startswith("#iree_codegen.translation_info")


def test_mlp_has_two_dispatches_and_conv_is_a_convolution() -> None:
    mlp = load_workload(str(KERNELS / "mlp.mlir"), CPU).kernels()
    assert len(mlp) >= 2
    assert {k.executable for k in mlp} == {"main_dispatch_0", "main_dispatch_1"}
    (conv,) = load_workload(str(KERNELS / "conv2d_nhwc_b1.mlir"), CPU).kernels()
    assert conv.kind == "convolution"
    assert conv.loop_bounds == (1, 56, 56, 64, 3, 3, 64)


@pytest.mark.parametrize(
    "text, where",
    [
        ("func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {\n  %x = arith.addf %a, %b : tensor<4xf32>\n", "bad.mlir:2:"),
        ("func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {\n  return %a : tensor<8xf32>\n}\n", "bad.mlir:2:10: error:"),
        ("this is not mlir\n", "bad.mlir:1:1: error:"),
    ],
)
def test_malformed_input_gives_located_diagnostic(tmp_path: Path, text: str, where: str) -> None:
    p = tmp_path / "bad.mlir"
    p.write_text(text)
    with pytest.raises(InputError) as info:
        load_workload(str(p), CPU)
    assert str(info.value).startswith(str(p).replace("bad.mlir", "") + where) or where in str(info.value)


def test_dynamic_shapes_and_missing_entry_are_reported(tmp_path: Path) -> None:
    p = tmp_path / "dyn.mlir"
    p.write_text("func.func @main(%a: tensor<?xf32>) -> tensor<?xf32> {\n  return %a : tensor<?xf32>\n}\n")
    with pytest.raises(InputError, match="statically shaped"):
        load_workload(str(p), CPU)
    with pytest.raises(InputError, match="no public function @nope"):
        load_workload(str(KERNELS / "matmul_512.mlir"), CPU, function="nope")
    with pytest.raises(InputError, match="no such file"):
        load_workload(str(tmp_path / "missing.mlir"), CPU)


def test_tile_levels_are_read_from_the_config() -> None:
    levels = parse_tile_levels(
        "#iree_cpu.lowering_config<distribution = [64, 64, 0], vector_common_parallel = [8, 8, 0]>"
    )
    assert levels == {"distribution": (64, 64, 0), "vector_common_parallel": (8, 8, 0)}
    assert TensorSpec((2, 3), "f32").iree_type() == "2x3xf32"
