"""Scripts: ordered transforms from the root, resolved against a kernel into a `KernelConfig`
whose canonical JSON is the script's identity (two paths to one configuration hash the same)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.space.script_knobs import (
    knob_applies,
    knob_defaults,
)
from litecoop_mlir.space.vocabulary import (
    FLAGS,
    MAX_SCRIPT_LENGTH,
    IllegalTransform,
    SetCodegenMode,
    SetFlag,
    SetGpuOption,
    SetOption,
    SetPipeline,
    SetScriptKnob,
    SetTileSizes,
    SetWorkgroupSize,
    Transform,
    render_flags,
    transform_aspect,
    transform_from_json,
    transform_to_json,
)
from litecoop_mlir.targets.gpu import GpuShape, workgroup_size_of
from litecoop_mlir.targets.strategy import TRANSLATION_OPTIONS, configured_for

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
        if mode == "script":  # a script maps its threads itself: the workgroup size follows from its tiles (space.script_render)
            wg = ()
        elif not wg_set and (tiles != dict(base.tiles) or gpu):  # follows the tiles unless set
            wg = configured_for(kernel).follow_workgroup_size(kernel, tiles, wg, gpu)
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
