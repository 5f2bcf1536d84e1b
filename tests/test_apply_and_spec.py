"""Scripts applied through the transform interpreter, compiled, and exported as tuning specs."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

from litecoop_mlir.core.records import Status
from litecoop_mlir.export.spec import export_spec
from litecoop_mlir.ir.workload import Workload, kernels_from_configured, load_workload
from litecoop_mlir.iree.compiler import NO_THREADING, transform_safe
from litecoop_mlir.iree.mlir import new_context, parse_module
from litecoop_mlir.iree.process import run_limited
from litecoop_mlir.iree.tools import tool_path
from litecoop_mlir.measure.backend import Evaluator, LocalBackend
from litecoop_mlir.space.apply import build_candidate, extract_executable, render_apply_sequence
from litecoop_mlir.space.legality import validate
from litecoop_mlir.space.moves import sample_move
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import SetFlag, SetOption, SetTileSizes
from litecoop_mlir.targets.strategy import make_target
from tests.conftest import KERNELS

CPU = make_target("llvm-cpu")
GOOD = Script((SetTileSizes("vector_common_parallel", (4, 16, 0)), SetTileSizes("vector_reduction", (0, 0, 4))))


def test_apply_sets_the_configuration_in_the_node_ir(small_matmul: Workload) -> None:
    (k,) = small_matmul.kernels()
    cand = build_candidate(small_matmul, {k: GOOD})
    assert cand.configured
    (after,) = kernels_from_configured(parse_module(cand.source, "x", new_context()))
    assert after.default_tiles["vector_common_parallel"] == (4, 16, 0)
    assert after.default_tiles["vector_reduction"] == (0, 0, 4)
    assert "transform.annotate" in render_apply_sequence({k: GOOD.resolve(k)}, new_context())
    assert "hal.executable private @main_dispatch_0" in extract_executable(cand.source, k.executable)


def test_flag_only_script_compiles_the_input(small_matmul: Workload) -> None:
    (k,) = small_matmul.kernels()
    cand = build_candidate(small_matmul, {k: Script((SetFlag("reassociate_fp", "true"),))})
    assert not cand.configured and cand.flags == ("--iree-llvmcpu-reassociate-fp-reductions=true",)


def test_random_legal_scripts_compile(small_matmul: Workload, tmp_path: Path) -> None:
    """Legality rules make compile failures rare: count them over random scripts."""
    (k,) = small_matmul.kernels()
    ev = Evaluator(small_matmul, tmp_path, repetitions=1, min_time_s=0.01, backend=LocalBackend())
    assert ev.baseline().ok
    rng = random.Random(7)
    statuses: dict[str, int] = {}
    for _ in range(12):
        s = Script()
        for _ in range(rng.randint(1, 4)):
            mv = sample_move(k, s, rng)
            if mv is not None and not (isinstance(mv, SetFlag) and mv.spec.scope == "global"):
                s = validate(k, s, mv)
        m = ev.evaluate(build_candidate(small_matmul, {k: s}))
        statuses[m.status.value] = statuses.get(m.status.value, 0) + 1
    failures = sum(v for key, v in statuses.items() if key != "ok")
    assert failures <= 1, statuses


def _plain_compile_config(workload: Workload, flags: list[str], tmp: Path) -> dict[str, str]:
    out = tmp / "cfg.mlir"
    res = run_limited([tool_path("iree-compile"), workload.filename, *workload.base_flags, *flags,
                       "--compile-to=executable-configurations", "-o", out], workload.limits)
    assert res.status is Status.OK, res.stderr
    return {k.executable: k.default_lowering_config for k in kernels_from_configured(parse_module(out.read_text(), "x", new_context()))}


def test_exported_spec_is_applied_by_plain_iree_compile(tmp_path: Path) -> None:
    w = load_workload(str(KERNELS / "mlp.mlir"), CPU)
    scripts = {k: GOOD for k in w.kernels()}
    export = export_spec(w, scripts, tmp_path / "out", backend=LocalBackend())
    assert export.applied == {"main_dispatch_0": True, "main_dispatch_1": True}
    assert "iree_codegen.tuning_spec_with_default_entrypoint" in export.spec_path.read_text()
    flags = export.compile_flags("llvm-cpu")
    # a multi-executable module with a spec deadlocks in threaded IREE 3.13 compiles (see NO_THREADING)
    assert NO_THREADING in flags and flags.index(NO_THREADING) > next(i for i, f in enumerate(flags) if "tuning-spec" in f)
    cfgs = _plain_compile_config(w, flags, tmp_path)
    assert all("vector_common_parallel = [4, 16, 0]" in c for c in cfgs.values())


def test_threading_is_turned_off_only_where_a_compile_gets_transform_ir() -> None:
    assert transform_safe(["--iree-opt-level=O3"]) == ["--iree-opt-level=O3"]
    assert transform_safe(["--iree-codegen-tuning-spec-path=s.mlir"]) == ["--iree-codegen-tuning-spec-path=s.mlir", NO_THREADING]
    assert transform_safe(["--iree-codegen-transform-dialect-library=l.mlir@x"])[-1] == NO_THREADING
    assert transform_safe(["--iree-codegen-tuning-spec-path=s.mlir", NO_THREADING]).count(NO_THREADING) == 1


def test_batch1_conv_falls_back_to_substitution(tmp_path: Path) -> None:
    w = load_workload(str(KERNELS / "conv2d_nhwc_b1.mlir"), CPU)
    (k,) = w.kernels()
    s = Script((SetTileSizes("vector_common_parallel", (1, 1, 4, 16, 0, 0, 0)), SetOption("enable_loop_peeling", True)))
    export = export_spec(w, {k: s}, tmp_path / "out", backend=LocalBackend())
    assert export.substitutions and "substitute-executable-configuration" in " ".join(export.notes)
    vmfb = tmp_path / "conv.vmfb"
    res = run_limited([tool_path("iree-compile"), w.filename, *w.base_flags, *export.compile_flags("llvm-cpu"), "-o", vmfb], w.limits)
    assert res.status is Status.OK, res.stderr
    assert (tmp_path / "out" / "compile_flags.txt").read_text().count("--iree-hal-substitute-executable-configuration") == 1


def test_empty_spec_is_a_valid_no_op(small_matmul: Workload, tmp_path: Path) -> None:
    export = export_spec(small_matmul, {}, tmp_path / "out", backend=LocalBackend())
    assert not export.applied and "matches nothing" in export.spec_path.read_text()
    flag = f"--iree-codegen-tuning-spec-path={export.spec_path}"
    res = run_limited([tool_path("iree-compile"), small_matmul.filename, *small_matmul.base_flags, flag, "-o", tmp_path / "m.vmfb"],
                      small_matmul.limits)
    assert res.status is Status.OK, res.stderr


def test_substitution_export_rebuilds_the_searched_binary(small_matmul: Workload, tmp_path: Path) -> None:
    """Exported by executable substitution, compile.sh rebuilds the very module the search measured."""
    from litecoop_mlir.export.artifacts import check_export
    from litecoop_mlir.space.apply import build_candidate

    k = small_matmul.kernels()[0]
    script = Script((SetTileSizes("vector_common_parallel", (4, 16, 0)), SetTileSizes("vector_reduction", (0, 0, 4))))
    ev = Evaluator(small_matmul, tmp_path / "eval", repetitions=2, backend=LocalBackend())
    ev.baseline()
    m = ev.evaluate(build_candidate(small_matmul, {k: script}))
    assert m.ok
    (tmp_path / "input.mlir").write_text(small_matmul.source)
    export = export_spec(small_matmul, {k: script}, tmp_path, substitute=True, backend=LocalBackend())
    flags = export.compile_flags(small_matmul.target)
    assert any(f.startswith("--iree-hal-substitute-executable-configuration=") for f in flags) and not export.applied
    check = check_export(tmp_path, small_matmul, ev, Path(m.vmfb), flags, rounds=1, repetitions=2)
    assert check.ok and check.reproduces and check.max_rel_error <= 1e-4, check
    # with no iree-compile on PATH (a venv not activated) the script takes the compiler the run used
    bare = {k: v for k, v in os.environ.items() if k != "IREE_COMPILE"} | {"PATH": "/usr/bin:/bin"}
    subprocess.run(["bash", str(tmp_path / "compile.sh"), str(tmp_path / "bare.vmfb")], env=bare, check=True, timeout=300)
    assert (tmp_path / "bare.vmfb").read_bytes() == (tmp_path / "rebuilt.vmfb").read_bytes()
