"""GPU targets without a GPU: limits read from IREE, legality with reasons, the GPU heuristic, compile-only
property checks for sm_80 and Vulkan, the exported spec through plain iree-compile, and a lavapipe search.
Tests marked `gpu` time real CUDA runs and skip without a device."""

from __future__ import annotations

import dataclasses
import json
import math
import random
from pathlib import Path

import pytest

from litecoop_mlir.cli.main import main
from litecoop_mlir.core.records import Status
from litecoop_mlir.export.spec import export_spec
from litecoop_mlir.ir.workload import Kernel, Workload, kernels_from_configured, load_workload
from litecoop_mlir.iree.mlir import new_context, parse_module
from litecoop_mlir.iree.process import run_limited
from litecoop_mlir.iree.tools import tool_path
from litecoop_mlir.measure.backend import Evaluator, LocalBackend
from litecoop_mlir.proposers.builtin import HeuristicProposer
from litecoop_mlir.proposers.request import NodeView, ProposalRequest
from litecoop_mlir.space.apply import build_candidate
from litecoop_mlir.space.legality import check_config, machine_for, validate_step
from litecoop_mlir.space.moves import sample_move, script_conversion
from litecoop_mlir.space.script import Script, default_config
from litecoop_mlir.space.script_render import render_sequence
from litecoop_mlir.space.vocabulary import IllegalTransform, SetCodegenMode, SetGpuOption, SetScriptKnob, SetTileSizes, SetWorkgroupSize
from litecoop_mlir.targets.gpu import kernel_intrinsics, parse_gpu_target, script_workgroup_size, shared_memory_bytes
from litecoop_mlir.targets.strategy import device_available, make_target
from tests.conftest import KERNELS

CUDA = make_target("cuda", "sm_80")
VULKAN = make_target("vulkan-spirv")
HAS_LAVAPIPE = device_available(VULKAN)[0]
_LOADED: dict[tuple[str, str], Workload] = {}


def _workload(path: str, target_name: str) -> Workload:
    if (path, target_name) not in _LOADED:
        _LOADED[(path, target_name)] = load_workload(path, CUDA if target_name == "cuda" else VULKAN)
    return _LOADED[(path, target_name)]


def _kernel(name: str, target_name: str) -> Kernel:
    path = KERNELS / f"{name}.mlir"
    return _workload(str(path if path.is_file() else KERNELS / "gpu" / f"{name}.mlir"), target_name).kernels()[0]


def _illegal(kernel: Kernel, target: str, *moves) -> str:
    with pytest.raises(IllegalTransform) as exc:
        validate_step(kernel, Script(), moves, target)
    return str(exc.value)


def test_limits_and_intrinsics_come_from_iree() -> None:
    f16 = _kernel("matmul_f16_4096", "cuda")
    gpu = parse_gpu_target(f16.gpu_target)
    assert gpu is not None and gpu.arch == "sm_80" and gpu.max_threads == 1024 and gpu.max_shared_bytes == 166912
    assert gpu.subgroup_sizes == (32,) and "NV_MMA_SYNC_F32_16x8x16_F16" in gpu.mma
    assert kernel_intrinsics(f16, gpu) == ("NV_MMA_SYNC_F32_16x8x16_F16",)  # the f16 one of its family, not the f16-accumulating one
    vk = parse_gpu_target(_kernel("matmul_512", "vulkan-spirv").gpu_target)
    assert vk is not None and vk.max_threads == 128 and vk.max_shared_bytes == 16384 and vk.mma == ()
    assert parse_gpu_target(_kernel("matmul_512", "cuda").gpu_target).describe().startswith("GPU sm_80")


@pytest.mark.parametrize("name,target", [("matmul_512", "cuda"), ("matmul_512", "vulkan-spirv"), ("matmul_f16_4096", "cuda"),
                                         ("conv2d_nhwc_b2", "cuda"), ("batch_matmul", "vulkan-spirv")])
def test_iree_defaults_keep_the_rules_and_the_derived_workgroup_size(name: str, target: str) -> None:
    k = _kernel(name, target)
    check_config(k, default_config(k), target)
    assert Script().resolve(k).workgroup_size == default_config(k).workgroup_size


def test_gpu_rules_give_precise_reasons() -> None:
    f16 = _kernel("matmul_f16_4096", "cuda")
    assert "not a thread tile" in _illegal(f16, "cuda", SetTileSizes("thread", (1, 4, 0)))
    big = _illegal(f16, "cuda", SetTileSizes("reduction", (0, 0, 8)), SetGpuOption("prefetch_num_stages", "3"),
                   SetTileSizes("workgroup", (512, 128, 0)))
    assert "shared memory" in big and "166912" in big
    assert "per thread" in _illegal(f16, "cuda", SetTileSizes("workgroup", (256, 256, 0)), SetTileSizes("subgroup", (8, 8, 0)))
    assert "does not fit" in _illegal(f16, "cuda", SetGpuOption("mma_kind", "NV_WMMA_F32_16x16x16_F16"))
    f32 = _kernel("matmul_512", "cuda")
    mismatch = _illegal(f32, "cuda", SetTileSizes("thread", (4, 4, 0)), SetWorkgroupSize((32, 4, 1)))
    assert "call for 256 threads" in mismatch and "[32, 4, 1]" in mismatch
    assert "mma_kind" in _illegal(f32, "cuda", SetGpuOption("mma_kind", "NV_MMA_SYNC_F32_16x8x16_F16"))
    assert "subgroup tile needs an MMA" in _illegal(f32, "cuda", SetTileSizes("subgroup", (1, 1, 0)))
    assert "promoted operands" in _illegal(f32, "cuda", SetGpuOption("promote_operands", "none"), SetGpuOption("prefetch_num_stages", "2"))
    vk = _kernel("matmul_512", "vulkan-spirv")
    assert "unrolled" in _illegal(vk, "vulkan-spirv", SetTileSizes("reduction", (0, 0, 512)))
    assert "allows 128" in _illegal(vk, "vulkan-spirv", SetTileSizes("thread", (2, 2, 0)))
    assert "does not apply to vulkan-spirv" in _illegal(vk, "vulkan-spirv", SetGpuOption("promote_operands", "0,1"))


def test_workgroup_size_follows_the_tiles() -> None:
    f32 = _kernel("matmul_512", "cuda")
    s = validate_step(f32, Script(), (SetTileSizes("workgroup", (64, 64, 1)), SetTileSizes("thread", (4, 8, 0))), "cuda")
    assert s.resolve(f32).workgroup_size == (32, 4, 1)  # 16 x 8 = 128 threads
    f16 = _kernel("matmul_f16_4096", "cuda")
    s = validate_step(f16, Script(), (SetTileSizes("subgroup", (2, 4, 0)),), "cuda")
    assert s.resolve(f16).workgroup_size == (256, 1, 1)  # (128 / 32) x (64 / 32) = 8 subgroups
    assert shared_memory_bytes(f16, s.resolve(f16).gpu_shape()) == (128 + 64) * 32 * 2 * 2
    vk = _kernel("matmul_512", "vulkan-spirv")
    s = validate_step(vk, Script(), (SetTileSizes("thread", (4, 8, 0)),), "vulkan-spirv")
    assert s.resolve(vk).workgroup_size == (32, 4, 1)  # x along N (256 / 8), y along M (16 / 4), as IREE maps them


@pytest.mark.parametrize("name,target", [("matmul_f16_4096", "cuda"), ("matmul_2048", "cuda"), ("matmul_512", "vulkan-spirv")])
def test_gpu_heuristic_proposes_legal_joint_tiles(name: str, target: str) -> None:
    k = _kernel(name, target)
    req = ProposalRequest(kernel=k, target=target, machine=machine_for(k), node=NodeView(Script(), 1.0), baseline_ms=1.0,
                          model="heuristic", roster=[], budget_left=10, steps_wanted=3, codegen="attributes")
    p = HeuristicProposer().suggest(req)
    assert p.reasoning.startswith("GPU model") and len(p.steps) == 3
    for step in p.steps:
        assert {t.level for t in step.transforms} >= {"workgroup", "reduction"}
        validate_step(k, Script(), step.transforms, target)
    assert len({step.transforms[:2] for step in p.steps}) == 3  # three tile shapes, not one shape three times
    both = HeuristicProposer().suggest(dataclasses.replace(req, codegen="both"))  # first: IREE's configuration as a script
    assert both.steps[0].transforms == script_conversion(k) and len(both.steps) == 3


def _random_edits(w: Workload, k: Kernel, target: str, n: int, seed: int) -> list[Script]:
    rng, out, seen = random.Random(seed), [], set()
    while len(out) < n:
        s = Script()
        for _ in range(rng.choice((1, 2, 3))):
            t = sample_move(k, s, rng, target)
            if t is not None and t.op != "flag":
                s = s.then(t)
        if len(s) and s.key(k) not in seen:
            seen.add(s.key(k))
            out.append(s)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["matmul_512", "matmul_f16_4096"])
def test_random_legal_gpu_edits_compile_for_sm80(name: str, tmp_path: Path) -> None:
    k = _kernel(name, "cuda")
    w = _workload(str(KERNELS / "gpu" / f"{name}.mlir") if "f16" in name else str(KERNELS / f"{name}.mlir"), "cuda")
    ev = Evaluator(w, tmp_path, repetitions=1, backend=LocalBackend())
    ev.baseline()
    built = [ev.evaluate(build_candidate(w, {k: s})).status for s in _random_edits(w, k, "cuda", 8, 1)]
    assert all(st in (Status.OK, Status.NO_DEVICE) for st in built), built


@pytest.mark.slow
@pytest.mark.skipif(not HAS_LAVAPIPE, reason="no Vulkan driver (mesa lavapipe) installed")
def test_random_legal_vulkan_edits_build_and_verify(small_matmul_path: Path, tmp_path: Path) -> None:
    w = load_workload(str(small_matmul_path), VULKAN)
    (k,) = w.kernels()
    ev = Evaluator(w, tmp_path, repetitions=1, min_time_s=0.0, backend=LocalBackend())
    ev.baseline()
    built = [ev.evaluate(build_candidate(w, {k: s})) for s in _random_edits(w, k, "vulkan-spirv", 6, 2)]
    assert all(m.status is Status.OK for m in built), [(m.status, m.error[-200:]) for m in built]


def _plain_kernel(w: Workload, flags: list[str], tmp: Path) -> Kernel:
    """The dispatch as plain iree-compile configures it under `flags`."""
    out = tmp / "cfg.mlir"
    res = run_limited([tool_path("iree-compile"), w.filename, *w.base_flags, *flags, "--compile-to=executable-configurations",
                       "-o", out], w.limits)
    assert res.status is Status.OK, res.stderr
    return kernels_from_configured(parse_module(out.read_text(), "x", new_context()))[0]


@pytest.mark.parametrize("target", ["cuda", "vulkan-spirv"])
def test_exported_gpu_spec_is_applied_by_plain_iree_compile(target: str, tmp_path: Path) -> None:
    w = _workload(str(KERNELS / "matmul_512.mlir"), target)
    k = w.kernels()[0]
    step = (SetTileSizes("workgroup", (32, 64, 1 if target == "cuda" else 0)), SetTileSizes("thread", (4, 4, 0)))
    want = validate_step(k, Script(), step, target).resolve(k)
    export = export_spec(w, {k: Script(step)}, tmp_path / "out", backend=LocalBackend())
    got = default_config(_plain_kernel(w, export.compile_flags(target), tmp_path))
    # 8 x 16 = 128 threads: CUDA keeps IREE's [32, n/32, 1] shape, SPIR-V puts N's 16 threads on x
    assert got.tile_map == want.tile_map and got.workgroup_size == want.workgroup_size == ((32, 4, 1) if target == "cuda" else (16, 8, 1))


@pytest.mark.slow
@pytest.mark.skipif(not HAS_LAVAPIPE, reason="no Vulkan driver (mesa lavapipe) installed")
def test_lavapipe_search_finishes_verified(small_matmul_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    rc = main([str(small_matmul_path), "--target", "vulkan-spirv", "--budget", "6", "--work-dir", str(out), "--repetitions", "3"])
    assert rc == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["target"] == "vulkan-spirv" and summary["export_check"]["ok"], summary["export_check"]
    kept = summary["best_numerics"]  # None where the baseline was kept
    assert kept is None or kept["max_rel_error"] <= 1e-4
    cands = [json.loads(line) for line in (out / "candidates.jsonl").read_text().splitlines()]
    assert sum(c["status"] == "ok" for c in cands) >= 3 and not any(c["status"] == "no_device" for c in cands)
    assert summary["timed_on"].startswith("Vulkan: ") and "local-sync" not in summary["measurement"]


@pytest.mark.gpu
@pytest.mark.skipif(not device_available(CUDA)[0], reason="no CUDA device")
def test_cuda_search_improves_matmul_2048(tmp_path: Path) -> None:
    out = tmp_path / "run"
    rc = main([str(KERNELS / "gpu" / "matmul_2048.mlir"), "--target", "cuda", "--budget", "16", "--work-dir", str(out)])
    assert rc == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["best_ms"] <= summary["baseline_ms"]


def test_gpu_options_render_and_compile(tmp_path: Path) -> None:
    w = _workload(str(KERNELS / "gpu" / "matmul_f16_4096.mlir"), "cuda")
    k = w.kernels()[0]
    step = (SetGpuOption("prefetch_num_stages", "3"), SetGpuOption("bank_conflict_padding", "on"), SetTileSizes("subgroup", (2, 4, 0)))
    cand = build_candidate(w, {k: validate_step(k, Script(), step, "cuda")})
    assert "prefetch_num_stages = 3" in cand.source and "no_reduce_shared_memory_bank_conflicts = false" in cand.source
    assert "workgroup_size = [256, 1, 1]" in cand.source and "subgroup = [2, 4, 0]" in cand.source
    ev = Evaluator(w, tmp_path, repetitions=1, backend=LocalBackend())
    ev.baseline()
    assert ev.evaluate(cand).status in (Status.OK, Status.NO_DEVICE)
    unpromoted = build_candidate(w, {k: validate_step(k, Script(), (SetGpuOption("promote_operands", "none"),), "cuda")})
    assert "promote_operands" not in unpromoted.source.split("lowering_config", 1)[1].split(">}>", 1)[0]


def test_vulkan_target_follows_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    from litecoop_mlir.targets import strategy

    monkeypatch.setattr(strategy, "_vulkan_device", lambda: {"name": "NVIDIA H100", "type": "discrete_gpu", "vendor_id": "0x10de"})
    assert strategy.detected_vulkan_arch() == "ampere" and make_target("vulkan-spirv").arch == "ampere"
    assert make_target("vulkan-spirv", "rdna3").arch == "rdna3"  # --arch wins
    monkeypatch.setattr(strategy, "_vulkan_device", lambda: {"name": "llvmpipe", "type": "cpu", "vendor_id": "0x10005"})
    assert strategy.detected_vulkan_arch() == "" and make_target("vulkan-spirv").compile_flags == ("--iree-hal-target-device=vulkan",)


@pytest.mark.parametrize("cap,arch", [("9.0", "sm_89"), ("8.6", "sm_86"), ("8.0", "sm_80"), ("7.5", "sm_75"), ("", "sm_80")])
def test_cuda_arch_follows_nvidia_smi(monkeypatch: pytest.MonkeyPatch, cap: str, arch: str) -> None:
    from litecoop_mlir.targets import strategy

    monkeypatch.setattr(strategy, "nvidia_smi", lambda query: cap)
    strategy.detected_cuda_arch.cache_clear()
    try:
        assert strategy.detected_cuda_arch() == arch and make_target("cuda").arch == arch
        assert make_target("cuda", "sm_86").arch == "sm_86"  # --arch wins
    finally:
        strategy.detected_cuda_arch.cache_clear()


# Codegen scripts on GPU targets


@pytest.mark.parametrize("target", ["cuda", "vulkan-spirv"])
def test_gpu_scripts_map_blocks_and_threads_within_the_targets_limits(target: str) -> None:
    k = _kernel("matmul_512", target)
    cfg = validate_step(k, Script(), script_conversion(k), target).resolve(k)
    ir = render_sequence(k, cfg.tile_map, dict(cfg.knobs))
    wg = script_workgroup_size(k, cfg.tile_map)
    assert 1 < math.prod(wg) <= parse_gpu_target(k.gpu_target).max_threads
    assert "(mapping = [#gpu.block<y>, #gpu.block<x>])" in ir and "(mapping = [#gpu.thread<y>, #gpu.thread<x>])" in ir
    assert f"workgroup_dims = [{wg[0]}, {wg[1]}, {wg[2]}]" in ir and f"workgroup_size = [{wg[0]}, {wg[1]}, {wg[2]}]" in ir
    assert "transform.iree.bufferize <{target_gpu}>" in ir and "fuse_into_containing_op %wg_fill into %th_forall" in ir
    base = (SetCodegenMode("script"), SetTileSizes("workgroup", (32, 64, 0)), SetTileSizes("reduction", (0, 0, 8)))
    assert "thread[0] = 0" in _illegal(k, target, *base, SetTileSizes("thread", (0, 4, 0)))
    assert "reduction[2] = 0" in _illegal(k, target, *base, SetTileSizes("thread", (1, 4, 0)), SetTileSizes("reduction", (0, 0, 0)))
    too_many = _illegal(k, target, *base, SetTileSizes("workgroup", (128, 16, 0)), SetTileSizes("thread", (1, 1, 0)))
    assert "2048 threads per workgroup" in too_many
    square = (*base, SetTileSizes("thread", (4, 4, 0)))
    if target == "vulkan-spirv":  # a hoisted 2-D accumulator is a 2-D vector SPIR-V cannot hold
        assert "hoist = off" in _illegal(k, target, *square)
        unhoisted = (*square, SetScriptKnob("hoist", "off"))
        validate_step(k, Script(), unhoisted, target)
        assert "wrong numbers" in _illegal(k, target, *unhoisted, SetScriptKnob("lowering", "parallelarith"))
        assert "at most 4 elements" in _illegal(k, target, *unhoisted, SetTileSizes("thread", (4, 8, 0)), SetScriptKnob("lowering", "dot"))
    else:
        validate_step(k, Script(), square, target)
    chain = _kernel("matmul_bias_relu", target)  # the consumer is tiled to threads, the root and fill fuse into its tile
    converted = validate_step(chain, Script(), script_conversion(chain), target)
    cfg = converted.resolve(chain)
    assert dict(cfg.knobs).get("hoist", "on") == "on"  # the root's tile stays in registers
    ir = render_sequence(chain, cfg.tile_map, dict(cfg.knobs))
    assert "tile_using_forall %consumer" in ir and "tile_using_forall %wg_op" in ir
    assert "fuse_into_containing_op %wg_root into %th_forall" in ir and "tile_using_for %th_root" in ir
    assert "workgroup-memory tile that every thread writes" in _illegal(chain, target, *converted.transforms, SetScriptKnob("hoist", "off"))


@pytest.mark.slow
def test_random_legal_gpu_scripts_compile_and_the_spec_routes_to_them(tmp_path: Path) -> None:
    w = _workload(str(KERNELS / "matmul_512.mlir"), "cuda")
    (k,) = w.kernels()
    ev = Evaluator(w, tmp_path / "ev", repetitions=1, backend=LocalBackend())
    ev.baseline()
    rng, scripts = random.Random(3), []
    while len(scripts) < 6:
        s = Script(script_conversion(k))
        for _ in range(rng.choice((0, 1, 2))):
            t = sample_move(k, s, rng, "cuda")
            if t is not None and t.op in ("tile", "script"):
                s = s.then(t)
        scripts.append(s)
    built = [ev.evaluate(build_candidate(w, {k: s})) for s in scripts]
    assert all(m.status in (Status.OK, Status.NO_DEVICE) for m in built), [(m.status, m.error[-300:]) for m in built]
    export = export_spec(w, {k: scripts[0]}, tmp_path / "out", backend=LocalBackend())
    assert export.applied == {k.executable: True}
    plain = _plain_kernel(w, export.compile_flags("cuda"), tmp_path)  # plain iree-compile routes the dispatch to its script
    assert "transform_dialect_codegen" in plain.default_translation_info and f"@codegen_{k.function}" in plain.default_translation_info


@pytest.mark.slow
@pytest.mark.skipif(not HAS_LAVAPIPE, reason="no Vulkan driver (mesa lavapipe) installed")
def test_lavapipe_script_search_finishes_verified(small_matmul_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    rc = main([str(small_matmul_path), "--target", "vulkan-spirv", "--codegen", "script", "--budget", "4", "--work-dir", str(out),
               "--repetitions", "2", "--no-db"])
    assert rc == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["export_check"]["ok"], summary["export_check"]
    cands = [json.loads(line) for line in (out / "candidates.jsonl").read_text().splitlines()]
    scripted = [c for c in cands if any(t.get("op") == "codegen" for t in c.get("script", []))]
    assert len(scripted) >= 3 and all(c["status"] == "ok" for c in scripted), [(c["status"], c.get("error", "")[-200:]) for c in scripted]
