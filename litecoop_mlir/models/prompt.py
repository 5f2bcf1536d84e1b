"""The chat messages sent to an endpoint model: instructions plus one JSON context block."""

from __future__ import annotations

import json
from typing import Any

from litecoop_mlir.models.request import ProposalRequest
from litecoop_mlir.transforms import effective_kernel, move_spaces

CONTEXT_OPEN, CONTEXT_CLOSE = "<context>", "</context>"

SYSTEM = """\
You tune IREE codegen configurations for one dispatch of an MLIR module. Several models of \
different size and price take turns on one search tree; you expand one node: propose the next \
transforms, and name the model (from the roster) that should expand next. Cheap models should \
do routine steps; name a larger model only when a hard decision is due.

Reply with ONE JSON object and nothing else:
{"steps": [{"transforms": [TRANSFORM, ...], "after": "$0"}, ...],
 "next_model": "<a roster name>", "reasoning": "<one or two sentences>"}
Each step is a child of the current node ("after": "$0") or of an earlier step of your reply \
("after": "$1" = step 1). TRANSFORM is one of:
  {"op": "tile", "level": LEVEL, "sizes": [one integer per loop, 0 = untiled]}
  {"op": "pipeline", "pipeline": NAME}
  {"op": "option", "name": "enable_loop_peeling" | "enable_decomposition", "enabled": true | false}
  {"op": "flag", "name": FLAG, "value": VALUE}
  {"op": "workgroup_size", "size": [x, y, z]}
Only the levels, names and values listed under legal_moves are allowed. Rules: reduction loops \
get 0 in parallel levels and parallel loops get 0 in reduction levels; a vector tile must stay \
under 16 KB and within the register file (accumulators m x n/lanes plus operands); contiguous \
vector widths are powers of two that fill whole SIMD registers; inner tiles divide the outer \
tile unless loop peeling is on; module-wide flags come before any tiling. Do not repeat a \
script listed under children or tried."""


def context(request: ProposalRequest) -> dict[str, Any]:
    """The JSON context of one request (what the model needs, nothing else)."""
    k, r = request.kernel, request
    b = r.baseline_ms
    cfg = r.node.script.resolve(effective_kernel(k, r.node.script))
    return {
        "kernel": {
            "kind": k.kind, "root_op": k.root_op, "loop_bounds": list(k.loop_bounds),
            "iterator_types": list(k.iterator_types), "dims": {n: list(v) for n, v in k.dims.items()},
            "element_type": k.element_type, "operand_types": list(k.operand_types),
            "iree_default": {"pipeline": k.pipeline, "tiles": {n: list(v) for n, v in k.default_tiles.items()}},
        },
        "target": r.target,
        "machine": {"isa": r.machine.isa, "vector_registers": r.machine.vector_registers,
                    "native_vector_bytes": r.machine.native_vector_bytes, "l1_bytes": r.machine.l1_bytes,
                    "l2_bytes": r.machine.l2_bytes, "l3_bytes": r.machine.l3_bytes},
        "baseline_ms": round(b, 4),
        "current": {**r.node.to_json(b), "config": cfg.canonical()},
        "parent": r.parent.to_json(b) if r.parent else None,
        "grandparent": r.grandparent.to_json(b) if r.grandparent else None,
        "best_so_far": r.best.to_json(b) if r.best else None,
        "children": [c.to_json(b) for c in r.children[-8:]],
        "legal_moves": [s.to_json() for s in move_spaces(k, r.node.script, r.target)],
        "models": r.roster,
        "you_are": r.model,
        "budget_left": r.budget_left,
        "steps_wanted": r.steps_wanted,
    }


def render_messages(request: ProposalRequest) -> list[dict[str, str]]:
    ctx = json.dumps(context(request), separators=(",", ":"))
    user = (
        f"Propose {request.steps_wanted} step(s) for the current node.\n"
        f"{CONTEXT_OPEN}\n{ctx}\n{CONTEXT_CLOSE}"
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def corrective_message(reason: str) -> dict[str, str]:
    return {"role": "user", "content": f"Your reply was rejected: {reason[:600]}. Reply again with one valid JSON object only."}
