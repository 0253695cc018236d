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

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from socialsim.chance import hazard
from socialsim.day import Counts, phase
from socialsim.fans.identification import _spread, arcs
from socialsim.kernels import njit
from socialsim.network.graph import work_table
from socialsim.population import CHURNED, DETRACTOR, FAN, PROMOTER

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["word_of_mouth", "word_of_mouth_heard"]


@phase("word_of_mouth", kpis=("wom_positive", "wom_negative"))
def word_of_mouth(day: Day, rng: np.random.Generator) -> Counts:
    """One day of word of mouth: who talks (``day.talkers``), and what their listeners feel.

    The advocates among the talkers recommend the brand (:mod:`socialsim.fans.recruitment`).
    ``wom_positive`` and ``wom_negative`` count who talked positively and negatively.
    """
    pop, params, churn = day.population, day.scenario.wom, day.scenario.churn
    rates = (params.promoter_rate, params.passive_rate, params.detractor_rate, churn.bitter_rate)
    hazards, valence, top = _roles(*rates, params.passive_valence, params.negativity)
    # Nobody talks faster than the fastest role (a promoter as deep as anyone is): people are
    # drawn at that rate, and their roles are worked out for those few alone.
    boost = float(day.scenario.relationship.boost)
    fastest = max(top, hazards[1] * (1.0 + boost * pop.max_depth))
    maybe, e = pop.by_activity.draw(fastest, seed=rng)
    cap = params.max_daily_shift
    talkers, listeners, heard, positive, negative = word_of_mouth_heard(
        maybe,
        e,
        (pop.loyalty, pop.status, pop.churn_day, pop.activity, pop.depth, pop.segment),
        hazards,
        valence,
        boost,
        day.t - churn.bitter_days,
        *arcs(day.graph),
        day.scenario.identification.cross_segment,
        float(params.effect),
        float(cap),
        work_table(day.graph.n_nodes),
    )
    # Attention saturates; tanh stays numpy's (a compiled tanh rounds differently).
    np.tanh(heard, out=heard)
    heard *= cap
    pop.feel_at(listeners, heard)
    day.talkers = talkers
    return {"wom_positive": positive, "wom_negative": negative}


@lru_cache(maxsize=16)
def _roles(
    promoter: float, passive: float, detractor: float, bitter: float, mild: float, negativity: float
) -> tuple[np.ndarray, np.ndarray, np.float64]:
    """Each role's hazard of talking and the valence of what it says (silent, promoter,
    passive, detractor, bitter), and the highest hazard: a run's parameters, worked out once."""
    hazards = hazard(np.array([0.0, promoter, passive, detractor, bitter]))
    return hazards, np.array([0.0, 1.0, mild, -negativity, -negativity]), hazards.max()


# One loop over the few thousand candidates of a day, then over the talkers' arcs, instead of
# some twenty numpy calls on them, whose fixed cost was most of the work (docs/performance.md).
@njit(cache=True)
def word_of_mouth_heard(
    maybe: np.ndarray,
    e: np.ndarray,
    people: tuple,
    hazards: np.ndarray,
    valence: np.ndarray,
    boost: float,
    bitter_since: int,
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    weighted: bool,
    cross_segment: float,
    effect: float,
    cap: float,
    table: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Who talks among the candidates ``maybe``, and what their listeners hear before it
    saturates (``effect · S / cap``).

    ``people`` is ``(loyalty, status, churn_day, activity, depth, segment)``. A candidate's
    role is 0 silent (``hazards[0]`` is 0), 1 promoter, 2 passive, 3 detractor, 4 bitter
    (churned on or after ``bitter_since``); a promoter's rate is raised by depth. ``e`` is not
    negative. Equal to this numpy::

        role = np.zeros(maybe.size, np.int8)
        fan = status[maybe] == FAN
        role[fan] = 1 + (loyalty[maybe][fan] < PROMOTER) + (loyalty[maybe][fan] < DETRACTOR)
        role[(status[maybe] == CHURNED) & (churn_day[maybe] >= bitter_since)] = 4
        rate = hazards[role] * (1.0 + boost * depth[maybe] * (role == 1))
        talks = e < activity[maybe] * rate
        talkers, said = maybe[talks], valence[role[talks]]
        listeners, heard = spread(graph, talkers, said, segment, cross_segment)
        return (talkers, listeners, effect * heard / cap,
                np.count_nonzero(said > 0), np.count_nonzero(said < 0))
    """
    loyalty, status, churn_day, activity, depth, segment = people
    talkers = np.empty(maybe.size, dtype=np.int64)
    said = np.empty(maybe.size)
    n = 0
    for k in range(maybe.size):
        i = maybe[k]
        if status[i] == FAN:
            role = 1 + (loyalty[i] < PROMOTER) + (loyalty[i] < DETRACTOR)
        elif status[i] == CHURNED and churn_day[i] >= bitter_since:
            role = 4
        else:  # silent: e < activity * 0.0 never holds (e >= 0), so nothing more to read
            continue
        rate = hazards[role] * (1.0 + boost * depth[i] * (role == 1))
        # Written whether kept or not: no branch on what was read lets later loads go ahead.
        talkers[n], said[n] = i, valence[role]
        n += e[k] < activity[i] * rate
    talkers = talkers[:n]
    positive = negative = 0
    for value in said[:n]:
        positive += value > 0
        negative += value < 0
    listeners, heard = _spread(
        indptr, indices, weights, weighted, talkers, said[:n], segment, cross_segment, table
    )
    for k in range(heard.size):
        heard[k] = effect * heard[k] / cap
    return talkers, listeners, heard, positive, negative
