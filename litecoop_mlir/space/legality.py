"""Legality of configurations and steps: every rule with its reason, checked before any compile."""

from __future__ import annotations

import functools
from typing import Iterable, Iterator

from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.space.script import KernelConfig, Script, codegen_kernel, default_config, effective_kernel
from litecoop_mlir.space.script_knobs import (
    knob_applies,
    partial_tiles,
    ragged_register_dims,
    script_levels,
    unsupported_reason,
)
from litecoop_mlir.space.vocabulary import (
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
    TargetLike,
    Transform,
)
from litecoop_mlir.targets.gpu import gpu_of, kernel_intrinsics, option_unfit
from litecoop_mlir.targets.machine import MachineModel
from litecoop_mlir.targets.strategy import DEFAULT_TARGET, TargetStrategy, strategy_for
from litecoop_mlir.targets.tile_rules import TileCheck


def machine_for(kernel: Kernel, host: MachineModel | None = None) -> MachineModel:
    """The machine `kernel` was configured for: the ISA and vector width of its target, the host's caches."""
    return strategy_for(DEFAULT_TARGET).machine(kernel, host)


def check_config(kernel: Kernel, cfg: KernelConfig, target: TargetLike = DEFAULT_TARGET, machine: MachineModel | None = None) -> None:
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
    """Every rule `cfg` breaks for `kernel`, as a reason (the target's rules come from its strategy)."""
    n = kernel.num_loops
    tiles = {lv: v for lv, v in cfg.tile_map.items() if not cfg.scripted or lv in script_levels(kernel)}  # a script reads only these
    check = TileCheck(tiles, cfg.scripted, dict(cfg.knobs),
                      peeling=dict(cfg.knobs).get("peel") == "on" if cfg.scripted else "enable_loop_peeling" in cfg.options,
                      padding=cfg.scripted and dict(cfg.knobs).get("pad") == "on", pad_applies=knob_applies(kernel, "pad"),
                      machine=machine, workgroup_size=cfg.workgroup_size, gpu_options=dict(cfg.gpu))
    if cfg.scripted:
        yield from _script_violations(kernel, cfg, target, check)
    for level, sizes in tiles.items():
        if level not in target.levels and kernel.default_tiles and level not in kernel.default_tiles:
            yield f"level {level} does not exist on {target}"
        if len(sizes) != n:
            yield f"{level} needs one entry per loop ({n}), got {len(sizes)}"
        yield from target.loop_violations(kernel, level, sizes)
    yield from target.config_violations(kernel, check)


def _script_violations(kernel: Kernel, cfg: KernelConfig, target: TargetStrategy, check: TileCheck) -> Iterator[str]:
    """Rules only a codegen script has: a kernel it can lower, at most 3 workgroup-tiled loops, knobs that apply,
    and the target's own."""
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
    yield from target.script_violations(kernel, check)


def validate(kernel: Kernel, script: Script, transform: Transform, target: TargetLike = DEFAULT_TARGET, machine: MachineModel | None = None) -> Script:
    """Return `script` extended by `transform`, or raise IllegalTransform saying why not."""
    return validate_step(kernel, script, (transform,), target, machine)


def validate_step(kernel: Kernel, script: Script, transforms: Iterable[Transform], target: TargetLike = DEFAULT_TARGET,
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
    gpu = gpu_of(kernel)
    if t.name == "mma_kind":
        have = kernel_intrinsics(kernel, gpu) if gpu else ()
        if t.value not in have:
            raise IllegalTransform(f"mma_kind {t.value} does not fit this dispatch's types on this target; choose one of {', '.join(have) or 'none'}")
