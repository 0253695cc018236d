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

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numba import objmode

from socialsim.chance import Events, arrivals_events, hazard
from socialsim.day import Counts, phase
from socialsim.fans.identification import (
    _arcs_by_block,
    _block_buffers,
    _block_sums,
    _spread,
    arcs,
    listener_blocks,
)
from socialsim.kernels import njit, prefetch
from socialsim.network.graph import work_table
from socialsim.population import CHURNED, DETRACTOR, FAN, PROMOTER, _feel_at

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = [
    "word_of_mouth",
    "word_of_mouth_day",
    "word_of_mouth_feel",
    "word_of_mouth_felt_in_blocks",
    "word_of_mouth_heard",
    "word_of_mouth_talkers",
    "word_of_mouth_tanh",
]


@phase("word_of_mouth", kpis=("wom_positive", "wom_negative"))
def word_of_mouth(day: Day, rng: np.random.Generator) -> Counts:
    """One day of word of mouth: who talks (``day.talkers``), and what their listeners feel.

    The advocates among the talkers recommend the brand (:mod:`socialsim.fans.recruitment`).
    ``wom_positive`` and ``wom_negative`` count who talked positively and negatively.
    """
    pop, params, churn = day.population, day.scenario.wom, day.scenario.churn
    rates = (params.promoter_rate, params.passive_rate, params.detractor_rate, churn.bitter_rate)
    hazards, valence, top, promoter = _roles(*rates, params.passive_valence, params.negativity)
    # Nobody talks faster than the fastest role (a promoter as deep as anyone is): people are
    # drawn at that rate, and their roles are worked out for those few alone.
    boost = float(day.scenario.relationship.boost)
    fastest = max(top, promoter * (1.0 + boost * pop.max_depth))
    talkers, positive, negative = word_of_mouth_day(
        pop.by_activity.events(fastest, seed=rng),
        (pop.loyalty, pop.status, pop.churn_day, pop.depth, pop.segment),
        hazards,
        valence,
        boost,
        day.t - churn.bitter_days,
        *arcs(day.graph),
        day.scenario.identification.cross_segment,
        float(params.effect),
        float(params.max_daily_shift),
        pop.damping if pop.max_depth > 0.0 else 0.0,  # as Population.feel_at
        work_table(day.graph.n_nodes),
        listener_blocks(day.graph.n_nodes),
        _tanh_memo(),
    )
    day.talkers = talkers
    return {"wom_positive": positive, "wom_negative": negative}


# How many people ahead a loop over people at random asks for their entries (kernels.prefetch).
_AHEAD = 16


@lru_cache(maxsize=16)
def _roles(
    promoter: float, passive: float, detractor: float, bitter: float, mild: float, negativity: float
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Each role's hazard of talking and the valence of what it says (silent, promoter,
    passive, detractor, bitter), and the highest hazard and the promoter's as Python floats
    (numpy scalars' arithmetic costs more): a run's parameters, worked out once."""
    hazards = hazard(np.array([0.0, promoter, passive, detractor, bitter]))
    valence = np.array([0.0, 1.0, mild, -negativity, -negativity])
    return hazards, valence, float(hazards.max()), float(hazards[1])


# The whole phase as one compiled call: a day's draw, talk, spread and feel, where two calls
# around numpy's tanh boxed and unboxed a dozen arrays (docs/performance.md).
@njit(cache=True)
def word_of_mouth_day(
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
    damping: float,
    table: np.ndarray,
    block_bits: int,
    memo: tuple,
) -> tuple[np.ndarray, int, int]:
    """Who talks, and their listeners' loyalty moved by what they hear: the talkers and how
    many talked positively and negatively.

    Equal to :func:`word_of_mouth_heard`, then numpy's ``felt = np.tanh(heard)`` (through
    ``memo``, :func:`word_of_mouth_tanh`), then :func:`word_of_mouth_feel` of it with
    ``damping`` (:meth:`Population.feel_at <socialsim.population.Population.feel_at>`'s).
    With ``block_bits`` (:func:`~socialsim.fans.identification.listener_blocks`) above 0,
    equal to :func:`word_of_mouth_talkers`, then :func:`word_of_mouth_felt_in_blocks`.
    """
    loyalty, status, _, depth, segment = people
    if block_bits:
        talkers, said, positive, negative = word_of_mouth_talkers(
            events, people, hazards, valence, boost, bitter_since
        )
        graph = indptr, indices, weights, weighted
        word_of_mouth_felt_in_blocks(
            graph, talkers, said, segment, cross_segment, effect, cap, damping, people,
            block_bits, memo,
        )  # fmt: skip
        return talkers, positive, negative
    talkers, listeners, heard, positive, negative = word_of_mouth_heard(
        events,
        people,
        hazards,
        valence,
        boost,
        bitter_since,
        indptr,
        indices,
        weights,
        weighted,
        cross_segment,
        effect,
        cap,
        table,
    )
    which, felt = word_of_mouth_tanh(heard, memo)
    word_of_mouth_feel(loyalty, status, depth, listeners, which, felt, cap, damping)
    return talkers, positive, negative


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
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Who talks (:func:`word_of_mouth_talkers`), and what their listeners hear before it
    saturates (``effect · S / cap``). Equal to this numpy::

        talkers, said, positive, negative = word_of_mouth_talkers(...)
        listeners, heard = spread(graph, talkers, said, segment, cross_segment)
        return talkers, listeners, effect * heard / cap, positive, negative
    """
    talkers, said, positive, negative = word_of_mouth_talkers(
        events, people, hazards, valence, boost, bitter_since
    )
    segment = people[4]
    listeners, heard = _spread(
        indptr, indices, weights, weighted, talkers, said, segment, cross_segment, table
    )
    for k in range(heard.size):
        heard[k] = effect * heard[k] / cap
    return talkers, listeners, heard, positive, negative


# One loop over the few thousand candidates of a day, drawn in it, instead of some twenty numpy
# calls on them, whose fixed cost was most of the work (docs/performance.md).
@njit(cache=True)
def word_of_mouth_talkers(
    events: Events,
    people: tuple,
    hazards: np.ndarray,
    valence: np.ndarray,
    boost: float,
    bitter_since: int,
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Who talks among the candidates of ``events`` (:meth:`~socialsim.chance.Arrivals.events`
    of the people by activity), what each says, and how many talked positively and negatively.

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
        return talkers, said, np.count_nonzero(said > 0), np.count_nonzero(said < 0)
    """
    maybe, e, activity = arrivals_events(events)  # activity: each candidate's weight
    loyalty, status, churn_day, depth, _ = people
    talkers = np.empty(maybe.size, dtype=np.int64)
    said = np.empty(maybe.size)
    n = 0
    for k in range(maybe.size):
        # At a million people each entry is a cache miss: a candidate's status is asked for
        # first, and their loyalty and depth only if they are a fan (most candidates are not:
        # day 30's 520,410 candidates at ten million people took 7.7 ms instead of 10.2).
        if k + 2 * _AHEAD < maybe.size:
            prefetch(status, maybe[k + 2 * _AHEAD])
        if k + _AHEAD < maybe.size and status[maybe[k + _AHEAD]] == FAN:
            prefetch(loyalty, maybe[k + _AHEAD])
            prefetch(depth, maybe[k + _AHEAD])
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
    positive = negative = 0
    for value in said[:n]:
        positive += value > 0
        negative += value < 0
    return talkers[:n], said[:n], positive, negative


# From a million people (listener_blocks), the talkers' arcs sorted by block of listeners, and
# each block heard, saturated and felt in turn: every read of a block stays in the cache, and no
# array of all the day's listeners is made (at ten million people, 1.6M of them: their arrays
# were some 50 MB of new memory a day, each page a fault).
@njit(cache=True)
def word_of_mouth_felt_in_blocks(
    graph: tuple,
    talkers: np.ndarray,
    said: np.ndarray,
    segment: np.ndarray,
    cross_segment: float,
    effect: float,
    cap: float,
    damping: float,
    people: tuple,
    bits: int,
    memo: tuple,
) -> None:
    """What the talkers' listeners hear, saturated and felt, block by block of ``2**bits``
    people: ``graph`` is the graph's :func:`~socialsim.fans.identification.arcs`, ``people``
    ``(loyalty, status, churn_day, depth, segment)``. Equal to :func:`word_of_mouth_heard`'s
    spread, ``np.tanh`` through ``memo`` and :func:`word_of_mouth_feel`: each listener hears the
    same sum, bit for bit, and is moved once, on their own, so the order of the blocks moves
    no loyalty."""
    loyalty, status, _, depth, _ = people
    arcs = _arcs_by_block(*graph, talkers, segment, bits)
    sums, marks, listeners, heard = _block_buffers(arcs, segment.size, bits)
    for b in range(arcs[2].size - 1):
        found = _block_sums(
            arcs, b, bits, said, segment, cross_segment, sums, marks, listeners, heard
        )
        for k in range(found):
            heard[k] = effect * heard[k] / cap
        which, felt = word_of_mouth_tanh(heard[:found], memo)
        word_of_mouth_feel(loyalty, status, depth, listeners[:found], which, felt, cap, damping)


# numpy's tanh of every value heard, by its bits, kept from day to day in each thread: a day
# hears a few dozen values (28 for 954 listeners at 10k), nearly all heard on earlier days
# (about 400 in a year), so most days call no numpy at all. A pure function's memo: which
# values it holds changes no result.
_tanh_memos = threading.local()
# Slots of the memo, a power of two: at most half are filled; past that it starts afresh.
_MEMO_SLOTS = 8192
_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)


def _tanh_memo() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """This thread's memo of numpy's tanh for :func:`word_of_mouth_tanh`: the values' bits,
    their tanh, which slots are filled, and how many (one entry)."""
    memo = getattr(_tanh_memos, "memo", None)
    if memo is None:
        memo = _tanh_memos.memo = (
            np.empty(_MEMO_SLOTS, dtype=np.uint64),
            np.empty(_MEMO_SLOTS),
            np.zeros(_MEMO_SLOTS, dtype=np.bool_),
            np.zeros(1, dtype=np.int64),
        )
    return memo


@njit(cache=True)
def word_of_mouth_tanh(values: np.ndarray, memo: tuple) -> tuple[np.ndarray, np.ndarray]:
    """numpy's tanh of ``values``: ``felt[which]`` is ``np.tanh(values)``, bit for bit.

    ``memo`` (:func:`_tanh_memo`) holds numpy's tanh of the values seen before, by their bits,
    in an open-addressed table whose slots ``which`` points at, and ``felt`` is its column of
    tanh. The values new to it are taken by numpy's ``np.tanh`` (numba's rounds differently),
    all in one call, once each; numpy's tanh of a value does not depend on its neighbours in
    the array. When they do not fit, the memo is emptied first; when today's values alone do
    not fit, each is its own: ``which`` counts up and ``felt`` is ``np.tanh(values)``.
    """
    keys, felt, filled, count = memo
    mask = np.uint64(keys.size - 1)
    shift = np.uint64(64 - int(np.log2(keys.size)))
    bits = values.view(np.uint64)
    which = np.empty(values.size, dtype=np.int64)
    fresh = np.empty(min(values.size, keys.size // 2), dtype=np.int64)
    while True:
        new, fits = 0, True
        for k in range(values.size):
            key = bits[k]
            slot = (key * _FIBONACCI) >> shift
            while filled[slot] and keys[slot] != key:
                slot = (slot + np.uint64(1)) & mask
            if not filled[slot]:
                if count[0] == keys.size // 2:
                    fits = False
                    break
                keys[slot], filled[slot], fresh[new] = key, True, slot
                new += 1
                count[0] += 1
            which[k] = slot
        if fits:
            if new:
                felt[fresh[:new]] = _numpy_tanh(keys[fresh[:new]].view(np.float64))
            return which, felt
        alone = count[0] == new  # it held nothing else: today's values alone do not fit
        filled[:] = False  # forget every value (today's have no tanh yet)
        count[0] = 0
        if alone:
            break
    return np.arange(values.size), _numpy_tanh(values)


@njit(cache=True)
def _numpy_tanh(values: np.ndarray) -> np.ndarray:
    """Inside a compiled kernel: numpy's ``np.tanh(values)`` (numba's rounds differently)."""
    with objmode(felt="float64[::1]"):
        felt = np.tanh(values)
    return felt


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
    _feel_at(loyalty, status, depth, listeners, heard, damping)
