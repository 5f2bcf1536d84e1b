"""The shared search tree: nodes with scripts, visit counts, rewards and who expanded what.

One engine for every level: a codegen tree's nodes hold scripts, the pass-pipeline level's nodes
(`search.pass_pipelines.PipelineNode`, a Node) hold pipelines; both are selected by the same
LLM-aware UCT and rewarded by the same `reward`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterator

from litecoop_mlir.core.records import Measurement
from litecoop_mlir.space.script import Script

#: Speedups at or beyond these map to reward 1 / 0.
REWARD_MAX_SPEEDUP = 4.0


def reward(measurement: Measurement | None, baseline_ms: float) -> float:
    """Reward of a measured candidate, in [0, 1].

    r = clamp(0.5 + 0.5 * log(s) / log(4), 0, 1) with s = baseline_ms / median_ms:
    0.5 at the baseline's speed, 0.75 at 2x, 1 at 4x or more, 0.25 at half speed,
    0 at a quarter. Failures of any kind (compile error, timeout, crash, wrong
    numbers, no timing) get 0, the worst reward.
    """
    if measurement is None or not measurement.ok or not measurement.median_ms > 0 or not baseline_ms > 0:
        return 0.0
    s = baseline_ms / measurement.median_ms
    return min(1.0, max(0.0, 0.5 + 0.5 * math.log(s) / math.log(REWARD_MAX_SPEEDUP)))


@dataclass(eq=False)
class Node:
    """One node: a script, what measuring it gave, and its statistics.

    Attributes:
        script: transforms from the root (the root's is empty: IREE's default).
        key: canonical key of the resolved script (two paths, one configuration).
        expanded_by: the model whose proposal created this node ("" for the root).
        next_model: the model chosen to expand this node.
        visits, total_reward: UCT statistics (backpropagated).
        measurement: the candidate's measurement (None while pending).
        expansions: how many times a model was asked to expand this node.
        exhausted: no model found anything new to propose here.
    """

    id: int
    script: Script
    key: str
    parent: Node | None = None
    expanded_by: str = ""
    next_model: str = ""
    reasoning: str = ""
    children: list[Node] = field(default_factory=list)
    visits: int = 0
    total_reward: float = 0.0
    measurement: Measurement | None = None
    expansions: int = 0
    failed_expansions: int = 0
    exhausted: bool = False
    busy: bool = False  # a model turn at this node is in flight
    virtual: int = 0  # expansions in flight in this subtree (virtual loss)

    @property
    def q(self) -> float:
        """Mean reward; an expansion in flight counts as a visit with reward 0 (virtual loss)."""
        n = self.visits + self.virtual
        return self.total_reward / n if n else 0.0

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    @property
    def ok(self) -> bool:
        return self.measurement is not None and self.measurement.ok

    @property
    def latency_ms(self) -> float | None:
        return self.measurement.median_ms if self.ok else None  # type: ignore[union-attr]

    @property
    def status(self) -> str:
        return "pending" if self.measurement is None else self.measurement.status.value

    def ancestors(self) -> Iterator[Node]:
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


class Tree:
    """The tree of one dispatch's search. Nodes are indexed by id and by canonical key."""

    def __init__(self, root_key: str, first_model: str, root: Node | None = None) -> None:
        """A tree whose root is IREE's default (`root`: a prepared root node, e.g. a pipeline node)."""
        self.root = root if root is not None else Node(0, Script(), root_key, next_model=first_model)
        self.nodes: list[Node] = [self.root]
        self.by_key: dict[str, Node] = {self.root.key: self.root}
        self._next_id = 1

    def add(self, parent: Node, script: Script, key: str, *, expanded_by: str, next_model: str, reasoning: str = "",
            node_id: int | None = None) -> Node:
        """Add a child of `parent` (the caller checks `key` is new); `node_id` restores a stored id."""
        nid = self._next_id if node_id is None else node_id
        return self.attach(parent, Node(nid, script, key, parent, expanded_by, next_model, reasoning))

    def attach(self, parent: Node, node: Node) -> Node:
        """Add a prepared `node` (its id and key new) as a child of `parent`."""
        self._next_id = max(self._next_id, node.id + 1)
        node.parent = parent
        parent.children.append(node)
        self.nodes.append(node)
        self.by_key[node.key] = node
        return node

    def next_id(self) -> int:
        return self._next_id

    def reserve_id(self, node_id: int) -> None:
        """Never give `node_id` to a new node (a stored node that is not restored keeps its row)."""
        self._next_id = max(self._next_id, node_id + 1)

    def set_busy(self, node: Node, busy: bool) -> None:
        """Mark a model turn at `node` in flight (or done), with virtual loss on its path."""
        if node.busy == busy:
            return
        node.busy = busy
        n: Node | None = node
        while n is not None:
            n.virtual += 1 if busy else -1
            n = n.parent

    def backpropagate(self, node: Node, value: float) -> None:
        """Add one visit with `value` to `node` and every ancestor."""
        n: Node | None = node
        while n is not None:
            n.visits += 1
            n.total_reward += value
            n = n.parent

    def best(self) -> Node | None:
        """The measured node with the lowest median latency (on a tie, the shortest script)."""
        ranked = self.ranked()
        return ranked[0] if ranked else None

    def ranked(self) -> list[Node]:
        """Measured nodes, fastest first. Scripts that build the same binary share one measurement:
        the tie goes to the shorter script, so a move that changed nothing is not reported as part of a result."""
        ok = [n for n in self.nodes if n.ok]
        return sorted(ok, key=lambda n: (n.measurement.median_ms, len(n.script.transforms), n.id))  # type: ignore[union-attr]

    def __len__(self) -> int:
        return len(self.nodes)
