"""What random legal edits give when built: shared by the legality measurements (gpu_legality.py,
script_bench.py --legality)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from litecoop_mlir.ir.workload import Kernel, Workload
from litecoop_mlir.measure.backend import Evaluator
from litecoop_mlir.space.apply import build_candidate
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import IllegalTransform


@dataclass
class EditOutcomes:
    """Outcomes of built edits by status, the leading failure reasons, and compile times."""

    good: tuple[str, ...] = ("ok",)
    outcomes: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    compile_s: list[float] = field(default_factory=list)

    def add(self, workload: Workload, evaluator: Evaluator, kernel: Kernel, script: Script) -> None:
        """Build `script` on `kernel`, measure it, and count what happened."""
        try:
            cand = build_candidate(workload, {kernel: script})
        except IllegalTransform as exc:
            self.outcomes["illegal after all"] += 1
            self.reasons[str(exc)[:140]] += 1
            return
        m = evaluator.evaluate(cand)
        self.outcomes[m.status.value] += 1
        self.compile_s.append(m.compile_s)
        if m.status.value not in self.good:
            last = m.error.strip().splitlines()[-1][:160] if m.error.strip() else ""
            self.reasons[f"{m.status.value}: {script.describe()}: {last}"] += 1

    @property
    def tried(self) -> int:
        return sum(self.outcomes.values())

    @property
    def good_count(self) -> int:
        return sum(self.outcomes.get(s, 0) for s in self.good)
