"""The real OpenAI client path against the local test server: replies, garbage, errors, keys."""

from __future__ import annotations

import json
import threading

import pytest

from litecoop_mlir.core.records import How, Measurement, Status
from litecoop_mlir.measure.executor import LocalExecutor
from litecoop_mlir.proposers.caller import ModelCaller
from litecoop_mlir.proposers.openai_client import OpenAIProposer
from litecoop_mlir.proposers.pool import ModelPool, ModelSpec
from litecoop_mlir.proposers.request import NodeView, ProposalRequest
from litecoop_mlir.search.mcts import KernelSearch, SearchConfig
from litecoop_mlir.space.script import Script
from litecoop_mlir.targets.machine import AVX2
from litecoop_mlir.testing.openai_server import OpenAIServer


@pytest.fixture
def server():
    with OpenAIServer(seed=1) as s:
        yield s


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    monkeypatch.setattr(OpenAIProposer, "backoff_s", 0.01)


def _caller(server: OpenAIServer, **kw) -> ModelCaller:
    specs = [
        ModelSpec("small", "openai", "small", base_url=server.base_url, params_b=1,
                  input_cost_per_token=1e-6, output_cost_per_token=2e-6, **kw),
        ModelSpec("big", "openai", "big", base_url=server.base_url, params_b=70,
                  input_cost_per_token=1e-5, output_cost_per_token=3e-5, **kw),
    ]
    return ModelCaller(ModelPool(specs))


def _request(kernel, caller: ModelCaller, model: str = "small") -> ProposalRequest:
    return ProposalRequest(kernel=kernel, target="llvm-cpu", machine=AVX2, node=NodeView(Script(), 1.0),
                           baseline_ms=1.0, model=model, roster=caller.pool.roster_for_prompt(), budget_left=8)


def test_valid_reply_is_parsed_and_costed(server, fake_kernel) -> None:
    caller = _caller(server)
    out = caller.call("small", _request(fake_kernel, caller))
    assert out.status == "ok" and out.proposal is not None and out.proposal.steps
    req = server.requests[-1]
    assert req["model"] == "small" and req["response_format"]["type"] == "json_schema"
    st = caller.pool.stats["small"]
    assert st.calls == 1 and st.prompt_tokens > 100 and st.completion_tokens > 0
    assert st.cost_usd == pytest.approx(st.prompt_tokens * 1e-6 + st.completion_tokens * 2e-6)


@pytest.mark.parametrize("action", ["malformed", "schema", "illegal", "hostile", "empty"])
def test_garbage_gets_one_corrective_reask(server, fake_kernel, action: str) -> None:
    caller = _caller(server)
    server.push("small", action)
    out = caller.call("small", _request(fake_kernel, caller))
    assert out.status == "ok" and out.requests == 2
    assert "rejected" in server.requests[-1]["messages"][-1]["content"]
    server.push("small", action, action)
    out = caller.call("small", _request(fake_kernel, caller))
    assert out.status == "invalid" and out.proposal is None and out.error
    assert caller.pool.stats["small"].invalid == 1


@pytest.mark.parametrize("action", ["429", "500", "drop"])
def test_transient_errors_are_retried(server, fake_kernel, action: str) -> None:
    caller = _caller(server)
    server.push("small", action)
    out = caller.call("small", _request(fake_kernel, caller))
    assert out.status == "ok" and out.retries == 1
    assert caller.pool.stats["small"].retries == 1


def test_persistent_errors_mark_model_down(server, fake_kernel) -> None:
    caller = _caller(server, max_retries=1)
    server.push("small", "500", "500")
    out = caller.call("small", _request(fake_kernel, caller))
    assert out.status == "unavailable" and "InternalServerError" in out.error
    assert caller.pool.is_down("small") and caller.pool.available("small") == "big"


def test_dead_endpoint_and_timeout(fake_kernel) -> None:
    dead = ModelSpec("dead", "openai", "x", base_url="http://127.0.0.1:9/v1", max_retries=0, timeout_s=2)
    caller = ModelCaller(ModelPool([dead]))
    out = caller.call("dead", _request(fake_kernel, caller, "dead"))
    assert out.status == "unavailable" and caller.pool.is_down("dead")
    with OpenAIServer(delay_s={"slow": 2.0}) as s:
        slow = ModelSpec("slow", "openai", "slow", base_url=s.base_url, max_retries=0, timeout_s=0.5)
        caller = ModelCaller(ModelPool([slow]))
        out = caller.call("slow", _request(fake_kernel, caller, "slow"))
        assert out.status == "unavailable" and "Timeout" in out.error


def test_server_without_schema_support_falls_back(fake_kernel) -> None:
    with OpenAIServer(schema_support=False) as s:
        caller = _caller(s)
        out = caller.call("small", _request(fake_kernel, caller))
        assert out.status == "ok"
        assert [(r.get("response_format") or {}).get("type") for r in s.requests] == ["json_object"]


def test_api_key_comes_from_env_and_is_not_reported(server, fake_kernel, monkeypatch) -> None:
    spec = ModelSpec("keyed", "openai", "keyed", base_url=server.base_url, api_key_env="LITECOOP_TEST_KEY", max_retries=0)
    caller = ModelCaller(ModelPool([spec]))
    out = caller.call("keyed", _request(fake_kernel, caller, "keyed"))
    assert out.status == "unavailable" and "LITECOOP_TEST_KEY is not set" in out.error
    monkeypatch.setenv("LITECOOP_TEST_KEY", "sk-test-secret-123")
    caller = ModelCaller(ModelPool([spec]))
    out = caller.call("keyed", _request(fake_kernel, caller, "keyed"))
    assert out.status == "ok" and server.requests[-1]["_authorization"] is True
    assert "sk-test-secret-123" not in repr(caller.pool.summary()) + repr(out) + repr(spec)


def _three_steps(body, rng) -> str:
    steps = [{"transforms": [{"op": "tile", "level": "vector_common_parallel", "sizes": [m, 16, 0]}], "after": "$0"}
             for m in (2, 4, 6)]
    return json.dumps({"steps": steps, "next_model": "small", "reasoning": "three register tiles"})


def test_streamed_steps_start_before_the_reply_ends(fake_kernel) -> None:
    hold = threading.Event()  # the server holds the reply's last piece until a step has been handed on
    with OpenAIServer(responders={"small": _three_steps}, stream_chunk_chars=20, stream_hold=hold) as s:
        spec = ModelSpec("small", "openai", "small", base_url=s.base_url, params_b=1, stream=True)
        caller = ModelCaller(ModelPool([spec]))
        seen: list[tuple[int, bool]] = []

        def on_step(i, step) -> None:
            seen.append((i, s.stream_done.is_set()))
            hold.set()

        out = OpenAIProposer(spec).propose(_request(fake_kernel, caller), on_step=on_step)
        assert out.status == "ok" and len(out.proposal.steps) == 3 and out.prompt_tokens > 0
        assert [i for i, _ in seen] == [1, 2, 3]
        assert seen[0] == (1, False)  # step 1 was handed on before the reply was complete
        assert s.requests[-1]["stream"] is True and s.stream_done.wait(5)  # set by the server thread just after its last write


def test_streaming_search_compiles_while_the_reply_arrives(fake_kernel) -> None:
    hold = threading.Event()  # the server holds the reply's last piece until a candidate has started
    with OpenAIServer(responders={"small": _three_steps}, stream_chunk_chars=20, stream_hold=hold) as s:
        spec = ModelSpec("small", "openai", "small", base_url=s.base_url, params_b=1, stream=True)
        caller = ModelCaller(ModelPool([spec]))
        reply_complete_at_start: list[bool] = []

        def evaluate(kernel, script):
            reply_complete_at_start.append(s.stream_done.is_set())
            hold.set()
            return Measurement("k", Status.OK, median_ms=1.0), How.COMPILED

        search = KernelSearch(fake_kernel, "llvm-cpu", caller, evaluate, Measurement("b", Status.OK, median_ms=1.0),
                              SearchConfig(concurrency=2, children_per_expansion=3))
        with LocalExecutor(evaluate, workers=2) as ex:
            search.run(budget=3, submit=ex.submit)
        assert search.evaluated == 3 and len({n.key for n in search.tree.nodes}) == 4
        assert reply_complete_at_start[0] is False  # a candidate started before the first reply was complete
        assert all(n.next_model == "small" for n in search.tree.nodes[1:])
