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

from socialsim.chance import Events, arrivals_events, hazard
from socialsim.day import Counts, phase
from socialsim.fans.identification import _spread, arcs
from socialsim.kernels import njit, prefetch
from socialsim.network.graph import work_table
from socialsim.population import CHURNED, DETRACTOR, FAN, PROMOTER, _feel_at

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = [
    "word_of_mouth",
    "word_of_mouth_distinct",
    "word_of_mouth_feel",
    "word_of_mouth_heard",
]


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
    cap = float(params.max_daily_shift)
    talkers, listeners, which, felt, positive, negative = word_of_mouth_heard(
        pop.by_activity.events(fastest, seed=rng),
        (pop.loyalty, pop.status, pop.churn_day, pop.depth, pop.segment),
        hazards,
        valence,
        boost,
        day.t - churn.bitter_days,
        *arcs(day.graph),
        day.scenario.identification.cross_segment,
        float(params.effect),
        cap,
        work_table(day.graph.n_nodes),
    )
    # Attention saturates; tanh stays numpy's (a compiled tanh rounds differently), once for
    # each distinct sum heard: most listeners hear one of a few dozen.
    np.tanh(felt, out=felt)
    damping = pop.damping if pop.max_depth > 0.0 else 0.0  # as Population.feel_at
    word_of_mouth_feel(pop.loyalty, pop.status, pop.depth, listeners, which, felt, cap, damping)
    day.talkers = talkers
    return {"wom_positive": positive, "wom_negative": negative}


# How many people ahead a loop over people at random asks for their entries (kernels.prefetch).
_AHEAD = 16


@lru_cache(maxsize=16)
def _roles(
    promoter: float, passive: float, detractor: float, bitter: float, mild: float, negativity: float
) -> tuple[np.ndarray, np.ndarray, np.float64]:
    """Each role's hazard of talking and the valence of what it says (silent, promoter,
    passive, detractor, bitter), and the highest hazard: a run's parameters, worked out once."""
    hazards = hazard(np.array([0.0, promoter, passive, detractor, bitter]))
    return hazards, np.array([0.0, 1.0, mild, -negativity, -negativity]), hazards.max()


# One loop over the few thousand candidates of a day, drawn in it, then over the talkers' arcs,
# instead of some twenty numpy calls on them, whose fixed cost was most of the work
# (docs/performance.md).
@njit(cache=True)
def word_of_mouth_heard(
    events: Events,
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
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Who talks among the candidates of ``events`` (:meth:`~socialsim.chance.Arrivals.events`
    of the people by activity), and what their listeners hear before it saturates
    (``effect · S / cap``), as each listener's index into the distinct values heard.

    ``people`` is ``(loyalty, status, churn_day, depth, segment)``. A candidate's role is 0
    silent (``hazards[0]`` is 0), 1 promoter, 2 passive, 3 detractor, 4 bitter (churned on or
    after ``bitter_since``); a promoter's rate is raised by depth. Equal to this numpy::

        maybe, e = by_activity.draw(rate, seed=rng)  # the events' rate and stream
        role = np.zeros(maybe.size, np.int8)
        fan = status[maybe] == FAN
        role[fan] = 1 + (loyalty[maybe][fan] < PROMOTER) + (loyalty[maybe][fan] < DETRACTOR)
        role[(status[maybe] == CHURNED) & (churn_day[maybe] >= bitter_since)] = 4
        rate = hazards[role] * (1.0 + boost * depth[maybe] * (role == 1))
        talks = e < activity[maybe] * rate
        talkers, said = maybe[talks], valence[role[talks]]
        listeners, heard = spread(graph, talkers, said, segment, cross_segment)
        heard = effect * heard / cap
        return (talkers, listeners, which, values,  # values[which] == heard, bit for bit
                np.count_nonzero(said > 0), np.count_nonzero(said < 0))
    """
    maybe, e, activity = arrivals_events(events)  # activity: each candidate's weight
    loyalty, status, churn_day, depth, segment = people
    talkers = np.empty(maybe.size, dtype=np.int64)
    said = np.empty(maybe.size)
    n = 0
    for k in range(maybe.size):
        if k + _AHEAD < maybe.size:  # at a million people, each entry is a cache miss
            ahead = maybe[k + _AHEAD]
            prefetch(status, ahead)
            prefetch(loyalty, ahead)
            prefetch(depth, ahead)
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
        n += e[k] < activity[k] * rate
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
    which, values = word_of_mouth_distinct(heard)
    return talkers, listeners, which, values, positive, negative


# Distinct values past this many are not worth a lookup each (a graph with tie strengths:
# nearly every sum differs); the table of twice as many entries stays in the fastest cache.
_MOST_DISTINCT = 2048
_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True)
def word_of_mouth_distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each of ``values`` once, by its bits, in order of first appearance, and where each value
    is among them: ``distinct[which]`` is ``values``, bit for bit.

    Past :data:`_MOST_DISTINCT` distinct values, every value is its own: ``which`` counts up
    and ``distinct`` is a copy of ``values``.
    """
    n = values.size
    bits = values.view(np.uint64)
    size, shift = 64, np.uint64(58)  # a power of two, and 64 minus its logarithm
    while size < 2 * min(n, _MOST_DISTINCT):
        size, shift = 2 * size, shift - np.uint64(1)
    keys, at = np.empty(size, dtype=np.uint64), np.full(size, -1, dtype=np.int64)
    which, distinct = np.empty(n, dtype=np.int64), np.empty(min(n, size // 2))
    found = 0
    for k in range(n):
        key = bits[k]
        slot = (key * _FIBONACCI) >> shift
        while at[slot] >= 0 and keys[slot] != key:
            slot = (slot + np.uint64(1)) & np.uint64(size - 1)
        if at[slot] < 0:
            if found == distinct.size:
                return np.arange(n), values.copy()
            keys[slot], at[slot], distinct[found] = key, found, values[k]
            found += 1
        which[k] = at[slot]
    return which, distinct[:found]


@njit(cache=True)
def word_of_mouth_feel(
    loyalty: np.ndarray,
    status: np.ndarray,
    depth: np.ndarray,
    listeners: np.ndarray,
    which: np.ndarray,
    felt: np.ndarray,
    cap: float,
    damping: float,
) -> None:
    """The listeners' loyalty moved by what they feel: equal to ``heard = felt[which];
    heard *= cap`` then :meth:`Population.feel_at(listeners, heard)
    <socialsim.population.Population.feel_at>` with ``damping``."""
    heard = np.empty(listeners.size)
    for k in range(listeners.size):
        heard[k] = felt[which[k]] * cap
        if k + _AHEAD < listeners.size:
            ahead = listeners[k + _AHEAD]
            prefetch(loyalty, ahead)
            prefetch(status, ahead)
            prefetch(depth, ahead)
    _feel_at(loyalty, status, depth, listeners, heard, damping)
