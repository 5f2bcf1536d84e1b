"""What the tuning database gives builds that do not search.

- `compile_tuned`: a drop-in for `iree-compile`. The module's dispatches are formed under the
  user's own flags, each is looked up in the database by fingerprint, and the best known
  configurations are exported as one tuning spec (linked with a spec the user passes, by
  IREE's own linker), checked to reach IREE (else the executable is substituted), and the
  module is compiled with the user's flags plus those. It says which dispatches were tuned.
- `export_db`: one merged spec and flags for everything the database holds for a target, for
  builds that call iree-compile themselves (CLI, `iree.compiler`, CMake `iree_bytecode_module`).
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from litecoop_mlir.core.errors import LitecoopError
from litecoop_mlir.core.records import dumps
from litecoop_mlir.db.keys import dispatch_key, module_key
from litecoop_mlir.db.tuning_db import MATCHER_PLACEHOLDER, TunedEntry, TuningDB
from litecoop_mlir.export.spec import assemble_spec, export_spec, link_specs, with_usage, write_flags_file
from litecoop_mlir.ir.workload import BASELINE_FLAGS, Kernel, Workload, load_module
from litecoop_mlir.iree.compiler import CompileResult
from litecoop_mlir.iree.process import Limits
from litecoop_mlir.iree.tools import compiler_version
from litecoop_mlir.measure.backend import Backend, compile_retrying
from litecoop_mlir.space.apply import merge_flags
from litecoop_mlir.space.legality import validate_step
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import FLAGS, IllegalTransform, SetFlag
from litecoop_mlir.targets.strategy import DEFAULT_TARGET, make_target, split_target, strategy_for

_SPEC_FLAG = "--iree-codegen-tuning-spec-path"
#: Tries of one build before fewer configurations are applied (IREE 3.13 failed 2 of 4 identical
#: builds of the tuned encoder layer with data tiling: a stack allocation 64 B over its limit).
COMPILE_TRIES = 3


@dataclass
class DispatchUse:
    """One dispatch of the compiled module and what the database gave it."""

    executable: str
    kernel: str
    status: str  # tuned | default-best | not-tuned | left-out | other-settings
    detail: str = ""
    saved_ms: float | None = None
    route: str = ""  # spec | substitution (tuned ones)

    def line(self) -> str:
        saved = f", saved {self.saved_ms:.3f} ms where tuned" if self.saved_ms else ""
        route = f" [{self.route}]" if self.route else ""
        return f"{self.executable:<20} {self.kernel:<48} {self.status}{route}{saved}{': ' + self.detail if self.detail else ''}"


@dataclass
class CompileReport:
    """What `compile_tuned` built and from what."""

    output: Path
    flags: list[str]
    dispatches: list[DispatchUse] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def tuned(self) -> int:
        return sum(1 for d in self.dispatches if d.status == "tuned")

    def to_json(self) -> dict[str, Any]:
        return {"output": str(self.output), "flags": self.flags, "tuned": self.tuned,
                "dispatches": [dataclasses.asdict(d) for d in self.dispatches], "notes": self.notes}


def _choose(db: TuningDB, workload: Workload, kernels: list[Kernel]) -> tuple[dict[Kernel, Script], dict[str, DispatchUse]]:
    """What to apply: a finished run's kept composition of this very module (input and flags)
    where there is one, as it was measured; else the best known script of every dispatch the
    database holds, where two need different values of one module-wide flag the one that saved
    more time kept."""
    uses = {k.executable: DispatchUse(k.executable, k.summary(), "not-tuned") for k in kernels}
    key = dispatch_key(workload, kernels[0]) if kernels else None
    whole = db.best_module(module_key(workload), key.target, key.device, key.compiler) if key else None
    found: list[tuple[Kernel, list[dict[str, Any]], float]] = []
    for k in kernels:
        u = uses[k.executable]
        if whole is not None:
            script = whole[0].get(k.fingerprint, [])
            u.detail = f"this module's kept result ({whole[1] / whole[2]:.2f}x as measured)"
        else:
            key = dispatch_key(workload, k)
            e = db.best(key)
            if e is None:
                elsewhere = db.tuned_elsewhere(key)
                if elsewhere:  # its records were measured under another opt level, target, CPU or compiler
                    u.status, u.detail = "other-settings", "tuned at " + ", ".join(key.differences(elsewhere[0]))
                continue
            script, u.saved_ms, u.detail = e.script, e.saved_ms, f"from {e.executable} of {e.module}"
        if script:
            found.append((k, script, u.saved_ms or 0.0))
        else:
            u.status = "default-best"
    scripts: dict[Kernel, Script] = {}
    wide: tuple[str, ...] | None = None  # the module-wide flags of the first script kept
    for k, raw, _ in sorted(found, key=lambda f: -f[2]):
        u = uses[k.executable]
        try:
            script = validate_step(k, Script(), Script.from_json(raw).transforms, workload.target)
            merge_flags({**scripts, k: script})
            if whole is None and wide is not None and script.global_flags() != wide:  # measured under other flags
                raise IllegalTransform(f"it was tuned under module-wide flags {list(script.global_flags()) or 'none'}, "
                                       f"the dispatches that saved more under {list(wide) or 'none'}")
            wide = script.global_flags() if wide is None else wide
        except IllegalTransform as exc:
            u.status, u.detail = "left-out", str(exc)
            continue
        scripts[k] = script
        u.status = "tuned"
    return scripts, uses


def compile_tuned(source: str, output: Path, iree_flags: Sequence[str], db: TuningDB, *, backend: Backend,
                  target: str = DEFAULT_TARGET, arch: str = "", limits: Limits = Limits(),
                  keep_dir: Path | None = None) -> CompileReport:
    """Compile `source` like `iree-compile SOURCE <iree_flags> -o OUTPUT`, with the best known
    configuration of every dispatch the database holds (see module doc). Where that combination
    does not compile (configurations tuned apart, in other modules), the scripts that set
    module-wide flags are dropped, then all of them, and the report says so."""
    chosen, rest = split_target(iree_flags, target, arch)
    user_set = {f.partition("=")[0] for f in iree_flags if f.startswith("-")}  # the user's flags win over tuned ones
    user_spec = [f.partition("=")[2] for f in rest if f.startswith(_SPEC_FLAG + "=")]
    rest = [f for f in rest if not f.startswith(_SPEC_FLAG + "=")]
    with tempfile.TemporaryDirectory(prefix="litecoop-compile-") as tmp:
        work = Path(keep_dir) if keep_dir else Path(tmp)
        if chosen is None:
            workload = load_module(source, make_target(target), tuple(rest), limits)
            report = CompileReport(output, [*rest, *(f"{_SPEC_FLAG}={p}" for p in user_spec)],
                                   notes=["these flags select a target litecoop-mlir does not tune: compiled as given"])
            res = backend.compile(workload.source, report.flags, work / "build", limits, name=Path(output).stem or "module")
        else:
            workload = load_module(source, chosen, (*chosen.compile_flags, *rest), limits)
            report, res = _build(db, workload, work, user_spec, output, limits, backend, user_set)
        if not res.ok:
            raise LitecoopError(f"error: iree-compile failed ({res.status.value}): {res.error}")
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(res.vmfb, output)  # type: ignore[arg-type]
    return report


def _build(db: TuningDB, workload: Workload, work: Path, user_spec: list[str], output: Path,
           limits: Limits, backend: Backend, user_set: set[str]) -> tuple[CompileReport, CompileResult]:
    """Compile with the chosen scripts; where that fails, without the scripts that set
    module-wide flags, then with none (see `compile_tuned`)."""
    scripts, uses = _choose(db, workload, workload.kernels())
    no_flags = {k: s for k, s in scripts.items() if not any(isinstance(t, SetFlag) for t in s.transforms)}
    attempts = [scripts] + ([no_flags] if no_flags != scripts else []) + ([{}] if scripts else [])
    for i, attempt in enumerate(attempts):
        report = _tuned_flags(workload, attempt, uses, work / f"attempt{i}", user_spec, output, backend, user_set)
        # iree-compile is not always deterministic (e.g. stack sizes at a limit): up to COMPILE_TRIES attempts
        res, first = compile_retrying(backend, workload.source, report.flags, work / "build", limits, tries=COMPILE_TRIES,
                                      name=Path(output).stem or "module")
        if first:
            report.notes.append(f"iree-compile failed with these flags before it succeeded: {first[:200]}")
        if res.ok or i == len(attempts) - 1:
            _note_other_settings(report)
            break
        for k in set(attempt) - set(attempts[i + 1]):
            u = uses[k.executable]
            u.status, u.route, u.detail = "left-out", "", f"with the others it did not compile ({res.error[:160]})"
    return report, res


def _note_other_settings(report: CompileReport) -> None:
    """One line for the dispatches whose records do not match this build (what differs, what was applied)."""
    other = [d for d in report.dispatches if d.status == "other-settings"]
    if other:
        what = "; ".join(sorted({d.detail for d in other}))
        report.notes.append(f"{len(other)} dispatch(es) not applied, their records do not match this build: {what}; "
                            f"applied: {report.tuned} of {len(report.dispatches)} dispatch(es)")


def _tuned_flags(workload: Workload, scripts: dict[Kernel, Script], uses: dict[str, DispatchUse], work: Path,
                 user_spec: list[str], output: Path, backend: Backend, user_set: set[str]) -> CompileReport:
    """Flags that build `workload` with `scripts` (and the user's spec)."""
    flags = list(workload.base_flags)
    report = CompileReport(output, flags, list(uses.values()))
    if not scripts:
        flags += [f"{_SPEC_FLAG}={p}" for p in user_spec]
        return report
    export = export_spec(workload, scripts, work, backend=backend)
    report.notes += export.notes
    for k, script in scripts.items():
        route = "spec" if k.executable in export.applied else "substitution" if k.executable in export.substitutions else ""
        uses[k.executable].route = "flags" if not script.changes_codegen() else route or "spec (reshaped dispatch)"
    ours = export.compile_flags(workload.target)
    strategy = strategy_for(workload.target)
    if user_spec and export.applied and strategy.tuning_spec_honoured:  # one spec flag only: link the user's first
        texts = [Path(p).read_text() for p in user_spec] + [export.spec_path.read_text()]
        linked = work / "linked_spec.mlir"
        linked.write_text(link_specs(texts))
        ours = [strategy.spec_flag(linked) if f == strategy.spec_flag(export.spec_path) else f for f in ours]
        report.notes.append(f"your tuning spec ({', '.join(user_spec)}) was linked before the database's; it wins where both match")
    elif user_spec:
        ours += [f"{_SPEC_FLAG}={p}" for p in user_spec]
    skipped = [f for f in ours if f.partition("=")[0] in user_set and f.partition("=")[0] != _SPEC_FLAG]
    if skipped:
        report.notes.append(f"tuned flags skipped because you set them: {' '.join(skipped)}")
    flags += [f for f in ours if f not in skipped]
    return report


_SCOPE = {spec.flag: spec.scope for spec in FLAGS.values()}


def _module_wide(flags: dict[str, str]) -> dict[str, str]:
    """The flags that re-form or re-configure the module (not the codegen-only ones)."""
    return {n: v for n, v in flags.items() if _SCOPE.get(n, "global") == "global"}


def _left_out_why(e: TunedEntry, mine: dict[str, str], flags: dict[str, str], wide: dict[str, str] | None,
                  matched: dict[str, str]) -> str:
    """Why the export cannot take `e` next to what it has taken ("" if it can): its configuration
    was measured under its own module-wide flags, so every entry must share them."""
    if not e.matcher and not all(t.get("op") == "flag" for t in e.script):
        return "IREE does not apply a tuning spec to it; `litecoop-mlir-opt compile` configures it by executable substitution"
    if any(t.get("op") in ("codegen", "script") for t in e.script):
        return ("a transform-dialect codegen script lowers it; `litecoop-mlir-opt compile` (or the run's own spec.mlir) "
                "renders the script for the module it compiles")
    if wide is not None and _module_wide(mine) != wide:
        return (f"it was tuned under module-wide flags {_module_wide(mine) or 'none'}, the dispatches that saved more "
                f"under {wide or 'none'}")
    clash = sorted(n for n, v in mine.items() if flags.get(n, v) != v)
    if clash:
        return f"needs {', '.join(clash)} set otherwise than dispatches that saved more"
    if e.matcher and _matcher_signature(e.matcher) in matched:
        return f"its matcher also matches {matched[_matcher_signature(e.matcher)]}, which saved more and is kept"
    return ""


def _matcher_signature(matcher: str) -> str:
    """What a matcher matches (its text without the configuration it yields)."""
    return "\n".join(line for line in matcher.splitlines() if "transform.param.constant" not in line)


def export_module(db: TuningDB, source: str, target: str, out_dir: Path, *, backend: Backend,
                  limits: Limits = Limits()) -> dict[str, Any]:
    """Write what `compile` would apply to the module at `source` (formed for `target` at O3):
    its kept composition where it was tuned as a whole, else the best known configuration of
    each of its dispatches; `spec.mlir`, `flags.txt`, `compile_flags.txt` (with executable
    substitutions where IREE drops the spec) and `manifest.json` in `out_dir`."""
    t = make_target(target)
    workload = load_module(source, t, (*t.compile_flags, *BASELINE_FLAGS), limits)
    scripts, uses = _choose(db, workload, workload.kernels())
    export = export_spec(workload, scripts, out_dir, backend=backend)
    flags = export.compile_flags(t)
    manifest = {"target": target, "module": workload.filename, "compiler": compiler_version(), "database": str(db.path),
                "dispatches": [dataclasses.asdict(u) for u in uses.values()], "notes": export.notes,
                "build_flags": list(workload.base_flags), "compile_flags": flags}
    (out_dir / "manifest.json").write_text(dumps(manifest, indent=1) + "\n")
    return manifest


def export_db(db: TuningDB, target: str, out_dir: Path, *, device: str | None = None) -> dict[str, Any]:
    """Write `spec.mlir` (every spec-routable configuration the database keeps for `target`,
    linked by IREE), `flags.txt` (the module-wide
    flags they need: a configuration made of flags alone is applied by them only),
    `compile_flags.txt` and `manifest.json` into `out_dir`. Where two dispatches' matchers
    match the same ops (same root op and sizes, other fused ops: a spec cannot tell them
    apart), the one that saved more is kept and the other is listed as left out."""
    strategy_for(target)  # an unknown target fails here
    entries = db.best_per_dispatch(target, compiler_version(), device)
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    flags: dict[str, str] = {}
    wide: dict[str, str] | None = None  # the module-wide flags of the first entry kept: all must share them
    specs, used, left = [], [], []
    matched: dict[str, str] = {}
    for e in sorted(entries, key=lambda e: -e.saved_ms):
        if not e.script:
            continue  # IREE's default was best: nothing to export
        mine = dict(f.split("=", 1) for f in e.flags if "=" in f)
        why = _left_out_why(e, mine, flags, wide, matched)
        if why:
            left.append({**e.to_json(), "why": why})
            continue
        wide = _module_wide(mine) if wide is None else wide
        flags.update(mine)
        flags_only = all(t.get("op") == "flag" for t in e.script)
        used.append({**e.to_json(), "applied_by": "flags" if flags_only else "spec"})
        if flags_only:
            continue
        matched[_matcher_signature(e.matcher)] = f"{e.executable} of {e.module}"
        name = f"match_{e.key.fingerprint}"
        specs.append(assemble_spec([(name, e.matcher.replace(MATCHER_PLACEHOLDER, "@" + name))],
                                   {name: f"{e.kernel}: {e.executable} of {e.module}, saved {e.saved_ms:.3f} ms"}))
    spec = link_specs(specs) if specs else assemble_spec([])
    flag_list = [f"{n}={v}" for n, v in flags.items()]
    spec_flag = strategy_for(target).spec_flag(out_dir / "spec.mlir")
    (out_dir / "spec.mlir").write_text(with_usage(spec, [*flag_list, spec_flag]))
    (out_dir / "flags.txt").write_text("".join(f + "\n" for f in flag_list))
    write_flags_file(out_dir / "compile_flags.txt", [*flag_list, spec_flag])
    manifest = {"target": target, "device": device, "compiler": compiler_version(), "database": str(db.path),
                "dispatches": used, "left_out": left, "compile_flags": [*flag_list, spec_flag]}
    (out_dir / "manifest.json").write_text(dumps(manifest, indent=1) + "\n")
    return manifest


__all__ = ["CompileReport", "DispatchUse", "compile_tuned", "export_db", "export_module"]
