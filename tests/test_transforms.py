"""Transform types, scripts, legality and legal moves (property tests over the bundled kernels)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litecoop_mlir.ir.workload import Kernel, load_workload
from litecoop_mlir.space.legality import check_config, machine_for, validate, validate_step
from litecoop_mlir.space.moves import legal_moves, move_spaces, sample_move
from litecoop_mlir.space.script import Script, codegen_kernel, effective_kernel
from litecoop_mlir.space.vocabulary import IllegalTransform, SetFlag, SetOption, SetTileSizes, transform_from_json, transform_to_json
from litecoop_mlir.targets.machine import AVX2, AVX512
from litecoop_mlir.targets.strategy import make_target
from tests.conftest import KERNELS, make_fake_kernel

_KERNELS: dict[tuple[str, str], Kernel] = {}


def kernel(name: str, cpu: str = "host") -> Kernel:
    """A bundled kernel configured by IREE for `cpu` (a named CPU gives the same defaults on any host)."""
    if (name, cpu) not in _KERNELS:
        w = load_workload(str(KERNELS / f"{name}.mlir"), make_target("llvm-cpu", cpu))
        _KERNELS[name, cpu] = max(w.kernels(), key=lambda k: k.flops)
    return _KERNELS[name, cpu]


NAMES = ["matmul_512", "conv2d_nhwc_b1", "softmax", "depthwise_conv", "batch_matmul"]


@pytest.mark.parametrize("name", NAMES)
def test_defaults_are_legal_and_every_enumerated_move_validates(name: str) -> None:
    k = kernel(name)
    check_config(k, Script().resolve(k))
    moves = legal_moves(k, Script())
    assert len(moves) > 10
    for mv in moves:
        validate(k, Script(), mv)  # raises if the enumeration lied
    # ...and one level deeper from a random legal move
    rng = random.Random(1)
    first = moves[rng.randrange(len(moves))]
    s = validate(k, Script(), first)
    for mv in legal_moves(k, s, limit=300):
        validate(k, s, mv)


def test_rules_from_the_notes_reject_bad_configs_with_reasons() -> None:
    k = kernel("matmul_512", "znver3")  # AVX2: IREE's default is 8x8 with loop peeling
    cases = {
        SetTileSizes("vector_common_parallel", (8, 16, 0)): "spill",
        SetTileSizes("vector_common_parallel", (1, 24, 0)): "power of two",
        SetTileSizes("vector_common_parallel", (4, 4, 0)): "SIMD",
        SetTileSizes("vector_common_parallel", (8, 8)): "one entry per loop",
        SetTileSizes("vector_reduction", (4, 0, 4)): "parallel loop",
        SetTileSizes("distribution", (0, 0, 64)): "reduction loop",
        SetTileSizes("distribution", (1024, 64, 0)): "exceeds the loop bound",
        SetFlag("im2col", "true"): "convolution",
    }
    for t, why in cases.items():
        with pytest.raises(IllegalTransform, match=why):
            validate(k, Script(), t, machine=AVX2)
    # 16 KB vector limit
    with pytest.raises(IllegalTransform, match="rejects vectors"):
        validate(k, Script((SetTileSizes("vector_common_parallel", (1, 32, 0)),)), SetTileSizes("vector_reduction", (0, 0, 128)), machine=AVX2)
    # without peeling, inner tiles must divide the enclosing tile
    no_peel = Script((SetOption("enable_loop_peeling", False),))
    with pytest.raises(IllegalTransform, match="divide"):
        validate(k, no_peel, SetTileSizes("vector_common_parallel", (6, 16, 0)), machine=AVX2)
    validate(k, Script(), SetTileSizes("vector_common_parallel", (6, 16, 0)), machine=AVX2)  # peeled by default: fine
    # global flags must come before codegen transforms
    tiled = Script((SetTileSizes("vector_common_parallel", (4, 16, 0)),))
    with pytest.raises(IllegalTransform, match="before"):
        validate(k, tiled, SetFlag("data_tiling", "true"), machine=AVX2)


def test_register_budget_follows_the_machine_model() -> None:
    """8x16 spills AVX2's 16 ymm registers but fits AVX-512's 32; the kernel's own target decides by default."""
    avx2, avx512 = kernel("matmul_512", "znver3"), kernel("matmul_512", "znver4")
    assert machine_for(avx2).isa == "avx2" and machine_for(avx2).vector_registers == 16
    assert machine_for(avx512).isa == "avx512" and machine_for(avx512).vector_registers == 32
    with pytest.raises(IllegalTransform, match="spill"):
        validate(avx2, Script(), SetTileSizes("vector_common_parallel", (8, 16, 0)))
    with pytest.raises(IllegalTransform, match="spill"):
        validate_step(avx512, Script(), (SetTileSizes("vector_common_parallel", (16, 32, 0)),
                                         SetTileSizes("vector_reduction", (0, 0, 1))), machine=AVX512)
    validate_step(avx512, Script(), (SetTileSizes("vector_common_parallel", (8, 32, 0)),
                                     SetTileSizes("vector_reduction", (0, 0, 4))), machine=AVX512)
    with pytest.raises(IllegalTransform, match="16-lane"):
        validate(avx512, Script(), SetTileSizes("vector_common_parallel", (4, 8, 0)), machine=AVX512)


def test_a_step_is_judged_by_its_result_not_its_order() -> None:
    k = kernel("matmul_512", "znver4")  # default vector_reduction 16: an 8x32 tile first would pass 16 KB
    wide, short_k = SetTileSizes("vector_common_parallel", (8, 32, 0)), SetTileSizes("vector_reduction", (0, 0, 4))
    with pytest.raises(IllegalTransform, match="rejects vectors"):
        validate(k, Script(), wide, machine=AVX512)
    a = validate_step(k, Script(), (wide, short_k), machine=AVX512)
    b = validate_step(k, Script(), (short_k, wide), machine=AVX512)
    assert a.key(k) == b.key(k)


def test_rules_that_iree_default_breaks_do_not_block_moves() -> None:
    """Prime loop bounds: IREE's own distribution does not divide them; flags and other levels stay legal."""
    k = kernel("matmul_unaligned", "znver3")
    assert any(b % t for b, t in zip(k.loop_bounds, k.default_tiles["distribution"]) if t)
    check_config(k, Script().resolve(k), machine=AVX2)
    moves = legal_moves(k, Script(), machine=AVX2)
    assert SetFlag("data_tiling", "true") in moves


def test_canonical_form_identifies_equivalent_paths() -> None:
    k = kernel("matmul_512")
    a = Script((SetTileSizes("vector_common_parallel", (4, 16, 0)), SetFlag("ukernels", "none"), SetTileSizes("vector_reduction", (0, 0, 4))))
    b = Script((SetTileSizes("vector_reduction", (0, 0, 2)), SetFlag("ukernels", "none"), SetTileSizes("vector_reduction", (0, 0, 4)), SetTileSizes("vector_common_parallel", (4, 16, 0))))
    c = Script((SetTileSizes("vector_common_parallel", (4, 16, 0)),))
    assert a.key(k) == b.key(k)
    assert a.key(k) != c.key(k)
    # setting a level to IREE's default is the same node as not setting it
    d = Script((SetTileSizes("distribution", k.default_tiles["distribution"]),))
    assert d.key(k) == Script().key(k)


def test_json_round_trip_and_rejections() -> None:
    s = Script((SetTileSizes("distribution", (64, 64, 0)), SetOption("enable_loop_peeling", False), SetFlag("opt_level", "O2")))
    assert Script.from_json(s.to_json()) == s
    assert transform_from_json(transform_to_json(s.transforms[0])) == s.transforms[0]
    bad = [
        {"op": "rm -rf /"},
        {"op": "tile", "level": "distribution"},
        {"op": "tile", "level": "distribution", "sizes": [1, "2", 3]},
        {"op": "tile", "level": "warp", "sizes": [1]},
        {"op": "flag", "name": "data_tiling", "value": "--iree-hal-dump=/etc"},
        {"op": "option", "name": "enable_loop_peeling", "enabled": "yes"},
        {"op": "tile", "level": "distribution", "sizes": [10**9]},
        "tile",
        None,
    ]
    for d in bad:
        with pytest.raises(IllegalTransform):
            transform_from_json(d)


def test_move_spaces_describe_ranges() -> None:
    k = kernel("matmul_512")
    spaces = move_spaces(k, Script())
    tile = [s for s in spaces if s.op == "tile" and s.level == "vector_common_parallel"][0]
    assert len(tile.choices) == 3 and tile.choices[2] == (0,)
    assert any(s.op == "flag" and s.name == "data_tiling" for s in spaces)
    assert not any(s.op == "flag" and s.name == "im2col" for s in spaces)
    assert all("op" in s.to_json() for s in spaces)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), name=st.sampled_from(NAMES))
def test_random_legal_scripts_stay_legal(seed: int, name: str) -> None:
    k = kernel(name)
    rng = random.Random(seed)
    s = Script()
    for _ in range(6):
        mv = sample_move(k, s, rng)
        if mv is None:
            break
        s = validate(k, s, mv)
    target = effective_kernel(k, s)  # after im2col: the matmul it made
    check_config(target, s.resolve(target))


def test_no_codegen_transforms_after_a_reshaping_flag() -> None:
    k = make_fake_kernel()
    s = validate(k, Script(), SetFlag("data_tiling", "true"))
    with pytest.raises(IllegalTransform, match="turns the root op into another op"):
        validate(k, s, SetTileSizes("vector_common_parallel", (4, 16, 0)))
    assert validate(k, s, SetFlag("ukernels", "mmt4d"))
    assert all(m.op == "flag" for m in move_spaces(k, s))
    assert all(isinstance(t, SetFlag) for t in legal_moves(k, s))


def test_codegen_after_im2col_configures_the_matmul_it_made() -> None:
    from litecoop_mlir.space.apply import build_candidate

    w = load_workload(str(KERNELS / "conv2d_nchw_s2.mlir"), make_target("llvm-cpu", "znver3"))
    conv = w.kernels()[0]
    im2col = Script((SetFlag("im2col", "true"),))
    mm = codegen_kernel(conv, im2col)
    assert conv.kind == "convolution" and mm.kind == "contraction" and mm.executable != conv.executable
    tile = SetTileSizes("vector_common_parallel", (4, 16, 0))
    s = validate(conv, im2col, tile, machine=AVX2)
    assert tile in legal_moves(conv, im2col, machine=AVX2) or any(t.op == "tile" for t in legal_moves(conv, im2col, machine=AVX2))
    cand = build_candidate(w, {conv: s})
    assert cand.configured and "--iree-global-opt-use-im2col-for-convs=true" in cand.flags
    assert "vector_common_parallel = [4, 16, 0]" in cand.source
    # data tiling makes an mmt4d: its K loops reduce, its packed inner loops (M0, N0, K0) keep the
    # layout's tiles, and an M1 x M0 x N0 register tile past the register file is refused
    w2 = load_workload(str(KERNELS / "matmul_512.mlir"), make_target("llvm-cpu", "znver3"))
    mmk = w2.kernels()[0]
    dt = Script((SetFlag("data_tiling", "true"),))
    m4 = codegen_kernel(mmk, dt)
    assert m4.root_op == "linalg.mmt4d" and m4.iterator_types == ("parallel", "parallel", "reduction") * 2
    assert m4.packed_inner_loops == (3, 4, 5)
    with pytest.raises(IllegalTransform, match="packed inner loop"):
        validate(mmk, dt, SetTileSizes("distribution", (16, 4, 0, 4, 0, 0)), machine=AVX2)
    with pytest.raises(IllegalTransform, match="register tile 32x8"):
        validate(mmk, dt, SetTileSizes("vector_common_parallel", (4, 1, 0, 8, 8, 0)), machine=AVX2)
    unroll_k = SetTileSizes("vector_reduction", (0, 0, 2, 0, 0, 1))
    assert unroll_k in legal_moves(mmk, dt, machine=AVX2)
    cand = build_candidate(w2, {mmk: validate(mmk, dt, unroll_k, machine=AVX2)})
    assert cand.configured and "vector_reduction = [0, 0, 2, 0, 0, 1]" in cand.source


def test_a_register_tile_never_exceeds_its_enclosing_tile() -> None:
    k = kernel("matmul_512", "znver3")
    peeled = Script((SetOption("enable_loop_peeling", True), SetTileSizes("distribution", (32, 32, 0)),
                     SetTileSizes("cache_parallel", (32, 32, 0))))
    with pytest.raises(IllegalTransform, match="larger than the enclosing tile"):
        validate(k, peeled, SetTileSizes("vector_common_parallel", (4, 64, 0)), machine=AVX2)
