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

from litecoop_mlir.models.proposal import Proposal, Step
from litecoop_mlir.models.request import CallOutcome, ProposalRequest
from litecoop_mlir.transforms import IllegalTransform

#: Called with (index, step) for each step that arrives complete and legal before the reply ends.
OnStep = Callable[[int, Step], None]


class Proposer(ABC):
    """Proposes the next transform steps at a node and the model to expand next."""

    @abstractmethod
    def propose(self, request: ProposalRequest, on_step: OnStep | None = None) -> CallOutcome:
        """One turn: never raises for a bad or missing answer (that is the outcome's status)."""


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


__all__ = ["OfflineProposer", "OnStep", "Proposer"]
