"""The care team: its queue against queueing theory, handling by kind, tiers and routing, errors.

The queue is checked against exact results: Erlang C for Poisson arrivals and exponential
handling (M/M/c), and the M/D/c queue (Crommelin's chain) for a fixed handling time, both
within simulation error measured by batch means. Mechanism tests run the whole model on paired
seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from socialsim import EngagementModel, Scenario
from socialsim.brand.care_team import ANSWERED, DISMISSED, FOLLOWED, CareTeam, Queue
from socialsim.brand.routing import EXPERT, FRONTLINE
from socialsim.brand.servers import serve
from socialsim.kpis import per_run
from socialsim.posts import Flagged, PostKind
from socialsim.scenario import TeamParams

COMPLAINT, PRAISE, NEED = PostKind.COMPLAINT, PostKind.PRAISE, PostKind.NEED
EXACT = {"handling_cv": 0.0, "error_rate": 0.0, "overload_errors": 0.0}


def erlang_c(arrivals: float, per_hour: float, staff: int) -> tuple[float, float]:
    """P(wait) and mean wait (hours) of the M/M/c queue (the Erlang C formula)."""
    a = arrivals / per_hour
    below = sum(a**k / math.factorial(k) for k in range(staff))
    top = a**staff / math.factorial(staff) / (1 - a / staff)
    waits = top / (below + top)
    return waits, waits / (staff * per_hour - arrivals)


def deterministic_c(arrivals: float, hours: float, staff: int, size: int = 400):
    """P(wait) and mean wait (hours) of the M/D/c queue, exactly (Crommelin 1932).

    With a fixed handling time D, the number in the system a time D later is the number
    waiting now plus the arrivals in between: N' = max(N - c, 0) + Poisson(λD). Its stationary
    law is what an arrival sees (PASTA); Little's law gives the mean wait.
    """
    arrive = stats.poisson.pmf(np.arange(size), arrivals * hours)
    law = np.zeros(size)
    law[0] = 1.0
    for _ in range(5000):
        waiting = np.zeros(size)
        waiting[0] = law[: staff + 1].sum()
        waiting[1:] = np.concatenate([law[staff + 1 :], np.zeros(staff)])[: size - 1]
        law = np.convolve(waiting, arrive)[:size]
        law /= law.sum()
    queued = np.maximum(np.arange(size) - staff, 0)
    return law[staff:].sum(), (law * queued).sum() / arrivals


def batch_interval(values: np.ndarray, batches: int = 20) -> tuple[float, float]:
    """Mean and 95% half-width from batch means (waits in a queue are correlated)."""
    means = np.array([b.mean() for b in np.array_split(values, batches)])
    return means.mean(), stats.t.ppf(0.975, batches - 1) * means.std(ddof=1) / math.sqrt(batches)


def test_erlang_c_reproduces_the_reference_figures():
    # references.md: 30 posts an hour, 6-minute handling
    assert erlang_c(30, 10, 4) == pytest.approx((0.51, 3.06 / 60), abs=0.005)
    assert erlang_c(30, 10, 5) == pytest.approx((0.24, 0.71 / 60), abs=0.005)


def served_waits(staff: int) -> np.ndarray:
    """Waits (hours) at ``staff`` servers: 30 Poisson arrivals an hour, exponential 6-minute
    handling, 120 days round the clock."""
    rng = np.random.default_rng(staff)
    hours = 24 * 120.0
    arrival = np.sort(rng.uniform(0, hours, rng.poisson(30 * hours)))
    handling = rng.exponential(0.1, arrival.size)
    begin, _ = serve(arrival, np.zeros(arrival.size), arrival, handling, (0, 1e9), staff, [])
    return begin - arrival


@pytest.mark.parametrize("staff", [4, 5])
def test_servers_with_exponential_handling_agree_with_erlang_c(staff):
    wait = served_waits(staff)
    p_wait, mean_wait = erlang_c(30, 10, staff)
    for measured, exact in ((wait > 0, p_wait), (wait, mean_wait)):
        mean, half = batch_interval(measured.astype(float))
        assert abs(mean - exact) < max(half, 0.01 * exact), (mean, half, exact)


def round_the_clock(cv: float, days: int = 120) -> np.ndarray:
    """Hours from post to the end of handling: one tier of 4 round the clock, 30 posts an
    hour, 6-minute handling with coefficient of variation ``cv``, over ``days`` days."""
    exact = {**EXACT, "handling_cv": cv}
    params = TeamParams(
        staff=4,
        experts=0,
        reply_minutes=6.0,
        hours_per_day=24.0,
        start_hour=0.0,
        max_wait_hours=1e6,
        **exact,
    )
    team = CareTeam(params)
    rng = np.random.default_rng(11)
    times = []
    for day in range(1, days + 1):
        n = rng.poisson(30 * 24)
        arrival = 24.0 * (day - 1) + np.sort(rng.uniform(0, 24, n))
        _, missed = team.work(needs(arrival), day, rng=rng)
        assert len(missed) == 0
        times.append(team.last_response_time)
    return np.concatenate(times)


def test_care_team_with_fixed_handling_agrees_with_the_m_d_c_queue():
    wait = round_the_clock(cv=0.0) - 0.1
    assert wait.min() > -1e-9
    p_wait, mean_wait = deterministic_c(30, 0.1, 4)
    # M/D/c waits about half as long as M/M/c: the test tells the two apart.
    assert mean_wait < 0.6 * erlang_c(30, 10, 4)[1]
    for measured, exact in ((wait > 1e-9, p_wait), (wait, mean_wait)):
        mean, half = batch_interval(measured.astype(float))
        assert abs(mean - exact) < max(half, 0.01 * exact), (mean, half, exact)


def test_care_team_with_exponential_handling_waits_as_erlang_c_says():
    # Handling times are not recorded, but they average 6 minutes: the mean wait is the mean
    # time to the end of handling less 6 minutes.
    mean, half = batch_interval(round_the_clock(cv=1.0) - 0.1)
    assert abs(mean - erlang_c(30, 10, 4)[1]) < half, (mean, half)


def needs(arrival: np.ndarray) -> Queue:
    kind = np.full(arrival.size, NEED, np.int8)
    none = np.zeros(arrival.size, bool)
    flagged = Flagged(np.arange(arrival.size), kind, kind, arrival, none, none)
    return Queue.of(flagged, np.zeros(arrival.size), np.zeros(arrival.size, np.int8))


def items(kind, label, complex_=None, tier=None, author=None) -> Queue:
    """Items posted at 8:00 on day 1, in the order given (ties broken by position)."""
    kind, label = np.asarray(kind, np.int8), np.asarray(label, np.int8)
    n = kind.size
    complex_ = np.zeros(n, bool) if complex_ is None else np.asarray(complex_)
    author = np.arange(n) if author is None else np.asarray(author)
    flagged = Flagged(author, kind, label, np.full(n, 8.0), complex_, complex_)
    tier = np.zeros(n, np.int8) if tier is None else np.asarray(tier, np.int8)
    return Queue.of(flagged, np.zeros(n), tier)


def test_handling_takes_the_time_of_the_kind_of_post():
    # one person from 9:00: a complaint (6 min), praise (2), a need (6), a false positive (1)
    team = CareTeam(TeamParams(staff=1, experts=0, **EXACT))
    queue = items(
        [COMPLAINT, PRAISE, NEED, -1], [COMPLAINT, PRAISE, NEED, PRAISE], author=[0, 1, 2, -1]
    )
    handled, _ = team.work(queue, day=1, rng=np.random.default_rng(0))
    finished = 8.0 + team.last_response_time
    np.testing.assert_allclose(np.diff(np.concatenate([[9.0], finished])) * 60, [6, 2, 6, 1])
    assert handled.outcome.tolist() == [ANSWERED, ANSWERED, ANSWERED, DISMISSED]
    assert team.last_counts["frontline_hours"] == pytest.approx(15 / 60)


def test_a_person_sees_through_a_wrong_label_unless_they_slip():
    queue = items([COMPLAINT, -1, COMPLAINT], [PRAISE, COMPLAINT, COMPLAINT], author=[0, -1, 2])
    careful = CareTeam(TeamParams(staff=1, experts=0, **EXACT))
    handled, _ = careful.work(queue, day=1, rng=np.random.default_rng(0))
    assert handled.outcome.tolist() == [ANSWERED, DISMISSED, ANSWERED]
    # a policy that does not answer complaints leaves the complaint it sees through
    handled, _ = CareTeam(TeamParams(staff=1, experts=0, **EXACT)).work(
        queue, day=1, rng=np.random.default_rng(0), answers=np.array([False, True, True])
    )
    assert handled.outcome[0] == DISMISSED
    sloppy = CareTeam(TeamParams(staff=1, experts=0, **{**EXACT, "error_rate": 1.0}))
    handled, _ = sloppy.work(queue, day=1, rng=np.random.default_rng(0))
    # each slip gets one judgement wrong: the label is followed, the false positive answered,
    # the rightly labelled complaint dismissed
    assert handled.outcome.tolist() == [FOLLOWED, FOLLOWED, DISMISSED]
    assert handled.replied.tolist() == [True, False, False]


def test_an_overloaded_team_misjudges_more():
    def dismissed(staff: int, overload: float) -> float:
        params = {**EXACT, "error_rate": 0.05, "overload_errors": overload}
        team = CareTeam(TeamParams(staff=staff, experts=0, max_wait_hours=1e6, **params))
        n = 4000  # 400 hours of replies
        queue = items(np.full(n, NEED), np.full(n, NEED))
        handled, _ = team.work(queue, day=1, rng=np.random.default_rng(1))
        return float(np.mean(handled.outcome == DISMISSED))

    assert dismissed(100, 0.5) == pytest.approx(0.05, abs=0.015)  # within capacity
    # 2 people for 8 hours: utilisation 25, so nearly everything read is dismissed
    assert dismissed(2, 0.5) > 0.9
    assert dismissed(2, 0.0) == pytest.approx(0.05, abs=0.03)


def test_the_frontline_escalates_complex_complaints_and_the_expert_fixes_later():
    params = {"staff": 1, "experts": 1, **EXACT}
    queue = items([COMPLAINT], [COMPLAINT], complex_=[True])
    team = CareTeam(TeamParams(routing="escalate", **params))
    handled, _ = team.work(queue, day=1, rng=np.random.default_rng(0))
    # read by the frontline (1 min), then handled by the expert (20 min) from 9:01
    assert handled.tier.tolist() == [EXPERT] and team.last_counts["escalated"] == 1
    np.testing.assert_allclose(team.last_response_time, 1 + 21 / 60)
    assert team.last_counts["expert_hours"] == pytest.approx(20 / 60)
    direct = CareTeam(TeamParams(routing="tagged_to_experts", **params))
    handled, _ = direct.work(
        items([COMPLAINT], [COMPLAINT], [True], tier=[EXPERT]), 1, rng=np.random.default_rng(0)
    )
    np.testing.assert_allclose(direct.last_response_time, 1 + 20 / 60)
    alone = CareTeam(TeamParams(routing="frontline_only", **params))
    handled, _ = alone.work(queue, day=1, rng=np.random.default_rng(0))
    assert handled.tier.tolist() == [FRONTLINE] and alone.last_counts["expert_hours"] == 0


def routed(routing: str) -> list[dict[str, float]]:
    """Per-run fix rates, expert hours and staff cost under ``routing``: 6 paired replicates of
    3,000 people for 60 days with many complaints (``benchmarks/frontend_figures.py`` prints
    them)."""
    base = Scenario().replace({"graph.n": 3000, "experiences.bad_rate": 0.02})
    rows = []
    for seed in np.random.SeedSequence(15).spawn(6):
        model = EngagementModel(base.replace({"team.routing": routing}), rng=seed)
        model.run(days=60)
        frame = model.kpis()
        rows.append(
            {
                **per_run(frame, ["complex_fix_rate", "fix_rate", "complex_answered"]),
                "expert_hours": frame["expert_hours"].sum(),
                "staff_cost": frame["staff_cost"].sum(),
            }
        )
    return rows


@pytest.mark.slow
def test_sending_complex_complaints_to_experts_raises_their_fix_rate_and_costs_expert_time():
    experts, alone = routed("tagged_to_experts"), routed("frontline_only")
    assert all(r["complex_answered"] > 5 for r in alone)
    gain = np.array(
        [e["complex_fix_rate"] - a["complex_fix_rate"] for e, a in zip(experts, alone, strict=True)]
    )
    # about 70% of a policy's fix rate with an expert, 30% of it without
    assert (
        gain.mean() - stats.t.ppf(0.975, gain.size - 1) * gain.std(ddof=1) / math.sqrt(gain.size)
        > 0
    )
    assert all(r["expert_hours"] > 0 for r in experts) and all(
        r["expert_hours"] == 0 for r in alone
    )
    assert all(e["staff_cost"] > a["staff_cost"] for e, a in zip(experts, alone, strict=True))


def test_a_spread_below_float_resolution_handles_in_fixed_time():
    # cv = 5e-324 squares to 0: the care team took 1 / cv² and failed on its first day with
    # items (found by Hypothesis). Its gamma's limit is the fixed time of cv = 0.
    assert np.array_equal(round_the_clock(5e-324, days=3), round_the_clock(0.0, days=3))
