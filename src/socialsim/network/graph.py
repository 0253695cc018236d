"""The social graph as a compressed sparse row (CSR) adjacency.

Every process of the model that spreads something between fans (word of mouth, a public
complaint seen by onlookers, an advocate's pitch) reads the graph through
:class:`SocialGraph`. Information flows along arcs: an arc ``u -> v`` means that ``v`` sees
what ``u`` posts, so row ``u`` of the adjacency lists ``u``'s *audience*. An undirected graph
is stored with both arcs of every edge.

networkx graphs are accepted as input (:meth:`SocialGraph.from_networkx`) but never used on the
hot path: the model touches only the ``indptr`` and ``indices`` arrays.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from socialsim.constraints import Interval
from socialsim.network.inputs import check_weights, labels, read_weight

if TYPE_CHECKING:
    import networkx as nx
    import scipy.sparse as sp

__all__ = ["MAX_NODES", "GraphWarning", "SocialGraph", "distinct"]

#: The most nodes a graph can have: node positions are stored as 32-bit ints (``indices``).
MAX_NODES = 2**31 - 1


class GraphWarning(UserWarning):
    """Issued when an input graph had self-loops or duplicate edges that were dropped."""


@dataclass(frozen=True, eq=False)
class SocialGraph:
    """A fan population's social graph in CSR form.

    Parameters
    ----------
    indptr : numpy.ndarray of int64, shape (n_nodes + 1,)
        Row pointers: the audience of node ``u`` is ``indices[indptr[u]:indptr[u + 1]]``.
    indices : numpy.ndarray of int32
        Column indices, sorted within each row, without self-loops or duplicates.
    directed : bool
        Whether the graph came from directed (follower) relations. An undirected graph stores
        both arcs of each edge.
    node_ids : numpy.ndarray, optional
        The original label of each node (for graphs loaded from files or networkx).
        ``None`` means the labels are ``0 .. n_nodes - 1``.
    weights : numpy.ndarray of float32, optional
        Tie strength of each stored arc, aligned with ``indices``; ``None`` means every tie has
        strength 1.

    Examples
    --------
    >>> import numpy as np
    >>> g = SocialGraph.from_edges([0, 1, 2], [1, 2, 0], n_nodes=3, directed=False)
    >>> g.n_nodes, g.n_edges
    (3, 3)
    >>> g.audience(0).tolist()
    [1, 2]
    """

    indptr: np.ndarray
    indices: np.ndarray
    directed: bool
    node_ids: np.ndarray | None = None
    weights: np.ndarray | None = field(default=None)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_edges(
        cls,
        sources: np.typing.ArrayLike,
        targets: np.typing.ArrayLike,
        n_nodes: int,
        *,
        directed: bool,
        weights: np.typing.ArrayLike | None = None,
        node_ids: np.ndarray | None = None,
        warn: bool = False,
        origin: str = "the edge list",
    ) -> SocialGraph:
        """Build a graph from arrays of edge endpoints numbered ``0 .. n_nodes - 1``.

        Self-loops and duplicate edges are dropped. With ``warn=True`` (what the file loaders
        use) a :class:`GraphWarning` gives their counts; generators, which may draw duplicates
        by design, leave it off.

        Parameters
        ----------
        sources, targets : array_like of int
            Endpoints of each edge; for a directed graph, information flows from source to target.
        n_nodes : int
            Number of nodes, including isolated ones.
        directed : bool
            Keep arcs one-way (True) or store both directions of every edge (False).
        weights : array_like of float, optional
            Tie strength of each edge: finite and non-negative. Where an edge is listed more
            than once, the first listed weight is kept; in an undirected graph ``u v`` and
            ``v u`` are the same edge, so both arcs get the same strength.
        node_ids : numpy.ndarray, optional
            Original labels of the nodes, kept for output.
        warn : bool, default False
            Warn with the counts of dropped self-loops and duplicates.
        origin : str
            How to name the input in the warning and errors.

        Returns
        -------
        SocialGraph

        Raises
        ------
        ValueError
            For endpoints of different lengths, or a node outside ``0 .. n_nodes - 1``.
        socialsim.network.inputs.GraphFileError
            For a weight that is negative, infinite or NaN, naming ``origin`` and the edge.

        Examples
        --------
        >>> g = SocialGraph.from_edges([0, 0, 1], [1, 1, 1], n_nodes=2, directed=True)
        >>> g.n_edges
        1
        >>> g = SocialGraph.from_edges([1, 2], [2, 1], 3, directed=False, weights=[0.5, 3.0])
        >>> g.weights.tolist()
        [0.5, 0.5]
        """
        n_nodes = Interval(0, MAX_NODES, integer=True).check("n_nodes", n_nodes)
        src = np.asarray(sources, dtype=np.int64).ravel()
        dst = np.asarray(targets, dtype=np.int64).ravel()
        if src.shape != dst.shape:
            raise ValueError(
                f"sources and targets must have the same length. "
                f"Got {src.size} and {dst.size} instead."
            )
        # The compiled CSR build trusts these: an edge outside the graph must stop here.
        if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n_nodes):
            ends = np.concatenate([src, dst])
            bad = int(ends[(ends < 0) | (ends >= n_nodes)][0])
            raise ValueError(
                f"The 'sources' and 'targets' parameters must be node numbers from 0 to "
                f"n_nodes - 1 = {n_nodes - 1}. Got {bad} instead."
            )
        w = None
        if weights is not None:
            w = np.asarray(weights, dtype=np.float64).ravel()
            check_weights(w, src, dst, node_ids, origin)
            w = w.astype(np.float32)
        loops = src == dst
        n_loops = int(np.count_nonzero(loops))
        if n_loops:
            keep = ~loops
            src, dst = src[keep], dst[keep]
            w = None if w is None else w[keep]
        n_given = src.size
        if not directed and w is not None:
            # u v and v u are one edge: keep its first listing for both arcs, never two strengths.
            low, high = np.minimum(src, dst), np.maximum(src, dst)
            first = _first_of_each((low << 32) | high)
            src, dst, w = low[first], high[first], w[first]
        from socialsim.network.csr import csr_rows  # compiled: loads numba

        indptr, indices, strength = csr_rows(
            src, dst, np.empty(0, np.float32) if w is None else w, n_nodes, not directed
        )
        w = None if w is None else strength
        n_dupes = n_given - (indices.size if directed else indices.size // 2)
        if warn and (n_loops or n_dupes):
            kept = " (the first listed weight of each is kept)" if n_dupes and w is not None else ""
            warnings.warn(
                f"{origin}: dropped {n_loops} self-loop(s) and {n_dupes} duplicate edge(s){kept}.",
                GraphWarning,
                stacklevel=2,
            )
        return cls(
            indptr=indptr,
            indices=indices,
            directed=directed,
            node_ids=node_ids,
            weights=w,
        )

    @classmethod
    def from_networkx(
        cls, graph: nx.Graph, *, weight: str | None = "weight", origin: str = "the networkx graph"
    ) -> SocialGraph:
        """Convert a networkx graph; node labels are kept in :attr:`node_ids`.

        Labels may be any hashable objects (tuples from ``grid_2d_graph``, ints and strings
        mixed): :attr:`node_ids` holds them as they are, in an int64 array when every label is
        an int and an object array otherwise.

        Parameters
        ----------
        graph : networkx.Graph or networkx.DiGraph
            A directed graph's arc ``u -> v`` means that ``v`` sees ``u``'s posts.
        weight : str or None, default "weight"
            Edge attribute read as tie strength. When some edge has it, every weight must be a
            finite non-negative number (or text that reads as one), and an edge without it has
            strength 1 (GEXF's default, and networkx's); when no edge has it, the graph is
            unweighted.
        origin : str
            How to name the input in the warning about dropped self-loops and duplicates, and
            in errors.

        Raises
        ------
        socialsim.network.inputs.GraphFileError
            For a bad weight, naming ``origin`` and the edge.

        Examples
        --------
        >>> import networkx as nx
        >>> g = SocialGraph.from_networkx(nx.path_graph(["a", "b", "c"]))
        >>> g.node_ids.tolist(), g.audience(1).tolist()
        (['a', 'b', 'c'], [0, 2])
        >>> SocialGraph.from_networkx(nx.grid_2d_graph(2, 2)).node_ids.tolist()
        [(0, 0), (0, 1), (1, 0), (1, 1)]
        >>> bad = nx.Graph([(1, 2, {"weight": float("nan")})])
        >>> SocialGraph.from_networkx(bad)
        Traceback (most recent call last):
        ...
        socialsim.network.inputs.GraphFileError: the networkx graph: edge 1 2: expected a non-negative number as weight, got nan
        """
        nodes = list(graph.nodes)
        if not nodes:
            raise ValueError(
                "The 'graph' parameter must have at least one node. Got an empty graph."
            )
        position = {node: i for i, node in enumerate(nodes)}
        edges = list(graph.edges(data=weight if weight else False))
        src = np.fromiter((position[e[0]] for e in edges), dtype=np.int64, count=len(edges))
        dst = np.fromiter((position[e[1]] for e in edges), dtype=np.int64, count=len(edges))
        weights = None
        if weight and any(e[2] is not None for e in edges):
            weights = np.fromiter(
                (read_weight(e[2], e, origin) for e in edges), dtype=np.float64, count=len(edges)
            )
        return cls.from_edges(
            src,
            dst,
            len(nodes),
            directed=graph.is_directed(),
            weights=weights,
            node_ids=labels(nodes),
            warn=True,
            origin=origin,
        )

    # ------------------------------------------------------------------ size and degrees
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return self.indptr.size - 1

    @property
    def n_arcs(self) -> int:
        """Number of stored arcs (twice the edges of an undirected graph)."""
        return int(self.indices.size)

    @property
    def n_edges(self) -> int:
        """Number of edges: arcs for a directed graph, arc pairs for an undirected one."""
        return self.n_arcs if self.directed else self.n_arcs // 2

    @cached_property
    def out_degree(self) -> np.ndarray:
        """Audience size of each node: how many fans see its posts."""
        return np.diff(self.indptr).astype(np.int64)

    @cached_property
    def in_degree(self) -> np.ndarray:
        """How many nodes each node sees posts from."""
        if not self.directed:
            return self.out_degree
        return np.bincount(self.indices, minlength=self.n_nodes).astype(np.int64)

    @cached_property
    def sources(self) -> np.ndarray:
        """Source node of each stored arc, aligned with :attr:`indices`."""
        return np.repeat(np.arange(self.n_nodes, dtype=np.int32), self.out_degree)

    def audience(self, node: int) -> np.ndarray:
        """The nodes that see ``node``'s posts."""
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    # ------------------------------------------------------------------ hot-path helpers
    def arcs_from(self, senders: np.ndarray) -> np.ndarray:
        """Positions (into :attr:`indices`) of every arc leaving ``senders``.

        The cost is proportional to the senders' total audience, not to the graph, which is
        what keeps a day of word of mouth cheap when few fans talk.

        Examples
        --------
        >>> g = SocialGraph.from_edges([0, 0, 1], [1, 2, 2], n_nodes=3, directed=True)
        >>> g.indices[g.arcs_from(np.array([0]))].tolist()
        [1, 2]
        """
        from socialsim.network.csr import arcs_of

        return arcs_of(self.indptr, np.asarray(senders, dtype=np.int64))

    def count_from(self, mask: np.ndarray) -> np.ndarray:
        """For every node, how many of the nodes it sees posts from have ``mask`` set.

        A full pass over the arcs; used by rules that look at the whole neighbourhood
        (threshold and Bass adoption).
        """
        return np.bincount(
            self.indices, weights=mask[self.sources].astype(np.float64), minlength=self.n_nodes
        )

    # ------------------------------------------------------------------ conversion
    def to_scipy(self) -> sp.csr_array:
        """The adjacency as a :class:`scipy.sparse.csr_array` (tie strengths as data)."""
        import scipy.sparse as sp  # only here: importing socialsim need not pay for scipy

        data = np.ones(self.n_arcs, dtype=np.float32) if self.weights is None else self.weights
        return sp.csr_array((data, self.indices, self.indptr), shape=(self.n_nodes,) * 2)

    def to_networkx(self) -> nx.Graph:
        """The graph as a networkx ``Graph`` or ``DiGraph`` on nodes ``0 .. n_nodes - 1``."""
        import networkx as nx

        graph = nx.DiGraph() if self.directed else nx.Graph()
        graph.add_nodes_from(range(self.n_nodes))
        src = self.sources
        keep = slice(None) if self.directed else src < self.indices
        graph.add_edges_from(zip(src[keep].tolist(), self.indices[keep].tolist(), strict=True))
        return graph


def _fresh(ordered: np.ndarray) -> np.ndarray:
    """Mask of the first entry of each run of equal values in a sorted array."""
    fresh = np.empty(ordered.size, dtype=bool)
    fresh[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=fresh[1:])
    return fresh


def _first_of_each(keys: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct key, in key order."""
    order = np.argsort(keys, kind="stable")
    return order[_fresh(keys[order])]


# One work table per thread, reused across calls: a fresh table of n entries a day would be
# paged in again every time. Its contents mean nothing between calls.
_work = threading.local()


def work_table(n_nodes: int) -> np.ndarray:
    """This thread's scratch table of at least ``n_nodes`` int64 entries, holding stale values."""
    table = getattr(_work, "table", None)
    if table is None or table.size < n_nodes:
        table = _work.table = np.empty(n_nodes, dtype=np.int64)
    return table


def distinct(nodes: np.ndarray, n_nodes: int) -> np.ndarray:
    """Each value of ``nodes`` (in ``0 .. n_nodes - 1``) once, in no particular order.

    Costs as much as ``nodes`` is long, without sorting: every value keeps the position that was
    written last for it in a table of ``n_nodes`` entries.

    Examples
    --------
    >>> sorted(distinct(np.array([3, 1, 3, 3, 0]), 5).tolist())
    [0, 1, 3]
    """
    from socialsim.network.csr import distinct_of

    return distinct_of(np.asarray(nodes, dtype=np.int64), work_table(n_nodes))


def sum_by(nodes: np.ndarray, values: np.ndarray, n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``nodes`` and, for each, the sum of its ``values``, in a pass over ``nodes``.

    Equal to ``np.bincount(nodes, values, n_nodes)`` at the distinct nodes, added in the same
    order, without a table of ``n_nodes`` sums.

    Examples
    --------
    >>> people, total = sum_by(np.array([3, 1, 3]), np.array([1.0, 2.0, 4.0]), 5)
    >>> sorted(zip(people.tolist(), total.tolist()))
    [(1, 2.0), (3, 5.0)]
    """
    from socialsim.network.csr import sums_of

    nodes = np.asarray(nodes, dtype=np.int64)
    return sums_of(nodes, np.asarray(values, dtype=np.float64), work_table(n_nodes))
