"""Brand content: the calendar, reach, wear-out and recovery, likes, comments and shares.

Model-level comparisons share their seeds (common random numbers); expected values come from
the laws the module documents (the wear-out law, the branching process of shares), not from
earlier runs.
"""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from socialsim import EngagementModel, Scenario
from socialsim.brand.agent import MAX_POSTS_PER_DAY, Brand
from socialsim.brand.policies import ContentCalendar, Decision, Policy, preset
from socialsim.canonical import QUIET_FANS, SHARES_ONLY, cascade_factor
from socialsim.day import Day
from socialsim.fans.content import content, wear
from socialsim.interactions import Channel, Kind
from socialsim.kpis.summary import per_run
from socialsim.network.graph import SocialGraph
from socialsim.posts import PostKind
from socialsim.scenario import TeamParams

SMALL = Scenario().replace({"graph.n": 3000, "run.days": 30})
QUIET = QUIET_FANS  # nothing but the brand's content moves anyone, and no one joins
ONE_PERSON_BROADCAST = {"policy.name": "broadcast", "team.staff": 1}


def run(scenario: Scenario, rng=1, days: int | None = None) -> EngagementModel:
    model = EngagementModel(scenario, rng=rng)
    model.run(days=days)
    return model


# --------------------------------------------------------------------- the calendar
@pytest.mark.parametrize("rate", [0.0, 0.3, 1.0, 2.5, 8.0])
def test_the_calendar_spreads_a_fractional_rate_and_numbers_posts_in_order(rate):
    brand = Brand(TeamParams(staff=2), preset("ignore"))  # 16 hours a day: room for 8 posts
    days = []
    for _ in range(100):
        days.append(brand.publish())  # what was written by yesterday goes out today
        brand.write(rate * 1.5, 1.5)
    counts = [n for _, n in days]
    # day t publishes what t - 1 days of writing finished: floor(R (t-1)) - floor(R (t-2))
    written = np.floor(rate * np.arange(100) + 1e-9)
    assert counts == np.diff(written, prepend=0).astype(int).tolist()
    firsts = [first for first, _ in days]
    assert firsts == np.concatenate([[0], np.cumsum(counts)[:-1]]).tolist()


@pytest.mark.parametrize("staff", [1, 2, 5])
def test_any_team_with_hours_produces_content_and_pays_in_staff_hours(staff):
    scenario = SMALL.replace(ONE_PERSON_BROADCAST | {"team.staff": staff, "run.days": 5})
    kpis = run(scenario).kpis().set_index("day")
    assert (kpis.loc[1:, "content_hours"] == staff * 8.0).all()
    assert kpis.loc[1, "broadcasts"] == 0  # written on day 1, out on day 2
    assert (kpis.loc[2:, "broadcasts"] == staff * 8).all()
    # the whole team's day went into content: nothing was answered
    assert kpis["responses_complaint"].sum() == 0


def test_a_team_too_small_for_a_post_a_day_still_posts_at_its_own_pace():
    # one hour a day, four hours a post: a post every fourth day (the old rule made none)
    slow = {"team.hours_per_day": 1.0, "content.staff_hours_per_post": 4.0, "run.days": 13}
    kpis = run(SMALL.replace(ONE_PERSON_BROADCAST | slow)).kpis().iloc[1:]
    assert kpis["broadcasts"].tolist() == [0] + [0, 0, 0, 1] * 3
    assert (kpis["content_hours"] == 1.0).all()


def test_the_calendar_takes_its_hours_from_the_replies():
    busy = SMALL.replace({"team.staff": 1, "team.reply_minutes": 30.0, "run.days": 10})
    calendar = busy.replace({"policy.posts_per_day": 3.0, "content.staff_hours_per_post": 2.0})
    day = {}
    for name, scenario in (("none", busy), ("calendar", calendar)):
        model = EngagementModel(scenario, rng=2)
        model.step()
        day[name] = model._day.plan.reply_slots
    assert day["none"] - day["calendar"] == 3 * 2 * 2  # posts × hours × replies an hour


class Writes(Policy):
    """Asks for a fixed number of content hours a day, whatever the team."""

    def __init__(self, hours: float) -> None:
        self.hours = hours

    def decide(self, seen):
        return Decision(answer=False, content_hours=self.hours)


def test_a_policy_gets_the_content_hours_the_day_holds_and_the_kpi_says_so():
    scenario = SMALL.replace({"team.staff": 1, "run.days": 3})
    with pytest.warns(RuntimeWarning, match=r"asked for 100 hours of brand content on day 1, "):
        asked_too_much = run(scenario.with_policy(Writes(100.0))).kpis().iloc[1:]
    assert (asked_too_much["content_hours"] == 8.0).all()  # one person's day
    assert (asked_too_much["broadcasts"].iloc[1:] == 8).all()
    huge = scenario.replace({"team.staff": 1000, "content.staff_hours_per_post": 0.25})
    with pytest.warns(RuntimeWarning, match="more than the team's day holds"):
        capped = run(huge.with_policy(Writes(1e6))).kpis().iloc[1:]
    assert (capped["content_hours"] == MAX_POSTS_PER_DAY * 0.25).all()
    assert (capped["broadcasts"].iloc[1:] == MAX_POSTS_PER_DAY).all()
    with pytest.raises(ValueError, match="'content_hours' decision of policy 'writes'"):
        run(scenario.with_policy(Writes(-1.0)))


def test_the_broadcast_preset_is_a_content_calendar_over_answering_nobody():
    broadcast = preset("broadcast")
    assert isinstance(broadcast, ContentCalendar) and broadcast.staff_share == 1.0
    assert broadcast.base.answer == ()


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


def worth_per_exposure(scenario: Scenario) -> pd.Series:
    """Loyalty per person reached, by day, from the first day with posts (day 2)."""
    kpis = run(scenario).kpis().set_index("day").loc[2:]
    return kpis["loyalty_change_broadcast"] / kpis["content_reach"]


def test_broadcast_keeps_an_effect_after_day_3_that_follows_the_wear_out_law():
    scenario = SMALL.replace(
        ONE_PERSON_BROADCAST | QUIET | {"content.share_rate": 0.0, "run.days": 61}
    )
    per_exposure = worth_per_exposure(scenario)
    fresh = scenario.content.exposure_gain * scenario.content.relevance
    # the first day of posts: only that day's earlier posts wear it
    assert per_exposure[2] == pytest.approx(fresh * steady_worth(8, 0.05, 10.0, 1e-9), rel=0.02)
    assert (per_exposure.loc[4:] > 0.2 * fresh).all()  # the old rule: about 0 from day 3
    c = scenario.content
    expected = fresh * steady_worth(8, c.reach, c.wearout_exposures, c.recovery_days)
    assert per_exposure.loc[42:].mean() == pytest.approx(expected, rel=0.03)
    # slower recovery wears the same calendar out further
    slower = worth_per_exposure(scenario.replace({"content.recovery_days": 42.0}))
    assert slower.loc[42:].mean() < 0.9 * expected


def test_broadcast_with_a_one_person_team_differs_from_ignore():
    differences = []
    for seeds in np.random.SeedSequence(16).spawn(3):
        broadcast = run(SMALL.replace(ONE_PERSON_BROADCAST), rng=seeds).kpis().iloc[-1]
        ignore = run(SMALL.replace({"policy.name": "ignore", "team.staff": 1}), rng=seeds)
        differences.append(broadcast["mean_loyalty"] - ignore.kpis().iloc[-1]["mean_loyalty"])
    # the same fans, the same replies (none): the posts' worth adds loyalty in every replicate
    assert min(differences) > 0


# --------------------------------------------------------------------- likes, comments, shares
def one_day(scenario: Scenario, posts: int, rng=3) -> tuple[EngagementModel, Day, dict]:
    """The content phase of day 1 of a new model whose brand has ``posts`` posts written."""
    model = EngagementModel(scenario, rng=rng)
    model.brand.drafts = posts
    day = Day(1, model.scenario, model.graph, model.population, model.brand)
    return model, day, content(day, model.streams["content"])


def test_a_like_adds_nothing_to_loyalty_unless_told_to():
    eager = SMALL.replace(
        {
            "content.like_rate": 0.5,
            "content.exposure_gain": 0.0,
            "content.share_rate": 0.0,
            "relationship.damping": 0.0,
        }
    )
    model, _, counts = one_day(eager, posts=5)
    before = EngagementModel(eager, rng=3).population.loyalty
    assert counts["likes"] > 20  # about 225 people reached, a quarter of them like
    np.testing.assert_array_equal(model.population.loyalty, before)
    model, _, counts = one_day(eager.replace({"content.like_gain": 0.1}), posts=5)
    log = model.interactions()
    likes = np.bincount(log.loc[log["kind"] == "like", "person"], minlength=before.size)
    assert likes.sum() == counts["likes"]
    expected = np.minimum(before + 0.1 * likes, 10.0)  # each like adds 0.1, up to the scale's top
    np.testing.assert_allclose(model.population.loyalty, expected, atol=1e-12)


def test_every_act_is_logged_with_its_post_and_comments_become_posts_for_listening():
    chatty = SMALL.replace({"content.comment_rate": 0.2})
    model, day, counts = one_day(chatty, posts=4)
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
    sharing = SMALL.replace({"content.share_rate": 0.05})
    model, _, _ = one_day(sharing, posts=10)
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
        SHARES_ONLY | {"content.reach": 0.01, "content.share_rate": p}
    )
    factor = cascade_factor(graph, everyone_the_same.response.visibility * p)
    first, total = [], []
    for seeds in np.random.SeedSequence(6).spawn(30):
        model = EngagementModel(everyone_the_same, rng=seeds, graph=graph)
        model.brand.drafts = posts
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
    model.brand.drafts = 1
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


def test_the_days_public_posts_are_logged_with_or_without_brand_posts():
    for scenario in (SMALL, SMALL.replace({"policy.posts_per_day": 3.0})):
        model = run(scenario, days=4)
        log, kpis = model.interactions(), model.kpis()
        posted = kpis[["complaints", "reshares", "praise", "needs"]].iloc[1:].to_numpy().sum()
        assert log["kind"].isin(["complaint", "praise", "need"]).sum() == posted
        brand_posts = kpis["broadcasts"].sum()
        assert (log["post"] < brand_posts).all() and (log["channel"] == "brand_post").any() == (
            brand_posts > 0
        )
    assert Kind.COMPLAINT == PostKind.COMPLAINT and Channel.PUBLIC == 0


def test_a_calendar_the_day_cannot_hold_is_said_once_never_cut_silently():
    small_team = SMALL.replace(
        {"team.staff": 1, "team.hours_per_day": 1.0, "policy.posts_per_day": 3.0, "run.days": 5}
    )
    with pytest.warns(RuntimeWarning) as said:
        kpis = run(small_team).kpis()
    cut = [w for w in said if "hours of brand content" in str(w.message)]
    assert len(cut) == 1 and "1 staff on duty" in str(cut[0].message)
    assert (kpis["content_hours"].iloc[1:] == 1.0).all()  # the one hour the day holds
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a calendar the day holds says nothing
        run(small_team.replace({"policy.posts_per_day": 1.0}))


def test_posts_unanswered_share_is_a_share_when_comments_are_answered():
    # Comments on brand posts are posts the team answers: they count among those needing one.
    scenario = SMALL.replace(
        {
            "run.days": 5,
            "policy.posts_per_day": 2.0,
            "content.reach": 1.0,
            "content.comment_rate": 0.5,
            "content.relevance": 1.0,
        }
    )
    share = per_run(run(scenario).kpis())["posts_unanswered_share"]
    assert 0.0 <= share <= 100.0
