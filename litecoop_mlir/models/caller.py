"""Take one model's turn: dispatch to its proposer and account for the call in the pool."""

from __future__ import annotations

import time

from litecoop_mlir.models.builtin import BUILTIN_PROPOSERS
from litecoop_mlir.models.openai_model import OnStep, OpenAIProposer
from litecoop_mlir.models.pool import ModelPool
from litecoop_mlir.models.request import CallOutcome, ProposalRequest
from litecoop_mlir.transforms import IllegalTransform


class ModelCaller:
    """Owns one proposer per roster entry; every call updates the pool's statistics.

    Builtin proposers report zero tokens and zero cost. An endpoint that stays
    unreachable is marked down in the pool for `pool.down_s` seconds.
    """

    def __init__(self, pool: ModelPool) -> None:
        self.pool = pool
        self._proposers: dict[str, object] = {}
        for spec in pool.specs:
            self._proposers[spec.name] = OpenAIProposer(spec) if spec.kind == "openai" else BUILTIN_PROPOSERS[spec.model]()

    def call(self, name: str, request: ProposalRequest, on_step: OnStep | None = None) -> CallOutcome:
        """One turn of model `name`; `on_step` gets steps early from streaming endpoints."""
        proposer = self._proposers[name]
        if isinstance(proposer, OpenAIProposer):
            out = proposer.propose(request, on_step)
        else:
            t0 = time.monotonic()
            try:
                proposal = proposer.propose(request)  # type: ignore[attr-defined]
                out = CallOutcome(proposal, reply_excerpt=proposal.reasoning[:500])
            except IllegalTransform as exc:
                out = CallOutcome(None, "empty", str(exc))  # nothing left to propose: not a bad reply
            out.latency_s = time.monotonic() - t0
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
        return out
