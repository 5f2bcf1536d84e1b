"""Workloads (an input module and its target) and kernels (the dispatches IREE forms from it)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from iree.compiler import ir
from iree.compiler.dialects import iree_codegen, linalg

from litecoop_mlir.core.errors import InputError, LitecoopError
from litecoop_mlir.iree.compiler import configure
from litecoop_mlir.iree.mlir import new_context, parse_module, shaped, str_attr, walk
from litecoop_mlir.iree.process import Limits
from litecoop_mlir.iree.targets import Target

#: Baseline flags every compile starts from (a fair baseline, see IREE_NOTES).
BASELINE_FLAGS: tuple[str, ...] = ("--iree-opt-level=O3",)


def opt_level(flags: Sequence[str]) -> str:
    """The opt level iree-compile builds at with `flags`: the last --iree-opt-level, else IREE's default O0."""
    levels = [f.partition("=")[2] for f in flags if f.startswith("--iree-opt-level=")]
    return levels[-1] if levels else "O0"
#: Keeps f64 tensors f64 (IREE demotes them to f32 by default, entry-point types included).
KEEP_F64_FLAG = "--iree-input-demote-f64-to-f32=false"

_LEVELS = re.compile(r"(\w+)\s*=\s*\[([^\]]*)\]")


@dataclass(frozen=True)
class TensorSpec:
    """Shape and element type of one function argument or result."""

    shape: tuple[int, ...]
    dtype: str

    def iree_type(self) -> str:
        """The `--input` type string, e.g. `512x512xf32`."""
        return "x".join([*map(str, self.shape), self.dtype])

    def __str__(self) -> str:
        return self.iree_type()


@dataclass(frozen=True)
class Kernel:
    """One dispatch as IREE configured it.

    Attributes:
        index: position among the module's dispatches.
        executable: `hal.executable` symbol name (used for configuration substitution).
        function: the dispatch function's symbol (used to find it after a recompile).
        root_op: the root op's name (`linalg.generic`, ...).
        kind: `contraction`, `convolution`, `reduction` or `elementwise` (or `other`).
        loop_bounds: static trip count per loop of the root op (0 where unknown).
        iterator_types: `parallel` / `reduction` per loop.
        element_type: element type of the root op's result.
        default_lowering_config: IREE's lowering_config on the root op, as text.
        default_translation_info: IREE's translation_info on the dispatch function, as text.
        default_tiles: IREE's tile sizes per tiling level, read from the lowering config.
        pipeline: the codegen pipeline IREE chose (e.g. `DoubleTilingExpert`).
        dims: named dimension groups from linalg's inference (m/n/k/batch or conv groups).
    """

    index: int
    executable: str
    function: str
    root_op: str
    kind: str
    loop_bounds: tuple[int, ...]
    iterator_types: tuple[str, ...]
    element_type: str
    default_lowering_config: str
    default_translation_info: str
    default_tiles: dict[str, tuple[int, ...]] = field(hash=False, compare=False)
    pipeline: str = ""
    dims: dict[str, tuple[int, ...]] = field(default_factory=dict, hash=False, compare=False)
    root_marker: str = "#iree_codegen.root_op<set = 0>"
    indexing_maps: tuple[str, ...] = ()
    operand_types: tuple[str, ...] = ()
    native_vector_bytes: int = 0
    cpu: str = ""
    cpu_features: str = ""
    #: the `#iree_gpu.target<...>` attribute of a GPU executable: its limits and intrinsics (litecoop_mlir.targets.gpu)
    gpu_target: str = field(default="", hash=False, compare=False, repr=False)
    #: the executable without its configuration, names or buffer offsets, hashed: the same dispatch in any module
    fingerprint: str = ""
    #: the root op's structure without its shapes (op, maps, types): dispatches whose configurations may carry over
    family: str = ""
    #: the root op as IR, without its configuration and shortened (for prompts)
    root_ir: str = field(default="", hash=False, compare=False, repr=False)
    #: the linalg ops of the dispatch function, in order (what a codegen script must tile and fuse)
    body_ops: tuple[str, ...] = field(default=(), hash=False, compare=False)
    #: the iterator types of each op of `body_ops` (empty for a named op without them, e.g. linalg.fill)
    body_iterators: tuple[tuple[str, ...], ...] = field(default=(), hash=False, compare=False)
    #: flags -> the dispatch reshaping flags (im2col, data tiling) make of this one (set by Workload.kernels)
    reshape: Callable[[tuple[str, ...]], "Kernel | None"] | None = field(default=None, hash=False, compare=False, repr=False)

    @property
    def num_loops(self) -> int:
        return len(self.iterator_types)

    @property
    def packed_inner_loops(self) -> tuple[int, ...]:
        """Loops whose extent a data layout fixed (an mmt4d's M0, N0, K0 inner tiles): their tile
        sizes are IREE's, since the encoding chose them for the register tile."""
        if self.root_op in ("linalg.mmt4d", "linalg.batch_mmt4d") and self.num_loops >= 3:
            return tuple(range(self.num_loops - 3, self.num_loops))
        return ()

    @property
    def has_consumer(self) -> bool:
        """Whether the dispatch holds ops besides its root and fills (the root's fused consumers)."""
        return len([op for op in self.body_ops if op != "linalg.fill"]) > 1

    @property
    def flops(self) -> int:
        """2 x product of loop bounds for contractions/convolutions, else the iteration count."""
        n = 1
        for b in self.loop_bounds:
            n *= max(b, 1)
        return 2 * n if self.kind in ("contraction", "convolution") else n

    def summary(self) -> str:
        """One line describing the kernel, e.g. `contraction 512x512x512 f32 (parallel,parallel,reduction)`."""
        bounds = "x".join(map(str, self.loop_bounds))
        iters = ",".join(t[0] for t in self.iterator_types)
        return f"{self.kind} {bounds} {self.element_type} [{iters}]"


#: SPIR-V's `tile_sizes = [[...], [...], [...]]` list positions, by level name.
SPIRV_LEVELS = ("workgroup", "thread", "reduction")


def parse_tile_levels(lowering_config: str) -> dict[str, tuple[int, ...]]:
    """Tile sizes per level from a printed lowering_config (llvm-cpu, iree_gpu or SPIR-V form)."""
    levels: dict[str, tuple[int, ...]] = {}
    nested = re.search(r"tile_sizes = \[(\[.*\])\]", lowering_config)
    if nested:
        lists = re.findall(r"\[([^\[\]]*)\]", nested.group(1))
        for name, values in zip(SPIRV_LEVELS, lists):
            levels[name] = tuple(int(v) for v in values.split(",") if v.strip())
        return levels
    for name, values in _LEVELS.findall(lowering_config):
        items = [v.strip() for v in values.split(",") if v.strip()]
        if all(re.fullmatch(r"-?\d+", v) for v in items):
            levels[name] = tuple(int(v) for v in items)
    return levels


#: Attributes that hold a dispatch's configuration rather than its computation.
_CONFIG_ATTRS = ("lowering_config", "translation_info", "compilation_info", "root_op")
_OFFSET = re.compile(r"offset\(%c\d+\)")
_STRIDED = re.compile(r"strided<\[[^\]]*\], offset: \?>, ")
_INDEX_CONST = re.compile(r"^\s*(%c\d+) = arith\.constant \d+ : index\n", re.MULTILINE)


def canonical_executable(exe: ir.Operation) -> str:
    """A `hal.executable`'s text as the same dispatch prints in any module and under any
    configuration: configuration attributes dropped, its symbols renamed, and its buffers'
    offsets in the module's allocations (which do not change its code) erased."""
    exe = exe.clone()  # a copy, placed after `exe`: edited, printed and erased
    names = {str_attr(exe, "sym_name")}
    for op in walk(exe):
        for a in _CONFIG_ATTRS:
            if a in op.attributes:
                del op.attributes[a]
        if op.name in ("func.func", "hal.executable.export", "iree_codegen.dispatch_config") and "sym_name" in op.attributes:
            names.add(str_attr(op, "sym_name"))
    text = str(exe)
    exe.erase()
    for i, n in enumerate(sorted(names, key=len, reverse=True)):
        text = re.sub(r"@" + re.escape(n) + r"\b", f"@dispatch{i}", text)
    text = _STRIDED.sub("", _OFFSET.sub("offset(%offset)", text))
    return _INDEX_CONST.sub(lambda m: "" if text.count(m.group(1)) == 1 else m.group(0), text)


_CONFIG_TEXT = re.compile(r",?\s*(?:lowering_config|root_op) = #[\w.]+<[^>]*>")


def root_op_ir(root: ir.Operation, limit: int = 1600) -> str:
    """The root op's text (its body too: what it computes per point) without configuration attributes."""
    text = _CONFIG_TEXT.sub("", root.get_asm(large_elements_limit=8)).replace("{}", "")
    text = re.sub(r"attrs =\s+(?=\{\n)", "", text).strip()
    return text if len(text) <= limit else text[:limit] + "\n  ... (cut)"


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _family(root: ir.Operation, kind: str, iterators: tuple[str, ...], maps: list[ir.AffineMap], target_attr: str) -> str:
    """What configurations of similar dispatches share: the root op, its kind, loops, maps and
    element types, and the target it is compiled for; not its sizes."""
    elts = []
    for o in [*root.operands, *root.results]:
        try:
            elts.append(shaped(o.type)[1])
        except (ValueError, TypeError):
            elts.append(str(o.type))
    parts = [root.name, kind, ",".join(iterators), ";".join(str(m) for m in maps), ",".join(elts), target_attr]
    return _fingerprint("|".join(parts))


def _indexing_maps(op: ir.Operation) -> list[ir.AffineMap]:
    try:
        return [ir.AffineMapAttr(a).value for a in linalg.get_indexing_maps(op)]
    except Exception:  # noqa: BLE001 - not a linalg op: no maps
        return []


def _loop_bounds(op: ir.Operation, maps: list[ir.AffineMap], num_loops: int) -> tuple[int, ...]:
    """Static trip count per loop, read off the operand shapes through the indexing maps."""
    bounds = [0] * num_loops
    for operand, amap in zip(op.operands, maps):
        try:
            shape, _ = shaped(operand.type)
        except (ValueError, TypeError):
            continue
        for pos, expr in enumerate(amap.results):
            dim = expr.maybe_downcast()
            if isinstance(dim, ir.AffineDimExpr):
                d = dim.position
                if d < num_loops and bounds[d] == 0:
                    bounds[d] = shape[pos]
    return tuple(bounds)


def _classify(op: ir.Operation, iterators: tuple[str, ...]) -> tuple[str, dict[str, tuple[int, ...]]]:
    try:
        if linalg.isa_contraction_op(op):
            c = linalg.infer_contraction_dimensions(op)
            return "contraction", {"batch": tuple(c.batch), "m": tuple(c.m), "n": tuple(c.n), "k": tuple(c.k)}
        if linalg.isa_convolution_op(op):
            c = linalg.infer_convolution_dimensions(op)
            return "convolution", {
                "batch": tuple(c.batch),
                "output_image": tuple(c.output_image),
                "output_channel": tuple(c.output_channel),
                "filter_loop": tuple(c.filter_loop),
                "input_channel": tuple(c.input_channel),
                "depth": tuple(c.depth),
            }
    except Exception:  # noqa: BLE001 - non-linalg root ops
        pass
    if "reduction" in iterators:
        return "reduction", {}
    if iterators:
        return "elementwise", {}
    return "other", {}


#: The dims of each kind whose loops reduce (the rest are parallel).
_REDUCTION_DIMS = {"contraction": ("k",), "convolution": ("filter_loop", "input_channel")}


def _named_op_iterators(iterators: tuple[str, ...], kind: str, dims: dict[str, tuple[int, ...]]) -> tuple[str, ...]:
    """Iterator types of a named op, which carries no `iterator_types` attribute: without this an
    mmt4d's K loops would read as parallel and be offered parallel tile sizes."""
    reduced = {d for name in _REDUCTION_DIMS.get(kind, ()) for d in dims.get(name, ())}
    return tuple("reduction" if i in reduced else it for i, it in enumerate(iterators))


def _parent_func(op: ir.Operation) -> ir.Operation:
    parent = op.parent
    while parent is not None and parent.name != "func.func":
        parent = parent.parent
    if parent is None:
        raise LitecoopError(f"error: root op {op.name} is not inside a function")
    return parent


def _iterator_types(op: ir.Operation) -> tuple[str, ...]:
    """`parallel` / `reduction` per loop of a linalg op with an `iterator_types` attribute (else empty)."""
    if "iterator_types" not in op.attributes:
        return ()
    return tuple("reduction" if "reduction" in str(a) else "parallel" for a in ir.ArrayAttr(op.attributes["iterator_types"]))


def kernels_from_configured(module: ir.Module) -> list[Kernel]:
    """Read every dispatch's root op, loops and default configuration from configured IR."""
    kernels: list[Kernel] = []
    for exe in walk(module.operation):
        if exe.name != "hal.executable":
            continue
        exe_name = str_attr(exe, "sym_name")
        configured = [op for op in walk(exe) if "lowering_config" in op.attributes]
        roots = [op for op in configured if "root_op" in op.attributes]
        if not roots:  # a user-supplied config (tuning spec) leaves no root_op marker
            roots = sorted(
                (op for op in configured if op.name != "linalg.fill"),
                key=lambda op: len(ir.ArrayAttr(op.attributes["iterator_types"])) if "iterator_types" in op.attributes else 0,
            )[-1:]
        if not roots:
            continue
        root = roots[0]
        func = _parent_func(root)
        lc = str(root.attributes["lowering_config"])
        ti_attr = func.attributes["translation_info"] if "translation_info" in func.attributes else None
        pipeline = ""
        if ti_attr is not None and iree_codegen.TranslationInfoAttr.isinstance(ti_attr):
            pipeline = re.sub(r"^#\w+\.(?:spirv_)?pipeline<(.*)>$", r"\1", str(iree_codegen.TranslationInfoAttr(ti_attr).pass_pipeline))
        iterators = _iterator_types(root)
        body = [op for op in walk(func) if op.name.startswith("linalg.") and op.name not in ("linalg.yield", "linalg.index")]
        tiles = parse_tile_levels(lc)
        if not iterators and tiles:
            iterators = ("parallel",) * max(len(t) for t in tiles.values())
        # SPIR-V lists may be shorter than the loop nest: pad with zeros.
        tiles = {k: v + (0,) * (len(iterators) - len(v)) for k, v in tiles.items()}
        kind, dims = _classify(root, iterators)
        if "iterator_types" not in root.attributes:  # a named op (mmt4d, conv): its reduction loops come from its dims
            iterators = _named_op_iterators(iterators, kind, dims)
        try:
            _, elt = shaped(root.results[0].type)
        except (ValueError, TypeError, IndexError):
            elt = "?"
        maps = _indexing_maps(root)
        variants = [v for v in walk(exe) if v.name == "hal.executable.variant" and "target" in v.attributes]
        target_attr = str(variants[0].attributes["target"]) if variants else ""
        nvs = re.search(r"native_vector_size = (\d+)", target_attr)
        cpu = re.search(r'\bcpu = "([^"]*)"', target_attr)
        features = re.search(r'cpu_features = "([^"]*)"', target_attr)
        gpu = re.search(r"#iree_gpu\.target<.*?>>", target_attr)
        kernels.append(
            Kernel(
                fingerprint=_fingerprint(canonical_executable(exe)),
                family=_family(root, kind, iterators, maps, target_attr),
                root_ir=root_op_ir(root),
                index=len(kernels),
                executable=exe_name,
                function=str_attr(func, "sym_name"),
                root_op=root.name,
                kind=kind,
                loop_bounds=_loop_bounds(root, maps, len(iterators)),
                iterator_types=iterators,
                element_type=elt,
                default_lowering_config=lc,
                default_translation_info=str(ti_attr) if ti_attr is not None else "",
                default_tiles=tiles,
                pipeline=pipeline,
                dims=dims,
                **({"root_marker": str(root.attributes["root_op"])} if "root_op" in root.attributes else {}),
                indexing_maps=tuple(str(ir.AffineMapAttr.get(m)) for m in maps),
                operand_types=tuple(str(o.type) for o in root.operands),
                native_vector_bytes=int(nvs.group(1)) if nvs else 0,
                cpu=cpu.group(1) if cpu else "",
                cpu_features=features.group(1) if features else "",
                gpu_target=gpu.group(0) if gpu else "",
                body_ops=tuple(op.name for op in body),
                body_iterators=tuple(_iterator_types(op) for op in body),
            )
        )
    return kernels


@dataclass
class Workload:
    """An input module, its entry function and target, and the dispatches IREE forms from it.

    Attributes:
        name: a short name (the file stem, or `stdin`).
        source: the module text as given.
        filename: where it came from, for diagnostics.
        function: the entry function's name (without `@`).
        inputs / outputs: the entry function's argument and result specs.
        target: the backend it is compiled for.
        base_flags: flags every compile of this workload uses (target flags + baseline + pipeline).
        pipeline_flags: the part of `base_flags` a pass pipeline adds (`--pipeline`): what
            exported artifacts must carry beyond the baseline.
    """

    name: str
    source: str
    filename: str
    function: str
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    target: Target
    base_flags: tuple[str, ...]
    limits: Limits = field(default_factory=Limits)
    pipeline_flags: tuple[str, ...] = ()
    _configured: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)
    _kernels: dict[tuple[str, ...], tuple[Kernel, ...]] = field(default_factory=dict, repr=False)
    _reshaped: dict[tuple[str, tuple[str, ...]], Kernel | None] = field(default_factory=dict, repr=False)

    @property
    def baseline_flags(self) -> tuple[str, ...]:
        """`base_flags` without the pipeline's: how IREE's default builds this module."""
        n = len(self.pipeline_flags)
        return self.base_flags[: len(self.base_flags) - n] if n else self.base_flags

    def configured_ir(self, extra_flags: tuple[str, ...] = ()) -> str:
        """The module compiled to executable-configurations under the base flags plus `extra_flags` (cached)."""
        key = tuple(extra_flags)
        if key not in self._configured:
            self._configured[key] = configure(
                self.source, self.filename, self.target, (*self.base_flags, *extra_flags), self.limits
            )
        return self._configured[key]

    def kernels(self, extra_flags: tuple[str, ...] = ()) -> list[Kernel]:
        """The dispatches (kernels) IREE forms under the given extra flags (cached). Those of the
        base flags know what reshaping flags make of them (`Kernel.reshape`)."""
        key = tuple(extra_flags)
        if key not in self._kernels:
            ctx = new_context()
            found = kernels_from_configured(parse_module(self.configured_ir(key), "<configured>", ctx))
            if not key:
                found = [dataclasses.replace(k, reshape=functools.partial(self.reshaped, k)) for k in found]
            self._kernels[key] = tuple(found)
        return list(self._kernels[key])

    def dispatch_under(self, kernel: Kernel, flags: tuple[str, ...]) -> Kernel | None:
        """`kernel` as configured under extra global flags, or None if the dispatch changed shape."""
        if not flags:
            return kernel
        for k in self.kernels(flags):
            if k.executable == kernel.executable and k.loop_bounds == kernel.loop_bounds and k.kind == kernel.kind:
                return k
        return None

    def reshaped(self, kernel: Kernel, flags: tuple[str, ...]) -> Kernel | None:
        """The dispatch `flags` make of `kernel`: itself where its shape is unchanged; where a flag
        reshapes it (im2col makes a matmul of a convolution, data tiling an mmt4d of a matmul),
        the heaviest new contraction or convolution with known loops, if `kernel` is the only
        dispatch that changed (else None: which one to configure cannot be told)."""
        key = (kernel.executable, tuple(flags))
        if key not in self._reshaped:  # asked for every move validated after a reshaping flag
            try:
                self._reshaped[key] = self._find_reshaped(kernel, tuple(flags))
            except InputError:  # IREE rejects these flags for this module: nothing to configure
                self._reshaped[key] = None
        return self._reshaped[key]

    def _find_reshaped(self, kernel: Kernel, flags: tuple[str, ...]) -> Kernel | None:
        same = self.dispatch_under(kernel, flags)
        if same is not None:
            return same
        originals = self.kernels()
        changed = [k for k in originals if self.dispatch_under(k, flags) is None]
        kept = {(k.executable, k.loop_bounds) for k in originals if k not in changed}
        new = [k for k in self.kernels(flags) if (k.executable, k.loop_bounds) not in kept]
        # a dispatch whose loops were not all read as parallel/reduction (mmt4d after data tiling) is not offered
        new = [k for k in new if k.kind in ("contraction", "convolution") and "reduction" in k.iterator_types]
        if changed != [kernel] or not new:
            return None
        return max(new, key=lambda k: k.flops)


_NAMED_OP = re.compile(r"(?<![#!\w.])linalg\.([a-z][a-z0-9_]*)\b")  # ops, not #linalg attributes
_NOT_STRUCTURE = frozenset({"generic", "yield", "index", "fill"})


def named_ops(text: str) -> dict[str, int]:
    """How often each named linalg op occurs in a module's text, bookkeeping ops left out: the
    structure the author wrote (NCHW convolutions, 1x1 ones included, and matmuls) before IREE
    generalizes, converts and fuses it into dispatches."""
    counts: dict[str, int] = {}
    for name in _NAMED_OP.findall(text):
        if name not in _NOT_STRUCTURE:
            counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


#: How MLIR text given in place of a path starts (a path never does).
_MLIR_STARTS = ("module", "func.func", "util.func", "builtin.module", "#map", "//")


def read_source(path: str) -> tuple[str, str]:
    """Read a module from a file, `-` (stdin), or MLIR text itself (several lines, or a line that
    starts as MLIR does); returns (text, display name)."""
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    if "\n" in path or path.lstrip().startswith(_MLIR_STARTS):
        return path, "<string>"
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: error: no such file")
    try:
        return p.read_text(), path
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: error: cannot read: {exc}") from None


def load_module(path: str, target: Target, base_flags: tuple[str, ...], limits: Limits = Limits()) -> Workload:
    """A module to build as it is (the drop-in compile): any entry points, its dispatches as
    `base_flags` (the target's and the user's flags) form them; parsed and verified here."""
    text, filename = read_source(path)
    if not text.strip():
        raise InputError(f"{filename}: error: empty input")
    parse_module(text, filename, new_context())
    stem = Path(filename).stem if filename != "<stdin>" else "stdin"
    return Workload(stem, text, filename, "", (), (), target, base_flags, limits)


def load_workload(
    path: str,
    target: Target,
    *,
    function: str | None = None,
    extra_base_flags: tuple[str, ...] = (),
    limits: Limits = Limits(),
    pipeline_flags: tuple[str, ...] = (),
) -> Workload:
    """Parse and verify an input module and find its entry function's static signature."""
    text, filename = read_source(path)
    if not text.strip():
        raise InputError(f"{filename}: error: empty input")
    ctx = new_context()
    module = parse_module(text, filename, ctx)
    funcs = [
        op
        for op in module.body.operations
        if op.operation.name in ("func.func", "util.func") and "sym_visibility" not in op.operation.attributes
    ]
    if function is not None:
        others = [f for f in funcs if str_attr(f.operation, "sym_name") != function.lstrip("@")]
        funcs = [f for f in funcs if f not in others]
        if funcs and others:  # private and unused, IREE drops them with their dispatches: only the entry is compiled
            with ctx:
                for f in others:
                    f.operation.attributes["sym_visibility"] = ir.StringAttr.get("private")
            text = str(module)
    if not funcs:
        what = f"public function @{function.lstrip('@')}" if function else "public function"
        raise InputError(f"{filename}: error: no {what} to use as the entry point")
    if len(funcs) > 1:
        names = ", ".join("@" + str_attr(f.operation, "sym_name") for f in funcs)
        raise InputError(f"{filename}: error: several public functions ({names}); choose one with --function")
    entry = funcs[0].operation
    ftype = ir.FunctionType(ir.TypeAttr(entry.attributes["function_type"]).value)
    try:
        inputs = tuple(TensorSpec(*shaped(t)) for t in ftype.inputs)
        outputs = tuple(TensorSpec(*shaped(t)) for t in ftype.results)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{filename}: error: entry function needs statically shaped tensors: {exc}") from None
    stem = Path(filename).stem if filename != "<stdin>" else "stdin"
    if any(s.dtype == "f64" for s in (*inputs, *outputs)):
        # IREE demotes f64 to f32 by default, the entry function's types included: the module would then refuse
        # the f64 tensors its signature names. Keep f64 (compile.sh and compile_flags.txt carry the flag too).
        extra_base_flags = (*extra_base_flags, KEEP_F64_FLAG)
    return Workload(
        name=stem,
        source=text,
        filename=filename,
        function=str_attr(entry, "sym_name"),
        inputs=inputs,
        outputs=outputs,
        target=target,
        base_flags=(*target.compile_flags, *BASELINE_FLAGS, *extra_base_flags, *pipeline_flags),
        limits=limits,
        pipeline_flags=pipeline_flags,
    )
