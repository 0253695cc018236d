"""Word of mouth: fans talk about the brand to the people who see their posts.

Promoters talk positively, passives seldom and mildly, detractors negatively, and recently
churned fans may keep talking negatively for a while. A listener's loyalty moves by the sum of
what they hear, each message weighted by tie strength and by how much the listener identifies
with the talker (:mod:`socialsim.fans.identification`), negative messages weighted
``wom.negativity`` times a positive one. Attention saturates: the day's shift is
``max_daily_shift · tanh(effect · S / max_daily_shift)`` for a weighted sum ``S`` of messages,
linear (``effect · S``) for the few messages most people hear and bounded for hubs.

A promoter's rate of talking is raised by the depth ``d`` of their relationship with the
brand, times ``1 + relationship.boost · d`` (:mod:`socialsim.fans.depth`), and what listeners
feel is damped by their own depth (:meth:`~socialsim.population.Population.feel_at`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.chance import hazard
from socialsim.day import Counts, phase
from socialsim.fans.identification import spread
from socialsim.kernels import njit
from socialsim.population import DETRACTOR, PROMOTER, Status

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["word_of_mouth"]


@phase("word_of_mouth", kpis=("wom_positive", "wom_negative"))
def word_of_mouth(day: Day, rng: np.random.Generator) -> Counts:
    """One day of word of mouth: who talks (``day.talkers``), and what their listeners feel.

    The advocates among the talkers recommend the brand (:mod:`socialsim.fans.recruitment`).
    ``wom_positive`` and ``wom_negative`` count who talked positively and negatively.
    """
    pop, params, churn = day.population, day.scenario.wom, day.scenario.churn
    rate = np.array(
        [0.0, params.promoter_rate, params.passive_rate, params.detractor_rate, churn.bitter_rate]
    )
    valence = np.array([0.0, 1.0, params.passive_valence, -params.negativity, -params.negativity])
    # Nobody talks faster than the fastest role (a promoter as deep as anyone is): people are
    # drawn at that rate, and their roles are worked out for those few alone.
    hazards, boost = hazard(rate), day.scenario.relationship.boost
    fastest = max(hazards.max(), hazards[1] * (1.0 + boost * pop.max_depth))
    maybe, e = pop.by_activity.draw(fastest, seed=rng)
    talks, role = _who_talks(
        maybe,
        e,
        pop.loyalty,
        pop.status,
        pop.churn_day,
        pop.activity,
        pop.depth,
        hazards,
        boost,
        day.t - churn.bitter_days,
    )
    talkers = maybe[talks]
    said = valence[role[talks]]
    cross = day.scenario.identification.cross_segment
    listeners, heard = spread(day.graph, talkers, said, pop.segment, cross)
    cap = params.max_daily_shift
    with np.errstate(over="ignore"):  # a tiny cap saturates: tanh(±inf) = ±1 is right
        pop.feel_at(listeners, cap * np.tanh(params.effect * heard / cap))
    day.talkers = talkers
    return {
        "wom_positive": int(np.count_nonzero(said > 0)),
        "wom_negative": int(np.count_nonzero(said < 0)),
    }


_FAN, _CHURNED = int(Status.FAN), int(Status.CHURNED)


# One loop over the few thousand candidates of a day instead of a dozen numpy passes over them,
# whose fixed cost per call is most of the work at this size (docs/performance.md).
@njit(cache=True)
def _who_talks(
    maybe: np.ndarray,
    e: np.ndarray,
    loyalty: np.ndarray,
    status: np.ndarray,
    churn_day: np.ndarray,
    activity: np.ndarray,
    depth: np.ndarray,
    hazards: np.ndarray,
    boost: float,
    bitter_since: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each candidate talks, and their role: 0 silent, 1 promoter, 2 passive,
    3 detractor, 4 bitter (churned on or after ``bitter_since``). A promoter's rate is raised
    by depth."""
    talks = np.zeros(maybe.size, dtype=np.bool_)
    role = np.zeros(maybe.size, dtype=np.int8)
    for k in range(maybe.size):
        i = maybe[k]
        if status[i] == _FAN:
            role[k] = 1 + (loyalty[i] < PROMOTER) + (loyalty[i] < DETRACTOR)
        elif status[i] == _CHURNED and churn_day[i] >= bitter_since:
            role[k] = 4
        rate = hazards[role[k]] * (1.0 + boost * depth[i] * (role[k] == 1))
        talks[k] = e[k] < activity[i] * rate
    return talks, role
