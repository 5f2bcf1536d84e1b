"""Take one model's turn: ask its proposer and account for the call in the pool."""

from __future__ import annotations

import dataclasses
import logging
from typing import Mapping

from litecoop_mlir.core.secrets import redact
from litecoop_mlir.proposers.base import OnStep, Proposer
from litecoop_mlir.proposers.builtin import BUILTIN_PROPOSERS
from litecoop_mlir.proposers.openai_client import OpenAIProposer
from litecoop_mlir.proposers.pass_pipeline_request import PipelineRequest
from litecoop_mlir.proposers.pool import OFFLINE_ROSTER, ModelPool, ModelSpec
from litecoop_mlir.proposers.request import CallOutcome, ProposalRequest

log = logging.getLogger(__name__)


def make_proposer(spec: ModelSpec) -> Proposer:
    """The proposer a roster entry names: an OpenAI-compatible endpoint or a built-in one."""
    return OpenAIProposer(spec) if spec.kind == "openai" else BUILTIN_PROPOSERS[spec.model]()


class ModelCaller:
    """Holds one proposer per roster entry; every call updates the pool's statistics.

    Builtin proposers report zero tokens and zero cost. An endpoint that stays
    unreachable is marked down in the pool for `pool.down_s` seconds. `proposers`
    replaces the proposer of any roster entry (tests, simulations).
    """

    def __init__(self, pool: ModelPool, proposers: Mapping[str, Proposer] | None = None) -> None:
        self.pool = pool
        given = dict(proposers or {})
        self._proposers: dict[str, Proposer] = {s.name: given.get(s.name) or make_proposer(s) for s in pool.specs}

    def fall_back(self) -> list[str]:
        """Add the built-in offline proposers to the pool (when no model of the roster can take a turn);
        returns the names added (none when they are there already)."""
        added = self.pool.add(OFFLINE_ROSTER)
        for name in added:
            self._proposers[name] = make_proposer(self.pool.by_name[name])
        return added

    def call(self, name: str, request: ProposalRequest, on_step: OnStep | None = None) -> CallOutcome:
        """One turn of model `name`; `on_step` gets steps early from streaming endpoints."""
        return self._account(name, self._proposers[name].propose(request, on_step))

    def call_pipeline(self, name: str, request: PipelineRequest) -> CallOutcome:
        """One pipeline-level turn of model `name` (`CallOutcome.pipeline`)."""
        return self._account(name, self._proposers[name].propose_pipeline(request))

    def _account(self, name: str, out: CallOutcome) -> CallOutcome:
        out.error, out.reply_excerpt = redact(out.error), redact(out.reply_excerpt)  # a server may echo the key
        if out.proposal is not None and out.proposal.reasoning:
            out.proposal = dataclasses.replace(out.proposal, reasoning=redact(out.proposal.reasoning))
        spec = self.pool.by_name[name]
        self.pool.record(
            name,
            calls=1,
            prompt_tokens=out.prompt_tokens,
            completion_tokens=out.completion_tokens,
            cost_usd=spec.cost(out.prompt_tokens, out.completion_tokens),
            latency_s=out.latency_s,
            invalid=int(out.status == "invalid"),
            errors=int(out.status == "unavailable"),
            retries=out.retries,
        )
        if out.status == "unavailable":
            self.pool.mark_down(name)
        why = self.pool.note_outcome(name, out.status, out.error)
        if why:
            log.warning("model %s dropped for the rest of the run: it %s", name, why)
        return out
