"""A proposer behind any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp, LiteLLM).

Asks for a JSON reply matching the proposal schema (`response_format` json_schema, falling
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

from litecoop_mlir.models.pool import ModelSpec
from litecoop_mlir.models.prompt import corrective_message, render_messages
from litecoop_mlir.models.proposal import InvalidReply, parse_reply, reply_schema
from litecoop_mlir.models.request import CallOutcome, ProposalRequest

RESPONSE_FORMATS = ("json_schema", "json_object", "none")


class EndpointUnavailable(Exception):
    """The endpoint kept failing (after retries) or refused us (auth, unknown model)."""


class OpenAIProposer:
    """Talks to one roster entry of kind `openai`."""

    backoff_s: float = 0.5
    max_backoff_s: float = 8.0

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self._format = 0
        self._client: openai.OpenAI | None = None

    def _api_key(self) -> str:
        if not self.spec.api_key_env:
            return "unused"
        key = os.environ.get(self.spec.api_key_env, "")
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

    def propose(self, request: ProposalRequest) -> CallOutcome:
        out = CallOutcome(None)
        t0 = time.monotonic()
        messages: list[dict[str, Any]] = render_messages(request)
        try:
            for attempt in range(2):  # the ask, then one corrective re-ask
                text = self._complete(messages, out)
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

    def _complete(self, messages: list[dict[str, Any]], out: CallOutcome) -> str:
        """One chat completion with retries; returns the reply text (may be empty)."""
        attempt = 0
        while True:
            kwargs: dict[str, Any] = {"model": self.spec.model, "messages": messages, "temperature": self.spec.temperature}
            fmt = RESPONSE_FORMATS[self._format]
            if fmt == "json_schema":
                kwargs["response_format"] = {"type": "json_schema", "json_schema": {"name": "proposal", "schema": reply_schema()}}
            elif fmt == "json_object":
                kwargs["response_format"] = {"type": "json_object"}
            out.requests += 1
            try:
                resp = self.client.chat.completions.create(**kwargs)
            except openai.BadRequestError as exc:
                if self._format < len(RESPONSE_FORMATS) - 1 and "response_format" in kwargs:
                    self._format += 1  # the server does not take this format: ask without it
                    continue
                raise EndpointUnavailable(f"request rejected (400): {_short(exc)}") from None
            except (openai.RateLimitError, openai.InternalServerError, openai.APIConnectionError) as exc:
                # APITimeoutError is an APIConnectionError.
                if attempt >= self.spec.max_retries:
                    raise EndpointUnavailable(f"{type(exc).__name__} after {attempt + 1} attempt(s): {_short(exc)}") from None
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
