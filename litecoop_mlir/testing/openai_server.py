"""A local OpenAI-compatible chat-completions server for tests and simulations (127.0.0.1 only).

Each model id gets a queue of scripted actions (consumed one per request; when it is empty
the action is `ok`) and a responder that writes the `ok` reply from the request. The
default responder reads the JSON context block of litecoop's prompt and proposes random
tile moves from its legal moves, so the whole client path runs without any real model;
`prompt_following_responder` is a simulated model that reads only the prompt and follows it.

Actions: ok, malformed (not JSON), schema (JSON of the wrong shape), illegal (well-formed
but illegal transforms), hostile (shell / MLIR text in fields), empty (null content),
no_usage (ok without a usage block), 401echo (401 quoting the key), 429, 500, drop (connection closed mid-request),
delay:SECONDS (sleep, then ok).

    with OpenAIServer(script={"big": ["500", "ok"]}) as server:
        base_url = server.base_url   # http://127.0.0.1:PORT/v1
"""

from __future__ import annotations

import json
import random
import re
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Sequence

Responder = Callable[[dict[str, Any], random.Random], str]


def write_roster(path: Path, base_url: str, models: Sequence[tuple[str, float, float, float]], **fields: Any) -> Path:
    """A roster TOML of models served by this server: (name, params_b, USD per input token,
    USD per output token) each, plus `fields` (e.g. timeout_s, max_retries, stream) for all."""
    extra = "".join(f"{k} = {json.dumps(v)}\n" for k, v in fields.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# SIMULATED models served by litecoop_mlir.testing.openai_server\n" + "".join(
        f'[[models]]\nname = "{n}"\nkind = "openai"\nbase_url = "{base_url}"\nmodel = "{n}"\nparams_b = {p}\n'
        f"input_cost_per_token = {i}\noutput_cost_per_token = {o}\n{extra}\n" for n, p, i, o in models))
    return path

_CONTEXT = re.compile(r"<context>\s*(\{.*\})\s*</context>", re.S)


def prompt_context(request: dict[str, Any]) -> dict[str, Any]:
    """The JSON context litecoop puts in its last user message ({} if absent)."""
    for msg in reversed(request.get("messages", [])):
        m = _CONTEXT.search(str(msg.get("content", "")))
        if m:
            try:
                return json.loads(m.group(1))
            except ValueError:
                return {}
    return {}


def random_legal_responder(request: dict[str, Any], rng: random.Random) -> str:
    """Propose tile moves the prompt lists (legal tuples, or per-loop choices), at random."""
    ctx = prompt_context(request)
    names = [m["name"] for m in ctx.get("models", [])] or ["unknown"]
    tiles = [t for t in _listed_moves(ctx, rng) if t["op"] == "tile"]
    steps = [{"transforms": [rng.choice(tiles)], "after": "$0"} for _ in range(max(1, int(ctx.get("steps_wanted", 1))))
             if tiles]
    if not steps:
        steps = [{"transforms": [{"op": "option", "name": "enable_loop_peeling", "enabled": True}], "after": "$0"}]
    return json.dumps({"steps": steps, "next_model": rng.choice(names), "reasoning": "simulated: random legal tiles"})


def _aspect(t: dict[str, Any]) -> tuple[str, str]:
    return str(t.get("op")), str(t.get("level") or t.get("name") or "")


def _canonical(script: list[dict[str, Any]]) -> str:
    """A script as the prompt shows it, reduced to what it sets (a later transform overwrites
    an earlier one of the same aspect), so two listings of one configuration compare equal."""
    last = {_aspect(t): t for t in script}
    return json.dumps(sorted(last.values(), key=lambda t: _aspect(t)), sort_keys=True)


def _listed_moves(ctx: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """Every transform the prompt lists as legal from the current node: enumerated tile tuples
    where it gives them, else tuples built from its per-loop choice lists (one or two loops of
    the current tiles changed), and each value of every listed flag, option and pipeline."""
    current = (ctx.get("current") or {}).get("config", {})
    tiles = current.get("tiles", {})
    out: list[dict[str, Any]] = []
    for sp in ctx.get("legal_moves", []):
        op = sp.get("op")
        if op == "tile" and "legal_sizes" in sp:
            out += [{"op": "tile", "level": sp["level"], "sizes": list(s)} for s in sp["legal_sizes"]]
        elif op == "tile" and sp.get("per_loop_choices"):
            choices = sp["per_loop_choices"]
            for _ in range(4):
                sizes = list(tiles.get(sp["level"]) or [c[0] for c in choices])
                for _ in range(rng.choice((1, 2))):
                    i = rng.randrange(len(choices))
                    sizes[i] = rng.choice(choices[i])
                out.append({"op": "tile", "level": sp["level"], "sizes": sizes})
        elif op == "flag":
            out += [{"op": "flag", "name": sp["name"], "value": v} for v in sp.get("values", [])]
        elif op == "option":
            out += [{"op": "option", "name": sp["name"], "enabled": v in (True, "true")} for v in sp.get("values", [])
                    if v != sp.get("current")]
        elif op == "pipeline":
            out += [{"op": "pipeline", "pipeline": v} for v in sp.get("values", [])]
        elif op == "codegen":
            out += [{"op": "codegen", "mode": v} for v in sp.get("values", [])]
        elif op == "script":
            out += [{"op": "script", "name": sp["name"], "value": v} for v in sp.get("values", []) if v != sp.get("current")]
    return out


def prompt_following_responder(quality: float, invalid_rate: float = 0.0) -> Responder:
    """A SIMULATED model that reads only the prompt: its context block's legal moves, the
    suggested steps, the current script and the scripts already tried. With probability
    `quality` it takes the first suggested step not yet tried; otherwise, or when none is
    left, a move the prompt lists as legal, at random; never a script the prompt lists as
    tried. With probability `invalid_rate` it replies with prose instead of JSON."""

    def respond(request: dict[str, Any], rng: random.Random) -> str:
        ctx = prompt_context(request)
        models = sorted(ctx.get("models", []), key=lambda m: (m.get("usd_per_1k_tokens", 0), m.get("params_b", 0)))
        names = [m["name"] for m in models] or ["unknown"]
        if rng.random() < invalid_rate:
            return "I would tile the loops more aggressively and enable data tiling."
        if "current_pipeline" in ctx:
            return _pipeline_reply(ctx, names, quality, rng)
        base = list((ctx.get("current") or {}).get("script", []))
        tried = {_canonical(t.get("script", [])) for t in ctx.get("tried", [])}
        tried |= {_canonical(c.get("script", [])) for c in ctx.get("children", [])}
        tried.add(_canonical(base))
        suggested = [list(s.get("transforms", [])) for s in ctx.get("suggested_steps", [])]
        listed = [[t] for t in _listed_moves(ctx, rng)]
        rng.shuffle(listed)
        steps: list[dict[str, Any]] = []
        for _ in range(max(1, int(ctx.get("steps_wanted", 1)))):
            pool = suggested if suggested and rng.random() < quality else listed
            for moves in [*pool, *listed]:
                key = _canonical(base + moves)
                if key not in tried:
                    tried.add(key)
                    steps.append({"transforms": moves, "after": "$0"})
                    break
        if not steps:
            return json.dumps({"steps": [], "next_model": names[0], "reasoning": "nothing left to try"})
        cheap = names[: max(1, len(names) // 2)]
        nxt = rng.choice(names if rng.random() < 0.2 else cheap)
        return json.dumps({"steps": steps, "next_model": nxt, "reasoning": "simulated: follows the prompt"})

    return respond


def _pipeline_reply(ctx: dict[str, Any], names: list[str], quality: float, rng: random.Random) -> str:
    """A pipeline-level turn read from the prompt alone: suggested moves with probability
    `quality`, else listed legal moves at random (with their fields copied, meaning dropped)."""
    legal = [{k: v for k, v in m.items() if k != "meaning"} for m in ctx.get("legal_moves", [])]
    rng.shuffle(legal)
    pool = [*ctx.get("suggested_moves", []), *legal] if rng.random() < quality else legal
    steps, seen = [], set()
    for m in pool:
        key = json.dumps(m, sort_keys=True)
        if key not in seen:
            seen.add(key)
            steps.append([m])
        if len(steps) >= 3:
            break
    return json.dumps({"steps": steps or [[{"op": "set", "name": "none"}]], "next_model": rng.choice(names),
                       "reasoning": "simulated: follows the pipeline prompt"})


_CANNED = {
    "malformed": "Sure! Here are my thoughts: {steps: [tile it all",
    "schema": json.dumps({"steps": "tile everything", "next_model": 3}),
    "illegal": json.dumps({"steps": [{"transforms": [{"op": "tile", "level": "vector_common_parallel", "sizes": [24]}]}],
                           "next_model": "nobody"}),
    "hostile": json.dumps({"steps": [{"transforms": [
        {"op": "flag", "name": "$(touch /tmp/pwned)", "value": "; rm -rf /"},
        {"op": "pipeline", "pipeline": "} transform.yield %0 {"}]}], "next_model": "`id`"}),
}


@dataclass
class OpenAIServer:
    """The server. `script` maps model id -> actions; `responders` maps model id -> responder.

    Attributes:
        requests: every request body received (for assertions), with `_authorization`
            replaced by whether a bearer token was present.
        delay_s: per model id, seconds to sleep before every reply (simulated latency).
        schema_support: when False, a request with a json_schema response_format gets 400.
        fault_rate: probability that an unscripted request gets a random action from `faults`.
        stream_chunk_chars / stream_delay_s: how a streamed reply is cut and paced.
        stream_hold: when given, a streamed reply stops before its last piece until it is set (at most
            30 s): a test's callback that sets it proves what it saw arrived before the reply ended.
        stream_done: set once a streamed reply has been sent whole.
    """

    script: dict[str, list[str]] = field(default_factory=dict)
    responders: dict[str, Responder] = field(default_factory=dict)
    delay_s: dict[str, float] = field(default_factory=dict)
    schema_support: bool = True
    stream_chunk_chars: int = 40
    stream_delay_s: float = 0.0
    stream_hold: threading.Event | None = None
    stream_done: threading.Event = field(default_factory=threading.Event)
    fault_rate: float = 0.0
    faults: tuple[str, ...] = ("malformed", "schema", "illegal", "hostile", "empty", "no_usage", "429", "500", "drop")
    seed: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._queues: dict[str, deque[str]] = defaultdict(deque, {k: deque(v) for k, v in self.script.items()})
        self._lock = threading.Lock()
        self._rng = random.Random(self.seed)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def push(self, model: str, *actions: str) -> None:
        with self._lock:
            self._queues[model].extend(actions)

    def start(self) -> "OpenAIServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    models = sorted(set(server.script) | set(server.responders))
                    self._json(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in models]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    self._json(400, {"error": {"message": "bad JSON"}})
                    return
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._json(404, {"error": {"message": "not found"}})
                    return
                server._handle(self, body)

            def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        class QuietServer(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:  # dropped connections are the point
                pass

        self._httpd = QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "OpenAIServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------------------------------

    def _handle(self, h: Any, body: dict[str, Any]) -> None:
        model = str(body.get("model", ""))
        fmt = (body.get("response_format") or {}).get("type")
        if fmt == "json_schema" and not self.schema_support:
            h._json(400, {"error": {"message": "response_format json_schema is not supported", "type": "invalid_request_error"}})
            return
        with self._lock:
            queue = self._queues[model]
            action = queue.popleft() if queue else "ok"
            if not queue and action == "ok" and self._rng.random() < self.fault_rate:
                action = self._rng.choice(self.faults)
            rng = random.Random(self._rng.random())
            record = dict(body)
            record["_authorization"] = h.headers.get("Authorization", "").startswith("Bearer ")
            record["_action"] = action
            self.requests.append(record)
        time.sleep(self.delay_s.get(model, 0.0))
        if action.startswith("delay:"):
            time.sleep(float(action.split(":", 1)[1]))
            action = "ok"
        if action == "429":
            h._json(429, {"error": {"message": "rate limited", "type": "rate_limit_error"}}, {"retry-after": "0"})
            return
        if action == "401echo":  # a careless server that echoes the key it was given
            key = h.headers.get("Authorization", "").removeprefix("Bearer ")
            h._json(401, {"error": {"message": f"Incorrect API key provided: {key}", "type": "invalid_request_error"}})
            return
        if action == "500":
            h._json(500, {"error": {"message": "internal error", "type": "server_error"}})
            return
        if action == "garbage":  # a 200 whose body is not JSON (a proxy's error page, a truncated reply)
            data = b"<html>502 upstream went away"
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
            return
        if action == "drop":
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            h.close_connection = True
            return
        if action in _CANNED:
            content: str | None = _CANNED[action]
        elif action == "empty":
            content = None
        else:
            responder = self.responders.get(model, random_legal_responder)
            content = responder(body, rng)
        prompt_chars = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
        if body.get("stream"):
            self._stream(h, model, content, prompt_chars, action, body)
            return
        payload: dict[str, Any] = {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        }
        if action != "no_usage":
            pt, ct = max(1, prompt_chars // 4), max(1, len(content or "") // 4)
            payload["usage"] = {"prompt_tokens": pt, "completion_tokens": ct, "total_tokens": pt + ct}
        h._json(200, payload)

    def _stream(self, h: Any, model: str, content: str | None, prompt_chars: int, action: str, body: dict[str, Any]) -> None:
        """Server-sent events: the reply in pieces of `stream_chunk_chars`, `stream_delay_s` apart."""
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        base = {"id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": model}

        def send(payload: dict[str, Any] | str) -> None:
            data = payload if isinstance(payload, str) else json.dumps(payload)
            h.wfile.write(f"data: {data}\n\n".encode())
            h.wfile.flush()

        text = content or ""
        n = max(1, self.stream_chunk_chars)
        for i in range(0, len(text), n):
            if self.stream_hold is not None and i + n >= len(text):
                self.stream_hold.wait(timeout=30.0)
            send({**base, "choices": [{"index": 0, "delta": {"content": text[i : i + n]}, "finish_reason": None}]})
            time.sleep(self.stream_delay_s)
        send({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if action != "no_usage" and (body.get("stream_options") or {}).get("include_usage"):
            pt, ct = max(1, prompt_chars // 4), max(1, len(text) // 4)
            send({**base, "choices": [], "usage": {"prompt_tokens": pt, "completion_tokens": ct, "total_tokens": pt + ct}})
        send("[DONE]")
        self.stream_done.set()
