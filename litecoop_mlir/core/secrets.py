"""Secrets the tool knows (the values of the roster's API-key variables) and their redaction.

A key can come back in places the tool does not control: a server may echo it in an error
message, a proxy may put it in a URL. Every text the tool prints, logs or stores about a model
call passes through `redact`, which replaces each known secret (at least 4 characters) by
`***`. Secrets are registered when a roster is loaded and when a client reads its key.
"""

from __future__ import annotations

import os
import threading
from typing import Iterable

_LOCK = threading.Lock()
_SECRETS: set[str] = set()
MASK = "***"


def register(value: str) -> None:
    """Remember `value` as a secret (too-short values are ignored: they would mask ordinary text)."""
    if value and len(value) >= 4:
        with _LOCK:
            _SECRETS.add(value)


def register_env(names: Iterable[str]) -> None:
    """Remember the values of these environment variables as secrets."""
    for name in names:
        if name:
            register(os.environ.get(name, ""))


def redact(text: str) -> str:
    """`text` with every known secret replaced by `***` (longest first)."""
    if not text or not _SECRETS:
        return text
    with _LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for s in secrets:
        if s in text:
            text = text.replace(s, MASK)
    return text


__all__ = ["MASK", "redact", "register", "register_env"]
