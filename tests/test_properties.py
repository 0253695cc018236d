"""Invariants that hold for any valid scenario (property-based, with hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialsim import EngagementModel, Scenario
from socialsim.constraints import Interval, Options
from socialsim.scenario import PARAMETERS

# Parameters drawn from their declared ranges; the graph and horizon stay small so that each
# example runs in milliseconds.
FIXED = {"graph.n": 150, "run.days": 12, "graph.kind": "barabasi_albert", "graph.m": 3}
DRAWN = [
    key
    for key, f in PARAMETERS.items()
    if key not in FIXED
    and not key.startswith(("graph.", "run."))
    and isinstance(f.metadata["constraint"], Interval | Options)
]


def value_for(key: str):
    constraint = PARAMETERS[key].metadata["constraint"]
    if isinstance(constraint, Options):
        return st.sampled_from(constraint.values)
    low = constraint.low if constraint.low is not None else 0
    high = constraint.high if constraint.high is not None else low + 50
    if constraint.integer:
        return st.integers(int(low), int(min(high, low + 50)))
    return st.floats(low, high, exclude_min=constraint.closed in ("right", "neither"))


@st.composite
def scenarios(draw) -> Scenario:
    scenario = Scenario().replace(FIXED)
    for key in draw(st.lists(st.sampled_from(DRAWN), max_size=8, unique=True)):
        try:
            scenario = scenario.replace({key: draw(value_for(key))})
        except ValueError:  # a value another parameter rules out (e.g. good + bad rate > 1)
            continue
    return scenario


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_for_any_valid_scenario(scenario, seed):
    model = EngagementModel(scenario, rng=seed)
    model.run()
    pop, kpis = model.population, model.kpis()
    n = scenario.graph.n
    assert (kpis["fans"] + kpis["prospects"] + kpis["churned"] == n).all()
    assert np.all((pop.loyalty >= 0) & (pop.loyalty <= 10))
    assert np.all((pop.baseline >= 0) & (pop.baseline <= 10))
    assert not np.isnan(pop.loyalty).any()
    assert (kpis["promoters"] + kpis["passives"] + kpis["detractors"] == kpis["fans"]).all()
    assert kpis["nps"].between(-100, 100).all()
    with_fans = kpis["fans"] > 0
    # NaN: no replies, no brand posts
    defined = kpis.drop(columns=["response_time_median", "response_time_p90", "engagement_rate"])
    assert not defined.loc[with_fans].isna().any().any()
    replied = (
        kpis[["responses_complaint", "responses_praise", "responses_need", "botched"]].sum(axis=1)
        > 0
    )
    assert not kpis.loc[replied, "response_time_median"].isna().any()
    assert kpis["churned"].is_monotonic_increasing
    changes = [c for c in kpis if c.startswith("loyalty_change")]
    counts = kpis.drop(columns=["nps", "mean_loyalty", *changes])
    assert (counts.fillna(0) >= 0).all().all()
