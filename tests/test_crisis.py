"""Crises: root-cause episodes, escalation through re-shares and media, early warning, reaction.

Each test asserts what a wrong implementation would break: the model with no episode and no
re-sharing is the model without these phases; a fixed root cause ends within its decay and an
unfixed one does not; re-share cascades have the size branching theory gives; better recall
detects sooner, and a poor tool (low precision) alarms when the brand is merely talked about
more; and listening is worth more in a crisis, through the earlier fix its alarm brings.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import networkx as nx
import numpy as np
import pytest

import socialsim.model
from socialsim import EngagementModel, Scenario
from socialsim.brand.early_warning import update
from socialsim.brand.listening import listening
from socialsim.crisis import GONE, Detector, EarlyWarningParams
from socialsim.day import Day, phase
from socialsim.fans.escalation import _stance, reshare_cascade
from socialsim.fans.root_causes import excess
from socialsim.kpis import per_run
from socialsim.network.graph import SocialGraph
from socialsim.posts import PostKind, Posts

CRISIS_PHASES = {"root_causes", "escalation", "early_warning"}


# --------------------------------------------------------------------- the model without crises
def idle(process):
    """A phase that does nothing and counts zeros: the model without that process."""
    return phase(process.name, process.kpis)(lambda day, rng: dict.fromkeys(process.kpis, 0))


def test_no_episode_and_no_resharing_is_the_model_without_the_crisis_phases(monkeypatch):
    scenario = Scenario().replace(
        {"graph.n": 1500, "run.days": 40, "escalation.reshare_prob": 0.0, "run.seed": 4}
    )
    with_phases = EngagementModel(scenario)
    with_phases.run()
    plain_day = [idle(p) if p.name in CRISIS_PHASES else p for p in socialsim.model.PHASES]
    monkeypatch.setattr(socialsim.model, "PHASES", tuple(plain_day))
    plain = EngagementModel(scenario)
    plain.run()
    a, b = with_phases.kpis(), plain.kpis()
    assert b["complaints"].sum() > 0 and b["responses_complaint"].sum() > 0
    assert a["reshares"].sum() == 0 and a["crisis_days"].sum() == 0
    differ = [c for c in a.columns if not np.array_equal(a[c], b[c], equal_nan=True)]
    # only what the new phases measure differs: nothing they measure changes anything else
    assert set(differ) <= {"alarms", "false_alarms", "negative_posts", "reached_negative"}, differ
    assert (with_phases.population.loyalty == plain.population.loyalty).all()


# --------------------------------------------------------------------- root causes
def episode_run(changes: dict, days: int = 40) -> EngagementModel:
    scenario = Scenario().replace(
        {"graph.n": 1000, "root_causes.start": 5, "reaction.fix": False, **changes}
    )
    model = EngagementModel(scenario, rng=3)
    days_with_excess = []
    for _ in range(days):
        model.step()
        days_with_excess.append(excess(model._day)[1].size > 0)
    model.days_with_excess = days_with_excess
    return model


@pytest.mark.parametrize("decay", [0.5, 2.0])
def test_a_root_cause_fixed_on_day_d_ends_within_its_decay(decay):
    model = episode_run({"root_causes.fixed_after": 10, "root_causes.decay_days": decay})
    fix = 5 + 10
    # the last day with an excess: its strength exp(-(t + 1/2 - fix) / decay) is still >= 1%
    last = math.floor(fix - 0.5 + decay * math.log(1 / GONE))
    assert model.crisis.episodes.end.tolist() == [last]
    crisis = model.kpis()["crisis_days"].to_numpy()
    assert crisis[5 : last + 1].all() and not crisis[last + 1 :].any() and not crisis[:5].any()
    assert model.days_with_excess == [5 <= t <= last for t in range(1, 41)]


def test_a_root_cause_never_fixed_goes_on():
    model = episode_run({})
    assert model.crisis.episodes.end.tolist() == [-1]
    assert model.kpis()["crisis_days"].sum() == 40 - 5 + 1


def test_an_alarm_fixes_the_root_cause_after_the_fix_lag():
    # Listening that hears and labels every complaint, so that the small population's episode
    # raises an alarm (the detector's power is tested below).
    perfect = {"listening.recall": 1.0, "listening.label_accuracy": 1.0}
    model = episode_run({"reaction.fix": True, "root_causes.multiplier": 20.0, **perfect})
    episodes = model.crisis.episodes
    detected = int(episodes.detected[0])
    assert detected >= 5
    assert episodes.fix_at[0] == pytest.approx(detected + 1 + 0.875)
    kpis = model.kpis()
    assert kpis["detections"].sum() == 1
    assert kpis["detection_delay_days"].sum() == detected - 5
    assert per_run(kpis)["detection_delay"] == detected - 5
    assert 0 <= episodes.end[0] - detected <= 1 + math.ceil(math.log(1 / GONE))


def test_a_segment_episode_raises_only_that_segment_s_bad_experiences():
    scenario = Scenario().replace(
        {
            "graph.n": 4000,
            "population.initial_fan_share": 1.0,
            "root_causes.start": 1,
            "root_causes.segment": 1,
            "root_causes.multiplier": 10.0,
            "reaction.fix": False,
        }
    )
    model = EngagementModel(scenario, rng=2)
    model.step()
    posts = model.posts.author[model.posts.kind == PostKind.COMPLAINT]
    segment = model.population.segment[posts]
    # ten times the rate in one of four segments: about 10 / 13 of the complaints
    assert np.mean(segment == 1) > 0.6


# --------------------------------------------------------------------- escalation
@pytest.mark.parametrize("p", [0.02, 0.05])
def test_reshare_cascade_size_matches_branching_theory(p):
    """Re-sharers n0 p<k> / (1 − pκ), κ = (<k²> − <k>)/<k>, at full arousal and identification."""
    n, mean_degree, n0, replicates = 20_000, 10.0, 40, 30
    graph = SocialGraph.from_networkx(nx.fast_gnp_random_graph(n, mean_degree / (n - 1), seed=3))
    k = graph.out_degree.astype(float)
    kappa = (np.mean(k**2) - np.mean(k)) / np.mean(k)
    expected = n0 * p * np.mean(k) / (1 - p * kappa)
    rng = np.random.default_rng(4)
    segment = np.zeros(n, np.int64)
    sizes = []
    for _ in range(replicates):
        authors = rng.choice(n, n0, replace=False)
        who, hour = reshare_cascade(graph, authors, np.ones(n0), np.zeros(n0), segment, 1.0, p, rng)
        assert np.unique(who).size == who.size and not np.isin(who, authors).any()
        assert ((hour >= 0) & (hour < 24)).all()
        sizes.append(who.size)
    mean, se = np.mean(sizes), np.std(sizes, ddof=1) / np.sqrt(replicates)
    assert abs(mean - expected) < 4 * se + 0.03 * expected, (mean, expected, se)


def test_arousal_and_identification_scale_the_reshare_chance():
    graph = SocialGraph.from_networkx(nx.star_graph(4000))
    rng = np.random.default_rng(1)
    segment = np.r_[0, np.zeros(2000, np.int64), np.ones(2000, np.int64)]
    who, _ = reshare_cascade(
        graph, np.array([0]), np.array([0.5]), np.zeros(1), segment, 0.2, 0.5, rng
    )
    same, other = np.count_nonzero(segment[who] == 0), np.count_nonzero(segment[who] == 1)
    assert same == pytest.approx(2000 * 0.5 * 0.5, rel=0.15)
    assert other == pytest.approx(2000 * 0.5 * 0.5 * 0.2, rel=0.3)


def test_reshares_are_posts_listening_hears_and_media_reach_prospects():
    scenario = Scenario().replace(
        {
            "graph.n": 3000,
            "escalation.reshare_prob": 0.3,
            "escalation.media_threshold": 0.0,
            "escalation.media_min_posts": 1,
            "escalation.media_days": 2,
        }
    )
    model = EngagementModel(scenario, rng=5)
    model.run(days=10)
    kpis = model.kpis().iloc[1:]
    assert kpis["reshares"].sum() > 0
    day = model._day
    assert day.posts.count(PostKind.COMPLAINT) == kpis["complaints"].iloc[-1] + day.reshares.size
    assert kpis["media_days"].sum() > 0
    covered = kpis[kpis["media_days"] == 1]
    assert (covered["reached_negative"] > 0.1 * 3000 * 0.8).all()


# --------------------------------------------------------------------- early warning
def detector_alarms(recall, false_positive_rate, days, seed, step=None, extra=0.0, chatter=1.0):
    """Alarms of the detector on what a listening system flags of Poisson posts and chatter.

    The chatter is a steady 54 mentions a day (a quarter of the mentions relevant), times
    ``chatter`` from day ``step`` on; ``extra`` complaints a day are added from then too.
    """
    rng = np.random.default_rng(seed)
    scenario = Scenario().replace(
        {"listening.recall": recall, "listening.false_positive_rate": false_positive_rate}
    )
    people = 54 / scenario.listening.chatter_rate
    detector, params = Detector(), EarlyWarningParams()
    brand = SimpleNamespace(talked=0)  # yesterday's talkers, whose mentions are chatter too
    alarms = []
    for t in range(1, days + 1):
        later = bool(step and t >= step)
        rate = np.array([5.0 + (extra if later else 0.0), 3.0, 10.0])
        n = rng.poisson(rate)
        brand.talked = int(54 * (chatter - 1) / scenario.listening.talk_mentions) if later else 0
        day = Day(t, scenario, None, np.empty(int(people)), brand)
        day.posts = Posts.gather({k: (np.arange(n[k]), 24 * rng.random(n[k])) for k in PostKind})
        listening(day, rng)
        counts = np.bincount(day.flagged.label, minlength=3)[:3].astype(float)
        if update(detector, counts, params, t):
            alarms.append(t)
    return alarms


@pytest.mark.slow
def test_detection_delay_falls_as_recall_rises():
    def delay(recall, seed):
        after = [t for t in detector_alarms(recall, 0.1, 100, seed, step=30, extra=3.0) if t >= 30]
        return after[0] - 30 if after else 70  # censored at the horizon

    deaf = [delay(0.3, s) for s in range(40)]
    keen = [delay(0.9, s) for s in range(40)]
    gap = np.mean(deaf) - np.mean(keen)
    se = np.sqrt(np.var(deaf, ddof=1) / 40 + np.var(keen, ddof=1) / 40)
    assert gap > 2.5 * se, (np.mean(deaf), np.mean(keen), se)


@pytest.mark.slow
def test_a_rise_in_chatter_is_a_false_alarm_for_a_poor_tool_only():
    """The brand talked about half as much again for reasons that need no action: a poor tool
    (precision about 0.3) flags enough of the extra chatter as complaints to alarm, a good one
    (about 0.9) does not. False positives follow the chatter, not the relevant posts."""

    def false_alarms(rate):
        runs = (detector_alarms(0.8, rate, 90, s, step=30, chatter=1.5) for s in range(12))
        return sum(len([t for t in alarms if t >= 30]) for alarms in runs)

    sloppy, precise = false_alarms(0.55), false_alarms(0.025)
    assert sloppy > 2 * precise + 10, (sloppy, precise)


def test_the_detector_learns_no_baseline_in_crisis_mode():
    detector, params = Detector(), EarlyWarningParams(warmup_days=2)
    for t in range(1, 4):
        update(detector, np.array([4.0, 1.0, 1.0]), params, t)
    detector.mode_until = 10
    update(detector, np.array([40.0, 1.0, 1.0]), params, 4)
    assert detector.baseline[0] == pytest.approx(4.0) and detector.days == 3


def test_the_alert_is_on_the_day_and_crisis_mode_carries_the_levers():
    scenario = Scenario().replace(
        {
            "graph.n": 2000,
            "root_causes.start": 10,
            "root_causes.multiplier": 30.0,
            "reaction.surge_staff": 3,
            "reaction.order": "negatives_first",
        }
    )
    model = EngagementModel(scenario, rng=1)
    for _ in range(40):
        model.step()
        if model._day.alert.alarm:
            break
    day = model._day
    assert day.alert.alarm and day.alert.crisis_mode and day.alert.alarms == 1
    assert day.alert.counts[0] > day.alert.baseline[0]
    # The reaction acts through the brand's policy, on what the brand sees: three extra people
    # from the alarm's day, paid on the days they work, and the queue worked negatives first.
    assert model.brand.staffing.on_duty(day.t) == 2 + 3
    assert model.today["staff_cost"] >= 5 * 8 * 30
    queue = model.brand.team.queue
    if len(queue):
        assert np.array_equal(queue.key, (queue.label != 0).astype(float))
    for _ in range(scenario.reaction.mode_days + 5):  # crisis mode over: the team's own people
        model.step()
    assert model.brand.staffing.on_duty(model._day.t) == 2 or model._day.alert.crisis_mode


# --------------------------------------------------------------------- what listening is worth
@pytest.mark.slow
def test_listening_is_worth_more_in_a_crisis_through_its_earlier_fix():
    """Paired replicates: NPS gain of recall 0.9 over 0.3, with a crisis minus without one."""
    base = Scenario().replace(
        {
            "graph.n": 3000,
            "run.days": 100,
            "policy.name": "negatives-first",
            "root_causes.segment": 0,
        }
    )
    gains, caught = [], {0.3: [], 0.9: []}
    for seed in np.random.SeedSequence(14).spawn(16):
        nps = {}
        for start in (0, 25):
            for recall in (0.3, 0.9):
                model = EngagementModel(
                    base.replace({"root_causes.start": start, "listening.recall": recall}),
                    rng=seed,
                )
                model.run()
                nps[start, recall] = model.today["nps"]
                if start:  # days to the alarm, censored at the horizon
                    detected = model.crisis.episodes.detected[0]
                    caught[recall].append((detected if detected > 0 else 100) - start)
        gains.append((nps[25, 0.9] - nps[25, 0.3]) - (nps[0, 0.9] - nps[0, 0.3]))
    mean, se = np.mean(gains), np.std(gains, ddof=1) / np.sqrt(len(gains))
    assert mean - 1.96 * se > 0, (mean, se)
    # what it buys is time: the good front end's alarm comes earlier on the same replicates
    assert np.mean(caught[0.9]) < np.mean(caught[0.3]), caught


@pytest.mark.parametrize(
    ("reaction", "expected"),
    [
        ({}, 1.0),
        ({"reaction.channel": "public"}, 0.5),
        ({"reaction.channel": "private", "reaction.compensate": True}, 0.5),
        ({"reaction.compensate": True}, 1.5),  # the policy's public channel: it fuels the fire
        ({"reaction.channel": "public", "reaction.compensate": True}, 0.75),
    ],
)
def test_the_brand_s_stance_in_crisis_mode_scales_resharing(reaction, expected):
    scenario = Scenario().replace({"graph.n": 100, **reaction})
    model = EngagementModel(scenario, rng=1)
    day = Day(5, scenario, model.graph, model.population, model.brand, model.crisis)
    assert _stance(day) == 1.0  # not in crisis mode
    model.crisis.detector.mode_until = 5
    assert _stance(day) == pytest.approx(expected)
