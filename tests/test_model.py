"""The Mesa model: reproducibility, KPI bookkeeping, and each process acting in its direction."""

from __future__ import annotations

import multiprocessing
import warnings

import mesa
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from socialsim import KPIS, ConfigError, EngagementModel, Scenario, Status
from socialsim import model as model_module
from socialsim.day import Day, phase
from socialsim.kpis import BRAND_KPIS, FLOW_KPIS
from socialsim.model import PHASES
from socialsim.network.graph import SocialGraph
from socialsim.population import PROMOTER

SMALL = Scenario().replace({"graph.n": 2000, "run.days": 60})


def run(scenario: Scenario = SMALL, rng=1, **kwargs) -> EngagementModel:
    model = EngagementModel(scenario, rng=rng, **kwargs)
    model.run()
    return model


def kpis_in_subprocess(seed: int) -> pd.DataFrame:
    return run(rng=seed).kpis()


def test_is_a_mesa_model_with_a_datacollector():
    model = EngagementModel(SMALL, rng=3)
    assert isinstance(model, mesa.Model)
    assert isinstance(model.datacollector, mesa.DataCollector)
    model.step()
    assert model.steps == 1 and model.day == 1
    assert set(KPIS) <= set(model.datacollector.get_model_vars_dataframe().columns)


def test_the_daily_record_holds_what_mesas_own_collect_would():
    # The model fills its DataCollector without Mesa's reporter calls; Mesa's collect, run
    # beside it on the same days, must record the same values, types and collection times
    # (which mesa.batch_run reads).
    model = EngagementModel(SMALL.replace({"run.days": 5}), rng=3)
    plain = mesa.DataCollector(model_reporters=model.datacollector.model_reporters)
    plain.collect(model)
    ours = model.datacollector
    for day in range(1, 6):
        model.step()
        plain.collect(model)
        if day == 2:  # read on the way: the days kept so far join its columns, later ones too
            assert len(ours.model_vars["fans"]) == 3
    assert ours._collection_steps == plain._collection_steps == [0, 1, 2, 3, 4, 5]
    assert list(ours.model_vars) == list(plain.model_vars)
    for name, values in plain.model_vars.items():
        assert ours.model_vars[name] == values, name
        assert [type(v) for v in ours.model_vars[name]] == [type(v) for v in values], name
    pd.testing.assert_frame_equal(ours.get_model_vars_dataframe(), plain.get_model_vars_dataframe())
    # kpis() builds its frame from numpy columns: the same frame as Mesa's, seed out, day in.
    mesas = plain.get_model_vars_dataframe().drop(columns="seed")
    mesas.insert(0, "day", np.arange(6))
    pd.testing.assert_frame_equal(model.kpis(), mesas, check_exact=True)


def test_run_steps_the_days_as_step_does_with_or_without_a_progress_bar():
    small = SMALL.replace({"graph.n": 300, "run.days": 6})
    stepped = EngagementModel(small, rng=5)
    for _ in range(6):
        stepped.step()
    ran, shown = EngagementModel(small, rng=5), EngagementModel(small, rng=5)
    ran.run(days=2)
    ran.run()  # the rest of the horizon
    shown.run(progress=True)
    for model in (ran, shown):
        assert model.day == 6 and model.time == 6 and not model.running
        assert model.datacollector._collection_steps == [0, 1, 2, 3, 4, 5, 6]
        pd.testing.assert_frame_equal(model.kpis(), stepped.kpis())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Mesa warns of a clock asked to stand still
        ran.run()  # nothing left: no day, no warning
    assert ran.day == 6
    for bad in (2.5, -1):  # whole days only: Mesa's clock would stop mid-day
        with pytest.raises(
            ConfigError, match=rf"The 'days' parameter must be an int >= 0\. Got {bad}"
        ):
            ran.run(days=bad)
    assert ran.day == 6 and ran.time == 6


@pytest.mark.slow
def test_same_seed_same_numbers_even_in_another_process():
    first = run(rng=11).kpis()
    pd.testing.assert_frame_equal(first, run(rng=11).kpis())
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        elsewhere = pool.apply(kpis_in_subprocess, (11,))
    pd.testing.assert_frame_equal(first, elsewhere)


def test_scenario_seed_is_the_default_root_and_different_seeds_differ():
    model = EngagementModel(SMALL.replace({"run.seed": 5}))
    model.run()
    assert model.seed == 5 and model.kpis().equals(run(rng=5).kpis())
    assert not run(rng=5).kpis().equals(run(rng=6).kpis())


def test_rng_none_draws_a_fresh_seed_that_is_recorded_and_repeats_the_run():
    tiny = SMALL.replace({"graph.n": 300, "run.days": 5})
    first, second = run(tiny, rng=None), run(tiny, rng=None)
    assert first.seed != second.seed
    assert not first.kpis().equals(second.kpis())
    recorded = first.datacollector.get_model_vars_dataframe()["seed"]
    assert (recorded == first.seed).all()
    pd.testing.assert_frame_equal(run(tiny, rng=int(recorded.iloc[-1])).kpis(), first.kpis())
    assert "seed" not in first.kpis()  # a run's seed is not a KPI


@pytest.mark.parametrize("seed", [2**63, 2**70, -1, np.int64(-1)])
def test_an_int_rng_outside_the_range_of_run_seed_is_refused_before_the_run(seed):
    with pytest.raises(
        ConfigError,
        match=r"^The 'rng' parameter must be an int in \[0, 9223372036854775807\], a numpy",
    ):
        EngagementModel(SMALL, rng=seed)
    assert EngagementModel(SMALL.replace({"graph.n": 300}), rng=2**63 - 1).seed == 2**63 - 1


@pytest.mark.parametrize("fresh", [np.random.SeedSequence, np.random.default_rng])
def test_a_seed_sequence_or_generator_beyond_63_bits_is_recorded_and_repeats(fresh):
    tiny = SMALL.replace({"graph.n": 300, "run.days": 3})
    first = run(tiny, rng=fresh())
    assert first.seed >= 2**63  # fresh entropy is 128 bits: below 2**63 by odds of 2**-65
    recorded = first.datacollector.get_model_vars_dataframe()["seed"]
    assert (recorded == first.seed).all()
    again = run(tiny, rng=np.random.SeedSequence(first.seed))
    pd.testing.assert_frame_equal(again.kpis(), first.kpis())
    pd.testing.assert_series_equal(first.kpis().dtypes, run(tiny, rng=1).kpis().dtypes)


@pytest.mark.filterwarnings("ignore:The `iterations` keyword argument is deprecated")
def test_mesa_batch_run_iterations_are_independent_replicates():
    tiny = SMALL.replace({"graph.n": 300})
    rows = pd.DataFrame(
        mesa.batch_run(
            EngagementModel,
            {"scenario": tiny},
            iterations=3,
            max_steps=5,
            data_collection_period=-1,
            display_progress=False,
        )
    )
    assert rows["seed"].nunique() == 3
    assert rows["mean_loyalty"].nunique() == 3
    again = run(tiny.replace({"run.days": 5}), rng=int(rows["seed"].iloc[1])).kpis().iloc[-1]
    assert again["mean_loyalty"] == rows["mean_loyalty"].iloc[1]


def test_replicates_from_spawned_sequences_differ_but_reproduce():
    children = np.random.SeedSequence(2026).spawn(2)
    a, b = (run(rng=child).kpis() for child in children)
    assert not a.equals(b)
    again = run(rng=np.random.SeedSequence(2026).spawn(2)[0]).kpis()
    pd.testing.assert_frame_equal(a, again)


def test_the_graph_is_drawn_from_the_seed():
    a, b = EngagementModel(SMALL, rng=4), EngagementModel(SMALL, rng=4)
    np.testing.assert_array_equal(a.graph.indices, b.graph.indices)
    c = EngagementModel(SMALL, rng=5)
    assert not np.array_equal(a.graph.indices, c.graph.indices)


def test_kpis_are_tidy_and_consistent_with_the_fans():
    model = run()
    kpis = model.kpis()
    assert list(kpis["day"]) == list(range(SMALL.run.days + 1))
    assert (kpis["fans"] + kpis["prospects"] + kpis["churned"] == SMALL.graph.n).all()
    assert (kpis["promoters"] + kpis["passives"] + kpis["detractors"] == kpis["fans"]).all()
    expected_nps = 100 * (kpis["promoters"] - kpis["detractors"]) / kpis["fans"]
    np.testing.assert_allclose(kpis["nps"], expected_nps)
    # stocks change only through the recorded flows
    joined = kpis["new_fans_referred"] + kpis["new_fans_external"] + kpis["new_fans_answered"]
    flows = joined - kpis["churned_today"]
    np.testing.assert_array_equal(kpis["fans"].diff().iloc[1:], flows.iloc[1:])
    np.testing.assert_array_equal(kpis["churned"].diff().iloc[1:], kpis["churned_today"].iloc[1:])
    fans = model.fans()
    last = kpis.iloc[-1]
    assert (fans["status"] == "fan").sum() == last["fans"]
    assert (fans["category"] == "promoter").sum() == last["promoters"]
    posted = kpis[["complaints", "reshares", "praise", "needs"]].sum().sum()
    assert fans["posts_made"].sum() == posted


def test_networkx_graph_in_node_labels_out():
    graph = nx.relabel_nodes(nx.karate_club_graph(), lambda v: f"member-{v}")
    model = EngagementModel(SMALL, rng=1, graph=graph)
    model.run(days=3)
    fans = model.fans()
    assert fans.index[0] == "member-0" and len(fans) == 34
    assert fans.loc["member-0", "audience"] == graph.degree("member-0")


def test_overrides_by_dotted_key_as_mesa_batch_run_passes_them():
    model = EngagementModel(SMALL, rng=1, **{"wom.negativity": 3.0})
    assert model.scenario.wom.negativity == 3.0


def test_rejects_a_graph_of_the_wrong_type():
    with pytest.raises(TypeError, match="The 'graph' parameter must be"):
        EngagementModel(SMALL, rng=1, graph=[(0, 1)])


# --------------------------------------------------------------------- the phase contract
# Every part of the brand at work: all kinds answered publicly and amplified, compensation,
# outreach and brand content (0.8 of the team's 8 hours: 1 of its 24 slots is left for
# replies, so posts are dropped), and mislabelled posts.
BUSY = SMALL.replace(
    {
        "graph.n": 1000,
        "experiences.bad_rate": 0.03,
        "policy.amplify": True,
        "policy.compensate": True,
        "policy.unsolicited_per_day": 3,
        "policy.broadcast_share": 0.8,
        "team.staff": 1,
        "team.reply_minutes": 20.0,
        "team.max_wait_hours": 12.0,
        "listening.false_positive_rate": 0.3,
        "listening.label_accuracy": 0.7,
    }
)
# Nothing happens to anyone: every phase takes its shortest path.
QUIET = SMALL.replace(
    {
        "graph.n": 300,
        "experiences.good_rate": 0.0,
        "experiences.bad_rate": 0.0,
        "experiences.need_rate": 0.0,
        "wom.effect": 0.0,
    }
)


def phase_counts(scenario: Scenario, days: int) -> list[dict[str, dict[str, float]]]:
    """Each day, what each phase returned, run by hand on the model's own streams."""
    model = EngagementModel(scenario, rng=3)
    out = []
    for t in range(1, days + 1):
        day = Day(t, model.scenario, model.graph, model.population, model.brand)
        out.append({p.name: p(day, model.streams[p.name]) for p in PHASES})
    return out


def test_each_phase_returns_exactly_the_kpis_it_declares_with_stable_types():
    busy, quiet = phase_counts(BUSY, 10), phase_counts(QUIET, 2)
    for p in PHASES:
        for returned in [*busy, *quiet]:
            assert list(returned[p.name]) == list(p.kpis), p.name
        for kpi in p.kpis:  # a quiet day's shortcut gives the full path's types
            assert {type(d[p.name][kpi]) for d in [*busy, *quiet]} in ({int}, {float}), kpi
    # the busy scenario does reach every part of the brand's day
    totals = {k: sum(d[p.name][k] for d in busy for p in PHASES if k in p.kpis) for k in BRAND_KPIS}
    assert all(totals[k] > 0 for k in ("missed", "botched", "backlash", "broadcasts"))


def test_the_phases_declare_every_flow_and_brand_kpi_once_and_have_distinct_names():
    declared = [kpi for p in PHASES for kpi in p.kpis]
    assert len(declared) == len(set(declared))
    assert set(declared) == set(FLOW_KPIS) | set(BRAND_KPIS)
    assert len({p.name for p in PHASES}) == len(PHASES)


def test_a_step_is_the_phases_in_order():
    by_hand = phase_counts(BUSY, 1)[0]
    model = EngagementModel(BUSY, rng=3)
    model.step()
    for p in PHASES:
        assert {k: model.today[k] for k in p.kpis} == pytest.approx(by_hand[p.name], nan_ok=True)


def test_the_brand_holds_no_model():
    model = EngagementModel(QUIET, rng=1)
    reachable = [*vars(model.brand).values(), *vars(model.brand.team).values()]
    assert not any(isinstance(value, mesa.Model) for value in reachable)


@phase("greedy")
def greedy(day: Day, rng: np.random.Generator) -> dict[str, float]:
    """A new phase that draws a lot and changes nothing."""
    rng.random(10_000)
    return {}


def test_a_new_phase_or_new_draws_leave_every_other_phase_unchanged(monkeypatch):
    before = run(BUSY, rng=8).kpis()
    # a phase added first, whose stream comes from its name
    monkeypatch.setattr(model_module, "PHASES", (greedy, *PHASES))
    pd.testing.assert_frame_equal(run(BUSY, rng=8).kpis(), before)
    # and extra draws inside an existing phase that draws nothing of its own (in one that
    # does, they would move its later draws, and what they decide: the triage's stand-in
    # authors, whom outreach leaves out); the next day, every phase draws as before
    costs = next(p for p in PHASES if p.name == "costs")

    @phase("costs")
    def drawing_costs(day, rng):
        rng.random(1_000)
        return costs(day, rng)

    phases = tuple(drawing_costs if p is costs else p for p in PHASES)
    monkeypatch.setattr(model_module, "PHASES", phases)
    pd.testing.assert_frame_equal(run(BUSY, rng=8).kpis(), before)


def test_strategies_share_the_graph_the_population_and_the_fans_first_day():
    answer_all, ignore = (
        EngagementModel(BUSY.replace({"policy.name": name}), rng=4)
        for name in ("respond-all", "ignore")
    )
    np.testing.assert_array_equal(answer_all.graph.indices, ignore.graph.indices)
    np.testing.assert_array_equal(answer_all.population.loyalty, ignore.population.loyalty)
    answer_all.step()
    ignore.step()
    # the brand acts after the day's experiences, so those are the same draws
    for kpi in ("good_experiences", "bad_experiences", "complaints", "praise", "needs"):
        assert answer_all.today[kpi] == ignore.today[kpi]


# --------------------------------------------------------------------- directions of effect
REPLICATES = np.random.SeedSequence(99).spawn(4)


def mean_final(scenario: Scenario, column: str) -> float:
    return float(np.mean([run(scenario, rng=r).kpis()[column].iloc[-1] for r in REPLICATES]))


def test_bad_experiences_lower_nps_and_raise_churn():
    worse = SMALL.replace({"experiences.bad_rate": 0.03})
    assert mean_final(worse, "nps") < mean_final(SMALL, "nps") - 5
    assert mean_final(worse, "churned") > mean_final(SMALL, "churned")


def test_negativity_weight_lowers_loyalty():
    heavy = SMALL.replace({"wom.negativity": 5.0})
    assert mean_final(heavy, "mean_loyalty") < mean_final(SMALL, "mean_loyalty")


def test_more_persuasive_advocates_recruit_more():
    persuasive = SMALL.replace({"recruitment.q": 0.2})
    assert mean_final(persuasive, "fans") > mean_final(SMALL, "fans") + 50


def test_advocates_defend_and_defence_softens_complaints():
    no_defence = SMALL.replace({"advocacy.defend_prob": 0.0})
    defended = SMALL.replace({"advocacy.defend_prob": 1.0, "advocacy.defence_dampening": 1.0})
    assert run(no_defence).kpis()["defences"].sum() == 0
    assert run(defended).kpis()["defences"].sum() > 0

    # Everyone who hears complaints, prospects included: the fans' mean also moves with who
    # joins (more advocates recruit more prospects, who join with a prospect's attitude).
    def mean_listening(scenario: Scenario) -> float:
        pops = [run(scenario, rng=r).population for r in REPLICATES]
        return float(np.mean([pop.loyalty[pop.listening].mean() for pop in pops]))

    assert mean_listening(defended) > mean_listening(no_defence)


def test_loyalty_swings_fast_then_fades_back():
    scenario = SMALL.replace(
        {
            "experiences.good_rate": 0.0,
            "experiences.bad_rate": 0.0,
            "wom.effect": 0.0,
            "experiences.need_rate": 0.0,
            "loyalty.baseline_learning": 0.0,
        }
    )
    model = EngagementModel(scenario, rng=1)
    pop = model.population
    before = pop.loyalty.copy()
    pop.loyalty[:] = np.maximum(before - 5, 0)  # a shock: advocates become detractors at once
    model.run(days=int(3 * scenario.loyalty.memory_days))
    listening = pop.listening
    gap = np.abs(pop.loyalty - before)[listening]
    assert gap.max() < 5 * np.exp(-3) + 1e-6


def test_churned_fans_stop_listening():
    model = EngagementModel(SMALL, rng=1)
    model.population.status[:] = Status.CHURNED
    model.population.churn_day[:] = 0
    frozen = model.population.loyalty.copy()
    model.run(days=5)
    np.testing.assert_array_equal(model.population.loyalty, frozen)
    assert model.kpis()["wom_negative"].iloc[1:].sum() > 0  # but the bitter ones still talk


def test_promoter_cut_off_matches_nps_definition():
    graph = SocialGraph.from_edges([0], [1], n_nodes=3, directed=False)
    model = EngagementModel(SMALL, rng=1, graph=graph)
    model.population.status[:] = Status.FAN
    model.population.loyalty[:] = [PROMOTER, PROMOTER - 1e-9, 6.99]
    model._record({})
    assert (model.today["promoters"], model.today["passives"], model.today["detractors"]) == (
        1,
        1,
        1,
    )
