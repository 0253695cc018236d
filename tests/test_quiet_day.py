"""A quiet day: the phases with nothing to act on return at once and draw nothing.

The shortcuts must change no number: a phase that skips its work on a quiet day leaves its
stream where the full path would (a draw of nothing takes no numbers), and leaves the same
state and KPIs.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from socialsim import EngagementModel, Scenario
from socialsim.brand import early_warning as ew
from socialsim.brand.listening import listening
from socialsim.crisis import Crisis, EarlyWarningParams
from socialsim.day import Day
from socialsim.fans.experiences import experiences
from socialsim.model import PHASES

# Nothing happens to the brand: no experiences, needs or chatter (the engine benchmark's world).
QUIET = {
    "graph.n": 300,
    "experiences.good_rate": 0.0,
    "experiences.bad_rate": 0.0,
    "experiences.need_rate": 0.0,
    "listening.chatter_rate": 0.0,
    "listening.talk_mentions": 0.0,
}


def test_the_draws_left_out_on_a_quiet_day_take_no_numbers():
    # The premise of the shortcuts, for this numpy: each call below may be skipped.
    for draw in (
        lambda rng: rng.poisson(0.0),
        lambda rng: rng.binomial(0, 0.3),
        lambda rng: rng.random(0),
        lambda rng: rng.integers(0, 3, size=0),
        lambda rng: rng.shuffle(np.empty(0, np.int64)),
    ):
        rng = np.random.default_rng(3)
        before = rng.bit_generator.state
        draw(rng)
        assert rng.bit_generator.state == before
    # and a binomial of nothing leaves later binomials (which keep a set-up between calls) alone
    skipped, called = np.random.default_rng(3), np.random.default_rng(3)
    called.binomial(0, 0.3)
    assert (skipped.binomial(50, 0.3, 9) == called.binomial(50, 0.3, 9)).all()


@pytest.mark.parametrize(
    "name",
    ["listening", "early_warning", "triage", "work", "replies", "onlookers", "depth", "costs"],
)
def test_a_quiet_day_of_the_brand_draws_nothing(name):
    model = EngagementModel(Scenario().replace(QUIET), rng=4)
    model.run(days=3)
    rng = model.streams[name]
    before = rng.bit_generator.state
    model.step()
    assert rng.bit_generator.state == before
    assert model.today["mentions"] == 0 and model.today["alarms"] == 0


def test_listening_without_chatter_or_posts_flags_nothing():
    model = EngagementModel(Scenario().replace(QUIET), rng=4)
    day = Day(1, model.scenario, model.graph, model.population, model.brand)
    counts = listening(day, np.random.default_rng(0))
    assert set(counts.values()) == {0}
    assert len(day.flagged) == 0


@pytest.mark.parametrize("mode_until", [0, 4])
def test_early_warning_at_rest_moves_the_detector_as_its_update_would(mode_until):
    model = EngagementModel(Scenario().replace({"graph.n": 50}), rng=1)
    quiet, full = Crisis(), Crisis()
    for crisis in (quiet, full):  # in crisis mode for the first days, or never
        crisis.detector.mode_until = crisis.detector.alarms = mode_until
    params = EarlyWarningParams()
    for t in range(1, 12):
        day = Day(t, model.scenario, model.graph, model.population, model.brand, quiet)
        counts = ew.early_warning(day, np.random.default_rng(0))
        baseline = full.detector.baseline.copy()  # the full path, on a count of zero
        assert not ew.update(full.detector, np.zeros(3), params, t)
        assert counts == dict.fromkeys(ew.early_warning.kpis, 0)
        alert = day.alert
        assert (alert.counts == 0).all() and (alert.baseline == baseline).all()
        assert (alert.statistic == full.detector.statistic).all() and not alert.alarm
        assert alert.crisis_mode == (t <= mode_until) and alert.alarms == full.detector.alarms
        for field in ("days", "mode_until", "alarms"):
            assert getattr(quiet.detector, field) == getattr(full.detector, field)
        assert (quiet.detector.baseline == full.detector.baseline).all()
        assert (quiet.detector.statistic == full.detector.statistic).all()


def test_early_warning_leaves_its_shortcut_once_something_is_flagged():
    model = EngagementModel(Scenario().replace({"graph.n": 500}), rng=2)
    model.run(days=10)  # chatter and complaints: the detector has a baseline
    assert model.crisis.detector.baseline.any()
    assert not ew._at_rest(model.crisis.detector)


@pytest.mark.parametrize("episode", [False, True])
def test_experiences_at_rates_0_draw_nothing_and_change_nothing(episode):
    # Every rate 0: the shortcut must leave what the full path leaves, which draws two event
    # sets at hazard 0 and their uniforms of size 0 (no numbers), even in a root-cause episode
    # (a multiple of a bad rate of 0).
    changes = QUIET | ({"root_causes.start": 1} if episode else {})
    model = EngagementModel(Scenario().replace(changes), rng=4)
    model.run(days=3)
    assert bool(model.crisis.episodes.start.size) == episode
    pop = model.population
    state = {name: getattr(pop, name).copy() for name in ("loyalty", "posts_made", "status")}
    day = Day(4, model.scenario, model.graph, pop, model.brand, model.crisis)
    rng = model.streams["experiences"]
    before = rng.bit_generator.state
    counts = experiences(day, rng)
    assert rng.bit_generator.state == before
    assert counts == dict.fromkeys(experiences.kpis, 0)
    assert len(day.posts) == 0 and day.posts.author.dtype == np.int64
    for name, values in state.items():
        assert (getattr(pop, name) == values).all(), name


@pytest.mark.parametrize(
    "name", ["escalation", "interactions", "content", "defence", "praise_seen", "help"]
)
def test_a_quiet_day_of_the_audiences_draws_and_changes_nothing(name):
    # No posts, no media, no brand posts: each returns zeros at once, drawing and moving nothing.
    model = EngagementModel(Scenario().replace(QUIET), rng=4)
    model.run(days=3)
    day = Day(4, model.scenario, model.graph, model.population, model.brand, model.crisis)
    phase = {p.name: p for p in PHASES}[name]
    rng = model.streams[name]
    before, state = copy.deepcopy(model.population), rng.bit_generator.state
    counts = phase(day, rng)
    assert rng.bit_generator.state == state
    assert all(value == 0 or np.isnan(value) for value in counts.values()), counts
    assert len(day.posts) == 0 and len(model.population.log) == len(before.log)
    for field, value in vars(before).items():
        if isinstance(value, np.ndarray):
            assert getattr(model.population, field).tobytes() == value.tobytes(), field


def test_replies_on_a_day_with_nothing_answered_dropped_or_posted_is_its_full_path():
    from copy import deepcopy

    from socialsim.brand import response

    model = EngagementModel(Scenario().replace(QUIET), rng=4)
    model.run(days=3)
    days = [
        Day(4, model.scenario, model.graph, deepcopy(model.population), model.brand)
        for _ in range(2)
    ]
    streams = [np.random.default_rng(5), np.random.default_rng(5)]
    quick = response.replies(days[0], streams[0])
    full = response._replies(days[1], streams[1])
    assert quick == full and days[0].seen == days[1].seen == [] and days[0].compensations == 0
    assert streams[0].bit_generator.state == streams[1].bit_generator.state
    for name, column in vars(days[0].population).items():
        if isinstance(column, np.ndarray):
            assert column.tobytes() == getattr(days[1].population, name).tobytes(), name
