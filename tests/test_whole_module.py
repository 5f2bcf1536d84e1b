"""Whole modules: per-dispatch profiles, the proxy, the Pareto set, budget rounds, --select."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from litecoop_mlir.cli.main import main
from litecoop_mlir.core.errors import InputError
from litecoop_mlir.core.records import Candidate
from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.ir.workload import load_workload
from litecoop_mlir.measure.backend import LocalBackend
from litecoop_mlir.measure.profile import ExecutableTime, ModuleProfile, Profiler, dispatch_counts, fill_buffers, replace_executable
from litecoop_mlir.module.pareto import Option, Proxy, compositions, dominates, pareto_front, select_point
from litecoop_mlir.module.whole_module import plan_dispatches, spend_budget
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import SetCodegenMode, SetTileSizes
from litecoop_mlir.targets.strategy import make_target
from tests.conftest import make_fake_kernel

#: Three identical matmuls (one executable invoked 3 times) and a small transposing copy.
REPEATED = """\
func.func @main(%x: tensor<64x64xf32>, %a: tensor<64x64xf32>, %t: tensor<64x64xf32>) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %p = linalg.matmul ins(%x, %a : tensor<64x64xf32>, tensor<64x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  %q = linalg.matmul ins(%p, %a : tensor<64x64xf32>, tensor<64x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  %r = linalg.matmul ins(%q, %a : tensor<64x64xf32>, tensor<64x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  } -> tensor<64x64xf32>
  return %r, %y : tensor<64x64xf32>, tensor<64x64xf32>
}
"""


def _exe(name: str, ms: float, count: int = 1, digest: str | None = None) -> ExecutableTime:
    return ExecutableTime(name, digest or f"{name}@{ms}", count, ms)


def _option(dispatch: int, exe: str, profile: ModuleProfile, ms: float = 1.0, err: float = 0.0, size: int = 100,
            node: int = 1) -> Option:
    return Option(dispatch, exe, dispatch * 10 + node, Script(), ms, err, size, profile)


# ---------------------------------------------------------------------------------------
# Pareto front, proxy, compositions
# ---------------------------------------------------------------------------------------


def test_dominance_and_front() -> None:
    assert dominates((1, 1, 1), (1, 2, 1)) and not dominates((1, 1, 1), (1, 1, 1)) and not dominates((1, 3), (2, 1))
    items = [(3, 0.0), (1, 1e-3), (2, 1e-6), (2, 1e-3), (1, 1e-3)]
    assert pareto_front(items, lambda x: x) == [(3, 0.0), (1, 1e-3), (2, 1e-6)]


def test_proxy_counts_invocations_and_replaces_only_what_an_option_owns() -> None:
    base = ModuleProfile([_exe("d0", 2.0, count=3), _exe("d1", 1.0)])
    proxy = Proxy(base, fixed_ms=0.5)
    assert proxy.estimate(()) == pytest.approx(3 * 2.0 + 1.0 + 0.5)
    # dispatch 0 retiled: its executable (invoked 3 times) gets faster; d1 untouched.
    faster0 = _option(0, "d0", ModuleProfile([_exe("d0", 1.0, count=3), _exe("d1", 1.0)]))
    assert proxy.estimate((faster0,)) == pytest.approx(3 * 1.0 + 1.0 + 0.5)
    # dispatch 1 under a module-wide flag: adds an encoding dispatch and also changes d0,
    # but d0 is owned by the other option in the composition.
    flag1 = _option(1, "d1", ModuleProfile([_exe("_encoding_0", 0.1), _exe("d0", 1.5, count=3), _exe("d1", 0.5)]))
    assert proxy.estimate((flag1,)) == pytest.approx(0.1 + 4.5 + 0.5 + 0.5)
    assert proxy.estimate((faster0, flag1)) == pytest.approx(0.1 + 3.0 + 0.5 + 0.5)
    # a flag that re-forms the dispatches (im2col): d0 is gone from that module, new executables run instead
    reformed = _option(1, "d1", ModuleProfile([_exe("d1", 0.5), _exe("d7", 0.2), _exe("d8", 0.3, count=3)]))
    assert proxy.estimate((reformed,)) == pytest.approx(0.5 + 0.2 + 0.9 + 0.5)


def test_a_profile_completes_executables_that_did_not_time_from_the_module_time() -> None:
    """IREE cannot rebuild some dumped benchmarks: those executables take what the module's time leaves."""
    nan = math.nan
    base = ModuleProfile([_exe("d0", 1.0), _exe("d1", nan, digest="conv1"), _exe("d2", nan, count=2, digest="conv2")])
    assert not base.ok
    done = base.completed(10.0, {"d1": 100.0, "d2": 200.0})
    assert done.ok and done.estimated == ["d1", "d2"]
    # 9 ms left, split by volume per invocation: d1 weighs 100, d2 2 x 200
    assert [e.total_ms for e in done.executables] == pytest.approx([1.0, 9.0 * 100 / 500, 9.0 * 400 / 500])
    # an option that changed d1 only: d2 keeps the baseline's estimate, d1 gets the rest of its module's time
    option = ModuleProfile([_exe("d0", 1.0), _exe("d1", nan, digest="conv1-retiled"), _exe("d2", nan, count=2, digest="conv2")])
    got = option.completed(9.5, {"d1": 100.0, "d2": 200.0}, known=done)
    assert got.executables[2].total_ms == pytest.approx(9.0 * 400 / 500)
    assert got.executables[1].total_ms == pytest.approx(9.5 - 1.0 - 9.0 * 400 / 500)
    # nothing timed, or a failed compile: no estimate
    assert not ModuleProfile([_exe("d0", nan)]).completed(5.0, {}).ok
    assert not ModuleProfile([_exe("d0", 1.0), _exe("d1", nan)], error="compile failed").completed(5.0, {}).ok


def test_proxy_calibration_fits_overhead_and_realized_gain_on_single_option_modules() -> None:
    base = ModuleProfile([_exe("d0", 2.0), _exe("d1", 1.0, count=2)])
    proxy = Proxy(base)
    fast0 = _option(0, "d0", ModuleProfile([_exe("d0", 1.0), _exe("d1", 1.0, count=2)]))  # alone: saves 1.0
    fast1 = _option(1, "d1", ModuleProfile([_exe("d0", 2.0), _exe("d1", 0.75, count=2)]))  # alone: saves 0.5
    lost = _option(1, "d1", ModuleProfile([_exe("d0", 2.0), _exe("d1", 0.25, count=2)]), node=2)
    # measured: baseline 4.3 (0.3 overhead); in the module each option keeps 80% of its gain alone
    proxy.calibrate(4.3, [(fast0, 3.5), (fast1, 3.9), (lost, math.nan)])
    assert proxy.fixed_ms == pytest.approx(0.3) and proxy.realized == pytest.approx(0.8) and proxy.calibrated_on == 3
    assert proxy.estimate(()) == pytest.approx(4.3)
    assert proxy.estimate((fast0,)) == pytest.approx(3.5) and proxy.isolated((fast0,)) == pytest.approx(3.3)
    assert proxy.estimate((fast0, fast1)) == pytest.approx(4.3 - 0.8 * 1.5)
    assert proxy.to_json()["realized"] == pytest.approx(0.8)
    proxy.calibrate(math.nan, [(fast0, 1.0)])  # a failed baseline leaves the proxy as it was
    assert proxy.fixed_ms == pytest.approx(0.3) and proxy.realized == pytest.approx(0.8)
    proxy.calibrate(4.3, [])  # nothing to fit the fraction on: gains are taken at face value
    assert proxy.realized == 1.0


def test_compositions_prune_dominated_and_respect_compatibility() -> None:
    base = ModuleProfile([_exe("d0", 2.0), _exe("d1", 2.0)])
    proxy = Proxy(base)
    fast0 = _option(0, "d0", ModuleProfile([_exe("d0", 1.0), _exe("d1", 2.0)]), err=1e-6)
    slow0 = _option(0, "d0", ModuleProfile([_exe("d0", 1.5), _exe("d1", 2.0)]), err=1e-6, size=200)  # dominated
    fast1 = _option(1, "d1", ModuleProfile([_exe("d0", 2.0), _exe("d1", 0.5)]), err=1e-3)
    front = compositions({0: [fast0, slow0], 1: [fast1]}, proxy, 100)
    assert all(slow0 not in c.options for c in front)
    assert min(c.proxy_ms for c in front) == pytest.approx(1.5)
    assert any(c.options == () for c in front)  # the baseline is the most exact
    only_one = compositions({0: [fast0], 1: [fast1]}, proxy, 100, compatible=lambda opts: len(opts) < 2)
    assert all(len(c.options) < 2 for c in only_one)


def _pareto(tmp_path: Path) -> Path:
    points = [
        {"name": "baseline", "latency_ms": 5.0, "max_rel_error": 0.0, "size_bytes": 100, "spec": "pareto/p0/spec.mlir", "speedup": 1.0},
        {"name": "p1", "latency_ms": 3.0, "max_rel_error": 1e-7, "size_bytes": 120, "spec": "pareto/p1/spec.mlir", "speedup": 1.67},
        {"name": "p2", "latency_ms": 2.0, "max_rel_error": 2e-3, "size_bytes": 90, "spec": "pareto/p2/spec.mlir", "speedup": 2.5},
    ]
    for p in points:
        spec = tmp_path / p["spec"]
        spec.parent.mkdir(parents=True)
        spec.write_text(f"// spec of {p['name']}\n")
    path = tmp_path / "pareto.json"
    path.write_text(json.dumps({"points": points}))
    return path


def test_select_point_by_max_error_and_preference(tmp_path: Path) -> None:
    path = _pareto(tmp_path)
    assert select_point(path)[0]["name"] == "p2"
    assert select_point(path, max_error=1e-4)[0]["name"] == "p1"
    assert select_point(path, max_error=0.0)[0]["name"] == "baseline"
    point, spec = select_point(path, max_error=1e-4, prefer="size")
    assert point["name"] == "baseline" and spec.read_text() == "// spec of baseline\n"
    with pytest.raises(InputError, match="no point has error"):
        select_point(path, max_error=-1.0)
    (tmp_path / "bad.json").write_text("[1, 2")
    with pytest.raises(InputError, match="not a litecoop Pareto set"):
        select_point(tmp_path / "bad.json")


def test_cli_select_writes_the_chosen_spec(tmp_path: Path, capsys) -> None:
    path = _pareto(tmp_path)
    out = tmp_path / "chosen.mlir"
    assert main(["--select", str(path), "--max-error", "1e-4", "-o", str(out)]) == 0
    assert out.read_text() == "// spec of p1\n"
    assert "chose p1" in capsys.readouterr().err
    assert main(["--select", str(path), "--max-error", "-1"]) == 1
    assert main(["--max-error", "1e-3", "--baseline-only", str(path)]) == 2  # --max-error: --select or a search


# ---------------------------------------------------------------------------------------
# Budget rounds
# ---------------------------------------------------------------------------------------


class _FakeSearch:
    """Improves by `gain` ms in its first round, then stalls."""

    def __init__(self, base: float, gain: float) -> None:
        self.evaluated, self.best_ms, self.gain = 0, base, gain
        self.tree = SimpleNamespace(best=lambda: SimpleNamespace(latency_ms=self.best_ms))

    def run(self, total: int, deadline: float | None) -> None:
        self.evaluated = total
        self.best_ms -= self.gain
        self.gain = 0.0


def test_budget_goes_where_the_time_is_and_skips_small_dispatches() -> None:
    k = [make_fake_kernel(), make_fake_kernel(), make_fake_kernel()]
    k = [type(x)(**{**x.__dict__, "index": i, "executable": f"d{i}"}) for i, x in enumerate(k)]
    prof = ModuleProfile([_exe("d0", 8.0), _exe("d1", 1.9), _exe("d2", 0.1)])
    plans = plan_dispatches(k, prof, min_share=0.02)
    assert [bool(p.skipped) for p in plans] == [False, False, True] and "0.1 ms" not in plans[2].skipped
    searches = {0: _FakeSearch(10.0, 0.5), 1: _FakeSearch(10.0, 0.0), 2: _FakeSearch(10.0, 0.0)}
    log = spend_budget(plans, searches, 32, 10.0, None, lambda s, total, dl: s.run(total, dl))  # type: ignore[arg-type]
    assert sum(e["candidates"] for e in log) == 32
    assert searches[2].evaluated == 0  # skipped
    assert searches[0].evaluated > searches[1].evaluated > 0  # most budget where most time is, re-weighted as it stalls
    assert log[0]["dispatch"] == "d0"


# ---------------------------------------------------------------------------------------
# Real IREE: profiles, and a whole-module run end to end
# ---------------------------------------------------------------------------------------


def test_benchmark_module_patching() -> None:
    text = ("  hal.executable private @d0 {\n    old\n  }\n"
            "    util.global.store %buffer, @d0_buffer : !hal.buffer\n    %b = x : !hal.buffer{%c64}\n")
    assert "hal.command_buffer.fill_buffer" in fill_buffers(text)
    assert replace_executable(text, "d0", "hal.executable private @d0 {\n new\n}").count("new") == 1
    with pytest.raises(ValueError):
        replace_executable(text, "d9", "x")
    with pytest.raises(ValueError):
        fill_buffers("no buffers here")
    assert dispatch_counts("stream.cmd.dispatch @a::@x::@f\nstream.cmd.dispatch @a::@x::@f\nstream.cmd.dispatch {@b::@x::@g}") == {"a": 2, "b": 1}


def test_profile_counts_repeated_dispatches_and_times_each_executable_once(tmp_path: Path) -> None:
    src = tmp_path / "repeated.mlir"
    src.write_text(REPEATED)
    w = load_workload(str(src), make_target("llvm-cpu"))
    profiler = Profiler(w, tmp_path / "profiles", repetitions=2, backend=LocalBackend())
    stale = tmp_path / "profiles" / "baseline" / "benchmarks" / "old_dispatch_benchmark.mlir"
    stale.parent.mkdir(parents=True)
    stale.write_text("left over from another run")
    prof = profiler.profile(Candidate(w.source), "baseline")
    assert prof.ok, prof.error
    counts = {e.name: e.count for e in prof.executables}
    assert counts == {"main_dispatch_0": 3, "main_dispatch_3": 1}
    assert all(e.median_ms > 0 for e in prof.executables)
    timed = len(profiler.times)
    k0 = w.kernels()[0]
    tiled = Script((SetTileSizes("vector_common_parallel", (4, 16, 0)),))
    from litecoop_mlir.space.apply import build_candidate

    prof2 = profiler.profile(build_candidate(w, {k0: tiled}), "tiled")
    assert prof2.ok, prof2.error
    d = {e.name: e.digest for e in prof2.executables}
    base_d = {e.name: e.digest for e in prof.executables}
    assert d["main_dispatch_0"] != base_d["main_dispatch_0"] and d["main_dispatch_3"] == base_d["main_dispatch_3"]
    assert len(profiler.times) == timed + 1  # the unchanged executable was not timed again
    scripted = build_candidate(w, {k0: Script((SetCodegenMode("script"),))})  # its dumped benchmark needs the script library
    prof3 = profiler.profile(scripted, "scripted")
    assert prof3.ok, (prof3.error, [e.error for e in prof3.executables])
    assert {e.name: e.digest for e in prof3.executables}["main_dispatch_0"] not in (d["main_dispatch_0"], base_d["main_dispatch_0"])
    compiles = profiler.compiles
    again = profiler.retime(prof)  # benchmarked again, nothing compiled again
    assert again.ok and profiler.compiles == compiles and [e.digest for e in again.executables] == [e.digest for e in prof.executables]


def test_whole_module_run_writes_a_measured_pareto_set(tmp_path: Path) -> None:
    src = tmp_path / "repeated.mlir"
    src.write_text(REPEATED)
    opts = OptimizeOptions(budget=6, final_rounds=1, repetitions=2, search_repetitions=2, pareto_points=2, min_share=0.1)
    result = optimize(str(src), tmp_path / "run", opts)
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    whole = summary["whole_module"]
    assert [d["invocations"] for d in whole["dispatches"]] == [3, 1]
    assert whole["skipped"] and whole["skipped"][0]["executable"] == "main_dispatch_3"
    assert result.dispatches[1].search.evaluated == 0 and result.dispatches[0].search.evaluated == 6
    assert whole["composed"][0]["composition"] == "baseline"
    assert all(math.isfinite(c["proxy_error"]) for c in whole["composed"])
    roles = [c["role"] for c in whole["composed"]]
    # one dispatch tuned: nothing to compose, nothing held out; every option profiled is a single-option point
    assert roles[0] == "baseline" and roles.count("single") == sum(whole["options_profiled"].values())
    assert whole["proxy_held_out"]["modules"] == roles.count("composed") == 0
    pareto = json.loads((tmp_path / "run" / "pareto.json").read_text())
    assert pareto["points"] and pareto["proxy"]["calibrated_on_modules"] == 1 + roles.count("single")
    for p in pareto["points"]:
        assert (tmp_path / "run" / p["spec"]).is_file() and p["latency_ms"] > 0
    assert "Pareto set" in (tmp_path / "run" / "report.html").read_text()
