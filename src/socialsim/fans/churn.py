"""Churn: fans leave with a daily probability that grows as loyalty falls.

``P(churn today) = base_rate · exp(sensitivity · (reference_loyalty − L))``: ``base_rate`` at
the reference loyalty (a passive, 7), about ``e^{3.5} ≈ 33`` times higher at loyalty 0 with the
default sensitivity. Scenario validation guarantees this stays a probability. A deeper
relationship protects: the hazard ``h(P)`` is multiplied by ``1 − relationship.churn_protection
· depth`` (:mod:`socialsim.fans.depth`). A churned fan stops buying and listening, and for
``churn.bitter_days`` may keep talking negatively (:mod:`socialsim.fans.word_of_mouth`).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from socialsim.chance import Events, arrivals_events, hazard
from socialsim.day import Counts, phase
from socialsim.kernels import njit, prefetch
from socialsim.population import CHURNED, FAN
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
    highest, minus_base_rate = _constants(params)
    drawn = churn_fans(
        pop.anyone.events(highest, seed=rng),
        pop.status,
        pop.loyalty,
        params.sensitivity,
        params.reference_loyalty,
    )
    # Their hazards, negated, in place: -hazard(p) = log1p(-p), and -p = (-base_rate) · exp(...)
    # (a negation is exact either side of a rounding); exp and log1p stay numpy's.
    chance = drawn[0]
    np.exp(chance, out=chance)
    np.multiply(chance, minus_base_rate, out=chance)
    if highest < math.inf:
        np.log1p(chance, out=chance)
    else:  # churn certain at loyalty 0: hazard inf, silently, as hazard() gives it (only then
        # is np.errstate, which costs more than the rest of this, needed)
        with np.errstate(divide="ignore"):
            np.log1p(chance, out=chance)
    # Depth lowers the hazard, so the bound above holds for everyone.
    protected = pop.max_depth > 0.0
    leaving = churn_leave(
        drawn,
        pop.depth,
        protected,
        float(day.scenario.relationship.churn_protection),
        pop.status,
        pop.churn_day,
        day.t,
    )
    return {"churned_today": leaving}


@lru_cache(maxsize=16)
def _constants(params: ChurnParams) -> tuple[float, np.ndarray]:
    """The hazard of churning at loyalty 0, the highest anyone has, and ``-base_rate`` as a
    0-d array: numpy multiplies by one in half the time it takes to convert a Python float
    (the product is the same)."""
    highest = hazard(float(churn_probability(np.zeros(1), params)[0]))
    minus_base_rate = np.array(-params.base_rate)
    minus_base_rate.flags.writeable = False  # shared by every day of every run
    return highest, minus_base_rate


# How many people ahead a loop over people asks for their entries (kernels.prefetch).
_AHEAD = 16


# The draw and two loops around numpy's exp and log1p in churn_probability and hazard (a
# compiled one may round differently), instead of a dozen numpy calls on a hundred people.
@njit(cache=True)
def churn_fans(
    events: Events,
    status: np.ndarray,
    loyalty: np.ndarray,
    sensitivity: float,
    reference_loyalty: float,
) -> np.ndarray:
    """The fans among the candidates of ``events`` (:meth:`~socialsim.chance.Arrivals.events`
    of everyone), drawn here, as rows of one array: the exponent of their churn probability,
    their ``E``, and the fans themselves (their indices, exact in a float64 below 2**53).

    Equal to ``candidates, e = anyone.draw(rate, seed=rng)`` (the events' rate and stream),
    ``fan = status[candidates] == FAN``, then the rows ``sensitivity * (reference_loyalty -
    loyalty[candidates[fan]])``, ``e[fan]`` and ``candidates[fan]``. One array, not three:
    numba hands each array it returns back to Python at about 0.4 µs.
    """
    candidates, e, _ = arrivals_events(events)
    drawn = np.empty((3, candidates.size))
    fans = 0
    for k in range(candidates.size):
        if k + _AHEAD < candidates.size:  # at a million people, each entry is a cache miss
            ahead = candidates[k + _AHEAD]
            prefetch(status, ahead)
            prefetch(loyalty, ahead)
        i = candidates[k]
        if status[i] == FAN:
            drawn[0, fans] = sensitivity * (reference_loyalty - loyalty[i])
            drawn[1, fans], drawn[2, fans] = e[k], i
            fans += 1
    return np.ascontiguousarray(drawn[:, :fans])


@njit(cache=True)
def churn_leave(
    drawn: np.ndarray,
    depth: np.ndarray,
    protected: bool,
    protection: float,
    status: np.ndarray,
    churn_day: np.ndarray,
    day: int,
) -> int:
    """The fans of ``drawn`` (:func:`churn_fans`'s rows, the first now their hazard negated,
    ``-chance``) whose ``E`` falls under their hazard churn on ``day``; how many. Equal to::

        minus_chance, e, fans = drawn[0], drawn[1], drawn[2].astype(np.int64)
        chance = -minus_chance
        if protected:
            chance *= 1.0 - protection * depth[fans]
        leaving = fans[e < chance]
        status[leaving], churn_day[leaving] = CHURNED, day
    """
    leaving = 0
    size = drawn.shape[1]
    for k in range(size):
        if protected and k + _AHEAD < size:
            prefetch(depth, int(drawn[2, k + _AHEAD]))
        i = int(drawn[2, k])
        chance = -drawn[0, k]
        rate = chance * (1.0 - protection * depth[i]) if protected else chance
        if drawn[1, k] < rate:
            status[i], churn_day[i] = CHURNED, day
            leaving += 1
    return leaving
