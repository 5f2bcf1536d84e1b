"""The chat messages sent to an endpoint model: instructions, the reply schema with an example,
and one JSON context block.

The context gives a model what it needs to propose legal, useful steps: the dispatch (its root
op as IR, loops, dims, types) and the machine; the current configuration (as IREE attributes
too); for every tiling level the tuples that are legal from here, jointly (enumerated, or the
first ones with the rules in words and numbers when there are many); flags, options and
pipelines with one line of meaning each; the built-in cost model's best untried steps
(estimates); what was tried with its latency; the best script so far; and why steps of the
previous reply were rejected.

Prompt budgets: the largest model of the roster gets the full prompt; the others a compact one
(fewer listed tuples, tried scripts and suggestions; no IR). Either shrinks further until it
fits within a quarter of the model's context size (`ModelSpec.context_tokens`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from litecoop_mlir.ir.workload import Kernel
from litecoop_mlir.iree.mlir import new_context
from litecoop_mlir.proposers.builtin import probe_steps, ranked_steps
from litecoop_mlir.proposers.gpu_heuristic import gpu_ranked_steps
from litecoop_mlir.proposers.proposal import reply_schema
from litecoop_mlir.proposers.request import ProposalRequest
from litecoop_mlir.space.apply import render_lowering_config, render_translation_info
from litecoop_mlir.space.legality import validate
from litecoop_mlir.space.moves import legal_tile_sizes, move_spaces, tile_rules
from litecoop_mlir.space.script import effective_kernel
from litecoop_mlir.space.script_knobs import KNOBS, script_levels
from litecoop_mlir.space.script_render import render_sequence
from litecoop_mlir.space.vocabulary import FLAGS, IllegalTransform, SetCodegenMode, SetOption, SetScriptKnob, Transform, transform_to_json
from litecoop_mlir.targets.gpu import GPU_OPTIONS
from litecoop_mlir.targets.machine import MachineModel
from litecoop_mlir.targets.strategy import DOCS, configured_for


def _script_mode_doc(kernel: Kernel) -> str:
    return ("replace IREE's codegen pipeline for this dispatch by a transform-dialect script built from the current "
            "tiles (" + ", ".join(f"{lv} = {what}" for lv, what in script_levels(kernel).items())
            + "); script nodes then take `script` knob moves and those three tile levels")

CONTEXT_OPEN, CONTEXT_CLOSE = "<context>", "</context>"
CHARS_PER_TOKEN = 4

SYSTEM = """\
You tune IREE codegen configurations for one dispatch of an MLIR module. Several models of \
different size and price take turns on one search tree; you expand one node: propose the next \
transforms, and name the model (from `models`) that should expand next. Cheap models should do \
routine steps; name a larger model only when a hard decision is due.

Reply with ONE JSON object and nothing else, matching this JSON schema:
{schema}
Example (a matmul; two children of the current node and one built on the first):
{example}
Each step is a child of the current node ("after": "$0") or of an earlier step of your reply \
("after": "$1" = step 1). Use only what `legal_moves` lists: for a tile level, a tuple from \
`legal_sizes` (these are legal from the current node, all rules checked together); where \
`more_legal` says more exist, other tuples must meet the level's `rules`. Flags, options, \
pipelines and script knobs take the listed values; `codegen` turns the node into a codegen script \
(shown as `script_ir` once it is one). Module-wide flags come before any tiling. \
`suggested_steps` are a cost model's estimates, not measurements. Do not propose a script \
listed under `tried`. `feedback` says why steps of the previous reply were rejected."""

def example_reply(machine: MachineModel) -> dict[str, object]:
    """The worked example of the system prompt, legal on `machine`: an f32 register tile of two
    vectors per row and as many rows as its vector registers hold (at most 8), beside the accumulators
    the B operand vectors and one broadcast A element."""
    lanes = machine.lanes(4)
    rows = max(1, min(8, (machine.vector_registers - 3) // 2))
    regs = 2 * rows + 3
    return {"steps": [{"transforms": [{"op": "tile", "level": "vector_common_parallel", "sizes": [rows, 2 * lanes, 0]}],
                       "after": "$0"},
                      {"transforms": [{"op": "flag", "name": "data_tiling", "value": "true"}], "after": "$0"},
                      {"transforms": [{"op": "tile", "level": "vector_reduction", "sizes": [0, 0, 4]}], "after": "$1"}],
            "next_model": "small-model",
            "reasoning": f"{rows}x{2 * lanes} register tile uses {regs} of {machine.vector_registers} vector registers; "
                         "data tiling packs B"}


@dataclass(frozen=True)
class Budget:
    """How much of each section a prompt carries."""

    name: str
    tuples: int  # listed legal tuples per tile level
    tried: int  # tried scripts listed
    suggestions: int
    ir: bool  # the root op's IR and the configuration as IREE attributes
    ancestors: bool  # parent and grandparent
    words: bool  # a line of meaning per level, flag and option, and each level's rules


FULL = Budget("full", 32, 40, 6, True, True, True)
COMPACT = Budget("compact", 8, 12, 3, False, False, False)
MINIMAL = Budget("minimal", 4, 4, 2, False, False, False)


def budget_for(request: ProposalRequest) -> Budget:
    """The full prompt for the largest (most expensive) model of the roster, else the compact one."""
    ranked = sorted(request.roster, key=lambda m: (m.get("usd_per_1k_tokens", 0), m.get("params_b", 0)))
    largest = ranked[-1]["name"] if ranked else request.model
    return FULL if request.model == largest or len(ranked) <= 1 else COMPACT


def _legal(request: ProposalRequest, transform: Transform) -> bool:
    try:
        validate(request.kernel, request.node.script, transform, request.target, request.machine)
    except IllegalTransform:
        return False
    return True


def _legal_moves(request: ProposalRequest, budget: Budget) -> list[dict[str, Any]]:
    k, script = request.kernel, request.node.script
    ck = effective_kernel(k, script)
    current = script.resolve(ck)
    out: list[dict[str, Any]] = []
    for sp in move_spaces(k, script, request.target):
        entry: dict[str, Any]
        if sp.op == "tile":
            legal, total = legal_tile_sizes(k, script, sp.level, request.target, machine=request.machine, cap=budget.tuples,
                                            space=sp)
            entry = {"op": "tile", "level": sp.level, "meaning": DOCS.get(sp.level, ""),
                     "current": list(current.tile_map.get(sp.level, ())), "legal_sizes": [list(t) for t in legal]}
            if total > len(legal):
                entry["more_legal"] = total - len(legal)
                entry["rules"] = tile_rules(ck, sp.level, request.machine, request.target)
        elif sp.op == "flag":
            entry = {"op": "flag", "name": sp.name, "values": list(sp.values), "meaning": FLAGS[sp.name].doc}
        elif sp.op == "option":
            on = sp.name in current.options
            if not _legal(request, SetOption(sp.name, not on)):
                continue  # e.g. turning peeling off would leave the current tiles ragged
            entry = {"op": "option", "name": sp.name, "values": [True, False], "current": on, "meaning": DOCS.get(sp.name, "")}
        elif sp.op == "pipeline":
            entry = {"op": "pipeline", "values": list(sp.values), "meaning": {p: DOCS.get(p, "") for p in sp.values}}
        elif sp.op == "codegen":
            if request.codegen == "attributes" or not _legal(request, SetCodegenMode("script")):
                continue  # alone it breaks a rule here (e.g. partial tiles want pad = on): the suggested steps convert
            entry = {"op": "codegen", "values": list(sp.values), "meaning": _script_mode_doc(ck)}
        elif sp.op == "script":
            now = dict(current.knobs).get(sp.name)
            values = [v for v in sp.values if v == now or _legal(request, SetScriptKnob(sp.name, v))]
            if values == [now]:
                continue  # every other value breaks a rule at this node
            entry = {"op": "script", "name": sp.name, "values": values, "current": now, "meaning": KNOBS[sp.name].doc}
        elif sp.op == "gpu":
            entry = {"op": "gpu", "name": sp.name, "values": list(sp.values), "current": dict(current.gpu).get(sp.name, "default"),
                     "meaning": GPU_OPTIONS[sp.name][1]}
        else:
            entry = {**sp.to_json(), "current": list(current.workgroup_size),
                     "meaning": "GPU workgroup size (x, y, z); it follows the tiles unless set, and must match them"}
        if not budget.words:  # compact: the moves alone (only listed tuples are offered)
            entry = {key: v for key, v in entry.items() if key not in ("meaning", "rules", "more_legal")}
        out.append(entry)
    return out


def _suggestions(request: ProposalRequest, n: int) -> list[dict[str, Any]]:
    """The steps the built-in model of the kernel's target suggests (its strategy's `heuristic`)."""
    return _SUGGESTERS.get(configured_for(request.kernel).heuristic, _cpu_suggestions)(request, n)


def _cpu_suggestions(request: ProposalRequest, n: int) -> list[dict[str, Any]]:
    """The module-wide flags known to transform this class of kernel, untried, then the cost
    model's best-estimated steps."""
    r = request
    probes = [{"transforms": [transform_to_json(t) for t in moves], "why": "known to transform this kind of kernel; untried"}
              for moves in probe_steps(r.kernel, r.node.script, r.target, r.machine, r.tried, r.codegen)]
    ranked = ranked_steps(r.kernel, r.node.script, r.target, r.machine, r.tried)
    return (probes + [{"transforms": [transform_to_json(t) for t in moves], "estimate": round(est, 3)}
                      for est, _, moves in ranked])[:n]


def _gpu_suggestions(request: ProposalRequest, n: int) -> list[dict[str, Any]]:
    """The GPU model's best joint tile steps (litecoop_mlir.proposers.gpu_heuristic)."""
    r = request
    return [{"transforms": [transform_to_json(t) for t in moves], "score": round(score, 2)}
            for score, moves in gpu_ranked_steps(r.kernel, r.node.script, r.target, r.tried, n)]


_SUGGESTERS = {"cpu": _cpu_suggestions, "gpu": _gpu_suggestions}


def _config_ir(request: ProposalRequest) -> dict[str, str]:
    k = effective_kernel(request.kernel, request.node.script)
    cfg = request.node.script.resolve(k)
    try:
        return {"lowering_config": render_lowering_config(k, cfg), "translation_info": render_translation_info(k, cfg, new_context())}
    except Exception:  # noqa: BLE001 - a kernel without IREE attributes (tests): leave it out
        return {}


def _machine(r: ProposalRequest) -> dict[str, Any]:
    """What the dispatch runs on: the GPU's limits and intrinsics as IREE states them, or the CPU."""
    return configured_for(r.kernel).machine_facts(r.kernel, r.machine)


def context(request: ProposalRequest, budget: Budget = FULL) -> dict[str, Any]:
    """The JSON context of one request at `budget` (what the model needs, nothing else)."""
    k, r = request.kernel, request
    b = r.baseline_ms
    cfg = r.node.script.resolve(effective_kernel(k, r.node.script))
    kernel: dict[str, Any] = {
        "kind": k.kind, "root_op": k.root_op, "loop_bounds": list(k.loop_bounds), "iterator_types": list(k.iterator_types),
        "dims": {n: list(v) for n, v in k.dims.items()}, "element_type": k.element_type, "operand_types": list(k.operand_types),
        "iree_default": {"pipeline": k.pipeline, "tiles": {n: list(v) for n, v in k.default_tiles.items()}},
    }
    current = {**r.node.to_json(b), "config": cfg.canonical()}
    if budget.ir:
        kernel["ir"] = k.root_ir
        current["config_ir"] = _config_ir(request)
        if cfg.scripted:
            current["script_ir"] = render_sequence(effective_kernel(k, r.node.script), cfg.tile_map, dict(cfg.knobs))
    tried = sorted(r.tried_nodes, key=lambda v: (v.latency_ms is None, v.latency_ms or 0.0))[: budget.tried]
    ctx: dict[str, Any] = {
        "kernel": kernel,
        "target": r.target,
        "machine": _machine(r),
        "baseline_ms": round(b, 4),
        "current": current,
        "best_so_far": r.best.to_json(b) if r.best else None,
        "feedback": list(r.feedback),
        "legal_moves": _legal_moves(request, budget),
        "suggested_steps": _suggestions(request, budget.suggestions),
        "tried": [v.to_json(b) for v in tried],
        "children": [c.to_json(b) for c in r.children[-8:]],
        "models": r.roster,
        "you_are": r.model,
        "prompt": budget.name,
        "budget_left": r.budget_left,
        "steps_wanted": r.steps_wanted,
    }
    if budget.ancestors:
        ctx["parent"] = r.parent.to_json(b) if r.parent else None
        ctx["grandparent"] = r.grandparent.to_json(b) if r.grandparent else None
    return ctx


def system_prompt(machine: MachineModel) -> str:
    """The instructions, the reply schema and an example legal on `machine`."""
    return SYSTEM.format(schema=json.dumps(reply_schema(), separators=(",", ":")), example=json.dumps(example_reply(machine)))


def render_messages(request: ProposalRequest, budget: Budget | None = None) -> list[dict[str, str]]:
    """The messages for `request`: at `budget` (default: by the model's rank), shrunk until they
    fit within a quarter of the model's context size."""
    chosen = budget or budget_for(request)
    limit = (request.context_tokens or 1 << 30) * CHARS_PER_TOKEN // 4
    for b in (chosen, COMPACT, MINIMAL) if chosen is FULL else (chosen, MINIMAL):
        ctx = json.dumps(context(request, b), separators=(",", ":"))
        user = f"Propose {request.steps_wanted} step(s) for the current node.\n{CONTEXT_OPEN}\n{ctx}\n{CONTEXT_CLOSE}"
        messages = [{"role": "system", "content": system_prompt(request.machine)}, {"role": "user", "content": user}]
        if sum(len(m["content"]) for m in messages) <= limit:
            break
    return messages


def corrective_message(reason: str) -> dict[str, str]:
    """The re-ask after an invalid reply: the exact error, and the schema again."""
    return {"role": "user", "content": f"Your reply was rejected: {reason[:600]}\nReply again with one JSON object only, "
                                       f"matching: {json.dumps(reply_schema(), separators=(',', ':'))}"}
