"""End to end with real IREE compiles: offline proposers, a three-model roster on the test
server (with garbage and errors), the Python API and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from litecoop_mlir.cli import main
from litecoop_mlir.models.openai_model import OpenAIProposer
from litecoop_mlir.models.pool import load_roster
from litecoop_mlir.optimize import OptimizeOptions, optimize
from litecoop_mlir.testing.openai_server import OpenAIServer, write_roster

FAST = dict(search_repetitions=2, repetitions=2, final_rounds=1, finalists=2)


def _roster(path: Path, base_url: str) -> Path:
    rows = [("small", 1, 1e-7, 2e-7), ("mid", 8, 5e-7, 1e-6), ("big", 70, 3e-6, 1.2e-5)]
    return write_roster(path, base_url, rows, max_retries=1, timeout_s=10)


@pytest.mark.slow
def test_offline_search_writes_artifacts(small_matmul_path: Path, tmp_path: Path) -> None:
    result = optimize(str(small_matmul_path), tmp_path / "run", OptimizeOptions(budget=4, **FAST))
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    for key in ("target", "baseline_ms", "best_ms", "speedup", "candidates", "failures", "wall_s", "models",
                "largest_model_share", "dispatches", "cache_hits"):
        assert key in summary, key
    assert summary["candidates"] == 4 and summary["target"] == "llvm-cpu"
    assert set(summary["models"]) == {"heuristic", "random"} and summary["total_cost_usd"] == 0
    d = summary["dispatches"][0]
    assert d["candidates"] == 4 and d["best_ms"] > 0 and isinstance(d["best_script"], list)
    assert (tmp_path / "run" / "best.vmfb").stat().st_size > 0
    assert "__kernel_config" in (tmp_path / "run" / "spec.mlir").read_text()
    assert result.speedup == pytest.approx(summary["speedup"])
    assert summary["speedup"] == pytest.approx(summary["baseline_ms"] / summary["best_ms"])


@pytest.mark.slow
def test_three_models_on_test_server_survive_garbage(small_matmul_path: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(OpenAIProposer, "backoff_s", 0.01)
    script = {"small": ["malformed", "ok", "429", "schema", "schema", "drop", "ok", "hostile"],
              "mid": ["500", "illegal"], "big": ["drop", "drop", "ok", "empty"]}
    with OpenAIServer(script=script, seed=3) as server:
        roster = load_roster(_roster(tmp_path / "roster.toml", server.base_url))
        opts = OptimizeOptions(budget=8, roster=tuple(roster), **FAST)
        result = optimize(str(small_matmul_path), tmp_path / "run", opts)
    s = result.to_json()
    called = [m for m, st in s["models"].items() if st["calls"]]
    assert len(called) >= 2, s["models"]
    assert s["total_cost_usd"] > 0 and 0 <= s["largest_model_share"] <= 1
    assert s["largest_model"] == "big"
    assert sum(st["invalid"] for st in s["models"].values()) >= 1
    assert s["candidates"] >= 1 and s["speedup"] > 0


@pytest.mark.slow
def test_cli_search_spec_to_stdout_and_file(small_matmul_path: Path, tmp_path: Path, capsys) -> None:
    args = [str(small_matmul_path), "--budget", "2", "--repetitions", "2", "--work-dir", str(tmp_path / "w")]
    assert main(args) == 0
    out = capsys.readouterr()
    assert "__kernel_config" in out.out and "offline proposers" in out.err and "speedup" in out.err
    args[-1] = str(tmp_path / "w2")
    assert main([*args, "-o", str(tmp_path / "spec.mlir"), "--json"]) == 0
    out = capsys.readouterr()
    assert out.out == "" and json.loads((tmp_path / "spec.mlir").read_text())["candidates"] >= 0


def test_cli_search_usage_errors(small_matmul_path: Path, tmp_path: Path, capsys) -> None:
    assert main([str(small_matmul_path), "--budget", "0"]) == 2
    assert main([str(small_matmul_path), "--lambda", "2"]) == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[[models]]\nname = 'x'\n")
    assert main([str(small_matmul_path), "--models", str(bad)]) == 1
    assert "bad.toml" in capsys.readouterr().err
