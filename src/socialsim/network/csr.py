"""The graph's compiled loops: building its rows, and the lookups the phases make every day.

:meth:`SocialGraph.from_edges <socialsim.network.graph.SocialGraph.from_edges>` builds every
graph with :func:`csr_rows`. Sorting all arcs by a ``row << 32 | column`` key costs a sort of
the whole arc list and half a dozen passes over it (two thirds of a 1M-fan model's set-up,
docs/performance.md); placing each arc in its row by a count per row is one pass, and what is
left to sort is each row, a few dozen entries.

:func:`arcs_of`, :func:`distinct_of` and :func:`sums_of` are the loops behind
:meth:`~socialsim.network.graph.SocialGraph.arcs_from`, :func:`~socialsim.network.graph.distinct`
and :func:`~socialsim.network.graph.sum_by`: called a few times a day on a few hundred
entries, where the half dozen numpy calls each replaced cost more than the work. They give
the same arrays, in the same order, with the same sums (added in the same order); an index
out of range raises :class:`IndexError` as numpy does (``boundscheck``).

Kept in its own module so that importing the graph (as the scenario does for its limits)
does not load numba.
"""

from __future__ import annotations

import numpy as np

from socialsim.kernels import njit, prefetch

__all__ = ["arcs_of", "csr_rows", "distinct_of", "sums_of"]

# Rows are sorted by insertion, in place. A row longer than this (a hub) that needs more than
# _MOVES moves an entry is finished by merge sort instead: insertion costs its moves, which a
# hub listed in random order has by the thousand, but a generator's rows mostly arrive sorted
# already (a Barabási-Albert node's row is its own few picks, then the later nodes in order).
_SHORT = 16
_MOVES = 8


@njit(cache=True)
def csr_rows(
    sources: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray,
    n_nodes: int,
    both: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The CSR arrays of arcs ``sources[i] -> targets[i]``, duplicates dropped.

    Parameters
    ----------
    sources, targets : numpy.ndarray of int64
        Endpoints, in ``0 .. n_nodes - 1``; no self-loops.
    weights : numpy.ndarray of float32
        One per arc, or empty for none. Of an arc listed more than once, the first listed
        weight is kept.
    n_nodes : int
        Number of rows.
    both : bool
        Store each arc both ways (an undirected graph); the reverse arc comes right after its
        arc in the listing.

    Returns
    -------
    indptr : numpy.ndarray of int64, shape (n_nodes + 1,)
    indices : numpy.ndarray of int32
        Each row's columns, in increasing order, each once.
    weights : numpy.ndarray of float32
        Aligned with ``indices`` (empty when none were given).

    Examples
    --------
    >>> indptr, indices, _ = csr_rows(
    ...     np.array([0, 2, 0]), np.array([2, 1, 2]), np.empty(0, np.float32), 3, True
    ... )
    >>> indptr.tolist(), indices.tolist()
    ([0, 1, 2, 4], [2, 2, 0, 1])
    """
    weighted = weights.size > 0
    start = np.zeros(n_nodes + 1, dtype=np.int64)
    for i in range(sources.size):
        start[sources[i] + 1] += 1
        if both:
            start[targets[i] + 1] += 1
    for row in range(n_nodes):
        start[row + 1] += start[row]
    arcs = start[n_nodes]
    columns = np.empty(arcs, dtype=np.int32)
    strength = np.empty(arcs if weighted else 0, dtype=np.float32)
    cursor = start[:-1].copy()
    # In the order listed, so that within a row equal columns keep that order (first weight).
    for i in range(sources.size):
        for side in range(2 if both else 1):
            row, column = (sources[i], targets[i]) if side == 0 else (targets[i], sources[i])
            at = cursor[row]
            columns[at] = column
            if weighted:
                strength[at] = weights[i]
            cursor[row] = at + 1
    indptr = np.empty(n_nodes + 1, dtype=np.int64)
    kept = 0
    for row in range(n_nodes):
        indptr[row] = kept
        first, end = start[row], start[row + 1]
        _sort_row(columns, strength, first, end, weighted)
        for at in range(first, end):
            if at == first or columns[at] != columns[at - 1]:
                columns[kept] = columns[at]
                if weighted:
                    strength[kept] = strength[at]
                kept += 1
    indptr[n_nodes] = kept
    return indptr, columns[:kept].copy(), strength[: kept if weighted else 0].copy()


# Inlined: called once a row, a call cost about a tenth of the build at a million nodes.
@njit(cache=True, inline="always")
def _sort_row(
    columns: np.ndarray, strength: np.ndarray, first: int, end: int, weighted: bool
) -> None:
    """Sort ``columns[first:end]`` (and ``strength`` alike) stably, in place."""
    length = end - first
    # A short row is sorted by insertion whatever it costs (fewer than length ** 2 moves).
    moves = _MOVES * length if length > _SHORT else length * length
    for at in range(first + 1, end):
        column = columns[at]
        if columns[at - 1] <= column:
            continue
        weight = strength[at] if weighted else 0.0
        to = at
        while to > first and columns[to - 1] > column:
            columns[to] = columns[to - 1]
            if weighted:
                strength[to] = strength[to - 1]
            to -= 1
        columns[to] = column
        if weighted:
            strength[to] = weight
        moves -= at - to
        if moves < 0:
            # Insertion keeps equal columns in their order, and merge sort is stable: the
            # order of a column listed twice (which weight comes first) is kept.
            order = np.argsort(columns[first:end], kind="mergesort")
            columns[first:end] = columns[first:end][order]
            if weighted:
                strength[first:end] = strength[first:end][order]
            return


@njit(cache=True, boundscheck=True)
def arcs_of(indptr: np.ndarray, senders: np.ndarray) -> np.ndarray:
    """Positions of every arc leaving ``senders``, sender by sender, in row order.

    >>> arcs_of(np.array([0, 2, 3, 3]), np.array([1, 0])).tolist()
    [2, 0, 1]
    """
    total = 0
    for sender in senders:
        total += indptr[sender + 1] - indptr[sender]
    arcs = np.empty(total, dtype=np.int64)
    at = 0
    for sender in senders:
        for arc in range(indptr[sender], indptr[sender + 1]):
            arcs[at] = arc
            at += 1
    return arcs


# How many entries ahead a pass over nodes at random asks for their place in the table. At ten
# million people each is a cache miss (the table is 80 MB): replaying day 60's onlookers
# (197,349 of them), sums_of took 4.2-4.5 ms instead of 8.0-8.2.
_AHEAD = 16


@njit(cache=True, boundscheck=True)
def _last_positions(nodes: np.ndarray, table: np.ndarray) -> None:
    """``table[v]`` := the last position of ``v`` in ``nodes``."""
    for at in range(nodes.size):
        if at + _AHEAD < nodes.size:
            prefetch(table, nodes[at + _AHEAD])
        table[nodes[at]] = at


@njit(cache=True, boundscheck=True)
def distinct_of(nodes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Each value of ``nodes`` once, at its last position's place in their order.

    ``table`` is scratch space of at least ``max(nodes) + 1`` entries; what it holds is
    overwritten.

    >>> distinct_of(np.array([3, 1, 3, 0]), np.empty(4, np.int64)).tolist()
    [1, 3, 0]
    """
    _last_positions(nodes, table)
    kept = np.empty(nodes.size, dtype=np.int64)
    count = 0
    for at in range(nodes.size):
        if at + _AHEAD < nodes.size:
            prefetch(table, nodes[at + _AHEAD])
        if table[nodes[at]] == at:
            kept[count] = nodes[at]
            count += 1
    return kept[:count].copy()


@njit(cache=True, boundscheck=True)
def sums_of(
    nodes: np.ndarray, values: np.ndarray, table: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``nodes`` (as :func:`distinct_of`) and each one's sum of ``values``.

    Each sum adds its values in the order they come, starting from 0.0, as
    ``np.bincount(..., weights=values)`` does.

    >>> people, total = sums_of(np.array([3, 1, 3]), np.array([1.0, 2.0, 4.0]), np.empty(4, np.int64))
    >>> people.tolist(), total.tolist()
    ([1, 3], [2.0, 5.0])
    """
    _last_positions(nodes, table)
    group = np.empty(nodes.size, dtype=np.int64)
    count = 0
    for at in range(nodes.size):
        if at + _AHEAD < nodes.size:
            prefetch(table, nodes[at + _AHEAD])
        if table[nodes[at]] == at:
            group[at] = count
            count += 1
    people = np.empty(count, dtype=np.int64)
    sums = np.zeros(count)
    for at in range(nodes.size):
        if at + _AHEAD < nodes.size:
            prefetch(table, nodes[at + _AHEAD])
        last = table[nodes[at]]
        sums[group[last]] += values[at]
        if last == at:
            people[group[at]] = nodes[at]
    return people, sums
