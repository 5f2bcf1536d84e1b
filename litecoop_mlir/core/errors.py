"""Errors the tool reports to users as diagnostics rather than tracebacks."""

from __future__ import annotations


class LitecoopError(Exception):
    """An error with a message fit for a user; the CLI prints it and exits 1."""


class InputError(LitecoopError):
    """The input module is malformed or unsupported; message is `file:line:col: error: ...`."""


class UsageError(LitecoopError):
    """Bad command-line usage; the CLI exits 2."""
