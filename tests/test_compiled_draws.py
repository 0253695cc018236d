"""Draws made inside a compiled kernel (:func:`socialsim.kernels.generator_of`) are numpy's.

A kernel that draws from a phase's stream must draw exactly what the numpy calls it replaces
would have, in the same order, and leave the stream where they would have left it: otherwise
a seed no longer fixes the numbers, and the golden files change. Each method a kernel may use
is compared with numpy's on many seeds and sizes, followed by a numpy draw from both streams.
"""

from __future__ import annotations

import gc

import numpy as np
import pytest

from socialsim.fans.cascade import _successes, cascade_geometric, cascade_successes_of
from socialsim.kernels import generator_of, njit, stream_handle


@njit(cache=True)
def _method_draws(handle, n, high, trials, p, lam):
    rng = generator_of(handle)
    return (
        rng.random(n),
        rng.random(n, dtype=np.float32),
        rng.integers(0, high, n),
        rng.standard_exponential(n),
        rng.binomial(trials, p, n),
        rng.poisson(lam, n),
    )


def _numpy_draws(rng, n, high, trials, p, lam):
    return (
        rng.random(n),
        rng.random(n, dtype=np.float32),
        rng.integers(0, high, n),
        rng.standard_exponential(n),
        rng.binomial(trials, p, n),
        rng.poisson(lam, n),
    )


@njit(cache=True)
def _one_at_a_time(handle, highs, trials, ps, lams):
    rng = generator_of(handle)
    n = highs.size
    out = np.empty((5, n))
    for i in range(n):
        out[0, i] = rng.random()
        out[1, i] = rng.integers(0, highs[i])
        out[2, i] = rng.binomial(trials[i], ps[i])
        out[3, i] = rng.poisson(lams[i])
        out[4, i] = rng.standard_exponential()
    return out


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [0, 1, 7, 1000])
def test_a_kernel_draws_numpys_numbers_and_leaves_the_stream_where_numpy_would(seed, n):
    # Small and large means: binomial and poisson switch algorithm (inversion, BTPE; PTRS).
    params = [(10, 5, 0.3, 2.5), (2**40, 400, 0.6, 55.0), (1, 1, 0.0, 0.0)][seed % 3]
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    drawn = _method_draws(stream_handle(ours), n, *params)
    expected = _numpy_draws(theirs, n, *params)
    for got, want in zip(drawn, expected, strict=True):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    assert ours.random() == theirs.random()  # the state after, the uint32 buffer included


def test_draws_one_at_a_time_equal_numpys_array_draws():
    rng = np.random.default_rng(11)
    n = 5000
    highs, trials = rng.integers(1, 10**6, n), rng.integers(0, 300, n)
    ps, lams = rng.random(n), 40 * rng.random(n)
    ours, theirs = np.random.default_rng(12), np.random.default_rng(12)
    got = _one_at_a_time(stream_handle(ours), highs, trials, ps, lams)
    for i in range(n):
        want = (
            theirs.random(),
            theirs.integers(0, highs[i]),
            theirs.binomial(trials[i], ps[i]),
            theirs.poisson(lams[i]),
            theirs.standard_exponential(),
        )
        assert tuple(got[:, i]) == want, i
    assert ours.random() == theirs.random()


def test_a_new_generator_never_draws_from_a_dead_ones_state():
    # The handle holds raw addresses: a handle kept for a Generator that is gone, and found
    # again for a new one at the same id, would draw from freed memory or another stream.
    for seed in range(600):  # more than the cache holds
        rng = np.random.default_rng(seed)
        got = _method_draws(stream_handle(rng), 3, 10, 5, 0.5, 1.0)[0]
        np.testing.assert_array_equal(got, np.random.default_rng(seed).random(3))
        del rng
        if seed % 50 == 0:
            gc.collect()


def test_the_handle_is_read_only_and_made_once_per_generator():
    rng = np.random.default_rng(0)
    handle = stream_handle(rng)
    assert stream_handle(rng) is handle
    with pytest.raises(ValueError, match="read-only"):
        handle[0] = 0


@njit(cache=True)
def _geometric_draws(handle, p, n):
    rng = generator_of(handle)
    return rng.geometric(p, n), np.array([rng.geometric(p) for _ in range(n)])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("p", [1 / 3, 0.5, 0.9, 1.0])
def test_geometric_draws_numpys_numbers_where_numba_ports_them_exactly(seed, p):
    # From 1/3 up, numpy searches: numba's port is exact. Below, numpy inverts and caps a gap an
    # int64 cannot hold, which numba's does not: fans.cascade.cascade_geometric does it there.
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    drawn, one_at_a_time = _geometric_draws(stream_handle(ours), p, 500)
    np.testing.assert_array_equal(drawn, theirs.geometric(p, 500))
    np.testing.assert_array_equal(one_at_a_time, [theirs.geometric(p) for _ in range(500)])
    assert ours.random() == theirs.random()


@njit(cache=True)
def _bounded_and_shuffled(handle, n, low, high, x):
    rng = generator_of(handle)
    drawn = rng.integers(low, high, n)
    rng.shuffle(x)
    return drawn


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [0, 1, 2, 7, 300])
@pytest.mark.parametrize(("low", "high"), [(1, 3), (0, 3), (0, 10_000), (5, 6)])
def test_integers_from_any_low_and_shuffle_are_numpys(seed, n, low, high):
    # Listening's shifts are integers(1, 3, m); triage shuffles the missed posts' positions.
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    x, y = np.arange(n), np.arange(n)
    drawn = _bounded_and_shuffled(stream_handle(ours), n, low, high, x)
    want = theirs.integers(low, high, size=n)
    theirs.shuffle(y)
    assert drawn.dtype == want.dtype and drawn.tolist() == want.tolist()
    assert x.tolist() == y.tolist()
    assert ours.random() == theirs.random()


@njit(cache=True)
def _cascade_geometric_draws(handle, p, n):
    rng = generator_of(handle)
    out = np.empty(n, np.int64)
    for i in range(n):
        out[i] = cascade_geometric(rng, p)
    return out


@njit(cache=True)
def _successes_drawn(handle, total, p):
    return cascade_successes_of(generator_of(handle), total, p)


# Both of numpy's algorithms (a search from p = 1/3, an inversion below), and the cap at the
# largest int64 that a tiny p reaches.
@pytest.mark.parametrize("p", [1e-25, 1e-9, 0.01, 0.05, 0.3333, 1 / 3, 0.34, 0.7, 1.0])
def test_geometric_and_the_cascades_successes_draw_numpys_numbers(p):
    for seed in range(8):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        got = _cascade_geometric_draws(stream_handle(ours), p, 500)
        np.testing.assert_array_equal(got, theirs.geometric(p, 500))
        for total in (0, 1, 7, 300, 20_000):  # a chunk of gaps or several
            got = _successes_drawn(stream_handle(ours), total, p)
            assert got.tolist() == _successes(total, p, theirs).tolist()
        assert ours.random() == theirs.random()


@njit(cache=True)
def _gammas(handle, shape, scale, n):
    rng = generator_of(handle)
    out = np.empty(n)
    for i in range(n):
        out[i] = rng.gamma(shape, scale)
    return out


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("cv", [0.3, 0.8, 1.0, 1.7, 3.0])
def test_gamma_draws_one_at_a_time_equal_numpys_array_draw(seed, cv):
    # The care team's handling times (shape 1/cv², scale cv²): Marsaglia and Tsang's method
    # above shape 1, the exponential at 1, and below 1 the rejection that uses powers.
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    got = _gammas(stream_handle(ours), 1 / cv**2, cv**2, 3000)
    assert got.tobytes() == theirs.gamma(1 / cv**2, cv**2, size=3000).tobytes()
    assert ours.random() == theirs.random()
