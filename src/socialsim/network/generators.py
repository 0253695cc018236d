"""Seeded random graph generators that build :class:`~socialsim.network.graph.SocialGraph` directly.

Every generator draws from the ``seed`` it is handed (a :class:`numpy.random.Generator`), so the
same generator state always gives the same graph, and works on whole numpy arrays: a million
nodes take seconds, not minutes. The one exception is :func:`powerlaw_cluster`, which delegates
to networkx.

All graphs are undirected and simple: where a model can draw a self-loop or the same edge twice,
:meth:`SocialGraph.from_edges` collapses it, and the docstring says so.

Examples
--------
>>> import numpy as np
>>> g = barabasi_albert(1000, 3, seed=np.random.default_rng(0))
>>> g.n_nodes, bool(g.out_degree.max() > 10 * g.out_degree.mean())
(1000, True)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from socialsim.constraints import ConfigError, Interval
from socialsim.network import loaders
from socialsim.network.graph import MAX_NODES, SocialGraph

if TYPE_CHECKING:
    from socialsim.scenario import GraphParams

__all__ = [
    "barabasi_albert",
    "configuration",
    "erdos_renyi",
    "generate",
    "powerlaw_cluster",
    "stochastic_block",
    "watts_strogatz",
]

_PROBABILITY = Interval(0, 1)
# Below this edge probability, geometric gaps between kept pairs could pass 2^63 (numpy caps
# them there, and their sums wrap); the kept pairs are then drawn as a binomial count.
_TINY_P = 1e-12
# Redraw rounds before Watts–Strogatz gives up on a rewiring that keeps colliding with existing
# edges; only nearly complete graphs get there.
_MAX_REWIRE_ROUNDS = 100


# ---------------------------------------------------------------------------------- generators
def barabasi_albert(n: int, m: int, *, seed: np.random.Generator) -> SocialGraph:
    """Preferential attachment graph (Barabási & Albert 1999, Science 286, 509).

    The graph starts from a star on ``m + 1`` nodes (node 0 joined to nodes ``1 .. m``, as in
    networkx); each later node ``v = m + 1 .. n - 1`` then brings ``m`` edges whose far ends
    are picked with probability proportional to degree.

    The draw is the edge-list formulation of Batagelj & Brandes (2005, "Efficient generation of
    large random networks", Phys. Rev. E 71, 036113, algorithm 5): picking a uniform entry of
    the list of edge endpoints is picking a node proportionally to its degree. All uniform
    draws are made at once; an entry that copies an earlier far end is resolved by pointer
    jumping over whole arrays, and such chains are O(log n) long. Unlike algorithm 5, each of
    node ``v``'s ``m`` picks is drawn from the list as it stood before ``v`` arrived (the
    original model), so there are no self-loops. Two picks of the same node do happen (mostly
    on early hubs) and are collapsed into one edge, so the mean degree is slightly under
    ``2 m`` (0.3 % under for ``m = 5`` at 10,000 nodes, 3 % for ``m = 10`` at 1,000).

    Parameters
    ----------
    n : int
        Number of nodes, more than ``m``.
    m : int
        Edges each new node brings, at least 1.
    seed : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    SocialGraph
        Undirected.

    Examples
    --------
    >>> import numpy as np
    >>> g = barabasi_albert(10_000, 5, seed=np.random.default_rng(1))
    >>> round(float(g.out_degree.mean()), 2)
    9.97
    """
    _check_seed(seed)
    m = Interval(1, None, integer=True).check("m", m)
    n = _nodes(n, m + 1, f"more than m = {m}")
    n_edges = m * (n - m)
    # The list of edge endpoints is [src[0], tgt[0], src[1], tgt[1], ...]: entry 2e is the node
    # that brought edge e, entry 2e + 1 its far end.
    src = np.empty(n_edges, dtype=np.int64)
    tgt = np.empty(n_edges, dtype=np.int64)
    src[:m] = 0
    tgt[:m] = np.arange(1, m + 1)
    src[m:] = np.repeat(np.arange(m + 1, n, dtype=np.int64), m)
    # Node v's first edge is number m * (v - m): its picks come from the 2 m (v - m) entries
    # written before it.
    entry = seed.integers(0, 2 * m * (src[m:] - m))
    edge = entry >> 1
    copies = (entry & 1).astype(bool)
    new_tgt = tgt[m:]
    new_tgt[~copies] = src[edge[~copies]]
    # Entries 2e + 1 that copy the far end of an earlier edge form chains of copies ending at
    # a resolved edge. Pointer jumping halves every chain each round.
    pending = np.flatnonzero(copies) + m
    pointer = np.zeros(n_edges, dtype=np.int64)
    pointer[pending] = edge[copies]
    resolved = np.ones(n_edges, dtype=bool)
    resolved[pending] = False
    while pending.size:
        ahead = pointer[pending]
        done = resolved[ahead]
        finished = pending[done]
        tgt[finished] = tgt[ahead[done]]
        pending, ahead = pending[~done], ahead[~done]
        pointer[pending] = pointer[ahead]
        resolved[finished] = True
    return SocialGraph.from_edges(src, tgt, n, directed=False)


def watts_strogatz(n: int, k: int, p_rewire: float, *, seed: np.random.Generator) -> SocialGraph:
    """Small-world graph: a rewired ring lattice (Watts & Strogatz 1998, Nature 393, 440).

    Each node starts joined to its ``k / 2`` nearest neighbours on each side of a ring. Each
    lattice edge ``(u, u + j)`` then has, independently with probability ``p_rewire``, its far
    end moved to a node drawn uniformly, never ``u`` itself and never a node ``u`` is already
    joined to. All edges are rewired at once: a draw that collides with a kept edge or with
    another new edge is drawn again, so the graph keeps exactly ``n k / 2`` edges.

    Parameters
    ----------
    n : int
        Number of nodes, more than ``k``.
    k : int
        Even lattice degree, at least 2.
    p_rewire : float
        Probability that an edge is rewired, in [0, 1].
    seed : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    SocialGraph
        Undirected.

    Examples
    --------
    >>> import numpy as np
    >>> g = watts_strogatz(100, 4, 0.0, seed=np.random.default_rng(0))
    >>> g.audience(0).tolist()
    [1, 2, 98, 99]
    """
    _check_seed(seed)
    k = Interval(2, None, integer=True, even=True).check("k", k)
    n = _nodes(n, k + 1, f"more than k = {k}")
    p_rewire = _PROBABILITY.check("p_rewire", p_rewire)
    half = k // 2
    u = np.repeat(np.arange(n, dtype=np.int64), half)
    v = (u + np.tile(np.arange(1, half + 1, dtype=np.int64), n)) % n
    rewire = np.flatnonzero(seed.random(u.size) < p_rewire)
    if rewire.size:
        kept = np.ones(u.size, dtype=bool)
        kept[rewire] = False
        taken = np.sort(_pair_keys(u[kept], v[kept], n))
        todo = rewire
        for _ in range(_MAX_REWIRE_ROUNDS):
            # uniform over the n - 1 nodes other than u
            w = seed.integers(0, n - 1, size=todo.size)
            w += w >= u[todo]
            keys = _pair_keys(u[todo], w, n)
            _, first = np.unique(keys, return_index=True)
            fresh = np.zeros(todo.size, dtype=bool)
            fresh[first] = True
            fresh &= ~_isin_sorted(keys, taken)
            v[todo[fresh]] = w[fresh]
            taken = np.sort(np.concatenate([taken, keys[fresh]]))
            todo = todo[~fresh]
            if not todo.size:
                break
        # Edges still colliding after that many rounds (a nearly complete graph) keep their
        # lattice end; the rare duplicate this can leave is collapsed below.
    return SocialGraph.from_edges(u, v, n, directed=False)


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
    _check_seed(seed)
    n = _nodes(n)
    mean_degree = Interval(0, n - 1, closed="right", why="n - 1").check("mean_degree", mean_degree)
    position = np.arange(n, dtype=np.int64)
    u, v = _bernoulli_pairs(position + 1, n - 1 - position, mean_degree / (n - 1), seed)
    return SocialGraph.from_edges(u, v, n, directed=False)


def powerlaw_cluster(n: int, m: int, p_triad: float, *, seed: np.random.Generator) -> SocialGraph:
    """Preferential attachment with triangle closure (Holme & Kim 2002, Phys. Rev. E 65, 026107).

    Like :func:`barabasi_albert`, but after each preferential edge a new node closes a triangle
    with probability ``p_triad``, which gives a tunable clustering. This one delegates to
    :func:`networkx.powerlaw_cluster_graph`, a Python loop: it is the slow generator (about a
    minute per million edges), best kept below a few hundred thousand nodes.

    Parameters
    ----------
    n : int
        Number of nodes, more than ``m``.
    m : int
        Edges each new node brings, at least 1.
    p_triad : float
        Probability of closing a triangle after each preferential edge, in [0, 1].
    seed : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    SocialGraph
        Undirected.

    Examples
    --------
    >>> import numpy as np
    >>> g = powerlaw_cluster(500, 3, 0.5, seed=np.random.default_rng(0))
    >>> g.n_nodes, g.n_edges
    (500, 1489)
    """
    import networkx as nx

    _check_seed(seed)
    m = Interval(1, None, integer=True).check("m", m)
    n = _nodes(n, m + 1, f"more than m = {m}")
    p_triad = _PROBABILITY.check("p_triad", p_triad)
    graph = nx.powerlaw_cluster_graph(n, m, p_triad, seed=seed)
    # The networkx nodes are 0 .. n - 1 already: build from the edges so no labels are kept.
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    return SocialGraph.from_edges(edges[:, 0], edges[:, 1], n, directed=False)


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
    _check_seed(seed)
    n = _nodes(n)
    segments = Interval(1, n, integer=True, why="n").check("segments", segments)
    mean_degree = Interval(0, None, closed="neither").check("mean_degree", mean_degree)
    homophily = _PROBABILITY.check("homophily", homophily)
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
    u_in, v_in = _bernoulli_pairs(position + 1, end_of_position - position - 1, p_in, seed)
    u_out, v_out = _bernoulli_pairs(end_of_position, n - end_of_position, p_out, seed)
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
    _check_seed(seed)
    n = _nodes(n)
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


def generate(
    params: GraphParams, *, segments: int, seed: np.random.Generator
) -> tuple[SocialGraph, np.ndarray | None]:
    """Build the graph a scenario's ``graph`` section describes.

    Parameters
    ----------
    params : GraphParams
        The ``graph`` section: ``kind`` picks the generator (or ``"file"`` to load
        ``params.path`` with :func:`socialsim.network.loaders.read_graph`).
    segments : int
        Number of blocks of the stochastic block model (``population.segments``).
    seed : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    graph : SocialGraph
    block : numpy.ndarray or None
        Each node's block for the stochastic block model, ``None`` for the other kinds.

    Raises
    ------
    ConfigError
        When the parameters do not fit the generator; the key is the scenario's dotted key.

    Examples
    --------
    >>> import numpy as np
    >>> from socialsim.scenario import GraphParams
    >>> params = GraphParams(kind="stochastic_block", n=300, mean_degree=6.0)
    >>> graph, block = generate(params, segments=3, seed=np.random.default_rng(0))
    >>> graph.n_nodes, sorted(set(block.tolist()))
    (300, [0, 1, 2])
    """
    _check_seed(seed)
    p = params
    try:
        match p.kind:
            case "barabasi_albert":
                return barabasi_albert(p.n, p.m, seed=seed), None
            case "watts_strogatz":
                return watts_strogatz(p.n, p.k, p.p_rewire, seed=seed), None
            case "erdos_renyi":
                return erdos_renyi(p.n, p.mean_degree, seed=seed), None
            case "powerlaw_cluster":
                return powerlaw_cluster(p.n, p.m, p.p_triad, seed=seed), None
            case "stochastic_block":
                return stochastic_block(p.n, segments, p.mean_degree, p.homophily, seed=seed)
            case "configuration":
                return configuration(p.n, p.exponent, seed=seed), None
            case "file":
                return loaders.read_graph(p.path, directed=p.directed), None
            case _:
                raise ConfigError("graph.kind", p.kind, "a known graph kind")
    except ConfigError as error:
        if "." in error.key:
            raise
        # Name the scenario key the user can change, not the generator's argument.
        key = "population.segments" if error.key == "segments" else f"graph.{error.key}"
        raise ConfigError(key, error.value, error.allowed, error.hint) from None


# ---------------------------------------------------------------------------------- helpers
def _check_seed(seed: Any) -> None:
    if not isinstance(seed, np.random.Generator):
        raise TypeError(
            f"The 'seed' parameter must be a numpy.random.Generator. Got {seed!r} instead."
        )


def _nodes(n: Any, low: int = 2, why: str = "") -> int:
    """The node count checked as ``graph.n`` is, with a generator's own lower bound."""
    return Interval(low, MAX_NODES, integer=True, why=why).check("n", n)


def _pair_keys(u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """One int64 per unordered pair, the same for (u, v) and (v, u)."""
    return np.minimum(u, v) * np.int64(n) + np.maximum(u, v)


def _isin_sorted(values: np.ndarray, sorted_pool: np.ndarray) -> np.ndarray:
    """``np.isin`` for a pool that is already sorted (saves sorting it again)."""
    if not sorted_pool.size:
        return np.zeros(values.size, dtype=bool)
    at = np.searchsorted(sorted_pool, values).clip(max=sorted_pool.size - 1)
    return sorted_pool[at] == values


def _bernoulli_pairs(
    start: np.ndarray, count: np.ndarray, p: float, seed: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Keep each candidate pair independently with probability ``p``.

    Row ``u`` offers the pairs ``(u, start[u] + j)`` for ``0 <= j < count[u]``. The candidates
    are numbered row after row, and the gaps between kept numbers are geometric with
    parameter ``p`` (Batagelj & Brandes 2005, algorithm 1), so the work is proportional to the
    pairs kept.
    """
    empty = np.empty(0, dtype=np.int64)
    first = np.zeros(count.size + 1, dtype=np.int64)
    np.cumsum(count, out=first[1:])
    total = int(first[-1])
    if p <= 0 or total == 0:
        return empty, empty
    if p >= 1:
        kept = np.arange(total, dtype=np.int64)
    elif p < _TINY_P:
        # Gaps of mean 1/p would overflow 64-bit positions. A binomial count of distinct
        # uniform positions is the same law, at a cost of the pairs kept.
        kept = np.sort(seed.choice(total, size=seed.binomial(total, p), replace=False))
    else:
        parts = []
        last = -1
        while True:
            expected = (total - 1 - last) * p
            # enough gaps to pass the end in one draw almost always (6 standard deviations)
            size = int(expected + 6 * math.sqrt(expected) + 16)
            reached = last + np.cumsum(seed.geometric(p, size=size))
            if reached[-1] >= total:
                parts.append(reached[reached < total])
                break
            parts.append(reached)
            last = int(reached[-1])
        kept = np.concatenate(parts)
    per_row = np.diff(np.searchsorted(kept, first))
    u = np.repeat(np.arange(count.size, dtype=np.int64), per_row)
    v = start[u] + (kept - first[u])
    return u, v
