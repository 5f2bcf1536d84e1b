"""Export the model zoo under kernels/zoo/ from PyTorch with IREE's importer (iree-turbine).

Four small models a user would run, each at its inference batch size, lowered to the linalg level
`litecoop-mlir-opt` takes: IREE's own torch input passes (`TORCH_TO_LINALG`, as
`iree-compile --iree-input-type=torch` runs them), but with functions on plain tensors instead of
IREE's runtime ABI (`--compile-to=input` would wrap them in `!hal.buffer_view`s):

- resnet_nchw: a ResNet-style convnet in NCHW (stem, basic blocks with residuals, a strided block,
  global pooling, classifier), 1x3x112x112;
- mobilenet_dw: a MobileNet-style convnet of depthwise-separable blocks (depthwise 3x3, pointwise
  1x1, ReLU6), 1x3x112x112;
- encoder: a small transformer encoder (2 layers, d 128, 4 heads, FFN 512), 1x128 tokens;
- decoder_step: one step of a decoder with a KV cache of 256 positions (d 256, 4 heads): attention of
  the new token over the cache and an MLP.

Weights are not splats: IREE folds a splat weight into the op that reads it (a linear layer with a
splat weight becomes a row sum, a 1x1 convolution a channel sum), which would make the zoo a different
workload. Each tensor is set to one value in PyTorch (1/fan-in, sign alternating per tensor; BatchNorm
near identity) so that the export is small, and after lowering every constant of more than one element
becomes a global filled by a `util.initializer` from a hash of the element's index, between 0.5x and
1.5x that value (`generated_weights`). The files stay small, IREE sees weights it cannot fold (it
evaluates the initializers at compile time or at load), and the numbers stay in range through the
layers. Regenerate (needs torch and iree-turbine, kept out of the package's dependencies):

    python3 -m venv /tmp/zoo && /tmp/zoo/bin/pip install torch==2.13.0 iree-turbine==3.9.0 \\
        iree-base-compiler==3.13.0 iree-base-runtime==3.13.0
    /tmp/zoo/bin/python tools/export_zoo.py [--out kernels/zoo] [--only resnet_nchw ...]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn

OUT = Path(__file__).resolve().parent.parent / "kernels" / "zoo"
#: IREE 3.13's torch input pipeline (read off `iree-compile --iree-input-type=torch --mlir-print-ir-before-all`), with
#: torch's own backend type conversion in place of IREE's ABI function conversion.
TORCH_TO_LINALG = (
    "builtin.module(func.func(torch-iree-bind-symbolic-shapes,torch-iree-set-strict-symbolic-shapes,canonicalize,"
    "torch-recompose-complex-ops,torch-iree-bitcast-tensor,torch-reduce-op-variants,torch-convert-custom-quant-op,"
    "torch-decompose-complex-ops,torch-fuse-quantized-ops,canonicalize,torch-scalarize-shapes,convert-torch-to-tmtensor,"
    "torch-iree-tm-tensor-to-linalg-ext,convert-torch-to-tensor,torch-iree-torch-unstructured-to-linalg-ext,"
    "torch-iree-torch-quantization-to-linalg-ext,convert-torch-to-linalg,cse,convert-torch-to-scf,convert-torch-to-arith),"
    "convert-torch-conversion-to-mlprogram,canonicalize,cse,inline,canonicalize,torch-func-backend-type-conversion,"
    "canonicalize,func.func(torch-finalizing-backend-type-conversion),symbol-dce)"
)


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                     if stride != 1 or cin != cout else nn.Identity())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.down(x))


class ResNetNCHW(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU())
        self.layers = nn.Sequential(BasicBlock(32, 32, 1), BasicBlock(32, 64, 2), BasicBlock(64, 64, 1),
                                    BasicBlock(64, 128, 2))
        self.fc = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.layers(self.stem(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1))


def _separable(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU6(),
                         nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU6())


class MobileNetDW(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6())
        self.blocks = nn.Sequential(_separable(32, 64, 1), _separable(64, 128, 2), _separable(128, 128, 1),
                                    _separable(128, 256, 2), _separable(256, 256, 1))
        self.fc = nn.Linear(256, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.blocks(self.stem(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1))


class Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        layer = nn.TransformerEncoderLayer(128, 4, 512, dropout=0.0, batch_first=True, norm_first=True)
        self.layers = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


class DecoderStep(nn.Module):
    """One token attends over a KV cache (static length) and goes through an MLP, pre-norm."""

    def __init__(self, d: int = 256, heads: int = 4) -> None:
        super().__init__()
        self.d, self.heads = d, heads
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d, bias=False) for _ in range(4))
        self.up, self.down = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x: torch.Tensor, k_cache: torch.Tensor, v_cache: torch.Tensor) -> torch.Tensor:
        b, hd = x.shape[0], self.d // self.heads
        h = self.norm1(x)
        q = self.q(h).view(b, 1, self.heads, hd).transpose(1, 2)
        k = torch.cat([k_cache, self.k(h).view(b, 1, self.heads, hd).transpose(1, 2)], dim=2)
        v = torch.cat([v_cache, self.v(h).view(b, 1, self.heads, hd).transpose(1, 2)], dim=2)
        a = torch.softmax(q @ k.transpose(-1, -2) / hd ** 0.5, dim=-1) @ v
        x = x + self.o(a.transpose(1, 2).reshape(b, 1, self.d))
        return x + self.down(torch.nn.functional.gelu(self.up(self.norm2(x))))


#: name -> (model factory, example inputs)
ZOO: dict[str, tuple[Callable[[], nn.Module], Callable[[], tuple[torch.Tensor, ...]]]] = {
    "resnet_nchw": (ResNetNCHW, lambda: (torch.rand(1, 3, 112, 112),)),
    "mobilenet_dw": (MobileNetDW, lambda: (torch.rand(1, 3, 112, 112),)),
    "encoder": (Encoder, lambda: (torch.rand(1, 128, 128),)),
    "decoder_step": (DecoderStep, lambda: (torch.rand(1, 1, 256), torch.rand(1, 4, 256, 64), torch.rand(1, 4, 256, 64))),
}


def _constant_weights(model: nn.Module) -> dict[str, float]:
    """Set every parameter and buffer to one value (1/fan-in, sign alternating per tensor; BatchNorm as identity-ish)."""
    values: dict[str, float] = {}
    with torch.no_grad():
        for i, (name, p) in enumerate([*model.named_parameters(), *model.named_buffers()]):
            if not p.is_floating_point():
                continue
            if name.endswith("running_var") or (p.dim() == 1 and ("bn" in name or "norm" in name) and name.endswith("weight")):
                v = 1.0
            elif name.endswith("running_mean") or name.endswith("bias"):
                v = 0.01 * (-1) ** i
            else:
                fan_in = max(1, p[0].numel()) if p.dim() > 1 else p.numel()
                v = (-1) ** i / fan_in
            p.fill_(v)
            values[name] = v
    return values


def _splat_resources(text: str) -> str:
    """Every dense_resource constant as a splat of its (single) value, and no resource blobs: small files."""
    blobs = dict(re.findall(r'^\s*([\w.$-]+): "0x([0-9A-Fa-f]+)"', text, re.M))

    def splat(m: re.Match[str]) -> str:
        name, ty = m.group(1), m.group(2)
        raw = bytes.fromhex(blobs[name])[4:]  # the blob's first 4 bytes are its alignment
        elt = re.search(r"x?(f32|f16|bf16|i64|i32|i1|f64)>$", ty)
        kind = elt.group(1) if elt else "f32"
        if kind == "f32":
            value: Any = torch.frombuffer(bytearray(raw[:4]), dtype=torch.float32).item() if raw else 0.0
        elif kind == "i64":
            value = int.from_bytes(raw[:8], "little", signed=True) if raw else 0
        else:
            raise ValueError(f"no splat for {kind} resource {name}")
        return f"dense<{value!r}> : {ty}"

    out = re.sub(r"dense_resource<([\w.$-]+)>\s*:\s*(tensor<[^>]*>)", splat, text)
    return re.sub(r"\{-#\s*dialect_resources:.*?#-\}\s*", "", out, flags=re.S)


_CONSTANT = re.compile(r"(%[\w.$-]+) = arith\.constant dense<([^<>]+)> : (tensor<([0-9x]+)xf32>)")
_GLOBAL = re.compile(r"util\.global private (@[\w.$-]+) = dense<([^<>]+)> : (tensor<([0-9x]+)xf32>)")


def _initializer(name: str, tensor: str, dims: list[int], value: float, seed: int) -> str:
    """A `util.initializer` that stores into `name` the tensor whose element at linear index i is
    value * (0.5 + h(i) / 65536), h the top 16 bits of a multiplicative hash of i and `seed`."""
    rank = len(dims)
    ids = ", ".join(f"d{i}" for i in range(rank))
    iterators = ", ".join(['"parallel"'] * rank)
    lines = ["  util.initializer {",
             f"    %e = tensor.empty() : {tensor}",
             f"    %g = linalg.generic {{indexing_maps = [affine_map<({ids}) -> ({ids})>], "
             f"iterator_types = [{iterators}]}} outs(%e : {tensor}) {{",
             "    ^bb0(%out: f32):"]
    lines.append("      %l0 = linalg.index 0 : index")
    for i in range(1, rank):
        lines += [f"      %s{i} = arith.constant {dims[i]} : index",
                  f"      %m{i} = arith.muli %l{i - 1}, %s{i} : index",
                  f"      %x{i} = linalg.index {i} : index",
                  f"      %l{i} = arith.addi %m{i}, %x{i} : index"]
    last = f"%l{rank - 1}"
    lines += [f"      %i = arith.index_cast {last} : index to i32",
              "      %k = arith.constant -1640531535 : i32",
              f"      %c = arith.constant {seed} : i32",
              "      %h0 = arith.addi %i, %c : i32",
              "      %h1 = arith.muli %h0, %k : i32",
              "      %sh = arith.constant 16 : i32",
              "      %h = arith.shrui %h1, %sh : i32",
              "      %f = arith.uitofp %h : i32 to f32",
              "      %scale = arith.constant 1.52587890625e-05 : f32",
              "      %half = arith.constant 5.000000e-01 : f32",
              "      %u = arith.mulf %f, %scale : f32",
              "      %v = arith.addf %u, %half : f32",
              f"      %w0 = arith.constant {value!r} : f32",
              "      %w = arith.mulf %v, %w0 : f32",
              "      linalg.yield %w : f32",
              f"    }} -> {tensor}",
              f"    util.global.store %g, {name} : {tensor}",
              "    util.return",
              "  }"]
    return "\n".join(lines)


def generated_weights(text: str) -> str:
    """Every f32 constant of more than one element (a `util.global` or an `arith.constant` in a
    function) as a global filled by an initializer (see module doc); splats of one element stay."""
    inits: list[str] = []

    def numel(dims: str) -> int:
        n = 1
        for d in dims.split("x"):
            n *= int(d)
        return n

    def add(name: str, tensor: str, dims: str, value: str) -> None:
        inits.append(_initializer(name, tensor, [int(d) for d in dims.split("x")], float(value), len(inits) + 1))

    def global_(m: re.Match[str]) -> str:
        name, value, tensor, dims = m.groups()
        if numel(dims) < 2:
            return m.group(0)
        add(name, tensor, dims, value)
        return f"util.global private {name} : {tensor}"

    def constant(m: re.Match[str]) -> str:
        ssa, value, tensor, dims = m.groups()
        if numel(dims) < 2:
            return m.group(0)
        name = f"@__zoo_constant_{len(inits)}"
        add(name, tensor, dims, value)
        inits[-1] = f"  util.global private {name} : {tensor}\n" + inits[-1]
        return f"{ssa} = util.global.load {name} : {tensor}"

    out = _CONSTANT.sub(constant, _GLOBAL.sub(global_, text))
    head, sep, rest = out.partition("\n  func.func ")
    if not sep:
        raise ValueError("no function in the lowered module")
    return head + "\n" + "\n".join(inits) + sep + rest


def export(name: str, out_dir: Path) -> Path:
    from iree.turbine import aot

    factory, inputs = ZOO[name]
    torch.manual_seed(0)
    model = factory().eval()
    _constant_weights(model)
    exported = aot.export(model, args=inputs())
    with tempfile.TemporaryDirectory() as tmp:
        torch_mlir = Path(tmp, f"{name}.torch.mlir")
        torch_mlir.write_text(_splat_resources(str(exported.mlir_module)))
        dest = out_dir / f"{name}.mlir"
        cmd = [sys.executable, "-m", "iree.compiler.tools.scripts.iree_opt", str(torch_mlir),
               f"--pass-pipeline={TORCH_TO_LINALG}", "-o", str(dest)]
        subprocess.run(cmd, check=True, timeout=600)
    text = generated_weights(dest.read_text())
    header = (f"// litecoop-mlir model zoo: {name}, exported from PyTorch {torch.__version__} by tools/export_zoo.py\n"
              f"// (iree-turbine aot.export, then IREE's torch input passes to linalg on tensors);\n"
              f"// weights are generated by initializers (not splats, which IREE folds): regenerate with that script.\n")
    dest.write_text(header + text)
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--only", nargs="*", choices=sorted(ZOO))
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.only or ZOO:
        path = export(name, args.out)
        print(f"{path}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
