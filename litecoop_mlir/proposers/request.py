"""What the search tells a model when it asks for a proposal (models never see files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.proposers.pass_pipeline_request import PipelineProposal
from litecoop_mlir.proposers.proposal import Proposal
from litecoop_mlir.space.script import Script
from litecoop_mlir.targets.machine import MachineModel


@dataclass(frozen=True)
class NodeView:
    """A node as a model sees it: its script and what measuring it gave."""

    script: Script
    latency_ms: float | None
    status: str = "ok"

    def to_json(self, baseline_ms: float) -> dict[str, Any]:
        d: dict[str, Any] = {"script": self.script.to_json(), "status": self.status}
        if self.latency_ms is not None and self.latency_ms == self.latency_ms:
            d["latency_ms"] = round(self.latency_ms, 4)
            d["speedup_vs_baseline"] = round(baseline_ms / self.latency_ms, 3)
        return d


@dataclass(frozen=True)
class ProposalRequest:
    """Everything a proposer may use to choose the next transforms and the next model.

    Attributes:
        kernel / target / machine: the dispatch and what the target offers.
        node, parent, grandparent: the node to expand and its ancestors, with latencies.
        children: what was already proposed from this node (so a model does not repeat it).
        best: the best node of this dispatch's tree so far.
        tried: canonical keys of every script already in the tree; tried_nodes: those nodes
            (script, latency, status) as a model sees them.
        feedback: why steps of the previous reply (at this dispatch) were rejected, or why it was invalid.
        context_tokens: the asked model's context size (0: unknown), which the prompt must fit.
        roster: the models with live statistics (ModelPool.roster_for_prompt()).
        budget_left: candidates left for this dispatch; steps_wanted: children to propose.
        model: the name of the model being asked.
        seed: per-call seed for proposers that draw at random.
    """

    kernel: Kernel
    target: str
    machine: MachineModel
    node: NodeView
    baseline_ms: float
    model: str
    roster: list[dict[str, Any]]
    budget_left: int
    steps_wanted: int = 3
    parent: NodeView | None = None
    grandparent: NodeView | None = None
    children: tuple[NodeView, ...] = ()
    best: NodeView | None = None
    tried: frozenset[str] = field(default_factory=frozenset)
    seed: int = 0
    context_tokens: int = 0
    tried_nodes: tuple[NodeView, ...] = ()
    feedback: tuple[str, ...] = ()
    codegen: str = "both"  # which node contents the search takes: attributes, script, or both

    @property
    def roster_names(self) -> list[str]:
        return [str(r["name"]) for r in self.roster]


@dataclass
class CallOutcome:
    """One model turn: the proposal (or why there is none) and what it cost."""

    proposal: Proposal | None
    status: str = "ok"  # ok | invalid | unavailable | empty
    error: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    retries: int = 0
    requests: int = 0
    reply_excerpt: str = ""
    pipeline: PipelineProposal | None = None  # a pipeline-level turn's answer
