"""Peer identification: people feel a peer's experience in proportion to how alike they are.

Seed 001's second mechanism: "when you interact personally with someone in public, all other
people who identify themselves with that person will also feel personal effects of that
interaction." Identification between two people is 1 when they share an identity segment and
``identification.cross_segment`` otherwise; what an onlooker feels of a peer's public
interaction (a complaint, a brand reply, a word-of-mouth message) is scaled by it and by the
tie's strength. People identify with similar peers (homophily; McPherson, Smith-Lovin & Cook
2001), so on a homophilous graph most spillover stays inside segments.
"""

from __future__ import annotations

import numpy as np

from socialsim.kernels import njit, prefetch
from socialsim.network.graph import SocialGraph, work_table

__all__ = ["identification", "spread"]


def identification(
    segment_a: np.ndarray, segment_b: np.ndarray, cross_segment: float
) -> np.ndarray:
    """How much each ``a`` identifies with the matching ``b``: 1 if same segment, else ``cross_segment``.

    Examples
    --------
    >>> identification(np.array([0, 0]), np.array([0, 1]), 0.3).tolist()
    [1.0, 0.3]
    """
    return np.where(segment_a == segment_b, 1.0, cross_segment)


def spread(
    graph: SocialGraph,
    senders: np.ndarray,
    values: np.ndarray | float,
    segment: np.ndarray,
    cross_segment: float,
) -> tuple[np.ndarray, np.ndarray]:
    """What people feel of the senders' public acts: ``Σ_{u→v} tie_uv · ident(u, v) · value_u``.

    Only the people in a sender's audience are touched: no pass over everyone.

    Parameters
    ----------
    graph : SocialGraph
        Who sees whose posts.
    senders : numpy.ndarray of int
        The people whose acts are seen (authors of complaints, talkers).
    values : numpy.ndarray or float
        The effect of each sender's act on a fully identified onlooker.
    segment : numpy.ndarray
        Everyone's identity segment.
    cross_segment : float
        Identification across segments.

    Returns
    -------
    people : numpy.ndarray of int64
        Everyone in a sender's audience, once each, in no particular order.
    felt : numpy.ndarray of float64
        What each of them feels.

    Examples
    --------
    >>> g = SocialGraph.from_edges([0, 1], [2, 2], n_nodes=3, directed=True)
    >>> people, felt = spread(g, np.array([0, 1]), 1.0, np.array([0, 1, 0]), 0.5)
    >>> people.tolist(), felt.tolist()
    ([2], [1.5])
    """
    senders = np.asarray(senders, dtype=np.int64)
    # One writable, contiguous float64 value per sender (any other array would compile a
    # second version of _spread); np.full for one value (broadcast_to costs several calls).
    if np.ndim(values) == 0:
        values = np.full(senders.shape, values, dtype=np.float64)
    else:
        values = np.array(np.broadcast_to(values, senders.shape), dtype=np.float64)
    return _spread(*arcs(graph), senders, values, segment, cross_segment, work_table(graph.n_nodes))


def arcs(graph: SocialGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The graph's arrays as :func:`_spread` takes them: ``indptr``, ``indices``, the tie
    strengths (empty float32 when there are none) and whether there are any."""
    weighted = graph.weights is not None
    weights = graph.weights if weighted else _NO_WEIGHTS
    return graph.indptr, graph.indices, weights, weighted


_NO_WEIGHTS = np.empty(0, dtype=np.float32)


# A loop over the senders' arcs that adds into one entry per listener: the numpy form (repeat
# the values, gather the segments, compare, multiply, then group by listener) costs several
# times as much on the few thousand arcs of a day (docs/performance.md).
@njit(cache=True)
def _spread(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    weighted: bool,
    senders: np.ndarray,
    values: np.ndarray,
    segment: np.ndarray,
    cross_segment: float,
    table: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    arcs = 0
    for u in senders:
        arcs += indptr[u + 1] - indptr[u]
    people = np.empty(arcs, dtype=np.int64)
    felt = np.empty(arcs)
    found = 0
    # At a million people each listener's entries miss the cache: a second walk over the same
    # arcs, _ARCS_AHEAD ahead of this one (across senders: most arcs are hubs'), asks for them
    # so that their loads overlap instead of waiting one after another.
    k_ahead, arc_ahead, end_ahead = -1, 0, 0
    for _ in range(_ARCS_AHEAD):
        k_ahead, arc_ahead, end_ahead = _next_arc(indptr, senders, k_ahead, arc_ahead, end_ahead)
    for k in range(senders.size):
        u = senders[k]
        if k_ahead + 1 < senders.size:  # where the walk ahead goes next
            prefetch(indptr, senders[k_ahead + 1])
        for arc in range(indptr[u], indptr[u + 1]):
            if k_ahead < senders.size:
                prefetch(table, indices[arc_ahead])
                prefetch(segment, indices[arc_ahead])
                k_ahead, arc_ahead, end_ahead = _next_arc(
                    indptr, senders, k_ahead, arc_ahead, end_ahead
                )
            v = indices[arc]
            effect = values[k] * (1.0 if segment[u] == segment[v] else cross_segment)
            if weighted:
                effect *= weights[arc]
            # The table's entry for v is trusted only if it points back at v: it holds stale
            # values from earlier calls, so it needs no clearing.
            slot = table[v]
            if 0 <= slot < found and people[slot] == v:
                felt[slot] += effect
            else:
                table[v] = found
                people[found], felt[found] = v, effect
                found += 1
    return people[:found], felt[:found]


# How far ahead _spread asks for its listeners' entries, in arcs: at ten million people, 64
# took a day's spread from 75 to 60 ms (16, and 128 or more, gained less).
_ARCS_AHEAD = 64


@njit(cache=True)
def _next_arc(
    indptr: np.ndarray, senders: np.ndarray, k: int, arc: int, end: int
) -> tuple[int, int, int]:
    """The arc after ``arc`` in a walk over the senders' arcs in order: the sender's position
    ``k`` in ``senders`` (``senders.size`` past the last), the arc, and the end of its row.
    A walk starts at ``(-1, 0, 0)``."""
    arc += 1
    while arc >= end and k < senders.size:
        k += 1
        if k < senders.size:
            arc, end = indptr[senders[k]], indptr[senders[k] + 1]
    return k, arc, end
