"""The special cases in which the model reduces to a canonical diffusion model.

With every process but recruitment switched off and every fan an advocate for good, each
recruitment rule becomes the model it generalises: ``"bass"`` on a complete graph is the
discrete-time Bass (1969) model, ``"independent_cascade"`` with ``one_chance`` the
independent cascade of Kempe, Kleinberg & Tardos (2003), and ``"threshold"`` the fractional
threshold model of Watts (2002). Checking a model against the equations it generalises is
what Rand & Rust (2011) call docking; ``docs/validation.md`` shows each check.

Examples
--------
>>> import networkx as nx
>>> from socialsim.network.graph import SocialGraph
>>> scenario = canonical_scenario("independent_cascade", {"recruitment.q": 1.0})
>>> path = SocialGraph.from_networkx(nx.path_graph(5))
>>> model = seeded_model(scenario, path, seeds=[0], rng=1)
>>> model.run(days=10)
>>> int(model.population.fans.sum())  # q = 1: the seed's whole component
5
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from socialsim.model import EngagementModel
from socialsim.network.graph import SocialGraph
from socialsim.scenario import Scenario

__all__ = ["ONLY_RECRUITMENT", "canonical_scenario", "seeded_model"]

ONLY_RECRUITMENT: dict[str, Any] = {
    # No initial fans: the caller seeds them (seeded_model).
    "population.initial_fan_share": 0.0,
    # Everyone at loyalty 10 with nothing to move it: every fan is an advocate for good.
    "population.loyalty_mean": 10.0,
    "population.loyalty_sd": 0.0,
    "relationship.prospect_loyalty_mean": 10.0,
    "relationship.prospect_loyalty_sd": 0.0,
    "experiences.good_rate": 0.0,
    "experiences.bad_rate": 0.0,
    "experiences.need_rate": 0.0,
    "wom.effect": 0.0,
    # Every advocate talks, and so recommends, every day.
    "wom.promoter_rate": 1.0,
    "churn.base_rate": 0.0,
    "recruitment.spontaneous_rate": 0.0,
}
"""Scenario overrides that switch off every process but recruitment."""


def canonical_scenario(rule: str, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """The default scenario reduced to one canonical recruitment rule.

    Parameters
    ----------
    rule : {"bass", "independent_cascade", "threshold"}
        The recruitment rule; the cascade also gets ``recruitment.one_chance = true``, so that
        each advocate has one chance to convert each neighbour.
    overrides : mapping, optional
        Further changes by dotted key (``recruitment.q``, ``recruitment.threshold`` ...).

    Returns
    -------
    Scenario

    Examples
    --------
    >>> canonical_scenario("bass", {"recruitment.q": 0.38}).recruitment.q
    0.38
    """
    cascade = {"recruitment.one_chance": True} if rule == "independent_cascade" else {}
    return Scenario().replace(
        {**ONLY_RECRUITMENT, "recruitment.rule": rule, **cascade, **(overrides or {})}
    )


def seeded_model(
    scenario: Scenario,
    graph: SocialGraph | nx.Graph,
    seeds: Sequence[int],
    rng: Any,
) -> EngagementModel:
    """A model on ``graph`` whose only fans are ``seeds``.

    The seeds are set after the model is built, so the KPI row of day 0 does not show them:
    compare from day 1 on.
    """
    model = EngagementModel(scenario, rng=rng, graph=graph)
    model.population.join(list(seeds), 0)
    return model
