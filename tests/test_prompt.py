"""Prompts a model can act on: jointly legal moves, meanings, IR, feedback, budgets per model,
the prompt-following simulated model, --print-prompt and cassettes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from litecoop_mlir.cli.main import main
from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.ir.workload import load_workload
from litecoop_mlir.proposers.cassette import request_digest
from litecoop_mlir.proposers.openai_client import OpenAIProposer
from litecoop_mlir.proposers.pool import ModelPool, ModelSpec
from litecoop_mlir.proposers.prompt import COMPACT, FULL, context, render_messages
from litecoop_mlir.proposers.proposal import parse_reply
from litecoop_mlir.proposers.request import NodeView, ProposalRequest
from litecoop_mlir.space.legality import validate
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import IllegalTransform, SetTileSizes
from litecoop_mlir.targets.machine import AVX2, AVX512
from litecoop_mlir.targets.strategy import make_target
from litecoop_mlir.testing.openai_server import OpenAIServer, prompt_context, prompt_following_responder

from .conftest import SMALL_CONV_S2, SMALL_MATMUL

ROSTER = [ModelSpec("small", "openai", "small", base_url="http://127.0.0.1:9/v1", params_b=1, context_tokens=8192),
          ModelSpec("big", "openai", "big", base_url="http://127.0.0.1:9/v1", params_b=400)]


def _request(kernel, model: str = "big", script: Script = Script(), machine=AVX512, **kw) -> ProposalRequest:
    pool = ModelPool(list(ROSTER))
    return ProposalRequest(kernel=kernel, target="llvm-cpu", machine=machine, node=NodeView(script, 1.0), baseline_ms=1.0,
                           model=model, roster=pool.roster_for_prompt(), budget_left=8,
                           context_tokens=pool.by_name[model].context_tokens, **kw)


@pytest.mark.parametrize("machine", [AVX2, AVX512], ids=["avx2", "avx512"])
def test_every_listed_tile_tuple_is_legal_with_the_others(machine) -> None:
    kernel = load_workload(SMALL_MATMUL, make_target("llvm-cpu")).kernels()[0]
    ctx = context(_request(kernel, machine=machine), FULL)
    tiles = [m for m in ctx["legal_moves"] if m["op"] == "tile"]
    assert {m["level"] for m in tiles} >= {"vector_common_parallel", "vector_reduction"}
    for m in tiles:
        assert m["legal_sizes"] and m["meaning"]
        for sizes in m["legal_sizes"]:
            validate(kernel, Script(), SetTileSizes(m["level"], tuple(sizes)), "llvm-cpu", machine)  # raises if not
    # a tuple the per-loop lists allow but the register budget does not is not listed
    with pytest.raises(IllegalTransform):
        validate(kernel, Script(), SetTileSizes("vector_common_parallel", (32, 32, 0)), "llvm-cpu", machine)
    assert [32, 32, 0] not in next(m for m in tiles if m["level"] == "vector_common_parallel")["legal_sizes"]
    flags = [m for m in ctx["legal_moves"] if m["op"] == "flag"]
    assert flags and all(m["meaning"] for m in flags)
    assert "linalg.generic" in ctx["kernel"]["ir"] and "lowering_config" in ctx["current"]["config_ir"]
    assert ctx["suggested_steps"]


def test_prompt_budgets_feedback_and_tried() -> None:
    kernel = load_workload(SMALL_MATMUL, make_target("llvm-cpu")).kernels()[0]
    tried = (NodeView(Script((SetTileSizes("vector_reduction", (0, 0, 4)),)), 0.5),)
    full = render_messages(_request(kernel, "big", feedback=("small: step 2: too many registers",), tried_nodes=tried))
    compact = render_messages(_request(kernel, "small", tried_nodes=tried))
    ctx_full, ctx_compact = prompt_context({"messages": full}), prompt_context({"messages": compact})
    assert ctx_full["prompt"] == "full" and ctx_compact["prompt"] == "compact"
    assert ctx_full["feedback"] == ["small: step 2: too many registers"]
    assert ctx_full["tried"][0]["latency_ms"] == 0.5 and ctx_compact["tried"]
    assert len(json.dumps(ctx_compact)) < len(json.dumps(ctx_full))
    assert '"enum": ["tile"]' in full[0]["content"].replace('":["', '": ["') or '"enum":["tile"]' in full[0]["content"]
    tiny = _request(kernel, "small", tried_nodes=tried)
    tiny = ProposalRequest(**{**tiny.__dict__, "context_tokens": 1024})
    assert prompt_context({"messages": render_messages(tiny)})["prompt"] == "minimal"


@pytest.mark.parametrize("source", [SMALL_MATMUL, SMALL_CONV_S2], ids=["matmul", "conv"])
def test_the_prompt_following_model_proposes_legal_steps(source: str) -> None:
    kernel = load_workload(source, make_target("llvm-cpu")).kernels()[0]
    respond = prompt_following_responder(quality=0.5)
    rng = random.Random(0)
    legal = proposed = 0
    script = Script()
    for i in range(12):
        req = _request(kernel, ("small", "big")[i % 2], script, machine=AVX2)
        reply = respond({"messages": render_messages(req)}, rng)
        proposed += len(json.loads(reply)["steps"])
        p = parse_reply(reply, kernel, script, "llvm-cpu", ["small", "big"], machine=AVX2)
        legal += len(p.steps)
        script = p.scripts(script)[0]
    assert legal >= 0.95 * proposed


def test_print_prompt_and_a_cassette_replayed_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "mm.mlir"
    src.write_text(SMALL_MATMUL)
    tape = tmp_path / "tape.jsonl"
    with OpenAIServer(responders={"sim": prompt_following_responder(0.7)}, seed=2) as server:
        spec = ModelSpec("sim", "openai", "sim", base_url=server.base_url, params_b=8, cassette=str(tape), cassette_mode="record")
        opts = OptimizeOptions(budget=3, roster=(spec,), final_rounds=1, repetitions=2, search_repetitions=2, finalists=1,
                               db="")  # the replay searches again (no reuse)
        optimize(str(src), tmp_path / "rec", opts)
        served = len(server.requests)
    rows = [json.loads(line) for line in tape.read_text().splitlines()]
    assert len(rows) == served >= 1 and all(r["reply"] and r["digest"] for r in rows)
    # replayed: the endpoint is gone (nothing listens on port 9), the replies come from the tape
    spec = ModelSpec("sim", "openai", "sim", base_url="http://127.0.0.1:9/v1", params_b=8, cassette=str(tape), cassette_mode="replay")
    again = optimize(str(src), tmp_path / "rep", OptimizeOptions(**{**opts.__dict__, "roster": (spec,)}))
    assert sum(d.search.evaluated for d in again.dispatches) >= 1
    assert again.pool.stats["sim"].calls >= 1 and again.pool.stats["sim"].errors == 0

    assert main(["--print-prompt", str(tmp_path / "rec"), "0:1", "--model", "sim"]) == 0
    out = capsys.readouterr().out
    assert "----- system -----" in out and "<context>" in out and '"you_are":"sim"' in out
    assert main(["--print-prompt", str(tmp_path / "rec"), "0:1", "--model", "nobody"]) == 2


def test_request_digest_ignores_what_changes_between_runs() -> None:
    kernel = load_workload(SMALL_MATMUL, make_target("llvm-cpu")).kernels()[0]
    a = _request(kernel, tried_nodes=(NodeView(Script((SetTileSizes("vector_reduction", (0, 0, 4)),)), 0.5),))
    b = _request(kernel, tried_nodes=(NodeView(Script((SetTileSizes("vector_reduction", (0, 0, 4)),)), 0.7),))
    c = _request(kernel, tried_nodes=(NodeView(Script((SetTileSizes("vector_reduction", (0, 0, 8)),)), 0.5),))
    assert request_digest("m", render_messages(a)) == request_digest("m", render_messages(b))
    assert request_digest("m", render_messages(a)) != request_digest("m", render_messages(c))
    assert OpenAIProposer  # the client reads cassettes (see test above)


def test_budget_objects_are_ordered() -> None:
    assert FULL.tuples > COMPACT.tuples and FULL.ir and not COMPACT.ir
