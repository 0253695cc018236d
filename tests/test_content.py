"""Brand content: the calendar, reach, wear-out and recovery, likes, comments and shares.

Model-level comparisons share their seeds (common random numbers); expected values come from
the laws the module documents (the wear-out law, the branching process of shares), not from
earlier runs.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from socialsim import EngagementModel, Scenario
from socialsim.day import Day
from socialsim.fans.content import content, posts_on, production_rate, wear
from socialsim.interactions import Channel, Kind
from socialsim.network.graph import SocialGraph
from socialsim.posts import PostKind

SMALL = Scenario().replace({"graph.n": 3000, "run.days": 30})
QUIET = {  # nothing but the brand's content moves anyone, and no one joins
    "experiences.good_rate": 0.0,
    "experiences.bad_rate": 0.0,
    "experiences.need_rate": 0.0,
    "wom.effect": 0.0,
    "recruitment.q": 0.0,
    "recruitment.spontaneous_rate": 0.0,
}
ONE_PERSON_BROADCAST = {"policy.name": "broadcast", "team.staff": 1}


def run(scenario: Scenario, rng=1, days: int | None = None) -> EngagementModel:
    model = EngagementModel(scenario, rng=rng)
    model.run(days=days)
    return model


# --------------------------------------------------------------------- the calendar
def test_posts_on_spreads_a_fractional_rate_and_numbers_posts_in_order():
    for rate in (0.0, 0.3, 1.0, 2.5, 8.0):
        days = [posts_on(t, rate) for t in range(1, 101)]
        assert sum(n for _, n in days) == int(np.floor(rate * 100 + 1e-9))
        firsts = [first for first, _ in days]
        assert firsts == sorted(firsts) and firsts[0] == 0


@pytest.mark.parametrize("staff", [1, 2, 5])
def test_any_team_with_hours_produces_content_and_pays_in_staff_hours(staff):
    scenario = SMALL.replace(ONE_PERSON_BROADCAST | {"team.staff": staff, "run.days": 5})
    assert production_rate(scenario) == staff * scenario.team.hours_per_day
    kpis = run(scenario).kpis().iloc[1:]
    assert (kpis["broadcasts"] == staff * 8).all()
    assert (kpis["content_hours"] == staff * 8.0).all()
    # the whole team's day went into content: nothing was answered
    assert kpis["responses_complaint"].sum() == 0


def test_a_team_too_small_for_a_post_a_day_still_posts_at_its_own_pace():
    # one hour a day, four hours a post: a post every fourth day (the old rule made none)
    slow = {"team.hours_per_day": 1.0, "content.staff_hours_per_post": 4.0, "run.days": 12}
    kpis = run(SMALL.replace(ONE_PERSON_BROADCAST | slow)).kpis().iloc[1:]
    assert kpis["broadcasts"].tolist() == [0, 0, 0, 1] * 3
    assert (kpis["content_hours"] == 1.0).all()


def test_the_calendar_takes_its_hours_from_the_replies():
    busy = SMALL.replace({"team.staff": 1, "team.posts_per_hour": 2.0, "run.days": 10})
    calendar = busy.replace({"content.posts_per_day": 3.0, "content.staff_hours_per_post": 2.0})
    day = {}
    for name, scenario in (("none", busy), ("calendar", calendar)):
        model = EngagementModel(scenario, rng=2)
        model.step()
        day[name] = model._day.plan.reply_slots
    assert day["none"] - day["calendar"] == 3 * 2 * 2  # posts × hours × replies an hour


# --------------------------------------------------------------------- wear-out and recovery
def test_wear_recovers_with_time_and_stacks_within_a_day():
    worth, x = wear(np.array([20.0]), np.array([0]), 10.0, 14.0)
    assert worth[0] == pytest.approx(np.exp(-2.0)) and x[0] == 21.0
    later = [wear(x, np.array([d]), 10.0, 14.0)[0][0] for d in (1, 14, 60)]
    assert later[0] < later[1] < later[2] < 1.0
    assert later[1] == pytest.approx(np.exp(-21.0 * np.exp(-1.0) / 10.0))


def steady_worth(posts: int, reach: float, wearout: float, recovery: float) -> float:
    """E[worth] at an exposure in the steady state of daily posting, from the wear-out law.

    Each earlier post reached the fan with probability ``reach``, independently of today's
    exposure, and its exposure has faded by ``e^{-d/T}`` after ``d`` days: the Laplace transform
    of the count is a product over posts. Today's earlier posts add one each, unfaded.
    """
    past = np.prod(
        [
            (1 - reach + reach * np.exp(-np.exp(-d / recovery) / wearout)) ** posts
            for d in range(1, 2000)
        ]
    )
    same_day = np.mean([(1 - reach + reach * np.exp(-1 / wearout)) ** k for k in range(posts)])
    return float(past * same_day)


def test_broadcast_keeps_an_effect_after_day_3_that_follows_the_wear_out_law():
    scenario = SMALL.replace(
        ONE_PERSON_BROADCAST | QUIET | {"content.share_rate": 0.0, "run.days": 60}
    )
    kpis = run(scenario).kpis().iloc[1:]
    per_exposure = (kpis["loyalty_change_broadcast"] / kpis["content_reach"]).to_numpy()
    fresh = scenario.content.exposure_gain * scenario.content.relevance
    assert per_exposure[0] == pytest.approx(fresh * steady_worth(8, 0.05, 10.0, 1e-9), rel=0.02)
    assert (per_exposure[3:] > 0.2 * fresh).all()  # the old rule: about 0 from day 3
    c = scenario.content
    expected = fresh * steady_worth(8, c.reach, c.wearout_exposures, c.recovery_days)
    assert per_exposure[40:].mean() == pytest.approx(expected, rel=0.03)
    # slower recovery wears the same calendar out further
    slower = scenario.replace({"content.recovery_days": 42.0})
    late = run(slower).kpis().iloc[41:]
    assert (late["loyalty_change_broadcast"] / late["content_reach"]).mean() < 0.9 * expected


def test_broadcast_with_a_one_person_team_differs_from_ignore():
    differences = []
    for seeds in np.random.SeedSequence(16).spawn(3):
        broadcast = run(SMALL.replace(ONE_PERSON_BROADCAST), rng=seeds).kpis().iloc[-1]
        ignore = run(SMALL.replace({"policy.name": "ignore", "team.staff": 1}), rng=seeds)
        differences.append(broadcast["mean_loyalty"] - ignore.kpis().iloc[-1]["mean_loyalty"])
    # the same fans, the same replies (none): the posts' worth adds loyalty in every replicate
    assert min(differences) > 0


# --------------------------------------------------------------------- likes, comments, shares
def one_day(scenario: Scenario, rng=3) -> tuple[EngagementModel, Day, dict]:
    model = EngagementModel(scenario, rng=rng)
    day = Day(1, model.scenario, model.graph, model.population, model.brand)
    return model, day, content(day, model.streams["content"])


def test_a_like_adds_nothing_to_loyalty_unless_told_to():
    eager = SMALL.replace(
        {
            "content.posts_per_day": 5.0,
            "content.like_rate": 0.5,
            "content.exposure_gain": 0.0,
            "content.share_rate": 0.0,
            "relationship.damping": 0.0,
        }
    )
    model, _, counts = one_day(eager)
    before = EngagementModel(eager, rng=3).population.loyalty
    assert counts["likes"] > 20  # about 225 people reached, a quarter of them like
    np.testing.assert_array_equal(model.population.loyalty, before)
    model, _, counts = one_day(eager.replace({"content.like_gain": 0.1}))
    log = model.interactions()
    likes = np.bincount(log.loc[log["kind"] == "like", "person"], minlength=before.size)
    assert likes.sum() == counts["likes"]
    expected = np.minimum(before + 0.1 * likes, 10.0)  # each like adds 0.1, up to the scale's top
    np.testing.assert_allclose(model.population.loyalty, expected, atol=1e-12)


def test_every_act_is_logged_with_its_post_and_comments_become_posts_for_listening():
    chatty = SMALL.replace({"content.posts_per_day": 4.0, "content.comment_rate": 0.2})
    model, day, counts = one_day(chatty)
    log = model.interactions()
    acts = log[log["kind"].isin(["like", "comment", "share"])]
    assert (acts["post"].between(0, 3)).all()
    for kind in ("like", "comment", "share"):
        assert (acts["kind"] == kind).sum() == counts[f"{kind}s"]
    assert counts["comments"] > 10
    commenters = acts.loc[acts["kind"] == "comment", "person"].to_numpy()
    praised = day.posts.author[day.posts.kind == PostKind.PRAISE]
    assert set(commenters) <= set(praised)
    hours = acts["hour"].to_numpy()
    assert (hours >= chatty.team.start_hour).all() and (hours < 24).all()


def test_advocates_share_more():
    sharing = SMALL.replace({"content.posts_per_day": 10.0, "content.share_rate": 0.05})
    model, _, _ = one_day(sharing)
    log = model.interactions()
    reached_directly = log[log["channel"] == "brand_post"]
    assert len(reached_directly) > 0
    shares = reached_directly[reached_directly["kind"] == "share"]["person"].to_numpy()
    loyalty = EngagementModel(sharing, rng=3).population.loyalty  # before the day
    fans = EngagementModel(sharing, rng=3).population.fans
    assert (loyalty[shares] >= 9).mean() > (loyalty[fans] >= 9).mean() + 0.1


# --------------------------------------------------------------------- the share cascade
def test_share_cascades_agree_with_the_branching_process():
    """Each share reaches a viewer with probability v (response.visibility), who shares with
    probability p: a branching process with T = v p, whose expected size from S0 first sharers
    on an uncorrelated graph is S0 (1 + T<k> / (1 − T κ)), κ = (<k²> − <k>)/<k> (the formula
    the independent cascade is checked against in test_validation.py)."""
    n, p, posts = 20_000, 0.15, 5
    graph = SocialGraph.from_networkx(nx.fast_gnp_random_graph(n, 10.0 / (n - 1), seed=5))
    everyone_the_same = Scenario().replace(
        {
            "population.initial_fan_share": 1.0,
            "population.loyalty_mean": 10.0,
            "population.loyalty_sd": 0.0,
            "population.activity_sigma": 0.0,
            "relationship.initial_depth": 0.0,
            "content.posts_per_day": float(posts),
            "content.relevance": 1.0,
            "content.reach": 0.01,
            "content.wearout_exposures": 1e12,
            "content.share_rate": p,
            "content.advocate_share": 1.0,
            "content.like_rate": 0.0,
            "content.comment_rate": 0.0,
        }
        | QUIET
    )
    k = graph.out_degree.astype(float)
    kappa = (np.mean(k**2) - np.mean(k)) / np.mean(k)
    transmission = everyone_the_same.response.visibility * p
    factor = 1 + transmission * np.mean(k) / (1 - transmission * kappa)
    first, total = [], []
    for seeds in np.random.SeedSequence(6).spawn(30):
        model = EngagementModel(everyone_the_same, rng=seeds, graph=graph)
        day = Day(1, model.scenario, model.graph, model.population, model.brand)
        counts = content(day, model.streams["content"])
        log = model.interactions()
        first.append(int(((log["kind"] == "share") & (log["channel"] == "brand_post")).sum()))
        total.append(counts["shares"])
        assert counts["content_reach"] > posts * n * 0.008
    gap = np.array(total) - factor * np.array(first)
    se = gap.std(ddof=1) / np.sqrt(gap.size)
    assert abs(gap.mean()) < 4 * se + 0.03 * np.mean(total), (np.mean(total), np.mean(first))
    assert np.mean(total) > 1.5 * np.mean(first)  # the cascade goes beyond its first step


def test_a_share_reaches_only_the_sharers_audience_with_their_endorsement():
    # a star: 0 sees nobody, everyone else sees 0 only through 0's shares
    graph = SocialGraph.from_edges([0] * 50, range(1, 51), n_nodes=51, directed=True)
    scenario = Scenario().replace(
        {
            "population.initial_fan_share": 1.0,
            "content.posts_per_day": 1.0,
            "content.reach": 1.0,
            "content.share_rate": 1.0,
            "content.exposure_gain": 0.0,
            "response.visibility": 1.0,
            "relationship.damping": 0.0,
            "wom.effect": 0.2,
        }
    )
    model = EngagementModel(scenario, rng=1, graph=graph)
    model.population.loyalty[:] = 5.0  # far from the bounds of the scale
    before = model.population.loyalty.copy()
    model.population.status[1:] = 0  # the audience are prospects: only a share reaches them
    day = Day(1, model.scenario, model.graph, model.population, model.brand)
    counts = content(day, model.streams["content"])
    log = model.interactions()
    seen = log[log["channel"] == "shared"]
    assert counts["shares"] >= 1 and (log.loc[log["channel"] == "brand_post", "person"] == 0).all()
    gained = model.population.loyalty[1:] - before[1:]
    same = model.population.segment[1:] == model.population.segment[0]
    cross = scenario.identification.cross_segment
    np.testing.assert_allclose(gained, np.where(same, 0.2, 0.2 * cross), atol=1e-9)
    assert set(seen["person"]) <= set(range(1, 51))


def test_phase_content_logs_the_days_posts_even_without_brand_posts():
    model = run(SMALL, days=3)
    log = model.interactions()
    kpis = model.kpis()
    posted = kpis[["complaints", "praise", "needs"]].iloc[1:].to_numpy().sum()
    assert log["kind"].isin(["complaint", "praise", "need"]).sum() == posted
    assert (log["channel"] != "brand_post").all()
    assert Kind.COMPLAINT == PostKind.COMPLAINT and Channel.PUBLIC == 0
