"""The brand side: listening, the care team's queue, policies, and what responses do.

Mechanism tests run the whole model on fixed seeds with replicates; strategies compared in one
test share their seeds (common random numbers), so differences come from the mechanism.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from socialsim import EngagementModel, Scenario
from socialsim.brand.care_team import CareTeam, Queue
from socialsim.brand.listening import listening
from socialsim.brand.policy import PRESETS
from socialsim.cli import main
from socialsim.day import Day
from socialsim.posts import Flagged, PostKind, Posts
from socialsim.scenario import ResponseParams, TeamParams

SMALL = Scenario().replace({"graph.n": 3000, "run.days": 40})
SEEDS = np.random.SeedSequence(7).spawn(3)
# A team far too small for the day's posts (4 two-hour replies a day for ~9 items).
OVERLOADED = {"team.staff": 1, "team.reply_minutes": 120.0, "team.thanks_minutes": 120.0}


def totals(scenario: Scenario, *columns: str) -> dict[str, float]:
    """Each column summed over days, averaged over the replicates."""
    frames = []
    for seed in SEEDS:
        model = EngagementModel(scenario, rng=seed)
        model.run()
        frames.append(model.kpis())
    return {c: float(np.mean([f[c].sum() for f in frames])) for c in columns}


def median_over_days(scenario: Scenario, column: str) -> float:
    values = []
    for seed in SEEDS:
        model = EngagementModel(scenario, rng=seed)
        model.run()
        values.append(np.nanmedian(model.kpis()[column]))
    return float(np.mean(values))


# --------------------------------------------------------------------- listening
def test_listening_catches_at_recall_adds_false_positives_and_mislabels():
    n = 20_000
    scenario = Scenario().replace(
        {
            "graph.n": 2000,
            "listening.recall": 0.6,
            "listening.false_positive_rate": 0.5,
            "listening.label_accuracy": 0.8,
            "listening.chatter_rate": 1.0,
        }
    )
    model = EngagementModel(scenario, rng=1)
    day = Day(1, model.scenario, model.graph, model.population, model.brand)
    day.posts = Posts(author=np.arange(n), kind=np.zeros(n, np.int8), hour=np.full(n, 12.0))
    counts = listening(day, np.random.default_rng(3))
    flagged = day.flagged
    assert counts["false_positives"] == np.count_nonzero(flagged.author < 0)
    assert counts["posts_caught"] + counts["false_positives"] == len(flagged)
    relevant = flagged.author >= 0
    caught = relevant.sum()
    assert abs(caught / n - 0.6) < 0.02
    # half of the chatter (one mention a person, about 2,000) is flagged
    assert abs(counts["false_positives"] / (counts["mentions"] - n) - 0.5) < 0.05
    assert abs((flagged.label[relevant] == PostKind.COMPLAINT).mean() - 0.8) < 0.02
    assert set(np.unique(flagged.label[relevant])) == {0, 1, 2}


@pytest.mark.slow
def test_recall_zero_means_nothing_is_answered():
    result = totals(
        SMALL.replace({"listening.recall": 0.0}),
        "posts_caught",
        "responses_complaint",
        "responses_praise",
        "responses_need",
    )
    assert all(value == 0 for value in result.values())


# --------------------------------------------------------------------- the queue
def exact_team(**changes) -> CareTeam:
    """A team whose handling takes exactly its mean time and who never misjudge a post."""
    exact = {"handling_cv": 0.0, "error_rate": 0.0, "overload_errors": 0.0, "experts": 0}
    return CareTeam(TeamParams(**exact, **changes))


def queue(author, kind, arrival, key) -> Queue:
    kind = np.asarray(kind, np.int8)
    none = np.zeros(kind.size, bool)
    flagged = Flagged(np.asarray(author), kind, kind, np.asarray(arrival, float), none, none)
    return Queue.of(flagged, np.asarray(key, float), np.zeros(kind.size, np.int8))


def test_queue_answers_in_priority_order_and_reports_hours():
    team = exact_team(staff=1, reply_minutes=60, thanks_minutes=60, hours_per_day=2)
    # praise at 1:00, complaint at 3:00; complaints first; one person from 9:00 to 11:00
    arrivals = queue([10, 11], [1, 0], [1.0, 3.0], [1.0, 0.0])
    answered, missed = team.work(arrivals, day=1, rng=np.random.default_rng(0))
    assert answered.author.tolist() == [11, 10]
    np.testing.assert_allclose(team.last_response_time, [9 + 1 - 3, 10 + 1 - 1])
    assert len(missed) == 0 and len(team.queue) == 0


def test_queue_carries_over_then_drops_what_waited_too_long():
    team = exact_team(staff=1, reply_minutes=60, hours_per_day=1, max_wait_hours=30)
    arrivals = queue(np.arange(3), np.zeros(3), [0.0, 0.5, 1.0], np.zeros(3))
    rng = np.random.default_rng(0)
    answered, missed = team.work(arrivals, day=1, rng=rng)
    assert answered.author.tolist() == [0] and len(team.queue) == 2
    answered, missed = team.work(Queue.empty(), day=2, rng=rng)
    # day 2 ends at hour 48: both waited more than 30 hours; one was answered at 33:00 first
    assert answered.author.tolist() == [1]
    assert missed.author.tolist() == [2]
    np.testing.assert_allclose(team.last_response_time, [24 + 9 + 1 - 0.5])


def test_a_post_arriving_after_the_working_day_waits_for_the_next():
    team = exact_team(staff=1, reply_minutes=15, hours_per_day=8)
    rng = np.random.default_rng(0)
    answered, _ = team.work(queue([5], [0], [20.0], [0.0]), day=1, rng=rng)
    assert len(answered) == 0
    answered, _ = team.work(Queue.empty(), day=2, rng=rng)
    np.testing.assert_allclose(team.last_response_time, [24 + 9 + 0.25 - 20])


def mean_daily(scenario: Scenario, column: str) -> np.ndarray:
    """A KPI day by day, averaged over the replicates (one run's backlog is noisy)."""
    runs = []
    for seed in SEEDS:
        model = EngagementModel(scenario, rng=seed)
        model.run()
        runs.append(model.kpis()[column].to_numpy())
    return np.mean(runs, axis=0)


@pytest.mark.slow
def test_an_underpowered_team_builds_an_unbounded_backlog():
    # Long enough for the patient team's growing backlog to leave the levelled one well behind.
    # A team that does not cut corners when overloaded: the queue alone. Fixed handling times:
    # with exponential ones a shift overruns by its last item's (long) remainder, which brings
    # the team near its load, where the backlog is a random walk rather than a steady climb.
    careful = SMALL.replace(
        {**OVERLOADED, "team.overload_errors": 0.0, "team.handling_cv": 0.0, "run.days": 80}
    )
    backlog = mean_daily(careful.replace({"team.max_wait_hours": 1e6}), "backlog")
    assert backlog[10] > 10 and backlog[-1] > 2.5 * backlog[10]
    # with the default patience the backlog levels off and the excess is missed instead
    levelled = mean_daily(careful, "backlog")
    assert levelled[-1] < backlog[-1] / 2
    assert mean_daily(careful, "missed").sum() > 0
    assert mean_daily(SMALL, "backlog").max() < 60 and mean_daily(SMALL, "missed").sum() == 0


def test_doubling_staff_cuts_response_time_when_overloaded():
    one = median_over_days(SMALL.replace(OVERLOADED), "response_time_median")
    two = median_over_days(SMALL.replace({**OVERLOADED, "team.staff": 2}), "response_time_median")
    assert two < 0.8 * one


def test_more_false_positives_at_fixed_staff_let_more_complaints_past():
    # One person answering 8 posts a day, about 7 real ones flagged: within capacity until
    # false positives crowd in.
    scenario = SMALL.replace(
        {"team.staff": 1, "team.reply_minutes": 60.0, "team.max_wait_hours": 24.0}
    )
    past = ("missed_complaints", "complaints_dismissed")
    precise = totals(scenario.replace({"listening.false_positive_rate": 0.02}), *past)
    sloppy = totals(scenario.replace({"listening.false_positive_rate": 0.6}), *past)
    assert sum(sloppy.values()) > sum(precise.values()) + 5


# --------------------------------------------------------------------- policies
@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_runs_and_does_what_it_says(preset):
    model = EngagementModel(SMALL.replace({"policy.name": preset, "run.days": 20}), rng=2)
    model.run()
    k = model.kpis().sum(numeric_only=True)
    answered = k["responses_complaint"] + k["responses_praise"] + k["responses_need"]
    policy = model.scenario.policy
    assert (answered == 0) == (policy.answer == ())
    if "complaint" not in policy.answer:
        assert k["responses_complaint"] == 0
    assert (k["broadcasts"] > 0) == (policy.broadcast_share > 0)


def test_presets_set_parts_and_parts_alone_make_a_custom_policy():
    scenario = Scenario().replace({"policy.name": "negatives-first", "policy.channel": "private"})
    assert scenario.policy.order == "negatives_first" and scenario.policy.channel == "private"
    assert Scenario().replace({"policy.answer": ["need"]}).policy.name == "custom"
    with pytest.raises(ValueError, match=r"Did you mean 'negatives-first'\?"):
        Scenario().replace({"policy.name": "negative-first"})
    with pytest.raises(ValueError, match="'policy.answer' parameter must be a list of"):
        Scenario().replace({"policy.answer": ["complaints"]})


@pytest.mark.slow
def test_presets_and_custom_policies_run_from_the_cli(tmp_path):
    runner = CliRunner()
    base = ["run", "--set", "graph.n=300", "--days", "3", "--quiet", "--out", str(tmp_path)]
    for preset in PRESETS:
        assert runner.invoke(main, [*base, "--set", f"policy.name={preset}"]).exit_code == 0
    custom = tmp_path / "custom.toml"
    custom.write_text(
        '[policy]\nanswer = ["complaint"]\norder = "influencers_first"\nchannel = "private"\n'
    )
    result = runner.invoke(main, ["run", str(custom), *base[1:]])
    assert result.exit_code == 0, result.output
    assert '"order": "influencers_first"' in (tmp_path / "scenario.json").read_text()


def test_answering_complaints_beats_staying_out_of_them():
    scenario = SMALL.replace({"run.days": 60})
    stay_out = totals(scenario.replace({"policy.name": "positives-only"}), "loyalty_change_authors")
    answer = totals(scenario.replace({"policy.name": "negatives-first"}), "loyalty_change_authors")
    assert answer["loyalty_change_authors"] > stay_out["loyalty_change_authors"]


# --------------------------------------------------------------------- what a response does
CLEAN = {
    "listening.label_accuracy": 1.0,
    "listening.false_positive_rate": 0.0,
    "response.ignored_penalty": 0.0,
}


def test_visibility_zero_removes_onlooker_effects():
    result = totals(
        SMALL.replace({**CLEAN, "response.visibility": 0.0, "response.ignored_penalty": 0.5}),
        "loyalty_change_onlookers",
        "onlookers_reached",
    )
    assert result == {"loyalty_change_onlookers": 0.0, "onlookers_reached": 0.0}
    seen = totals(SMALL.replace(CLEAN), "loyalty_change_onlookers")
    assert seen["loyalty_change_onlookers"] > 0


def test_private_replies_have_no_onlookers():
    result = totals(
        SMALL.replace({**CLEAN, "policy.channel": "private"}), "loyalty_change_onlookers"
    )
    assert result["loyalty_change_onlookers"] == 0.0


def test_stronger_identification_strengthens_spillover():
    weak = totals(
        SMALL.replace({**CLEAN, "identification.cross_segment": 0.0}), "loyalty_change_onlookers"
    )
    strong = totals(
        SMALL.replace({**CLEAN, "identification.cross_segment": 1.0}), "loyalty_change_onlookers"
    )
    # four equal segments: full identification across them roughly quadruples what is felt
    ratio = strong["loyalty_change_onlookers"] / weak["loyalty_change_onlookers"]
    assert 2.5 < ratio < 5.5


def test_amplifying_reaches_identified_people_beyond_ties():
    plain = totals(SMALL.replace({**CLEAN, "policy.name": "positives-only"}), "onlookers_reached")
    amplified = totals(SMALL.replace({**CLEAN, "policy.name": "amplify"}), "onlookers_reached")
    assert amplified["onlookers_reached"] > plain["onlookers_reached"] + 100


def test_faster_responses_give_larger_loyalty_gains():
    slow = SMALL.replace({**CLEAN, "team.hours_per_day": 2.0, "team.start_hour": 20.0})
    fast = SMALL.replace(
        {**CLEAN, "team.hours_per_day": 24.0, "team.start_hour": 0.0, "team.staff": 4}
    )
    columns = (
        "loyalty_change_authors",
        "responses_complaint",
        "responses_praise",
        "responses_need",
    )
    per_reply = {}
    for name, scenario in (("slow", slow), ("fast", fast)):
        t = totals(scenario, *columns)
        per_reply[name] = t["loyalty_change_authors"] / sum(t[c] for c in columns[1:])
    assert median_over_days(fast, "response_time_median") < median_over_days(
        slow, "response_time_median"
    )
    assert per_reply["fast"] > 2 * per_reply["slow"]


def test_speed_factor_decays_to_its_floor():
    from socialsim.brand.response import speed_factor

    params = ResponseParams(speed_hours=0.5, speed_floor=0.2)
    values = speed_factor(np.array([0.0, 0.5, 100.0]), params)
    np.testing.assert_allclose(values, [1.0, 0.2 + 0.8 * np.exp(-1), 0.2])


def test_answered_complainers_complain_more_the_squeaky_wheel():
    scenario = SMALL.replace({**CLEAN, "run.days": 60, "experiences.bad_rate": 0.02})
    quiet = totals(scenario.replace({"response.squeaky_wheel": 0.0}), "complaints")
    # A strong wheel: about 18% more complaints, against a spread of about 3% over 3 runs.
    squeaky = totals(scenario.replace({"response.squeaky_wheel": 4.0}), "complaints")
    assert squeaky["complaints"] > 1.1 * quiet["complaints"]
    model = EngagementModel(scenario, rng=1)
    model.run()
    answered = model.population.responses_received > 0
    assert model.population.complaint_propensity[answered].max() > 1
    assert np.all(model.population.complaint_propensity[~answered] == 1)


def test_unsolicited_contact_raises_backlash():
    results = [
        totals(SMALL.replace({"policy.unsolicited_per_day": k}), "proactive_contacts", "backlash")
        for k in (0, 10, 40)
    ]
    assert [r["proactive_contacts"] for r in results] == [0, 10 * 40, 40 * 40]
    backlash = [r["backlash"] for r in results]
    assert backlash[0] == 0 < backlash[1] < backlash[2]
    # repeated contact compounds: the backlash rate per contact grows with volume
    assert backlash[2] / 1600 > backlash[1] / 400


@pytest.mark.parametrize("heard", [True, False])
def test_outreach_skips_the_needs_the_brand_saw_and_only_those(heard):
    """Contacts go to fans who asked for nothing as far as the brand can see: a need its
    listening missed is unknown to it, so its author can be contacted that day."""
    listening = {"listening.recall": 1.0 if heard else 0.0, "listening.label_accuracy": 1.0}
    scenario = SMALL.replace(
        {**listening, "listening.false_positive_rate": 0.0, "experiences.need_rate": 0.05}
    )
    # a team large enough to contact every fan: nobody is left out by chance
    everyone = {"team.staff": 50, "policy.unsolicited_per_day": 2_000}
    model = EngagementModel(scenario.replace(everyone), rng=3)
    contacted_needing = 0
    for _ in range(5):
        before = model.population.unsolicited_received.copy()
        model.step()
        contacted = model.population.unsolicited_received > before
        needing = model.posts.of_kind(PostKind.NEED)
        needing = needing[model.population.fans[needing]]
        assert needing.size  # fans posted needs today
        contacted_needing += int(contacted[needing].sum())
        assert model.today["proactive_contacts"] == contacted.sum()
        assert contacted[model.population.fans].mean() > 0.9  # nearly every fan
    if heard:
        assert contacted_needing == 0
    else:
        assert contacted_needing > 0


def test_answering_a_prospects_need_can_win_a_fan():
    result = totals(
        SMALL.replace({"policy.name": "proactive", "response.need_conversion": 1.0}),
        "new_fans_answered",
    )
    assert result["new_fans_answered"] > 0
    none = totals(
        SMALL.replace({"policy.name": "ignore", "response.need_conversion": 1.0}),
        "new_fans_answered",
    )
    assert none["new_fans_answered"] == 0


def test_staff_cost_is_hours_times_rate():
    team = {"team.staff": 3, "team.hourly_cost": 40.0, "team.experts": 0}
    model = EngagementModel(SMALL.replace(team), rng=1)
    model.step()
    assert model.today["staff_cost"] == 3 * 8 * 40.0
