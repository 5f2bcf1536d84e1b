"""litecoop-mlir-opt as a user runs it: exit codes, stdout/stderr, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from litecoop_mlir.cli.main import main
from tests.conftest import KERNELS


def test_baseline_json_lists_dispatches_and_latency(capsys: pytest.CaptureFixture[str], small_matmul_path: Path) -> None:
    rc = main([str(small_matmul_path), "--baseline-only", "--json", "--repetitions", "3"])
    out = capsys.readouterr().out
    assert rc == 0
    data = json.loads(out)
    assert data["target"] == "llvm-cpu"
    assert len(data["dispatches"]) == 1
    assert data["dispatches"][0]["kind"] == "contraction"
    assert data["baseline"]["status"] == "ok" and data["baseline"]["median_ms"] > 0
    assert "--iree-opt-level=O3" in data["flags"]


def test_baseline_table_for_mlp(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main([str(KERNELS / "mlp.mlir"), "--baseline-only", "--repetitions", "2"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "main_dispatch_0" in out and "main_dispatch_1" in out
    assert "baseline latency" in out


def test_malformed_input_exit_1_without_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "broken.mlir"
    p.write_text("func.func @main() {\n  %0 = arith.constant 1 : i32 i32\n}\n")
    rc = main([str(p), "--baseline-only"])
    err = capsys.readouterr().err
    assert rc == 1
    assert f"{p}:2:" in err and "error:" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["x.mlir", "--target", "tpu"]) == 2
    assert main(["--help"]) == 0
    assert "litecoop-mlir-opt" in capsys.readouterr().out
