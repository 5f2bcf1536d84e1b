"""Careless or hostile use: every fault ends in a clear outcome, within bounds, never a loop or a traceback."""

from __future__ import annotations

from litecoop_mlir.core.records import EventKind, How, Measurement, Status
from litecoop_mlir.proposers.caller import ModelCaller
from litecoop_mlir.proposers.openai_client import OpenAIProposer
from litecoop_mlir.proposers.pool import DROP_AFTER, ModelPool, ModelSpec
from litecoop_mlir.search.mcts import KernelSearch, SearchConfig
from litecoop_mlir.testing.openai_server import OpenAIServer


def _ok(ms: float) -> Measurement:
    return Measurement("k", Status.OK, median_ms=ms)


def _evaluate(kernel, script):  # a made-up but deterministic latency: no IREE needed
    return _ok(1.0 + (hash(script.key(kernel)) % 97) / 100), How.COMPILED


def _garbage_search(fake_kernel, server: OpenAIServer, fallback: bool) -> tuple[KernelSearch, list]:
    spec = ModelSpec("g", "openai", "g", base_url=server.base_url, max_retries=2)
    events: list = []
    search = KernelSearch(fake_kernel, "llvm-cpu", ModelCaller(ModelPool([spec])), _evaluate, _ok(2.0),
                          SearchConfig(fallback=fallback), on_event=events.append)
    search.run(budget=6)
    return search, events


def test_an_undecodable_endpoint_counts_toward_the_retry_limit_and_is_dropped(fake_kernel, monkeypatch) -> None:
    """A 200 whose body is not JSON is retried like a 5xx (max_retries), then the model is down: a bounded
    number of requests, not a loop; the built-ins take over, say so, and use the budget."""
    monkeypatch.setattr(OpenAIProposer, "backoff_s", 0.0)
    with OpenAIServer(script={"g": ["garbage"] * 1000}) as s:
        search, events = _garbage_search(fake_kernel, s, fallback=True)
        assert len(s.requests) == 3  # one call: the ask + 2 retries, then it is down for the run's minute
    notes = [e.text for e in events if e.kind is EventKind.NOTE]
    assert any("falling back to the built-in proposers" in n and "undecodable reply" in n for n in notes), notes
    assert search.evaluated == 6 and search.stop_reason == "candidate budget reached"
    assert {"heuristic", "random"} & {n.expanded_by for n in search.tree.nodes}


def test_without_fallback_a_dead_roster_says_so(fake_kernel, monkeypatch) -> None:
    monkeypatch.setattr(OpenAIProposer, "backoff_s", 0.0)
    with OpenAIServer(script={"g": ["garbage"] * 1000}) as s:
        search, _ = _garbage_search(fake_kernel, s, fallback=False)
    assert search.evaluated == 0
    assert search.stop_reason.startswith("all models unavailable: g: undecodable reply after 3 attempt(s)")
    assert search.stop_reason != "search space exhausted"


def test_a_model_that_recovers_is_not_dropped() -> None:
    pool = ModelPool([ModelSpec("m", "openai", "m", base_url="http://127.0.0.1:1/v1")])
    for _ in range(DROP_AFTER["unavailable"] - 1):
        assert pool.note_outcome("m", "unavailable", "x") == ""
    pool.note_outcome("m", "ok")  # a good call starts the count again
    for _ in range(DROP_AFTER["unavailable"] - 1):
        pool.note_outcome("m", "unavailable", "x")
    assert not pool.dropped
    assert pool.note_outcome("m", "unavailable", "x") and pool.dropped and pool.usable == []


def _tuned_small_matmul(tmp_path):
    """The small matmul on disk, and a tuning database holding data tiling for its dispatch, tuned at O3 (a search's
    build): (source path, its dispatch key, the database)."""
    from litecoop_mlir.db.keys import dispatch_key
    from litecoop_mlir.db.tuning_db import TunedEntry, TuningDB
    from litecoop_mlir.ir.workload import load_module
    from litecoop_mlir.space.script import Script
    from litecoop_mlir.space.vocabulary import SetFlag
    from litecoop_mlir.targets.strategy import split_target

    from .conftest import SMALL_MATMUL

    src = tmp_path / "mm.mlir"
    src.write_text(SMALL_MATMUL)
    target, flags = split_target([])
    workload = load_module(str(src), target, (*target.compile_flags, *flags))
    kernel = workload.kernels()[0]
    db = TuningDB(tmp_path / "t.db")
    key = dispatch_key(workload, kernel)
    db.record_tuned(TunedEntry(key, kernel.fingerprint, Script((SetFlag("data_tiling", "true"),)).to_json(),
                               ["--iree-opt-data-tiling=true"], "", 1.0, 0.5, 3, False, "mm.mlir", kernel.executable, "run"))
    return src, key, db


def test_the_users_flags_win_over_tuned_ones_in_the_drop_in_compile(tmp_path) -> None:
    """`compile` with --iree-opt-data-tiling=false keeps the user's value, skips the tuned one, and says so."""
    from litecoop_mlir.export.drop_in import compile_tuned
    from litecoop_mlir.measure.backend import LocalBackend

    src, _, db = _tuned_small_matmul(tmp_path)
    report = compile_tuned(str(src), tmp_path / "out.vmfb", ["--iree-opt-data-tiling=false"], db, backend=LocalBackend())
    assert "--iree-opt-data-tiling=false" in report.flags and "--iree-opt-data-tiling=true" not in report.flags
    assert any("skipped because you set them: --iree-opt-data-tiling=true" in n for n in report.notes), report.notes
    assert (tmp_path / "out.vmfb").stat().st_size > 0


def test_a_read_only_tuning_database_is_read_and_a_mistyped_one_is_not_created(tmp_path, capsys, monkeypatch) -> None:
    import os

    from litecoop_mlir.cli.main import main
    from litecoop_mlir.core.records import Measurement, Status
    from litecoop_mlir.db import tuning_db
    from litecoop_mlir.db.tuning_db import DispatchKey, TuningDB

    path = tmp_path / "tuning.db"
    db = TuningDB(path)
    extra = {"changes_numerics": False, "kernel": "{}", "module": "m.mlir", "run": "r"}
    db.record_measured(DispatchKey("fp", "llvm-cpu", "cpu", "c", "f"), "k", [], Measurement("k", Status.OK, median_ms=1.0), 2.0,
                       **extra)
    db.close()
    before = sorted(p.name for p in tmp_path.iterdir())
    # as root every file is writable: what a user without write access sees is this answer
    monkeypatch.setattr(tuning_db.os, "access", lambda p, mode: mode != os.W_OK)
    ro = TuningDB(path)
    assert ro.read_only and ro.stats("c")["measured"]["rows"] == 1
    ro.record_measured(DispatchKey("fp2", "llvm-cpu", "cpu", "c", "f"), "k", [], Measurement("k", Status.OK), 1.0,
                       **extra)  # skipped
    assert ro.stats("c")["measured"]["rows"] == 1
    ro.close()
    assert main(["db", "stats", "--db", str(path)]) == 0
    assert main(["db", "prune", "--db", str(path)]) == 1 and "read-only" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written beside it
    typo = tmp_path / "no-such.db"
    assert main(["db", "stats", "--db", str(typo)]) == 1
    assert "no tuning database here" in capsys.readouterr().err and not typo.exists()


def test_compile_flags_work_from_a_work_dir_with_spaces(small_matmul, tmp_path) -> None:
    """compile_flags.txt is a response file: `iree-compile ... @compile_flags.txt` reads paths with spaces back whole."""
    import shlex

    from litecoop_mlir.export.spec import export_spec
    from litecoop_mlir.iree.process import run_limited
    from litecoop_mlir.iree.tools import tool_path
    from litecoop_mlir.measure.backend import LocalBackend
    from litecoop_mlir.space.script import Script
    from litecoop_mlir.space.vocabulary import SetTileSizes

    (k,) = small_matmul.kernels()
    out = tmp_path / "my runs" / "mm"
    export = export_spec(small_matmul, {k: Script((SetTileSizes("vector_common_parallel", (4, 16, 0)),))}, out,
                         backend=LocalBackend(), substitute=True)
    flags_file = out / "compile_flags.txt"
    assert export.substitutions and '"' in flags_file.read_text()
    assert shlex.split(flags_file.read_text()) == export.compile_flags("llvm-cpu")
    src = tmp_path / "mm.mlir"
    src.write_text(small_matmul.source)
    res = run_limited([tool_path("iree-compile"), str(src), *small_matmul.base_flags, f"@{flags_file}", "-o",
                       str(tmp_path / "mm.vmfb")], small_matmul.limits)
    assert res.ok, res.stderr


def test_a_work_dir_in_use_by_a_live_run_is_refused_with_its_pid(tmp_path, capsys) -> None:
    import os

    from litecoop_mlir.cli.main import main
    from litecoop_mlir.db.run_store import WorkDirLock

    from .conftest import SMALL_MATMUL

    src = tmp_path / "mm.mlir"
    src.write_text(SMALL_MATMUL)
    work = tmp_path / "run"
    work.mkdir()
    live = WorkDirLock(work)  # as a run in another process holds it
    try:
        assert main([str(src), "--budget", "1", "--work-dir", str(work), "--no-db"]) == 1
        err = capsys.readouterr().err
        assert f"another run (pid {os.getpid()}) is using this work directory" in err and "Traceback" not in err
    finally:
        live.release()
    WorkDirLock(work).release()  # free again once the live run is gone


def test_record_words_print_as_words() -> None:
    from litecoop_mlir.core.records import EventKind, How, Status

    assert f"({How.DATABASE})" == "(database)" and str(Status.WRONG_NUMBERS) == Status.WRONG_NUMBERS.value
    assert f"{EventKind.NOTE:>6}" == "  note"


def test_the_prompts_worked_example_is_legal_on_the_machine_it_is_shown_on(fake_kernel) -> None:
    """Shown on an AVX2 host, the example's register tile fits 16 registers; on AVX-512, 32: every step survives."""
    import dataclasses
    import json

    from litecoop_mlir.proposers.prompt import example_reply, render_messages
    from litecoop_mlir.proposers.proposal import parse_reply
    from litecoop_mlir.space.script import Script
    from litecoop_mlir.targets.machine import AVX2, AVX512

    from .test_openai_model import _request

    caller = ModelCaller(ModelPool([ModelSpec("small", "builtin", "random")]))
    tiles = set()
    for machine in (AVX2, AVX512):
        example = json.dumps(example_reply(machine))
        request = dataclasses.replace(_request(fake_kernel, caller), machine=machine)
        assert example in render_messages(request)[0]["content"]
        proposal = parse_reply(example, fake_kernel, Script(), "llvm-cpu", ["small-model"], machine=machine)
        assert len(proposal.steps) == 3 and not proposal.rejected, proposal.rejected
        tiles.add(proposal.steps[0].transforms[0].sizes)
    assert len(tiles) == 2  # one example per machine


def test_a_dead_roster_falls_back_or_fails_the_run(tmp_path, capsys, monkeypatch) -> None:
    """A model that answers nothing usable: by default the run goes on with the built-ins and says so;
    with --no-fallback it exits 1 with one line, never 0 with 'search space exhausted'."""
    import json

    from litecoop_mlir.cli.main import main

    from .conftest import SMALL_MATMUL

    monkeypatch.setattr(OpenAIProposer, "backoff_s", 0.0)
    src = tmp_path / "mm.mlir"
    src.write_text(SMALL_MATMUL)
    with OpenAIServer(script={"g": ["garbage"] * 1000}) as s:
        roster = tmp_path / "roster.toml"
        roster.write_text(f'[[models]]\nname = "g"\nkind = "openai"\nbase_url = "{s.base_url}"\nmodel = "g"\nmax_retries = 1\n')
        common = [str(src), "--models", str(roster), "--budget", "2", "--repetitions", "2", "--no-db", "-o", str(tmp_path / "spec")]
        assert main([*common, "--work-dir", str(tmp_path / "a"), "--no-fallback"]) == 1
        err = " ".join(capsys.readouterr().err.split())  # the console wraps long lines
        assert "no model of the roster could be used" in err and "undecodable reply" in err and "Traceback" not in err
        assert main([*common, "--work-dir", str(tmp_path / "b")]) == 0
        assert "falling back to the built-in proposers" in " ".join(capsys.readouterr().err.split())
    summary = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert summary["candidates"] == 2 and summary["dispatches"][0]["stop_reason"] == "candidate budget reached"


def test_a_module_without_dispatches_and_a_path_that_is_not_utf8_get_one_line(tmp_path, capsys) -> None:
    import os

    from litecoop_mlir.cli.main import main

    src = "func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {\n  return %a : tensor<4xf32>\n}\n"
    path = os.path.join(os.fsencode(tmp_path), b"bad\xff.mlir")
    with open(path, "w") as f:
        f.write(src)
    assert main([os.fsdecode(path), "--budget", "1", "--no-db", "--work-dir", str(tmp_path / "w")]) == 1
    err = capsys.readouterr().err
    assert "IREE forms no dispatch from this module" in " ".join(err.split()) and "Traceback" not in err


def test_an_f64_kernel_is_measured_in_f64(tmp_path, capsys) -> None:
    """IREE demotes f64 to f32 by default, entry-point types included: the baseline must keep f64 to run at all."""
    import json

    from litecoop_mlir.cli.main import main

    from .conftest import SMALL_MATMUL

    src = tmp_path / "mm64.mlir"
    src.write_text(SMALL_MATMUL.replace("f32", "f64"))
    assert main([str(src), "--baseline-only", "--json", "--repetitions", "2"]) == 0, capsys.readouterr().err
    report = json.loads(capsys.readouterr().out)
    assert report["baseline"]["status"] == "ok" and "--iree-input-demote-f64-to-f32=false" in report["flags"]


def test_records_apply_only_at_the_opt_level_they_were_measured_at(tmp_path) -> None:
    """A dispatch tuned at O3 is not applied to an O2 build; the report says in one line what differs."""
    from litecoop_mlir.export.drop_in import compile_tuned
    from litecoop_mlir.measure.backend import LocalBackend

    src, key, db = _tuned_small_matmul(tmp_path)
    assert key.opt == "O3"
    backend = LocalBackend()
    at_o3 = compile_tuned(str(src), tmp_path / "o3.vmfb", [], db, backend=backend)
    assert at_o3.tuned == 1 and "--iree-opt-data-tiling=true" in at_o3.flags
    at_o2 = compile_tuned(str(src), tmp_path / "o2.vmfb", ["--iree-opt-level=O2"], db, backend=backend)
    assert at_o2.tuned == 0 and "--iree-opt-data-tiling=true" not in at_o2.flags
    assert [d.status for d in at_o2.dispatches] == ["other-settings"]
    lines = [n for n in at_o2.notes if "do not match this build" in n]
    assert len(lines) == 1 and "opt level O3 (this build: O2)" in lines[0] and "applied: 0 of 1" in lines[0], at_o2.notes


def test_a_schema_1_database_is_upgraded_in_place(tmp_path) -> None:
    """Rows written before the opt level was keyed were all measured at O3, and stay usable."""
    import sqlite3

    from litecoop_mlir.db import tuning_db
    from litecoop_mlir.db.tuning_db import DispatchKey, TuningDB

    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(tuning_db._SCHEMA.replace(", opt TEXT NOT NULL DEFAULT 'O3'", "").replace(",\n  opt TEXT NOT NULL DEFAULT 'O3'", ""))
    assert "opt" not in {r[1] for r in old.execute("PRAGMA table_info(tuned)")}
    old.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    old.execute("INSERT INTO tuned (fingerprint, family, target, device, compiler, kernel, script, flags, matcher, baseline_ms, "
                "ms, saved_ms, candidates, changes_numerics, module, executable, run, t) "
                "VALUES ('fp', 'f', 'llvm-cpu', 'cpu', 'c', 'k', '[]', '[]', '', 2.0, 1.0, 1.0, 1, 0, 'm', 'e', 'r', 0)")
    old.commit()
    old.close()
    db = TuningDB(path)
    assert db.best(DispatchKey("fp", "llvm-cpu", "cpu", "c", "f", "O3")) is not None
    assert db.best(DispatchKey("fp", "llvm-cpu", "cpu", "c", "f", "O2")) is None
    assert [k.opt for k in db.tuned_elsewhere(DispatchKey("fp", "llvm-cpu", "cpu", "c", "f", "O2"))] == ["O3"]


def test_a_candidate_that_builds_an_earlier_binary_reuses_its_measurement(small_matmul, tmp_path) -> None:
    """The same binary under another key (a flag that changes nothing) is not benchmarked again: it is a duplicate."""
    from litecoop_mlir.core.records import Candidate
    from litecoop_mlir.measure.backend import Evaluator, LocalBackend

    calls: list[str] = []

    class Counting(LocalBackend):
        def benchmark(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            calls.append("benchmark")
            return super().benchmark(*args, **kwargs)

    ev = Evaluator(small_matmul, tmp_path / "eval", repetitions=2, min_time_s=0.01, backend=Counting())
    base = ev.baseline()
    same = ev.evaluate(Candidate(small_matmul.source, ("--iree-opt-level=O3",)))  # the base flags already say O3
    assert same.key != base.key and same.binary == base.binary
    assert same.duplicate_of == base.key and same.median_ms == base.median_ms
    assert calls == ["benchmark"]  # the baseline's only


def test_duplicate_binaries_are_not_charged_to_the_budget(fake_kernel) -> None:
    """Every other candidate builds an earlier binary: the search still compiles `budget` distinct ones."""
    import dataclasses

    from litecoop_mlir.proposers.pool import OFFLINE_ROSTER

    seen: list[int] = []

    def evaluate(kernel, script):
        seen.append(1)
        m, _ = _evaluate(kernel, script)
        if len(seen) % 2 == 0:
            return dataclasses.replace(m, duplicate_of="earlier"), How.DUPLICATE
        return m, How.COMPILED

    search = KernelSearch(fake_kernel, "llvm-cpu", ModelCaller(ModelPool(list(OFFLINE_ROSTER))), evaluate, _ok(2.0), SearchConfig())
    search.run(budget=6)
    assert search.evaluated == 6 and search.duplicates >= 5 and search.stop_reason == "candidate budget reached"


class _Rounds:
    """An evaluator stand-in whose side-by-side rounds follow a script: baseline 2 ms, best 1 ms, with noise."""

    def __init__(self, noise: float, outlier_at: int = -1) -> None:
        import random

        self.rng, self.noise, self.outlier_at, self.calls = random.Random(1), noise, outlier_at, 0

    side_min_time_s = 0.2

    def side_by_side(self, vmfbs, *, rounds, repetitions, min_time_s=None):
        base, best = [], []
        for _ in range(rounds):
            self.calls += 1
            base.append(2.0 * (1 + self.rng.uniform(-self.noise, self.noise)))
            best.append(3.0 if self.calls - 1 == self.outlier_at else 1.0 * (1 + self.rng.uniform(-self.noise, self.noise)))
        return {"baseline": base, "best": best}


def test_the_speedup_is_confirmed_to_an_interval_and_outlier_rounds_are_timed_again(tmp_path) -> None:
    from litecoop_mlir.module.confirm import confirm_speedup

    quiet = confirm_speedup(_Rounds(0.005, outlier_at=2), tmp_path / "a", tmp_path / "b", repetitions=1)
    assert quiet.rechecked == 1 and max(quiet.best_ms) < 1.5  # the 3 ms round was timed again, not kept
    assert quiet.stopped == "interval" and quiet.low <= 2.0 <= quiet.high and quiet.width <= 0.02
    noisy = confirm_speedup(_Rounds(0.3), tmp_path / "a", tmp_path / "b", repetitions=1, max_rounds=14)
    assert noisy.stopped == "rounds" and noisy.rounds == 14 and noisy.width > 0.02
    assert noisy.low < noisy.speedup < noisy.high


TWO_FUNCTIONS = """\
func.func @first(%a: tensor<64x96xf32>, %b: tensor<96x128xf32>) -> tensor<64x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %r = linalg.matmul ins(%a, %b : tensor<64x96xf32>, tensor<96x128xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}
func.func @second(%a: tensor<256xf32>) -> tensor<256xf32> {
  %e = tensor.empty() : tensor<256xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%a : tensor<256xf32>) outs(%e : tensor<256xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.mulf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}
"""


def test_function_compiles_only_that_function(tmp_path) -> None:
    from litecoop_mlir.ir.workload import load_workload
    from litecoop_mlir.targets.strategy import make_target

    src = tmp_path / "two.mlir"
    src.write_text(TWO_FUNCTIONS)
    w = load_workload(str(src), make_target("llvm-cpu"), function="second")
    assert [k.executable for k in w.kernels()] == ["second_dispatch_0"]  # @first's matmul is not compiled


def test_a_compile_that_runs_out_of_time_says_so_not_that_iree_cannot_compile(tmp_path) -> None:
    import pytest

    from litecoop_mlir.core.errors import InputError
    from litecoop_mlir.iree.compiler import configure
    from litecoop_mlir.iree.process import Limits
    from litecoop_mlir.targets.strategy import make_target

    from .conftest import SMALL_MATMUL

    t = make_target("llvm-cpu")
    with pytest.raises(InputError) as e:
        configure(SMALL_MATMUL, "big.mlir", t, t.compile_flags, Limits(timeout_s=0.05))
    assert "within 0.05 s" in str(e.value) and "--compile-timeout" in str(e.value) and "cannot compile" not in str(e.value)


def test_a_time_budget_too_short_for_the_module_says_so_and_searches_nothing(small_matmul_path, tmp_path) -> None:
    """Loading, the baseline and the final checks cost more than 2 s (each final benchmark alone starts a process):
    the run does not search past its budget, and says why."""
    from litecoop_mlir.driver.optimize import optimize
    from litecoop_mlir.driver.options import OptimizeOptions

    result = optimize(str(small_matmul_path), tmp_path / "run", OptimizeOptions(budget=8, time_budget_s=2, repetitions=2, db=""))
    assert sum(d.search.evaluated for d in result.dispatches) == 0 and result.kept == "baseline"
    assert any(n.startswith("--time-budget 2 s leaves no time to search") for n in result.notes), result.notes
