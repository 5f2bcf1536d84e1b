"""The README's commands, run as a user would (smaller budgets), produce what the README says."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from litecoop_mlir.cli.main import main

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()


def _commands() -> list[list[str]]:
    """Every `litecoop-mlir-opt ...` line of the README's code blocks (comments dropped), as argv."""
    out = []
    for line in README.splitlines():
        m = re.match(r"^\s+(?:python3 -m venv \.venv && \.venv/bin/pip install -e \. && \.venv/bin/)?litecoop-mlir-opt "
                     r"(kernels/|--select|--show)(.*)$", line)
        if m:
            out.append(shlex.split((m.group(1) + m.group(2)).split("  #")[0]))
    return out


def _with(argv: list[str], **replace: str) -> list[str]:
    out = list(argv)
    for flag, value in replace.items():
        i = out.index("--" + flag)
        out[i + 1] = value
    return [a.replace("runs/mlp", "runs/mm") for a in out]  # one search serves every example


@pytest.mark.slow
def test_readme_commands_do_what_the_readme_says(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kernels").symlink_to(REPO / "kernels")
    cmds = _commands()
    quick, stopped, resumed = cmds[0], *[c for c in cmds if "runs/mm" in c and c[0].startswith("kernels/")][1:3]
    # quick start: the spec to stdout, the artifacts in runs/mm/
    assert main([*_with(quick, budget="4"), "--repetitions", "2"]) == 0
    out = capsys.readouterr()
    assert "transform.named_sequence @__kernel_config" in out.out
    assert "kept: " in out.err and "rebuild with: bash" in out.err and "compile.sh" in out.err  # the node shipped, named
    for name in ("spec.mlir", "compile_flags.txt", "compile.sh", "best.vmfb", "summary.json", "candidates.jsonl", "report.html",
                 "run.db", "input.mlir", "pareto.json"):
        assert (tmp_path / "runs" / "mm" / name).is_file(), name
    # the stopped/resumed pair: a finished run is refused without --resume, continued with it
    assert main(_with(stopped, budget="4")) == 1
    assert main([*_with(resumed, budget="8"), "--repetitions", "2"]) == 0
    summary = json.loads((tmp_path / "runs" / "mm" / "summary.json").read_text())
    assert summary["candidates"] == 8 and summary["sessions"] == 2
    capsys.readouterr()
    for c in (c for c in cmds if c[0] == "--show" and "DIR" not in c):
        assert main(c) == 0
    assert "node #7" in capsys.readouterr().out
    for c in (c for c in cmds if c[0] == "--select" and "DIR/pareto.json" not in c):
        assert main(_with(c, **({"max-error": "1e-3"} if "--max-error" in c else {}))) == 0, capsys.readouterr().err
    assert (tmp_path / "spec.mlir").is_file()
    # compile.sh rebuilds the kept module with plain iree-compile
    subprocess.run(["bash", "runs/mm/compile.sh", "rebuilt.vmfb"], check=True, capture_output=True, timeout=300)
    assert (tmp_path / "rebuilt.vmfb").stat().st_size > 0
    # --apply with the README's script
    start = README.index('    [{"op": "tile", "level": "vector_common_parallel"')
    (tmp_path / "script.json").write_text(README[start:README.index("]\n", README.index('"reassociate_fp"', start)) + 1])
    apply = next(c for c in cmds if "--apply" in c)
    assert main(apply) == 0 and (tmp_path / "out" / "compile_flags.txt").is_file()
