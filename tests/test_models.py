"""Roster, pool statistics and phi, reply parsing, built-in proposers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from litecoop_mlir.core.errors import InputError
from litecoop_mlir.proposers.builtin import HeuristicProposer, RandomProposer, ranked_steps
from litecoop_mlir.proposers.pool import ModelPool, ModelSpec, load_roster
from litecoop_mlir.proposers.prompt import CONTEXT_CLOSE, CONTEXT_OPEN, render_messages
from litecoop_mlir.proposers.proposal import InvalidReply, parse_reply
from litecoop_mlir.proposers.request import NodeView, ProposalRequest
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import SetFlag, SetTileSizes
from litecoop_mlir.targets.machine import AVX2

REPO = Path(__file__).resolve().parent.parent


def _spec(name: str, params: float, price: float = 0.0) -> ModelSpec:
    return ModelSpec(name, "openai", name, base_url="http://127.0.0.1:1/v1", params_b=params,
                     input_cost_per_token=price, output_cost_per_token=2 * price)


def test_bundled_rosters_load() -> None:
    for path in sorted((REPO / "pipelines").glob("*.toml")):
        assert load_roster(path), path


def test_roster_errors_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "r.toml"
    bad.write_text('[[models]]\nname = "a"\nkind = "openai"\nmodel = "m"\nbase_url = "ftp://x"\n')
    with pytest.raises(InputError, match="base_url"):
        load_roster(bad)
    bad.write_text('[[models]]\nname = "a"\nkind = "builtin"\nmodel = "heuristic"\napi_key = "sk-123"\n')
    with pytest.raises(InputError, match="unknown field"):
        load_roster(bad)
    bad.write_text("models = [")
    with pytest.raises(InputError, match="cannot read roster"):
        load_roster(bad)


def test_phi_orders_models_by_cost_basis() -> None:
    specs = [_spec("small", 1, 3e-6), _spec("mid", 8, 1e-6), _spec("big", 70, 1e-7)]
    by_params = ModelPool(specs, cost_basis="params")
    assert by_params.phi("small") == 1.0 and by_params.phi("big") == 0.0
    assert 0 < by_params.phi("mid") < 1
    assert by_params.largest == "big" and by_params.cheapest == "small"
    by_price = ModelPool(specs, cost_basis="price")
    assert by_price.largest == "small" and by_price.cheapest == "big"


def test_cost_accounting_and_largest_share() -> None:
    pool = ModelPool([_spec("small", 1, 1e-6), _spec("big", 70, 1e-5)])
    pool.record("small", calls=3, prompt_tokens=100, cost_usd=pool.by_name["small"].cost(100, 50))
    pool.record("big", calls=1, prompt_tokens=10, completion_tokens=5, cost_usd=pool.by_name["big"].cost(10, 5))
    assert pool.stats["small"].cost_usd == pytest.approx(100 * 1e-6 + 50 * 2e-6)
    assert pool.stats["big"].cost_usd == pytest.approx(10 * 1e-5 + 5 * 2e-5)
    assert pool.largest_model_share() == pytest.approx(0.25)


def test_down_model_turn_goes_to_nearest_up_model() -> None:
    pool = ModelPool([_spec("small", 1), _spec("mid", 8), _spec("big", 70)], down_s=60)
    pool.mark_down("mid")
    assert pool.available("mid") in ("small", "big")
    pool.mark_down("small")
    pool.mark_down("big")
    assert pool.available("mid") is None


def _request(kernel, script: Script = Script(), roster=("a", "b")) -> ProposalRequest:
    pool = ModelPool([_spec(n, i + 1) for i, n in enumerate(roster)])
    return ProposalRequest(kernel=kernel, target="llvm-cpu", machine=AVX2, node=NodeView(script, 1.0),
                           baseline_ms=1.0, model=roster[0], roster=pool.roster_for_prompt(), budget_left=10)


def test_parse_reply_plan_with_dependencies(fake_kernel) -> None:
    text = json.dumps({
        "steps": [
            {"transforms": [{"op": "tile", "level": "vector_common_parallel", "sizes": [4, 16, 0]}], "after": "$0"},
            {"transforms": [{"op": "tile", "level": "vector_reduction", "sizes": [0, 0, 4]}], "after": "$1"},
        ],
        "next_model": "b", "reasoning": "r"})
    p = parse_reply(f"```json\n{text}\n```", fake_kernel, Script(), "llvm-cpu", ["a", "b"])
    assert [s.after for s in p.steps] == [0, 1] and p.next_model == "b"
    scripts = p.scripts(Script())
    assert len(scripts[1]) == 2 and scripts[1].transforms[0] == SetTileSizes("vector_common_parallel", (4, 16, 0))


@pytest.mark.parametrize("text, reason", [
    ("", "empty"),
    ("no json here", "not JSON"),
    ('{"steps": "x", "next_model": "a"}', "schema"),
    ('{"steps": [], "next_model": "a"}', "schema"),
    ('{"steps": [{"transforms": [{"op": "rm -rf /"}]}], "next_model": "a"}', "unknown transform op"),
    ('{"steps": [{"transforms": [{"op": "tile", "level": "vector_common_parallel", "sizes": [3, 3, 3]}]}], "next_model": "a"}', "reduction loop"),
    ('{"steps": [{"transforms": [{"op": "tile", "level": "distribution", "sizes": [64, 128, 0]}], "after": "$2"}], "next_model": "a"}', "earlier step"),
    ('[' * 100000 + ']' * 100000, "longer than"),
])
def test_parse_reply_rejects_with_reason(fake_kernel, text: str, reason: str) -> None:
    with pytest.raises(InvalidReply, match=reason):
        parse_reply(text, fake_kernel, Script(), "llvm-cpu", ["a"])


def test_parse_reply_keeps_legal_steps_and_unknown_next_model(fake_kernel) -> None:
    text = json.dumps({"steps": [
        {"transforms": [{"op": "tile", "level": "vector_common_parallel", "sizes": [99, 99, 99]}]},
        {"transforms": [{"op": "flag", "name": "reassociate_fp", "value": "true"}]},
        {"transforms": [{"op": "tile", "level": "distribution", "sizes": [64, 128, 0]}], "after": "$1"},
    ], "next_model": "$(whoami)"})
    p = parse_reply(text, fake_kernel, Script(), "llvm-cpu", ["a"])
    assert len(p.steps) == 1 and p.next_model == "" and len(p.rejected) == 2


def test_prompt_carries_context_without_secrets(fake_kernel, monkeypatch) -> None:
    monkeypatch.setenv("SECRET_KEY_ENV", "sk-do-not-leak")
    req = _request(fake_kernel)
    msgs = render_messages(req)
    body = msgs[-1]["content"]
    ctx = json.loads(body.split(CONTEXT_OPEN, 1)[1].split(CONTEXT_CLOSE, 1)[0])
    assert ctx["kernel"]["loop_bounds"] == [64, 128, 96]
    assert any(m["op"] == "tile" for m in ctx["legal_moves"])
    assert [m["name"] for m in ctx["models"]] == ["a", "b"]
    assert "sk-do-not-leak" not in json.dumps(msgs) and "base_url" not in body


def test_heuristic_prefers_register_tile_within_budget(fake_kernel) -> None:
    steps = ranked_steps(fake_kernel, Script(), "llvm-cpu", AVX2)
    best = steps[0][1].resolve(fake_kernel).tile_map["vector_common_parallel"]
    m, n = best[0], best[1]
    assert n % 8 == 0 and m * (n // 8) + n // 8 + 1 <= 16  # fits 16 ymm registers
    assert m * n > 64  # better than IREE's 8x8 default
    proposal = HeuristicProposer().suggest(_request(fake_kernel))
    assert len(proposal.steps) == 3 and proposal.next_model == "a"
    tried = frozenset(s.key(fake_kernel) for s in proposal.scripts(Script()))
    again = HeuristicProposer().suggest(ProposalRequest(**{**_request(fake_kernel).__dict__, "tried": tried}))
    assert not tried & {s.key(fake_kernel) for s in again.scripts(Script())}


def test_random_proposer_is_seeded_and_legal(fake_kernel) -> None:
    a = RandomProposer().suggest(_request(fake_kernel))
    b = RandomProposer().suggest(_request(fake_kernel))
    assert a == b and a.next_model in ("a", "b")


def test_heuristic_register_tiles_follow_the_machine(fake_kernel) -> None:
    from litecoop_mlir.targets.machine import AVX512

    for machine, lanes in ((AVX2, 8), (AVX512, 16)):
        best = ranked_steps(fake_kernel, Script(), "llvm-cpu", machine)[0][1].resolve(fake_kernel).tile_map["vector_common_parallel"]
        m, n = best[0], best[1]
        assert n % lanes == 0 and m * (n // lanes) + n // lanes + 1 <= machine.vector_registers, (machine.isa, best)


def test_heuristic_keeps_a_winning_class_flag_as_the_parent_of_tiles() -> None:
    """A conv whose im2col child won 4x: the next steps at the conv tile the matmul im2col made
    (or lower it by a codegen script)."""
    from tests.test_transforms import kernel

    k = kernel("conv2d_nchw_s2", "znver3")
    im2col = Script((SetFlag("im2col", "true"),))
    req = _request(k, Script())
    req = ProposalRequest(**{**req.__dict__, "node": NodeView(Script(), 4.0), "children": (NodeView(im2col, 1.0),),
                             "tried": frozenset({im2col.key(k)})})
    proposal = HeuristicProposer().suggest(req)
    assert proposal.steps and all(s.transforms[0] == SetFlag("im2col", "true") for s in proposal.steps)
    assert all(any(t.op in ("tile", "codegen") for t in s.transforms) for s in proposal.steps)
    assert "building on" in proposal.reasoning
