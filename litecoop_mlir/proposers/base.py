"""The proposer interface: anything that proposes the next transforms at a search node.

An OpenAI-compatible endpoint, the built-in heuristic and random proposers, and the test
doubles all implement `Proposer.propose`, which always answers with a `CallOutcome` (the
proposal, or why there is none, and what the turn cost). Proposers that compute their
answer here subclass `OfflineProposer` and only write `suggest`.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from typing import Callable

from litecoop_mlir.proposers.pass_pipeline_request import PipelineProposal, PipelineRequest
from litecoop_mlir.proposers.proposal import Proposal, Step
from litecoop_mlir.proposers.request import CallOutcome, ProposalRequest
from litecoop_mlir.space.vocabulary import IllegalTransform

#: Called with (index, step) for each step that arrives complete and legal before the reply ends.
OnStep = Callable[[int, Step], None]


class Proposer(ABC):
    """Proposes the next transform steps at a node and the model to expand next."""

    @abstractmethod
    def propose(self, request: ProposalRequest, on_step: OnStep | None = None) -> CallOutcome:
        """One turn: never raises for a bad or missing answer (that is the outcome's status)."""

    def propose_pipeline(self, request: PipelineRequest) -> CallOutcome:
        """One pipeline-level turn (`CallOutcome.pipeline`); proposers that cannot edit pipelines say `empty`."""
        return CallOutcome(None, "empty", "this proposer does not edit pass pipelines")


class OfflineProposer(Proposer):
    """A proposer computed on this machine: no tokens, no cost; running dry is `empty`, not invalid."""

    def propose(self, request: ProposalRequest, on_step: OnStep | None = None) -> CallOutcome:
        t0 = time.monotonic()
        try:
            proposal = self.suggest(request)
            out = CallOutcome(proposal, reply_excerpt=proposal.reasoning[:500])
        except IllegalTransform as exc:
            out = CallOutcome(None, "empty", str(exc))  # nothing left to propose: not a bad reply
        out.latency_s = time.monotonic() - t0
        return out

    @abstractmethod
    def suggest(self, request: ProposalRequest) -> Proposal:
        """The proposal; raises IllegalTransform when nothing legal and untried is left."""

    def propose_pipeline(self, request: PipelineRequest) -> CallOutcome:
        t0 = time.monotonic()
        try:
            p = self.suggest_pipeline(request)
            out = CallOutcome(None, pipeline=p, reply_excerpt=p.reasoning[:500])
        except IllegalTransform as exc:
            out = CallOutcome(None, "empty", str(exc))
        out.latency_s = time.monotonic() - t0
        return out

    def suggest_pipeline(self, request: PipelineRequest) -> PipelineProposal:
        """Pipeline moves; raises IllegalTransform when this proposer has none."""
        raise IllegalTransform("this proposer does not edit pass pipelines")


__all__ = ["OfflineProposer", "OnStep", "Proposer"]
