"""Robust comparison: every parameter's role, plausible worlds, win shares, regret, what flips
the answer, and the robust study on the runner (deterministic, resumable)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from socialsim import ConfigError, Scenario
from socialsim.assumptions import Fixed, Lever, LogUniform, Triangular, Uniform, role
from socialsim.cli import main
from socialsim.scenario import GRAPH_KINDS, PARAMETERS
from socialsim.studies.worlds import draw_worlds, varied

PRIORS = Uniform | LogUniform | Triangular


# ---------------------------------------------------------------------- roles and priors
def test_every_parameter_is_an_assumption_with_a_prior_a_lever_or_fixed_with_a_reason():
    undeclared = [key for key in PARAMETERS if role(key) is None]
    assert not undeclared, (
        f"{undeclared} declare no role. Give each param() one: prior=Uniform(low, high, why), "
        "Triangular(...) or LogUniform(...) for an assumption or estimate (why: the range's "
        "source), LEVER or Lever(why) for a decision of the brand, or Fixed(reason). A robust "
        "comparison samples the priors; see docs/robustness.md."
    )
    for key in PARAMETERS:
        found = role(key)
        if isinstance(found, Fixed):
            assert found.reason.strip(), key
        if isinstance(found, PRIORS):
            assert found.why.strip(), f"{key}: say where the prior's range comes from"


def test_the_brands_decisions_are_levers_and_never_sampled():
    for key in ("team.staff", "listening.recall", "policy.order", "run.days", "graph.n"):
        assert isinstance(role(key), Lever), key
    assert not {k for k in varied(Scenario()) if isinstance(role(k), Lever | Fixed)}


def test_priors_fit_their_constraints_and_hold_the_default():
    defaults = Scenario().flat()
    for key, declaration in PARAMETERS.items():
        prior = role(key)
        if not isinstance(prior, PRIORS):
            continue
        constraint = declaration.metadata["constraint"]
        for end in (prior.low, prior.high):  # the ends are values the scenario accepts
            constraint.check(key, int(end) if constraint.integer else end)
        assert prior.low <= defaults[key] <= prior.high, f"{key}'s default is not plausible"
        if prior.only_if is not None:
            assert prior.only_if[0] in PARAMETERS and set(prior.only_if[1]) <= set(
                PARAMETERS[prior.only_if[0]].metadata["constraint"].values
            ), key


@pytest.mark.parametrize("kind", [k for k in GRAPH_KINDS if k != "file"])
def test_every_drawn_world_and_both_corners_are_valid_scenarios(kind):
    base = Scenario().replace({"graph.kind": kind})
    keys = varied(base)
    for corner in ("low", "high"):
        base.replace({k: _at(k, getattr(p, corner)) for k, p in keys.items()})
    worlds = draw_worlds(base, 32, seed=7)
    for row in worlds.values.to_dict("records"):
        base.replace(row)
    if kind == "watts_strogatz":
        assert (worlds.values["graph.k"] % 2 == 0).all()


def _at(key: str, value: float) -> float | int:
    return int(value) if PARAMETERS[key].metadata["constraint"].integer else value


@pytest.mark.slow
@pytest.mark.parametrize("corner", ["low", "high"])
def test_the_model_runs_at_the_corners_of_the_priors(corner):
    from socialsim import EngagementModel

    base = Scenario().replace({"graph.n": 300, "run.days": 20, "policy.name": "proactive"})
    world = {k: _at(k, getattr(p, corner)) for k, p in varied(base).items()}
    model = EngagementModel(base.replace(world), rng=3)
    model.run()
    assert np.isfinite(model.kpis()["nps"]).all()


def test_parameters_command_says_which_is_which():
    result = CliRunner().invoke(main, ["parameters", "response.speed"])
    assert result.exit_code == 0
    assert "assumption: log-uniform on [0.25, 6]; references-brand.md §1" in result.output
    levers = CliRunner().invoke(main, ["parameters", "--role", "lever"]).output
    assert "team.staff = 2" in levers and "wom.negativity" not in levers
    fixed = CliRunner().invoke(main, ["parameters", "--role", "fixed"]).output
    assert "graph.path = ''" in fixed and "fixed: a file name" in fixed


# ---------------------------------------------------------------------- drawing worlds
def test_worlds_are_a_seeded_latin_hypercube_over_the_priors():
    a, b = draw_worlds(Scenario(), 20, seed=3), draw_worlds(Scenario(), 20, seed=3)
    pd.testing.assert_frame_equal(a.values, b.values)
    assert not a.values.equals(draw_worlds(Scenario(), 20, seed=4).values)
    # every one of the 20 equally likely strata of a prior holds exactly one world
    prior = role("wom.negativity")
    u = a.values["wom.negativity"].map(
        lambda x: (
            (x - prior.low) ** 2 / ((prior.high - prior.low) * (prior.mode - prior.low))
            if x <= prior.mode
            else 1 - (prior.high - x) ** 2 / ((prior.high - prior.low) * (prior.high - prior.mode))
        )
    )
    assert sorted(np.floor(u * 20).astype(int)) == list(range(20))
    log = np.log(a.values["response.speed_hours"] / 0.25) / np.log(6 / 0.25)
    assert sorted(np.floor(log * 20).astype(int)) == list(range(20))


def test_a_world_varies_only_what_the_scenario_reads_and_what_is_not_held():
    ba = varied(Scenario())
    assert "graph.m" in ba and "graph.k" not in ba and "recruitment.threshold" not in ba
    small_world = varied(Scenario().replace({"graph.kind": "watts_strogatz"}))
    assert "graph.k" in small_world and "graph.m" not in small_world
    assert "wom.negativity" not in varied(Scenario(), hold=["wom.negativity"])
    with pytest.raises(ConfigError, match="'hold' parameter .* Got 'wom.negatvity'.*Did you"):
        varied(Scenario(), hold=["wom.negatvity"])
    with pytest.raises(ConfigError, match="It is fixed"):
        varied(Scenario(), hold=["graph.path"])
