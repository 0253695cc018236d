"""The brand's compiled kernels against the numpy they replace, bit for bit.

Listening, triage, early warning, the care team's work, replies and onlookers. Same seed, same
numbers: a kernel that rounds once differently changes every run after it, so each is compared
with its numpy version on random inputs, ties and edge cases included.
"""

from __future__ import annotations

import heapq
from types import SimpleNamespace

import numpy as np
import pytest

from socialsim.brand.care_team import _COLUMNS, CareTeam, Queue, fix_chance
from socialsim.brand.compiled import (
    numpy_sum,
    replies_change,
    replies_unheard,
    work_judge,
    work_quantiles,
)
from socialsim.brand.compiled_back import (
    costs_labels,
    onlookers_day,
    onlookers_felt,
    onlookers_seen,
    replies_answer,
    replies_day,
    replies_due,
    replies_ignored,
)
from socialsim.brand.compiled_front import (
    early_warning_day,
    listening_heard,
)
from socialsim.brand.compiled_triage import (
    triage_heard,
    triage_items,
    triage_listed,
    triage_missed_free,
    triage_queued,
    triage_stand_ins,
)
from socialsim.brand.compiled_work import work_response
from socialsim.brand.response import speed_factor
from socialsim.brand.routing import route, sends_tagged
from socialsim.brand.servers import serve
from socialsim.fans.identification import arcs, spread
from socialsim.interactions import Channel, InteractionLog, Kind
from socialsim.kernels import stream_handle
from socialsim.network.graph import SocialGraph, sum_by
from socialsim.posts import Flagged
from socialsim.scenario import ResponseParams, TeamParams


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
    # up to 100 items: the listed authors are sorted by insertion up to 48, by numba's sort above
    n, m = int(rng.integers(0, 100)), int(rng.integers(0, 30))
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
    waiting = random_queue(rng, w, people)  # its other columns are noise the kernel must skip
    waiting.label, waiting.tagged, waiting.arrival = waiting_columns
    waiting.key, waiting.shown = key, who[0]
    shapes = ((1, np.int8), (2, bool), (2, float), (3, np.int64), (1, np.int32))
    blocks = [np.full((rows, w + n), 7, dtype) for rows, dtype in shapes]  # anything but
    out = (blocks[0][0], *blocks[1:4], blocks[4][0])
    triage_items((waiting.wide, waiting.narrow), *today_columns, who[1], population, out)
    label, flags, hours, counts, engaged_ = blocks
    got = [label[0], flags[0], hours[0], flags[1], hours[1], *counts, engaged_[0]]
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
def test_early_warning_day_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    baseline = rng.uniform(0, 30, 3) * (rng.random(3) < 0.8)  # some below the floor of 1
    statistic = rng.uniform(0, 6, 3) * (rng.random(3) < 0.7)
    labels = rng.integers(0, 3, int(rng.integers(0, 40))).astype(np.int8)
    counted = seed % 2 == 0  # counted from the labels, or given
    counts = rng.poisson(baseline + rng.uniform(0, 10)).astype(np.float64)
    expected_counts = np.bincount(labels, minlength=3)[:3].astype(float) if counted else counts
    watched = rng.random(3) < 0.6
    ready, learn = bool(rng.random() < 0.8), bool(rng.random() < 0.8)
    allowance, threshold, weight = rng.uniform(0, 1), rng.uniform(0, 6), rng.uniform(0, 1)
    expected_baseline, expected_statistic = baseline.copy(), statistic.copy()
    if ready:
        excess = (expected_counts - baseline) / np.sqrt(np.maximum(baseline, 1.0)) - allowance
        expected_statistic = np.maximum(0.0, statistic + excess)
    expected_alarm = bool(ready and np.any(expected_statistic[watched] > threshold))
    if expected_alarm:
        expected_statistic[:] = 0.0
    elif learn:
        expected_baseline += weight * (expected_counts - expected_baseline)
    original, before, after = baseline.copy(), np.empty(3), np.empty(3)
    settings = (watched, ready, allowance, threshold, learn, weight)
    alarm = early_warning_day(
        labels, counted, counts, before, after, baseline, statistic, *settings
    )
    assert alarm == expected_alarm
    assert counts.tobytes() == expected_counts.tobytes()
    assert before.tobytes() == original.tobytes()
    assert baseline.tobytes() == expected_baseline.tobytes()
    assert statistic.tobytes() == after.tobytes() == expected_statistic.tobytes()


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


@pytest.mark.parametrize("seed", range(30))
def test_numpy_sum_adds_in_numpys_order(seed):
    rng = np.random.default_rng(seed)
    for n in (*range(0, 20), *rng.integers(20, 300, 10), *rng.integers(300, 20_000, 2)):
        values = rng.normal(0, 1, n) * 10.0 ** rng.uniform(-6, 6, n)
        assert np.float64(numpy_sum(values)).tobytes() == np.float64(values.sum()).tobytes()


def serve_reference(ready, key, arrival, service, shift, staff, busy):
    """The servers' shift as it was: numpy's sorts, then heapq's heaps of tuples."""
    start, end = shift
    if staff == 0 or ready.size == 0 or end <= start:
        return np.full(ready.size, np.nan), [b for b in busy if b > start]
    early = np.flatnonzero(ready <= start)
    early = list(early[np.lexsort((early, arrival[early], key[early]))])
    late = np.flatnonzero(ready > start)
    late = list(late[np.argsort(ready[late], kind="stable")])
    begin = np.full(ready.size, np.nan)
    pending = []
    for free in busy:
        if free > start:
            heapq.heappush(pending, free)
    waiting, idle, t = [], staff - len(pending), start
    while True:
        if idle <= 0:
            t = max(t, pending[0])
        if not early and not waiting:
            if not late:
                break
            t = max(t, ready[late[0]])
        if t >= end:
            break
        while pending and pending[0] <= t:
            heapq.heappop(pending)
            idle += 1
        if idle <= 0:
            continue
        while late and ready[late[0]] <= t:
            j = late.pop(0)
            heapq.heappush(waiting, (key[j], arrival[j], j))
        if waiting and (not early or waiting[0] < (key[early[0]], arrival[early[0]], early[0])):
            j = heapq.heappop(waiting)[2]
        else:
            j = early.pop(0)
        begin[j] = t
        idle -= 1
        heapq.heappush(pending, t + service[j])
    return begin, pending


@pytest.mark.parametrize("seed", range(60))
def test_serve_equals_sorts_and_heaps_of_tuples(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 80))
    grid = 2 ** int(rng.integers(0, 4))  # coarse times and keys make ties
    ready = np.round(rng.uniform(0, 12, n) * grid) / grid
    key = np.round(rng.uniform(0, 3, n) * grid) / grid
    arrival = np.minimum(ready, np.round(rng.uniform(0, 12, n) * grid) / grid)
    service = rng.exponential(0.5, n)
    busy = list(rng.uniform(5, 10, int(rng.integers(0, 4))))
    shift, staff = (8.0, 8.0 + float(rng.choice([0.0, 4.0, 8.0]))), int(rng.integers(0, 5))
    begin, left = serve(ready, key, arrival, service, shift, staff, busy)
    expected, expected_left = serve_reference(ready, key, arrival, service, shift, staff, busy)
    assert begin.tobytes() == expected.tobytes()
    assert left == expected_left  # the same heap, entry for entry


def work_reference(team, queue, day, rng, slots, answers):
    """The care team's day as it was in numpy (``CareTeam.work`` before its kernels)."""
    p = team.params
    share = 1.0 if slots is None or team.slots_per_day == 0 else slots / team.slots_per_day
    staff = {0: team.staff if share > 0 else 0, 1: p.experts}
    start = 24.0 * (day - 1) + p.start_hour
    shift = (start, start + p.hours_per_day)
    queue = team.queue.join(queue)
    tier, ready, n = queue.tier.copy(), queue.ready.copy(), len(queue)
    stretch = np.where(tier == 0, 1.0 / max(share, 1e-12), 1.0)
    nominal = np.where(
        tier == 1, p.expert_minutes, np.where(queue.label == 1, p.thanks_minutes, p.reply_minutes)
    )
    work = nominal / 60.0 * stretch * (ready < shift[1])
    errors = np.empty(2)
    for t in (0, 1):
        capacity = staff[t] * p.hours_per_day
        load = float(work[tier == t].sum()) / capacity if capacity else 0.0
        errors[t] = 1 - (1 - p.error_rate) * np.exp(-p.overload_errors * max(0.0, load - 1))
    by_kind = np.array([p.reply_minutes, p.thanks_minutes, p.reply_minutes])
    escalating = p.routing != "frontline_only" and p.experts > 0
    rules = (answers, escalating, by_kind, float(p.expert_minutes), float(p.triage_minutes))

    def judge(which, u, error):
        cols = (queue.author, queue.kind, queue.label, queue.complex)
        return judge_numpy(*(c[which] for c in cols), tier[which] == 1, u < error, *rules)

    def noise(size):
        return (
            np.ones(size)
            if p.handling_cv == 0
            else rng.gamma(1 / p.handling_cv**2, p.handling_cv**2, size=size)
        )

    outcome, minutes = judge(np.arange(n), rng.random(n), errors[tier])
    effort = minutes / 60.0 * noise(n)
    hours, begin, busy = effort * stretch, np.full(n, np.nan), dict(team._busy)

    def work_tier(t):
        which = np.flatnonzero(tier == t)
        if which.size:
            args = (ready[which], queue.key[which], queue.arrival[which], hours[which])
            begin[which], busy[t] = serve_reference(*args, shift, staff[t], list(busy[t]))
        return which

    frontline = work_tier(0)
    started = frontline[~np.isnan(begin[frontline])]
    worked = [float(effort[started].sum())]
    passed = started[outcome[started] == 3]
    if passed.size:
        tier[passed], ready[passed] = 1, begin[passed] + hours[passed]
        outcome[passed], again = judge(passed, rng.random(passed.size), errors[1])
        hours[passed] = again / 60.0 * noise(passed.size)
        begin[passed] = np.nan
    expert = work_tier(1)
    worked.append(float(hours[expert][~np.isnan(begin[expert])].sum()))
    done = np.flatnonzero(~np.isnan(begin))
    done = done[np.argsort(begin[done] + hours[done], kind="stable")]
    waiting = np.flatnonzero(np.isnan(begin))
    old = 24.0 * day - queue.arrival[waiting] > p.max_wait_hours
    response = begin[done] + hours[done] - queue.arrival[done]
    columns = {name: getattr(queue, name) for name in _COLUMNS}
    queue = Queue(**{**columns, "tier": tier, "ready": ready, "outcome": outcome})
    parts = (queue.take(done), queue.take(waiting[~old]), queue.take(waiting[old]))
    return parts, busy, response, dict(zip(CareTeam.KPIS, [int(passed.size), *worked], strict=True))


@pytest.mark.parametrize("seed", range(40))
def test_the_care_teams_day_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    team = CareTeam(
        TeamParams(
            staff=int(rng.integers(0, 4)),
            experts=int(rng.integers(0, 3)),
            hours_per_day=float(rng.choice([4.0, 8.0])),
            reply_minutes=float(rng.uniform(5, 60)),
            error_rate=float(rng.uniform(0, 0.2)),
            overload_errors=float(rng.uniform(0, 2)),
            handling_cv=float(rng.choice([0.0, 0.8, 1.0, 1.7])),  # gamma shapes > 1, 1, < 1
            routing=str(rng.choice(["escalate", "frontline_only"])),
        )
    )
    for day in range(1, 5):  # the queue and the busy people carry over
        n = int(rng.integers(0, 60))
        flagged = Flagged(
            np.where(rng.random(n) < 0.2, -1, rng.integers(0, 1000, n)),
            rng.integers(0, 3, n).astype(np.int8),
            rng.integers(0, 3, n).astype(np.int8),
            24.0 * (day - 1) + rng.uniform(0, 24, n),
            rng.random(n) < 0.4,
            rng.random(n) < 0.2,
        )
        arrivals = Queue.of(flagged, rng.integers(0, 3, n).astype(float), rng.integers(0, 2, n))
        slots = None if day == 1 else int(rng.integers(0, 40))
        answers = rng.random(3) < 0.8
        reference = np.random.default_rng(seed + 1000 * day)
        expected = work_reference(team, arrivals, day, reference, slots, answers)
        draws = np.random.default_rng(seed + 1000 * day)
        handled, missed = team.work(arrivals, day, rng=draws, slots=slots, answers=answers)
        parts, busy, response, counts = expected
        for got, want in zip((handled, team.queue, missed), parts, strict=True):
            for name in _COLUMNS:
                assert getattr(got, name).tobytes() == getattr(want, name).tobytes(), name
        assert team.last_response_time.tobytes() == response.tobytes()
        assert [list(team._busy[t]) for t in (0, 1)] == [list(busy[t]) for t in (0, 1)]
        assert team.last_counts == counts
        assert draws.random() == reference.random()  # the stream left where numpy left it


@pytest.mark.parametrize("seed", range(20))
def test_work_response_summarises_the_replies_response_times(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 200))
    author = np.where(rng.random(n) < 0.2, -1, rng.integers(0, 100, n))
    outcome, response = rng.integers(0, 4, n).astype(np.int8), rng.exponential(5.0, n)
    real = response[(author >= 0) & (outcome <= 1)]
    median, p90, total = work_response(author, outcome, response)
    np.testing.assert_array_equal([median, p90], [np.median(real), np.percentile(real, 90)])
    assert np.float64(total).tobytes() == np.float64(real.sum()).tobytes()


@pytest.mark.parametrize("seed", range(30))
def test_replies_due_and_answer_equal_their_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n, people, t = int(rng.integers(0, 50)), 40, int(rng.integers(1, 300))
    author = np.where(rng.random(n) < 0.2, -1, rng.integers(0, people, n))  # repeats too
    kind, outcome = rng.integers(0, 3, n).astype(np.int8), rng.integers(0, 4, n).astype(np.int8)
    how, complex_ = rng.integers(0, 16, n).astype(np.uint8), rng.random(n) < 0.4
    tier = rng.integers(0, 2, n).astype(np.int8)
    arrival = 24.0 * (t - 1) + rng.uniform(0, 24, n)
    response = np.where(rng.random(n) < 0.1, 0.0, rng.exponential(5.0, n))
    replied = (author >= 0) & (outcome <= 1)
    gains, u, squeaky = rng.normal(0, 1, 7), rng.random(int(replied.sum())), float(rng.random())
    tiny = 1e-310 if seed % 5 == 0 else None  # a time constant whose exponents overflow
    team = TeamParams(
        fix_patience_hours=tiny or float(rng.uniform(1, 100)), frontline_skill=rng.random()
    )
    params = ResponseParams(
        speed_hours=tiny or float(rng.uniform(0.1, 5)), speed_floor=rng.random()
    )
    fix_rate = float(rng.random())
    state = (
        rng.integers(0, 5, people).astype(np.int32),
        rng.integers(-1, t, people).astype(np.int32),
        rng.random(people),
        rng.integers(0, 3, people).astype(np.int8),
    )
    mine = tuple(column.copy() for column in state)
    handled = (author, kind, outcome, how, complex_, tier, arrival, response)
    mask, late = np.empty(n, bool), np.empty((2, n))
    hours = (team.fix_patience_hours, params.speed_hours)
    counts = replies_due(author, outcome, response, hours, mask, late)
    assert mask.tolist() == replied.tolist()
    assert counts == (np.count_nonzero(replied), np.count_nonzero(author < 0))
    np.exp(late, out=late)
    rates = (fix_rate, team.frontline_skill, params.speed_floor)
    got = replies_answer(handled, replied, late, u, rates, gains, mine, squeaky, t)

    chance = fix_rate * fix_chance(SimpleNamespace(complex=complex_, tier=tier), response, team)
    speed = speed_factor(response, params)
    received, contact, propensity, status = state
    a, k, h = author[replied], kind[replied], how[replied]
    fits = outcome[replied] == 0
    fixed = (u < chance[replied]) & ((h & 2) > 0)
    args = (k, fits, fixed, (h & 4) > 0, complex_[replied], speed[replied], gains)
    change, tally = replies_change(*args)
    np.add.at(received, a, 1)
    contact[a] = t
    np.add.at(propensity, a[fits & (k == 0)], squeaky)
    asked = a[fits & (k == 2)]
    public = (h & 1) == 0
    amplified = public & ((h & 8) > 0) & fits & (k == 1)
    expected = (
        a,
        change,
        tally,
        np.float64(change.sum()),
        (arrival[replied] + response[replied] - 24.0 * (t - 1), np.where(fits, 6, 7), 1 - public),
        asked[status[asked] == 0],
        (a[public], change[public]),
        (a[amplified], change[amplified]),
    )
    for column, want in zip(got[:4], expected[:4], strict=True):
        assert np.asarray(column).tobytes() == np.asarray(want).tobytes()
    (hour, logged, channel), (want_hour, want_logged, want_channel) = got[4], expected[4]
    assert hour.tobytes() == want_hour.tobytes()
    assert logged.tolist() == want_logged.tolist() and channel.tolist() == want_channel.tolist()
    assert got[5].tobytes() == expected[5].tobytes()
    for part, want in zip(got[6:], expected[6:], strict=True):
        assert [c.tobytes() for c in part] == [c.tobytes() for c in want]
    for column, want in zip(mine, state, strict=True):
        assert column.tobytes() == want.tobytes()


@pytest.mark.parametrize("seed", range(20))
def test_replies_ignored_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    posted = rng.choice(500, int(rng.integers(0, 40)), replace=False)

    def items(authors):
        return authors, rng.integers(0, 3, authors.size).astype(np.int8)

    queued = items(rng.choice(posted, int(rng.integers(0, posted.size + 1)), replace=False))
    handled = (*items(rng.integers(-1, 500, int(rng.integers(0, 30)))),)
    handled += (rng.integers(0, 4, handled[0].size).astype(np.int8),)
    missed = items(rng.integers(0, 500, int(rng.integers(0, 5))))
    penalty = float(rng.random())
    posts = (np.concatenate([posted, rng.integers(0, 500, 5)]), np.zeros(posted.size + 5, np.int8))
    posts[1][posted.size :] = rng.integers(1, 3, 5)  # praise and needs: not complaints
    ignored, dismissed, change, total = replies_ignored(posts, queued, handled, missed, penalty)
    expected_dismissed = handled[0][(handled[2] == 2) & (handled[1] == 0)]
    unheard = np.setdiff1d(posted, queued[0][queued[1] == 0], assume_unique=True)
    expected = np.concatenate([unheard, expected_dismissed, missed[0][missed[1] == 0]])
    assert ignored.tolist() == expected.tolist() and dismissed == expected_dismissed.size
    assert change.tobytes() == np.full(expected.size, -penalty).tobytes()
    assert np.float64(total).tobytes() == np.float64(change.sum()).tobytes()


@pytest.mark.parametrize("seed", range(20))
def test_onlookers_felt_equals_sum_by_then_the_listeners_total(seed):
    rng = np.random.default_rng(seed)
    n, k = 60, int(rng.integers(0, 200))
    people, felt = rng.integers(0, n, k), rng.normal(0, 1, k) * 10.0 ** rng.uniform(-8, 0, k)
    status = rng.integers(0, 3, n).astype(np.int8)
    got = onlookers_felt(people, felt, status, np.full(n, -5, np.int64))
    who, total = sum_by(people, felt, n)
    expected_total = np.float64(total[status[who] != 2].sum())
    assert got[0].tobytes() == who.tobytes() and got[1].tobytes() == total.tobytes()
    assert np.float64(got[2]).tobytes() == expected_total.tobytes()


@pytest.mark.parametrize("seed", range(20))
def test_onlookers_seen_equals_spread_and_the_audiences_size(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(5, 200)), int(rng.integers(0, 600))
    sources, targets = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = sources != targets
    weights = rng.random(m)[keep] if seed % 2 else None
    graph = SocialGraph.from_edges(
        sources[keep], targets[keep], n, directed=bool(seed % 3), weights=weights
    )
    authors = rng.integers(0, n, int(rng.integers(0, 30)))  # repeats too
    change, share = rng.normal(0, 1, authors.size), float(rng.random())
    segment, cross = rng.integers(0, 3, n).astype(np.int8), float(rng.random())
    table = rng.integers(-5, 50, n)  # stale scratch
    got = onlookers_seen(arcs(graph), authors, change, share, segment, cross, table)
    people, felt = spread(graph, authors, share * change, segment, cross)
    assert got[0].tobytes() == people.tobytes() and got[1].tobytes() == felt.tobytes()
    assert got[2] == int(graph.out_degree[authors].sum())


def listening_numpy(rng, author, kind, hour, false, recall, share, a, stray, t):
    """The numpy version of listening after the chatter (``listening._listen`` before its
    draws were compiled): the flagged columns, the missed posts' and their complaints."""
    caught = rng.random(author.size) < recall
    m = int(np.count_nonzero(caught))
    u = rng.random(2 * m)
    u_complex, u_label = u[:m], u[m:]
    shift = rng.integers(1, 3, size=m)
    false_label = rng.integers(0, 3, size=false)
    u = rng.random(m + 2 * false)
    u_tag, u_hour = u[: m + false], u[m + false :]
    k = kind[caught]
    complex_ = np.concatenate([(k == 0) & (u_complex < share), np.zeros(false, bool)])
    label = np.concatenate([(k + np.where(u_label >= a, shift, 0)) % 3, false_label])
    flagged = (
        np.concatenate([author[caught], np.full(false, -1)]),
        np.concatenate([k, np.full(false, -1)]).astype(np.int8),
        label.astype(np.int8),
        24.0 * (t - 1) + np.concatenate([hour[caught], 24.0 * u_hour]),
        complex_,
        (label == 0) & (u_tag < np.where(complex_, a, stray)),
    )
    missed = (author[~caught], kind[~caught], hour[~caught])
    return flagged, missed, int(np.count_nonzero(kind[~caught] == 0))


@pytest.mark.parametrize("seed", range(40))
def test_listening_heard_equals_its_numpy_version_draws_included(seed):
    rng = np.random.default_rng(seed)
    n, false = int(rng.integers(0, 40)), int(rng.integers(0, 6))
    author, kind = rng.integers(0, 1000, n), rng.integers(0, 3, n).astype(np.int8)
    hour = rng.random(n) * 24.0
    recall, share, a, stray = (float(x) for x in rng.random(4))
    recall = [0.0, 1.0, recall][seed % 3]
    t = int(rng.integers(1, 400))
    ours, theirs = np.random.default_rng(100 + seed), np.random.default_rng(100 + seed)
    flagged = [np.full(n + false, 7, d) for d in (np.int64, np.int8, np.int8, float, bool, bool)]
    missed = [np.full(n, 7, d) for d in (np.int64, np.int8, float)]
    args = (false, recall, share, a, stray, t)
    m, complaints = listening_heard(
        stream_handle(ours), author, kind, hour, *args, *flagged, *missed
    )
    want_flagged, want_missed, want_complaints = listening_numpy(theirs, author, kind, hour, *args)
    got = [c[: m + false] for c in flagged] + [c[: n - m] for c in missed]
    want = [*want_flagged, *want_missed]
    assert [(c.dtype, c.tobytes()) for c in got] == [(c.dtype, c.tobytes()) for c in want]
    assert complaints == want_complaints
    assert ours.random() == theirs.random()  # the stream left where numpy leaves it


@pytest.mark.parametrize("seed", range(40))
def test_triage_listed_equals_its_numpy_version_draws_included(seed):
    rng = np.random.default_rng(seed)
    n, m, people = int(rng.integers(0, 40)), int(rng.integers(0, 30)), 60
    author = np.where(rng.random(n) < rng.random(), -1, rng.integers(0, people, n))
    label = rng.integers(0, 3, n).astype(np.int8)
    missed_author, missed_kind = rng.integers(0, people, m), rng.integers(0, 3, m).astype(np.int8)
    heard = rng.integers(0, 5, people).astype(np.int32)
    ours, theirs = np.random.default_rng(100 + seed), np.random.default_rng(100 + seed)
    shown, got_heard = np.full(n, 7, np.int64), heard.copy()
    triage_listed(
        stream_handle(ours), author, label, missed_author, missed_kind, people, got_heard, shown
    )
    # the numpy of agent._listed before its draws were compiled
    expected = author
    if (author < 0).any():
        free = np.flatnonzero(~np.isin(missed_author, author))
        theirs.shuffle(free)
        expected, anyone = stand_ins_numpy(author, label, missed_author, missed_kind, free)
        if anyone:
            expected[expected < 0] = theirs.integers(0, people, size=anyone)
    np.add.at(heard, expected, 1)
    assert shown.tolist() == expected.tolist()
    assert got_heard.tolist() == heard.tolist()
    assert ours.random() == theirs.random()


@pytest.mark.parametrize("seed", range(40))
def test_triage_queued_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    w, m = int(rng.integers(0, 10)), int(rng.integers(0, 30))
    key, answer = rng.normal(size=w + m), rng.random(w + m) < [0.7, 1.0][seed % 2]
    how = rng.integers(0, 16, w + m).astype(np.uint8)
    flagged = random_queue(rng, m, 50)  # today's items, false positives (kind -1) included
    columns = {name: getattr(flagged, name).copy() for name in vars(Flagged.empty())}
    columns["kind"][columns["author"] < 0] = -1
    today = Flagged(**columns)
    shown = np.where(today.author < 0, rng.integers(0, 50, m), today.author)
    by_policy = seed % 3 == 0
    routed = rng.integers(0, 2, w + m).astype(np.int8) if by_policy else np.empty(0, np.int8)
    routing, experts = ["tagged_to_experts", "escalate", "frontline_only"][seed % 3], seed % 2
    waiting = random_queue(rng, w, 50)
    expected_waiting = Queue.of_blocks(waiting.wide.copy(), waiting.narrow.copy())
    blocks = np.full((5, m), 7, np.int64), np.full((7, m), 7, np.uint8)
    everything = triage_queued(
        key,
        answer,
        how,
        routed,
        sends_tagged(routing, experts),
        tuple(vars(today).values()),
        shown,
        (waiting.wide, waiting.narrow),
        blocks,
    )
    # the numpy of agent.triage before the kernel built the queue
    tier = routed[w:] if by_policy else route(today.label, today.tagged, routing, experts)
    expected_waiting.key, expected_waiting.how = key[:w], how[:w]
    new = {"key": key[w:], "tier": tier, "ready": today.arrival, "outcome": np.zeros(m, np.int8)}
    expected = Queue(**vars(today), **new, shown=shown, how=how[w:])
    for got, wanted in ((waiting, expected_waiting), (Queue.of_blocks(*blocks), expected)):
        assert got.wide.tobytes() == wanted.wide.tobytes()
        assert got.narrow.tobytes() == wanted.narrow.tobytes()
    assert everything == answer[w:].all()


def random_queue(rng, n, people):
    """A queue of ``n`` random handled items (false positives, every outcome and handling)."""
    flagged = Flagged(
        np.where(rng.random(n) < 0.2, -1, rng.integers(0, people, n)),
        rng.integers(0, 3, n).astype(np.int8),
        rng.integers(0, 3, n).astype(np.int8),
        rng.uniform(0, 24, n),
        rng.random(n) < 0.4,
        rng.random(n) < 0.2,
    )
    queue = Queue.of(flagged, rng.random(n), rng.integers(0, 2, n))
    queue.outcome, queue.how = rng.integers(0, 4, n), rng.integers(0, 16, n)
    return queue


@pytest.mark.parametrize("seed", range(30))
def test_replies_day_equals_the_phases_numpy_and_draws(seed):
    from socialsim import EngagementModel, Scenario
    from socialsim.kernels import stream_handle

    rng = np.random.default_rng(seed)
    model = EngagementModel(Scenario().replace({"graph.n": 80}), rng=seed)
    pop, t = model.population, int(rng.integers(1, 300))
    pop.depth[:] = rng.random(80) * (seed % 2)  # damped swings, or none
    pop.loyalty[:] = rng.uniform(0, 10, 80)
    pop.status[:] = rng.integers(0, 3, 80)
    n = int(rng.integers(0, 40))
    handled, missed = random_queue(rng, n, 80), random_queue(rng, int(rng.integers(0, 4)), 80)
    queued = random_queue(rng, int(rng.integers(0, 10)), 80)
    posts = (rng.integers(0, 80, 12), rng.integers(0, 3, 12).astype(np.int8))
    delay = rng.exponential(5.0, n)
    replied, late = np.empty(n, bool), np.empty((2, n))
    replies_due(handled.author, handled.outcome, delay, (48.0, 1.0), replied, late)
    np.exp(late, out=late)
    gains = tuple(rng.normal(0, 1, 7))
    rates = (0.6, 0.3, 0.2, 0.1, float(rng.random()), float(rng.random()), 0.5 * (seed % 2))
    names = ("loyalty", "depth", "responses_received", "last_contact", "complaint_propensity")
    names += ("status", "join_day")
    stamps = ("last_interaction", "last_engaged")
    mine = SimpleNamespace(**{name: getattr(pop, name).copy() for name in names + stamps})
    log = InteractionLog(capacity=1 + seed % 4)  # grows to make room, or not
    log.append(rng.integers(0, 80, 2), day=t, hour=1.0, kind=Kind.LIKE, channel=Channel.PUBLIC)
    start, before = log.reserve(t, n), len(pop.log)

    ours, theirs = np.random.default_rng(seed + 1), np.random.default_rng(seed + 1)
    got = replies_day(
        stream_handle(ours),
        (handled.wide, handled.narrow, delay),
        late,
        replied,
        (posts, (queued.wide, queued.narrow), (missed.wide, missed.narrow)),
        tuple(getattr(mine, name) for name in names),
        rates,
        gains,
        t,
        (log.buffers(), start, mine.last_interaction, mine.last_engaged),
    )
    log.wrote(t, got[0])
    # The phase as it was: numpy's draws around the kernels, the population's own methods.
    columns = (handled.author, handled.kind, handled.outcome, handled.how, handled.complex)
    a, change, tally, total, record, asked, seen, amplified = replies_answer(
        (*columns, handled.tier, handled.arrival, delay),
        replied,
        late,
        theirs.random(int(replied.sum())),
        rates[:3],
        np.array(gains),
        (pop.responses_received, pop.last_contact, pop.complaint_propensity, pop.status),
        rates[3],
        t,
    )
    pop.damping = rates[6]
    pop.max_depth = float(pop.depth.max())
    pop.shift(a, change)
    if a.size:
        pop.record(a, day=t, hour=record[0], kind=record[1], channel=record[2])
    won = asked[theirs.random(asked.size) < rates[4]] if asked.size else asked
    pop.join(won, t)
    ignored, dismissed, lost, lost_total = replies_ignored(
        posts,
        (queued.author, queued.kind),
        (handled.author, handled.kind, handled.outcome),
        (missed.author, missed.kind),
        rates[5],
    )
    if ignored.size:
        pop.shift(ignored, lost)
        total += lost_total
    assert got[0] == a.size
    for name in ("person", "day", "hour", "kind", "channel", "post"):
        assert log.column(name)[2:].tobytes() == pop.log.column(name)[before:].tobytes()
    assert got[1][0].tolist() == [*seen[0], *ignored]
    assert got[1][1].tobytes() == np.concatenate([seen[1], lost]).tobytes()
    assert [c.tobytes() for c in got[2]] == [c.tobytes() for c in amplified]
    assert list(got[3]) == [*tally.tolist(), dismissed, won.size]
    assert np.float64(got[4]).tobytes() == np.float64(total).tobytes()
    for name in names + stamps:
        assert getattr(mine, name).tobytes() == getattr(pop, name).tobytes(), name
    assert ours.random() == theirs.random()  # the stream left where numpy left it


@pytest.mark.parametrize("seed", range(20))
def test_onlookers_day_equals_its_pieces_summed_and_felt(seed):
    from socialsim import EngagementModel, Scenario

    rng = np.random.default_rng(seed)
    model = EngagementModel(Scenario().replace({"graph.n": 90}), rng=seed)
    pop, graph = model.population, model.graph
    pop.depth[:] = rng.random(90) * (seed % 2)
    pop.loyalty[:] = rng.uniform(0, 10, 90)
    pop.status[:] = rng.integers(0, 3, 90)
    authors = rng.integers(0, 90, int(rng.integers(0, 30)) * (seed % 3 > 0))  # or none
    change, share = rng.normal(0, 1, authors.size), float(rng.random())
    k = int(rng.integers(0, 20)) * (seed % 4 > 0)  # amplified pieces, or none
    extra = (rng.integers(0, 90, k), rng.normal(0, 0.1, k))
    cross, damping = float(rng.random()), 0.5 * (seed % 2)
    loyalty = pop.loyalty.copy()
    total, audience = onlookers_day(
        arcs(graph),
        (authors, change, share),
        extra,
        (pop.segment, pop.status, loyalty, pop.depth),
        damping,
        cross,
        np.full(90, 7, np.int64),
    )
    # As the phase was: the pieces, summed by person, felt by the population.
    pieces = []
    if authors.size:
        args = (authors, change, share, pop.segment, cross, np.zeros(90, np.int64))
        people, felt, expected_audience = onlookers_seen(arcs(graph), *args)
        pieces.append((people, felt))
        assert audience == expected_audience
    if k:
        pieces.append(extra)
    expected = 0.0
    if pieces:
        people, felt = (np.concatenate(part) for part in zip(*pieces, strict=True))
        people, felt, expected = onlookers_felt(people, felt, pop.status, np.zeros(90, np.int64))
        pop.damping, pop.max_depth = damping, float(pop.depth.max())
        pop.feel_at(people, felt)
    assert np.float64(total).tobytes() == np.float64(expected).tobytes()
    assert loyalty.tobytes() == pop.loyalty.tobytes()


@pytest.mark.parametrize("seed", range(10))
def test_costs_labels_equal_bincount(seed):
    label = np.random.default_rng(seed).integers(0, 3, seed * 7).astype(np.int8)
    assert costs_labels(label) == tuple(np.bincount(label, minlength=3).tolist())
