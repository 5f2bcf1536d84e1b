"""The run store: identity checks, and kill -9 during a search followed by --resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from litecoop_mlir.cli.main import main
from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.db.run_store import RunStore


def test_store_refuses_another_input(tmp_path: Path) -> None:
    store = RunStore.in_dir(tmp_path)
    store.set_meta(source_sha256="a" * 64, target="llvm-cpu", input="x.mlir")
    store.check_identity({"source_sha256": "a" * 64, "target": "llvm-cpu"})
    with pytest.raises(LitecoopError, match="different input module"):
        store.check_identity({"source_sha256": "b" * 64, "target": "llvm-cpu"})
    with pytest.raises(LitecoopError, match="different target"):
        store.check_identity({"source_sha256": "a" * 64, "target": "vulkan-spirv"})
    store.close()


def test_existing_run_needs_resume_and_same_input(small_matmul_path: Path, tmp_path: Path, capsys) -> None:
    work = tmp_path / "w"
    RunStore.in_dir(work).set_meta(source_sha256="0" * 64, input="other.mlir")
    assert main([str(small_matmul_path), "--budget", "1", "--work-dir", str(work)]) == 1
    assert "already holds a run" in capsys.readouterr().err
    assert main([str(small_matmul_path), "--budget", "1", "--work-dir", str(work), "--resume"]) == 1
    assert "different input module" in capsys.readouterr().err


def _compiled(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute("SELECT id, key, median_ms, created FROM nodes WHERE id > 0 AND how = 'compiled' ORDER BY id").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


@pytest.mark.slow
def test_kill9_then_resume_counts_every_candidate_once(small_matmul_path: Path, tmp_path: Path) -> None:
    work = tmp_path / "run"
    args = [str(small_matmul_path), "--budget", "6", "--repetitions", "2", "--children", "2", "--work-dir", str(work)]
    proc = subprocess.Popen([sys.executable, "-m", "litecoop_mlir.cli.main", *args, "-o", os.devnull],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    db = work / "run.db"
    deadline = time.monotonic() + 180
    try:
        while len(_compiled(db)) < 2:
            assert proc.poll() is None, "the search ended before it could be killed"
            assert time.monotonic() < deadline, "no candidates recorded in time"
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    before = _compiled(db)
    assert 2 <= len(before) < 6
    assert main([*args, "--resume", "-o", str(tmp_path / "spec.mlir")]) == 0
    after = _compiled(db)
    summary = json.loads((work / "summary.json").read_text())
    assert summary["candidates"] == 6 == len(after)
    assert len({key for _, key, _, _ in after}) == 6  # no candidate twice
    assert after[: len(before)] == before  # what was measured before the kill was not measured again
    assert summary["sessions"] == 2  # the killed session counts, and so does its wall time
    assert summary["wall_s_all_sessions"] > summary["wall_s"] + 0.5
    lines = (work / "candidates.jsonl").read_text().splitlines()
    assert sum(json.loads(x)["how"] == "compiled" and json.loads(x)["node"] > 0 for x in lines) == 6


@pytest.mark.slow
def test_resumed_finished_run_recompiles_nothing(small_matmul_path: Path, tmp_path: Path, monkeypatch) -> None:
    from litecoop_mlir.driver.optimize import optimize
    from litecoop_mlir.driver.options import OptimizeOptions
    from litecoop_mlir.measure.backend import LocalBackend

    opts = OptimizeOptions(budget=3, search_repetitions=2, repetitions=2, final_rounds=1, finalists=1)
    first = optimize(str(small_matmul_path), tmp_path / "run", opts)
    compiles: list[Path] = []
    real = LocalBackend.compile
    monkeypatch.setattr(LocalBackend, "compile",
                        lambda self, src, flags, out_dir, *a, **k: compiles.append(Path(out_dir)) or real(self, src, flags, out_dir, *a, **k))
    again = optimize(str(small_matmul_path), tmp_path / "run", opts, resume=True)
    measured = tmp_path / "run" / "eval"  # the baseline's and every candidate's builds (the export is checked anew)
    assert not [d for d in compiles if d.is_relative_to(measured)]  # neither the baseline nor any candidate was compiled again
    assert again.to_json()["candidates"] == first.to_json()["candidates"] == 3


def _children_of_run(work: Path) -> list[str]:
    """Command lines of live processes that work on files of `work`."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if str(work) in cmd and int(d.name) != os.getpid():
                found.append(cmd[:200])
    return found


@pytest.mark.slow
def test_sigterm_kills_every_child_and_leaves_a_resumable_run(small_matmul_path: Path, tmp_path: Path) -> None:
    work = tmp_path / "run"
    args = [str(small_matmul_path), "--budget", "8", "--repetitions", "2", "--concurrency", "2", "--work-dir", str(work)]
    proc = subprocess.Popen([sys.executable, "-m", "litecoop_mlir.cli.main", *args, "-o", os.devnull],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while len(_compiled(work / "run.db")) < 1 or not any("iree-" in c for c in _children_of_run(work)):
        assert proc.poll() is None and time.monotonic() < deadline, "no child to interrupt"
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)  # to the tool alone, as `timeout` or a batch scheduler does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and "interrupted" in err and "--resume" in err, err
    time.sleep(0.2)
    assert _children_of_run(work) == []  # nothing of the run survived the tool
    stored = _compiled(work / "run.db")
    interrupted = json.loads(sqlite3.connect(work / "run.db").execute("SELECT value FROM meta WHERE key = 'interrupted'").fetchone()[0])
    assert interrupted and interrupted[0]["candidates"]  # what was being measured is recorded as interrupted
    assert main([*args, "--resume", "-o", os.devnull]) == 0
    summary = json.loads((work / "summary.json").read_text())
    assert summary["candidates"] == 8 and summary["sessions"] == 2 and len(stored) < 8
    rows = [json.loads(x) for x in (work / "candidates.jsonl").read_text().splitlines()]
    assert len({r["node"] for r in rows}) == len(rows)  # an interrupted candidate keeps its row; nothing is overwritten
    assert sum(r["status"] == "ok" and r["node"] > 0 for r in rows) + sum(r["status"] not in ("ok", "interrupted") for r in rows) >= 8
