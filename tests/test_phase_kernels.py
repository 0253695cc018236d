"""The phases' compiled kernels against the numpy they replace, bit for bit.

Same seed, same numbers: a kernel that rounds once differently changes every run after it, so
each is compared with its numpy version on random inputs, ties and edge cases included.
"""

from __future__ import annotations

import numpy as np
import pytest

from socialsim.brand.compiled import (
    listening_flagged,
    replies_change,
    replies_unheard,
    work_judge,
    work_quantiles,
)
from socialsim.brand.compiled_front import (
    early_warning_cusum,
    listening_unheard,
    triage_heard,
    triage_items,
    triage_missed_free,
    triage_stand_ins,
)
from socialsim.fans.depth import depth_deepen
from socialsim.fans.escalation import escalation_new_resharers, escalation_reached
from socialsim.network.generators import barabasi_albert, barabasi_albert_far_ends
from socialsim.network.graph import distinct, sum_by
from socialsim.population import _shift


def judge_numpy(author, kind, label, complex_, expert, slip, answers, escalating, by_kind, e, t):
    """The numpy version of the care team's judgement (before it was compiled)."""
    real = author >= 0
    k = np.where(real, kind, label)
    complaint = k == 0
    fits = np.where(expert & complaint, e, by_kind[k])
    wrong = np.where(expert, e, by_kind[label])
    passes = ~expert & complaint & complex_ & answers[k] & escalating
    seen_through = real & (kind != label)
    outcome = np.full(author.size, 0, np.int8)
    outcome[~answers[k] | ~real] = 2
    outcome[passes] = 3
    outcome[slip & passes] = 0
    outcome[slip & real & ~seen_through & ~passes] = 2
    outcome[slip & (seen_through | ~real)] = 1
    minutes = np.select([outcome == 1, outcome == 0], [wrong, fits], t)
    return outcome, minutes


@pytest.mark.parametrize("seed", range(40))
def test_work_judge_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 60))
    args = (
        np.where(rng.random(n) < 0.2, -1, rng.integers(0, 100, n)),
        rng.integers(0, 3, n).astype(np.int8),
        rng.integers(0, 3, n).astype(np.int8),
        rng.random(n) < 0.4,
        rng.random(n) < 0.3,
        rng.random(n) < 0.3,
        rng.random(3) < 0.7,
        bool(rng.random() < 0.5),
        rng.uniform(1, 30, 3).round(int(rng.integers(0, 3))),
        float(rng.uniform(10, 60)),
        float(rng.uniform(0.5, 3)),
    )
    outcome, minutes = work_judge(*args)
    expected_outcome, expected_minutes = judge_numpy(*args)
    assert outcome.dtype == np.int8
    np.testing.assert_array_equal(outcome, expected_outcome)
    assert minutes.tobytes() == expected_minutes.astype(np.float64).tobytes()


@pytest.mark.parametrize("seed", range(60))
def test_work_quantiles_equal_median_and_percentile(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    delay = rng.gamma(2.0, 3.0, n) * 10 ** rng.uniform(-3, 3)
    if seed % 3 == 0:  # ties
        delay = delay.round(1)
    median, p90 = work_quantiles(delay)
    assert median == np.median(delay)
    assert p90 == np.percentile(delay, 90)


def test_work_quantiles_of_nothing_or_nan_are_nan():
    assert np.isnan(work_quantiles(np.empty(0))).all()
    assert np.isnan(work_quantiles(np.array([1.0, np.nan, 2.0]))).all()
    assert work_quantiles(np.array([7.5])) == (7.5, 7.5)


@pytest.mark.parametrize("seed", range(20))
def test_shift_equals_add_at_then_clip(seed):
    # Repeated indices add up in their order, then the scale's bounds apply, as numpy did.
    rng = np.random.default_rng(seed)
    n, k = 50, int(rng.integers(0, 120))
    loyalty, depth = rng.uniform(0, 10, n), rng.random(n) * (seed % 2)
    who, delta = rng.integers(0, n, k), rng.normal(0, 3, k)
    damping = float(rng.random())
    expected = loyalty.copy()
    np.add.at(expected, who, delta * (1.0 - damping * depth[who]))
    expected[who] = np.clip(expected[who], 0.0, 10.0)
    _shift(loyalty, depth, who, delta, damping)
    assert loyalty.tobytes() == expected.tobytes()


@pytest.mark.parametrize("seed", range(20))
def test_new_resharers_equal_the_set_operations_they_replace(seed):
    rng = np.random.default_rng(seed)
    n, cross = 200, float(rng.random())
    segment = rng.integers(0, 3, n)
    authors = rng.choice(n, int(rng.integers(1, 20)), replace=False)
    seen_ids, seen = np.unique(authors), np.zeros(n, bool)
    seen[authors] = True
    first = np.empty(n, np.int64)
    frontier, level = authors, rng.random(authors.size)
    for _ in range(4):  # levels of a cascade
        k = int(rng.integers(0, 80))
        target, sender, draws = (
            rng.integers(0, n, k),
            rng.integers(0, frontier.size, k),
            rng.random(k),
        )
        got = escalation_new_resharers(
            target, sender, draws, level, frontier, segment, cross, seen, first
        )
        same = segment[frontier[sender]] == segment[target]
        keep = draws < level[sender] * np.where(same, 1.0, cross)
        expected, at = np.unique(target[keep], return_index=True)
        expected_sender = sender[keep][at]
        new = ~np.isin(expected, seen_ids, assume_unique=True)
        expected, expected_sender = expected[new], expected_sender[new]
        seen_ids = np.union1d(seen_ids, expected)
        assert got[0].tolist() == expected.tolist()
        assert got[1].tolist() == expected_sender.tolist()
        if expected.size == 0:
            break
        frontier, level = expected, level[expected_sender]
    assert np.flatnonzero(seen).tolist() == seen_ids.tolist()


@pytest.mark.parametrize("seed", range(20))
def test_escalation_reached_equals_the_distinct_audience(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 300))
    graph = barabasi_albert(n, int(rng.integers(1, 4)), seed=rng)
    authors, who = rng.choice(n, int(rng.integers(0, 10))), rng.choice(n, int(rng.integers(0, 5)))
    reached = rng.choice(n, int(rng.integers(0, 30)))
    audience = graph.indices[graph.arcs_from(np.concatenate([authors, who]))]
    expected = distinct(np.concatenate([audience, reached]), n).size
    table = rng.integers(-5, 50, n)  # stale scratch
    assert escalation_reached(graph.indptr, graph.indices, authors, who, reached, table) == expected


@pytest.mark.parametrize("seed", range(20))
def test_depth_deepen_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n, rows = 300, int(rng.integers(0, 120))
    person, kind = rng.integers(0, n // int(rng.integers(1, 30)), rows), rng.integers(0, 10, rows)
    first = int(rng.integers(0, rows + 1))
    last = int(rng.integers(first, rows + 1))
    two_way, gain = rng.random(10) < 0.4, float(rng.random())
    depth = rng.random(n) * (rng.random(n) < 0.7)
    table = rng.integers(-5, rows + 5, n)  # stale scratch
    expected = depth.copy()
    at = np.arange(first, last)
    answered = person[at][two_way[kind[at]]]
    people, times = sum_by(answered, np.ones(answered.size), n)
    expected[people] = 1.0 - (1.0 - expected[people]) * (1.0 - gain) ** times
    deepest = depth_deepen(person, kind.astype(np.int8), first, last, two_way, depth, gain, table)
    assert depth.tobytes() == expected.tobytes()
    assert deepest == expected[people].max(initial=0.0)


@pytest.mark.parametrize("seed", range(20))
def test_unheard_complaints_equal_setdiff1d(seed):
    rng = np.random.default_rng(seed)
    posted = rng.choice(500, int(rng.integers(0, 60)), replace=False)
    queued = rng.choice(posted, int(rng.integers(0, posted.size + 1)), replace=False)
    queued = np.concatenate([queued, rng.choice(np.arange(500, 600), int(rng.integers(0, 5)))])
    expected = np.setdiff1d(posted, np.unique(queued), assume_unique=True)
    got = replies_unheard(posted, np.unique(queued))
    assert got.dtype == expected.dtype
    assert got.tolist() == expected.tolist()


@pytest.mark.parametrize("seed", range(20))
def test_listening_flagged_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n, f = int(rng.integers(0, 40)), int(rng.integers(0, 6))
    author, kind = rng.integers(0, 1000, n), rng.integers(0, 3, n).astype(np.int8)
    hour, caught = rng.random(n) * 24.0, rng.random(n) < 0.7
    m = int(caught.sum())
    draws = (rng.random(m), rng.random(m), rng.integers(1, 3, m), rng.integers(0, 3, f))
    draws += (rng.random(m + f), rng.random(f))
    share, a, t = float(rng.random()), float(rng.random()), int(rng.integers(1, 400))
    stray = float(rng.random())
    got = listening_flagged(author, kind, hour, caught, *draws, share, a, stray, t)
    u_complex, u_label, shift, false_label, u_tag, u_hour = draws
    k = kind[caught]
    complex_ = (k == 0) & (u_complex < share)
    label = np.concatenate([(k + np.where(u_label >= a, shift, 0)) % 3, false_label])
    complex_ = np.concatenate([complex_, np.zeros(f, bool)])
    expected = (
        np.concatenate([author[caught], np.full(f, -1)]),
        np.concatenate([k, np.full(f, -1)]).astype(np.int8),
        label.astype(np.int8),
        24.0 * (t - 1) + np.concatenate([hour[caught], 24.0 * u_hour]),
        complex_,
        (label == 0) & (u_tag < np.where(complex_, a, stray)),
    )
    for column, want in zip(got, expected, strict=True):
        assert column.dtype == want.dtype
        assert column.tobytes() == want.tobytes()


@pytest.mark.parametrize("seed", range(20))
def test_replies_change_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 50))
    kind = rng.integers(0, 3, n).astype(np.int8)
    fits, fixed, compensated, complex_ = (rng.random((4, n)) < 0.6).astype(bool)
    speed, gains = rng.random(n), rng.normal(0, 1, 7)
    change, counts = replies_change(kind, fits, fixed, compensated, complex_, speed, gains)
    complaint = kind == 0
    complaint_gain = np.where(fixed, gains[0] + compensated * gains[1], gains[2])
    gain = np.array([0.0, gains[3], gains[4]])[kind]
    gain[complaint] = complaint_gain[complaint]
    botched = np.where(complaint, -gains[5], gains[6] * speed)
    assert change.tobytes() == np.where(fits, gain * speed, botched).tobytes()
    repaired = fits & fixed & complaint
    masks = [fits & complaint, fits & (kind == 1), fits & (kind == 2), ~fits, repaired]
    masks += [fits & complaint & complex_, fits & complaint & complex_ & fixed]
    masks += [repaired & compensated]
    assert counts.tolist() == [int(np.count_nonzero(m)) for m in masks]


@pytest.mark.parametrize("seed", range(20))
def test_barabasi_albert_far_ends_equal_pointer_jumping(seed):
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(1, 6)), int(rng.integers(8, 400))
    n_edges = m * (n - m)
    src = np.concatenate([np.zeros(m, np.int64), np.repeat(np.arange(m + 1, n), m)])
    tgt = np.concatenate([np.arange(1, m + 1), np.full(n_edges - m, -1)])
    entry = rng.integers(0, 2 * m * (src[m:] - m))
    expected = tgt.copy()
    edge, copies = entry >> 1, (entry & 1).astype(bool)
    new_tgt = expected[m:]
    new_tgt[~copies] = src[edge[~copies]]
    pending = np.flatnonzero(copies) + m
    pointer = np.zeros(n_edges, dtype=np.int64)
    pointer[pending] = edge[copies]
    resolved = np.ones(n_edges, dtype=bool)
    resolved[pending] = False
    while pending.size:
        ahead = pointer[pending]
        done = resolved[ahead]
        finished = pending[done]
        expected[finished] = expected[ahead[done]]
        pending, ahead = pending[~done], ahead[~done]
        pointer[pending] = pointer[ahead]
        resolved[finished] = True
    barabasi_albert_far_ends(src, tgt, entry, m)
    assert tgt.tolist() == expected.tolist()


# ----------------------------------------- the front end: listening, triage, early warning


@pytest.mark.parametrize("seed", range(20))
def test_listening_unheard_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 40))
    author, kind = rng.integers(0, 99, n), rng.integers(0, 3, n).astype(np.int8)
    hour = rng.random(n)
    caught = rng.random(n) < rng.random()
    *got, complaints = listening_unheard(author, kind, hour, caught)
    for column, whole in zip(got, (author, kind, hour), strict=True):
        assert column.dtype == whole.dtype
        assert column.tobytes() == whole[~caught].tobytes()
    assert complaints == np.count_nonzero(kind[~caught] == 0)


def stand_ins_numpy(author, label, missed_author, missed_kind, free):
    """The numpy version of the stand-ins (``agent._stand_ins`` before it was compiled), on
    missed posts already in their drawn order, -1 where anyone is to be drawn."""
    false = np.flatnonzero(author < 0)
    labels = label[false]
    people = np.full(false.size, -1, np.int64)
    used, kinds, left = np.zeros(free.size, bool), missed_kind[free], np.ones(false.size, bool)
    for kind in range(3):
        mine = np.flatnonzero(labels == kind)
        pool = np.flatnonzero(kinds == kind)[: mine.size]
        people[mine[: pool.size]] = missed_author[free[pool]]
        used[pool] = True
        left[mine[: pool.size]] = False
    rest, pool = np.flatnonzero(left), np.flatnonzero(~used)[: int(left.sum())]
    people[rest[: pool.size]] = missed_author[free[pool]]
    shown = author.copy()
    shown[false] = people
    return shown, rest.size - pool.size


@pytest.mark.parametrize("seed", range(40))
def test_triage_stand_ins_equal_their_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(0, 40)), int(rng.integers(0, 30))
    author = np.where(rng.random(n) < rng.random(), -1, rng.integers(0, 60, n))
    label = rng.integers(0, 3, n).astype(np.int8)
    missed_author, missed_kind = rng.integers(0, 60, m), rng.integers(0, 3, m).astype(np.int8)
    free = triage_missed_free(author, missed_author)
    assert free.tolist() == np.flatnonzero(~np.isin(missed_author, author)).tolist()
    free = free[rng.permutation(free.size)]
    shown, anyone = triage_stand_ins(author, label, missed_author, missed_kind, free)
    expected, expected_anyone = stand_ins_numpy(author, label, missed_author, missed_kind, free)
    assert shown.dtype == np.int64 and anyone == expected_anyone
    assert shown.tolist() == expected.tolist()
    heard, again = np.zeros(60, np.int32), np.zeros(60, np.int32)
    listed = shown[shown >= 0]
    triage_heard(heard, listed)
    np.add.at(again, listed, 1)
    assert heard.tolist() == again.tolist()


@pytest.mark.parametrize("seed", range(20))
def test_triage_items_equal_their_numpy_version(seed):
    rng = np.random.default_rng(seed)
    w, n, people = int(rng.integers(0, 10)), int(rng.integers(0, 30)), 50
    columns = [
        (rng.integers(0, 3, k).astype(np.int8), rng.random(k) < 0.3, rng.random(k) * 100)
        for k in (w, n)
    ]
    key, who = rng.normal(size=w), [rng.integers(0, people, k) for k in (w, n)]
    population = (
        rng.integers(0, 500, people),
        rng.integers(0, 9, people).astype(np.int32),
        rng.integers(0, 9, people).astype(np.int32),
        rng.integers(0, 9, people).astype(np.int32),
        rng.integers(-1, 90, people).astype(np.int32),
    )
    (waiting_columns, today_columns) = columns
    types = (np.int8, bool, float, bool, float, np.int64, np.int64, np.int64, np.int32)
    got = [np.full(w + n, 7, dtype) for dtype in types]  # filled with anything but the answer
    triage_items(*waiting_columns, key, who[0], *today_columns, who[1], *population, *got)
    out_degree, responses, unsolicited, heard, engaged = population
    shown, is_waiting = np.concatenate(who), np.arange(w + n) < w
    expected = [np.concatenate(pair) for pair in zip(*columns, strict=True)]
    expected += [is_waiting, np.where(is_waiting, np.concatenate([key, np.zeros(n)]), np.nan)]
    expected += [
        out_degree[shown].astype(np.int64),
        responses[shown].astype(np.int64) + unsolicited[shown],
        heard[shown].astype(np.int64),
        engaged[shown],
    ]
    assert [(c.dtype, c.tobytes()) for c in got] == [(c.dtype, c.tobytes()) for c in expected]


@pytest.mark.parametrize("seed", range(40))
def test_early_warning_cusum_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    baseline = rng.uniform(0, 30, 3) * (rng.random(3) < 0.8)  # some below the floor of 1
    statistic = rng.uniform(0, 6, 3) * (rng.random(3) < 0.7)
    counts = rng.poisson(baseline + rng.uniform(0, 10)).astype(np.float64)
    watched = rng.random(3) < 0.6
    ready, learn = bool(rng.random() < 0.8), bool(rng.random() < 0.8)
    allowance, threshold, weight = rng.uniform(0, 1), rng.uniform(0, 6), rng.uniform(0, 1)
    expected_baseline, expected_statistic = baseline.copy(), statistic.copy()
    if ready:
        excess = (counts - baseline) / np.sqrt(np.maximum(baseline, 1.0)) - allowance
        expected_statistic = np.maximum(0.0, statistic + excess)
    expected_alarm = bool(ready and np.any(expected_statistic[watched] > threshold))
    if expected_alarm:
        expected_statistic[:] = 0.0
    elif learn:
        expected_baseline += weight * (counts - expected_baseline)
    alarm = early_warning_cusum(
        baseline, statistic, counts, watched, ready, allowance, threshold, learn, weight
    )
    assert alarm == expected_alarm
    assert baseline.tobytes() == expected_baseline.tobytes()
    assert statistic.tobytes() == expected_statistic.tobytes()


@pytest.mark.parametrize("seed", range(10))
def test_consecutive_uniform_draws_are_the_numbers_of_one_draw(seed):
    # Listening draws the uniforms it uses one after another in one call each.
    one, two = np.random.default_rng(seed), np.random.default_rng(seed)
    for _ in range(20):
        m, f = (int(k) for k in one.integers(0, 40, 2))
        two.integers(0, 40, 2)
        apart = [one.random(m), one.random(m), one.integers(1, 3, m), one.random(m + f)]
        apart.append(one.random(f))
        joined = [two.random(2 * m), two.integers(1, 3, m), two.random(m + 2 * f)]
        assert b"".join(a.tobytes() for a in apart[:2]) == joined[0].tobytes()
        assert apart[2].tolist() == joined[1].tolist()
        assert apart[3].tobytes() + apart[4].tobytes() == joined[2].tobytes()
    assert one.bit_generator.state == two.bit_generator.state


@pytest.mark.parametrize("seed", range(10))
def test_shuffling_is_taking_a_permutation(seed):
    # Triage shuffles the missed posts where it took them in the order of a permutation.
    one, two = np.random.default_rng(seed), np.random.default_rng(seed)
    for size in range(30):
        free = np.arange(size) * 3
        taken = free[one.permutation(size)]
        two.shuffle(free)
        assert taken.tolist() == free.tolist()
    assert one.bit_generator.state == two.bit_generator.state
