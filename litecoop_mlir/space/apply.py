"""Apply scripts to configured IR through the transform-dialect interpreter, in process.

A script resolves to a KernelConfig; this module renders it as IREE attributes
(lowering_config, translation_info) and as a transform-dialect sequence that annotates the
kernel's root op and dispatch function, then runs that sequence on the configured module.
"""

from __future__ import annotations

import re
from typing import Mapping

from iree.compiler import ir
from iree.compiler.dialects import iree_codegen
from iree.compiler.dialects.transform import interpreter

from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.core.records import Candidate
from litecoop_mlir.ir.workload import SPIRV_LEVELS, Kernel, Workload, kernels_from_configured
from litecoop_mlir.iree.mlir import new_context, parse_module, str_attr, walk
from litecoop_mlir.space import script_render
from litecoop_mlir.space.script import KernelConfig, Script
from litecoop_mlir.space.vocabulary import IllegalTransform, SetFlag, render_flags
from litecoop_mlir.targets.strategy import CPU_LEVELS, TRANSLATION_OPTIONS


def _list(v: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, v)) + "]"


def render_lowering_config(kernel: Kernel, cfg: KernelConfig) -> str:
    """The lowering_config attribute for `cfg`, in the dialect IREE used for this kernel."""
    tiles = cfg.tile_map
    default = kernel.default_lowering_config
    if default.startswith("#iree_codegen.lowering_config<tile_sizes"):  # SPIR-V
        n = kernel.num_loops
        lists = [_list(tiles.get(lv, (0,) * n)) for lv in SPIRV_LEVELS]
        extra = re.findall(r"\[[^\[\]]*\]", default)[len(SPIRV_LEVELS):]  # e.g. the cooperative-matrix native tile
        return f"#iree_codegen.lowering_config<tile_sizes = [{', '.join(lists + extra)}]>"
    if default.startswith("#iree_gpu.lowering_config<{"):
        return _render_gpu_lowering_config(default, tiles, dict(cfg.gpu))
    levels = [f"{lv} = {_list(tiles[lv])}" for lv in CPU_LEVELS if lv in tiles]
    return f"#iree_cpu.lowering_config<{', '.join(levels)}>"


def _set_entry(text: str, key: str, value: str | None) -> str:
    """`text` (a printed dictionary-like attribute) with entry `key` set to `value` (None: removed)."""
    pat = re.compile(rf"(, )?\b{key} = (\[[^\]]*\]|#[\w.]+<[^>]*>|[\w.]+)(, )?")
    m = pat.search(text)
    if m:
        keep = ", " if m.group(1) and m.group(3) else ""
        return text[:m.start()] + (f"{m.group(1) or ''}{key} = {value}{m.group(3) or ''}" if value is not None else keep) + text[m.end():]
    if value is None:
        return text
    return re.sub(r"<\{?", lambda o: f"{o.group(0)}{key} = {value}, ", text, count=1)


def _render_gpu_lowering_config(default: str, tiles: Mapping[str, tuple[int, ...]], gpu: Mapping[str, str]) -> str:
    text = default
    for lv, sizes in tiles.items():
        text = _set_entry(text, lv, _list(sizes))
    if "mma_kind" in gpu:
        text = _set_entry(text, "mma_kind", f"#iree_gpu.mma_layout<{gpu['mma_kind']}>")
    promote = gpu.get("promote_operands")
    if promote:
        text = _set_entry(text, "promote_operands", None if promote == "none" else "[0, 1]")
    return text.replace("<{, ", "<{").replace(", }>", "}>")


def _render_gpu_pipeline_options(translation_info: str, gpu: Mapping[str, str]) -> str:
    """The translation_info with the GPU pipeline options a script set (prefetch stages, bank padding)."""
    if "#iree_gpu.pipeline_options<" not in translation_info:
        return translation_info
    head, _, rest = translation_info.partition("#iree_gpu.pipeline_options<")
    options, _, tail = rest.partition(">")
    options = "<" + options + ">"
    if "prefetch_num_stages" in gpu:
        options = _set_entry(options, "prefetch_num_stages", gpu["prefetch_num_stages"])
    if "bank_conflict_padding" in gpu:
        options = _set_entry(options, "no_reduce_shared_memory_bank_conflicts",
                             "false" if gpu["bank_conflict_padding"] == "on" else "true")
    return head + "#iree_gpu.pipeline_options" + options + tail


def render_translation_info(kernel: Kernel, cfg: KernelConfig, ctx: ir.Context) -> str:
    """The translation_info for `cfg`, built with the bindings from IREE's default one (for a
    script node: the one that routes the dispatch to its codegen script)."""
    if cfg.scripted:
        return script_render.translation_info(kernel)
    with ctx:
        base = iree_codegen.TranslationInfoAttr(ir.Attribute.parse(kernel.default_translation_info))
        pipeline = base.pass_pipeline
        if cfg.pipeline and cfg.pipeline != kernel.pipeline:
            prefix = str(pipeline).split("<", 1)[0]
            pipeline = ir.Attribute.parse(f"{prefix}<{cfg.pipeline}>")
        entries: dict[str, ir.Attribute] = {}
        if base.configuration is not None:
            for named in ir.DictAttr(base.configuration):
                if named.name not in TRANSLATION_OPTIONS:
                    entries[named.name] = named.attr
        for opt in sorted(cfg.options):
            entries[opt] = ir.UnitAttr.get()
        config = ir.DictAttr.get(entries) if entries else None
        wg = list(cfg.workgroup_size) or list(base.workgroup_size)
        attr = iree_codegen.TranslationInfoAttr.get(pipeline, base.codegen_spec, wg, base.subgroup_size or None, config)
        text = _render_gpu_pipeline_options(str(attr), dict(cfg.gpu)) if cfg.gpu else str(attr)
        ir.Attribute.parse(text)  # a malformed edit fails here, with the text in the error
        return text


def render_compilation_info(kernel: Kernel, cfg: KernelConfig, ctx: ir.Context) -> str:
    lc = render_lowering_config(kernel, cfg)
    ti = render_translation_info(kernel, cfg, ctx)
    with ctx:
        attr = iree_codegen.CompilationInfoAttr.get(ir.Attribute.parse(lc), ir.Attribute.parse(ti))
    return str(attr)


def render_apply_sequence(configs: Mapping[Kernel, KernelConfig], ctx: ir.Context) -> str:
    """A transform module whose `@__transform_main` sets each kernel's configuration."""
    body = []
    for i, (kernel, cfg) in enumerate(configs.items()):
        lc = render_lowering_config(kernel, cfg)
        ti = render_translation_info(kernel, cfg, ctx)
        body.append(
            f"""    %exe{i} = transform.structured.match ops{{["hal.executable"]}} attributes {{sym_name = "{kernel.executable}"}} in %root : (!transform.any_op) -> !transform.any_op
    %op{i} = transform.structured.match attributes {{root_op = {kernel.root_marker}}} in %exe{i} : (!transform.any_op) -> !transform.any_op
    %lc{i} = transform.param.constant {lc} -> !transform.any_param
    transform.annotate %op{i} "lowering_config" = %lc{i} : !transform.any_op, !transform.any_param
    %fn{i} = transform.get_parent_op %op{i} <{{op_name = "func.func"}}> : (!transform.any_op) -> !transform.any_op
    %ti{i} = transform.param.constant {ti} -> !transform.any_param
    transform.annotate %fn{i} "translation_info" = %ti{i} : !transform.any_op, !transform.any_param"""
        )
    return (
        "module attributes {transform.with_named_sequence} {\n"
        "  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {\n"
        + "\n".join(body)
        + "\n    transform.yield\n  }\n}\n"
    )


def apply_configs(configured_ir: str, configs: Mapping[Kernel, KernelConfig]) -> str:
    """Run the apply sequence on `configured_ir` with the in-process interpreter; return the new IR.

    Raises LitecoopError if a kernel's root op was not found and configured.
    """
    if not configs:
        return configured_ir
    ctx = new_context()
    payload = parse_module(configured_ir, "<configured>", ctx)
    script = parse_module(render_apply_sequence(configs, ctx), "<apply-sequence>", ctx)
    entry = next(
        op for op in script.body.operations if op.operation.name == "transform.named_sequence"
    )
    try:
        interpreter.apply_named_sequence(payload.operation, entry, script)
    except Exception as exc:  # noqa: BLE001 - interpreter failures are user-visible data
        raise LitecoopError(f"error: transform interpreter failed: {exc}") from None
    expected = {k.executable: render_lowering_config(k, c) for k, c in configs.items()}
    got = {k.executable: k.default_lowering_config for k in kernels_from_configured(payload)}
    for exe, lc in expected.items():
        with ctx:
            want = str(ir.Attribute.parse(lc))
        if got.get(exe) != want:
            raise LitecoopError(f"error: could not configure {exe}: root op not matched")
    return str(payload)


def script_library(configs: Mapping[Kernel, KernelConfig]) -> str:
    """The transform library with the codegen script of every scripted configuration ("" if none)."""
    seqs = [script_render.render_sequence(k, c.tile_map, dict(c.knobs)) for k, c in configs.items() if c.scripted]
    return script_render.render_library(seqs) if seqs else ""


def precheck_scripts(configured_ir: str, library: str) -> str:
    """Run every codegen script of `library` on its dispatch with the in-process transform interpreter
    (tens of milliseconds, no compile); the interpreter's own diagnostic when one fails, else "".

    Each script gets what IREE gives it: the inner module of the dispatch whose translation_info
    names it. The work is thrown away; a script that passes still goes through the full compile.
    """
    if not library:
        return ""
    ctx = new_context()
    payload = parse_module(configured_ir, "<configured>", ctx)
    lib = parse_module(library, "<codegen-library>", ctx)
    seqs = {str_attr(op.operation, "sym_name"): op for op in lib.body.operations if op.operation.name == "transform.named_sequence"}
    for op in walk(payload.operation):
        if op.name != "func.func" or "translation_info" not in op.attributes:
            continue
        found = re.search(r"codegen_spec = @([\w$.]+)", str(op.attributes["translation_info"]))
        seq = seqs.get(found.group(1)) if found else None
        if seq is None:
            continue
        try:
            interpreter.apply_named_sequence(op.parent, seq, lib)
        except Exception as exc:  # noqa: BLE001 - the interpreter's diagnostic is the reason
            return f"transform interpreter: {' '.join(str(exc).split())[:600]}"
    return ""


def extract_executable(configured_ir: str, executable: str) -> str:
    """The text of one `hal.executable` (for --iree-hal-substitute-executable-configuration)."""
    ctx = new_context()
    module = parse_module(configured_ir, "<configured>", ctx)
    for op in walk(module.operation):
        if op.name == "hal.executable" and str_attr(op, "sym_name") == executable:
            return str(op)
    raise LitecoopError(f"error: no executable @{executable} in the configured module")


def codegen_target(workload: Workload, kernel: Kernel, script: Script, flags: tuple[str, ...]) -> Kernel:
    """The dispatch `script`'s codegen transforms configure when the module is compiled with the
    global `flags`: `kernel` under them, or, when `script` itself reshapes it (im2col, data tiling),
    the dispatch that flag makes of it, which `flags` must leave as it is. Raises IllegalTransform."""
    if script.reshaping_flag() is None:
        k = workload.dispatch_under(kernel, flags)
    else:
        own, k = workload.reshaped(kernel, script.global_flags()), workload.reshaped(kernel, flags)
        if own is None or k is None or (own.executable, own.loop_bounds) != (k.executable, k.loop_bounds):
            k = None
    if k is None:
        raise IllegalTransform(f"dispatch {kernel.executable} changes under {' '.join(flags)}; its configuration does not apply")
    return k


def merge_flags(scripts: Mapping[Kernel, Script]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(global, codegen) flags of all scripts; global flags act on the whole module, so
    scripts that set one to different values are illegal together."""
    merged: dict[str, str] = {}
    codegen: dict[str, str] = {}
    for script in scripts.values():
        last = {t.name: t for t in script.transforms if isinstance(t, SetFlag)}  # last write wins
        for t in last.values():
            bucket = merged if t.spec.scope == "global" else codegen
            if bucket is merged and merged.get(t.name, t.value) != t.value:
                raise IllegalTransform(f"scripts disagree on module-wide flag {t.name}")
            bucket[t.name] = t.value
    return render_flags(sorted(merged.items())), render_flags(sorted(codegen.items()))


def build_candidate(workload: Workload, scripts: Mapping[Kernel, Script]) -> Candidate:
    """The candidate that compiles `workload` with each kernel's script applied.

    Global flags of all scripts are merged (they act on the whole module; conflicting
    values are illegal); codegen transforms are applied to the configured IR under them.
    """
    gflags, cflags = merge_flags(scripts)
    configs: dict[Kernel, KernelConfig] = {}
    for kernel, script in scripts.items():
        if not script.changes_codegen():
            continue
        target_kernel = codegen_target(workload, kernel, script, gflags)
        configs[target_kernel] = script.resolve(target_kernel)
    if not configs:
        return Candidate(workload.source, gflags + cflags)
    return Candidate(apply_configs(workload.configured_ir(gflags), configs), gflags + cflags, configured=True,
                     library=script_library(configs))
