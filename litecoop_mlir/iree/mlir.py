"""Thin helpers over the MLIR Python bindings that ship inside iree-base-compiler."""

from __future__ import annotations

import re
from typing import Iterator

from iree.compiler import ir

from litecoop_mlir.core.errors import InputError

_LOC = re.compile(r'loc\("(?P<file>[^"]*)":(?P<line>\d+):(?P<col>\d+)\)')


def new_context() -> ir.Context:
    """A context with every IREE and upstream dialect registered."""
    ctx = ir.Context()
    ctx.allow_unregistered_dialects = False
    return ctx


def _format_diagnostic(filename: str, location: str, message: str) -> str:
    m = _LOC.search(location)
    if m:
        return f"{filename}:{m['line']}:{m['col']}: error: {message}"
    return f"{filename}: error: {message}"


def parse_module(text: str, filename: str, ctx: ir.Context) -> ir.Module:
    """Parse and verify `text`; malformed input raises InputError as `file:line:col: error: ...`."""
    try:
        return ir.Module.parse(text, ctx)
    except ir.MLIRError as exc:
        diags = list(getattr(exc, "error_diagnostics", []) or [])
        if diags:
            lines = [_format_diagnostic(filename, str(d.location), d.message) for d in diags]
            raise InputError("\n".join(lines)) from None
        raise InputError(f"{filename}: error: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - the bindings raise plain exceptions on some inputs
        raise InputError(f"{filename}: error: cannot parse module: {exc}") from None


def walk(op: ir.Operation) -> Iterator[ir.Operation]:
    """Pre-order walk over every operation nested in `op` (not `op` itself)."""
    for region in op.regions:
        for block in region.blocks:
            for child in block.operations:
                child_op = child.operation
                yield child_op
                yield from walk(child_op)


def str_attr(op: ir.Operation, name: str) -> str:
    """The value of a string attribute (e.g. sym_name) without quotes."""
    return ir.StringAttr(op.attributes[name]).value


def shaped(t: ir.Type) -> tuple[tuple[int, ...], str]:
    """(static shape, element type) of a ranked tensor type; raises ValueError if dynamic."""
    st = ir.ShapedType(t)
    if not st.has_static_shape:
        raise ValueError(f"dynamic shape {t} is not supported")
    return tuple(st.shape), str(st.element_type)
