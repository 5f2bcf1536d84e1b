"""Before any budget is spent: which models of a roster can be used at all.

A model whose key variable is unset, or whose endpoint does not answer one cheap request
(`GET {base_url}/models`), would only fail later, call after call. `check_roster` drops
such models with the reason; the caller stops with that reason when none is left.
Built-in proposers always pass. Nothing here prints or stores a key.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from litecoop_mlir.core.secrets import redact
from litecoop_mlir.proposers.pool import ModelSpec

#: Seconds to wait for an endpoint's model list.
PROBE_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class RosterCheck:
    """The models that can be used, and why each other one cannot."""

    usable: tuple[ModelSpec, ...]
    dropped: tuple[tuple[str, str], ...]  # (model name, reason)

    def describe_dropped(self) -> str:
        return "; ".join(f"{name}: {why}" for name, why in self.dropped)


def check_roster(specs: Sequence[ModelSpec], timeout_s: float = PROBE_TIMEOUT_S) -> RosterCheck:
    """Probe each endpoint once (endpoints shared by several models are probed once)."""
    usable: list[ModelSpec] = []
    dropped: list[tuple[str, str]] = []
    probed: dict[tuple[str, str], str] = {}
    for spec in specs:
        why = _problem(spec, probed, timeout_s)
        if why:
            dropped.append((spec.name, why))
        else:
            usable.append(spec)
    return RosterCheck(tuple(usable), tuple(dropped))


def _problem(spec: ModelSpec, probed: dict[tuple[str, str], str], timeout_s: float) -> str:
    if spec.cassette_mode == "replay":  # answered from the cassette: no key, no endpoint
        return "" if Path(spec.cassette).is_file() else f"its cassette {spec.cassette} does not exist"
    if spec.kind != "openai":
        return ""
    key = ""
    if spec.api_key_env:
        key = os.environ.get(spec.api_key_env, "")
        if not key:
            return f"its key variable {spec.api_key_env} is not set"
    where = (spec.base_url, spec.api_key_env)
    if where not in probed:
        probed[where] = _probe(spec.base_url, key, timeout_s)
    return probed[where]


def _probe(base_url: str, key: str, timeout_s: float) -> str:
    """'' if the endpoint answers its model list, else why not (auth failures included)."""
    req = urllib.request.Request(base_url.rstrip("/") + "/models", headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:  # noqa: S310 - the roster's own endpoint
            resp.read(1 << 16)
        return ""
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            return f"{base_url} refused the key (HTTP {exc.code})"
        if exc.code == 404:  # some servers serve completions but no model list: reachable all the same
            return ""
        return f"{base_url} answered HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return redact(f"{base_url} is not reachable ({reason})")


__all__ = ["RosterCheck", "check_roster"]
