"""Codegen scripts rendered as transform-dialect IR: one builder per kernel shape (tiled contraction,
row reduction, GPU blocks/threads), the library and the benchmark library around them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Mapping

from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.space.script_knobs import knob_applies, knob_defaults, output_dims, ragged_register_dims, reversed_tiled, sequence_name
from litecoop_mlir.targets.gpu import script_thread_counts, script_workgroup_size
from litecoop_mlir.targets.strategy import configured_for


@dataclass(frozen=True)
class ScriptStep:
    """One op of a rendered script: its transform IR and what it does (for show and the report)."""

    phase: str
    ir: str
    comment: str


_ANY = "!transform.any_op"


_FOR = '!transform.op<"scf.for">'


_PAIR = f"({_ANY}, {_ANY}) -> ({_ANY}, {_ANY})"


def _sizes(v: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, v)) + "]"


def _tile_for(handle: str, sizes: tuple[int, ...], name: str, fuse: bool = False,
              order: tuple[int, ...] = ()) -> tuple[str, list[str]]:
    """`tile_using_for` (or, fusing producers, `structured.fuse`) text and the loop handles it
    yields (one per nonzero size, outermost first). `order`: the loops' interchange (identity if empty)."""
    loops = [f"%{name}_l{i}" for i, s in enumerate(s for s in sizes if s)]
    results = ", ".join([f"%{name}", *loops])
    types = ", ".join([_ANY] * (1 + len(loops)))
    op = "fuse" if fuse else "tile_using_for"
    interchange = f" interchange {_sizes(order)}" if order and list(order) != sorted(order) else ""
    return (f"{results} = transform.structured.{op} {handle} tile_sizes {_sizes(sizes)}{interchange} : ({_ANY}) -> ({types})",
            loops)


def _builder(kernel: Kernel) -> type["_ScriptBuilder"]:
    """The script builder for the kind of code `kernel`'s target runs (its strategy's family)."""
    family = configured_for(kernel).family
    if kernel.kind == "reduction" and family == _RowReductionBuilder.family:
        return _RowReductionBuilder
    return next(b for b in (_ScriptBuilder, _GpuScriptBuilder) if b.family == family)


def render_steps(kernel: Kernel, tiles: Mapping[str, tuple[int, ...]], knobs: Mapping[str, str]) -> list[ScriptStep]:
    """The script's ops for `kernel` with the given tiling levels and knobs, in phase order."""
    chosen = {**knob_defaults(kernel), **{a: v for a, v in knobs.items() if knob_applies(kernel, a)}}
    b = _builder(kernel)(kernel, tiles, chosen)
    b.match()
    b.workgroups()
    b.registers()
    b.reduction()
    b.vectorize()
    b.bufferize_and_lower()
    return b.steps


class _ScriptBuilder:
    """Renders one script phase by phase, tracking the live transform handles (a handle an op
    consumed is never used again)."""

    #: the strategy family whose dispatches it lowers (litecoop_mlir.targets.strategy)
    family: ClassVar[str] = "cpu"

    def __init__(self, kernel: Kernel, tiles: Mapping[str, tuple[int, ...]], knobs: dict[str, str]) -> None:
        n = kernel.num_loops
        self.kernel, self.knobs = kernel, knobs
        self.par = [i for i, it in enumerate(kernel.iterator_types) if it == "parallel"]
        wg = tuple(tiles.get("distribution", (0,) * n))
        self.wg = tuple(0 if s == bound else s for s, bound in zip(wg, kernel.loop_bounds))  # a whole-loop tile is no tile
        reg = tuple(tiles.get("vector_common_parallel", (0,) * n))
        self.reg = tuple(reg[i] if kernel.iterator_types[i] == "parallel" else 0 for i in range(n))
        red = tuple(tiles.get("vector_reduction", (0,) * n))
        self.red = tuple(red[i] if kernel.iterator_types[i] == "reduction" else 0 for i in range(n))
        self.consumer, self.fill = kernel.has_consumer, "linalg.fill" in kernel.body_ops
        self.steps: list[ScriptStep] = []
        self.anchor = "%consumer" if self.consumer else "%root"  # the op that writes the dispatch's result
        self.root = "%root"
        self.forall = False
        self.reg_loops: list[str] = []
        self.reg_dims: list[int] = []  # the loop each register loop steps, outermost first
        self.red_loops: list[str] = []

    def add(self, phase: str, ir_text: str, comment: str) -> None:
        self.steps.append(ScriptStep(phase, ir_text, comment))

    def _tile_to_workgroups(self, result: str, op: str, sizes: tuple[int, ...], what: str) -> bool:
        """`tile_using_forall` of `op` (one scf.forall iteration per workgroup) and the workgroup
        count from it; False (nothing rendered) where `sizes` tile no loop. `what` names the tile shape at {}."""
        tiled = [s for s in sizes if s]
        if not tiled:
            return False
        blocks = ", ".join(f"#gpu.block<{d}>" for d in ("z", "y", "x")[-len(tiled):])
        self.add("tile", f"{result}, %forall = transform.structured.tile_using_forall {op} tile_sizes {_sizes(sizes)} "
                 f"(mapping = [{blocks}]) : ({_ANY}) -> ({_ANY}, {_ANY})",
                 what.format("x".join(map(str, tiled))) + " (one scf.forall iteration per workgroup)")
        self.add("tile", f"transform.iree.populate_workgroup_count_region_using_num_threads_slice %forall : ({_ANY}) -> ()",
                 "the dispatch's workgroup count from the forall's trip counts")
        self.forall = True
        return True

    def match(self) -> None:
        k = self.kernel
        self.add("match", f"%func = transform.structured.match ops{{[\"func.func\"]}} in %module : ({_ANY}) -> {_ANY}", "the dispatch function")
        self.add("match", f"%root = transform.structured.match attributes {{root_op = {k.root_marker}}} in %func : ({_ANY}) -> {_ANY}",
                 f"the root op ({k.root_op})")
        if self.fill:
            self.add("match", f"%fill = transform.structured.match ops{{[\"linalg.fill\"]}} in %func : ({_ANY}) -> {_ANY}",
                     "the accumulator's initialisation")
        if self.consumer:
            self.add("match", f"%consumer = transform.get_consumers_of_result %root[0] : ({_ANY}) -> {_ANY}",
                     "the elementwise consumer of the root's result")

    def workgroups(self) -> None:
        """Tile the op that writes the result to workgroups; its producers fuse into the tile."""
        sizes = tuple(self.wg[i] for i in self.par) if self.consumer else self.wg
        if not self._tile_to_workgroups("%wg_op", self.anchor, sizes, "tile to workgroups of {}"):
            return
        if self.consumer:
            self.add("fuse", f"%wg_root, %forall_1 = transform.structured.fuse_into_containing_op %root into %forall : {_PAIR}",
                     "fuse the root op into the workgroup tile of its consumer")
        self.root = "%wg_root" if self.consumer else "%wg_op"
        self.anchor = "%wg_op"
        if self.fill:
            self.add("fuse", f"%wg_fill, %forall_2 = transform.structured.fuse_into_containing_op %fill into %forall : {_PAIR}",
                     "fuse the fill into the workgroup tile")

    def registers(self) -> None:
        """`structured.fuse` tiles an op and fuses its producers (the fill, and the root op when the
        consumer is tiled) into the loop nest, through the loops' destination operands too."""
        if not any(self.reg):
            return
        shape = "x".join(str(s) for s in self.reg if s)
        consumer_sizes = tuple(self.reg[i] for i in self.par)
        reverse = self.knobs.get("interchange") == "reversed"
        root_order = reversed_tiled(self.reg) if reverse else ()
        consumer_order = reversed_tiled(consumer_sizes) if reverse else ()
        self.reg_dims = [d for d in (root_order or range(len(self.reg))) if self.reg[d]]
        order_note = ", the outermost loop stepping fastest" if reverse else ""
        if self.consumer and self.knobs.get("fuse_consumer") == "register":
            text, self.reg_loops = _tile_for(self.anchor, consumer_sizes, "reg_c", fuse=True, order=consumer_order)
            self.add("tile", text, f"tile the consumer to register tiles of {shape}{order_note} and fuse the root op and "
                     "the fill into that loop (no intermediate tile in memory)")
            self.add("match", f"%reg_root = transform.structured.match attributes {{root_op = {self.kernel.root_marker}}} in %func : "
                     f"({_ANY}) -> {_ANY}", "the root op's register tile")
            self.root = "%reg_root"
            return
        text, self.reg_loops = _tile_for(self.root, self.reg, "reg", fuse=True, order=root_order)
        self.add("tile", text, f"tile the root op to register tiles of {shape}{order_note}"
                 + (" and fuse the fill into that loop (the accumulator starts in registers)" if self.fill else ""))
        self.root = "%reg"
        if self.consumer:
            text, _ = _tile_for(self.anchor, consumer_sizes, "reg_c", order=consumer_order)
            self.add("tile", text, "tile the consumer in its own register loop")

    def reduction(self) -> None:
        if any(self.red):
            text, self.red_loops = _tile_for(self.root, self.red, "red")
            self.add("tile", text, f"tile the reduction loop(s) by {'x'.join(str(s) for s in self.red if s)}")
            self.root = "%red"
        unroll = int(self.knobs.get("unroll_reduction", "1"))
        if unroll > 1 and self.red_loops:  # before peeling: peeling consumes the loops around it and their handles
            self.add("unroll", f"%kloop = transform.cast {self.red_loops[-1]} : {_ANY} to {_FOR}\n"
                     f"transform.loop.unroll %kloop factor = {unroll} : {_FOR}",
                     f"unroll the reduction-tile loop by {unroll}: independent tile steps for the scheduler")
        if self.knobs.get("peel") == "on":
            ragged = set(ragged_register_dims(self.kernel, self.wg, self.reg))
            loops = list(enumerate(zip(self.reg_dims, self.reg_loops)))
            for i, (d, loop) in reversed(loops):  # innermost first: peeling a loop invalidates handles nested in it
                if d not in ragged:
                    continue  # peeling a loop its tile divides fails
                self.add("peel", f"%for_{i} = transform.cast {loop} : {_ANY} to {_FOR}\n"
                         f"%main_{i}, %rest_{i} = transform.loop.peel %for_{i} : ({_FOR}) -> ({_ANY}, {_ANY})",
                         "peel the register loop: full tiles vectorize, the remainder runs "
                         + ("padded (below)" if self.knobs.get("pad") == "on" else "scalar"))
                if self.kernel.kind == "convolution":  # the peel consumed the root's handle: find its copies again
                    self.add("match", f"%peeled_{i} = transform.structured.match attributes {{root_op = {self.kernel.root_marker}}} "
                             f"in %func : ({_ANY}) -> {_ANY}", "the root op's tiles in the peeled loops (decomposed next)")
                    self.root = f"%peeled_{i}"

    def vectorize(self) -> None:
        if self.kernel.kind == "convolution":
            root = self.root
            if self.kernel.root_op == "linalg.generic":
                self.add("decompose", f"%named = transform.structured.specialize {root} : ({_ANY}) -> {_ANY}",
                         "turn the generic convolution tile back into its named op (decomposition needs it)")
                root = "%named"
            self.add("decompose", f"%decomposed = transform.structured.decompose {root} : ({_ANY}) -> {_ANY}",
                     "decompose the 2-D convolution tile (unit filter rows) into a 1-D convolution that vectorizes")
        self.add("cleanup", _patterns("%func", ["canonicalization", "linalg.tiling_canonicalization", "scf.for_loop_canonicalization"]),
                 "canonicalize tile loops (static tile shapes for the vectorizer)")
        self.add("cleanup", f"transform.apply_cse to %func : {_ANY}", "common subexpressions")
        padding = self.knobs.get("pad") == "on"
        if padding:
            self.pad()
        self.add("vectorize", f"%vfunc = transform.structured.vectorize_children_and_apply_patterns %func"
                 f"{' <{vectorize_padding}>' if padding else ''} : ({_ANY}) -> {_ANY}",
                 "vectorize every static-shaped linalg op in the function"
                 + (" (the pads become masked reads)" if padding else ""))
        self.add("cleanup", _patterns("%vfunc", ["canonicalization"]), "canonicalize the vector code")
        self.add("cleanup", f"transform.apply_cse to %vfunc : {_ANY}", "common subexpressions")
        if self.knobs.get("hoist") == "on":
            self.add("hoist", f"%vloops = transform.structured.match ops{{[\"scf.for\"]}} in %vfunc : ({_ANY}) -> {_ANY}\n"
                     f"transform.foreach %vloops : {_ANY} {{\n^bb0(%loop: {_ANY}):\n"
                     f"  transform.loop.hoist_loop_invariant_subsets %loop : {_ANY}\n}}",
                     "hoist the accumulator tile out of the reduction loop while it is a tensor (it becomes a loop-carried "
                     "vector: after bufferization the operand buffers may alias it and nothing would move)")
            if padding:  # a partial tile's hoisting leaves tensors the loop carries unchanged: they would bufferize to copies
                self.add("cleanup", _patterns("%vfunc", ["canonicalization"]), "drop loop-carried values the hoisting left unchanged")
                self.add("cleanup", f"transform.apply_cse to %vfunc : {_ANY}", "common subexpressions")

    def pad(self) -> None:
        """Pad every tile of the root op to whole register x reduction tiles, and vectorize the fills
        with masks (their partial tiles stay dynamic): no partial tile is left for the vectorizer to skip."""
        k = self.kernel
        sizes = [(self.reg[d] or self.wg[d] or 1) if it == "parallel" else (self.red[d] or 1)
                 for d, it in enumerate(k.iterator_types)]
        zeros = ", ".join(_zero(t) for t in k.operand_types)
        self.add("pad", f"%to_pad = transform.structured.match attributes {{root_op = {k.root_marker}}} in %func : ({_ANY}) -> {_ANY}\n"
                 f"%padded, %pads, %copies = transform.structured.pad %to_pad pad_to_multiple_of {_sizes(tuple(sizes))} "
                 f"<{{padding_values = [{zeros}], padding_dimensions = {_sizes(tuple(range(k.num_loops)))}, copy_back_op = \"none\"}}> "
                 f": ({_ANY}) -> ({_ANY}, {_ANY}, {_ANY})",
                 "pad each tile of the root op with zeros to whole tiles: a partial tile computes at full vector width")
        if self.fill:
            out = [sizes[d] for d in output_dims(k)]
            self.add("pad", f"%fills = transform.structured.match ops{{[\"linalg.fill\"]}} in %func : ({_ANY}) -> {_ANY}\n"
                     f"transform.structured.vectorize %fills vector_sizes {_sizes(tuple(out))} : {_ANY}",
                     "vectorize the accumulator's initialisation with masks (masked stores on partial tiles)")

    def bufferize_and_lower(self) -> None:
        self.add("bufferize", f"transform.iree.eliminate_empty_tensors %vfunc : ({_ANY}) -> ()", "reuse the output buffer for tensor.empty")
        self.add("bufferize", f"%bmodule = transform.iree.bufferize %module : ({_ANY}) -> {_ANY}", "tensors to buffers")
        self.add("bufferize", f"%bfunc = transform.structured.match ops{{[\"func.func\"]}} in %bmodule : ({_ANY}) -> {_ANY}",
                 "the bufferized function")
        if self.forall:
            self.add("bufferize", f"transform.iree.forall_to_workgroup %bfunc : ({_ANY}) -> ()", "the forall becomes the workgroup id loop")
        fh = "%bfunc"
        if self.knobs.get("hoist") == "on":
            self.add("hoist", f"%bfunc_h = transform.structured.hoist_redundant_vector_transfers %bfunc : ({_ANY}) -> {_ANY}",
                     "hoist the transfers that are still loop-invariant after bufferization")
            fh = "%bfunc_h"
        if self.kernel.kind == "reduction":
            self.add("lower", _patterns(fh, ['vector.multi_reduction_unrolling lowering_strategy = "innerreduction"', "canonicalization"]),
                     "lower each row's final combine (vector.multi_reduction) to one horizontal reduction per row")
        else:
            strategy = self.knobs.get("lowering", "outerproduct")
            masks = ["vector.lower_masked_transfers", "vector.lower_masks"] if self.knobs.get("pad") == "on" else []
            rows = ["vector.transfer_to_scf max_transfer_rank = 1 full_unroll = true"] if self.knobs.get("transfer") == "rows" else []
            self.add("lower", _patterns(fh, [*masks, f'vector.lower_contraction lowering_strategy = "{strategy}"', *rows, "canonicalization"]),
                     ("lower the masked loads and stores, and " if masks else "") + f"lower vector.contract to {strategy} form"
                     + (", and 2-D transfers to one 1-D transfer per row" if rows else ""))
        self.add("cleanup", f"transform.apply_cse to {fh} : {_ANY}", "common subexpressions")
        self.add("finish", "%no_pipeline = transform.param.constant #iree_codegen.translation_info<pipeline = #iree_codegen.no_pipeline> "
                 f"-> !transform.any_param\ntransform.annotate {fh} \"translation_info\" = %no_pipeline : {_ANY}, !transform.any_param",
                 "mark the function lowered: IREE runs only its final LLVM lowering after this script")


class _RowReductionBuilder(_ScriptBuilder):
    """A chain of fills and generics that reduce the innermost loop (rows) or are elementwise:
    the last op (it writes the result) is tiled to workgroups of rows and every other op fuses
    into that tile; then each op is tiled to register rows on its own, a reduction split into
    lane-wise partial accumulators along the row (one combine per row at its end) and an
    elementwise op into register tiles of rows x the reduction tile width."""

    def __init__(self, kernel: Kernel, tiles: Mapping[str, tuple[int, ...]], knobs: dict[str, str]) -> None:
        super().__init__(kernel, tiles, knobs)
        n = kernel.num_loops
        self.rows = self.reg[:n - 1] + (0,)
        self.width = self.red[n - 1] if len(self.red) == n else 0
        gens = [its for op, its in zip(kernel.body_ops, kernel.body_iterators) if op == "linalg.generic"]
        self.reduces = ["reduction" in its for its in gens]
        self.fills = kernel.body_ops.count("linalg.fill")
        self.ops = [f"%g{i}" for i in range(len(gens))]

    def _split(self, what: str, names: list[str], comment: str) -> None:
        op = what.rsplit(".", 1)[-1]
        if len(names) == 1:
            self.add("match", f"{names[0]} = transform.structured.match ops{{[\"{what}\"]}} in %func : ({_ANY}) -> {_ANY}", comment)
            return
        self.add("match", f"%{op}s = transform.structured.match ops{{[\"{what}\"]}} in %func : ({_ANY}) -> {_ANY}\n"
                 f"{', '.join(names)} = transform.split_handle %{op}s : ({_ANY}) -> ({', '.join([_ANY] * len(names))})", comment)

    def match(self) -> None:
        self.add("match", f"%func = transform.structured.match ops{{[\"func.func\"]}} in %module : ({_ANY}) -> {_ANY}", "the dispatch function")
        kinds = ", ".join("reduction" if r else "elementwise" for r in self.reduces)
        self._split("linalg.generic", self.ops, f"the dispatch's generics in order ({kinds}); the last writes the result")
        if self.fills:
            self._split("linalg.fill", [f"%f{i}" for i in range(self.fills)], "the reductions' initial values")

    def workgroups(self) -> None:
        last = len(self.ops) - 1
        if not self._tile_to_workgroups(f"%wg_g{last}", self.ops[last], self.wg, "tile the last op to workgroups of {} rows"):
            return
        forall = "%forall"
        producers = [(f"%g{i}", f"%wg_g{i}") for i in reversed(range(last))] + [(f"%f{i}", f"%wg_f{i}") for i in reversed(range(self.fills))]
        for j, (op, fused) in enumerate(producers):
            self.add("fuse", f"{fused}, %forall_{j} = transform.structured.fuse_into_containing_op {op} into {forall} : {_PAIR}\n"
                     f"transform.apply_cse to %func : {_ANY}",
                     f"fuse {self._what(op)} {op} into the workgroup's rows (CSE merges the slices its users take, so it fuses once)")
            forall = f"%forall_{j}"
        self.ops = [f"%wg_g{i}" for i in range(len(self.ops))]

    def _what(self, op: str) -> str:
        if op.startswith("%f"):
            return "the fill"
        return "the reduction" if self.reduces[int(op[2:])] else "the elementwise op"

    def registers(self) -> None:
        rows = "x".join(str(s) for s in self.rows if s)
        for i, (op, reduces) in enumerate(zip(self.ops, self.reduces)):
            if reduces:
                if any(self.rows):
                    text, _ = _tile_for(op, self.rows, f"r{i}")
                    self.add("tile", text, f"tile reduction {i} to register rows of {rows}")
                    op = f"%r{i}"
                if self.width:
                    n = self.kernel.num_loops
                    self.add("tile", f"%pf{i}, %ps{i}, %pc{i}, %pl{i} = transform.structured.tile_reduction_using_for {op} "
                             f"by tile_sizes = {_sizes((0,) * (n - 1) + (self.width,))} : ({_ANY}) -> ({_ANY}, {_ANY}, {_ANY}, {_ANY})",
                             f"split reduction {i} into {self.width} lane-wise partial accumulators per row, combined once at the row's end")
            else:
                sizes = self.rows[:-1] + (self.width,)
                if any(sizes):
                    text, _ = _tile_for(op, sizes, f"e{i}")
                    self.add("tile", text, f"tile elementwise op {i} to register tiles of {'x'.join(str(s) for s in sizes if s)}")

    def reduction(self) -> None:
        """The reductions were split in `registers`."""


class _GpuScriptBuilder(_ScriptBuilder):
    """A contraction on a GPU: the workgroup tile is a forall over blocks, each thread's tile a
    nested forall over threads, both of the op that writes the result (the fill, and the root op
    under a consumer, fuse into both), the reduction loop steps through the
    thread's tile, and after bufferization the foralls become block ids and thread ids. Each
    thread computes its tile in registers from global memory (no shared-memory staging); the
    contraction lowers to outer products of 1-D vectors (SPIR-V has no 2-D vectors).

    Checked by hand on IREE 3.13 for CUDA sm_80 and Vulkan (lavapipe, numbers verified): the
    function's translation_info must carry the workgroup size the thread mapping used."""

    family: ClassVar[str] = "gpu"

    def __init__(self, kernel: Kernel, tiles: Mapping[str, tuple[int, ...]], knobs: dict[str, str]) -> None:
        names = {"workgroup": "distribution", "thread": "vector_common_parallel", "reduction": "vector_reduction"}
        super().__init__(kernel, {names[lv]: v for lv, v in tiles.items() if lv in names}, knobs)
        self.wg = tuple(s if it == "parallel" else 0 for s, it in zip(self.wg, kernel.iterator_types))  # GPU configs put 1s on K
        self.threads = script_thread_counts(kernel, tiles)
        self.workgroup_size = script_workgroup_size(kernel, tiles)

    def registers(self) -> None:
        """Tile each workgroup's tile to threads (the innermost thread-mapped loop is x)."""
        mapped = {i for i, _ in self.threads}
        if not mapped:
            return
        sizes = tuple(s if i in mapped else 0 for i, s in enumerate(self.reg))
        root = self.root
        if self.consumer:  # the consumer's loops are the root's parallel loops
            sizes = tuple(sizes[i] for i in self.par)
        threads = ", ".join(f"#gpu.thread<{d}>" for d in ("z", "y", "x")[-len(mapped):])
        self.add("tile", f"%th_op, %th_forall = transform.structured.tile_using_forall {self.anchor} tile_sizes {_sizes(sizes)} "
                 f"(mapping = [{threads}]) : ({_ANY}) -> ({_ANY}, {_ANY})",
                 f"tile {'the consumer ' if self.consumer else ''}to threads: {'x'.join(str(c) for _, c in self.threads)} "
                 f"threads, each computes a {'x'.join(str(s) for s in self.reg if s)} tile")
        self.root = "%th_op"
        if self.consumer:
            self.add("fuse", f"%th_root, %th_forall_1 = transform.structured.fuse_into_containing_op {root} "
                     f"into %th_forall : {_PAIR}", "fuse the root op into each thread's tile of its consumer (no tile in memory)")
            self.root = "%th_root"
        if self.fill:
            fill = "%wg_fill" if self.forall else "%fill"
            self.add("fuse", f"%th_fill, %th_forall_2 = transform.structured.fuse_into_containing_op {fill} into %th_forall : {_PAIR}",
                     "fuse the fill into each thread's tile (the accumulator starts in registers)")

    def vectorize(self) -> None:
        super().vectorize()
        if self.knobs.get("hoist") == "on":  # loop-carried tensors the hoisting left unchanged would bufferize to copies
            self.add("cleanup", _patterns("%vfunc", ["canonicalization"]), "drop loop-carried values the hoisting left unchanged")

    def bufferize_and_lower(self) -> None:
        x, y, z = self.workgroup_size
        self.add("bufferize", f"transform.iree.eliminate_empty_tensors %vfunc : ({_ANY}) -> ()", "reuse the output buffer for tensor.empty")
        self.add("bufferize", f"%bmodule = transform.iree.bufferize <{{target_gpu}}> %module : ({_ANY}) -> {_ANY}",
                 "tensors to GPU buffers")
        self.add("bufferize", f"%bfunc = transform.structured.match ops{{[\"func.func\"]}} in %bmodule : ({_ANY}) -> {_ANY}",
                 "the bufferized function")
        if self.forall:
            self.add("bufferize", f"transform.iree.forall_to_workgroup %bfunc : ({_ANY}) -> ()", "the block forall becomes the workgroup ids")
        self.add("map", f"transform.iree.map_nested_forall_to_gpu_threads %bfunc workgroup_dims = [{x}, {y}, {z}] : ({_ANY}) -> ()",
                 f"the thread forall becomes the thread ids of a {x}x{y}x{z} workgroup")
        strategy = self.knobs.get("lowering", "outerproduct")
        rows = ["vector.transfer_to_scf full_unroll = true"] if self.knobs.get("hoist") == "off" else []
        self.add("lower", _patterns("%bfunc", [f'vector.lower_contraction lowering_strategy = "{strategy}"', "vector.lower_outerproduct",
                                               *rows, "vector.cast_away_vector_leading_one_dim", "canonicalization"]),
                 f"lower vector.contract to {strategy} form on 1-D vectors"
                 + (" and the accumulator's loads and stores to 1-D rows" if rows else ""))
        self.add("cleanup", f"transform.apply_cse to %bfunc : {_ANY}", "common subexpressions")
        self.add("finish", "%no_pipeline = transform.param.constant #iree_codegen.translation_info<pipeline = #iree_codegen.no_pipeline "
                 f"workgroup_size = [{x}, {y}, {z}]> -> !transform.any_param\n"
                 f"transform.annotate %bfunc \"translation_info\" = %no_pipeline : {_ANY}, !transform.any_param",
                 "mark the function lowered, with the workgroup size the threads were mapped to")


def _zero(tensor_type: str) -> str:
    """A zero of the element type of `tensor<...xT>`, as a padding value."""
    elem = tensor_type.removesuffix(">").split("x")[-1].split("<")[-1]
    return f"0 : {elem}" if elem.startswith("i") else f"0.0 : {elem}"


def _patterns(handle: str, names: list[str]) -> str:
    inner = "\n".join(f"  transform.apply_patterns.{p}" for p in names)
    return f"transform.apply_patterns to {handle} {{\n{inner}\n}} : {_ANY}"


def render_sequence(kernel: Kernel, tiles: Mapping[str, tuple[int, ...]], knobs: Mapping[str, str], *,
                    comments: bool = True) -> str:
    """The named sequence that lowers `kernel`, as transform IR (one comment per op)."""
    body: list[str] = []
    for step in render_steps(kernel, tiles, knobs):
        if comments and step.comment:
            body.append(f"// {step.comment}")
        body.extend(step.ir.splitlines())
    lines = [f"transform.named_sequence @{sequence_name(kernel)}(%module: {_ANY} {{transform.consumed}}) {{"]
    lines += ["  " + line for line in body]
    lines += ["  transform.yield", "}"]
    return "\n".join(lines)


def render_library(sequences: list[str]) -> str:
    """A transform library module holding the given named sequences."""
    indented = "\n".join("  " + line for seq in sequences for line in seq.splitlines())
    return f"module attributes {{transform.with_named_sequence}} {{\n{indented}\n}}\n"


def benchmark_library(library: str) -> str:
    """`library` with a no-op `__kernel_config` entry, for compiling a dumped dispatch benchmark.

    Checked on IREE 3.13: an executable-level module (what `--iree-hal-dump-executable-benchmarks-to`
    writes) that names a codegen spec fails with "could not find a nested named sequence with name:
    __kernel_config" unless the library has that entry; the full module compiles without it.
    """
    entry = ("  transform.named_sequence @__kernel_config(%module: !transform.any_op {transform.readonly}) -> !transform.any_op\n"
             "      attributes {iree_codegen.tuning_spec_entrypoint} {\n    transform.yield %module : !transform.any_op\n  }\n")
    if not library or "@__kernel_config(" in library:
        return library
    end = library.rstrip().rindex("}")
    return library[:end] + entry + "}\n"


def translation_info(kernel: Kernel) -> str:
    """The translation_info that routes `kernel`'s dispatch to its script."""
    return f"#iree_codegen.translation_info<pipeline = #iree_codegen.transform_dialect_codegen codegen_spec = @{sequence_name(kernel)}>"


def library_flag(path: str) -> str:
    return f"--iree-codegen-transform-dialect-library={path}"
