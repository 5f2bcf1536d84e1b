"""The dispatch graph of a module: which dispatches IREE forms and how data flows between them.

Read from the module at the `flow` phase (`%r = flow.dispatch @exe::@entry(%a, %b)`): nodes
are executables (with the root op's kind, loops and flops from the configured kernels),
edges go from the dispatch producing a tensor to each dispatch consuming it, through any
reshapes between them. A pipeline move that changes fusion changes this graph; models see it.
"""

from __future__ import annotations

import math
import re
from typing import Iterable, Mapping

import networkx as nx

from litecoop_mlir.ir.workload import Kernel, Workload
from litecoop_mlir.iree.compiler import configure

_DEF = re.compile(r"^\s*(%[\w#:]+(?:\s*,\s*%[\w#:]+)*)\s*=\s*(.*)$")
_DISPATCH = re.compile(r"flow\.dispatch\s+@([\w$.-]+)::@([\w$.-]+)")
_VALUE = re.compile(r"%[\w]+")


def _host_lines(flow_ir: str) -> list[str]:
    """The lines of the public entry functions (outside flow.executable bodies)."""
    lines, inside, depth = [], False, 0
    for line in flow_ir.splitlines():
        if not inside and re.match(r"\s*util\.func\s+public", line):
            inside, depth = True, 0
        if inside:
            lines.append(line)
            depth += line.count("{") - line.count("}")
            if depth <= 0 and "}" in line:
                inside = False
    return lines


def dispatch_graph(flow_ir: str, kernels: Iterable[Kernel] = (), shares: Mapping[str, float] | None = None) -> nx.DiGraph:
    """Nodes: executable names (attrs kind, loops, flops, share, calls); edges: producer -> consumer."""
    by_name = {k.executable: k for k in kernels}
    g = nx.DiGraph()
    producers: dict[str, set[str]] = {}  # SSA value -> dispatches it comes from
    for line in _host_lines(flow_ir):
        m = _DEF.match(line)
        if not m:
            continue
        results = [r.split(":")[0].split("#")[0] for r in re.findall(r"%[\w#:]+", m.group(1))]
        body = m.group(2)
        operands = [v for v in _VALUE.findall(body.split(":")[0] if "flow.dispatch" not in body else body.split(") :")[0])]
        d = _DISPATCH.search(body)
        if d is None:  # reshapes, imports, constants: pass their sources on
            src = set().union(*(producers.get(v, set()) for v in operands)) if operands else set()
            for r in results:
                producers[r] = src
            continue
        exe = d.group(1)
        if exe not in g:
            k = by_name.get(exe)
            g.add_node(exe, kind=k.kind if k else "?", loops=list(k.loop_bounds) if k else [], flops=k.flops if k else 0,
                       share=(shares or {}).get(exe, 0.0), calls=0, mnk=_mnk(k) if k else "")
        g.nodes[exe]["calls"] += 1
        for v in operands:
            for p in producers.get(v, set()):
                if p != exe:
                    g.add_edge(p, exe)
        for r in results:
            producers[r] = {exe}
    return g


def _mnk(k: Kernel) -> str:
    """A contraction's M, N and K, each the product of its loop group ("" where unknown): the sizes
    a matmul pads and tiles, where the loops alone show heads and head sizes apart (4x32, not 128)."""
    if k.kind != "contraction" or not all(k.dims.get(d) for d in "mnk"):
        return ""
    return "x".join(str(math.prod(k.loop_bounds[i] for i in k.dims[d])) for d in "mnk")


def graph_summary(g: nx.DiGraph) -> list[dict[str, object]]:
    """The graph as a model reads it: one entry per dispatch in topological order, with its
    share of the measured time (`time_share`) where profiled, else of the flops (`flops_share`)."""
    order = list(nx.topological_sort(g)) if nx.is_directed_acyclic_graph(g) else list(g.nodes)
    timed = any(g.nodes[n]["share"] for n in g.nodes)
    flops = sum(g.nodes[n]["flops"] * g.nodes[n]["calls"] for n in g.nodes) or 1
    out = []
    for n in order:
        a = g.nodes[n]
        share = ("time_share", float(a["share"])) if timed else ("flops_share", a["flops"] * a["calls"] / flops)
        out.append({"dispatch": n, "root": a["kind"], "loops": "x".join(map(str, a["loops"])) or "?",
                    **({"mnk": a["mnk"]} if a.get("mnk") else {}),
                    share[0]: round(share[1], 3), "calls": a["calls"], "inputs_from": sorted(g.predecessors(n))})
    return out


def module_graph(workload: Workload, extra_flags: tuple[str, ...] = (), shares: Mapping[str, float] | None = None) -> nx.DiGraph:
    """The dispatches of `workload` under `extra_flags` and the data flowing between them (read at
    the flow phase; nodes carry root kind, loops, flops, calls and `shares` of the time where given)."""
    flow = configure(workload.source, workload.filename, workload.target, (*workload.base_flags, *extra_flags), workload.limits,
                     phase="flow")
    return dispatch_graph(flow, workload.kernels(extra_flags), shares)
