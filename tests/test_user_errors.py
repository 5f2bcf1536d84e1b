"""Every user error is one line on stderr with exit 1 (2 for usage), never a traceback, and it
comes before any budget is spent."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from litecoop_mlir.cli.main import main
from litecoop_mlir.testing.openai_server import OpenAIServer, write_roster


def _one_line_error(capsys, rc: int, expected_rc: int = 1) -> str:
    err = capsys.readouterr().err
    assert rc == expected_rc, err
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if "error" in ln]
    assert len(lines) == 1, err
    return lines[0]


def test_work_dir_that_is_a_file(small_matmul_path: Path, tmp_path: Path, capsys) -> None:
    f = tmp_path / "afile"
    f.write_text("x")
    line = _one_line_error(capsys, main([str(small_matmul_path), "--budget", "1", "--work-dir", str(f)]))
    assert "names a file" in line


@pytest.mark.skipif(os.geteuid() == 0 and not Path("/proc/self").exists(), reason="needs /proc")
def test_work_dir_that_cannot_be_written(small_matmul_path: Path, tmp_path: Path, capsys) -> None:
    # /proc is read-only for everyone, root included
    line = _one_line_error(capsys, main([str(small_matmul_path), "--budget", "1", "--work-dir", "/proc/litecoop-run"]))
    assert "cannot write the work directory" in line


def test_output_into_a_missing_directory_fails_before_the_search(small_matmul_path: Path, tmp_path: Path, capsys) -> None:
    work = tmp_path / "run"
    line = _one_line_error(capsys, main([str(small_matmul_path), "--budget", "1", "--work-dir", str(work),
                                         "-o", str(tmp_path / "missing" / "spec.mlir")]))
    assert "no directory" in line and not (work / "run.db").exists()


@pytest.mark.parametrize("doc", [{"points": "x"}, {"points": [{}]}, {"points": []}, ["not", "an", "object"]])
def test_select_on_json_of_the_wrong_shape(tmp_path: Path, capsys, doc) -> None:
    path = tmp_path / "pareto.json"
    path.write_text(json.dumps(doc))
    line = _one_line_error(capsys, main(["--select", str(path)]))
    assert "not a litecoop Pareto set" in line


def test_resume_on_a_directory_without_a_run(small_matmul_path: Path, tmp_path: Path, capsys) -> None:
    line = _one_line_error(capsys, main([str(small_matmul_path), "--budget", "1", "--work-dir", str(tmp_path / "empty"), "--resume"]))
    assert "no run is stored" in line


def test_roster_whose_only_model_cannot_be_used(small_matmul_path: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("LITECOOP_UNSET_KEY", raising=False)
    with OpenAIServer() as server:
        keyless = write_roster(tmp_path / "r1.toml", server.base_url, [("m", 7, 0, 0)], api_key_env="LITECOOP_UNSET_KEY")
        line = _one_line_error(capsys, main([str(small_matmul_path), "--models", str(keyless), "--work-dir", str(tmp_path / "a")]))
        assert "no model of the roster can be used" in line and "LITECOOP_UNSET_KEY is not set" in line
    down = write_roster(tmp_path / "r2.toml", "http://127.0.0.1:9/v1", [("m", 7, 0, 0)])  # discard port: nothing listens
    line = _one_line_error(capsys, main([str(small_matmul_path), "--models", str(down), "--work-dir", str(tmp_path / "b")]))
    assert "not reachable" in line and not (tmp_path / "b" / "run.db").exists()


def test_models_that_cannot_be_used_are_left_out_with_a_note(small_matmul_path: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("LITECOOP_UNSET_KEY", raising=False)
    with OpenAIServer() as server:
        roster = tmp_path / "r.toml"
        write_roster(roster, server.base_url, [("good", 7, 0, 0)])
        roster.write_text(roster.read_text() + '[[models]]\nname = "keyless"\nkind = "openai"\nbase_url = "http://127.0.0.1:9/v1"\n'
                          'model = "keyless"\napi_key_env = "LITECOOP_UNSET_KEY"\n')
        rc = main([str(small_matmul_path), "--models", str(roster), "--budget", "1", "--repetitions", "2",
                   "--work-dir", str(tmp_path / "run"), "-o", os.devnull])
    err = capsys.readouterr().err
    assert rc == 0 and "left out before the search: keyless" in err
    assert json.loads((tmp_path / "run" / "summary.json").read_text())["models"].keys() == {"good"}
