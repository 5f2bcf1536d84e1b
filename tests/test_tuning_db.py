"""The tuning database: dispatch fingerprints, reuse across runs, the drop-in compile and export,
concurrent writers, and rows of other compiler versions."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from litecoop_mlir.cli.main import main
from litecoop_mlir.core.records import Measurement, Status
from litecoop_mlir.db.tuning_db import DispatchKey, TunedEntry, TuningDB
from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.driver.reuse import matcher_for
from litecoop_mlir.export.drop_in import export_db
from litecoop_mlir.ir.workload import kernels_from_configured, load_workload
from litecoop_mlir.iree.mlir import new_context, parse_module
from litecoop_mlir.iree.tools import compiler_version
from litecoop_mlir.space.apply import build_candidate
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import SetFlag, SetTileSizes
from litecoop_mlir.targets.strategy import make_target, split_target

from .conftest import KERNELS, SMALL_CONV_S2, SMALL_MATMUL

CPU = make_target("llvm-cpu")
FAST = dict(final_rounds=1, repetitions=2, search_repetitions=2, finalists=1)


def test_the_same_dispatch_has_one_fingerprint_in_any_module_and_configuration() -> None:
    mlp = load_workload(str(KERNELS / "mlp.mlir"), CPU).kernels()
    enc = load_workload(str(KERNELS / "encoder_layer.mlir"), CPU).kernels()
    shared = {k.fingerprint for k in mlp} & {k.fingerprint for k in enc}
    assert len(shared) == 1  # mlp's first layer (matmul + bias + relu, 128x256 -> 1024) is the encoder's FFN1
    assert len({k.fingerprint for k in enc}) == len(enc)
    assert {k.family for k in mlp} <= {k.family for k in enc}  # both matmuls have relatives in the encoder
    w = load_workload(SMALL_MATMUL, CPU)
    k = w.kernels()[0]
    cand = build_candidate(w, {k: Script((SetTileSizes("vector_common_parallel", (4, 16, 0)),))})
    configured = kernels_from_configured(parse_module(cand.source, "<c>", new_context()))[0]
    assert configured.default_tiles["vector_common_parallel"] == (4, 16, 0)
    assert configured.fingerprint == k.fingerprint


def test_split_target_reads_iree_compile_target_flags() -> None:
    t, rest = split_target(["--iree-hal-target-device=local", "--iree-hal-local-target-device-backends=llvm-cpu",
                            "--iree-llvmcpu-target-cpu=znver3", "--iree-opt-level=O2"])
    assert t is not None and t.name == "llvm-cpu" and t.arch == "znver3" and rest == ["--iree-opt-level=O2"]
    assert "--iree-llvmcpu-target-cpu=znver3" in t.compile_flags
    t, rest = split_target(["--iree-hal-target-device=cuda", "--iree-cuda-target=sm_86"])
    assert t is not None and t.name == "cuda" and t.arch == "sm_86" and rest == []
    t, rest = split_target(["--iree-hal-target-device=hip"])
    assert t is None and rest == ["--iree-hal-target-device=hip"]
    t, rest = split_target([])  # none given: the search's own target flags, at O3
    assert t is not None and t.name == "llvm-cpu" and rest == ["--iree-opt-level=O3"]


def _entry(fp: str, compiler: str, saved: float, run: str = "r") -> TunedEntry:
    return TunedEntry(DispatchKey(fp, "llvm-cpu", "cpu", compiler, "fam"), "k", [{"op": "flag", "name": "im2col", "value": "true"}],
                      [], "", 1.0, 1.0 - saved, 4, False, "m.mlir", "main_dispatch_0", run)


def test_other_compiler_versions_are_kept_but_never_applied(tmp_path: Path) -> None:
    db = TuningDB(tmp_path / "t.db")
    db.record_tuned(_entry("a", "3.12.0", 0.5))
    db.record_tuned(_entry("a", "3.13.0", 0.1))
    db.record_tuned(_entry("a", "3.13.0", 0.3))
    best = db.best(DispatchKey("a", "llvm-cpu", "cpu", "3.13.0"))
    assert best is not None and best.saved_ms == pytest.approx(0.3)
    assert db.best(DispatchKey("a", "llvm-cpu", "cpu", "3.13.0"), exclude_run="r") is None  # a run never reuses itself
    assert db.best(DispatchKey("a", "llvm-cpu", "other cpu", "3.13.0")) is None
    assert [e.saved_ms for e in db.best_per_dispatch("llvm-cpu", "3.13.0")] == [pytest.approx(0.3)]
    wide = _entry("a", "3.13.0", 0.4)
    db.record_tuned(TunedEntry(**{**wide.__dict__, "flags": ["--iree-opt-data-tiling=true"]}))
    assert db.best(DispatchKey("a", "llvm-cpu", "cpu", "3.13.0")).flags == ["--iree-opt-data-tiling=true"]
    assert db.best(DispatchKey("a", "llvm-cpu", "cpu", "3.13.0"), local=True).saved_ms == pytest.approx(0.3)
    stats = db.stats("3.13.0")
    assert stats["tuned"]["rows"] == 4 and stats["tuned"]["other_compiler_rows"] == 1 and stats["integrity"] == "ok"
    assert db.prune("3.13.0")["tuned"] == 0  # kept by default
    assert db.prune("3.13.0", other_compilers=True)["tuned"] == 1
    assert db.stats("3.13.0")["tuned"]["rows"] == 3


def _write_rows(path: str, writer: int, n: int) -> None:
    db = TuningDB(path)
    m = Measurement("k", Status.OK, median_ms=1.0, samples_ms=(1.0,))
    for i in range(n):
        db.record_measured(DispatchKey(f"fp{i % 7}", "llvm-cpu", "cpu", "3.13.0"), f"w{writer}-{i}", [], m, 2.0,
                           changes_numerics=False, kernel="k", module="m", run=f"run{writer}")
    db.close()


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "t.db")
    TuningDB(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_rows, args=(path, w, 150)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert all(p.exitcode == 0 for p in procs)
    db = TuningDB(path)
    keys = {r["config_key"] for r in db.measured_rows()}
    assert keys == {f"w{w}-{i}" for w in range(4) for i in range(150)}
    assert db.stats("3.13.0")["integrity"] == "ok"


def _search(args: tuple[str, str, str]) -> int:
    source, work, db = args
    r = optimize(source, work, OptimizeOptions(budget=3, db=db, **FAST))
    return sum(d.search.evaluated + d.search.reused for d in r.dispatches)


def test_two_concurrent_searches_write_every_row(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    sources = [tmp_path / "mm.mlir", tmp_path / "conv.mlir"]
    sources[0].write_text(SMALL_MATMUL)
    sources[1].write_text(SMALL_CONV_S2)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        compiled = pool.map(_search, [(str(s), str(tmp_path / s.stem), db) for s in sources])
    rows = list(TuningDB(db).measured_rows())
    for s, n in zip(sources, compiled):
        stored = sqlite3.connect(tmp_path / s.stem / "run.db").execute(
            "SELECT COUNT(*) FROM nodes WHERE how = 'compiled' AND id > 0").fetchone()[0]
        assert n == stored > 0
        assert sum(1 for r in rows if r["run"] == str((tmp_path / s.stem).resolve())) == stored
    runs = sqlite3.connect(db).execute("SELECT COUNT(DISTINCT run), COUNT(DISTINCT fingerprint) FROM tuned").fetchone()
    assert runs == (2, 2) and TuningDB(db).stats("x")["integrity"] == "ok"
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM modules").fetchone()[0] == 2


def test_a_tuned_dispatch_is_reused_compiled_and_exported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "conv.mlir"
    src.write_text(SMALL_CONV_S2)
    db = str(tmp_path / "t.db")
    first = optimize(str(src), tmp_path / "a", OptimizeOptions(budget=4, db=db, **FAST))
    kept = first.best_scripts["main_dispatch_0"]
    again = optimize(str(src), tmp_path / "b", OptimizeOptions(budget=4, db=db, **FAST))
    summary = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert summary["candidates"] == 0 and summary["tuning_db"]["dispatches_reused"] == 1
    assert summary["dispatches"][0]["stop_reason"].startswith("reused from the tuning database")
    node = again.dispatches[0].search.tree.nodes[1] if kept.transforms else None
    assert node is None or (node.script == kept and node.expanded_by == "tuning-db")
    retuned = optimize(str(src), tmp_path / "c", OptimizeOptions(budget=2, db=db, retune=True, **FAST))
    assert sum(d.search.evaluated for d in retuned.dispatches) >= 1

    out = tmp_path / "tuned.vmfb"
    assert main(["compile", str(src), "-o", str(out), "--db", db, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert out.stat().st_size > 0 and len(report["dispatches"]) == 1
    assert report["dispatches"][0]["status"] == ("tuned" if kept.transforms else "default-best")
    other = tmp_path / "mm.mlir"
    other.write_text(SMALL_MATMUL)
    assert main(["compile", str(other), "-o", str(tmp_path / "mm.vmfb"), "--db", db]) == 0
    assert "0 of 1 dispatches tuned" in capsys.readouterr().err

    assert main(["export", "--db", db, "-o", str(tmp_path / "exp")]) == 0
    manifest = json.loads((tmp_path / "exp" / "manifest.json").read_text())
    parse_module((tmp_path / "exp" / "spec.mlir").read_text(), "spec.mlir", new_context())
    assert len(manifest["dispatches"]) + len(manifest["left_out"]) == (1 if kept.transforms else 0)
    assert main(["db", "stats", "--db", db, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["tuned"]["rows"] >= 2 and stats["measured"]["rows"] >= 1


def test_export_merges_by_saving_and_says_what_it_left_out(tmp_path: Path) -> None:
    w = load_workload(SMALL_MATMUL, CPU)
    k = w.kernels()[0]
    tiles = Script((SetTileSizes("vector_common_parallel", (4, 16, 0)),))
    matcher = matcher_for(w, k, tiles)
    assert "transform.iree.match.contraction" in matcher
    db = TuningDB(tmp_path / "t.db")

    def entry(fp: str, script: Script, flags: list[str], matcher: str, saved: float) -> TunedEntry:
        return TunedEntry(DispatchKey(fp, "llvm-cpu", "cpu", compiler_version(), "f"), "k", script.to_json(), flags, matcher,
                          1.0, 1.0 - saved, 3, False, "m.mlir", f"exe_{fp}", "run")

    db.record_tuned(entry("a", tiles, [], matcher, 0.3))
    db.record_tuned(entry("b", tiles, [], matcher, 0.1))  # matches the same ops as a: a spec cannot tell them apart
    dt = Script((SetFlag("data_tiling", "true"),))
    db.record_tuned(entry("c", dt, ["--iree-opt-data-tiling=true"], "", 0.2))  # module-wide: a was tuned without it
    unroll = Script((SetFlag("loop_unrolling", "true"),))
    db.record_tuned(entry("d", unroll, ["--iree-llvmcpu-loop-unrolling=true"], "", 0.15))  # codegen flags alone
    db.record_tuned(entry("e", Script((SetFlag("loop_unrolling", "false"),)), ["--iree-llvmcpu-loop-unrolling=false"], "", 0.05))
    manifest = export_db(db, "llvm-cpu", tmp_path / "out")
    assert [(d["fingerprint"], d["applied_by"]) for d in manifest["dispatches"]] == [("a", "spec"), ("d", "flags")]
    why = {d["fingerprint"]: d["why"] for d in manifest["left_out"]}
    assert set(why) == {"b", "c", "e"} and "also matches exe_a" in why["b"]
    assert "module-wide" in why["c"] and "--iree-llvmcpu-loop-unrolling" in why["e"]
    assert (tmp_path / "out" / "flags.txt").read_text().split() == ["--iree-llvmcpu-loop-unrolling=true"]
    spec = (tmp_path / "out" / "spec.mlir").read_text()
    parse_module(spec, "spec.mlir", new_context())
    assert spec.count("transform.iree.match.contraction") == 1
