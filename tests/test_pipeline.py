"""Pass pipelines: the value and its text form, the registry read from IREE, moves and their
legality, the pipeline prompt and replies, the dispatch graph, shipped pipelines, and the
pipeline level of a search (offline proposers and a model on the local test server)."""

from __future__ import annotations

import dataclasses
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from litecoop_mlir.cli.main import main
from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.driver.two_level import optimize_two_level
from litecoop_mlir.ir.dispatch_graph import dispatch_graph, graph_summary, module_graph
from litecoop_mlir.ir.workload import load_workload
from litecoop_mlir.iree.compiler import compile_module
from litecoop_mlir.iree.process import Limits
from litecoop_mlir.measure.backend import Evaluator, LocalBackend
from litecoop_mlir.proposers.caller import ModelCaller
from litecoop_mlir.proposers.pass_pipeline_heuristic import heuristic_pipeline
from litecoop_mlir.proposers.pass_pipeline_request import PipelineRequest, parse_reply, render_messages
from litecoop_mlir.proposers.pool import OFFLINE_ROSTER, ModelPool, ModelSpec
from litecoop_mlir.proposers.proposal import InvalidReply
from litecoop_mlir.search.pass_pipelines import PipelineSearch
from litecoop_mlir.space.pass_pipelines import (
    IllegalPipeline,
    PassRegistry,
    PassSpec,
    Pipeline,
    PipelineMove,
    legal_pipeline_moves,
    load_pipeline,
    parse_pipeline,
    shipped_pipelines,
)
from litecoop_mlir.targets.strategy import make_target
from litecoop_mlir.testing.openai_server import OpenAIServer, prompt_following_responder
from tests.conftest import KERNELS, SMALL_MATMUL

PAD = "iree-preprocessing-pad-linalg-ops"
TRANSPOSE = "iree-preprocessing-transpose-matmul-pass"


# ----- the value and its text ---------------------------------------------------------------

def test_text_form_round_trips_and_nests_function_passes() -> None:
    p = Pipeline((PassSpec(PAD, (("pad-size", "16"),)), PassSpec(TRANSPOSE, (("input", "rhs"),), "function")),
                 (("iree-opt-data-tiling", "true"),), name="x", doc="for a test")
    assert p.flags()[0] == f"--iree-preprocessing-pass-pipeline=builtin.module({PAD}{{pad-size=16}},util.func({TRANSPOSE}{{input=rhs}}))"
    assert " " not in p.flags()[0]  # one word on a command line
    again = parse_pipeline(p.text(), name="x")
    assert again == p and again.doc == "for a test" and again.key() == p.key()
    assert Pipeline(options=(("b", "1"), ("a", "2"))) == Pipeline(options=(("a", "2"), ("b", "1")))  # options are a set
    assert Pipeline((PassSpec("a"), PassSpec("b"))) != Pipeline((PassSpec("b"), PassSpec("a")))  # passes are ordered


@pytest.mark.parametrize("text, why", [
    ("--iree-preprocessing-pass-pipeline=builtin.module(func.func(x))", "util.func"),
    ("--iree-preprocessing-pass-pipeline=builtin.module(a, b{x=1)", "unbalanced"),
    ("--iree-preprocessing-pass-pipeline=a,b", "builtin.module"),
    ("iree-opt-data-tiling=true", "expected --flag=value"),
    ("--iree-preprocessing-pass-pipeline=builtin.module(x{novalue})", "needs a value"),
])
def test_bad_pipeline_text_is_a_one_line_reason(text: str, why: str) -> None:
    with pytest.raises(IllegalPipeline, match=why):
        parse_pipeline(text)


# ----- the registry -------------------------------------------------------------------------

def test_registry_is_read_from_iree_and_checks_every_part() -> None:
    r = PassRegistry.installed()
    assert r.passes[TRANSPOSE].options["input"].values == ("lhs", "rhs")
    assert "iree-opt-data-tiling" in r.flags and "iree-dispatch-creation-enable-aggressive-fusion" in r.flags
    assert r.anchor("iree-preprocessing-make-single-dispatch-for-function") == "function"
    assert r.anchor(PAD) == "module"
    r.check(Pipeline((PassSpec(TRANSPOSE, (("input", "rhs"),)),), (("iree-opt-data-tiling", "true"),)))
    for bad, why in [(Pipeline((PassSpec("iree-no-such-pass"),)), "not registered"),
                     (Pipeline((PassSpec(TRANSPOSE, (("side", "rhs"),)),)), "no option 'side'"),
                     (Pipeline((PassSpec(TRANSPOSE, (("input", "both"),)),)), "not one of lhs, rhs"),
                     (Pipeline((PassSpec(PAD, (("pad-size", "big"),)),)), "not an integer"),
                     (Pipeline(options=(("iree-no-such-flag", "1"),)), "no flag"),
                     (Pipeline(options=(("iree-opt-data-tiling", "maybe"),)), "true or false")]:
        with pytest.raises(IllegalPipeline, match=why):
            r.check(bad)


def test_moves_follow_the_modules_ops_and_the_current_pipeline() -> None:
    r = PassRegistry.installed()
    moves = legal_pipeline_moves(Pipeline(), r, {"contraction"}, "llvm-cpu")
    texts = {m.text() for m in moves}
    assert "set iree-opt-data-tiling=true" in texts and f"add {TRANSPOSE}{{input=rhs}}" in texts
    assert "set iree-global-opt-use-im2col-for-convs=true" not in texts  # no convolution here
    assert not any(m.op in ("drop", "unset") for m in moves)
    p = PipelineMove("set", "iree-opt-data-tiling", value="true").apply(Pipeline())
    p = PipelineMove("add", PAD, (("pad-size", "16"),)).apply(p, r)
    after = {m.text() for m in legal_pipeline_moves(p, r, {"contraction"}, "llvm-cpu")}
    assert f"drop #0 {PAD}" in after and "unset iree-opt-data-tiling" in after and "set iree-opt-data-tiling=true" not in after
    assert not any(t.startswith(f"add {PAD}") for t in after)
    with pytest.raises(IllegalPipeline, match="no pass #3"):
        PipelineMove("drop", PAD, index=3).apply(p)


# ----- prompt, replies, heuristic ------------------------------------------------------------

GRAPH = [{"dispatch": "d0", "root": "contraction", "loops": "128x1024x256", "time_share": 0.8, "calls": 1, "inputs_from": []},
         {"dispatch": "d1", "root": "reduction", "loops": "128x1024", "time_share": 0.2, "calls": 1, "inputs_from": ["d0"]}]


def _request(**kw) -> PipelineRequest:
    legal = tuple(legal_pipeline_moves(Pipeline(), PassRegistry.installed(), {"contraction", "reduction"}, "llvm-cpu"))
    base = dict(module="m", target="llvm-cpu", graph=GRAPH, current=Pipeline(), current_ms=1.0, baseline_ms=1.0, legal=legal,
                model="small", roster=[{"name": "small"}, {"name": "big"}], budget_left=8)
    return PipelineRequest(**{**base, **kw})


def test_prompt_carries_the_graph_the_legal_moves_with_meanings_and_the_schema() -> None:
    system, user = (m["content"] for m in render_messages(_request(feedback=("step 1: not a listed legal move",))))
    assert '"enum":["add","drop","set","unset"]' in system
    ctx = json.loads(user.split("<context>")[1].split("</context>")[0])
    assert ctx["dispatch_graph"] == GRAPH and ctx["feedback"] == ["step 1: not a listed legal move"]
    dt = next(m for m in ctx["legal_moves"] if m["name"] == "iree-opt-data-tiling")
    assert dt["op"] == "set" and dt["value"] == "true" and "mmt4d" in dt["meaning"]


def test_replies_are_parsed_into_listed_moves_only() -> None:
    req = _request()
    good = {"op": "set", "name": "iree-opt-data-tiling", "value": "true"}
    text = json.dumps({"steps": [[good], [{"op": "set", "name": "$(rm -rf /)", "value": "1"}], [{"op": "exec"}]],
                       "next_model": "big", "reasoning": "pack"})
    p = parse_reply(text, req)
    assert [m.text() for s in p.steps for m in s] == ["set iree-opt-data-tiling=true"] and p.next_model == "big"
    assert len(p.rejected) == 2 and "not a listed legal move" in p.rejected[0]
    with pytest.raises(InvalidReply):
        parse_reply("Sure, enable data tiling!", req)
    with pytest.raises(InvalidReply, match="no usable step"):
        parse_reply(json.dumps({"steps": [[{"op": "drop", "name": PAD, "index": 0}]], "next_model": "x", "reasoning": ""}), req)


def test_the_heuristic_packs_contraction_heavy_modules_first() -> None:
    first = heuristic_pipeline(_request(steps_wanted=2)).steps[0][0]
    assert first.text() == "set iree-opt-data-tiling=true"
    tried = (("iree-opt-data-tiling=true", 0.9, "ok"),)
    assert heuristic_pipeline(_request(tried=tried)).steps[0][0].text() != first.text()


def test_dispatch_graph_follows_data_through_reshapes() -> None:
    flow = """
  util.func public @main(%arg0: !hal.buffer_view) -> !hal.buffer_view {
    %0 = hal.tensor.import %arg0 : !hal.buffer_view -> tensor<8xf32>
    %1 = flow.dispatch @d0::@d0_e(%0) : (tensor<8xf32>) -> tensor<8xf32>
    %2 = flow.tensor.reshape %1 : tensor<8xf32> -> tensor<2x4xf32>
    %3 = flow.dispatch @d1::@d1_e(%2, %0) : (tensor<2x4xf32>, tensor<8xf32>) -> tensor<2x4xf32>
    %4 = flow.dispatch @d2::@d2_e(%3, %1) : (tensor<2x4xf32>, tensor<8xf32>) -> tensor<2x4xf32>
    util.return %4 : tensor<2x4xf32>
  }"""
    g = dispatch_graph(flow)
    assert set(g.edges) == {("d0", "d1"), ("d1", "d2"), ("d0", "d2")}
    assert [n["dispatch"] for n in graph_summary(g)] == ["d0", "d1", "d2"]


def test_the_graph_gives_a_contraction_its_m_n_k_and_padding_reads_them() -> None:
    """The encoder's head-split projection has loops 128x4x32x128 (4 heads of 32): the last three loops
    called it unaligned, and the prior's padding made the module 1.70 -> 6.41 ms. Its M, N, K are aligned."""
    from litecoop_mlir.proposers.pass_pipeline_heuristic import prior

    w = load_workload(str(KERNELS / "batch_matmul.mlir"), make_target("llvm-cpu"))
    (node,) = graph_summary(module_graph(w))
    assert node["loops"] == "8x256x256x256" and node["mnk"] == "256x256x256"  # the batch is no matmul size
    pad = PipelineMove("add", "iree-preprocessing-pad-linalg-ops", (("pad-size", "16"),))
    heads = {"dispatch": "d0", "root": "contraction", "loops": "128x4x32x128", "time_share": 1.0, "calls": 1, "inputs_from": []}
    assert prior(pad, _request(graph=[heads])) == 1.5
    assert prior(pad, _request(graph=[{**heads, "mnk": "128x128x128"}])) < 0.2
    assert prior(pad, _request(graph=[{**heads, "mnk": "128x257x128"}])) == 1.5


# ----- shipped pipelines ---------------------------------------------------------------------

def _compiles(kernel: str, pipeline: Pipeline, tmp: Path) -> str:
    w = load_workload(str(KERNELS / f"{kernel}.mlir"), make_target("llvm-cpu"))
    res = compile_module(w.source, (*w.base_flags, *pipeline.flags()), tmp / pipeline.name / kernel, Limits(timeout_s=300))
    return "" if res.ok else f"{pipeline.name} on {kernel}: {res.status.value}: {res.error}"


@pytest.mark.slow
def test_every_shipped_pipeline_compiles_every_kernel_it_claims(tmp_path: Path) -> None:
    shipped = {name: load_pipeline(path) for name, path in shipped_pipelines().items()}
    assert {"default", "data-tiling", "im2col", "aggressive-fusion"} <= set(shipped)
    jobs = []
    for p in shipped.values():
        PassRegistry.installed().check(p)
        assert p.doc and p.applies_to and "llvm-cpu" in p.targets, p.name
        assert all((KERNELS / f"{k}.mlir").is_file() for k in p.applies_to), p.name
        jobs.extend((k, p) for k in p.applies_to)
    with ThreadPoolExecutor(2) as pool:
        failed = [f for f in pool.map(lambda j: _compiles(j[0], j[1], tmp_path), jobs) if f]
    assert not failed, "\n".join(failed)


# ----- the pipeline level of a search --------------------------------------------------------

def test_apply_a_pipeline_without_searching(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "mm.mlir"
    src.write_text(SMALL_MATMUL)
    assert main([str(src), "--pipeline", "data-tiling", "--work-dir", str(tmp_path / "w"), "--repetitions", "3"]) == 0
    summary = json.loads((tmp_path / "w" / "summary.json").read_text())
    assert summary["status"] == "ok" and summary["dispatches_pipeline"] > summary["dispatches_default"] == 1
    assert summary["default_ms"] > 0 and summary["pipeline_ms"] > 0 and summary["max_rel_error"] < 1e-4
    assert (tmp_path / "w" / "compile_flags.txt").read_text() == "--iree-opt-data-tiling=true\n"
    assert "--iree-opt-data-tiling=true" in capsys.readouterr().out  # the pipeline file on stdout
    assert main([str(src), "--pipeline", "no-such-pipeline"]) == 1
    assert "no such pipeline file" in capsys.readouterr().err
    assert main(["--list-pipelines"]) == 0 and "im2col" in capsys.readouterr().out


def test_pipeline_search_with_a_model_on_the_test_server(tmp_path: Path) -> None:
    w = load_workload(SMALL_MATMUL, make_target("llvm-cpu"))
    ev = Evaluator(w, tmp_path / "eval", repetitions=2, min_time_s=0.02, backend=LocalBackend())
    base = ev.baseline()
    with OpenAIServer(responders={"sim": prompt_following_responder(0.8)}, seed=3) as server:
        pool = ModelPool([ModelSpec("sim", "openai", "sim", base_url=server.base_url, params_b=8)])
        search = PipelineSearch(w, ev, ModelCaller(pool), base, children=2)
        best = search.run(budget=4, cap=4)
        asked = [r for r in server.requests if "current_pipeline" in json.dumps(r)]
    assert asked and pool.stats["sim"].calls >= 1 and pool.stats["sim"].invalid == 0
    assert 1 <= search.spent <= 4 and len(search.nodes) == search.spent + 1
    assert len({n.pipeline for n in search.nodes}) == len(search.nodes)  # nothing identical measured twice
    assert all(n.ok or n.measurement is not None for n in search.nodes[1:])
    assert best.latency_ms <= base.median_ms and search.nodes[0].graph[0]["root"] == "contraction"
    for n in search.nodes[1:]:  # a pipeline that builds an earlier node's binary is that node, never a finalist
        twin = next((o.id for o in search.nodes[: n.id] if o.ok and o.measurement.binary == n.measurement.binary), None)
        assert n.same_build_as == (twin if n.ok else None)
    assert best.same_build_as is None


def test_codegen_under_a_pipeline_is_checked_against_irees_default(tmp_path: Path) -> None:
    src = tmp_path / "mm.mlir"
    src.write_text(SMALL_MATMUL)
    p = load_pipeline(shipped_pipelines()["data-tiling"])
    opts = OptimizeOptions(budget=2, pipeline=p, final_rounds=1, repetitions=2, search_repetitions=2, finalists=1, db="")
    res = optimize(str(src), tmp_path / "w", opts)
    s = res.pipeline
    assert s is not None and s["flags"] == ["--iree-opt-data-tiling=true"] and s["dispatches_pipeline"] > s["dispatches_default"]
    assert s["default_ms"] > 0 and s["best_ms"] > 0 and len(s["rounds_ms"]["default"]) == 1
    assert "--iree-opt-data-tiling=true" in (tmp_path / "w" / "compile_flags.txt").read_text()
    assert "--iree-opt-data-tiling=true" in (tmp_path / "w" / "pipeline.txt").read_text()
    assert res.best_measurement is None or res.best_measurement.max_rel_error < 1e-4  # against the default's outputs


@pytest.mark.slow
def test_two_level_search_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "mm.mlir"
    src.write_text(SMALL_MATMUL)
    opts = OptimizeOptions(budget=8, search_pipelines=True, pipeline_share=0.5, final_rounds=1, repetitions=2,
                           search_repetitions=2, finalists=1, db="", roster=OFFLINE_ROSTER)
    res = optimize_two_level(str(src), tmp_path / "w", opts)
    s = json.loads((tmp_path / "w" / "summary.json").read_text())
    tree, spent = s["pipeline"]["searched"], s["budget_spent"]
    assert len(tree["nodes"]) >= 2 and tree["nodes"][0]["pipeline"] == "IREE default"
    assert 1 <= tree["spent"] <= 4 and 1 <= len(s["pipeline"]["branches"]) <= 2
    twins = {n["id"] for n in tree["nodes"] if n["same_build_as"] is not None}
    assert not twins & {b["node"] for b in s["pipeline"]["branches"]}  # a twin of a measured build is never a branch
    assert spent["pipelines"] + sum(v for k, v in spent.items() if k.startswith("n") and k != s["pipeline"]["branch"].split("/")[-1]) \
        + spent["winner_total"] <= 8
    for name in ("best.vmfb", "spec.mlir", "compile_flags.txt", "pipeline.txt", "compile.sh"):
        assert (tmp_path / "w" / name).is_file(), name
    assert res.work_dir == tmp_path / "w" and s["models"]["heuristic"]["calls"] >= 1
    assert main(["--show", str(tmp_path / "w")]) == 0 and main(["--show", str(tmp_path / "w"), "0:0"]) == 0
    capsys.readouterr()
    assert main(["--print-prompt", str(tmp_path / "w"), "p1"]) == 0  # the messages at pipeline node 1
    out = capsys.readouterr().out
    assert " at p1 of " in out and '"current_pipeline"' in out and '"legal_moves"' in out
    assert main(["--print-prompt", str(tmp_path / "w"), f"p{len(tree['nodes'])}"]) == 1
    with pytest.raises(Exception, match="already holds a run"):
        optimize_two_level(str(src), tmp_path / "w", opts)


def test_the_offline_prior_tries_channels_last_first_on_a_convnet() -> None:
    """On NCHW convnets channels-last was the largest win measured (resnet_nchw 29.9 -> 2.9 ms at the pipeline level);
    the search's early stop (a round under 2%) ended before a late-ranked channels-last was ever tried."""
    from litecoop_mlir.proposers.pass_pipeline_heuristic import ranked_moves

    graph = [{"dispatch": "d0", "root": "convolution", "loops": "1x64x28x28x64x3x3", "time_share": 0.9, "calls": 1, "inputs_from": []},
             {"dispatch": "d1", "root": "elementwise", "loops": "64x28x28", "time_share": 0.1, "calls": 1, "inputs_from": ["d0"]}]
    legal = tuple(legal_pipeline_moves(Pipeline(), PassRegistry.installed(), {"convolution", "elementwise"}, "llvm-cpu"))
    first = ranked_moves(_request(graph=graph, legal=legal))[0]
    assert first.text() == "add iree-preprocessing-convert-conv-to-channels-last"
    after = first.apply(Pipeline())
    legal = tuple(legal_pipeline_moves(after, PassRegistry.installed(), {"convolution", "elementwise"}, "llvm-cpu"))
    nxt = ranked_moves(_request(graph=graph, legal=legal, current=after))[0]
    assert nxt.text() == "set iree-global-opt-propagate-transposes-through-conv=true"


def test_channels_last_reaches_the_1x1_convolutions_iree_made_matmuls() -> None:
    """mobilenet_dw: IREE turns its NCHW 1x1 convolutions into contractions, so the graph shows 11% of
    the flops in convolutions and the prior ranked packing, padding and fusion first; channels-last
    (x1.43 at the pipeline level) was never tried. The source's named ops show the layout."""
    from litecoop_mlir.ir.workload import named_ops
    from litecoop_mlir.proposers.pass_pipeline_heuristic import prior

    graph = [{"dispatch": "d0", "root": "convolution", "loops": "1x56x56x32x3x3", "flops_share": 0.1, "calls": 1, "inputs_from": []},
             {"dispatch": "d1", "root": "contraction", "loops": "64x56x56x32", "flops_share": 0.9, "calls": 1, "inputs_from": ["d0"]}]
    src = ("%0 = linalg.conv_2d_nchw_fchw ins(%a, %b) %1 = linalg.depthwise_conv_2d_nchw_chw ins(%c, %d)\n"
           "%2 = linalg.conv_2d_nchw_fchw %3 = linalg.generic {iterator_types = [#linalg.iterator_type<parallel>]}\n"
           "%4 = linalg.fill %5 = linalg.matmul\n")
    assert named_ops(src) == {"conv_2d_nchw_fchw": 2, "depthwise_conv_2d_nchw_chw": 1, "matmul": 1}
    legal = tuple(legal_pipeline_moves(Pipeline(), PassRegistry.installed(), {"convolution", "contraction"}, "llvm-cpu"))
    cl = PipelineMove("add", "iree-preprocessing-convert-conv-to-channels-last")
    blind = _request(graph=graph, legal=legal)
    seeing = _request(graph=graph, legal=legal, source_ops=tuple(named_ops(src).items()))
    assert prior(cl, blind) < 0.5 < 1.5 < prior(cl, seeing)
    first = heuristic_pipeline(seeing).steps[0][0]
    assert first.text() == cl.text()
    nhwc = _request(graph=graph, legal=legal, source_ops=(("conv_2d_nhwc_hwcf", 3), ("matmul", 1)))
    assert prior(cl, nhwc) == prior(cl, blind)  # channels-last is a no-op on NHWC: no reach beyond the graph
    assert '"conv_2d_nchw_fchw": 2' in render_messages(seeing)[1]["content"]


def test_a_heuristic_round_tries_one_variant_per_pass() -> None:
    """Three pad sizes in one round spend it on one idea (the unaligned graph ranks padding high)."""
    graph = [{"dispatch": "d0", "root": "contraction", "loops": "100x100x100", "time_share": 1.0, "calls": 1, "inputs_from": []}]
    steps = heuristic_pipeline(_request(graph=graph, steps_wanted=4)).steps
    names = [s[0].name for s in steps]
    assert len(names) == len(set(names)) == 4 and "iree-preprocessing-pad-linalg-ops" in names
    one = _request(graph=graph, legal=tuple(m for m in _request().legal if m.name == "iree-preprocessing-pad-linalg-ops"))
    assert len(heuristic_pipeline(dataclasses.replace(one, steps_wanted=3)).steps) == 3  # when nothing else is left
