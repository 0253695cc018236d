"""Edge lists into compressed sparse rows: a counting sort by row, then each row sorted.

:meth:`SocialGraph.from_edges <socialsim.network.graph.SocialGraph.from_edges>` builds every
graph with :func:`csr_rows`. Sorting all arcs by a ``row << 32 | column`` key costs a sort of
the whole arc list and half a dozen passes over it (two thirds of a 1M-fan model's set-up,
docs/performance.md); placing each arc in its row by a count per row is one pass, and what is
left to sort is each row, a few dozen entries. Kept in its own module so that importing the
graph (as the scenario does for its limits) does not load numba.
"""

from __future__ import annotations

import numpy as np

from socialsim.kernels import njit

__all__ = ["csr_rows"]

# Rows up to this long are sorted by insertion, in place; longer ones (hubs) by merge sort.
_SHORT = 16


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


@njit(cache=True)
def _sort_row(
    columns: np.ndarray, strength: np.ndarray, first: int, end: int, weighted: bool
) -> None:
    """Sort ``columns[first:end]`` (and ``strength`` alike) stably, in place."""
    if end - first <= _SHORT:
        for at in range(first + 1, end):
            column = columns[at]
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
        return
    order = np.argsort(columns[first:end], kind="mergesort")
    columns[first:end] = columns[first:end][order]
    if weighted:
        strength[first:end] = strength[first:end][order]
