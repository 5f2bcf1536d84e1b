"""The closed set of transforms the search can take: flags, tiles, options, script knobs; their JSON form."""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Iterable, Union

from litecoop_mlir.space.script_knobs import (
    KNOBS,
)
from litecoop_mlir.targets.gpu import (
    GPU_OPTIONS,
)
from litecoop_mlir.targets.strategy import (
    CPU_LEVELS,
    CPU_PIPELINES,
    CPU_TARGETS,
    GPU_LEVELS,
    GPU_PIPELINES,
    TARGET_NAMES,
    TRANSLATION_OPTIONS,
    TargetStrategy,
)

MAX_SCRIPT_LENGTH = 32


class IllegalTransform(ValueError):
    """A transform that is not legal for this kernel and script; the message says why."""


@dataclass(frozen=True)
class FlagSpec:
    """A compiler flag the search may set.

    scope `global` flags change dispatch formation or IREE's configuration (the kernel is
    re-configured under them, so they must precede codegen transforms); `codegen` flags
    only change lowering after configuration. `numerics` marks flags that change rounding.
    """

    flag: str
    values: tuple[str, ...]
    scope: str
    kinds: tuple[str, ...] = ()
    numerics: bool = False
    targets: tuple[str, ...] = CPU_TARGETS
    reshapes: tuple[str, ...] = ()  # values that turn the root op into another op (mmt4d, im2col + matmul)
    implies: tuple[str, ...] = ()  # flags that go with any value but the first (which means "off")
    doc: str = ""  # one line of meaning, for prompts
    off: str = ""  # a value that means "flag not given" (IREE has no spelling for it)
    pipeline_only: bool = False  # acts inside IREE's codegen pipeline: a codegen script node builds the same binary

    def render(self, value: str) -> str:
        return f"{self.flag}={value}"

    def render_all(self, value: str) -> tuple[str, ...]:
        """The flag and the flags it implies for this value (none for the `off` value)."""
        if self.off and value == self.off:
            return ()
        return (self.render(value), *(self.implies if value != self.values[0] else ()))


def render_flags(items: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """Command-line flags for (flag name, value) pairs."""
    return tuple(f for n, v in items for f in FLAGS[n].render_all(v))


FLAGS: dict[str, FlagSpec] = {
    "data_tiling": FlagSpec("--iree-opt-data-tiling", ("true", "false"), "global", ("contraction",), reshapes=("true",),
                  doc="packs matmul operands into cache- and register-sized tiles (the op becomes mmt4d); often the biggest win on f32 matmuls"),
    "im2col": FlagSpec("--iree-global-opt-use-im2col-for-convs", ("true", "false"), "global", ("convolution",), reshapes=("true",),
                  doc="rewrites a convolution as im2col + matmul; often much faster for convolutions with many channels or strides"),
    "opt_level": FlagSpec("--iree-opt-level", ("O1", "O2", "O3"), "global", numerics=True, targets=TARGET_NAMES,
                  doc="IREE's optimization level for the whole module (O3 is the baseline; lower levels may change rounding)"),
    "ukernels": FlagSpec("--iree-llvmcpu-enable-ukernels", ("none", "all", "mmt4d"), "codegen", ("contraction",), pipeline_only=True,
                  doc="uses IREE's hand-written microkernels (with data tiling: mmt4d); 'none' generates code"),
    "reassociate_fp": FlagSpec("--iree-llvmcpu-reassociate-fp-reductions", ("true", "false"), "codegen", numerics=True,
                  doc="lets LLVM reorder float additions in reductions (faster reductions, other rounding)"),
    "vector_width": FlagSpec("--iree-llvmcpu-target-vector-width-in-bytes", ("16", "32", "64"), "global",
                  doc="the vector width IREE configures for, in bytes (16 = SSE, 32 = AVX2, 64 = AVX-512)"),
    "loop_unrolling": FlagSpec("--iree-llvmcpu-loop-unrolling", ("true", "false"), "codegen",
                  doc="LLVM loop unrolling of the generated code"),
    "slp_vectorization": FlagSpec("--iree-llvmcpu-slp-vectorization", ("true", "false"), "codegen",
                  doc="LLVM's SLP vectorizer on the generated code (straight-line vector packing)"),
    "reorder_workgroups": FlagSpec("--iree-codegen-reorder-workgroups-strategy", ("none", "transpose"), "codegen", pipeline_only=True,
                  doc="the order workgroups run in ('transpose' can improve cache reuse between tiles)"),
    "fuse_horizontal": FlagSpec("--iree-dispatch-creation-enable-fuse-horizontal-contractions", ("true", "false"), "global",
                  doc="fuses independent contractions that share an operand into one dispatch"),
    "propagate_transposes": FlagSpec("--iree-opt-aggressively-propagate-transposes", ("true", "false"), "global",
                  doc="moves transposes through other ops so they fold into contractions"),
    # Lower-precision contraction inputs: a numerics/speed trade-off where the target computes in them.
    "demote_contractions": FlagSpec("--iree-global-opt-demote-contraction-inputs-type", ("none", "bf16", "f16"), "global",
                                    ("contraction", "convolution"), numerics=True, targets=TARGET_NAMES,
                                    implies=("--iree-global-opt-demote-contraction-inputs-operations=all",), off="none",
                  doc="computes contractions with bf16/f16 inputs (faster where supported; changes numerics)"),
}


# ---------------------------------------------------------------------------------------
# Transform types
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetTileSizes:
    """Set the tile sizes of one tiling level of the root op (one entry per loop; 0 = untiled)."""

    level: str
    sizes: tuple[int, ...]
    op: ClassVar[str] = "tile"

    def __post_init__(self) -> None:
        if self.level not in CPU_LEVELS + GPU_LEVELS:
            raise IllegalTransform(f"unknown tiling level '{self.level}'")
        if not self.sizes or len(self.sizes) > 16 or any(not isinstance(s, int) or isinstance(s, bool) for s in self.sizes):
            raise IllegalTransform("tile sizes must be 1 to 16 integers")
        if any(s < 0 or s > 1 << 20 for s in self.sizes):
            raise IllegalTransform("tile sizes must be in [0, 2^20]")

    def describe(self) -> str:
        return f"{self.level} = {list(self.sizes)}"


@dataclass(frozen=True)
class SetPipeline:
    """Choose the codegen pipeline of the dispatch."""

    pipeline: str
    op: ClassVar[str] = "pipeline"

    def __post_init__(self) -> None:
        if self.pipeline not in CPU_PIPELINES + GPU_PIPELINES:
            raise IllegalTransform(f"unknown pipeline '{self.pipeline}'")

    def describe(self) -> str:
        return f"pipeline {self.pipeline}"


@dataclass(frozen=True)
class SetOption:
    """Toggle a translation option (loop peeling, decomposition)."""

    name: str
    enabled: bool
    op: ClassVar[str] = "option"

    def __post_init__(self) -> None:
        if self.name not in TRANSLATION_OPTIONS:
            raise IllegalTransform(f"unknown translation option '{self.name}'")
        if not isinstance(self.enabled, bool):
            raise IllegalTransform("option value must be true or false")

    def describe(self) -> str:
        return f"{'enable' if self.enabled else 'disable'} {self.name.removeprefix('enable_')}"


@dataclass(frozen=True)
class SetFlag:
    """Set one pass-pipeline flag from the closed registry `FLAGS`."""

    name: str
    value: str
    op: ClassVar[str] = "flag"

    def __post_init__(self) -> None:
        spec = FLAGS.get(self.name)
        if spec is None:
            raise IllegalTransform(f"unknown flag '{self.name}'")
        if self.value not in spec.values:
            raise IllegalTransform(f"flag {self.name} takes one of {', '.join(spec.values)}, not '{self.value}'")

    @property
    def spec(self) -> FlagSpec:
        return FLAGS[self.name]

    def describe(self) -> str:
        return self.spec.render(self.value)


@dataclass(frozen=True)
class SetGpuOption:
    """Set one GPU pipeline option of the dispatch (MMA intrinsic, operand promotion, prefetch, bank padding)."""

    name: str
    value: str
    op: ClassVar[str] = "gpu"

    def __post_init__(self) -> None:
        spec = GPU_OPTIONS.get(self.name)
        if spec is None:
            raise IllegalTransform(f"unknown GPU option '{self.name}'; known: {', '.join(GPU_OPTIONS)}")
        if self.name == "mma_kind":
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*_\d+x\d+x\d+_[A-Z0-9_]+", self.value):
                raise IllegalTransform(f"mma_kind takes an intrinsic name such as NV_MMA_SYNC_F32_16x8x16_F16, not '{self.value}'")
        elif self.value not in spec[0]:
            raise IllegalTransform(f"GPU option {self.name} takes one of {', '.join(spec[0])}, not '{self.value}'")

    def describe(self) -> str:
        return f"gpu {self.name} = {self.value}"


@dataclass(frozen=True)
class SetWorkgroupSize:
    """Set the GPU workgroup size (x, y, z)."""

    size: tuple[int, int, int]
    op: ClassVar[str] = "workgroup_size"

    def __post_init__(self) -> None:
        if len(self.size) != 3 or any(not isinstance(s, int) or s < 1 or s > 1024 for s in self.size):
            raise IllegalTransform("workgroup size needs 3 integers in [1, 1024]")
        if math.prod(self.size) > 1024:
            raise IllegalTransform("workgroup size product must be at most 1024")

    def describe(self) -> str:
        return f"workgroup_size = {list(self.size)}"


#: How a node's dispatch is lowered: IREE's pipeline configured by attributes, or a codegen script.
CODEGEN_MODES = ("attributes", "script")


@dataclass(frozen=True)
class SetCodegenMode:
    """Lower the dispatch with IREE's pipeline (`attributes`) or with a transform-dialect codegen
    script (`script`) built from the node's tile sizes and script knobs (litecoop_mlir.space.script_render)."""

    mode: str
    op: ClassVar[str] = "codegen"

    def __post_init__(self) -> None:
        if self.mode not in CODEGEN_MODES:
            raise IllegalTransform(f"codegen mode is one of {', '.join(CODEGEN_MODES)}, not '{self.mode}'")

    def describe(self) -> str:
        return "lower with a codegen script" if self.mode == "script" else "lower with IREE's pipeline"


@dataclass(frozen=True)
class SetScriptKnob:
    """Set one op choice of the codegen script (fusion placement, peeling, unrolling, hoisting, lowering)."""

    name: str
    value: str
    op: ClassVar[str] = "script"

    def __post_init__(self) -> None:
        knob = KNOBS.get(self.name)
        if knob is None:
            raise IllegalTransform(f"unknown script knob '{self.name}'; known: {', '.join(KNOBS)}")
        if self.value not in knob.values:
            raise IllegalTransform(f"script knob {self.name} takes one of {', '.join(knob.values)}, not '{self.value}'")

    def describe(self) -> str:
        return f"script {self.name} = {self.value}"


Transform = Union[SetTileSizes, SetPipeline, SetOption, SetFlag, SetWorkgroupSize, SetGpuOption, SetCodegenMode, SetScriptKnob]


TRANSFORM_TYPES: dict[str, type] = {t.op: t for t in (SetTileSizes, SetPipeline, SetOption, SetFlag, SetWorkgroupSize,
                                                      SetGpuOption, SetCodegenMode, SetScriptKnob)}


def transform_aspect(t: Transform) -> tuple[str, str]:
    """What a transform sets (a later transform with the same aspect overwrites it)."""
    return (t.op, getattr(t, "level", "") or getattr(t, "name", ""))


def transform_to_json(t: Transform) -> dict[str, Any]:
    """A transform as a JSON object with an `op` discriminator."""
    d: dict[str, Any] = {"op": t.op}
    for k, v in t.__dict__.items():
        d[k] = list(v) if isinstance(v, tuple) else v
    return d


def transform_from_json(d: Any) -> Transform:
    """Parse one transform from JSON data; raises IllegalTransform with a reason."""
    if not isinstance(d, dict):
        raise IllegalTransform("a transform must be a JSON object")
    op = d.get("op")
    cls = TRANSFORM_TYPES.get(op) if isinstance(op, str) else None
    if cls is None:
        raise IllegalTransform(f"unknown transform op {op!r}; known: {', '.join(TRANSFORM_TYPES)}")
    fields = {k: v for k, v in d.items() if k != "op"}
    expected = {f.name for f in dataclasses.fields(cls)}
    if set(fields) != expected:
        raise IllegalTransform(f"transform '{op}' takes fields {sorted(expected)}, got {sorted(fields)}")
    for k, v in list(fields.items()):
        if isinstance(v, list):
            if not all(isinstance(x, int) and not isinstance(x, bool) for x in v):
                raise IllegalTransform(f"field {k} must be a list of integers")
            fields[k] = tuple(v)
        elif k in ("level", "pipeline", "name", "value", "mode") and not isinstance(v, str):
            raise IllegalTransform(f"field {k} must be a string")
    try:
        return cls(**fields)
    except TypeError as exc:
        raise IllegalTransform(f"bad fields for '{op}': {exc}") from None


# ---------------------------------------------------------------------------------------
# Legality
# ---------------------------------------------------------------------------------------


#: A target given by name or as its strategy.
TargetLike = Union[str, TargetStrategy]
