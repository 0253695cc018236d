"""The Mesa model: reproducibility, KPI bookkeeping, and each process acting in its direction."""

from __future__ import annotations

import multiprocessing

import mesa
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from socialsim import KPIS, EngagementModel, Scenario, Status
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


@pytest.mark.slow
def test_same_seed_same_numbers_even_in_another_process():
    first = run(rng=11).kpis()
    pd.testing.assert_frame_equal(first, run(rng=11).kpis())
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        elsewhere = pool.apply(kpis_in_subprocess, (11,))
    pd.testing.assert_frame_equal(first, elsewhere)


def test_scenario_seed_is_the_default_root_and_different_seeds_differ():
    assert run(SMALL.replace({"run.seed": 5}), rng=None).kpis().equals(run(rng=5).kpis())
    assert not run(rng=5).kpis().equals(run(rng=6).kpis())


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
    assert fans["posts_made"].sum() == kpis[["complaints", "praise", "needs"]].sum().sum()


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
    assert mean_final(defended, "mean_loyalty") > mean_final(no_defence, "mean_loyalty")


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
