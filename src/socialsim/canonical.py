"""The special cases in which the model reduces to a canonical diffusion model.

With every process but recruitment switched off and every fan an advocate for good, each
recruitment rule becomes the model it generalises: ``"bass"`` on a complete graph is the
discrete-time Bass (1969) model, ``"independent_cascade"`` with ``one_chance`` the
independent cascade of Kempe, Kleinberg & Tardos (2003), and ``"threshold"`` the fractional
threshold model of Watts (2002). Checking a model against the equations it generalises is
what Rand & Rust (2011) call docking; ``docs/validation.md`` shows each check.

The shares of a brand post are a cascade too: with everyone alike and nothing else going on
(:data:`SHARES_ONLY`), each share reaches a viewer with probability ``response.visibility``
``ν``, who shares on with probability ``p``, a branching process of transmission ``T = ν p``
whose expected size from ``S₀`` first sharers is ``S₀ · cascade_factor(graph, T)``.

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
import numpy as np

from socialsim.model import EngagementModel
from socialsim.network.graph import SocialGraph
from socialsim.scenario import Scenario

__all__ = [
    "ONLY_RECRUITMENT",
    "QUIET_FANS",
    "SHARES_ONLY",
    "canonical_scenario",
    "cascade_factor",
    "seeded_model",
]

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

QUIET_FANS: dict[str, Any] = {
    "experiences.good_rate": 0.0,
    "experiences.bad_rate": 0.0,
    "experiences.need_rate": 0.0,
    "wom.effect": 0.0,
    "recruitment.q": 0.0,
    "recruitment.spontaneous_rate": 0.0,
}
"""Scenario overrides under which nothing but the brand moves anyone, and no one joins."""

SHARES_ONLY: dict[str, Any] = {
    # Everyone a fan at loyalty 10, of the same activity and depth: every reached person shares
    # with the same probability, content.share_rate (set by the caller, with content.reach).
    "population.initial_fan_share": 1.0,
    "population.loyalty_mean": 10.0,
    "population.loyalty_sd": 0.0,
    "population.activity_sigma": 0.0,
    "relationship.initial_depth": 0.0,
    "content.relevance": 1.0,
    "content.wearout_exposures": 1e12,  # no wear-out
    "content.advocate_share": 1.0,
    "content.like_rate": 0.0,
    "content.comment_rate": 0.0,
} | QUIET_FANS
"""Scenario overrides under which the shares of a brand post are a branching process."""


def cascade_factor(graph: SocialGraph, transmission: float) -> float:
    """Expected cascade size over its first generation, ``1 + T⟨k⟩ / (1 − T κ)`` with
    ``κ = (⟨k²⟩ − ⟨k⟩) / ⟨k⟩`` of the out-degrees: a subcritical branching process on an
    uncorrelated graph (``T κ < 1``).

    >>> ring = SocialGraph.from_networkx(nx.cycle_graph(10))
    >>> cascade_factor(ring, 0.5)  # <k> = 2, kappa = 1
    3.0
    """
    k = graph.out_degree.astype(float)
    kappa = (np.mean(k**2) - np.mean(k)) / np.mean(k)
    return float(1 + transmission * np.mean(k) / (1 - transmission * kappa))


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
