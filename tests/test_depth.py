"""Relationship depth, joining shallow, public praise, swings, and the interaction log.

Comparisons share their seeds (common random numbers); exact values come from the documented
laws (depth gain and fading, damping), not from earlier runs.
"""

from __future__ import annotations

import numpy as np
import pytest

from socialsim import EngagementModel, Scenario
from socialsim.brand.care_team import Queue
from socialsim.brand.observation import observe
from socialsim.day import Day
from socialsim.fans.advocacy import advocates_watching, praise_seen
from socialsim.fans.churn import churn
from socialsim.fans.depth import depth, depth_levels
from socialsim.interactions import BRAND_SEES, Channel, Kind
from socialsim.model import PHASES
from socialsim.network.graph import SocialGraph
from socialsim.population import Population, Status
from socialsim.posts import PostKind, Posts
from socialsim.scenario import PopulationParams

SMALL = Scenario().replace({"graph.n": 3000, "run.days": 60})
SEEDS = np.random.SeedSequence(61).spawn(3)


def fresh(n: int, **relationship) -> Population:
    from socialsim.relationship import RelationshipParams

    params = RelationshipParams(**relationship)
    return Population.initialize(
        PopulationParams(), n, seed=np.random.default_rng(0), relationship=params
    )


# --------------------------------------------------------------------- joining
def test_new_fans_join_shallow_and_less_loyal_than_long_standing_fans():
    new_loyalty, new_depth, old_loyalty, old_depth = [], [], [], []
    for seeds in SEEDS:
        model = EngagementModel(SMALL, rng=seeds)
        for _ in range(SMALL.run.days):
            model.step()
            fans = model.fans()
            fans = fans[fans["status"] == "fan"]
            joined = fans[fans["join_day"] == model.day]
            old = fans[fans["join_day"] == 0]
            new_loyalty += joined["loyalty"].tolist()
            new_depth += joined["depth"].tolist()
            old_loyalty += [old["loyalty"].mean()] * len(joined)  # on the same days
            old_depth += [old["depth"].mean()] * len(joined)
    assert len(new_loyalty) > 100
    gap = np.mean(old_loyalty) - np.mean(new_loyalty)
    se = np.std(new_loyalty, ddof=1) / np.sqrt(len(new_loyalty))
    assert gap > 4 * se, (gap, se)
    # most join at depth 0; some after two-way interactions as prospects (answered needs)
    assert np.mean(new_depth) < 0.5 * np.mean(old_depth), (np.mean(new_depth), np.mean(old_depth))
    assert np.median(new_depth) == 0.0


def test_prospects_draw_their_attitude_from_their_own_law():
    pop = fresh(20_000, prospect_loyalty_mean=6.0, prospect_loyalty_sd=1.0)
    prospects, fans = pop.loyalty[pop.prospects], pop.loyalty[pop.fans]
    assert prospects.mean() == pytest.approx(6.0, abs=0.03)
    assert prospects.std() == pytest.approx(1.0, abs=0.03)
    assert fans.mean() == pytest.approx(PopulationParams().loyalty_mean, abs=0.05)
    assert (pop.depth[pop.prospects] == 0).all() and pop.depth[pop.fans].mean() > 0.15
    assert (pop.join_day[pop.fans] == 0).all() and (pop.join_day[pop.prospects] == -1).all()


def test_the_fans_draws_are_those_of_before():
    # the new draws come after the old ones: a fan's loyalty does not depend on the prospects'
    a, b = fresh(5_000), fresh(5_000, prospect_loyalty_mean=5.0)
    np.testing.assert_array_equal(a.loyalty[a.fans], b.loyalty[b.fans])
    np.testing.assert_array_equal(a.activity, b.activity)


# --------------------------------------------------------------------- deepening and fading
def test_two_way_interactions_deepen_and_likes_do_not():
    model = EngagementModel(SMALL.replace({"graph.n": 200}), rng=1)
    pop = model.population
    pop.depth[:4] = [0.0, 0.5, 0.0, 0.3]
    before = pop.depth.copy()
    day = Day(1, model.scenario, model.graph, pop, model.brand)
    public = {"day": 1, "hour": 10.0, "channel": Channel.PUBLIC}
    pop.record(np.array([0, 0, 1]), kind=Kind.REPLY, **public)  # two replies, one reply
    pop.record(np.array([2]), kind=Kind.LIKE, **public)
    pop.record(np.array([3]), kind=Kind.HELP, **public)
    depth(day, model.streams["depth"])
    r = model.scenario.relationship
    keep, g = np.exp(-1 / r.depth_memory_days), r.depth_gain
    expected = before * keep
    expected[0] = (1 - (1 - g) ** 2) * keep
    expected[1] = (1 - 0.5 * (1 - g)) * keep
    expected[3] = (1 - 0.7 * (1 - g)) * keep
    np.testing.assert_allclose(pop.depth, expected)
    assert pop.max_depth == pytest.approx(pop.depth.max())


def test_without_two_way_interactions_depth_only_fades():
    quiet = SMALL.replace({"policy.name": "ignore", "policy.posts_per_day": 3.0})
    model = EngagementModel(quiet, rng=2)
    start = model.population.depth.copy()
    model.run(days=30)
    keep = np.exp(-30 / quiet.relationship.depth_memory_days)
    helped = model.interactions().query("kind == 'help'")["person"].unique()
    others = np.setdiff1d(np.arange(start.size), helped)
    np.testing.assert_allclose(model.population.depth[others], start[others] * keep)
    assert model.kpis()["likes"].sum() > 0


def test_an_answered_comment_is_dialogue():
    talk = SMALL.replace({"content.comment_rate": 0.1, "run.days": 10})
    replied = {}
    for name in ("respond-all", "ignore"):
        # a preset's name sets all its parts: the calendar is given with it
        policy = {"policy.name": name, "policy.posts_per_day": 4.0}
        model = EngagementModel(talk.replace(policy), rng=4)
        model.run()
        log = model.interactions()
        commenters = set(log.loc[log["kind"] == "comment", "person"])
        answered = set(log.loc[log["kind"] == "reply", "person"])
        replied[name] = len(commenters & answered) / len(commenters)
    assert replied["respond-all"] > 0.5 and replied["ignore"] == 0.0


# --------------------------------------------------------------------- what depth does
def test_depth_damps_every_loyalty_swing():
    pop = fresh(4, damping=0.5)
    pop.loyalty[:], pop.depth[:], pop.max_depth = 5.0, [0.0, 1.0, 0.5, 0.0], 1.0
    pop.shift(np.array([0, 1, 2]), -2.0)
    pop.feel_at(np.array([3]), np.array([1.0]))
    assert pop.loyalty.tolist() == [3.0, 4.0, 3.5, 6.0]


def test_a_severe_ignored_incident_turns_a_shallow_promoter_but_not_a_deep_one():
    """One severe incident (twice an ordinary bad experience), complained about in public and
    ignored, its complaint seen by the author's friends: a shallow promoter at the promoters'
    30th percentile (9.37) is a detractor within days; a fully deep one is not."""
    quiet = SMALL.replace(
        {
            "policy.name": "ignore",
            "experiences.good_rate": 0.0,
            "experiences.bad_rate": 0.0,
            "experiences.need_rate": 0.0,
        }
    )
    lowest = {}
    for depth_now in (0.0, 0.999):
        model = EngagementModel(quiet, rng=5)
        pop = model.population
        author = int(np.flatnonzero(pop.fans & (model.graph.out_degree >= 5))[0])
        pop.loyalty[author] = pop.baseline[author] = 9.37
        pop.depth[author] = depth_now
        pop.max_depth = max(pop.max_depth, depth_now)
        pop.shift(np.array([author]), -2 * quiet.experiences.bad_impact)
        day = Day(1, model.scenario, model.graph, pop, model.brand)
        day.posts = Posts(np.array([author]), np.array([PostKind.COMPLAINT], np.int8), np.ones(1))
        for p in PHASES[1:]:  # the day after its experiences
            p(day, model.streams[p.name])
        path = [pop.loyalty[author]]
        for _ in range(7):
            model.step()
            path.append(pop.loyalty[author])
        lowest[depth_now] = max(path[:3]), min(path)
    assert lowest[0.0][0] < 7.0  # a detractor within the first days
    assert lowest[0.999][1] >= 7.0


def test_depth_protects_against_churn():
    model = EngagementModel(SMALL.replace({"graph.n": 20_000}), rng=6)
    pop = model.population
    pop.status[:], pop.loyalty[:] = Status.FAN, 0.0  # everyone at the highest hazard
    half = np.arange(len(pop)) < len(pop) // 2
    pop.depth[:] = np.where(half, 0.0, 0.999)
    left = np.zeros(2)
    for t in range(1, 6):
        churn(Day(t, model.scenario, model.graph, pop, model.brand), model.streams["churn"])
    gone = pop.status == Status.CHURNED
    left = gone[half].sum(), gone[~half].sum()
    protection = 1 - model.scenario.relationship.churn_protection * 0.999
    assert left[1] / left[0] == pytest.approx(protection, rel=0.2)


def test_deeper_advocates_count_more_and_praise_is_public():
    graph = SocialGraph.from_edges([0, 0, 0], [1, 2, 3], n_nodes=4, directed=True)
    pop = fresh(4, damping=0.0)
    pop.status[:], pop.loyalty[:] = Status.FAN, 9.5
    pop.depth[:] = [0.0, 0.0, 0.5, 1.0]
    assert advocates_watching(graph, pop, np.array([0]), boost=1.0).tolist() == [4.5]
    assert advocates_watching(graph, pop, np.array([0]), boost=0.0).tolist() == [3.0]
    pop.loyalty[:] = 5.0
    scenario = Scenario().replace({"identification.cross_segment": 0.5, "wom.effect": 0.1})
    pop.segment[:] = [0, 0, 1, 0]
    day = Day(1, scenario, graph, pop, None)
    day.posts = Posts(np.array([0]), np.array([PostKind.PRAISE], np.int8), np.ones(1))
    counts = praise_seen(day, np.random.default_rng(0))
    np.testing.assert_allclose(pop.loyalty, [5.0, 5.1, 5.05, 5.1])
    assert counts["loyalty_change_praise"] == pytest.approx(0.25)


def test_thanking_praise_deepens_relationships_that_ignoring_does_not():
    """positives-only against ignore: the same praise is posted and seen by the same people;
    thanking it is a two-way interaction, so more fans are engaged or deep in every replicate."""
    for seeds in SEEDS:
        final = {}
        for name in ("positives-only", "ignore"):
            model = EngagementModel(SMALL.replace({"policy.name": name}), rng=seeds)
            model.run()
            final[name] = model.kpis().iloc[-1]
        deeper = ("depth_engaged", "depth_deep")
        assert final["positives-only"][list(deeper)].sum() > final["ignore"][list(deeper)].sum()


# --------------------------------------------------------------------- the log and the table
def test_fans_table_shows_join_day_depth_and_last_interaction():
    model = EngagementModel(SMALL.replace({"policy.posts_per_day": 2.0}), rng=7)
    model.run(days=20)
    fans, log = model.fans(), model.interactions()
    last = log.groupby("person")["day"].max()
    assert {"join_day", "depth", "last_interaction"} <= set(fans.columns)
    np.testing.assert_array_equal(fans["last_interaction"].to_numpy()[last.index], last)
    never = np.setdiff1d(np.arange(len(fans)), last.index)
    assert (fans["last_interaction"].to_numpy()[never] == -1).all()
    kpis = model.kpis().iloc[-1]
    seen = log[log["kind"].isin([k.name.lower() for k in BRAND_SEES])]  # engagement, not posts
    now = np.flatnonzero(fans["status"] == "fan")
    recent = np.isin(now, seen["person"]).mean() * 100  # day 20: every logged day is recent
    assert kpis["engaged_30d_share"] == pytest.approx(recent)
    assert depth_levels(model.population, 20)["depth_shallow"] == kpis["depth_shallow"]


def test_a_policy_sees_when_listed_authors_last_engaged_where_the_brand_sees_it():
    model = EngagementModel(SMALL.replace({"policy.posts_per_day": 3.0}), rng=8)
    model.run(days=15)
    log, pop = model.interactions(), model.population
    visible = log[log["kind"].isin([k.name.lower() for k in BRAND_SEES])]
    last = visible.groupby("person")["day"].max()
    expected = np.full(len(pop), -1)
    expected[last.index] = last
    np.testing.assert_array_equal(pop.last_engaged, expected)
    # a public post about the brand is not engagement the brand sees on its own accounts
    posted_only = np.setdiff1d(log.loc[log["kind"] == "complaint", "person"], last.index)
    assert posted_only.size and (pop.last_engaged[posted_only] == -1).all()
    # what triage shows a policy for the listed authors of a queue
    listed = np.concatenate([last.index[:5], posted_only[:5]]).astype(np.int64)
    zeros, no = np.zeros(listed.size), np.zeros(listed.size, np.int8)
    queue = Queue(listed, no, no, zeros, zeros, no.astype(bool), no.astype(bool), no, zeros, no)
    day = Day(16, model.scenario, model.graph, pop, model.brand)
    shown = observe(day, queue, np.empty(0, np.int64)).items.last_engaged
    assert shown.tolist() == expected[listed].tolist() and not shown.flags.writeable


def test_posting_about_the_brand_is_not_engaging_with_it():
    # Ignoring everyone and posting nothing, the brand engages no one, however many complain;
    # answering them does. A crisis the brand ignores must not read as engagement.
    crisis = SMALL.replace({"root_causes.start": 5, "root_causes.multiplier": 5.0, "run.days": 30})
    ignored = EngagementModel(crisis.replace({"policy.name": "ignore"}), rng=2)
    ignored.run()
    answered = EngagementModel(crisis.replace({"policy.name": "respond-all"}), rng=2)
    answered.run()
    assert ignored.kpis()["complaints"].sum() > 100
    assert (ignored.kpis()["engaged_30d_share"] == 0).all()
    assert answered.kpis()["engaged_30d_share"].iloc[-1] > 0


def test_depth_levels_of_a_population_without_depth_count_every_fan_shallow():
    # With max_depth 0 the depths are not read: the counts must be those of the full pass.
    pop = fresh(500, initial_depth=0.0)
    pop.status[::3] = Status.CHURNED
    pop.last_engaged[::7] = 40
    assert pop.max_depth == 0.0
    shortcut = depth_levels(pop, 50, keep=0.99)
    pop.max_depth = 1e-300  # the same population, through the pass that fades and counts
    assert depth_levels(pop, 50, keep=0.99) == shortcut
    fans = int(np.count_nonzero(pop.status == Status.FAN))
    assert shortcut["depth_shallow"] == fans > 0 and shortcut["depth_deep"] == 0
    recent = np.count_nonzero((pop.status == Status.FAN) & (pop.last_engaged >= 21))
    assert shortcut["engaged_30d_share"] == 100.0 * recent / fans


@pytest.mark.parametrize("seed", range(5))
def test_the_interaction_log_finds_each_days_rows_and_keeps_the_days_in_order(seed):
    from socialsim.interactions import InteractionLog

    rng = np.random.default_rng(seed)
    log, day = InteractionLog(capacity=4), 0
    for _ in range(30):
        day += int(rng.integers(0, 3))  # days repeat, and some have no rows
        log.append(
            rng.integers(0, 50, int(rng.integers(0, 4))),
            day=day,
            hour=9.0,
            kind=Kind.LIKE,
            channel=Channel.BRAND_POST,
        )
    days = log.column("day")
    for d in range(-1, day + 2):
        assert log.on_day(d).tolist() == np.flatnonzero(days == d).tolist()
    with pytest.raises(ValueError, match="'day'"):
        log.append([1], day=day - 1, hour=9.0, kind=Kind.LIKE, channel=Channel.BRAND_POST)
