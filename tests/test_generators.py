"""Tests of the seeded graph generators: structure, degree statistics against theory, seeding."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from socialsim.constraints import ConfigError
from socialsim.network.generators import (
    barabasi_albert,
    configuration,
    erdos_renyi,
    generate,
    powerlaw_cluster,
    stochastic_block,
    watts_strogatz,
)
from socialsim.network.graph import SocialGraph
from socialsim.scenario import GraphParams


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def assert_csr_invariants(g: SocialGraph) -> None:
    """Row pointers consistent, rows sorted and duplicate-free, no self-loops, symmetric."""
    assert g.indptr[0] == 0 and g.indptr[-1] == g.indices.size
    assert np.all(np.diff(g.indptr) >= 0)
    assert g.indices.dtype == np.int32
    assert g.indices.size == 0 or (g.indices.min() >= 0 and g.indices.max() < g.n_nodes)
    src = g.sources.astype(np.int64)
    dst = g.indices.astype(np.int64)
    same_row = src[1:] == src[:-1]
    assert np.all(dst[1:][same_row] > dst[:-1][same_row]), "rows must be sorted and unique"
    assert not np.any(src == dst), "no self-loops"
    if not g.directed:
        forward = np.sort(src * g.n_nodes + dst)
        backward = np.sort(dst * g.n_nodes + src)
        assert np.array_equal(forward, backward), "undirected graphs store both arcs"


# One small call of every generator, for the checks they all share.
SMALL = {
    "barabasi_albert": lambda seed: barabasi_albert(500, 3, seed=seed),
    "watts_strogatz": lambda seed: watts_strogatz(500, 6, 0.3, seed=seed),
    "erdos_renyi": lambda seed: erdos_renyi(500, 6.0, seed=seed),
    "powerlaw_cluster": lambda seed: powerlaw_cluster(300, 3, 0.5, seed=seed),
    "stochastic_block": lambda seed: stochastic_block(500, 3, 6.0, 0.7, seed=seed)[0],
    "configuration": lambda seed: configuration(500, 2.5, seed=seed),
}


@pytest.mark.parametrize("kind", SMALL)
def test_csr_invariants(kind):
    g = SMALL[kind](rng())
    assert not g.directed
    assert g.node_ids is None and g.weights is None
    assert g.n_edges > 0
    assert_csr_invariants(g)


@pytest.mark.parametrize("kind", SMALL)
def test_same_seed_same_graph_and_different_seed_different_graph(kind):
    a, b, c = SMALL[kind](rng(5)), SMALL[kind](rng(5)), SMALL[kind](rng(6))
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert not (a.indices.size == c.indices.size and np.array_equal(a.indices, c.indices))


@pytest.mark.parametrize("kind", SMALL)
def test_seed_must_be_a_generator(kind):
    with pytest.raises(TypeError, match=r"The 'seed' parameter must be a numpy\.random\.Generator"):
        SMALL[kind](42)
    with pytest.raises(TypeError, match="Got RandomState"):
        SMALL[kind](np.random.RandomState(0))


def test_stochastic_block_draws_the_same_blocks_for_the_same_seed():
    _, a = stochastic_block(300, 4, 5.0, 0.8, seed=rng(1))
    _, b = stochastic_block(300, 4, 5.0, 0.8, seed=rng(1))
    _, c = stochastic_block(300, 4, 5.0, 0.8, seed=rng(2))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


# ---------------------------------------------------------------------------- Barabási–Albert
def test_barabasi_albert_degrees_follow_theory():
    n, m = 20_000, 4
    g = barabasi_albert(n, m, seed=rng(0))
    degree = g.out_degree
    # Collapsed duplicate picks put the mean slightly under 2m, never over.
    assert 0.99 * 2 * m < degree.mean() <= 2 * m * (n - m) / n
    assert degree.min() >= 1
    assert degree.max() > 20 * degree.mean()
    # Degree law of the model, p_k = 2m(m+1) / (k(k+1)(k+2)) (Bollobás et al. 2001), so the
    # share at k = m is 2/(m+2) and P(K >= k) = m(m+1) / (k(k+1)).
    assert abs(np.mean(degree == m) - 2 / (m + 2)) < 0.015
    for k in (10, 20, 40):
        expected = m * (m + 1) / (k * (k + 1))
        assert abs(np.mean(degree >= k) - expected) < 0.1 * expected + 4 * math.sqrt(expected / n)


def test_barabasi_albert_seed_star_and_growth_order():
    g = barabasi_albert(50, 3, seed=rng(0))
    # Node 0 is the centre of the seed star 0-1, 0-2, 0-3.
    assert {1, 2, 3} <= set(g.audience(0).tolist())
    # Node v brings at most m edges to earlier nodes, so each node has at most m earlier ones.
    src, dst = g.sources, g.indices
    earlier = np.bincount(src[dst < src], minlength=g.n_nodes)
    assert earlier.max() <= 3 and earlier[4:].min() >= 1


def test_barabasi_albert_medium_size():
    n, m = 200_000, 5
    g = barabasi_albert(n, m, seed=rng(3))
    assert g.n_nodes == n
    assert m * (n - m) * 0.995 < g.n_edges <= m * (n - m)
    assert_csr_invariants(g)
    assert g.out_degree.max() > 500


def test_barabasi_albert_smallest_case():
    g = barabasi_albert(2, 1, seed=rng(0))
    assert g.n_edges == 1


@pytest.mark.parametrize(
    ("n", "m", "message"),
    [
        (10, 0, r"The 'm' parameter must be an int >= 1\. Got 0 instead\."),
        (
            5,
            5,
            r"The 'n' parameter must be an int in \[6, 2147483647\] \(more than m = 5\)\. Got 5 instead\.",
        ),
        (10, 2.0, "The 'm' parameter"),
        (10, True, "The 'm' parameter"),
    ],
)
def test_barabasi_albert_rejects_bad_arguments(n, m, message):
    with pytest.raises(ConfigError, match=message):
        barabasi_albert(n, m, seed=rng())


def test_generators_accept_numpy_integers():
    g = barabasi_albert(np.int64(100), np.int32(2), seed=rng())
    assert g.n_nodes == 100


# ---------------------------------------------------------------------------- Watts–Strogatz
def test_watts_strogatz_without_rewiring_is_the_ring_lattice():
    n, k = 60, 6
    g = watts_strogatz(n, k, 0.0, seed=rng(0))
    assert g.n_edges == n * k // 2
    for u in (0, 17, 59):
        expected = sorted((u + j) % n for j in (-3, -2, -1, 1, 2, 3))
        assert g.audience(u).tolist() == expected
    # Clustering of the ring lattice (Watts & Strogatz 1998; Barrat & Weigt 2000).
    clustering = nx.average_clustering(g.to_networkx())
    assert clustering == pytest.approx(3 * (k - 2) / (4 * (k - 1)))


def test_watts_strogatz_rewires_a_share_p_and_keeps_the_edge_count():
    n, k, p = 5_000, 8, 0.2
    g = watts_strogatz(n, k, p, seed=rng(1))
    assert g.n_edges == n * k // 2
    assert_csr_invariants(g)
    src, dst = g.sources.astype(np.int64), g.indices.astype(np.int64)
    gap = (dst - src) % n
    lattice = (gap <= k // 2) | (gap >= n - k // 2)
    # Rewired edges land on a lattice pair only by a ~k/n chance.
    share = 1 - lattice.mean()
    assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / (n * k / 2)) + k / n
    # Each node keeps its own end of its k/2 lattice edges (u, u + j), so degrees stay >= k/2.
    assert g.out_degree.min() >= k // 2


def test_watts_strogatz_full_rewiring_of_a_dense_graph_stays_simple():
    g = watts_strogatz(12, 10, 1.0, seed=rng(2))
    assert_csr_invariants(g)
    assert g.n_edges <= 12 * 10 // 2


@pytest.mark.parametrize(
    ("n", "k", "p", "key"),
    [(20, 3, 0.1, "k"), (20, 0, 0.1, "k"), (6, 6, 0.1, "n"), (20, 4, 1.5, "p_rewire")],
)
def test_watts_strogatz_rejects_bad_arguments(n, k, p, key):
    with pytest.raises(ConfigError, match=f"The '{key}' parameter"):
        watts_strogatz(n, k, p, seed=rng())


# ---------------------------------------------------------------------------- Erdős–Rényi
def test_erdos_renyi_degrees_follow_theory():
    n, d = 20_000, 8.0
    g = erdos_renyi(n, d, seed=rng(0))
    p = d / (n - 1)
    pairs = n * (n - 1) / 2
    # The edge count is Binomial(pairs, p): mean degree 2E/n within 4 standard errors.
    se = 2 * math.sqrt(pairs * p * (1 - p)) / n
    assert abs(g.out_degree.mean() - d) < 4 * se
    # Degrees are Binomial(n - 1, p), close to Poisson(d).
    assert g.out_degree.var() == pytest.approx(d * (1 - p), rel=0.06)
    assert np.mean(g.out_degree == 0) == pytest.approx(math.exp(-d), abs=0.001)


def test_erdos_renyi_pairs_are_uniform():
    # Every pair is equally likely: low and high node numbers get the same degree on average.
    n = 4_000
    g = erdos_renyi(n, 20.0, seed=rng(4))
    first, last = g.out_degree[: n // 4].mean(), g.out_degree[-n // 4 :].mean()
    assert abs(first - last) < 0.5


def test_erdos_renyi_with_p_one_is_complete():
    g = erdos_renyi(30, 29.0, seed=rng())
    assert g.n_edges == 30 * 29 // 2


@pytest.mark.parametrize("mean_degree", [0.0, -1.0, 10.0, float("nan"), "5"])
def test_erdos_renyi_rejects_bad_mean_degree(mean_degree):
    with pytest.raises(
        ConfigError, match=r"The 'mean_degree' parameter must be a float in \(0, 9\]"
    ):
        erdos_renyi(10, mean_degree, seed=rng())


# ---------------------------------------------------------------------------- Holme–Kim
def test_powerlaw_cluster_triads_raise_clustering():
    low = powerlaw_cluster(2_000, 3, 0.0, seed=rng(0)).to_networkx()
    high = powerlaw_cluster(2_000, 3, 0.9, seed=rng(0)).to_networkx()
    assert nx.average_clustering(high) > nx.average_clustering(low) + 0.2
    assert high.number_of_edges() == pytest.approx(3 * (2_000 - 3), rel=0.01)


def test_powerlaw_cluster_rejects_bad_arguments():
    with pytest.raises(ConfigError, match="The 'p_triad' parameter must be a float in"):
        powerlaw_cluster(100, 3, -0.1, seed=rng())
    with pytest.raises(ConfigError, match="The 'n' parameter"):
        powerlaw_cluster(3, 3, 0.5, seed=rng())


# ---------------------------------------------------------------------------- stochastic block
@pytest.mark.parametrize("homophily", [0.0, 0.3, 0.8, 1.0])
def test_stochastic_block_within_share_and_mean_degree(homophily):
    n, segments, d = 6_001, 4, 12.0
    g, block = stochastic_block(n, segments, d, homophily, seed=rng(2))
    sizes = np.bincount(block)
    assert sizes.size == segments and sizes.max() - sizes.min() <= 1
    assert_csr_invariants(g)
    edges = n * d / 2
    assert abs(g.n_edges - edges) < 4 * math.sqrt(edges)
    inside = (block[g.sources] == block[g.indices]).mean()
    se = math.sqrt(max(homophily * (1 - homophily), 1e-12) / edges)
    assert abs(inside - homophily) < 4 * se + 1e-12


def test_stochastic_block_node_degrees_do_not_depend_on_block():
    g, block = stochastic_block(4_002, 3, 10.0, 0.9, seed=rng(3))
    means = [g.out_degree[block == b].mean() for b in range(3)]
    assert max(means) - min(means) < 0.5


def test_stochastic_block_with_one_segment_is_erdos_renyi():
    g, block = stochastic_block(3_000, 1, 6.0, 0.2, seed=rng(0))
    assert not block.any()
    assert abs(g.out_degree.mean() - 6.0) < 4 * 2 * math.sqrt(3_000 * 3) / 3_000


def test_stochastic_block_rejects_impossible_density():
    # 10 blocks of 10 nodes: at most 9 ties inside per node, so 0.9 * 20 is too many.
    with pytest.raises(
        ConfigError, match=r"The 'mean_degree' parameter must be a float in \(0, 10\]"
    ):
        stochastic_block(100, 10, 20.0, 0.9, seed=rng())
    with pytest.raises(ConfigError, match="The 'segments' parameter"):
        stochastic_block(100, 0, 5.0, 0.9, seed=rng())


# ---------------------------------------------------------------------------- configuration
def truncated_power_law_ccdf(k: int, exponent: float, low: int, high: int) -> float:
    support = np.arange(low, high + 1, dtype=float)
    weight = support**-exponent
    return float(weight[support >= k].sum() / weight.sum())


@pytest.mark.parametrize("exponent", [2.2, 2.5, 3.0])
def test_configuration_degree_tail_follows_the_power_law(exponent):
    n = 20_000
    g = configuration(n, exponent, seed=rng(1))
    degree = g.out_degree
    assert_csr_invariants(g)
    assert degree.max() <= math.isqrt(n)
    for k in (4, 8, 16, 32, 64):
        expected = truncated_power_law_ccdf(k, exponent, 2, math.isqrt(n))
        observed = np.mean(degree >= k)
        # Binomial noise plus a few per cent for the erased self-loops and multi-edges.
        assert abs(observed - expected) < 4 * math.sqrt(expected / n) + 0.06 * expected


def test_configuration_heavier_tail_for_smaller_exponent():
    heavy = configuration(20_000, 2.2, seed=rng(0)).out_degree
    light = configuration(20_000, 3.5, seed=rng(0)).out_degree
    assert np.mean(heavy >= 20) > 3 * np.mean(light >= 20)


def test_configuration_min_degree():
    g = configuration(10_000, 2.5, seed=rng(0), min_degree=5)
    # Erasing self-loops and multi-edges can take a stub or two off a few nodes.
    assert np.mean(g.out_degree >= 5) > 0.99
    with pytest.raises(
        ConfigError, match=r"The 'min_degree' parameter must be an int in \[1, 10\]"
    ):
        configuration(100, 2.5, seed=rng(), min_degree=11)
    with pytest.raises(ConfigError, match="The 'exponent' parameter must be a float > 1"):
        configuration(100, 1.0, seed=rng())


# ---------------------------------------------------------------------------- generate
@pytest.mark.parametrize(
    "kind",
    [
        "barabasi_albert",
        "watts_strogatz",
        "erdos_renyi",
        "powerlaw_cluster",
        "stochastic_block",
        "configuration",
    ],
)
def test_generate_dispatches_on_kind(kind):
    params = GraphParams(kind=kind, n=400, m=3, k=6, mean_degree=6.0)
    graph, block = generate(params, segments=4, seed=rng(0))
    assert graph.n_nodes == 400
    assert_csr_invariants(graph)
    if kind == "stochastic_block":
        assert block is not None and block.shape == (400,) and set(block.tolist()) == {0, 1, 2, 3}
    else:
        assert block is None
    again, _ = generate(params, segments=4, seed=rng(0))
    assert np.array_equal(graph.indices, again.indices)


def test_generate_reads_a_file(tmp_path):
    path = tmp_path / "edges.txt"
    path.write_text("1 2\n2 3\n")
    graph, block = generate(
        GraphParams(kind="file", path=str(path), directed=True), segments=4, seed=rng()
    )
    assert graph.directed and graph.n_edges == 2 and block is None


def test_generate_names_the_scenario_key():
    with pytest.raises(ConfigError, match=r"The 'graph\.k' parameter must be an even int"):
        generate(GraphParams(kind="watts_strogatz", k=5), segments=4, seed=rng())
    with pytest.raises(ConfigError, match=r"The 'population\.segments' parameter"):
        generate(GraphParams(kind="stochastic_block", n=10), segments=11, seed=rng())
    with pytest.raises(ConfigError, match=r"The 'graph\.mean_degree' parameter"):
        generate(GraphParams(kind="erdos_renyi", n=10, mean_degree=10.0), segments=1, seed=rng())
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        generate(GraphParams(), segments=4, seed=1)
