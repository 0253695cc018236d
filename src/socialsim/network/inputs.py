"""What a graph handed in must be: its edge weights, its node labels, and the error naming it.

Every reader (edge lists, CSV, GraphML, GEXF) and every graph handed to the model
(``EngagementModel(graph=...)``, :meth:`~socialsim.network.graph.SocialGraph.from_networkx`,
:meth:`~socialsim.network.graph.SocialGraph.from_edges`) follows one rule for weights: a finite,
non-negative number, or a one-line :class:`GraphFileError` naming the file (or graph) and the
edge. Node labels are kept as the objects they are.
"""

from __future__ import annotations

import contextlib
import math
import numbers
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

__all__ = ["GraphFileError", "check_weights", "labels", "read_weight", "weight_error"]


class GraphFileError(ValueError):
    """A graph or attributes file (or a graph object) that is missing, empty or malformed.

    The message names the file and, when the problem is on one line, its number (1-based; the
    header of a CSV file is line 1).

    Attributes
    ----------
    file : str
        The file, as named in the message (for a graph object, how it was named).
    line : int or None
        The first bad line, when there is one.
    problem : str
        What is wrong.

    Examples
    --------
    >>> str(GraphFileError("edges.txt", "expected two non-negative integer node ids, got 'a b'", 7))
    "edges.txt, line 7: expected two non-negative integer node ids, got 'a b'"
    """

    def __init__(self, file: str, problem: str, line: int | None = None) -> None:
        self.file, self.problem, self.line = file, problem, line
        where = file if line is None else f"{file}, line {line}"
        super().__init__(f"{where}: {problem}")

    def __reduce__(self) -> tuple[type[GraphFileError], tuple[str, str, int | None]]:
        # Rebuild from the parts, not the message, so the error survives being sent back from
        # a worker process.
        return type(self), (self.file, self.problem, self.line)


def labels(nodes: Sequence[Hashable]) -> np.ndarray:
    """The labels as they are: int64 when all are ints that fit, else objects (never a 2-D
    array of tuples, nor ints turned into strings)."""
    if all(
        isinstance(node, numbers.Integral)
        and not isinstance(node, bool)
        and -(2**63) <= node < 2**63
        for node in nodes
    ):
        return np.fromiter(nodes, dtype=np.int64, count=len(nodes))
    kept = np.empty(len(nodes), dtype=object)
    for i, node in enumerate(nodes):  # element by element: a tuple must stay one label
        kept[i] = node
    return kept


def read_weight(value: Any, edge: tuple, origin: str) -> float:
    """One edge's weight as a float: 1 when missing, an error naming the edge when bad."""
    if value is None:
        return 1.0
    number = math.nan
    if isinstance(value, numbers.Real | str) and not isinstance(value, bool):
        with contextlib.suppress(ValueError, OverflowError):  # not a number: refused below
            number = float(value)
    if not (math.isfinite(number) and number >= 0):
        raise weight_error(origin, edge[0], edge[1], value)
    return number


def check_weights(
    w: np.ndarray, src: np.ndarray, dst: np.ndarray, node_ids: np.ndarray | None, origin: str
) -> None:
    """Raise GraphFileError at the first weight that is negative, infinite or NaN."""
    if w.shape != src.shape:
        raise ValueError(
            f"weights must have one entry per edge. Got {w.size} for {src.size} edges instead."
        )
    bad = ~(np.isfinite(w) & (w >= 0))
    if bad.any():
        i = int(np.argmax(bad))
        u, v = (src[i], dst[i]) if node_ids is None else (node_ids[src[i]], node_ids[dst[i]])
        raise weight_error(origin, _item(u), _item(v), float(w[i]))


def weight_error(origin: str, u: Any, v: Any, weight: Any) -> GraphFileError:
    """The error for edge ``u v``'s bad weight, worded as the edge-list readers word it.

    >>> str(weight_error("g.gexf", "a", "b", "heavy"))
    "g.gexf: edge 'a' 'b': expected a non-negative number as weight, got 'heavy'"
    """
    return GraphFileError(
        origin, f"edge {u!r} {v!r}: expected a non-negative number as weight, got {weight!r}"
    )


def _item(label: Any) -> Any:
    return label.item() if isinstance(label, np.generic) else label
