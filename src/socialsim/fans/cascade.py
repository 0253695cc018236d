"""The independent cascade on a CSR graph, frontier by frontier, with whole-array numpy steps.

In the independent cascade (Kempe, Kleinberg & Tardos 2003, "Maximizing the spread of
influence through a social network", KDD), a node activated in round ``t`` gets one chance,
in round ``t + 1``, to activate each inactive node its arcs lead to, succeeding with
probability ``p`` independently; the cascade stops when a round activates nobody. It is bond
percolation: with the coin of every arc drawn in advance, the final active set is the set of
nodes reachable from the seeds along the arcs whose coin came up, whatever the order of the
attempts.

:func:`transmit` is one round: which distinct nodes the arcs out of a set of senders reach.
It is shared by :func:`independent_cascade` and by the model's cascade recruitment rule
(:mod:`socialsim.fans.recruitment`), where the advocates who talk today are the senders.

Which arcs fire is drawn without touching the arcs that do not: the gaps between successes
in a row of Bernoulli(``p``) trials are geometric, so a round costs a draw per *firing* arc
and a binary search per draw, not a draw per arc. Passing ``uniforms`` instead (one
pre-drawn uniform per arc, ``u < p`` meaning the arc fires) makes the result a deterministic
function of those numbers, which is how it is checked against a plain reference.

Examples
--------
>>> import numpy as np
>>> from socialsim.network.graph import SocialGraph
>>> path = SocialGraph.from_edges([0, 1, 2], [1, 2, 3], n_nodes=5, directed=False)
>>> independent_cascade(path, [0], 1.0, seed=np.random.default_rng(0)).tolist()
[True, True, True, True, False]
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np

from socialsim.kernels import generator_of, njit, stream_handle
from socialsim.network.csr import distinct_of
from socialsim.network.graph import distinct, work_table

__all__ = ["fire", "independent_cascade", "transmit"]

_INT64_MAX = np.iinfo(np.int64).max


class CSR(Protocol):
    """Anything with CSR ``indptr`` and ``indices``: a SocialGraph or a scipy CSR array."""

    indptr: np.ndarray
    indices: np.ndarray


def transmit(
    graph: CSR,
    senders: np.typing.ArrayLike,
    p: float,
    *,
    seed: np.random.Generator | None = None,
    uniforms: np.ndarray | None = None,
) -> np.ndarray:
    """The distinct nodes reached when every arc out of ``senders`` fires with probability ``p``.

    Parameters
    ----------
    graph : SocialGraph or scipy.sparse CSR array
        Row ``u`` lists the nodes ``u`` can reach.
    senders : array_like of int
        The nodes whose arcs fire; a repeated sender fires its arcs again.
    p : float
        Probability that an arc fires, in [0, 1].
    seed : numpy.random.Generator, optional
        Source of the draws. Exactly one of ``seed`` and ``uniforms`` is given.
    uniforms : numpy.ndarray, optional
        One number in [0, 1) per arc, aligned with ``graph.indices``: the arc fires if its
        number is below ``p``.

    Returns
    -------
    numpy.ndarray of int64
        Each reached node once, in no particular order.

    Examples
    --------
    >>> import numpy as np
    >>> from socialsim.network.graph import SocialGraph
    >>> star = SocialGraph.from_edges([0, 0, 0], [1, 2, 3], n_nodes=4, directed=True)
    >>> np.sort(transmit(star, [0, 0], 1.0, seed=np.random.default_rng(0))).tolist()
    [1, 2, 3]
    >>> transmit(star, [0], 0.5, uniforms=np.array([0.1, 0.9, 0.3])).tolist()
    [1, 3]
    """
    indptr, indices = _arrays(graph)
    _check(p, seed, uniforms, indices.size)
    return _transmit(
        indptr, indices, np.asarray(senders, dtype=np.int64).ravel(), p, seed, uniforms
    )


def fire(
    graph: CSR, senders: np.typing.ArrayLike, p: float, *, seed: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The arcs out of ``senders`` that fire with probability ``p``: whose they are, and where to.

    The same draws as :func:`transmit`, with each firing arc kept instead of the distinct
    nodes reached: a caller can then thin the arcs by a property of their sender and target
    (an arc that fires with probability ``p · w`` is one that fires at ``p`` and is then kept
    with probability ``w``), as re-sharing does (:mod:`socialsim.fans.escalation`).

    Returns
    -------
    sender : numpy.ndarray of int64
        For each firing arc, the position of its sender in ``senders``.
    target : numpy.ndarray of int64
        The node it reaches (a node may repeat).

    Examples
    --------
    >>> import numpy as np
    >>> from socialsim.network.graph import SocialGraph
    >>> star = SocialGraph.from_edges([0, 0, 3], [1, 2, 1], n_nodes=4, directed=True)
    >>> sender, target = fire(star, [3, 0], 1.0, seed=np.random.default_rng(0))
    >>> sender.tolist(), target.tolist()
    ([0, 1, 1], [1, 1, 2])
    """
    indptr, indices = _arrays(graph)
    _check(p, seed, None, indices.size)
    senders = np.asarray(senders, dtype=np.int64).ravel()
    owner, arcs = _fired(indptr, senders, p, seed)
    return owner, indices[arcs].astype(np.int64)


def independent_cascade(
    graph: CSR,
    seeds: np.typing.ArrayLike,
    p: float,
    *,
    seed: np.random.Generator | None = None,
    uniforms: np.ndarray | None = None,
) -> np.ndarray:
    """Run the discrete-time independent cascade from ``seeds`` to its end.

    Parameters
    ----------
    graph : SocialGraph or scipy.sparse CSR array
        Row ``u`` lists the nodes ``u`` can activate; an undirected graph stores both arcs.
    seeds : array_like of int
        The nodes active at the start.
    p : float
        Probability that an active node activates a neighbour, in [0, 1].
    seed : numpy.random.Generator, optional
        Source of the draws. Exactly one of ``seed`` and ``uniforms`` is given.
    uniforms : numpy.ndarray, optional
        One pre-drawn number in [0, 1) per arc, aligned with ``graph.indices``. Give both arcs
        of an undirected edge the same number for one coin per edge; the result is then the
        set reachable from the seeds over the edges whose number is below ``p``.

    Returns
    -------
    numpy.ndarray of bool, shape (n_nodes,)
        Which nodes are active at the end.

    Examples
    --------
    >>> import numpy as np
    >>> from socialsim.network.generators import barabasi_albert
    >>> g = barabasi_albert(2_000, 5, seed=np.random.default_rng(0))
    >>> rng = np.random.default_rng(1)
    >>> int(independent_cascade(g, [0, 1, 2], 0.0, seed=rng).sum())
    3
    >>> bool(independent_cascade(g, [0], 1.0, seed=rng).all())
    True
    """
    indptr, indices = _arrays(graph)
    _check(p, seed, uniforms, indices.size)
    n = indptr.size - 1
    active = np.zeros(n, dtype=bool)
    frontier = np.unique(np.asarray(seeds, dtype=np.int64))
    active[frontier] = True
    while frontier.size:
        reached = _transmit(indptr, indices, frontier, p, seed, uniforms)
        frontier = reached[~active[reached]]
        active[frontier] = True
    return active


def _arrays(graph: CSR) -> tuple[np.ndarray, np.ndarray]:
    if getattr(graph, "format", "csr") != "csr":
        raise TypeError(
            "The 'graph' parameter must be a SocialGraph or a CSR array. "
            f"Got a {graph.format} matrix instead."  # type: ignore[attr-defined]
        )
    return np.asarray(graph.indptr, dtype=np.int64), np.asarray(graph.indices)


def _check(p: float, seed: np.random.Generator | None, uniforms: np.ndarray | None, arcs: int):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"The 'p' parameter must be a probability in [0, 1]. Got {p!r} instead.")
    if (seed is None) == (uniforms is None):
        raise ValueError("Give exactly one of 'seed' (a numpy Generator) and 'uniforms'.")
    if uniforms is not None and np.shape(uniforms) != (arcs,):
        raise ValueError(
            f"The 'uniforms' parameter must hold one number per arc ({arcs}). "
            f"Got shape {np.shape(uniforms)} instead."
        )


def _transmit(
    indptr: np.ndarray,
    indices: np.ndarray,
    senders: np.ndarray,
    p: float,
    seed: np.random.Generator | None,
    uniforms: np.ndarray | None,
) -> np.ndarray:
    if uniforms is None:
        fired = _successes(cascade_arc_count(indptr, senders), p, seed)  # type: ignore[arg-type]
        return cascade_reached(indptr, indices, senders, fired, work_table(indptr.size - 1))
    else:
        starts = indptr[senders]
        lengths = indptr[senders + 1] - starts
        ends = np.cumsum(lengths)
        total = int(ends[-1]) if ends.size else 0
        arcs = np.repeat(starts - ends + lengths, lengths) + np.arange(total, dtype=np.int64)
        arcs = arcs[uniforms[arcs] < p]
    return distinct(indices[arcs], indptr.size - 1)


def _fired(
    indptr: np.ndarray, senders: np.ndarray, p: float, seed: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Which of the senders' arcs fire: each one's sender position and its arc number."""
    # The senders' arcs numbered 0 .. total - 1, sender after sender; which of them fire.
    fired = _successes(cascade_arc_count(indptr, senders), p, seed)
    owner = np.empty(fired.size, dtype=np.int64)
    cascade_arcs(indptr, senders, fired, owner)
    return owner, fired


def _successes(total: int, p: float, seed: np.random.Generator) -> np.ndarray:
    """Positions of the successes in ``total`` Bernoulli(``p``) trials, in order."""
    return cascade_successes(stream_handle(seed), total, p)


# The draws and the loop between them in one call: numpy's geometric draws cost more in their
# Python wrapper than in drawing, a few dozen a day (docs/performance.md).
@njit(cache=True)
def cascade_successes(handle: np.ndarray, total: int, p: float) -> np.ndarray:
    """Positions of the successes in ``total`` Bernoulli(``p``) trials, in order, drawn from the
    stream of ``handle`` (:func:`~socialsim.kernels.stream_handle`).

    The same numbers as numpy's ``seed.geometric(p, size)`` gaps, drawn in chunks of the
    expected count plus five standard deviations plus 10 and turned into positions by
    :func:`cascade_positions` until one passes ``total`` (the numpy it replaces is the
    reference of its test, ``successes_numpy`` in ``tests/test_phase_kernels_fans.py``).
    """
    return cascade_successes_of(generator_of(handle), total, p)


@njit(cache=True)
def cascade_successes_of(rng: Any, total: int, p: float) -> np.ndarray:
    """:func:`cascade_successes` on numba's Generator ``rng``, for a kernel that draws more."""
    fired = np.empty(0, dtype=np.int64)
    if total == 0 or p == 0.0:
        return fired
    last = -1
    while True:
        expected = (total - 1 - last) * p
        gaps = np.empty(int(expected + 5.0 * math.sqrt(expected) + 10), dtype=np.int64)
        for k in range(gaps.size):
            gaps[k] = cascade_geometric(rng, p)
        kept = cascade_positions(gaps, last, total)
        if kept >= 0:
            return gaps[:kept] if fired.size == 0 else np.concatenate((fired, gaps[:kept]))
        fired = np.concatenate((fired, gaps))
        last = gaps[-1]


@njit(cache=True)
def cascade_geometric(rng: Any, p: float) -> int:
    """numpy's ``Generator.geometric(p)`` for ``0 < p <= 1``: numba's for ``p >= 1/3`` (a
    search that stays small), numpy's inversion below, which caps what an ``int64`` cannot hold
    (numba's converts it to a negative number)."""
    if p >= 0.333333333333333333333333:
        return rng.geometric(p)
    z = np.ceil(-rng.standard_exponential() / np.log1p(-p))
    return _INT64_MAX if z >= 9.223372036854776e18 else np.int64(z)


@njit(cache=True)
def grown(values: np.ndarray, count: int) -> np.ndarray:
    """``values`` in an array twice as large (at least 16), its first ``count`` entries kept."""
    more = np.empty(max(16, 2 * values.size), dtype=values.dtype)
    more[:count] = values[:count]
    return more


# The arithmetic around the draws, in integers (exact in any order): one loop each instead of
# five to eight numpy calls on a few dozen arcs (docs/performance.md).
@njit(cache=True)
def cascade_arc_count(indptr: np.ndarray, senders: np.ndarray) -> int:
    """How many arcs leave ``senders`` (a repeated sender counted again): equal to
    ``int((indptr[senders + 1] - indptr[senders]).sum())``."""
    total = 0
    for u in senders:
        total += indptr[u + 1] - indptr[u]
    return total


@njit(cache=True)
def cascade_positions(gaps: np.ndarray, last: int, total: int) -> int:
    """The successes' positions from the gaps between them, in place; how many are under
    ``total``, or -1 if all are (the row goes on). Equal to::

        np.minimum(gaps, total + 1, out=gaps)   # a gap past the end ends the row; capping it
        positions = last + np.cumsum(gaps)      # keeps the sum from overflowing (tiny p)
        kept = positions[positions < total]     # -1: positions[-1] < total
    """
    position = last
    for k in range(gaps.size):
        position += min(gaps[k], total + 1)
        if position >= total:
            return k
        gaps[k] = position
    return -1


@njit(cache=True)
def cascade_reached(
    indptr: np.ndarray,
    indices: np.ndarray,
    senders: np.ndarray,
    fired: np.ndarray,
    table: np.ndarray,
) -> np.ndarray:
    """The distinct nodes the fired arcs reach (``fired`` as :func:`cascade_arcs` takes it,
    overwritten): equal to ``distinct(indices[arcs], n_nodes)`` for the arcs it numbers."""
    cascade_arcs(indptr, senders, fired, np.empty(fired.size, dtype=np.int64))
    reached = np.empty(fired.size, dtype=np.int64)
    for k in range(fired.size):
        reached[k] = indices[fired[k]]
    return distinct_of(reached, table)


@njit(cache=True)
def cascade_arcs(indptr: np.ndarray, senders: np.ndarray, fired: np.ndarray, owner: np.ndarray):
    """Each fired arc's sender position (into ``owner``) and arc number (in place of its
    position in ``fired``, sorted). Equal to::

        starts = indptr[senders]
        lengths = indptr[senders + 1] - starts
        ends = np.cumsum(lengths)
        owner = np.searchsorted(ends, fired, side="right")
        fired = starts[owner] + (fired - (ends[owner] - lengths[owner]))
    """
    at, begins = 0, 0  # the sender, and where its arcs begin in the numbering
    for k in range(fired.size):
        while fired[k] >= begins + indptr[senders[at] + 1] - indptr[senders[at]]:
            begins += indptr[senders[at] + 1] - indptr[senders[at]]
            at += 1
        owner[k] = at
        fired[k] = indptr[senders[at]] + (fired[k] - begins)
