"""Random graphs with independent edges, or with a given degree sequence.

:func:`erdos_renyi` and :func:`stochastic_block` keep each pair of nodes independently, with a
sampler whose work is proportional to the edges kept (Batagelj & Brandes 2005);
:func:`configuration` pairs the stubs of a power-law degree sequence. All draw from the
``seed`` they are handed.

Examples
--------
>>> import numpy as np
>>> g = erdos_renyi(1000, 8.0, seed=np.random.default_rng(0))
>>> g.n_nodes, bool(7 < g.out_degree.mean() < 9)
(1000, True)
"""

from __future__ import annotations

import math

import numpy as np

from socialsim.constraints import Interval
from socialsim.network.graph import SocialGraph
from socialsim.network.sampling import PROBABILITY, bernoulli_pairs, check_seed, checked_nodes

__all__ = ["configuration", "erdos_renyi", "stochastic_block"]


def erdos_renyi(n: int, mean_degree: float, *, seed: np.random.Generator) -> SocialGraph:
    """Random graph G(n, p) with ``p = mean_degree / (n - 1)`` (Gilbert 1959; Erdős & Rényi 1959).

    Each of the ``n (n - 1) / 2`` pairs is an edge independently with probability ``p``. The
    pairs are walked in order and the gaps between kept pairs drawn as geometric variables
    (Batagelj & Brandes 2005, Phys. Rev. E 71, 036113, algorithm 1), all at once, so the cost
    is proportional to the number of edges, not of pairs.

    Parameters
    ----------
    n : int
        Number of nodes, at least 2.
    mean_degree : float
        Expected mean degree, in (0, n - 1].
    seed : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    SocialGraph
        Undirected.

    Examples
    --------
    >>> import numpy as np
    >>> g = erdos_renyi(5000, 8.0, seed=np.random.default_rng(0))
    >>> abs(float(g.out_degree.mean()) - 8.0) < 0.2
    True
    """
    check_seed(seed)
    n = checked_nodes(n)
    mean_degree = Interval(0, n - 1, closed="right", why="n - 1").check("mean_degree", mean_degree)
    position = np.arange(n, dtype=np.int64)
    u, v = bernoulli_pairs(position + 1, n - 1 - position, mean_degree / (n - 1), seed)
    return SocialGraph.from_edges(u, v, n, directed=False)


def stochastic_block(
    n: int,
    segments: int,
    mean_degree: float,
    homophily: float,
    *,
    seed: np.random.Generator,
) -> tuple[SocialGraph, np.ndarray]:
    """Stochastic block model with homophily (Holland, Laskey & Leinhardt 1983).

    Nodes are split at random into ``segments`` blocks whose sizes differ by at most one. Two
    nodes of the same block are joined with probability ``p_in``, of different blocks with
    ``p_out``, chosen so that the expected mean degree is ``mean_degree`` and an expected share
    ``homophily`` of all ties lies inside a block (McPherson, Smith-Lovin & Cook 2001 on why
    social ties are homophilous). With one segment every tie is inside and ``homophily`` has no
    effect. The edges of each kind are drawn as in :func:`erdos_renyi`, by geometric skipping
    over the candidate pairs (Batagelj & Brandes 2005).

    Parameters
    ----------
    n : int
        Number of nodes, at least 2.
    segments : int
        Number of blocks, in [1, n].
    mean_degree : float
        Expected mean degree, more than 0 and small enough for ``p_in`` and ``p_out`` to be
        probabilities.
    homophily : float
        Expected share of ties inside a node's own block, in [0, 1].
    seed : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    graph : SocialGraph
        Undirected.
    block : numpy.ndarray of int64, shape (n,)
        The block (segment) of each node, ``0 .. segments - 1``.

    Examples
    --------
    >>> import numpy as np
    >>> g, block = stochastic_block(4000, 4, 10.0, 0.9, seed=np.random.default_rng(0))
    >>> np.bincount(block).tolist()
    [1000, 1000, 1000, 1000]
    >>> inside = block[g.sources] == block[g.indices]
    >>> round(float(inside.mean()), 2)
    0.9
    """
    check_seed(seed)
    n = checked_nodes(n)
    segments = Interval(1, n, integer=True, why="n").check("segments", segments)
    mean_degree = Interval(0, None, closed="neither").check("mean_degree", mean_degree)
    homophily = PROBABILITY.check("homophily", homophily)
    if segments == 1:
        homophily = 1.0
    sizes = np.full(segments, n // segments, dtype=np.int64)
    sizes[: n % segments] += 1
    # Nodes are laid out block after block ("positions") and shuffled into labels at the end.
    end = np.cumsum(sizes)
    block_of_position = np.repeat(np.arange(segments, dtype=np.int64), sizes)
    end_of_position = end[block_of_position]
    # Ordered pairs inside blocks and across them; the expected tie counts then fix p_in, p_out.
    inside_pairs = float(np.sum(sizes * (sizes - 1)))
    across_pairs = float(n) * n - n - inside_pairs
    limits = []
    if homophily > 0:
        limits.append(inside_pairs / (homophily * n) if inside_pairs else 0.0)
    if homophily < 1:
        limits.append(across_pairs / ((1 - homophily) * n))
    Interval(
        0,
        min(limits),
        closed="right",
        why=f"with {segments} blocks of about {n // segments} nodes and homophily "
        f"{homophily:g}, or the tie probabilities would exceed 1",
    ).check("mean_degree", mean_degree)
    p_in = homophily * mean_degree * n / inside_pairs if homophily > 0 else 0.0
    p_out = (1 - homophily) * mean_degree * n / across_pairs if homophily < 1 else 0.0
    position = np.arange(n, dtype=np.int64)
    u_in, v_in = bernoulli_pairs(position + 1, end_of_position - position - 1, p_in, seed)
    u_out, v_out = bernoulli_pairs(end_of_position, n - end_of_position, p_out, seed)
    label = seed.permutation(n)
    block = np.empty(n, dtype=np.int64)
    block[label] = block_of_position
    graph = SocialGraph.from_edges(
        label[np.concatenate([u_in, u_out])],
        label[np.concatenate([v_in, v_out])],
        n,
        directed=False,
    )
    return graph, block


def configuration(
    n: int, exponent: float, *, seed: np.random.Generator, min_degree: int = 2
) -> SocialGraph:
    """Erased configuration model with a power-law degree sequence.

    Degrees are drawn from the discrete power law ``P(k) ∝ k^-exponent`` on
    ``min_degree .. floor(sqrt(n))``. The cap is the structural cut-off of uncorrelated
    scale-free graphs (Catanzaro, Boguñá & Pastor-Satorras 2005, Phys. Rev. E 71, 027103):
    above it, hubs would need more than one edge to one another, so erasing multi-edges would
    cut their degrees and make hubs avoid hubs. One stub is added to a random node below the
    cap if the degree sum is odd. The stubs are then shuffled and paired (Molloy & Reed 1995;
    Newman 2010, *Networks*, §13.2); the self-loops and multi-edges this makes are collapsed
    (the *erased* configuration model), which lowers a few degrees by one or two.

    Parameters
    ----------
    n : int
        Number of nodes; ``floor(sqrt(n))`` must be at least ``min_degree``.
    exponent : float
        Power-law exponent γ, more than 1 (social graphs have 2 < γ < 3).
    seed : numpy.random.Generator
        Source of randomness.
    min_degree : int, default 2
        Smallest drawn degree, at least 1.

    Returns
    -------
    SocialGraph
        Undirected.

    Examples
    --------
    >>> import numpy as np
    >>> g = configuration(10_000, 2.5, seed=np.random.default_rng(0))
    >>> int(g.out_degree.max()) <= 100
    True
    """
    check_seed(seed)
    n = checked_nodes(n)
    exponent = Interval(1, None, closed="neither").check("exponent", exponent)
    cap = math.isqrt(n)
    min_degree = Interval(1, cap, integer=True, why=f"floor(sqrt(n)) for n = {n}").check(
        "min_degree", min_degree
    )
    support = np.arange(min_degree, cap + 1, dtype=np.int64)
    # Relative to the smallest degree, so the weights stay positive for any exponent: a huge
    # one leaves all the weight on min_degree instead of underflowing to 0 / 0.
    weight = (support / min_degree) ** -exponent
    degree = seed.choice(support, size=n, p=weight / weight.sum())
    if degree.sum() % 2:
        below = np.flatnonzero(degree < cap)
        if below.size:
            degree[below[seed.integers(below.size)]] += 1
        else:  # every node at the cap (min_degree == cap): drop a stub instead
            degree[seed.integers(n)] -= 1
    stubs = seed.permutation(np.repeat(np.arange(n, dtype=np.int64), degree))
    return SocialGraph.from_edges(stubs[0::2], stubs[1::2], n, directed=False)
