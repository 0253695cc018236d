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

# numba's count of a word's trailing zero bits (LLVM's cttz), a single instruction. Its module
# is numba's own, not public API: if a numba release moves it, importing this module fails,
# and so does every test.
from numba.cpython.unsafe.numbers import trailing_zeros

from socialsim.kernels import njit, prefetch
from socialsim.network.graph import SocialGraph, work_table
from socialsim.population import _feel_at

__all__ = ["identification", "listener_blocks", "spread"]


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
        _ask_rows(indptr, indices, senders, k)
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


def listener_blocks(n_nodes: int) -> int:
    """The bits of the blocks of people by which a spread over ``n_nodes`` people sorts its
    arcs (:func:`_arcs_by_block`), or 0 where :func:`_spread`'s table is faster.

    Examples
    --------
    >>> listener_blocks(10_000), listener_blocks(10_000_000)
    (0, 16)
    """
    return _BLOCK_BITS if n_nodes >= _BLOCKS_FROM else 0


# From a million people, sorting the arcs by block first pays for its two passes. Replaying the
# talkers of day 100 (docs/performance.md, §6), medians of six calls: at ten million people
# (1.9M arcs) the spread summed block by block took 58 ms instead of 77 and its listeners, in
# block order, felt in 21 ms instead of 50; at a million 3.2 and 1.7 ms instead of 4.4 and 2.4;
# at 100,000 the spread took 0.26 ms instead of 0.18. Blocks of 65,536 people: a block's sums
# (512 kB) and segments stay in the cache (2**17 and 2**18 were slower).
_BLOCKS_FROM = 1_000_000
_BLOCK_BITS = 16


# At ten million people a listener's entry in _spread's table is a cache miss per arc, and
# their loyalty one more per listener when they feel it. Sorting the arcs by block of listeners
# first, in one pass that counts them and one that places them (a radix sort's partition, the
# cache-conscious "radix-cluster" of Manegold, Boncz & Kersten 2000, VLDB Journal 9:231),
# keeps every read of a block inside it; a listener's arcs keep their order, so each sum is
# added as _spread adds it.
@njit(cache=True)
def _arcs_by_block(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    weighted: bool,
    senders: np.ndarray,
    segment: np.ndarray,
    bits: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The senders' arcs sorted by block of ``2**bits`` listeners (``0 <= bits <= 31``), in
    the order of the walk within a block, for :func:`_block_sums`: each arc as ``listener << 32
    | k`` (``k`` the sender's position: fewer than ``2**32`` senders; a listener is under
    ``2**31`` in any graph), its tie strength (none unweighted), where each block's arcs start
    (one more entry than blocks) and each sender's segment.

    :func:`_block_sums` over every block in turn gives :func:`_spread`'s people in increasing
    order, each feeling the same sum, bit for bit.
    """
    size = senders.size
    # Where each sender's row starts, how long it is and their segment, read once (each a
    # cache miss, asked for a few senders ahead): the passes below read them in order, where
    # reading indptr again waited on a miss per sender (replaying day 60's 1.7M arcs at ten
    # million people, 16-20 ms instead of 45-57; at a million, 0.9 instead of 1.2).
    first = np.empty(size, indptr.dtype)
    length = np.empty(size, indptr.dtype)
    own = np.empty(size, segment.dtype)
    arcs = 0
    for k in range(size):
        if k + _SENDERS_AHEAD < size:
            prefetch(indptr, senders[k + _SENDERS_AHEAD])
            prefetch(segment, senders[k + _SENDERS_AHEAD])
        first[k] = indptr[senders[k]]
        length[k] = indptr[senders[k] + 1] - first[k]
        own[k] = segment[senders[k]]
        arcs += length[k]
    # The senders' rows copied out in order, each block's arcs counted: every row starts with a
    # cache miss, asked for a few senders ahead.
    heard_by = np.empty(arcs, indices.dtype)
    tie = np.empty(arcs if weighted else 0, weights.dtype)
    start = np.zeros(((segment.size - 1) >> bits) + 2, np.int64)
    at = 0
    for k in range(size):
        if k + _SENDERS_AHEAD < size and first[k + _SENDERS_AHEAD] < indices.size:
            prefetch(indices, first[k + _SENDERS_AHEAD])  # a last row may be empty
            if weighted:
                prefetch(weights, first[k + _SENDERS_AHEAD])
        for arc in range(first[k], first[k] + length[k]):
            v = indices[arc]
            heard_by[at] = v
            if weighted:
                tie[at] = weights[arc]
            start[(v >> bits) + 1] += 1
            at += 1
    for b in range(start.size - 1):
        start[b + 1] += start[b]
    # Each arc placed in its block as one int64, listener and sender together: one store per
    # unweighted arc, into one stream per block.
    placed = np.empty(arcs, np.int64)
    placed_tie = np.empty(tie.size, weights.dtype)
    cursor = start[:-1].copy()
    at = 0
    for k in range(size):
        for _ in range(length[k]):
            v = heard_by[at]
            to = cursor[v >> bits]
            placed[to] = (np.int64(v) << 32) | k
            if weighted:
                placed_tie[to] = tie[at]
            cursor[v >> bits] = to + 1
            at += 1
    return placed, placed_tie, start, own


# A block's sums go into one entry per person of the block, a bit marking who has heard: the
# listeners then come out in increasing order, so that feeling them reads loyalty, status and
# depth forwards through the block instead of at random (at a million people, on a 1 MB L2,
# that took the feel from 2.0–2.4 to 1.0–1.2 ms a day, its sums from 2.1–2.6 to 1.9–2.2).
@njit(cache=True)
def _block_sums(
    arcs: tuple,
    b: int,
    bits: int,
    values: np.ndarray,
    segment: np.ndarray,
    cross_segment: float,
    sums: np.ndarray,
    heard: np.ndarray,
    people: np.ndarray,
    felt: np.ndarray,
) -> int:
    """What each listener of block ``b`` of :func:`_arcs_by_block`'s ``arcs`` feels, summed
    as :func:`_spread` sums it, written to the start of ``people`` and ``felt`` in increasing
    order of person; how many listeners. ``sums`` has room for a block's people (what it holds
    is of no account) and ``heard`` one bit for each (all 0, and all 0 again on return)."""
    placed, placed_tie, start, own = arcs
    base = b << bits
    end = start[b + 1]
    for c in range(start[b], end):
        if c + _PLACED_AHEAD < end:  # a block's sums fill the L2: asked for ahead
            ahead = placed[c + _PLACED_AHEAD] >> 32
            prefetch(sums, ahead - base)
            prefetch(segment, ahead)
        v, k = placed[c] >> 32, placed[c] & 0xFFFFFFFF
        effect = values[k] * (1.0 if own[k] == segment[v] else cross_segment)
        if placed_tie.size:
            effect *= placed_tie[c]
        j = v - base
        bit = np.uint64(1) << np.uint64(j & 63)
        mark = heard[j >> 6]
        # The first effect as it is, not added to 0.0: -0.0 stays -0.0, as in _spread.
        sums[j] = sums[j] + effect if mark & bit else effect
        heard[j >> 6] = mark | bit
    found = 0
    for word in range(heard.size):
        marks = heard[word]
        while marks:
            j = (word << 6) + int(trailing_zeros(marks))
            people[found], felt[found] = base + j, sums[j]
            found += 1
            marks &= marks - np.uint64(1)  # the lowest mark taken
        heard[word] = 0
    return found


# How far ahead _block_sums asks for a listener's sum and segment, in arcs (at a million
# people, 32 to 128 were alike and 16 slower).
_PLACED_AHEAD = 64


@njit(cache=True)
def _felt_in_blocks(
    graph: tuple,
    senders: np.ndarray,
    values: np.ndarray,
    segment: np.ndarray,
    cross_segment: float,
    people: tuple,
    bits: int,
) -> None:
    """The senders' audiences feel their ``values`` block by block of ``2**bits`` people, as
    :func:`_spread` then :meth:`Population.feel_at <socialsim.population.Population.feel_at>`
    move them: each listener once, by the same sum. ``graph`` is the graph's :func:`arcs`,
    ``people`` the ``loyalty``, ``status``, ``depth`` and ``damping`` that ``feel_at`` takes."""
    loyalty, status, depth, damping = people
    arcs_by_block = _arcs_by_block(*graph, senders, segment, bits)
    sums, heard, listeners, felt = _block_buffers(arcs_by_block, segment.size, bits)
    for b in range(arcs_by_block[2].size - 1):
        found = _block_sums(
            arcs_by_block, b, bits, values, segment, cross_segment, sums, heard, listeners, felt
        )
        _feel_at(loyalty, status, depth, listeners[:found], felt[:found], damping)


@njit(cache=True)
def _block_buffers(
    arcs_by_block: tuple, n_nodes: int, bits: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Room for :func:`_block_sums`: a block's sums and its bits of who heard (cleared), and
    the listeners of the widest block of :func:`_arcs_by_block`'s arcs and what they feel."""
    start = arcs_by_block[2]
    widest = 0
    for b in range(start.size - 1):
        widest = max(widest, start[b + 1] - start[b])
    size = min(1 << bits, n_nodes)
    heard = np.zeros((size + 63) >> 6, np.uint64)
    return np.empty(size), heard, np.empty(widest, dtype=np.int64), np.empty(widest)


# How many senders ahead _arcs_by_block asks for a row's start (16 and 32 were alike at ten
# million people, 64 slower: docs/performance.md, §6).
_SENDERS_AHEAD = 16


# How many senders ahead a walk over their arcs asks for a row (and twice as far for where it
# starts): the walk ahead of _spread reads the rows it goes through, and waited for each. The
# asks count from the sender being summed, not from the walk ahead: they come in time for it
# while its _ARCS_AHEAD arcs span fewer senders than this, rows of 8 arcs or more; over
# shorter rows (a graph of a few arcs a person) the walk ahead outruns them.
# Replaying day 200 at a million people from a cold cache, defence's and help's counts of
# watchers (given a walk ahead at the same time) took 0.47 and 1.12 ms instead of 0.68 and 1.78.
_ROWS_AHEAD = 8


@njit(cache=True)
def _ask_rows(indptr: np.ndarray, indices: np.ndarray, senders: np.ndarray, k: int) -> None:
    """In a walk over the senders' arcs at ``k``: ask for the row of the sender
    :data:`_ROWS_AHEAD` later, and for where the row twice as far starts."""
    if k + 2 * _ROWS_AHEAD < senders.size:
        prefetch(indptr, senders[k + 2 * _ROWS_AHEAD])
    if k + _ROWS_AHEAD < senders.size:
        row = indptr[senders[k + _ROWS_AHEAD]]
        if row < indices.size:  # a last row may be empty
            prefetch(indices, row)


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
