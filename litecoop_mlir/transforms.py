"""The closed set of transforms the search can take, scripts of them, and legal moves.

A transform is a frozen dataclass with validated fields. A script is an ordered tuple of
transforms from the root; resolved against a kernel it gives a `KernelConfig` (tile sizes
per level, pipeline, options, flags), whose canonical JSON is the script's identity: two
paths to the same configuration hash the same.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Iterable, Iterator, Union

from litecoop_mlir.codegen_script import (
    KNOBS,
    knob_applies,
    knob_defaults,
    partial_tiles,
    ragged_register_dims,
    script_levels,
    unsupported_reason,
)
from litecoop_mlir.targets.gpu import (
    GPU_OPTIONS,
    GpuShape,
    default_mma_kind,
    derived_workgroup_size,
    gpu_violations,
    kernel_intrinsics,
    option_unfit,
    parse_gpu_target,
    script_tiles,
    script_violations,
    spirv,
    workgroup_size_of,
)
from litecoop_mlir.targets.machine import MachineModel
from litecoop_mlir.targets.strategy import (
    CPU_LEVELS,
    CPU_PIPELINES,
    GPU_LEVELS,
    GPU_PIPELINES,
    TRANSLATION_OPTIONS,
    TargetStrategy,
    strategy_for,
)
from litecoop_mlir.workload import Kernel

#: Levels offered even where IREE's default configuration leaves them out.
_ALWAYS_OFFERED = ("distribution", "vector_common_parallel", "vector_reduction", "workgroup", "thread", "reduction")
#: Levels whose entries must be 0 on reduction loops / on parallel loops.
_PARALLEL_ONLY = {"distribution", "cache_parallel", "vector_common_parallel", "vector_inner_parallel", "workgroup", "thread"}
_REDUCTION_ONLY = {"cache_reduction", "vector_reduction", "reduction"}
MAX_SCRIPT_LENGTH = 32
#: IREE 3.13's llvm-cpu limit on a function's stack allocations (--iree-llvmcpu-stack-allocation-limit)
CPU_STACK_LIMIT_BYTES = 32768
_ELEMENT_BYTES = {"f64": 8, "f32": 4, "f16": 2, "bf16": 2, "i64": 8, "i32": 4, "i16": 2, "i8": 1, "i1": 1}


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
    targets: tuple[str, ...] = ("llvm-cpu",)
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
    "opt_level": FlagSpec("--iree-opt-level", ("O1", "O2", "O3"), "global", numerics=True, targets=("llvm-cpu", "vulkan-spirv", "cuda"),
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
                                    ("contraction", "convolution"), numerics=True, targets=("llvm-cpu", "vulkan-spirv", "cuda"),
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
    script (`script`) built from the node's tile sizes and script knobs (litecoop_mlir.codegen_script)."""

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
# Configuration state and scripts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KernelConfig:
    """The resolved configuration of one kernel: what a script amounts to."""

    tiles: tuple[tuple[str, tuple[int, ...]], ...]
    pipeline: str
    options: frozenset[str]
    flags: tuple[tuple[str, str], ...]
    workgroup_size: tuple[int, ...] = ()
    mode: str = "attributes"
    knobs: tuple[tuple[str, str], ...] = ()
    gpu: tuple[tuple[str, str], ...] = ()

    @property
    def tile_map(self) -> dict[str, tuple[int, ...]]:
        return dict(self.tiles)

    @property
    def scripted(self) -> bool:
        """Whether a codegen script lowers the dispatch (instead of IREE's pipeline)."""
        return self.mode == "script"

    def global_flags(self) -> tuple[str, ...]:
        return render_flags((n, v) for n, v in self.flags if FLAGS[n].scope == "global")

    def codegen_flags(self) -> tuple[str, ...]:
        return render_flags((n, v) for n, v in self.flags if FLAGS[n].scope == "codegen")

    def canonical(self) -> dict[str, Any]:
        return {
            "tiles": {k: list(v) for k, v in self.tiles},
            "pipeline": self.pipeline,
            "options": sorted(self.options),
            "flags": dict(self.flags),
            "workgroup_size": list(self.workgroup_size),
            # only script nodes carry these: attribute nodes keep the keys they always had
            **({"codegen": self.mode, "knobs": dict(self.knobs)} if self.scripted else {}),
            **({"gpu": dict(self.gpu)} if self.gpu else {}),
        }

    def gpu_shape(self) -> GpuShape:
        """The configuration as the GPU rules see it."""
        return GpuShape(self.tile_map, self.workgroup_size, dict(self.gpu))


def _translation_options(translation_info: str) -> frozenset[str]:
    return frozenset(o for o in TRANSLATION_OPTIONS if re.search(rf"\b{o}\b", translation_info))


def default_config(kernel: Kernel) -> KernelConfig:
    """IREE's own configuration of `kernel`, as a KernelConfig."""
    return KernelConfig(
        tiles=tuple(sorted(kernel.default_tiles.items())),
        pipeline=kernel.pipeline,
        options=_translation_options(kernel.default_translation_info),
        flags=(),
        workgroup_size=workgroup_size_of(kernel.default_translation_info),
    )


@dataclass(frozen=True)
class Script:
    """An immutable ordered sequence of transforms from the root of the search tree."""

    transforms: tuple[Transform, ...] = ()

    def then(self, *more: Transform) -> "Script":
        return Script(self.transforms + tuple(more))

    def __len__(self) -> int:
        return len(self.transforms)

    def normalized(self) -> "Script":
        """The same configuration without transforms a later one overwrites (order kept)."""
        last: dict[tuple[str, str], int] = {}
        for i, t in enumerate(self.transforms):
            last[transform_aspect(t)] = i
        return Script(tuple(t for i, t in enumerate(self.transforms) if i in last.values()))

    def global_flag_transforms(self) -> tuple[SetFlag, ...]:
        return tuple(t for t in self.transforms if isinstance(t, SetFlag) and t.spec.scope == "global")

    def global_flags(self) -> tuple[str, ...]:
        """Flags that re-configure the module (sorted: order does not matter among them)."""
        last: dict[str, str] = {}
        for t in self.global_flag_transforms():
            last[t.name] = t.value
        return render_flags(sorted(last.items()))

    def resolve(self, kernel: Kernel) -> KernelConfig:
        """Apply the transforms to `kernel`'s default configuration (last write wins)."""
        base = default_config(kernel)
        tiles = dict(base.tiles)
        pipeline, options = base.pipeline, set(base.options)
        flags: dict[str, str] = {}
        wg = base.workgroup_size
        mode, knobs = base.mode, dict(base.knobs)
        gpu: dict[str, str] = {}
        wg_set = False
        for t in self.transforms:
            if isinstance(t, SetTileSizes):
                tiles[t.level] = t.sizes
            elif isinstance(t, SetPipeline):
                pipeline = t.pipeline
            elif isinstance(t, SetOption):
                (options.add if t.enabled else options.discard)(t.name)
            elif isinstance(t, SetFlag):
                flags[t.name] = t.value
            elif isinstance(t, SetWorkgroupSize):
                wg, wg_set = t.size, True
            elif isinstance(t, SetGpuOption):
                gpu[t.name] = t.value
            elif isinstance(t, SetCodegenMode):
                mode = t.mode
            elif isinstance(t, SetScriptKnob):
                knobs[t.name] = t.value
        # a script's knobs in full (defaults where unset), so equal scripts hash the same
        knobs = {**knob_defaults(kernel), **{n: v for n, v in knobs.items() if knob_applies(kernel, n)}} if mode == "script" else {}
        gpu = {n: v for n, v in gpu.items() if v != "default"}
        if mode == "script":  # a script maps its threads itself: the workgroup size follows from its tiles (codegen_script)
            wg = ()
        elif kernel.gpu_target and not wg_set and (tiles != dict(base.tiles) or gpu):  # follows the tiles unless set
            wg = derived_workgroup_size(kernel, GpuShape(tiles, wg, gpu)) or wg
        return KernelConfig(tuple(sorted(tiles.items())), pipeline, frozenset(options), tuple(sorted(flags.items())), wg,
                            mode, tuple(sorted(knobs.items())), tuple(sorted(gpu.items())))

    @property
    def scripted(self) -> bool:
        """Whether a codegen script lowers the dispatch (the last codegen move chose one): resolve(k).scripted, cheaply."""
        modes = [t.mode for t in self.transforms if isinstance(t, SetCodegenMode)]
        return bool(modes) and modes[-1] == "script"

    def key(self, kernel: Kernel) -> str:
        """Stable hash of the canonical (resolved) form."""
        blob = json.dumps(self.resolve(kernel).canonical(), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def reshaping_flag(self) -> SetFlag | None:
        """The last flag transform that turns the root op into another op, if any."""
        hits = [t for t in self.transforms if isinstance(t, SetFlag) and t.value in t.spec.reshapes]
        return hits[-1] if hits else None

    def changes_numerics(self) -> bool:
        """Whether a flag of the script may change rounding (fast-math reassociation, lower precision,
        another opt level): such a script wins only under an explicit error bound."""
        return any(isinstance(t, SetFlag) and t.spec.numerics for t in self.transforms)

    def changes_codegen(self) -> bool:
        return any(not isinstance(t, SetFlag) for t in self.transforms)

    def to_json(self) -> list[dict[str, Any]]:
        return [transform_to_json(t) for t in self.transforms]

    @classmethod
    def from_json(cls, data: Any) -> "Script":
        if isinstance(data, dict) and "transforms" in data:
            data = data["transforms"]
        if not isinstance(data, list):
            raise IllegalTransform("a script is a JSON list of transforms (or {\"transforms\": [...]})")
        if len(data) > MAX_SCRIPT_LENGTH:
            raise IllegalTransform(f"a script holds at most {MAX_SCRIPT_LENGTH} transforms")
        return cls(tuple(transform_from_json(d) for d in data))

    def describe(self) -> str:
        return "; ".join(t.describe() for t in self.transforms) or "(IREE default)"


# ---------------------------------------------------------------------------------------
# Legality
# ---------------------------------------------------------------------------------------


#: A target given by name or as its strategy.
TargetLike = Union[str, TargetStrategy]


def machine_for(kernel: Kernel, host: MachineModel | None = None) -> MachineModel:
    """The machine `kernel` was configured for: the ISA and vector width of its target, the host's caches."""
    return strategy_for("llvm-cpu").machine(kernel, host)


def element_bytes(kernel: Kernel) -> int:
    """Bytes per element of the kernel's element type (4 when unknown)."""
    return _ELEMENT_BYTES.get(kernel.element_type, 4)


def _is_pow2(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def _vector_shape(kernel: Kernel, tiles: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    par = tiles.get("vector_common_parallel", ())
    red = tiles.get("vector_reduction", ())
    shape = []
    for i in range(kernel.num_loops):
        p = par[i] if i < len(par) else 0
        r = red[i] if i < len(red) else 0
        shape.append(max(p, r, 1))
    return tuple(shape)


def check_config(kernel: Kernel, cfg: KernelConfig, target: TargetLike = "llvm-cpu", machine: MachineModel | None = None) -> None:
    """Raise IllegalTransform with a precise reason if `cfg` breaks a rule for `kernel`.

    A rule IREE's own configuration already breaks (e.g. a distribution tile that does not
    divide a prime loop bound, which IREE handles by its own means) is not held against a
    move: only new violations make a configuration illegal.
    """
    strat = strategy_for(target)
    machine = machine or strat.machine(kernel)
    inherited = _default_violations(kernel, strat, machine)
    for why in _violations(kernel, cfg, strat, machine):
        if why not in inherited:
            raise IllegalTransform(why)


@functools.lru_cache(maxsize=256)
def _default_violations(kernel: Kernel, target: TargetStrategy, machine: MachineModel) -> frozenset[str]:
    return frozenset(_violations(kernel, default_config(kernel), target, machine))


def _violations(kernel: Kernel, cfg: KernelConfig, target: TargetStrategy, machine: MachineModel) -> Iterator[str]:
    """Every rule `cfg` breaks for `kernel`, as a reason."""
    n = kernel.num_loops
    tiles = {lv: v for lv, v in cfg.tile_map.items() if not cfg.scripted or lv in script_levels(kernel)}  # a script reads only these
    peeling = dict(cfg.knobs).get("peel") == "on" if cfg.scripted else "enable_loop_peeling" in cfg.options
    padding = cfg.scripted and dict(cfg.knobs).get("pad") == "on"
    if cfg.scripted:
        yield from _script_violations(kernel, cfg, target)
        if kernel.kind == "reduction" and not unsupported_reason(kernel, target):
            yield from _row_reduction_script_violations(kernel, tiles, machine)
    for level, sizes in tiles.items():
        if level not in target.levels and kernel.default_tiles and level not in kernel.default_tiles:
            yield f"level {level} does not exist on {target}"
        if len(sizes) != n:
            yield f"{level} needs one entry per loop ({n}), got {len(sizes)}"
        for i, (s, it, bound) in enumerate(zip(sizes, kernel.iterator_types, kernel.loop_bounds)):
            if not target.cpu_tile_rules:  # GPU pipelines put 1s on reduction loops of workgroup tiles
                if bound and s > bound:
                    yield f"{level}[{i}] = {s} exceeds the loop bound {bound}"
                continue
            if s and level in _PARALLEL_ONLY and it == "reduction":
                yield f"{level}[{i}] = {s} tiles a reduction loop; it must be 0"
            if s and level in _REDUCTION_ONLY and it == "parallel":
                yield f"{level}[{i}] = {s} tiles a parallel loop; it must be 0"
            if bound and s > bound:
                yield f"{level}[{i}] = {s} exceeds the loop bound {bound}"
            default = kernel.default_tiles.get(level, ())
            if i in kernel.packed_inner_loops and i < len(default) and s != default[i]:
                yield f"{level}[{i}] = {s} re-tiles a packed inner loop (the data layout fixed it at {default[i]})"
    if not target.cpu_tile_rules:
        if kernel.gpu_target and cfg.scripted:
            yield from script_violations(kernel, tiles, parse_gpu_target(kernel.gpu_target), dict(cfg.knobs))
        elif kernel.gpu_target:
            yield from gpu_violations(kernel, cfg.gpu_shape(), parse_gpu_target(kernel.gpu_target))
        return
    # Nesting: inner tiles divide the enclosing tile (or the loop bound), unless peeled.
    outer_par = tiles.get("cache_parallel") or tiles.get("distribution") or ()
    for level in ("vector_common_parallel", "vector_reduction"):
        inner = tiles.get(level, ())
        for i, s in enumerate(inner):
            if not s:
                continue
            enclosing = (outer_par[i] if i < len(outer_par) and outer_par[i] else 0) or kernel.loop_bounds[i]
            if enclosing and s > enclosing:
                yield f"{level}[{i}] = {s} is larger than the enclosing tile {enclosing}"
            elif enclosing and enclosing % s and not (peeling or padding):
                yield (
                    f"{level}[{i}] = {s} does not divide the enclosing tile {enclosing}; "
                    "choose a divisor or enable loop peeling" + (" (or padding)" if knob_applies(kernel, "pad") else "")
                )
    dist = tiles.get("distribution", ())
    cache = tiles.get("cache_parallel", ())
    for i, s in enumerate(cache):
        d = dist[i] if i < len(dist) else 0
        if s and d and (s > d or (d % s and not peeling)):
            yield f"cache_parallel[{i}] = {s} must divide the distribution tile {d}"
    for i, s in enumerate(dist):
        bound = kernel.loop_bounds[i] if i < n else 0
        if s and bound and bound % s and cfg.scripted:
            if not padding:
                yield (f"distribution[{i}] = {s} does not divide the loop bound {bound}: a script's partial workgroup tiles "
                       "do not vectorize unless padded (only register loops peel); choose a divisor"
                       + (" or set pad = on" if knob_applies(kernel, "pad") else ""))
        elif s and bound and bound % s and not peeling:
            yield f"distribution[{i}] = {s} does not divide the loop bound {bound}; enable loop peeling"
    # Vector size limit and register budget.
    shape = _vector_shape(kernel, tiles)
    ebytes = element_bytes(kernel)
    vbytes = math.prod(shape) * ebytes
    if vbytes >= machine.max_vector_bytes:
        yield f"vector tile {list(shape)} is {vbytes} B; llvm-cpu rejects vectors of {machine.max_vector_bytes} B or more"
    par = tiles.get("vector_common_parallel", ())
    inner_dims = [i for i, s in enumerate(par) if s and kernel.iterator_types[i] == "parallel"]
    if inner_dims:
        inner = par[inner_dims[-1]]
        if not _is_pow2(inner):
            yield f"innermost vector width {inner} is not a power of two (scalarizes)"
    if kernel.kind == "contraction" and kernel.dims.get("n") and kernel.dims.get("m") and par and len(par) == n:
        yield from _register_tile_violations(kernel, tiles, machine)


def _script_violations(kernel: Kernel, cfg: KernelConfig, target: TargetStrategy) -> Iterator[str]:
    """Rules only a codegen script has: a kernel it can lower, at most 3 workgroup-tiled loops, knobs that apply."""
    why = unsupported_reason(kernel, target)
    if why:
        yield why
        return
    level = next(iter(script_levels(kernel)))  # the workgroup tile's level
    dist = cfg.tile_map.get(level, ())
    tiled = [i for i, s in enumerate(dist) if s and s != kernel.loop_bounds[i] and kernel.iterator_types[i] == "parallel"]
    if not tiled:
        yield (f"the workgroup tile ({level}) tiles no loop: a script needs at least one loop split over workgroups "
               "(one workgroup would hold whole intermediate tensors on its stack)")
    if len(tiled) > 3:
        yield (f"the workgroup tile ({level}) tiles {len(tiled)} loops {tiled}; a script maps at most 3 to workgroups: "
               "set the others to 0 or their full loop bound")
    knobs = dict(cfg.knobs)
    for name in knobs:
        if not knob_applies(kernel, name):
            yield f"script knob {name} does not apply to this dispatch"
    tiles = cfg.tile_map
    if kernel.kind == "convolution" and len(kernel.dims.get("output_image", ())) == 2 and kernel.dims.get("filter_loop"):
        oh, kh = kernel.dims["output_image"][0], kernel.dims["filter_loop"][0]
        reg, red = tiles.get("vector_common_parallel", ()), tiles.get("vector_reduction", ())
        if (reg[oh] if oh < len(reg) else 0) != 1 or (red[kh] if kh < len(red) else 0) != 1:
            yield (f"a script decomposes the convolution along its rows: the register tile of the output row "
                   f"(vector_common_parallel[{oh}]) and the reduction tile of the filter row (vector_reduction[{kh}]) must be 1")
    if not kernel.gpu_target and kernel.has_consumer and knobs.get("fuse_consumer") == "workgroup":
        held = math.prod(s if s else kernel.loop_bounds[d] for d, s in enumerate(dist) if kernel.iterator_types[d] == "parallel")
        if held * element_bytes(kernel) > CPU_STACK_LIMIT_BYTES:
            yield (f"with fuse_consumer = workgroup, the root's workgroup tile ({held * element_bytes(kernel)} B) is held "
                   f"on the stack until its consumer runs; IREE allows {CPU_STACK_LIMIT_BYTES} B: a smaller workgroup tile "
                   "or fuse_consumer = register")
    unroll = int(knobs.get("unroll_reduction", "1"))
    red = [(s, kernel.loop_bounds[d]) for d, s in enumerate(tiles.get("vector_reduction", ())) if s and kernel.iterator_types[d] == "reduction"]
    steps = -(-red[-1][1] // red[-1][0]) if red else 0  # of the unrolled (innermost) reduction loop
    if knobs.get("pad") == "on" and unroll > 1 and steps % unroll:
        yield (f"pad = on and unroll_reduction = {unroll}: the reduction loop's {steps} steps leave a remainder whose padded "
               "tile IREE cannot place on the stack ('all stack allocations need to be hoisted'); choose a reduction tile "
               "whose step count the unroll factor divides")
    if knobs.get("peel") == "on" and not ragged_register_dims(kernel, dist, tiles.get("vector_common_parallel", ())):
        yield "peel = on, but every register tile divides its workgroup tile: there is nothing to peel"
    if knobs.get("pad") == "on" and not partial_tiles(kernel, tiles):
        yield "pad = on, but every tile divides its loop and enclosing tile: there is nothing to pad"


def _row_reduction_script_violations(kernel: Kernel, tiles: dict[str, tuple[int, ...]], machine: MachineModel) -> Iterator[str]:
    """A row-reduction script keeps rows x width partial accumulators per reduction in registers."""
    n = kernel.num_loops
    red = tiles.get("vector_reduction", ())
    width, bound = (red[n - 1] if len(red) == n else 0), kernel.loop_bounds[n - 1]
    lanes = machine.lanes(element_bytes(kernel))
    if not width:
        yield (f"a reduction script needs a reduction tile (vector_reduction[{n - 1}]): the width of the lane-wise "
               "partial accumulators of each row")
        return
    if width % lanes and width != bound:
        yield f"vector_reduction[{n - 1}] = {width}: partial accumulators fill whole {lanes}-lane registers; use a multiple of {lanes}"
    rows = math.prod(max(s, 1) for s in tiles.get("vector_common_parallel", (1,) * n)[:n - 1])
    regs = rows * math.ceil(width / lanes)
    if regs > machine.vector_registers:
        yield (f"{rows} register rows x {width} partial accumulators need {regs} vector registers; the target has "
               f"{machine.vector_registers}: they would spill")


def _register_tile_violations(kernel: Kernel, tiles: dict[str, tuple[int, ...]], machine: MachineModel) -> Iterator[str]:
    """A contraction's register tile: power-of-two contiguous widths that fill whole SIMD
    registers, and accumulators plus operands within the machine's vector registers."""
    par, red = tiles.get("vector_common_parallel", ()), tiles.get("vector_reduction", ())
    n_i = kernel.dims["n"][-1]
    nn = max(par[n_i], 1)
    # every other parallel dim multiplies the accumulator rows (mmt4d: M1 x M0, N1; batch dims)
    rows = [d for d in (*kernel.dims.get("batch", ()), *kernel.dims["m"], *kernel.dims["n"][:-1]) if d < len(par)]
    m = math.prod(max(par[d], 1) for d in rows)
    lanes = machine.lanes(element_bytes(kernel))
    for d in (*kernel.dims.get("n", ()), *kernel.dims.get("k", ())):
        for lvl, vals in (("vector_common_parallel", par), ("vector_reduction", red)):
            if d < len(vals) and vals[d] > 1 and not _is_pow2(vals[d]):
                yield f"{lvl}[{d}] = {vals[d]}: vector tiles on contiguous N/K dims must be powers of two"
    if nn % lanes and kernel.loop_bounds[n_i] >= lanes:
        yield f"contiguous vector width {nn} does not fill whole {lanes}-lane SIMD registers; use a multiple of {lanes}"
    regs = m * math.ceil(nn / lanes) + math.ceil(nn / lanes) + 1
    if regs > machine.vector_registers:
        yield (f"register tile {m}x{nn} needs {regs} vector registers (accumulators + operands); "
               f"the target has {machine.vector_registers}: it would spill")


def validate(kernel: Kernel, script: Script, transform: Transform, target: TargetLike = "llvm-cpu", machine: MachineModel | None = None) -> Script:
    """Return `script` extended by `transform`, or raise IllegalTransform saying why not."""
    return validate_step(kernel, script, (transform,), target, machine)


def validate_step(kernel: Kernel, script: Script, transforms: Iterable[Transform], target: TargetLike = "llvm-cpu",
                  machine: MachineModel | None = None) -> Script:
    """Return `script` extended by the transforms of one step, or raise IllegalTransform saying why not.

    Each transform is checked for its place in the sequence (flags before tiles, levels the
    target has), but the configuration rules apply to the step's result only: the order of
    the transforms inside one step does not matter to them.
    """
    strat = strategy_for(target)
    new = script
    for t in transforms:
        _check_transform(kernel, new, t, strat)
        new = new.then(t)
    k = codegen_kernel(kernel, new) if new.changes_codegen() else kernel
    check_config(k, new.resolve(k), strat, machine)
    return new


def codegen_kernel(kernel: Kernel, script: Script) -> Kernel:
    """The dispatch the codegen transforms of `script` configure: `kernel`, or the dispatch the
    script's reshaping flag (im2col, data tiling) makes of it. Raises IllegalTransform when that
    dispatch cannot be told (e.g. the flag reshapes several dispatches of a module at once)."""
    flag = script.reshaping_flag()
    if flag is None:
        return kernel
    k = kernel.reshape(script.global_flags()) if kernel.reshape is not None else None
    if k is None:
        raise IllegalTransform(f"{flag.describe()} turns the root op into another op, and which dispatch it becomes cannot be "
                               "told here; only codegen flags apply after it")
    return k


def effective_kernel(kernel: Kernel, script: Script) -> Kernel:
    """`codegen_kernel`, or `kernel` itself where that cannot be told (for listing moves and showing configurations)."""
    try:
        return codegen_kernel(kernel, script)
    except IllegalTransform:
        return kernel


def _check_transform(kernel: Kernel, script: Script, transform: Transform, target: TargetStrategy) -> None:
    """The rules on `transform` as the next op of `script`, apart from the configuration rules."""
    if len(script) >= MAX_SCRIPT_LENGTH:
        raise IllegalTransform(f"scripts are limited to {MAX_SCRIPT_LENGTH} transforms")
    if isinstance(transform, SetFlag):
        spec = transform.spec
        if target.name not in spec.targets:
            raise IllegalTransform(f"flag {transform.name} does not apply to {target}")
        kinds = {kernel.kind, effective_kernel(kernel, script).kind}  # after im2col a convolution is a matmul
        if spec.kinds and not kinds & set(spec.kinds):
            raise IllegalTransform(f"flag {transform.name} applies to {'/'.join(spec.kinds)} kernels, not {kernel.kind}")
        if spec.scope == "global" and script.changes_codegen():
            raise IllegalTransform(f"{transform.name} re-configures the module; set it before any tiling or pipeline transform")
    if not isinstance(transform, SetFlag):
        kernel = codegen_kernel(kernel, script)  # after a reshaping flag: the dispatch it made
    scripted = script.scripted
    if scripted and isinstance(transform, SetFlag) and transform.spec.pipeline_only:
        raise IllegalTransform(f"{transform.describe()}: it acts inside IREE's codegen pipeline, which the codegen script "
                               "replaces (the module builds to the same binary)")
    if isinstance(transform, SetCodegenMode) and transform.mode == "script":
        why = unsupported_reason(kernel, target)
        if why:
            raise IllegalTransform(f"no codegen script for this dispatch: {why}")
    if isinstance(transform, SetCodegenMode) and transform.mode == "attributes" and scripted:
        raise IllegalTransform("a script node stays a script (IREE's attribute configurations grow from the tree's root)")
    if isinstance(transform, SetScriptKnob):
        if not scripted:
            raise IllegalTransform(f"{transform.describe()} needs a script node: set codegen mode 'script' first")
        if not knob_applies(kernel, transform.name):
            raise IllegalTransform(f"script knob {transform.name} does not apply to this dispatch")
    if scripted and isinstance(transform, (SetPipeline, SetOption, SetWorkgroupSize)):
        raise IllegalTransform(f"{transform.describe()}: a codegen script replaces IREE's pipeline, so this has no effect here")
    if scripted and isinstance(transform, SetTileSizes) and transform.level not in script_levels(kernel):
        raise IllegalTransform(f"level {transform.level} is not read by the codegen script (it reads {', '.join(script_levels(kernel))})")
    if isinstance(transform, SetGpuOption):
        _check_gpu_option(kernel, transform, target)
    if isinstance(transform, SetWorkgroupSize) and not target.workgroup_size:
        raise IllegalTransform(f"workgroup size does not apply to {target.name}")
    if isinstance(transform, SetTileSizes) and transform.level not in target.levels:
        raise IllegalTransform(f"level {transform.level} is not a {target.name} tiling level ({', '.join(target.levels)})")
    if isinstance(transform, SetPipeline) and transform.pipeline not in target.legal_pipelines(kernel):
        raise IllegalTransform(f"pipeline {transform.pipeline} is not legal for a {kernel.kind} kernel here")
    if isinstance(transform, SetOption) and transform.name not in target.translation_options:
        raise IllegalTransform(f"translation option {transform.name} does not apply to {target.name}")


def _check_gpu_option(kernel: Kernel, t: SetGpuOption, target: TargetStrategy) -> None:
    if t.name not in target.gpu_options:
        raise IllegalTransform(f"GPU option {t.name} does not apply to {target.name}"
                               + (f" (it has {', '.join(target.gpu_options)})" if target.gpu_options else ""))
    why = option_unfit(kernel, t.name)
    if why:
        raise IllegalTransform(why)
    gpu = parse_gpu_target(kernel.gpu_target)
    if t.name == "mma_kind":
        have = kernel_intrinsics(kernel, gpu) if gpu else ()
        if t.value not in have:
            raise IllegalTransform(f"mma_kind {t.value} does not fit this dispatch's types on this target; choose one of {', '.join(have) or 'none'}")


# ---------------------------------------------------------------------------------------
# Legal moves
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoveSpace:
    """A family of legal moves with per-loop parameter ranges (for prompts and samplers)."""

    op: str
    level: str = ""
    choices: tuple[tuple[int, ...], ...] = ()
    values: tuple[str, ...] = ()
    name: str = ""

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"op": self.op}
        if self.level:
            d["level"] = self.level
            d["per_loop_choices"] = [list(c) for c in self.choices]
        if self.name:
            d["name"] = self.name
        if self.values:
            d["values"] = list(self.values)
        return d


def _pow2_upto(limit: int) -> list[int]:
    out, v = [], 1
    while v <= limit:
        out.append(v)
        v *= 2
    return out


def _level_choices(kernel: Kernel, level: str) -> tuple[tuple[int, ...], ...]:
    per_loop = []
    fixed = kernel.packed_inner_loops
    default = kernel.default_tiles.get(level, ())
    for i, (it, bound) in enumerate(zip(kernel.iterator_types, kernel.loop_bounds)):
        bound = bound or 256
        allowed_here = not ((level in _PARALLEL_ONLY and it == "reduction") or (level in _REDUCTION_ONLY and it == "parallel"))
        if kernel.gpu_target:  # workgroup, thread and subgroup tiles split parallel loops; reduction tiles the others
            allowed_here = (it == "reduction") == (level == "reduction")
        if i in fixed or (kernel.gpu_target and not allowed_here):
            per_loop.append((default[i] if i < len(default) else 0,))
        elif not allowed_here:
            per_loop.append((0,))
        elif level == "subgroup" or (level == "reduction" and bool(default_mma_kind(kernel))):
            per_loop.append(tuple(v for v in (1, 2, 4, 8) if v <= bound))  # in MMA intrinsic tiles
        elif level.startswith("vector") or level == "thread":
            vals = [v for v in (1, 2, 3, 4, 6, 8, 12, 16, 32) if v <= bound]
            per_loop.append(tuple(vals))
        else:
            vals = [0] + [v for v in _pow2_upto(min(bound, 512)) if v >= 4] + ([bound] if bound <= 1024 else [])
            per_loop.append(tuple(sorted(set(vals))))
    return tuple(per_loop)


def move_spaces(kernel: Kernel, script: Script, target: TargetLike = "llvm-cpu") -> list[MoveSpace]:
    """The families of moves to consider at (kernel, script), with parameter ranges."""
    strat = strategy_for(target)
    spaces: list[MoveSpace] = []
    if script.reshaping_flag() is not None:
        try:  # after a reshaping flag, codegen moves configure the dispatch it made
            kernel = codegen_kernel(kernel, script)
        except IllegalTransform:  # which one cannot be told: only codegen flags
            return [MoveSpace("flag", name=n, values=f.values) for n, f in FLAGS.items()
                    if f.scope == "codegen" and strat.name in f.targets and (not f.kinds or kernel.kind in f.kinds)]
    levels = [lv for lv in strat.levels if lv in kernel.default_tiles or lv in _ALWAYS_OFFERED]
    levels = [lv for lv in levels if not (lv in _REDUCTION_ONLY and "reduction" not in kernel.iterator_types)]
    if kernel.gpu_target:  # an MMA configuration distributes subgroups, any other threads
        levels = [lv for lv in levels if lv != ("thread" if bool(default_mma_kind(kernel)) else "subgroup")]
    scripted = script.scripted
    if scripted:  # a script reads its levels whatever IREE's configuration holds (an MMA one has no thread tile)
        levels = [lv for lv in script_levels(kernel) if lv in strat.levels]
    for lv in levels:
        spaces.append(MoveSpace("tile", level=lv, choices=_level_choices(kernel, lv)))
    if scripted:
        spaces += [MoveSpace("script", name=n, values=k.values) for n, k in KNOBS.items() if knob_applies(kernel, n)]
    elif not unsupported_reason(kernel, strat):
        spaces.append(MoveSpace("codegen", values=("script",)))
    if "enable_loop_peeling" in strat.translation_options and not scripted:
        spaces.append(MoveSpace("option", name="enable_loop_peeling", values=("true", "false")))
    if "enable_decomposition" in strat.translation_options and kernel.kind == "convolution" and not scripted:
        spaces.append(MoveSpace("option", name="enable_decomposition", values=("true", "false")))
    pipes = strat.legal_pipelines(kernel)
    if len(pipes) > 1 and not scripted:
        spaces.append(MoveSpace("pipeline", values=pipes))
    if strat.workgroup_size and not scripted:
        spaces.append(MoveSpace("workgroup_size", choices=_workgroup_size_choices(kernel)))
    gpu = parse_gpu_target(kernel.gpu_target)
    for name in (n for n in strat.gpu_options if not option_unfit(kernel, n) and not scripted):
        values = kernel_intrinsics(kernel, gpu) if name == "mma_kind" and gpu else GPU_OPTIONS[name][0][1:]  # not "default"
        spaces.append(MoveSpace("gpu", name=name, values=tuple(values)))
    for name, spec in FLAGS.items():
        if strat.name not in spec.targets or (spec.kinds and kernel.kind not in spec.kinds):
            continue
        if (spec.scope == "global" and script.changes_codegen()) or (scripted and spec.pipeline_only):
            continue
        spaces.append(MoveSpace("flag", name=name, values=spec.values))
    return spaces


def script_conversion(kernel: Kernel) -> tuple[Transform, ...]:
    """The step that turns IREE's configuration of `kernel` into its codegen script: the mode, and what a
    script needs where IREE's own tiles do not fit one (on llvm-cpu, padding where they leave partial tiles;
    on a GPU, the tiles nearest IREE's that a script can map to blocks and threads)."""
    step: tuple[Transform, ...] = (SetCodegenMode("script"),)
    if kernel.gpu_target:
        found = script_tiles(kernel, parse_gpu_target(kernel.gpu_target))
        if found is None:
            return step
        tiles, hoist = found
        return (step + tuple(SetTileSizes(lv, v) for lv, v in tiles.items() if kernel.default_tiles.get(lv) != v)
                + ((SetScriptKnob("hoist", hoist),) if hoist != KNOBS["hoist"].values[0] else ()))
    if knob_applies(kernel, "pad") and partial_tiles(kernel, kernel.default_tiles):
        return step + (SetScriptKnob("pad", "on"),)
    return step


def legal_moves(kernel: Kernel, script: Script, target: TargetLike = "llvm-cpu", *, limit: int = 4096, machine: MachineModel | None = None) -> list[Transform]:
    """Enumerate legal next transforms (tile moves over the per-loop grid, bounded by `limit`)."""
    current = script.resolve(effective_kernel(kernel, script))
    out: list[Transform] = []
    for space in move_spaces(kernel, script, target):
        for t in _expand(space, current):
            try:
                validate(kernel, script, t, target, machine)
            except IllegalTransform:
                continue
            out.append(t)
            if len(out) >= limit:
                return out
    return out


def _expand(space: MoveSpace, current: KernelConfig) -> Iterator[Transform]:
    if space.op == "tile":
        for sizes in _grid(space.choices, 20000):
            if current.tile_map.get(space.level) != sizes:
                yield SetTileSizes(space.level, sizes)
    elif space.op == "option":
        for v in (True, False):
            if (space.name in current.options) != v:
                yield SetOption(space.name, v)
    elif space.op == "pipeline":
        for p in space.values:
            if p != current.pipeline:
                yield SetPipeline(p)
    elif space.op == "flag":
        have = dict(current.flags)
        for v in space.values:
            if have.get(space.name) != v:
                yield SetFlag(space.name, v)
    elif space.op == "codegen":
        for v in space.values:
            if v != current.mode:
                yield SetCodegenMode(v)
    elif space.op == "script":
        have = dict(current.knobs)
        for v in space.values:
            if have.get(space.name) != v:
                yield SetScriptKnob(space.name, v)
    elif space.op == "gpu":
        have = dict(current.gpu)
        for v in space.values:
            if have.get(space.name, "default") != v:
                yield SetGpuOption(space.name, v)
    elif space.op == "workgroup_size":
        for x in space.choices[0]:
            for y in space.choices[1]:
                if x * y <= 1024:
                    yield SetWorkgroupSize((x, y, 1))


def _workgroup_size_choices(kernel: Kernel) -> tuple[tuple[int, ...], ...]:
    """Workgroup sizes within the target's limits: x and y per dimension, z = 1."""
    gpu = parse_gpu_target(kernel.gpu_target)
    cap_x, cap_y = (gpu.max_workgroup_sizes[0], gpu.max_workgroup_sizes[1]) if gpu else (1024, 1024)
    return (tuple(v for v in (32, 64, 128, 256, 512) if v <= cap_x), tuple(v for v in (1, 2, 4, 8) if v <= cap_y), (1,))


def _grid(choices: tuple[tuple[int, ...], ...], cap: int) -> Iterator[tuple[int, ...]]:
    total = math.prod(len(c) for c in choices)
    if total > cap:
        return
    def rec(i: int, acc: list[int]) -> Iterator[tuple[int, ...]]:
        if i == len(choices):
            yield tuple(acc)
            return
        for v in choices[i]:
            acc.append(v)
            yield from rec(i + 1, acc)
            acc.pop()
    yield from rec(0, [])


def legal_tile_sizes(kernel: Kernel, script: Script, level: str, target: TargetLike = "llvm-cpu", *,
                     machine: MachineModel | None = None, cap: int = 48,
                     space: MoveSpace | None = None) -> tuple[list[tuple[int, ...]], int]:
    """The tile-size tuples of `level` that are legal after `script`, jointly (every rule at
    once), up to `cap`, and how many legal ones were found. Small grids are enumerated whole;
    large ones (many loops) as the current tuple with one or two loops changed. `space`: the
    level's move space, where the caller has it already."""
    space = space or next((sp for sp in move_spaces(kernel, script, target) if sp.op == "tile" and sp.level == level), None)
    if space is None:
        return [], 0
    current = script.resolve(effective_kernel(kernel, script)).tile_map.get(level) or tuple(c[0] for c in space.choices)
    if math.prod(len(c) for c in space.choices) <= 512:
        candidates: Iterable[tuple[int, ...]] = _grid(space.choices, 512)
    else:
        candidates = _neighbours(current, space.choices)
    legal: list[tuple[int, ...]] = []
    for sizes in candidates:
        if sizes == current:
            continue
        try:
            validate(kernel, script, SetTileSizes(level, sizes), target, machine)
        except IllegalTransform:
            continue
        legal.append(sizes)
    return legal[:cap], len(legal)


def _neighbours(current: tuple[int, ...], choices: tuple[tuple[int, ...], ...]) -> Iterator[tuple[int, ...]]:
    """`current` with one loop changed to each of its choices, then with two loops changed."""
    free = [i for i, c in enumerate(choices) if len(c) > 1]
    for i in free:
        for v in choices[i]:
            yield current[:i] + (v,) + current[i + 1:]
    for a in range(len(free)):
        for b in range(a + 1, len(free)):
            i, j = free[a], free[b]
            for v in choices[i]:
                for w in choices[j]:
                    t = list(current)
                    t[i], t[j] = v, w
                    yield tuple(t)


def tile_rules(kernel: Kernel, level: str, machine: MachineModel, target: TargetLike = "llvm-cpu") -> str:
    """The rules a `level` tuple must meet for `kernel`, in words and numbers."""
    strat = strategy_for(target)
    n = kernel.num_loops
    bounds = "x".join(map(str, kernel.loop_bounds))
    rules = [f"{n} integers, one per loop (bounds {bounds}), each at most its loop bound; 0 leaves a loop untiled"]
    if not strat.cpu_tile_rules:
        return "; ".join(rules + _gpu_tile_rules(kernel, level))
    if level in _PARALLEL_ONLY:
        rules.append("0 on reduction loops " + str([i for i, t in enumerate(kernel.iterator_types) if t == "reduction"]))
    if level in _REDUCTION_ONLY:
        rules.append("0 on parallel loops " + str([i for i, t in enumerate(kernel.iterator_types) if t == "parallel"]))
    if level == "distribution":
        rules.append("each entry divides its loop bound (or enable_loop_peeling; in a codegen script: pad = on)")
    if level.startswith("vector"):
        lanes = machine.lanes(element_bytes(kernel))
        rules.append("each entry divides the enclosing cache_parallel/distribution tile (or enable_loop_peeling; "
                     "in a codegen script: peel = on or pad = on)")
        rules.append(f"the vector tile (product of the vector levels' sizes x {element_bytes(kernel)} B) stays under "
                     f"{machine.max_vector_bytes} B; the innermost parallel size is a power of two")
        if kernel.kind == "contraction":
            rules.append(f"register tile m x n: n a multiple of {lanes} lanes, powers of two on N/K dims, and "
                         f"m*ceil(n/{lanes}) + ceil(n/{lanes}) + 1 <= {machine.vector_registers} vector registers")
        if kernel.kind == "reduction":
            rules.append(f"in a codegen script, vector_reduction's last entry is the width of each row's partial accumulators: "
                         f"a multiple of {lanes} lanes, and register rows x width/{lanes} <= {machine.vector_registers} registers")
    return "; ".join(rules)


def _gpu_tile_rules(kernel: Kernel, level: str) -> list[str]:
    gpu = parse_gpu_target(kernel.gpu_target)
    if gpu is None:
        return []
    mma = bool(default_mma_kind(kernel))
    rules = {"workgroup": ["entries on parallel loops divide their loop bound"],
             "thread": ["each entry divides the workgroup tile; threads = product of workgroup/thread over parallel loops, "
                        f"a multiple of the subgroup size, at most {gpu.max_threads}; at most 128 accumulators per thread"],
             "subgroup": ["in intrinsic tiles: subgroup x intrinsic size divides the workgroup tile; threads = subgroups x "
                          f"subgroup size, at most {gpu.max_threads}"],
             "reduction": [("in intrinsic K steps; " if mma else "") + "divides the reduction loop bound; thread tile x reduction "
                           "tile at most 2048 multiply-adds; promoted operand tiles (workgroup x reduction x stages x bytes) "
                           f"within {gpu.max_shared_bytes} B of shared memory"]}
    script = {"thread": ["in a codegen script: nonzero on every parallel loop" + ("; with hoist = on, 1 on all but the innermost "
                                                                                  "parallel loop and at most 4 there (SPIR-V vectors)"
                                                                                  if spirv(kernel) else "")],
              "reduction": ["in a codegen script: in elements, nonzero on every reduction loop"]}
    return rules.get(level, []) + script.get(level, []) + ["the workgroup size follows the tiles unless a move sets it"]


#: How often a random proposer picks each family of moves (tiles matter most on CPU).
_FAMILY_WEIGHTS = {"tile": 6.0, "flag": 2.0, "option": 1.0, "pipeline": 0.5, "workgroup_size": 1.0, "gpu": 1.5, "codegen": 1.0, "script": 3.0}


def draw_move(space: MoveSpace, current: KernelConfig, rng: Any) -> Transform:
    """One move of `space` with parameters drawn at random (IllegalTransform when they are out of range)."""
    pick = (lambda: space.values[rng.randrange(len(space.values))])
    if space.op == "tile":
        return SetTileSizes(space.level, tuple(c[rng.randrange(len(c))] for c in space.choices))
    if space.op == "option":
        return SetOption(space.name, space.name not in current.options)
    if space.op == "workgroup_size":
        return SetWorkgroupSize((rng.choice(space.choices[0]), rng.choice(space.choices[1]), 1))
    kinds: dict[str, Any] = {"pipeline": lambda: SetPipeline(pick()), "flag": lambda: SetFlag(space.name, pick()),
                             "codegen": lambda: SetCodegenMode(pick()), "script": lambda: SetScriptKnob(space.name, pick()),
                             "gpu": lambda: SetGpuOption(space.name, pick())}
    return kinds[space.op]()


def sample_move(kernel: Kernel, script: Script, rng: Any, target: TargetLike = "llvm-cpu", *, tries: int = 200, machine: MachineModel | None = None) -> Transform | None:
    """Draw one legal move at random (uniform over families, then over parameters)."""
    spaces = move_spaces(kernel, script, target)
    by_op: dict[str, list[MoveSpace]] = {}
    for sp in spaces:
        by_op.setdefault(sp.op, []).append(sp)
    ops = list(by_op)
    weights = [_FAMILY_WEIGHTS.get(op, 1.0) for op in ops]
    current = script.resolve(effective_kernel(kernel, script))
    for _ in range(tries):
        family = by_op[rng.choices(ops, weights)[0]]
        space = family[rng.randrange(len(family))]
        try:
            t = draw_move(space, current, rng)
            validate(kernel, script, t, target, machine)
        except IllegalTransform:
            continue
        if t in script.transforms[-1:]:
            continue
        return t
    return None


__all__ = [
    "FLAGS",
    "IllegalTransform",
    "KernelConfig",
    "MachineModel",
    "MoveSpace",
    "Script",
    "CODEGEN_MODES",
    "SetCodegenMode",
    "SetFlag",
    "SetGpuOption",
    "draw_move",
    "SetOption",
    "SetScriptKnob",
    "SetPipeline",
    "SetTileSizes",
    "SetWorkgroupSize",
    "Transform",
    "check_config",
    "codegen_kernel",
    "effective_kernel",
    "default_config",
    "legal_moves",
    "legal_tile_sizes",
    "machine_for",
    "move_spaces",
    "sample_move",
    "script_conversion",
    "tile_rules",
    "element_bytes",
    "transform_aspect",
    "transform_from_json",
    "transform_to_json",
    "validate",
    "validate_step",
]

