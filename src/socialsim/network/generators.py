"""Seeded random graph generators that build :class:`~socialsim.network.graph.SocialGraph` directly.

Every generator draws from the ``seed`` it is handed (a :class:`numpy.random.Generator`), so the
same generator state always gives the same graph, and works on whole numpy arrays: a million
nodes take seconds, not minutes. The one exception is :func:`powerlaw_cluster`, which delegates
to networkx.

All graphs are undirected and simple: where a model can draw a self-loop or the same edge twice,
:meth:`SocialGraph.from_edges` collapses it, and the docstring says so. The graphs with
independent edges or a given degree sequence live in :mod:`socialsim.network.random_graphs`;
:func:`generate` reaches every kind.

Examples
--------
>>> import numpy as np
>>> g = barabasi_albert(1000, 3, seed=np.random.default_rng(0))
>>> g.n_nodes, bool(g.out_degree.max() > 10 * g.out_degree.mean())
(1000, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.constraints import ConfigError, Interval
from socialsim.kernels import njit
from socialsim.network import loaders
from socialsim.network.graph import SocialGraph
from socialsim.network.random_graphs import configuration, erdos_renyi, stochastic_block
from socialsim.network.sampling import (
    PROBABILITY,
    check_seed,
    checked_nodes,
    isin_sorted,
    pair_keys,
)

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

# Redraw rounds before Watts–Strogatz gives up on a rewiring that keeps colliding with existing
# edges; only nearly complete graphs get there.
_MAX_REWIRE_ROUNDS = 100


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
    check_seed(seed)
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


def barabasi_albert(n: int, m: int, *, seed: np.random.Generator) -> SocialGraph:
    """Preferential attachment graph (Barabási & Albert 1999, Science 286, 509).

    The graph starts from a star on ``m + 1`` nodes (node 0 joined to nodes ``1 .. m``, as in
    networkx); each later node ``v = m + 1 .. n - 1`` then brings ``m`` edges whose far ends
    are picked with probability proportional to degree.

    The draw is the edge-list formulation of Batagelj & Brandes (2005, "Efficient generation of
    large random networks", Phys. Rev. E 71, 036113, algorithm 5): picking a uniform entry of
    the list of edge endpoints is picking a node proportionally to its degree. All uniform
    draws are made at once; the far ends are then written in edge order, an entry that copies
    an earlier far end reading it once it is final (one compiled pass). Unlike algorithm 5, each of
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
    check_seed(seed)
    m = Interval(1, None, integer=True).check("m", m)
    n = checked_nodes(n, m + 1, f"more than m = {m}")
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
    barabasi_albert_far_ends(src, tgt, entry, m)
    return SocialGraph.from_edges(src, tgt, n, directed=False)


@njit(cache=True)
def barabasi_albert_far_ends(
    src: np.ndarray, tgt: np.ndarray, entry: np.ndarray, m: int
) -> None:  # pragma: no cover
    """Write the far end ``tgt[m + i]`` of each new edge from its pick ``entry[i]`` of the
    list of edge endpoints: ``src[e]`` for entry ``2e``, ``tgt[e]`` for entry ``2e + 1``.

    Each pick is of an entry written before its edge, so in edge order each far end it copies
    is final already. Equal to this numpy, which resolves the chains of copies by pointer
    jumping, every chain halved a round::

        edge, copies = entry >> 1, (entry & 1).astype(bool)
        new_tgt = tgt[m:]
        new_tgt[~copies] = src[edge[~copies]]
        pending = np.flatnonzero(copies) + m
        pointer = np.zeros(tgt.size, dtype=np.int64)
        pointer[pending] = edge[copies]
        resolved = np.ones(tgt.size, dtype=bool)
        resolved[pending] = False
        while pending.size:
            ahead = pointer[pending]
            done = resolved[ahead]
            finished = pending[done]
            tgt[finished] = tgt[ahead[done]]
            pending, ahead = pending[~done], ahead[~done]
            pointer[pending] = pointer[ahead]
            resolved[finished] = True
    """
    for i in range(entry.size):
        edge = entry[i] >> 1
        tgt[m + i] = tgt[edge] if entry[i] & 1 else src[edge]


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
    check_seed(seed)
    k = Interval(2, None, integer=True, even=True).check("k", k)
    n = checked_nodes(n, k + 1, f"more than k = {k}")
    p_rewire = PROBABILITY.check("p_rewire", p_rewire)
    half = k // 2
    u = np.repeat(np.arange(n, dtype=np.int64), half)
    v = (u + np.tile(np.arange(1, half + 1, dtype=np.int64), n)) % n
    rewire = np.flatnonzero(seed.random(u.size) < p_rewire)
    if rewire.size:
        kept = np.ones(u.size, dtype=bool)
        kept[rewire] = False
        taken = np.sort(pair_keys(u[kept], v[kept], n))
        todo = rewire
        for _ in range(_MAX_REWIRE_ROUNDS):
            # uniform over the n - 1 nodes other than u
            w = seed.integers(0, n - 1, size=todo.size)
            w += w >= u[todo]
            keys = pair_keys(u[todo], w, n)
            _, first = np.unique(keys, return_index=True)
            fresh = np.zeros(todo.size, dtype=bool)
            fresh[first] = True
            fresh &= ~isin_sorted(keys, taken)
            v[todo[fresh]] = w[fresh]
            taken = np.sort(np.concatenate([taken, keys[fresh]]))
            todo = todo[~fresh]
            if not todo.size:
                break
        # Edges still colliding after that many rounds (a nearly complete graph) keep their
        # lattice end; the rare duplicate this can leave is collapsed below.
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

    check_seed(seed)
    m = Interval(1, None, integer=True).check("m", m)
    n = checked_nodes(n, m + 1, f"more than m = {m}")
    p_triad = PROBABILITY.check("p_triad", p_triad)
    graph = nx.powerlaw_cluster_graph(n, m, p_triad, seed=seed)
    # The networkx nodes are 0 .. n - 1 already: build from the edges so no labels are kept.
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    return SocialGraph.from_edges(edges[:, 0], edges[:, 1], n, directed=False)
