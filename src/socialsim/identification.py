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

from socialsim.graph import SocialGraph, sum_by

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
    listeners, per_arc = _per_arc(graph, senders, values, segment, cross_segment)
    return sum_by(listeners, per_arc, graph.n_nodes)


def _per_arc(
    graph: SocialGraph,
    senders: np.ndarray,
    values: np.ndarray | float,
    segment: np.ndarray,
    cross_segment: float,
) -> tuple[np.ndarray, np.ndarray]:
    senders = np.asarray(senders, dtype=np.int64)
    arcs = graph.arcs_from(senders)
    listeners = graph.indices[arcs]
    sender_of_arc = np.repeat(senders, graph.out_degree[senders])
    per_arc = np.repeat(np.broadcast_to(values, senders.shape), graph.out_degree[senders])
    per_arc = per_arc * identification(segment[sender_of_arc], segment[listeners], cross_segment)
    if graph.weights is not None:
        per_arc *= graph.weights[arcs]
    return listeners, per_arc
