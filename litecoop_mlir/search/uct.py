"""LLM-aware UCT: which node to expand next, biased toward nodes a cheap model will expand.

Score of child c of p:  (1 - lambda) * Q(c) + lambda * phi(model(c)) + C * sqrt(ln N(p) / N(c)),
where model(c) is the model chosen to expand c and phi is 1 for the cheapest model and 0 for
the most expensive. Unvisited children come first, cheapest first. Expansions in flight
count as visits with reward 0 (virtual loss), so concurrent turns spread over the tree. A node may be expanded
again (progressive widening) while its expansions are at most widening * sqrt(N) + 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from litecoop_mlir.search.tree import Node, Tree


@dataclass(frozen=True)
class UCTConfig:
    """Selection tunables: lambda (cheap-model bias), C (exploration), widening, depth limit."""

    lam: float = 0.3
    exploration: float = 0.5
    widening: float = 0.5
    max_depth: int = 12

    def __post_init__(self) -> None:
        if not 0.0 <= self.lam <= 1.0:
            raise ValueError("lambda must be in [0, 1]")
        if self.exploration < 0 or self.widening < 0 or self.max_depth < 1:
            raise ValueError("exploration and widening must be >= 0, max_depth >= 1")


def uct_score(child: Node, parent_visits: int, phi: float, cfg: UCTConfig) -> float:
    """The LLM-aware UCT score (infinite for an unvisited child)."""
    n = child.visits + child.virtual
    if n == 0:
        return math.inf
    explore = math.sqrt(math.log(max(parent_visits, 1)) / n)
    return (1 - cfg.lam) * child.q + cfg.lam * phi + cfg.exploration * explore


def expandable(node: Node, cfg: UCTConfig) -> bool:
    """A measured, correct node that models have not exhausted, above the depth limit,
    with no model turn in flight."""
    return node.ok and not node.exhausted and not node.busy and node.depth < cfg.max_depth


def may_widen(node: Node, cfg: UCTConfig) -> bool:
    return node.expansions < 1 + int(cfg.widening * math.sqrt(node.visits))


def _alive(node: Node, cfg: UCTConfig, memo: dict[int, bool]) -> bool:
    if node.id not in memo:
        memo[node.id] = expandable(node, cfg) or any(_alive(c, cfg, memo) for c in node.children)
    return memo[node.id]


def best_child(node: Node, phi: Callable[[str], float], cfg: UCTConfig, candidates: list[Node] | None = None) -> Node:
    """The child with the highest score (unvisited first, cheapest model first; ties by id)."""
    kids = candidates if candidates is not None else node.children
    n = node.visits + node.virtual
    return max(kids, key=lambda c: (uct_score(c, n, phi(c.next_model), cfg), phi(c.next_model), -c.id))


def select(tree: Tree, phi: Callable[[str], float], cfg: UCTConfig) -> Node | None:
    """Descend from the root to the node to expand next; None when nothing is left to expand."""
    memo: dict[int, bool] = {}
    node = tree.root
    while True:
        if expandable(node, cfg) and (not node.children or may_widen(node, cfg)):
            return node
        live = [c for c in node.children if _alive(c, cfg, memo)]
        if not live:
            return node if expandable(node, cfg) else None
        node = best_child(node, phi, cfg, live)
