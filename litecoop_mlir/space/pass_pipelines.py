"""Pass pipelines: what IREE runs before codegen, as a value the search edits.

A `Pipeline` is an ordered list of passes with options (given to iree-compile as
`--iree-preprocessing-pass-pipeline=builtin.module(...)`) plus a set of pipeline options
(dispatch-creation, global-opt and other iree-compile flags). It decides what the
dispatches are (fusion, im2col, data tiling, transposed operands), which no per-dispatch
configuration can undo. Its canonical text is the file form in `pipelines/`: one flag a
line, with `#` comments, so plain `iree-compile $(grep -v '^#' FILE)` takes it.

The registry of passes and flags is read from the installed IREE (`iree-opt --help`,
`iree-compile --help`), so legality follows the compiler version; `SEARCHED_PASSES` and
`SEARCHED_OPTIONS` are the subset the search moves through, each with one line of meaning.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator

from litecoop_mlir.iree.tools import opt_diagnostics, tool_help
from litecoop_mlir.targets.strategy import CPU_TARGETS

PREPROCESSING_FLAG = "--iree-preprocessing-pass-pipeline"
#: IREE's functions at preprocessing time are util.func: a func.func(...) nest would silently run nothing.
FUNCTION_NEST = "util.func"


class IllegalPipeline(ValueError):
    """A pipeline that cannot be given to this IREE (unknown pass, option or value); the message says why."""


@dataclass(frozen=True)
class PassSpec:
    """One pass of the preprocessing pipeline; `anchor` is `module` or `function` (nested in util.func)."""

    name: str
    options: tuple[tuple[str, str], ...] = ()
    anchor: str = "module"

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(sorted(self.options)))

    def text(self) -> str:
        opts = " ".join(f"{k}={v}" for k, v in self.options)
        return f"{self.name}{{{opts}}}" if opts else self.name


@dataclass(frozen=True)
class Pipeline:
    """Passes (in order) and pipeline options (iree-compile flags, sorted); `name`, `doc`,
    `applies_to` and `targets` describe a file and are not part of the identity."""

    passes: tuple[PassSpec, ...] = ()
    options: tuple[tuple[str, str], ...] = ()
    name: str = field(default="", compare=False)
    doc: str = field(default="", compare=False)
    applies_to: tuple[str, ...] = field(default=(), compare=False)
    targets: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(sorted(dict(self.options).items())))

    @property
    def is_default(self) -> bool:
        return not self.passes and not self.options

    def preprocessing(self) -> str:
        """The `builtin.module(...)` text; consecutive function passes share one util.func nest.
    No spaces between passes: the flag reads the same on a command line and in compile_flags.txt."""
        items: list[str] = []
        nest: list[str] = []
        for p in self.passes:
            if p.anchor == "function":
                nest.append(p.text())
                continue
            if nest:
                items.append(f"{FUNCTION_NEST}({','.join(nest)})")
                nest = []
            items.append(p.text())
        if nest:
            items.append(f"{FUNCTION_NEST}({','.join(nest)})")
        return f"builtin.module({','.join(items)})"

    def flags(self) -> tuple[str, ...]:
        """The iree-compile flags that apply this pipeline."""
        pre = (f"{PREPROCESSING_FLAG}={self.preprocessing()}",) if self.passes else ()
        return (*pre, *(f"--{k}={v}" for k, v in self.options))

    def text(self) -> str:
        """The canonical file form."""
        head = [f"# {self.name}: {self.doc}" if self.name else "# pipeline"]
        if self.applies_to:
            head.append("# applies-to: " + " ".join(self.applies_to))
        if self.targets:
            head.append("# targets: " + " ".join(self.targets))
        return "\n".join([*head, *self.flags()]) + "\n"

    def key(self) -> str:
        return hashlib.sha256("\n".join(self.flags()).encode()).hexdigest()[:16]

    def describe(self) -> str:
        """One line: the passes then the options, or `IREE default`."""
        parts = [p.text() for p in self.passes] + [f"{k}={v}" for k, v in self.options]
        return ", ".join(parts) if parts else "IREE default"

    def with_pass(self, spec: PassSpec, at: int | None = None) -> Pipeline:
        ps = list(self.passes)
        ps.insert(len(ps) if at is None else at, spec)
        return replace(self, passes=tuple(ps), name="", doc="", applies_to=())

    def without_pass(self, index: int) -> Pipeline:
        return replace(self, passes=self.passes[:index] + self.passes[index + 1:], name="", doc="", applies_to=())

    def with_option(self, flag: str, value: str | None) -> Pipeline:
        opts = dict(self.options)
        if value is None:
            opts.pop(flag, None)
        else:
            opts[flag] = value
        return replace(self, options=tuple(opts.items()), name="", doc="", applies_to=())


# ---------------------------------------------------------------------------------------
# Text form
# ---------------------------------------------------------------------------------------

def _split_top(text: str) -> list[str]:
    """Split at commas outside (), {} and []."""
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
            if depth < 0:
                raise IllegalPipeline(f"unbalanced brackets in pass pipeline: {text}")
        if ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    if depth != 0:
        raise IllegalPipeline(f"unbalanced brackets in pass pipeline: {text}")
    last = "".join(cur).strip()
    return [*out, last] if last or out else []


def _parse_pass(item: str, anchor: str) -> PassSpec:
    m = re.fullmatch(r"([\w.-]+)\s*(?:\{(.*)\})?", item.strip(), re.S)
    if not m:
        raise IllegalPipeline(f"cannot read pass '{item}'")
    opts = []
    for tok in (m.group(2) or "").split():
        if "=" not in tok:
            raise IllegalPipeline(f"pass option '{tok}' of {m.group(1)} needs a value (name=value)")
        k, v = tok.split("=", 1)
        opts.append((k, v))
    return PassSpec(m.group(1), tuple(opts), anchor)


def parse_pass_pipeline(text: str) -> tuple[PassSpec, ...]:
    """`builtin.module(a, util.func(b{x=1}), c)` -> passes with anchors."""
    m = re.fullmatch(r"\s*builtin\.module\((.*)\)\s*", text, re.S)
    if not m:
        raise IllegalPipeline(f"a preprocessing pipeline starts builtin.module(...): {text}")
    passes: list[PassSpec] = []
    for item in _split_top(m.group(1)):
        nest = re.fullmatch(r"([\w.]+)\((.*)\)", item, re.S)
        if nest and nest.group(1) in ("util.func", "func.func"):
            if nest.group(1) != FUNCTION_NEST:
                raise IllegalPipeline("nest function passes in util.func(...): IREE's functions are util.func at "
                                      "preprocessing time, so a func.func(...) nest runs nothing")
            passes.extend(_parse_pass(p, "function") for p in _split_top(nest.group(2)))
        else:
            passes.append(_parse_pass(item, "module"))
    return tuple(passes)


def parse_pipeline(text: str, name: str = "") -> Pipeline:
    """Read the file form: `#` comments (`# NAME: doc`, `# applies-to: ...`, `# targets: ...`)
    and one iree-compile flag a line."""
    doc, applies, targets = "", (), ()
    passes: tuple[PassSpec, ...] = ()
    options: list[tuple[str, str]] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            body = line.lstrip("#").strip()
            if body.startswith("applies-to:"):
                applies = tuple(body.split(":", 1)[1].split())
            elif body.startswith("targets:"):
                targets = tuple(body.split(":", 1)[1].split())
            elif not doc and ":" in body:
                doc = body.split(":", 1)[1].strip()
            continue
        if not line.startswith("--") or "=" not in line:
            raise IllegalPipeline(f"line {n}: expected --flag=value, got '{line[:80]}'")
        flag, value = line[2:].split("=", 1)
        value = value.strip().strip("'\"")
        if "--" + flag == PREPROCESSING_FLAG:
            passes = passes + parse_pass_pipeline(value)
        else:
            options.append((flag, value))
    return Pipeline(passes, tuple(options), name=name, doc=doc, applies_to=applies, targets=targets)


def load_pipeline(path: str | Path) -> Pipeline:
    p = Path(path)
    if not p.is_file():
        raise IllegalPipeline(f"{path}: no such pipeline file")
    return parse_pipeline(p.read_text(), name=p.stem)


def shipped_pipelines(root: Path | None = None) -> dict[str, Path]:
    """The named pipelines in the project's `pipelines/` folder (a checkout's, else the one a
    wheel installs under `<prefix>/share/litecoop-mlir/pipelines`)."""
    folder = root or next((f for f in (Path(__file__).resolve().parent.parent / "pipelines",
                                       Path(sys.prefix) / "share" / "litecoop-mlir" / "pipelines") if f.is_dir()),
                          Path("pipelines"))
    return {p.stem: p for p in sorted(folder.glob("*.pipeline"))}


def resolve_pipeline(name_or_path: str) -> Pipeline:
    """A pipeline file path, or the name of a shipped one (`data-tiling`)."""
    shipped = shipped_pipelines()
    if name_or_path in shipped:
        return load_pipeline(shipped[name_or_path])
    if not Path(name_or_path).is_file():
        raise IllegalPipeline(f"{name_or_path}: no such pipeline file (shipped ones: {', '.join(shipped) or 'none'})")
    return load_pipeline(name_or_path)


# ---------------------------------------------------------------------------------------
# The registry read from the installed IREE
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OptionInfo:
    """A pass option or compiler flag: its value type (`bool`, `int`, `long`, `string`, `value`, ...) and enum values."""

    name: str
    kind: str = "bool"
    values: tuple[str, ...] = ()
    doc: str = ""

    def check(self, value: str, where: str) -> None:
        if self.values and value not in self.values:
            raise IllegalPipeline(f"{where}: '{value}' is not one of {', '.join(self.values)}")
        if self.kind == "bool" and value not in ("true", "false", "1", "0"):
            raise IllegalPipeline(f"{where}: '{value}' is not true or false")
        if self.kind in ("int", "long", "uint", "ulong") and not re.fullmatch(r"-?\d+", value):
            raise IllegalPipeline(f"{where}: '{value}' is not an integer")


@dataclass(frozen=True)
class PassInfo:
    name: str
    doc: str
    options: dict[str, OptionInfo]


_ENTRY = re.compile(r"^(\s*)--([\w.-]+)(?:=<([^>]*)>)?\s+-\s+(.*)$")
_ENUM = re.compile(r"^\s*=([\w.-]+)\s+-\s")


def _parsetool_help(text: str, pass_indent: int, option_indent: int) -> tuple[dict[str, PassInfo], dict[str, OptionInfo]]:
    """Passes (at `pass_indent`, with options below them) and top-level flags (2 spaces)."""
    passes: dict[str, PassInfo] = {}
    flags: dict[str, OptionInfo] = {}
    last: tuple[dict[str, OptionInfo], str] | None = None
    for line in text.splitlines():
        enum = _ENUM.match(line)
        if enum and last is not None:
            table, key = last
            table[key] = replace(table[key], kind="value", values=(*table[key].values, enum.group(1)))
            continue
        m = _ENTRY.match(line)
        if not m:
            continue
        indent, name, kind, doc = len(m.group(1)), m.group(2), m.group(3) or "bool", m.group(4).strip()
        if indent == pass_indent and pass_indent != 2:
            passes[name] = PassInfo(name, doc, {})
            last = None
        elif indent == option_indent and passes and pass_indent != 2:
            current = passes[next(reversed(passes))]
            current.options[name] = OptionInfo(name, kind, (), doc)
            last = (current.options, name)
        elif indent == 2:
            flags[name] = OptionInfo(name, kind, (), doc)
            last = (flags, name)
        else:
            last = None
    return passes, flags


@dataclass
class PassRegistry:
    """The passes `iree-opt` registers and the flags `iree-compile` takes, from this IREE."""

    passes: dict[str, PassInfo]
    flags: dict[str, OptionInfo]
    _anchors: dict[str, str] = field(default_factory=dict)

    @classmethod
    @functools.lru_cache(maxsize=1)
    def installed(cls) -> PassRegistry:
        passes, _ = _parsetool_help(tool_help("iree-opt"), 6, 8)
        _, flags = _parsetool_help(tool_help("iree-compile"), 6, 8)
        return cls(passes, flags)

    def anchor(self, name: str) -> str:
        """`module` when the pass runs on builtin.module, else `function` (asked of iree-opt once)."""
        if name not in self._anchors:
            self._anchors[name] = _probe_anchor(name)
        return self._anchors[name]

    def check(self, pipeline: Pipeline) -> None:
        """Raise IllegalPipeline unless every pass, pass option, flag and value exists here."""
        for p in pipeline.passes:
            info = self.passes.get(p.name)
            if info is None:
                raise IllegalPipeline(f"pass '{p.name}' is not registered in this IREE (iree-opt --help)")
            for k, v in p.options:
                if k not in info.options:
                    raise IllegalPipeline(f"pass {p.name} has no option '{k}' (it has: {', '.join(info.options) or 'none'})")
                info.options[k].check(v, f"{p.name}{{{k}}}")
        for flag, value in pipeline.options:
            if flag == PREPROCESSING_FLAG[2:]:
                raise IllegalPipeline("give the preprocessing pipeline once, as passes")
            info = self.flags.get(flag)
            if info is None:
                raise IllegalPipeline(f"iree-compile has no flag --{flag} (iree-compile --help)")
            info.check(value, f"--{flag}")

    def normalized(self, pipeline: Pipeline) -> Pipeline:
        """The pipeline with each pass's anchor as iree-opt reports it (checked first)."""
        self.check(pipeline)
        passes = tuple(replace(p, anchor=self.anchor(p.name)) for p in pipeline.passes)
        return replace(pipeline, passes=passes)


_PROBE_MODULE = "util.func public @f(%a: tensor<4xf32>) -> tensor<4xf32> { util.return %a : tensor<4xf32> }\n"


def _probe_anchor(name: str) -> str:
    """Run the pass on builtin.module: a function pass cannot be scheduled there ('unable to schedule',
    or 'unsupported operation' from iree-compile)."""
    err = opt_diagnostics(_PROBE_MODULE, f"builtin.module({name})")
    return "function" if "unable to schedule" in err or "unsupported operation" in err else "module"


# ---------------------------------------------------------------------------------------
# The searched subset and its moves
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchedPass:
    """A pass the search may insert, with the option values it tries and one line of meaning."""

    name: str
    doc: str
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    kinds: tuple[str, ...] = ()  # root-op kinds it can change (empty: any)

    def variants(self) -> Iterator[tuple[tuple[str, str], ...]]:
        if not self.options:
            yield ()
            return
        (k, values), *rest = self.options
        for v in values:
            yield ((k, v),)
        assert not rest, "one varied option per searched pass"


@dataclass(frozen=True)
class SearchedOption:
    flag: str
    value: str
    doc: str
    kinds: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()  # empty: every target
    numerics: bool = False


SEARCHED_PASSES: tuple[SearchedPass, ...] = (
    SearchedPass("iree-preprocessing-transpose-matmul-pass", "rewrites matmuls to transposed-operand variants "
                 "(matmul_transpose_b with input=rhs): changes which operand is read along rows", (("input", ("lhs", "rhs")),),
                 ("contraction",)),
    SearchedPass("iree-preprocessing-pad-linalg-ops", "pads linalg ops up to a multiple of pad-size (aligned tiles, "
                 "no remainder loops)", (("pad-size", ("8", "16", "32")),), ("contraction",)),
    SearchedPass("iree-preprocessing-generalize-linalg-matmul-experimental", "turns named matmuls into linalg.generic "
                 "(more fusion with neighbours, other default configurations)", (), ("contraction",)),
    SearchedPass("iree-preprocessing-convert-conv-to-channels-last", "puts convolutions in channels-last layout",
                 (), ("convolution",)),
    SearchedPass("iree-preprocessing-convert-1x1-filter-conv2d-to-matmul", "1x1 convolutions become matmuls",
                 (), ("convolution",)),
    SearchedPass("iree-global-opt-raise-special-ops", "raises patterns such as softmax to IREE's fused named ops", (),
                 ("reduction", "elementwise", "contraction")),
)

SEARCHED_OPTIONS: tuple[SearchedOption, ...] = (
    SearchedOption("iree-opt-data-tiling", "true", "packs matmul operands into cache/register tiles (set_encoding "
                   "dispatches + mmt4d); often a big win on f32 matmuls, the dispatch set changes", ("contraction",)),
    SearchedOption("iree-llvmcpu-enable-ukernels", "mmt4d", "IREE's mmt4d microkernels (only with data tiling)",
                   ("contraction",), CPU_TARGETS),
    SearchedOption("iree-global-opt-use-im2col-for-convs", "true", "convolutions as im2col + matmul", ("convolution",)),
    SearchedOption("iree-dispatch-creation-enable-aggressive-fusion", "true",
                   "fuses more producers/consumers into one dispatch (fewer dispatches, less memory traffic)"),
    SearchedOption("iree-dispatch-creation-fuse-multi-use", "true", "fuses ops whose results have several users"),
    SearchedOption("iree-dispatch-creation-enable-fuse-horizontal-contractions", "true",
                   "fuses independent contractions sharing an operand (Q/K/V projections) into one dispatch", ("contraction",)),
    SearchedOption("iree-dispatch-creation-enable-split-reduction", "true",
                   "splits large reductions into a parallel partial step and a small final one", ("reduction",)),
    SearchedOption("iree-dispatch-creation-enable-aggressive-reshape-movement", "true",
                   "moves expand/collapse shapes across reductions so more ops fuse"),
    SearchedOption("iree-opt-aggressively-propagate-transposes", "true",
                   "moves transposes into neighbouring contractions (fewer transpose dispatches)"),
    SearchedOption("iree-global-opt-propagate-transposes-through-conv", "true",
                   "moves transposes through convolutions, so the layout changes between channels-last layers cancel "
                   "instead of running as transpose dispatches", ("convolution",)),
    SearchedOption("iree-global-opt-enable-sink-transpose-through-pad", "true",
                   "sinks transposes through the pads of padded convolutions (they can then fold into the conv's input)",
                   ("convolution",)),
    SearchedOption("iree-opt-generalize-matmul", "true", "named matmuls become generics during global optimization "
                   "(better fusion with elementwise neighbours)", ("contraction",)),
)


@dataclass(frozen=True)
class PipelineMove:
    """One edit of a pipeline: `add` a pass (at the end), `drop` pass #index, `set` or `unset` an option."""

    op: str
    name: str
    options: tuple[tuple[str, str], ...] = ()
    value: str = ""
    index: int = -1

    def apply(self, pipeline: Pipeline, registry: PassRegistry | None = None) -> Pipeline:
        if self.op == "add":
            anchor = registry.anchor(self.name) if registry is not None else "module"
            return pipeline.with_pass(PassSpec(self.name, self.options, anchor))
        if self.op == "drop":
            if not 0 <= self.index < len(pipeline.passes):
                raise IllegalPipeline(f"no pass #{self.index} to drop (the pipeline has {len(pipeline.passes)})")
            return pipeline.without_pass(self.index)
        if self.op == "set":
            return pipeline.with_option(self.name, self.value)
        if self.op == "unset":
            if self.name not in dict(pipeline.options):
                raise IllegalPipeline(f"option {self.name} is not set")
            return pipeline.with_option(self.name, None)
        raise IllegalPipeline(f"unknown pipeline move '{self.op}' (add, drop, set, unset)")

    def text(self) -> str:
        if self.op == "add":
            return "add " + PassSpec(self.name, self.options).text()
        if self.op == "drop":
            return f"drop #{self.index} {self.name}"
        return f"{self.op} {self.name}" + (f"={self.value}" if self.op == "set" else "")

    def to_json(self) -> dict[str, object]:
        d: dict[str, object] = {"op": self.op, "name": self.name}
        if self.options:
            d["options"] = dict(self.options)
        if self.op == "set":
            d["value"] = self.value
        if self.op == "drop":
            d["index"] = self.index
        return d


def move_from_json(d: object) -> PipelineMove:
    """A model's move, read into the closed set (never executed)."""
    if not isinstance(d, dict) or not isinstance(d.get("op"), str) or not isinstance(d.get("name"), str):
        raise IllegalPipeline(f"a pipeline move is an object with 'op' and 'name': {str(d)[:120]}")
    opts = d.get("options") or {}
    if not isinstance(opts, dict):
        raise IllegalPipeline("pipeline move 'options' must be an object")
    index = d.get("index", -1)
    return PipelineMove(d["op"], d["name"], tuple((str(k), str(v)) for k, v in opts.items()), str(d.get("value", "")),
                        int(index) if isinstance(index, (int, str)) and str(index).lstrip("-").isdigit() else -1)


def legal_pipeline_moves(pipeline: Pipeline, registry: PassRegistry, kinds: Iterable[str], target: str) -> list[PipelineMove]:
    """Moves from `pipeline` within the searched subset that this IREE has, for a module with
    root ops of `kinds` on `target`: add an absent pass variant, drop a pass, set or unset an option."""
    kinds = set(kinds)
    moves: list[PipelineMove] = []
    present = {p.name for p in pipeline.passes}
    for sp in SEARCHED_PASSES:
        if sp.name in registry.passes and sp.name not in present and (not sp.kinds or kinds & set(sp.kinds)):
            moves.extend(PipelineMove("add", sp.name, opts) for opts in sp.variants())
    moves.extend(PipelineMove("drop", p.name, index=i) for i, p in enumerate(pipeline.passes))
    opts = dict(pipeline.options)
    for so in SEARCHED_OPTIONS:
        if so.flag not in registry.flags or (so.kinds and not kinds & set(so.kinds)) or (so.targets and target not in so.targets):
            continue
        if opts.get(so.flag) != so.value:
            moves.append(PipelineMove("set", so.flag, value=so.value))
    moves.extend(PipelineMove("unset", f) for f in opts)
    return moves


def move_doc(move: PipelineMove) -> str:
    """One line of meaning for a move's pass or option."""
    for sp in SEARCHED_PASSES:
        if sp.name == move.name:
            return sp.doc
    for so in SEARCHED_OPTIONS:
        if so.flag == move.name:
            return so.doc
    return ""
