"""Transform-dialect codegen scripts as node content: rendering, legality, moves, building, export."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest

from litecoop_mlir.export.spec import export_spec
from litecoop_mlir.ir.workload import load_workload
from litecoop_mlir.iree.tools import tool_path
from litecoop_mlir.measure.backend import Evaluator, LocalBackend
from litecoop_mlir.proposers.builtin import ranked_steps, script_steps
from litecoop_mlir.proposers.prompt import context
from litecoop_mlir.proposers.request import NodeView
from litecoop_mlir.space.apply import build_candidate, precheck_scripts, script_library
from litecoop_mlir.space.legality import machine_for, validate, validate_step
from litecoop_mlir.space.moves import legal_moves, move_spaces
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.script_knobs import KNOBS, ragged_register_dims, unsupported_reason
from litecoop_mlir.space.script_render import render_sequence, render_steps
from litecoop_mlir.space.vocabulary import (
    IllegalTransform,
    SetCodegenMode,
    SetFlag,
    SetOption,
    SetPipeline,
    SetScriptKnob,
    SetTileSizes,
    transform_from_json,
)
from litecoop_mlir.targets.strategy import SCRIPT_LEVELS, make_target, strategy_for
from tests.conftest import KERNELS
from tests.test_models import _request
from tests.test_transforms import kernel

CPU = strategy_for("llvm-cpu")
SCRIPT = Script((SetCodegenMode("script"),))


def test_a_script_renders_every_phase_in_order_with_a_comment_per_op() -> None:
    k = kernel("matmul_bias_relu", "znver3")
    cfg = SCRIPT.resolve(k)
    steps = render_steps(k, cfg.tile_map, dict(cfg.knobs))
    phases = [s.phase for s in steps]
    order = ["match", "tile", "fuse", "vectorize", "bufferize", "lower", "finish"]
    assert [p for p in dict.fromkeys(phases) if p in order] == order
    text = render_sequence(k, cfg.tile_map, dict(cfg.knobs))
    assert text.count("// ") == sum(1 for s in steps if s.comment)
    wg = k.default_tiles["distribution"]
    assert f"tile_using_forall %consumer tile_sizes [{wg[0]}, {wg[1]}]" in text  # the consumer writes the result
    assert "transform.structured.fuse %wg_op" in text  # root and fill fused into the consumer's register loop
    assert 'lowering_strategy = "outerproduct"' in text and "#iree_codegen.no_pipeline" in text


def test_knobs_change_the_script_where_they_say() -> None:
    k = kernel("matmul_bias_relu", "znver3")
    tiles = SCRIPT.resolve(k).tile_map
    base = render_sequence(k, tiles, {})
    assert "transform.loop.unroll %kloop factor = 4" in render_sequence(k, tiles, {"unroll_reduction": "4"})
    assert 'lowering_strategy = "dot"' in render_sequence(k, tiles, {"lowering": "dot"})
    reg = tiles["vector_common_parallel"]
    assert f"tile_sizes [{reg[0]}, {reg[1]}] interchange [1, 0] :" in render_sequence(k, tiles, {"interchange": "reversed"})
    assert "interchange [1, 0, 2]" in render_sequence(k, tiles, {"interchange": "reversed", "fuse_consumer": "workgroup"})
    assert " interchange " not in base
    assert "hoist_redundant_vector_transfers" in base
    assert "hoist_redundant_vector_transfers" not in render_sequence(k, tiles, {"hoist": "off"})
    separate = render_sequence(k, tiles, {"fuse_consumer": "workgroup"})
    assert "tile the consumer in its own register loop" in separate and "transform.structured.fuse %wg_root" in separate
    ragged = {**tiles, "vector_common_parallel": (6, 16, 0)}  # 6 does not divide the 64-row workgroup tile
    assert render_sequence(k, ragged, {"peel": "on"}).count("transform.loop.peel") == 1


def test_script_legality_has_precise_reasons() -> None:
    mm = kernel("matmul_512", "znver3")
    with pytest.raises(IllegalTransform, match="not elementwise dispatches"):
        validate(dataclasses.replace(kernel("softmax", "znver3"), kind="elementwise"), Script(), SetCodegenMode("script"))
    with pytest.raises(IllegalTransform, match="set codegen mode 'script' first"):
        validate(mm, Script(), SetScriptKnob("lowering", "dot"))
    with pytest.raises(IllegalTransform, match="replaces IREE's pipeline"):
        validate(mm, SCRIPT, SetOption("enable_loop_peeling", True))
    with pytest.raises(IllegalTransform, match="replaces IREE's pipeline"):
        validate(mm, SCRIPT, SetPipeline("Mmt4dTilingExpert"))
    with pytest.raises(IllegalTransform, match="not read by the codegen script"):
        validate(mm, SCRIPT, SetTileSizes("cache_parallel", (32, 32, 0)))
    with pytest.raises(IllegalTransform, match="nothing to peel"):
        validate(mm, SCRIPT, SetScriptKnob("peel", "on"))
    with pytest.raises(IllegalTransform, match="partial workgroup tiles"):
        validate(mm, SCRIPT, SetTileSizes("distribution", (48, 64, 0)))
    with pytest.raises(IllegalTransform, match="inside IREE's codegen pipeline"):  # checked: the same binary on a script node
        validate(mm, SCRIPT, SetFlag("reorder_workgroups", "transpose"))
    assert "reorder_workgroups" not in {sp.name for sp in move_spaces(mm, SCRIPT) if sp.op == "flag"}
    assert "reorder_workgroups" in {sp.name for sp in move_spaces(mm, Script()) if sp.op == "flag"}
    with pytest.raises(IllegalTransform, match="stays a script"):
        validate(mm, SCRIPT, SetCodegenMode("attributes"))
    with pytest.raises(IllegalTransform, match="tiles no loop"):  # one workgroup would hold whole tensors on its stack
        validate(mm, SCRIPT, SetTileSizes("distribution", (512, 0, 0)))
    chain = kernel("matmul_bias_relu", "znver3")  # 256x1024x512: a 16-row workgroup tile of the result is 64 KB
    separate = SCRIPT.then(SetScriptKnob("fuse_consumer", "workgroup"))
    with pytest.raises(IllegalTransform, match="held on the stack"):
        validate(chain, separate, SetTileSizes("distribution", (16, 0, 0)))
    validate(chain, separate, SetTileSizes("distribution", (16, 128, 0)))  # 8 KB
    validate(chain, SCRIPT, SetTileSizes("distribution", (16, 0, 0)))  # fused into the register loop: no tile in memory
    conv = kernel("conv2d_nhwc_b2", "znver3")
    with pytest.raises(IllegalTransform, match="at most 3"):
        validate(conv, SCRIPT, SetTileSizes("distribution", (1, 2, 14, 32, 0, 0, 0)))
    with pytest.raises(IllegalTransform, match="decomposes the convolution along its rows"):
        validate(conv, SCRIPT, SetTileSizes("vector_reduction", (0, 0, 0, 0, 3, 1, 8)))
    assert "channels-last" in unsupported_reason(kernel("conv2d_nchw_s2", "znver3"), CPU)
    # a ragged register tile is legal once its loop is peeled (one step: the rules hold for the result)
    validate_step(mm, SCRIPT, (SetTileSizes("vector_common_parallel", (6, 16, 0)), SetScriptKnob("peel", "on")))


def test_partial_tiles_of_prime_loops_vectorize_padded() -> None:
    mm = kernel("matmul_unaligned", "znver3")  # 127 x 251 x 509: no tile divides a loop
    assert ragged_register_dims(mm, (64, 128, 0), (4, 16, 0)) == [0, 1]  # 127 % 64 = 63 and 251 % 128 = 123 leave partial tiles
    assert ragged_register_dims(kernel("matmul_512", "znver3"), (64, 64, 0), (8, 32, 0)) == []
    tiles = (SetTileSizes("distribution", (64, 128, 0)), SetTileSizes("vector_common_parallel", (4, 16, 0)),
             SetTileSizes("vector_reduction", (0, 0, 1)), SetScriptKnob("peel", "on"))
    with pytest.raises(IllegalTransform, match="set pad = on"):
        validate_step(mm, SCRIPT, tiles)
    padded = validate_step(mm, SCRIPT, (*tiles, SetScriptKnob("pad", "on")))
    cfg = padded.resolve(mm)
    text = render_sequence(mm, cfg.tile_map, dict(cfg.knobs))
    assert "transform.structured.pad %to_pad pad_to_multiple_of [4, 16, 1]" in text
    assert "padding_values = [0.0 : f32, 0.0 : f32, 0.0 : f32]" in text
    assert "transform.structured.vectorize %fills vector_sizes [4, 16]" in text and "<{vectorize_padding}>" in text
    assert "transform.apply_patterns.vector.lower_masks" in text and text.count("transform.loop.peel") == 2
    assert text.index("transform.loop.peel") < text.index("transform.structured.pad") < text.index("vectorize_children")
    assert "transform.structured.pad" not in render_sequence(mm, cfg.tile_map, {**dict(cfg.knobs), "pad": "off"})
    with pytest.raises(IllegalTransform, match="509 steps leave a remainder"):  # checked: 'memref.alloca' not hoisted
        validate(mm, padded, SetScriptKnob("unroll_reduction", "2"))
    validate_step(mm, padded, (SetTileSizes("vector_reduction", (0, 0, 4)), SetScriptKnob("unroll_reduction", "2")))  # 128 steps
    with pytest.raises(IllegalTransform, match="nothing to pad"):
        validate(kernel("matmul_512", "znver3"), SCRIPT, SetScriptKnob("pad", "on"))
    with pytest.raises(IllegalTransform, match="does not apply"):  # padding covers a root op without a fused consumer
        validate(kernel("matmul_bias_relu", "znver3"), SCRIPT, SetScriptKnob("pad", "on"))
    # IREE's own tiles of this dispatch are partial: the heuristic's conversion to a script pads them
    assert script_steps(mm, Script()) == ((SetCodegenMode("script"), SetScriptKnob("pad", "on")),)
    assert script_steps(kernel("matmul_512", "znver3"), Script()) == ((SetCodegenMode("script"),),)


def test_script_nodes_offer_script_moves_only() -> None:
    mm = kernel("matmul_512", "znver3")
    at_root = {(sp.op, sp.level or sp.name) for sp in move_spaces(mm, Script())}
    assert ("codegen", "") in at_root and ("option", "enable_loop_peeling") in at_root
    spaces = move_spaces(mm, SCRIPT)
    ops = {sp.op for sp in spaces}
    assert "codegen" not in ops and "pipeline" not in ops and "option" not in ops
    assert {sp.level for sp in spaces if sp.op == "tile"} == {"distribution", "vector_common_parallel", "vector_reduction"}
    assert {sp.name for sp in spaces if sp.op == "script"} == {n for n, kn in KNOBS.items() if kn.consumer is not True}
    moves = legal_moves(mm, SCRIPT)
    assert any(isinstance(t, SetScriptKnob) for t in moves) and all(not isinstance(t, SetOption) for t in moves)
    assert not unsupported_reason(kernel("softmax", "znver3"), CPU)  # a row-reduction chain
    assert "cover contractions" in unsupported_reason(kernel("softmax", "znver3"), strategy_for("cuda"))  # GPU scripts: contractions


def test_equal_scripts_hash_the_same_and_parse_from_json() -> None:
    mm = kernel("matmul_512", "znver3")
    assert SCRIPT.key(mm) == SCRIPT.then(SetScriptKnob("lowering", "outerproduct")).key(mm)
    assert SCRIPT.key(mm) != SCRIPT.then(SetScriptKnob("lowering", "dot")).key(mm)
    assert SCRIPT.key(mm) != Script().key(mm)
    assert transform_from_json({"op": "script", "name": "unroll_reduction", "value": "4"}) == SetScriptKnob("unroll_reduction", "4")
    assert transform_from_json({"op": "codegen", "mode": "script"}) == SetCodegenMode("script")
    for bad in ({"op": "script", "name": "unroll_reduction", "value": "3"}, {"op": "script", "name": "rm -rf", "value": "x"},
                {"op": "codegen", "mode": 1}):
        with pytest.raises(IllegalTransform):
            transform_from_json(bad)


def test_the_prompt_carries_the_script_and_its_knobs() -> None:
    mm = kernel("matmul_512", "znver3")
    ctx = context(_request(mm, SCRIPT, roster=("a",)))
    entries = {(e["op"], e.get("name", e.get("level", ""))): e for e in ctx["legal_moves"]}
    assert entries["script", "lowering"]["current"] == "outerproduct" and entries["script", "lowering"]["meaning"]
    assert entries["script", "interchange"]["values"] == ["identity", "reversed"]
    assert ("script", "peel") not in entries and ("script", "pad") not in entries  # 512 divides: no value but the current is legal
    assert "tile_using_forall" in ctx["current"]["script_ir"]
    root = _request(mm, Script(), roster=("a",))
    assert any(e["op"] == "codegen" for e in context(root)["legal_moves"])
    off = type(root)(**{**root.__dict__, "codegen": "attributes"})
    assert not any(e["op"] == "codegen" for e in context(off)["legal_moves"])
    assert context(type(root)(**{**root.__dict__, "node": NodeView(SCRIPT, 1.0)}))["current"]["script_ir"]


#: per kernel, the script steps the build test takes (the unaligned matmul: partial tiles, peeled and padded)
_BUILT = {
    "matmul_bias_relu": (SetCodegenMode("script"), SetScriptKnob("unroll_reduction", "2"), SetScriptKnob("interchange", "reversed")),
    "conv2d_nhwc_b2": (SetCodegenMode("script"),),
    "matmul_unaligned": (SetCodegenMode("script"), SetScriptKnob("pad", "on"), SetScriptKnob("peel", "on"),
                         SetTileSizes("distribution", (64, 128, 0)), SetTileSizes("vector_common_parallel", (4, 16, 0)),
                         SetTileSizes("vector_reduction", (0, 0, 1))),
}


@pytest.mark.parametrize("name", list(_BUILT))
def test_a_script_builds_checks_its_numbers_and_exports_for_plain_iree_compile(name: str, tmp_path: Path) -> None:
    w = load_workload(str(KERNELS / f"{name}.mlir"), make_target("llvm-cpu", "znver3"))
    k = w.kernels()[0]
    script = validate_step(k, Script(), _BUILT[name])
    cand = build_candidate(w, {k: script})
    assert cand.library and "transform_dialect_codegen" in cand.source
    assert cand.library == script_library({k: script.resolve(k)})
    ev = Evaluator(w, tmp_path / "ev", repetitions=1, backend=LocalBackend())
    ev.baseline()
    m = ev.evaluate(cand)
    assert m.ok, m.error  # compiled through the script and matched IREE's default outputs
    assert m.binary != ev.baseline().binary
    export = export_spec(w, {k: script}, tmp_path / "export", backend=LocalBackend())
    flags = (tmp_path / "export" / "compile_flags.txt").read_text().split()
    assert flags[-2].startswith("--iree-codegen-transform-dialect-library=") and flags[-1] == "--mlir-disable-threading" and export.applied == {k.executable: True}
    out = tmp_path / "plain.vmfb"
    subprocess.run([tool_path("iree-compile"), str(KERNELS / f"{name}.mlir"), *w.base_flags, *flags, "-o", str(out)],
                   check=True, timeout=300, capture_output=True)
    assert out.stat().st_size > 0


def test_the_interpreter_checks_a_script_before_any_compile(tmp_path: Path) -> None:
    w = load_workload(str(KERNELS / "conv2d_nhwc_b2.mlir"), make_target("llvm-cpu", "znver3"))
    k = w.kernels()[0]
    good = build_candidate(w, {k: Script((SetCodegenMode("script"),))})
    assert precheck_scripts(good.source, good.library) == ""
    rows = tuple(2 if i == k.dims["output_image"][0] else v for i, v in enumerate(k.default_tiles["vector_common_parallel"]))
    bad = Script((SetCodegenMode("script"), SetTileSizes("vector_common_parallel", rows)))  # legality would refuse it: built directly
    cand = build_candidate(w, {k: bad})
    why = precheck_scripts(cand.source, cand.library)
    assert why.startswith("transform interpreter:") and "decompose failed to apply" in why
    ev = Evaluator(w, tmp_path, repetitions=1, backend=LocalBackend())
    ev.baseline()
    m = ev.evaluate(cand)
    assert m.status.value == "compile_error" and m.error == why and m.compile_s == 0.0  # recorded without compiling


def test_unrolled_and_peeled_scripts_keep_their_handles() -> None:
    w = load_workload(str(KERNELS / "matmul_512.mlir"), make_target("llvm-cpu", "znver3"))
    k = w.kernels()[0]
    both = validate_step(k, Script(), (SetCodegenMode("script"), SetScriptKnob("unroll_reduction", "4"), SetScriptKnob("peel", "on"),
                                       SetTileSizes("vector_common_parallel", (6, 16, 0)), SetTileSizes("vector_reduction", (0, 0, 4))))
    cand = build_candidate(w, {k: both})
    text = cand.library
    assert text.index("transform.loop.unroll") < text.index("transform.loop.peel")  # a peel consumes the loops around the unrolled one
    assert precheck_scripts(cand.source, cand.library) == ""
    swapped = build_candidate(w, {k: both.then(SetScriptKnob("interchange", "reversed"))}).library
    assert "%for_1 = transform.cast %reg_l1" in swapped  # M, the ragged loop, steps innermost: its loop is the second handle
    assert precheck_scripts(cand.source, swapped) == ""  # the same dispatch: only the script differs
    conv_w = load_workload(str(KERNELS / "conv2d_nhwc_b2.mlir"), make_target("llvm-cpu", "znver3"))
    conv = conv_w.kernels()[0]
    reg = tuple(6 if i == conv.dims["output_image"][-1] else v for i, v in enumerate(conv.default_tiles["vector_common_parallel"]))
    peeled = validate_step(conv, Script(), (SetCodegenMode("script"), SetTileSizes("vector_common_parallel", reg), SetScriptKnob("peel", "on")))
    cand = build_candidate(conv_w, {conv: peeled})
    assert "%peeled_" in cand.library and precheck_scripts(cand.source, cand.library) == ""  # decomposes the root's copies


@pytest.mark.parametrize("name", ["layernorm", "softmax"])
def test_row_reductions_get_a_script_of_partial_accumulators(name: str) -> None:
    k = kernel(name, "znver3")  # AVX2: 8 f32 lanes, 16 vector registers
    cfg = SCRIPT.resolve(k)
    text = render_sequence(k, cfg.tile_map, dict(cfg.knobs))
    generics, fills = k.body_ops.count("linalg.generic"), k.body_ops.count("linalg.fill")
    reductions = sum("reduction" in its for its in k.body_iterators)
    assert reductions == 2 and f"%wg_g{generics - 1}, %forall = transform.structured.tile_using_forall %g{generics - 1}" in text
    assert text.count("fuse_into_containing_op") == generics - 1 + fills  # every other op fuses into the workgroup's rows
    assert text.count("tile_reduction_using_for") == reductions  # lane-wise partial sums, one combine per row
    assert 'multi_reduction_unrolling lowering_strategy = "innerreduction"' in text and "lower_contraction" not in text
    with pytest.raises(IllegalTransform, match="whole 8-lane registers"):
        validate(k, SCRIPT, SetTileSizes("vector_reduction", (0, 12)))
    with pytest.raises(IllegalTransform, match="would spill"):
        validate(k, SCRIPT, SetTileSizes("vector_reduction", (0, 32)))  # 8 rows x 4 registers of accumulators
    with pytest.raises(IllegalTransform, match="does not divide"):
        validate(k, SCRIPT, SetTileSizes("vector_common_parallel", (12, 0)))
    assert {sp.name for sp in move_spaces(k, SCRIPT) if sp.op == "script"} == {"hoist"}
    joint = [moves for _, _, moves in ranked_steps(k, SCRIPT, "llvm-cpu", machine_for(k))
             if {t.level for t in moves if isinstance(t, SetTileSizes)} == set(SCRIPT_LEVELS)]
    assert joint  # the heuristic moves workgroup rows, register rows and accumulator width together (each bounds the next)
    w = load_workload(str(KERNELS / f"{name}.mlir"), make_target("llvm-cpu", "znver3"))
    cand = build_candidate(w, {w.kernels()[0]: SCRIPT})
    assert precheck_scripts(cand.source, cand.library) == ""  # the interpreter applies it to the real dispatch


def test_a_row_reduction_script_builds_and_matches_iree(tmp_path: Path) -> None:
    w = load_workload(str(KERNELS / "layernorm.mlir"), make_target("llvm-cpu", "znver3"))
    k = w.kernels()[0]
    script = validate_step(k, Script(), (SetCodegenMode("script"), SetTileSizes("vector_common_parallel", (4, 0))))
    ev = Evaluator(w, tmp_path / "ev", repetitions=1, backend=LocalBackend())
    ev.baseline()
    m = ev.evaluate(build_candidate(w, {k: script}))
    assert m.ok, m.error  # compiled through the script and matched IREE's default outputs
    export = export_spec(w, {k: script}, tmp_path / "export", backend=LocalBackend())
    assert export.applied == {k.executable: True}  # the spec matches the root only, not the consumer with the same operands


def test_script_mode_search_grows_from_the_script_root(tmp_path: Path) -> None:
    from litecoop_mlir.cli.main import main

    run = tmp_path / "run"
    assert main(["kernels/matmul_512.mlir", "--codegen", "script", "--budget", "3", "--no-db", "--work-dir", str(run),
                 "--repetitions", "2"]) == 0
    summary = json.loads((run / "summary.json").read_text())
    nodes = [json.loads(line) for line in (run / "candidates.jsonl").read_text().splitlines()]
    assert summary["candidates"] == 3
    assert all(n["script"][0] == {"op": "codegen", "mode": "script"} for n in nodes if n.get("script"))


def test_the_report_prints_a_kept_script_as_transform_ir() -> None:
    from litecoop_mlir.export.report import _dispatch_html

    mm = kernel("matmul_512", "znver3")
    html = _dispatch_html(mm, mm.executable, SCRIPT.then(SetScriptKnob("unroll_reduction", "2")).to_json())
    assert "Lowered by this codegen script" in html and "transform.loop.unroll %kloop factor = 2" in html
    assert "script unroll_reduction = 2" in html  # in the diff against IREE's default configuration
