"""Export the best script of every dispatch as one IREE tuning spec, plus a flags file.

The spec is a transform module with `@__kernel_config` holding one `transform.foreach_match`
that pairs a matcher per dispatch with `@apply_op_config`. After writing it, the export
compiles the module with the spec and checks that IREE really configured each dispatch as
searched; where IREE drops the spec (e.g. a batch-1 convolution, or backends that ignore
tuning specs), it falls back to executable-configuration substitution and says so.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from iree.compiler import ir

from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.ir.workload import Kernel, Workload, kernels_from_configured
from litecoop_mlir.iree.compiler import configure, link_tuning_specs, transform_safe
from litecoop_mlir.iree.mlir import new_context, parse_module
from litecoop_mlir.iree.process import Limits
from litecoop_mlir.measure.backend import Backend
from litecoop_mlir.space.apply import (
    apply_configs,
    codegen_target,
    extract_executable,
    merge_flags,
    render_compilation_info,
    render_lowering_config,
)
from litecoop_mlir.space.script import KernelConfig, Script
from litecoop_mlir.space.script_render import render_sequence
from litecoop_mlir.space.vocabulary import IllegalTransform
from litecoop_mlir.targets.strategy import TargetStrategy, strategy_for


@dataclass
class SpecExport:
    """What `export_spec` wrote and what it found when checking it."""

    spec_path: Path
    flags_path: Path
    flags: tuple[str, ...]
    scripted: bool = False  # the spec holds codegen scripts: it must go in as a transform library
    applied: dict[str, bool] = field(default_factory=dict)
    substitutions: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def spec_flag(self, target: "str | TargetStrategy") -> str:
        """The flag that hands IREE the spec: a transform library where codegen scripts are in it (they are
        found there only, and it applies the configurations too), else the target's spec flag."""
        if self.scripted:
            return f"--iree-codegen-transform-dialect-library={self.spec_path}@__kernel_config"
        return strategy_for(target).spec_flag(self.spec_path)

    def compile_flags(self, target: "str | TargetStrategy") -> list[str]:
        """Flags a plain iree-compile needs to reproduce the searched configuration."""
        out = list(self.flags)
        if self.scripted or self.applied:
            out.append(self.spec_flag(target))
        for exe, path in self.substitutions.items():
            out.append(f"--iree-hal-substitute-executable-configuration={exe}={path}")
        return transform_safe(out)


def write_flags_file(path: Path, flags: Sequence[str]) -> None:
    """One flag per line, quoted where it holds spaces or quotes (a work dir named `my runs/`): a response
    file, `iree-compile model.mlir @compile_flags.txt`, reads it back exactly."""
    def quoted(f: str) -> str:
        if not any(c in f for c in " \t\n\"'\\"):
            return f
        return '"' + f.replace("\\", "\\\\").replace('"', '\\"') + '"'

    path.write_text("".join(quoted(f) + "\n" for f in flags))


def _elt(type_str: str) -> str:
    return type_str.rsplit("x", 1)[-1].rstrip(">") if "tensor<" in type_str else type_str


def _dims(values: tuple[int, ...], bounds: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(bounds[d]) for d in values) + "]"


def render_matcher(kernel: Kernel, name: str, compilation_info: str) -> str:
    """A matcher named sequence for `kernel` that yields the op and its compilation_info."""
    lines = [
        f"  transform.named_sequence @{name}(%op: !transform.any_op {{transform.readonly}}) -> (!transform.any_op, !transform.any_param) {{"
    ]
    types = [_elt(t) for t in kernel.operand_types]
    maps = ", ".join(kernel.indexing_maps)
    b = kernel.loop_bounds
    if kernel.kind == "contraction" and len(types) == 3 and maps:
        lines.append(
            f"    %batch, %m, %n, %k = transform.iree.match.contraction %op, lhs_type = {types[0]}, rhs_type = {types[1]}, "
            f"output_type = {types[2]}, indexing_maps = [{maps}] : !transform.any_op -> !transform.param<i64>"
        )
        for group in ("batch", "m", "n", "k"):
            lines.append(f"    transform.iree.match.dims_equal %{group}, {_dims(kernel.dims[group], b)} : !transform.param<i64>")
    elif kernel.kind == "convolution" and len(types) == 3 and maps:
        lines.append(
            "    %batch, %out_img, %out_ch, %filt, %in_ch, %depth, %strides, %dilations = "
            f"transform.iree.match.convolution %op, lhs_type = {types[0]}, rhs_type = {types[1]}, "
            f"output_type = {types[2]}, indexing_maps = [{maps}] : !transform.any_op -> !transform.param<i64>"
        )
        for var, group in (("batch", "batch"), ("out_img", "output_image"), ("out_ch", "output_channel"),
                           ("filt", "filter_loop"), ("in_ch", "input_channel"), ("depth", "depth")):
            lines.append(f"    transform.iree.match.dims_equal %{var}, {_dims(kernel.dims[group], b)} : !transform.param<i64>")
    else:
        lines.append(f'    transform.match.operation_name %op ["{kernel.root_op}"] : !transform.any_op')
        for i, t in enumerate(kernel.operand_types):
            lines.append(f"    %v{i} = transform.get_operand %op[{i}] : (!transform.any_op) -> !transform.any_value")
            lines.append(f"    transform.iree.match.cast_compatible_type %v{i} = {t} : !transform.any_value")
        if kernel.root_op == "linalg.generic" and kernel.operand_types:
            lines += _generic_shape_matcher(kernel)
    lines.append(f"    %config = transform.param.constant {compilation_info} -> !transform.any_param")
    lines.append("    transform.yield %op, %config : !transform.any_op, !transform.any_param")
    lines.append("  }")
    return "\n".join(lines)


def _generic_shape_matcher(kernel: Kernel) -> list[str]:
    """Rank and input count of a single-result generic: operand types alone also match the other
    generics of a fused dispatch (a layer norm's consumer takes the same leading operands as its
    reductions), and IREE rejects a spec that configures two ops of one dispatch."""
    checks = (("rank", kernel.num_loops), ("num_inputs", len(kernel.operand_types) - 1), ("num_inits", 1))
    lines = ["    transform.match.structured %op : !transform.any_op {", "    ^bb0(%s: !transform.any_op):"]
    for name, want in checks:
        lines += [f"      %{name} = transform.match.structured.{name} %s : (!transform.any_op) -> !transform.param<i64>",
                  f"      %want_{name} = transform.param.constant {want} : i64 -> !transform.param<i64>",
                  f"      transform.match.param.cmpi eq %{name}, %want_{name} : !transform.param<i64>"]
    return lines + ["    }"]


_MATCH_NOTHING = """\
  transform.named_sequence @match_nothing(%op: !transform.any_op {transform.readonly}) -> (!transform.any_op, !transform.any_param) {
    transform.match.operation_name %op ["litecoop.no_such_op"] : !transform.any_op
    %none = transform.param.constant 0 -> !transform.any_param
    transform.yield %op, %none : !transform.any_op, !transform.any_param
  }"""


def render_spec(configs: Mapping[Kernel, KernelConfig], ctx: ir.Context,
                scripts: Mapping[Kernel, KernelConfig] | None = None) -> str:
    """The tuning spec module text for the given kernel configurations, holding the codegen
    scripts of the scripted ones in `scripts` (default: `configs`) too."""
    matchers = []
    for kernel, cfg in configs.items():
        name = f"match_{kernel.executable}"
        matchers.append((name, render_matcher(kernel, name, render_compilation_info(kernel, cfg, ctx))))
    scripted = scripts if scripts is not None else configs
    sequences = [render_sequence(k, c.tile_map, dict(c.knobs)) for k, c in scripted.items() if c.scripted]
    return assemble_spec(matchers, sequences=sequences,
                         script_matchers={f"match_{k.executable}": k.root_marker for k, c in configs.items() if c.scripted})


def assemble_spec(matchers: list[tuple[str, str]], comments: Mapping[str, str] | None = None,
                  sequences: Sequence[str] = (), script_matchers: Mapping[str, str] | None = None) -> str:
    """One tuning spec from matcher sequences (name, text): a `foreach_match` that pairs each
    with `@apply_op_config`, in order (the first matcher that matches an op configures it).
    `sequences`: codegen scripts that configured dispatches name in their translation_info;
    `script_matchers`: matcher name -> root marker for those dispatches, whose action also marks
    the root op (a spec-configured op carries no marker, and the script finds its root by it)."""
    script_matchers = script_matchers or {}
    parts = [
        "// Tuning spec written by litecoop-mlir. Use with:",
        "//   iree-compile --iree-codegen-tuning-spec-path=spec.mlir (llvm-cpu), or",
        "//   iree-compile --iree-codegen-transform-dialect-library=spec.mlir@__kernel_config (any backend)",
        "module attributes {iree_codegen.tuning_spec_with_default_entrypoint, transform.with_named_sequence} {",
        "  transform.named_sequence @apply_op_config(%op: !transform.any_op {transform.readonly}, %config: !transform.any_param {transform.readonly}) {",
        '    transform.annotate %op "compilation_info" = %config : !transform.any_op, !transform.any_param',
        "    transform.yield",
        "  }",
    ]
    for i, marker in enumerate(dict.fromkeys(script_matchers.values())):
        parts += [
            f"  transform.named_sequence @apply_script_config_{i}(%op: !transform.any_op {{transform.readonly}}, %config: !transform.any_param {{transform.readonly}}) {{",
            '    transform.annotate %op "compilation_info" = %config : !transform.any_op, !transform.any_param',
            f"    %marker = transform.param.constant {marker} -> !transform.any_param",
            '    transform.annotate %op "root_op" = %marker : !transform.any_op, !transform.any_param',
            "    transform.yield",
            "  }",
        ]
    actions = {m: f"apply_script_config_{i}" for i, m in enumerate(dict.fromkeys(script_matchers.values()))}
    for seq in sequences:
        parts += ["  " + line for line in seq.splitlines()]
    pairs = []
    for name, text in matchers:
        if comments and name in comments:
            parts.append(f"  // {comments[name]}")
        parts.append(text)
        action = actions[script_matchers[name]] if name in script_matchers else "apply_op_config"
        pairs.append(f"@{name} -> @{action}")
    parts.append(
        "  transform.named_sequence @__kernel_config(%module: !transform.any_op {transform.consumed}) -> !transform.any_op\n"
        "      attributes {iree_codegen.tuning_spec_entrypoint} {"
    )
    if not pairs:  # foreach_match needs at least one pair: a matcher that never matches
        parts.insert(-1, "  // No dispatch changed: this spec matches nothing and leaves IREE's defaults.")
        parts.insert(-1, _MATCH_NOTHING)
        pairs.append("@match_nothing -> @apply_op_config")
    parts.append(
        "    %res = transform.foreach_match in %module\n        "
        + ",\n        ".join(pairs)
        + "\n      : (!transform.any_op) -> !transform.any_op"
    )
    parts.append("    transform.yield %res : !transform.any_op")
    parts.append("  }")
    parts.append("}")
    return "\n".join(parts) + "\n"


def link_specs(specs: list[str], limits: Limits = Limits(timeout_s=120.0)) -> str:
    """One tuning spec from several, linked by IREE itself (`iree-opt
    --iree-codegen-link-tuning-specs`): their matchers in one `foreach_match`, in the order of
    `specs` (for an op several specs match, the first one's configuration holds)."""
    if len(specs) == 1:
        return specs[0]
    nested = []
    for i, text in enumerate(specs):
        at = text.find("module attributes {")
        if at < 0:
            raise LitecoopError(f"error: tuning spec {i + 1} of {len(specs)} has no top-level 'module attributes'")
        nested.append(text[at:].replace("module attributes {", f"module @spec_{i} attributes {{", 1))
    wrapper = "module attributes {transform.with_named_sequence} {\n" + "\n".join(nested) + "}\n"
    linked, error = link_tuning_specs(wrapper, limits)
    if error:
        raise LitecoopError(f"error: IREE could not link the tuning specs: {error}")
    return linked


def export_spec(workload: Workload, scripts: Mapping[Kernel, Script], out_dir: Path, *, backend: Backend,
                check: bool = True, substitute: bool = False) -> SpecExport:
    """Write `spec.mlir`, `flags.txt` and `compile_flags.txt` for the best scripts, check them, fall
    back where dropped. Paths in the flags are absolute, so they work from any directory.
    `substitute`: configure every dispatch by executable substitution (the very configured IR
    the search compiled) instead of the tuning spec. The check's compiles go through `backend`."""
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    global_flags, codegen_flags = merge_flags(scripts)
    flags = workload.pipeline_flags + global_flags + codegen_flags
    configs: dict[Kernel, KernelConfig] = {}
    for kernel, script in scripts.items():
        if script.changes_codegen():
            try:
                k = codegen_target(workload, kernel, script, global_flags)
            except IllegalTransform:
                continue
            configs[k] = script.resolve(k)
    ctx = new_context()
    spec_text = render_spec(configs, ctx)
    parse_module(spec_text, "spec.mlir", ctx)  # must be valid IR
    export = SpecExport(out_dir / "spec.mlir", out_dir / "flags.txt", flags, scripted=any(c.scripted for c in configs.values()))
    export.spec_path.write_text(spec_text)
    export.flags_path.write_text("".join(f + "\n" for f in flags))
    export.applied = {k.executable: True for k in configs}
    if (check or substitute) and configs:
        _check_applied(workload, export, configs, global_flags, ctx, out_dir, backend, substitute)
    needed = export.compile_flags(workload.target)
    write_flags_file(out_dir / "compile_flags.txt", needed)
    export.spec_path.write_text(with_usage(export.spec_path.read_text(), needed))
    return export


def with_usage(spec_text: str, flags: list[str]) -> str:
    """The spec with a header naming every flag a build needs with it (module-wide flags too)."""
    body = spec_text[spec_text.index("module attributes"):]
    head = ["// Tuning spec written by litecoop-mlir. Build with all of these flags (also in compile_flags.txt),",
            "// after the target flags and --iree-opt-level=O3:"]
    head += [f"//   {f}" for f in flags] or ["//   (none: this spec changes nothing)"]
    return "\n".join(head) + "\n" + body


def _builds(workload: Workload, flags: list[str], out_dir: Path, backend: Backend) -> bool:
    """Whether the input module compiles all the way with `flags` (a spec's codegen scripts run only then)."""
    with tempfile.TemporaryDirectory(prefix="litecoop-spec-", dir=out_dir) as tmp:
        return backend.compile(workload.source, flags, Path(tmp), workload.limits).ok


def _check_applied(workload: Workload, export: SpecExport, configs: dict[Kernel, KernelConfig], global_flags: tuple[str, ...],
                   ctx: ir.Context, out_dir: Path, backend: Backend, substitute: bool = False) -> None:
    """Compile with the spec and check IREE configured each dispatch as searched; substitute the
    executables it did not (all of them with `substitute`)."""
    flags = export.flags
    spec_flag = export.spec_flag(workload.target)
    got: dict[str, str] = {}
    try:
        if not substitute:
            configured = configure(workload.source, workload.filename, workload.target, (*workload.base_flags, *flags, spec_flag),
                                   workload.limits)
            got = {k.executable: k.default_lowering_config for k in kernels_from_configured(parse_module(configured, "<configured>", ctx))}
    except Exception as exc:  # noqa: BLE001 - a spec IREE rejects falls back below
        export.notes.append(f"IREE rejected the spec ({exc}); using configuration substitution")
    if got and export.scripted and not _builds(workload, [*workload.base_flags, *flags, spec_flag], out_dir, backend):
        export.notes.append("the spec configured every dispatch but a codegen script failed to build through it; "
                            "scripted dispatches use configuration substitution")
        got = {e: lc for e, lc in got.items() if not any(c.scripted and k.executable == e for k, c in configs.items())}
    dropped: dict[Kernel, KernelConfig] = {}
    for k, cfg in configs.items():
        with ctx:
            want = str(ir.Attribute.parse(render_lowering_config(k, cfg)))
        if got.get(k.executable) != want:
            dropped[k] = cfg
            export.applied[k.executable] = False
    if dropped:
        node_ir = apply_configs(workload.configured_ir(global_flags), dropped)
        sub_dir = out_dir / "substitutions"
        sub_dir.mkdir(exist_ok=True)
        for k in dropped:
            path = sub_dir / f"{k.executable}.mlir"
            path.write_text(extract_executable(node_ir, k.executable) + "\n")
            export.substitutions[k.executable] = path
            if not substitute:
                export.notes.append(
                    f"IREE did not apply the spec to {k.executable} ({k.kind} {'x'.join(map(str, k.loop_bounds))}); "
                    f"it is configured by --iree-hal-substitute-executable-configuration instead"
                )
        export.applied = {e: a for e, a in export.applied.items() if a}
        if not export.applied:  # scripts stay: substituted executables name them
            export.spec_path.write_text(render_spec({}, ctx, scripts=configs))


__all__ = ["SpecExport", "assemble_spec", "export_spec", "link_specs", "render_spec", "render_matcher", "with_usage"]
