"""Churn: fans leave with a daily probability that grows as loyalty falls.

``P(churn today) = base_rate · exp(sensitivity · (reference_loyalty − L))``: ``base_rate`` at
the reference loyalty (a passive, 7), about ``e^{3.5} ≈ 33`` times higher at loyalty 0 with the
default sensitivity. Scenario validation guarantees this stays a probability. A deeper
relationship protects: the hazard ``h(P)`` is multiplied by ``1 − relationship.churn_protection
· depth`` (:mod:`socialsim.fans.depth`). A churned fan stops buying and listening, and for
``churn.bitter_days`` may keep talking negatively (:mod:`socialsim.fans.word_of_mouth`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.chance import hazard
from socialsim.day import Counts, phase
from socialsim.population import Status
from socialsim.scenario import ChurnParams

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["churn", "churn_probability"]


def churn_probability(loyalty: np.ndarray, params: ChurnParams) -> np.ndarray:
    """Daily churn probability at each loyalty.

    >>> from socialsim.scenario import ChurnParams
    >>> p = churn_probability(np.array([7.0, 0.0]), ChurnParams())
    >>> round(float(p[0]), 6), bool(p[1] > 30 * p[0])
    (0.0004, True)
    """
    return params.base_rate * np.exp(params.sensitivity * (params.reference_loyalty - loyalty))


@phase("churn", kpis=("churned_today",))
def churn(day: Day, rng: np.random.Generator) -> Counts:
    """Today's leavers churn."""
    pop, params = day.population, day.scenario.churn
    # Only fans drawn at the highest possible probability (at loyalty 0) can churn; whether
    # they do is worked out for those few alone.
    highest = float(churn_probability(np.zeros(1), params)[0])
    candidates, e = pop.anyone.draw(hazard(highest), seed=rng)
    fan = pop.status[candidates] == Status.FAN
    candidates, e = candidates[fan], e[fan]
    chance = hazard(churn_probability(pop.loyalty[candidates], params))
    if pop.max_depth > 0.0:  # depth lowers the hazard, so the bound above holds for everyone
        chance *= 1.0 - day.scenario.relationship.churn_protection * pop.depth[candidates]
    leaving = candidates[e < chance]
    pop.status[leaving] = Status.CHURNED
    pop.churn_day[leaving] = day.t
    return {"churned_today": int(leaving.size)}
