"""A proposer behind any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp, LiteLLM).

A roster entry may record every reply to a cassette, or replay one instead of calling the
endpoint (`models.cassette`). Asks for a JSON reply matching the proposal schema (`response_format` json_schema, falling
back to json_object and then to plain text for servers that reject it), validates it, and
re-asks once with the reason when it is invalid. Retries 429/5xx, timeouts and connection
errors with exponential backoff; when they persist the endpoint is reported unavailable.
The API key is read from the environment variable the roster names and never leaves the
client object.
"""

from __future__ import annotations

import os
import time
from typing import Any

import openai

from litecoop_mlir.core.secrets import register
from litecoop_mlir.proposers import pass_pipeline_request as pipeline_request
from litecoop_mlir.proposers.base import OnStep, Proposer
from litecoop_mlir.proposers.cassette import Cassette
from litecoop_mlir.proposers.pass_pipeline_request import PipelineRequest
from litecoop_mlir.proposers.pool import ModelSpec
from litecoop_mlir.proposers.prompt import corrective_message, render_messages
from litecoop_mlir.proposers.proposal import MAX_REPLY_CHARS, InvalidReply, StepStream, parse_reply, reply_schema
from litecoop_mlir.proposers.request import CallOutcome, ProposalRequest

RESPONSE_FORMATS = ("json_schema", "json_object", "none")
#: on_step(index in the reply (from 1), step): a step ready before the reply is complete


class EndpointUnavailable(Exception):
    """The endpoint kept failing (after retries) or refused us (auth, unknown model)."""


class OpenAIProposer(Proposer):
    """Talks to one roster entry of kind `openai`."""

    backoff_s: float = 0.5
    max_backoff_s: float = 8.0

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self._format = 0
        self._client: openai.OpenAI | None = None
        self.cassette = Cassette.open(spec.cassette, spec.cassette_mode) if spec.cassette else None

    def _api_key(self) -> str:
        if not self.spec.api_key_env:
            return "unused"
        key = os.environ.get(self.spec.api_key_env, "")
        register(key)
        if not key:
            raise EndpointUnavailable(f"environment variable {self.spec.api_key_env} is not set")
        return key

    @property
    def client(self) -> openai.OpenAI:
        if self._client is None:
            self._client = openai.OpenAI(
                base_url=self.spec.base_url, api_key=self._api_key(), timeout=self.spec.timeout_s, max_retries=0
            )
        return self._client

    def propose(self, request: ProposalRequest, on_step: OnStep | None = None) -> CallOutcome:
        """Ask for a proposal. With a streaming roster entry and `on_step`, each step that is
        complete and legal on its own is handed to `on_step` while the reply still arrives."""
        out = CallOutcome(None)
        t0 = time.monotonic()
        messages: list[dict[str, Any]] = render_messages(request)
        stream = None
        if self.spec.stream:
            stream = StepStream(request.kernel, request.node.script, request.target, request.machine)
        try:
            for attempt in range(2):  # the ask, then one corrective re-ask
                text = self._complete(messages, out, stream if attempt == 0 else None, on_step)
                out.reply_excerpt = text[:500]
                try:
                    out.proposal = parse_reply(text, request.kernel, request.node.script, request.target,
                                               request.roster_names, machine=request.machine)
                    out.status, out.error = "ok", ""
                    break
                except InvalidReply as exc:
                    out.status, out.error = "invalid", str(exc)
                    messages = [*messages, {"role": "assistant", "content": text[:4000]}, corrective_message(str(exc))]
        except EndpointUnavailable as exc:
            out.status, out.error = "unavailable", str(exc)
        out.latency_s = time.monotonic() - t0
        return out

    def propose_pipeline(self, request: PipelineRequest) -> CallOutcome:
        """A pipeline-level turn: the pipeline prompt, its schema, one corrective re-ask."""
        out = CallOutcome(None)
        t0 = time.monotonic()
        messages: list[dict[str, Any]] = pipeline_request.render_messages(request)
        try:
            for _ in range(2):
                text = self._complete(messages, out, schema=("pipeline_proposal", pipeline_request.reply_schema()))
                out.reply_excerpt = text[:500]
                try:
                    out.pipeline = pipeline_request.parse_reply(text, request)
                    out.status, out.error = "ok", ""
                    break
                except InvalidReply as exc:
                    out.status, out.error = "invalid", str(exc)
                    messages = [*messages, {"role": "assistant", "content": text[:4000]},
                                pipeline_request.corrective_message(str(exc))]
        except EndpointUnavailable as exc:
            out.status, out.error = "unavailable", str(exc)
        out.latency_s = time.monotonic() - t0
        return out

    def _complete(self, messages: list[dict[str, Any]], out: CallOutcome, stream: StepStream | None = None,
                  on_step: OnStep | None = None, schema: tuple[str, dict[str, Any]] | None = None) -> str:
        """One chat completion (from the cassette when replaying; recorded when recording)."""
        if self.cassette is not None and self.cassette.mode == "replay":
            out.requests += 1
            row = self.cassette.replay(self.spec.model, messages)
            if row is None:
                raise EndpointUnavailable(f"the cassette {self.spec.cassette} has no more replies for {self.spec.model}")
            out.prompt_tokens += int(row.get("prompt_tokens") or 0)
            out.completion_tokens += int(row.get("completion_tokens") or 0)
            return str(row.get("reply") or "")
        tokens = (out.prompt_tokens, out.completion_tokens)
        text = self._complete_live(messages, out, stream, on_step, schema)
        if self.cassette is not None:
            self.cassette.record(self.spec.model, messages, text, out.prompt_tokens - tokens[0], out.completion_tokens - tokens[1])
        return text

    def _complete_live(self, messages: list[dict[str, Any]], out: CallOutcome, stream: StepStream | None = None,
                       on_step: OnStep | None = None, schema: tuple[str, dict[str, Any]] | None = None) -> str:
        """One chat completion with retries; returns the reply text (may be empty)."""
        attempt = 0
        while True:
            kwargs: dict[str, Any] = {"model": self.spec.model, "messages": messages, "temperature": self.spec.temperature}
            if stream is not None:
                kwargs.update(stream=True, stream_options={"include_usage": True})
            fmt = RESPONSE_FORMATS[self._format]
            if fmt == "json_schema":
                name, body = schema or ("proposal", reply_schema())
                kwargs["response_format"] = {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": body}}
            elif fmt == "json_object":
                kwargs["response_format"] = {"type": "json_object"}
            out.requests += 1
            try:
                resp = self.client.chat.completions.create(**kwargs)
                if stream is not None:
                    return self._read_stream(resp, out, stream, on_step)
            except openai.BadRequestError as exc:
                if self._format < len(RESPONSE_FORMATS) - 1 and "response_format" in kwargs:
                    self._format += 1  # the server does not take this format: ask without it
                    continue
                raise EndpointUnavailable(f"request rejected (400): {_short(exc)}") from None
            except InvalidReply:
                raise  # the model's words, not the transport: judged by the caller
            except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError, ValueError) as exc:
                # APITimeoutError is an APIConnectionError; a ValueError is a 200 whose body is not JSON (a
                # proxy's error page, a cut reply): every kind counts toward the same retry limit.
                if attempt >= self.spec.max_retries:
                    what = "undecodable reply" if isinstance(exc, ValueError) else type(exc).__name__
                    raise EndpointUnavailable(f"{what} after {attempt + 1} attempt(s): {_short(exc)}") from None
                time.sleep(self._delay(exc, attempt))
                attempt += 1
                out.retries += 1
                continue
            except openai.APIStatusError as exc:  # 401, 403, 404, other 5xx-free failures: do not retry
                raise EndpointUnavailable(f"HTTP {exc.status_code}: {_short(exc)}") from None
            except openai.OpenAIError as exc:
                raise EndpointUnavailable(f"{type(exc).__name__}: {_short(exc)}") from None
            usage = getattr(resp, "usage", None)
            if usage is not None:
                out.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
                out.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
            choices = getattr(resp, "choices", None) or []
            if not choices or choices[0].message is None:
                return ""
            return choices[0].message.content or ""

    @staticmethod
    def _read_stream(chunks: Any, out: CallOutcome, stream: StepStream, on_step: OnStep | None) -> str:
        """Accumulate a streamed reply, handing on each step as soon as it is complete."""
        stream.reset()  # a retried request streams from the start
        parts: list[str] = []
        for chunk in chunks:
            usage = getattr(chunk, "usage", None)
            if usage is not None:
                out.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
                out.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)
            for choice in getattr(chunk, "choices", None) or []:
                piece = getattr(choice.delta, "content", None) if choice.delta is not None else None
                if piece:
                    parts.append(piece)
                    if sum(map(len, parts)) > MAX_REPLY_CHARS:
                        return "".join(parts)  # parse_reply rejects it
                    if on_step is not None:
                        for index, step in stream.feed("".join(parts)):
                            on_step(index, step)
        return "".join(parts)

    def _delay(self, exc: Exception, attempt: int) -> float:
        delay = min(self.backoff_s * (2**attempt), self.max_backoff_s)
        response = getattr(exc, "response", None)
        retry_after = response.headers.get("retry-after") if response is not None else None
        try:
            if retry_after is not None:
                delay = min(max(float(retry_after), delay), self.max_backoff_s)
        except ValueError:
            pass
        return delay


def _short(exc: Exception) -> str:
    text = str(exc).replace("\n", " ")
    return text[:200]
