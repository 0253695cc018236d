"""Cost grows with the work, not with a parameter's size; what cannot run is refused up front.

Every integer and float scenario parameter either has an algorithm whose cost does not depend
on its magnitude, or a documented upper bound in its declaration (checked before anything runs,
exit 2 from the command line). The care team works only the posts that exist, whatever its
capacity; tiny edge probabilities do not overflow the generators' gaps.
"""

from __future__ import annotations

import math
import signal
import tracemalloc

import numpy as np
import pytest
from click.testing import CliRunner

from socialsim import ConfigError, EngagementModel, Scenario
from socialsim.brand.care_team import CareTeam, Queue
from socialsim.brand.servers import serve
from socialsim.cli import main
from socialsim.constraints import Interval
from socialsim.network.random_graphs import configuration, erdos_renyi, stochastic_block
from socialsim.network.sampling import bernoulli_pairs
from socialsim.posts import Flagged, PostKind
from socialsim.scenario import PARAMETERS, TeamParams

# Unbounded parameters and why their size costs nothing: each is only compared or multiplied.
COST_FREE = {
    "graph.m": "checked below graph.n",
    "graph.k": "checked below graph.n",
    "graph.mean_degree": "checked below graph.n - 1 by the generator; tiny values drawn by count",
    "graph.exponent": "only weights the degree law",
    "population.loyalty_sd": "checked against loyalty_mean",
    "root_causes.start": "compared with the day",
    "root_causes.fixed_after": "added to a day",
    "root_causes.multiplier": "multiplies a rate capped at 1 - good_rate",
    "root_causes.segment": "compared with the segments",
    "root_causes.decay_days": "a time constant",
    "escalation.media_threshold": "compared with the day's volume",
    "escalation.media_min_posts": "compared with the day's volume",
    "early_warning.threshold": "compared with the CUSUM",
    "early_warning.allowance": "subtracted in the CUSUM",
    "early_warning.baseline_days": "a time constant",
    "early_warning.warmup_days": "compared with the days seen",
    "loyalty.memory_days": "a time constant",
    "team.max_wait_hours": "compared with waiting times",
    "team.hourly_cost": "multiplied into the staff cost",
    "team.expert_hourly_cost": "multiplied into the staff cost",
    "team.fix_patience_hours": "a time constant",
    "response.speed_hours": "a time constant",
    "response.squeaky_wheel": "added to a propensity",
    "response.compensation_cost": "multiplied into the staff cost",
    "content.staff_hours_per_post": "divides the content hours; at most 96 posts a day",
    "content.half_life_hours": "a time constant",
    "content.wearout_exposures": "divides an exposure count",
    "content.recovery_days": "a time constant",
    "content.advocate_share": "multiplies a hazard",
    "relationship.depth_memory_days": "a time constant",
    "policy.unsolicited_per_day": "capped by the team's capacity and the fans",
    "value.promoter_per_day": "multiplied into the fan value",
    "policy.sla_hours": "compared with waiting times",
    "policy.crisis_factor": "compared with a ratio of counts",
    "policy.surge_backlog": "compared with the backlog",
    "policy.surge_complaints": "compared with a day's count",
    "policy.surge_premium": "multiplied into the staff cost",
    "cost.listening_tool_per_day": "added to the day's cost",
    "cost.content_per_broadcast": "multiplied into the content cost",
    "cost.advocates_per_day": "added to the day's cost",
}
NUMERIC = {
    key: f for key, f in PARAMETERS.items() if isinstance(f.metadata["constraint"], Interval)
}
# Parameters that are the size of the work itself (bounded, and costing what they say).
WORK = {"graph.n", "run.days"}

# A small run that exercises every part of the brand's day: answering, amplifying, outreach,
# brand posts, and enough posts to fill a queue.
BUSY = Scenario().replace(
    {
        "graph.n": 60,
        "run.days": 3,
        "policy.amplify": True,
        "policy.broadcast_share": 0.5,
        "policy.unsolicited_per_day": 5,
        "experiences.good_rate": 0.3,
        "experiences.bad_rate": 0.2,
        "experiences.complaint_rate": 0.9,
        "experiences.praise_rate": 0.9,
        "experiences.need_rate": 0.2,
    }
)
# The graph kind that reads each graph parameter.
KIND = {
    "graph.mean_degree": "erdos_renyi",
    "graph.homophily": "stochastic_block",
    "population.segments": "stochastic_block",
    "graph.exponent": "configuration",
    "graph.k": "watts_strogatz",
    "graph.p_rewire": "watts_strogatz",
    "graph.p_triad": "powerlaw_cluster",
}


def extremes(constraint: Interval) -> list[float | int]:
    """The smallest and largest values a declaration allows (or huge ones where unbounded)."""
    low_in = constraint.closed in ("both", "left")
    high_in = constraint.closed in ("both", "right")
    values: list[float | int] = []
    if constraint.low is not None:
        tiny = 1e-300 if constraint.low == 0 else math.nextafter(constraint.low, math.inf)
        values.append(constraint.low if low_in else tiny)
    if constraint.high is None:
        values.append(2**70 if constraint.integer else 1e300)
    else:
        values.append(constraint.high if high_in else math.nextafter(constraint.high, -math.inf))
    return values


def test_every_numeric_parameter_is_bounded_or_costs_nothing_by_its_size():
    unbounded = {key for key, f in NUMERIC.items() if f.metadata["constraint"].high is None}
    assert unbounded == set(COST_FREE)


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(set(NUMERIC) - WORK))
def test_extreme_values_run_small_or_are_refused_in_one_line(key):
    for value in extremes(NUMERIC[key].metadata["constraint"]):
        changes = {key: value, **({"graph.kind": KIND[key]} if key in KIND else {})}
        tracemalloc.start()
        try:
            model = EngagementModel(BUSY.replace(changes), rng=1)
            model.run()
        except ConfigError as error:  # refused, naming a parameter, on one line
            assert "\n" not in str(error) and str(error).startswith("The '")
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert peak < 50e6, (key, value, peak)


# --------------------------------------------------------------------- the care team
def served_by_scanning(ready, key, arrival, service, shift, staff):
    """The shift as a plain reference: every server listed, every waiting item scanned."""
    start, end = shift
    free = [start] * staff
    begin = np.full(ready.size, np.nan)
    left = set(range(ready.size))
    while left and staff:
        server = int(np.argmin(free))
        t = max(free[server], min(ready[j] for j in left))
        if t >= end:
            break
        j = min((j for j in left if ready[j] <= t), key=lambda j: (key[j], arrival[j], j))
        begin[j], free[server] = t, t + service[j]
        left.remove(j)
    return begin


@pytest.mark.parametrize(
    ("staff", "hours", "start"), [(1, 8.0, 9.0), (3, 10.5, 6.25), (2, 24.0, 0.0)]
)
def test_servers_start_items_as_a_plain_scan_does(staff, hours, start):
    rng = np.random.default_rng(staff)
    for day in (1, 5):
        n = 60
        ready = 24.0 * (day - 1) + rng.uniform(-30, 24, n)
        key = rng.integers(0, 3, n).astype(np.float64)
        service = rng.exponential(0.4, n)
        shift = (24.0 * (day - 1) + start, 24.0 * (day - 1) + start + hours)
        begin, _ = serve(ready, key, ready, service, shift, staff, [])
        expected = served_by_scanning(ready, key, ready, service, shift, staff)
        np.testing.assert_array_equal(begin, expected)


def flagged_queue(rng: np.random.Generator, size: int, day: int) -> Queue:
    arrival = 24.0 * (day - 1) + rng.uniform(-30, 24, size)
    kind = np.full(size, PostKind.NEED, np.int8)
    none = np.zeros(size, bool)
    flagged = Flagged(np.arange(size), kind, kind, arrival, none, none)
    return Queue.of(flagged, rng.integers(0, 3, size).astype(np.float64), np.zeros(size, np.int8))


def test_care_team_cost_does_not_depend_on_its_capacity():
    # A million people answering in exactly a second each: 100 posts.
    params = TeamParams(
        staff=1_000_000,
        reply_minutes=1 / 60,
        handling_cv=0,
        error_rate=0,
        hours_per_day=24.0,
        start_hour=0,
    )
    team = CareTeam(params)
    posts = flagged_queue(np.random.default_rng(1), 100, day=2)
    # Loading the compiled day from numba's cache is not the day's cost: load it first.
    CareTeam(params).work(
        flagged_queue(np.random.default_rng(1), 1, 1), 1, rng=np.random.default_rng(0)
    )
    tracemalloc.start()
    answered, missed = team.work(posts, day=2, rng=np.random.default_rng(2))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1e6
    assert len(answered) == 100 and len(missed) == 0
    # Posts of the day wait for no one: each is done a second after it appears.
    same_day = posts.arrival[answered.author] >= 24.0
    np.testing.assert_allclose(team.last_response_time[same_day], 1 / 3600)


def test_a_huge_team_runs_in_the_memory_of_a_small_one():
    tracemalloc.start()
    model = EngagementModel(
        BUSY.replace(
            {"team.staff": 1_000_000, "team.experts": 1_000_000, "team.reply_minutes": 1 / 60}
        ),
        rng=1,
    )
    model.run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20e6


# --------------------------------------------------------------------- bounds, up front
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("team.staff", 1_000_001),
        ("team.reply_minutes", 1e308),
        ("team.experts", 1_000_001),
        ("listening.chatter_rate", 1e308),
        ("response.amplify_reach", 10**12),
        ("policy.posts_per_day", 97),
        ("run.days", 10**9),
        ("graph.n", 2**31),
        ("population.segments", 2**63),
        ("churn.bitter_days", 2**70),
        ("population.activity_sigma", 1e308),
        ("population.loyalty_sd", 1e308),
        ("wom.negativity", 10**400),
        ("run.seed", 10**400),
    ],
)
def test_values_beyond_a_documented_bound_exit_2_before_running(key, value):
    with pytest.raises(ConfigError, match=rf"^The '{key}' parameter must be .*\. Got .* instead\."):
        Scenario().replace({key: value})
    result = CliRunner().invoke(main, ["run", "--set", f"{key}={value}", "--quiet"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and f"'{key}'" in result.output


def test_a_huge_int_is_shown_shortened():
    with pytest.raises(ConfigError) as caught:
        Scenario().replace({"run.seed": 10**400})
    assert len(str(caught.value)) < 200 and "..." in str(caught.value)


# --------------------------------------------------------------------- generators
def test_tiny_mean_degree_ends_at_once_with_no_edges():
    # Once an endless loop: geometric gaps of mean 1e300 overflowed 64-bit positions.
    def give_up(signum, frame):
        raise TimeoutError("the generator did not finish in 30 s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(30)
    try:
        seed = np.random.default_rng(0)
        assert erdos_renyi(1_000_000, 1e-300, seed=seed).n_edges == 0
        assert stochastic_block(100_000, 4, 1e-300, 0.8, seed=seed)[0].n_edges == 0
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_tiny_edge_probabilities_keep_each_pair_with_probability_p():
    # 10 rows of 10^13 candidate pairs at p = 5e-13: 50 pairs kept on average, evenly spread.
    rows, per_row, p = 10, 10**13, 5e-13
    count = np.full(rows, per_row, dtype=np.int64)
    kept = [
        bernoulli_pairs(np.zeros(rows, np.int64), count, p, np.random.default_rng(s))
        for s in range(200)
    ]
    sizes = np.array([u.size for u, _ in kept])
    assert abs(sizes.mean() - rows * per_row * p) < 4 * math.sqrt(50 / 200)
    u = np.concatenate([u for u, _ in kept])
    v = np.concatenate([v for _, v in kept])
    assert abs(np.bincount(u, minlength=rows).std() - math.sqrt(1000)) < 20
    assert v.min() >= 0 and v.max() < per_row


def test_a_huge_exponent_puts_every_degree_at_the_minimum():
    g = configuration(400, 1e300, seed=np.random.default_rng(0), min_degree=3)
    assert g.out_degree.max() <= 3 and np.mean(g.out_degree == 3) > 0.9
