"""The event draws of the daily processes: exactly the law of an exponential per person."""

import dataclasses
import math
import warnings

import numpy as np
import pytest
from scipy import stats

from socialsim import chance
from socialsim.chance import Arrivals, at_least_once, exponential, hazard

WEIGHTS = np.random.default_rng(3).lognormal(-0.5, 1.0, 400)
WEIGHTS[:20] = 0.0  # people who never act


def tally(arrivals: Arrivals, rate: float, days: int, seed: int) -> tuple[np.ndarray, list]:
    """How often each person had an event, and every event's (person, E)."""
    rng = np.random.default_rng(seed)
    counts = np.zeros(arrivals.weights.size)
    events = []
    for _ in range(days):
        who, e = arrivals.draw(rate, seed=rng)
        assert np.unique(who).size == who.size
        counts[who] += 1
        events.append((who, e))
    return counts, events


@pytest.mark.parametrize(
    ("p", "path"),
    [(0.02, "sparse: a Poisson process along the line"), (0.5, "dense: a uniform per person")],
)
def test_each_person_acts_with_probability_one_minus_exp_of_minus_rate_times_weight(p, path):
    arrivals = Arrivals.of(WEIGHTS)
    rate, days = hazard(p), 3000
    counts, events = tally(arrivals, rate, days, seed=1)
    chance = -np.expm1(-rate * WEIGHTS)
    assert counts[:20].sum() == 0
    acting = slice(20, None)
    expected = days * chance[acting]
    z = (counts[acting] - expected) / np.sqrt(expected * (1 - chance[acting]))
    # One z-score per person: a wrong law shifts their mean or widens their spread.
    assert abs(z.mean()) < 4 / np.sqrt(z.size)
    assert 0.85 < z.std() < 1.15
    # Given an event, E is a standard exponential cut at rate * w: its CDF value is uniform.
    who = np.concatenate([w for w, _ in events])
    e = np.concatenate([e for _, e in events])
    assert (e < rate * WEIGHTS[who]).all()
    cdf = -np.expm1(-e) / chance[who]
    assert stats.kstest(cdf, "uniform").pvalue > 1e-3


def test_unit_weights_draw_like_one_uniform_per_person():
    arrivals = Arrivals.of(np.ones(50_000))
    assert arrivals.bound.tolist() == [1.0]  # no point is wasted
    counts, _ = tally(arrivals, hazard(0.01), 40, seed=2)
    assert counts.sum() == pytest.approx(50_000 * 40 * 0.01, rel=0.03)


def test_the_draw_depends_on_the_weights_and_the_rate_not_on_anything_else():
    arrivals = Arrivals.of(WEIGHTS)
    first = arrivals.draw(0.05, seed=np.random.default_rng(9))
    again = Arrivals.of(WEIGHTS.copy()).draw(0.05, seed=np.random.default_rng(9))
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])


def test_rate_zero_draws_nobody_and_rate_infinity_everybody_with_a_weight():
    arrivals = Arrivals.of(WEIGHTS)
    nobody, _ = arrivals.draw(0.0, seed=np.random.default_rng(0))
    everybody, _ = arrivals.draw(np.inf, seed=np.random.default_rng(0))
    assert nobody.size == 0
    assert sorted(everybody.tolist()) == list(range(20, WEIGHTS.size))


def numpy_points(arrivals, rate, rng, sds):
    """The draw as numpy made it before it was compiled: chunks of gaps, each drawn whole, summed
    and cut; then each stretch's first point, by a binary search for its bin and gathers."""
    a, length = arrivals, float(arrivals.start[-1])
    chunks, last = [], 0.0
    while True:
        expected = rate * (length - last)
        gaps = rng.standard_exponential(int(expected + sds * math.sqrt(expected) + 10))
        points = last + np.cumsum(gaps) / rate
        if points[-1] >= length:
            chunks.append(points[: np.searchsorted(points, length)])
            break
        chunks.append(points)
        last = float(points[-1])
    x = np.concatenate(chunks)
    bin_ = np.searchsorted(a.start, x, side="right") - 1
    along = (x - a.start[bin_]) / a.bound[bin_]
    slot = np.minimum(a.offset[bin_] + along.astype(np.int64), a.offset[bin_ + 1] - 1)
    first = np.diff(slot, prepend=-1) != 0  # each stretch's first point
    slot, bin_, along = slot[first], bin_[first], along[first]
    e = rate * a.bound[bin_] * (along - (slot - a.offset[bin_]))
    weight = a.bound[bin_] if a.plain else a.member_weights[slot]
    who = slot if a.plain else a.members[slot]
    kept = e < rate * weight
    return who[kept], e[kept], weight[kept], len(chunks)


@pytest.mark.parametrize("short", [False, True])
@pytest.mark.parametrize("seed", range(12))
def test_the_compiled_draw_draws_what_numpy_did(seed, short, monkeypatch):
    # Same people, exponentials and weights, bit for bit, as the numpy draw, and the stream left
    # where numpy left it; with `short`, chunks of gaps fall short of the line's end and the
    # draw goes on, chunk after chunk.
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0.0, 1.0, 2_000) * (rng.random(2_000) < 0.9)
    arrivals = Arrivals.of(weights if seed % 4 else np.full(2_000, 0.7))
    rate = hazard(float(rng.uniform(0.04, 0.06) if short else rng.uniform(0.0005, 0.05)))
    sds = -4.0 if short else chance._SPARE_SDS
    monkeypatch.setattr(chance, "_SPARE_SDS", sds)
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    events = arrivals.events(rate, seed=ours)
    assert events[0]  # drawn in the kernel
    who, e, weight = chance.arrivals_events(events)
    expected_who, expected_e, expected_weight, chunks = numpy_points(arrivals, rate, theirs, sds)
    assert who.tolist() == expected_who.tolist()
    assert e.tobytes() == expected_e.tobytes()
    assert weight.tobytes() == expected_weight.tobytes()
    assert weight.tobytes() == arrivals.weights[who].tobytes()
    assert ours.random() == theirs.random()
    assert (chunks > 1) == short
    again, again_e = arrivals.draw(rate, seed=np.random.default_rng(seed))
    assert again.tolist() == who.tolist() and again_e.tobytes() == e.tobytes()


def test_events_drawn_for_everyone_or_for_nobody_are_handed_back_as_drawn():
    arrivals = Arrivals.of(WEIGHTS)
    for rate in (0.0, 3.0, np.inf):
        ours, theirs = np.random.default_rng(4), np.random.default_rng(4)
        events = arrivals.events(rate, seed=ours)
        assert not events[0]
        who, e, weight = chance.arrivals_events(events)
        expected = arrivals._draw_everyone(rate, theirs) if rate else (np.empty(0),) * 2
        assert who.tolist() == expected[0].tolist() and e.tobytes() == expected[1].tobytes()
        assert weight.tobytes() == WEIGHTS[who].tobytes()
        assert ours.random() == theirs.random()


@pytest.mark.parametrize("weight", [1.0, 0.37, 2.5e3])
def test_people_alike_get_the_line_the_general_construction_builds(weight):
    # Arrivals.of skips the logarithms and the sort for people of one weight; one more person
    # of weight 0 (never an event) takes the general construction to the same line.
    alike = Arrivals.of(np.full(1_000, weight))
    general = Arrivals.of(np.r_[np.full(1_000, weight), 0.0])
    assert alike.plain and not general.plain
    for name in ("members", "member_weights", "bound", "start", "offset"):
        got, expected = getattr(alike, name), getattr(general, name)
        assert got.dtype == expected.dtype
        assert got.tobytes() == expected.tobytes(), name


@pytest.mark.parametrize("seed", range(6))
def test_equal_weights_draw_what_the_general_line_does(seed):
    # The plain line (everyone's weight the same) reads neither members nor weights: the same
    # people and exponentials as the general loop over the same arrays.
    weight = float(np.random.default_rng(seed).uniform(0.2, 3.0))
    plain = Arrivals.of(np.full(30_000, weight))
    assert plain.plain and not Arrivals.of(WEIGHTS).plain
    general = dataclasses.replace(plain, plain=False)
    for rate in (hazard(0.001), hazard(0.02), 0.3):
        who, e = plain.draw(rate, seed=np.random.default_rng(seed))
        expected_who, expected_e = general.draw(rate, seed=np.random.default_rng(seed))
        assert who.size > 0
        assert who.tolist() == expected_who.tolist()
        assert e.tobytes() == expected_e.tobytes()


def test_a_parameters_hazard_is_numpys_value_each_time():
    # The hazard of a float is kept after its first computation: the same number as numpy's
    # on an array, each time asked, zero's sign included.
    p = np.random.default_rng(0).random(50)
    for value in (*p.tolist(), *p.astype(np.float64), 1.0, 0.0, -0.0):
        for _ in range(2):
            got = hazard(value)
            assert np.asarray(got).tobytes() == hazard(np.array([value]))[0].tobytes()


@pytest.mark.parametrize("seed", range(10))
def test_at_least_once_is_one_minus_the_chance_of_none_as_numpy_computed_it(seed):
    # Bit for bit the numpy it was, without warnings, for one probability or one each,
    # certain and impossible ones, and no, fractional, huge or infinite trials.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 50))
    trials = rng.choice([0.0, 1.0, 2.0, 5.0, 0.37, 1e-300, 1e300, np.inf], n)
    both = np.where(rng.random(n) < 0.3, 1.0, rng.random(n))
    for p in (float(rng.random()), 1.0, 0.0, rng.random(n), both):
        with np.errstate(invalid="ignore"):
            before = -np.expm1(-trials * hazard(p))
        expected = np.where(trials > 0, before, 0.0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert at_least_once(p, trials).tobytes() == expected.tobytes()


def test_exponential_is_minus_log1p_of_minus_u_in_float64():
    u = np.random.default_rng(5).random(1000, dtype=np.float32)
    u[:3] = [0.0, np.float32(1.0) - np.finfo(np.float32).eps, 0.5]
    for uniforms in (u, u.astype(np.float64)):
        expected = -np.log1p(-np.asarray(uniforms, dtype=np.float64))
        assert exponential(uniforms).tobytes() == expected.tobytes()
