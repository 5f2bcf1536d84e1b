"""What a model returns: transform steps (a small plan) and the model for the next step.

A reply is data. Its text is parsed as JSON, its shape checked with pydantic, and every
transform parsed into the closed set of transform types and validated against the kernel
and the script it extends. Nothing in a reply is executed.

Reply format (JSON):

    {"steps": [{"transforms": [{"op": "tile", "level": "vector_common_parallel", "sizes": [6, 16, 0]}],
                "after": 0},
               {"transforms": [{"op": "tile", "level": "vector_reduction", "sizes": [0, 0, 4]}],
                "after": "$1"}],
     "next_model": "small-model",
     "reasoning": "6x16 register tile: 15 of 16 ymm registers"}

`after` is 0 (or omitted) for the current node, or `$k` / k for the result of step k of
the same reply (k counted from 1, earlier steps only).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.space.legality import validate_step
from litecoop_mlir.space.script import Script
from litecoop_mlir.space.vocabulary import TRANSFORM_TYPES, IllegalTransform, Transform, transform_from_json
from litecoop_mlir.targets.machine import MachineModel

MAX_REPLY_CHARS = 64_000
MAX_STEPS = 8
MAX_TRANSFORMS_PER_STEP = 8


class InvalidReply(ValueError):
    """A reply that could not be used; the message says why (and is sent back on re-ask)."""


@dataclass(frozen=True)
class Step:
    """Transforms applied to the current node (after=0) or to step `after`'s result."""

    transforms: tuple[Transform, ...]
    after: int = 0


@dataclass(frozen=True)
class Proposal:
    """A parsed, validated reply: steps with dependencies, the next model, and why."""

    steps: tuple[Step, ...]
    next_model: str
    reasoning: str = ""
    rejected: tuple[str, ...] = field(default=())

    def scripts(self, base: Script) -> list[Script]:
        """The script of every step, resolving `after` references (steps are in order)."""
        out: list[Script] = []
        for s in self.steps:
            start = base if s.after == 0 else out[s.after - 1]
            out.append(start.then(*s.transforms))
        return out


class _StepReply(BaseModel):
    model_config = ConfigDict(extra="forbid")
    transforms: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_TRANSFORMS_PER_STEP)
    after: int | str = 0

    @field_validator("after")
    @classmethod
    def _after(cls, v: int | str) -> int:
        if isinstance(v, str):
            m = re.fullmatch(r"\$?(\d{1,2})", v.strip())
            if not m:
                raise ValueError("after must be 0, k or '$k'")
            v = int(m.group(1))
        if isinstance(v, bool) or v < 0:
            raise ValueError("after must be >= 0")
        return v


class _ProposalReply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    steps: list[_StepReply] = Field(min_length=1, max_length=MAX_STEPS)
    next_model: str = Field(max_length=200)
    reasoning: str = ""


def _transform_schema() -> dict[str, Any]:
    variants = []
    for op, cls in TRANSFORM_TYPES.items():
        props: dict[str, Any] = {"op": {"type": "string", "enum": [op]}}
        for f in cls.__dataclass_fields__.values():
            if f.name == "op":
                continue
            t = str(f.type)
            props[f.name] = ({"type": "array", "items": {"type": "integer"}} if "tuple" in t
                             else {"type": "boolean"} if "bool" in t else {"type": "string"})
        variants.append({"type": "object", "properties": props, "required": list(props), "additionalProperties": False})
    return {"anyOf": variants}


def reply_schema() -> dict[str, Any]:
    """The JSON schema sent as `response_format` (servers that support it)."""
    return {
        "type": "object",
        "properties": {
            "steps": {
                "type": "array", "minItems": 1, "maxItems": MAX_STEPS,
                "items": {
                    "type": "object",
                    "properties": {
                        "transforms": {"type": "array", "minItems": 1, "maxItems": MAX_TRANSFORMS_PER_STEP,
                                       "items": _transform_schema()},
                        "after": {"type": "string", "description": "'$0' for the current node, '$k' for step k"},
                    },
                    "required": ["transforms", "after"],
                    "additionalProperties": False,
                },
            },
            "next_model": {"type": "string"},
            "reasoning": {"type": "string"},
        },
        "required": ["steps", "next_model", "reasoning"],
        "additionalProperties": False,
    }


def json_object(text: str) -> Any:
    """The JSON value in a reply: the whole text, a ```json fence, or the outermost {...}."""
    text = text.strip()
    fence = re.search(r"```(?:json)?\s*(.*?)```", text, re.S)
    candidates = [text] + ([fence.group(1)] if fence else [])
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    last: Exception | None = None
    for c in candidates:
        try:
            return json.loads(c)
        except (ValueError, RecursionError) as exc:
            last = exc
    raise InvalidReply(f"reply is not JSON ({type(last).__name__}: {str(last)[:120]})")


def parse_reply(
    text: str,
    kernel: Kernel,
    base: Script,
    target: str,
    roster: list[str],
    *,
    machine: MachineModel | None = None,
) -> Proposal:
    """Parse and validate a model's reply against `kernel` and the node's script `base`.

    Steps with an illegal transform are dropped (their reasons kept in `rejected`); if
    no step survives the reply is invalid. An unknown `next_model` is kept as "" (the
    caller decides). Raises InvalidReply with a reason fit to send back to the model.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidReply("empty reply")
    if len(text) > MAX_REPLY_CHARS:
        raise InvalidReply(f"reply longer than {MAX_REPLY_CHARS} characters")
    data = json_object(text)
    if isinstance(data, dict) and "transforms" in data and "steps" not in data:
        data = {**data, "steps": [{"transforms": data.pop("transforms")}]}
    try:
        reply = _ProposalReply.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InvalidReply(f"reply does not match the schema: {where}: {first.get('msg', '')}") from None
    steps: list[Step] = []
    scripts: list[Script | None] = []
    rejected: list[str] = []
    for i, s in enumerate(reply.steps, start=1):
        if s.after >= i:
            raise InvalidReply(f"step {i}: 'after' must name the current node (0) or an earlier step, not {s.after}")
        start = base if s.after == 0 else scripts[s.after - 1]
        if start is None:
            rejected.append(f"step {i}: depends on rejected step {s.after}")
            scripts.append(None)
            continue
        try:
            ts = tuple(transform_from_json(t) for t in s.transforms)
            script = validate_step(kernel, start, ts, target, machine)
        except IllegalTransform as exc:
            rejected.append(f"step {i}: {exc}")
            scripts.append(None)
            continue
        scripts.append(script)
        # Renumber `after` to the surviving steps.
        after = 0 if s.after == 0 else sum(1 for x in scripts[: s.after] if x is not None)
        steps.append(Step(ts, after))
    if not steps:
        raise InvalidReply("no legal step: " + "; ".join(rejected))
    next_model = reply.next_model.strip() if reply.next_model.strip() in roster else ""
    return Proposal(tuple(steps), next_model, reply.reasoning[:2000], tuple(rejected))


class StepStream:
    """Finds complete step objects in a reply while it is still arriving (streaming).

    Feed it the text received so far; `feed` returns the steps that became complete and
    are legal on their own: `after` 0 (children of the current node), validated against
    `base`. Steps that depend on other steps wait for the whole reply.
    """

    def __init__(self, kernel: Kernel, base: Script, target: str, machine: MachineModel | None = None) -> None:
        self.kernel, self.base, self.target, self.machine = kernel, base, target, machine
        self._decoder = json.JSONDecoder()
        self.reset()

    def reset(self) -> None:
        self._pos = -1
        self._index = 0

    def feed(self, text: str) -> list[tuple[int, Step]]:
        out: list[tuple[int, Step]] = []
        if self._pos < 0:
            m = re.search(r'"steps"\s*:\s*\[', text)
            if not m:
                return out
            self._pos = m.end()
        while self._pos < len(text):
            while self._pos < len(text) and text[self._pos] in " \t\r\n,":
                self._pos += 1
            if self._pos >= len(text) or text[self._pos] != "{":
                break  # the end of the list, or something this parser leaves to parse_reply
            try:
                raw, end = self._decoder.raw_decode(text, self._pos)
            except ValueError:
                break  # incomplete: wait for more text
            self._pos = end
            self._index += 1
            step = self._legal(raw)
            if step is not None:
                out.append((self._index, step))
        return out

    def _legal(self, raw: Any) -> Step | None:
        try:
            s = _StepReply.model_validate(raw)
            if s.after != 0:
                return None
            ts = tuple(transform_from_json(t) for t in s.transforms)
            validate_step(self.kernel, self.base, ts, self.target, self.machine)
        except (ValidationError, IllegalTransform):
            return None
        return Step(ts, 0)
