"""Advocates recruit: prospects become fans, through one of three canonical rules.

Every rule has an external route, a prospect becoming a fan on their own with daily
probability ``p = recruitment.spontaneous_rate`` (advertising, search, a shop window), and a
social route through the graph:

``independent_cascade``
    Advocates recommend the brand when they talk (:mod:`socialsim.fans.word_of_mouth`); each
    recommendation a prospect sees converts them with probability ``q``, independently
    (Goldenberg, Libai & Muller 2001: ``1 − (1 − q)^j`` for ``j`` recommending ties). With
    ``recruitment.one_chance`` an advocate gets a single chance per tie, as in Kempe,
    Kleinberg & Tardos (2003): they pitch once, and again only after losing and regaining
    advocacy. With ``one_chance`` and ``wom.promoter_rate = 1`` the rule is the classic
    discrete-time independent cascade.
``threshold``
    A prospect converts as soon as the share of advocates among the people they see reaches
    ``φ = recruitment.threshold`` (fractional threshold, Watts 2002; complex contagion,
    Centola & Macy 2007).
``bass``
    A prospect converts with daily probability ``p + q · (share of fans among the people
    they see)`` (Bass 1969, on a network as in Rand & Rust 2011). The external and social
    parts are told apart by drawing one uniform ``u``: ``u < p`` is external.

A new fan keeps the loyalty (and baseline) they had as a prospect, the attitude that brought
them in, drawn from the prospects' law (``relationship.prospect_loyalty_*``) and moved since by
what they saw and heard; a follow adds nothing to it (John et al. 2017). They join shallow, at
the depth their two-way interactions as a prospect gave them (usually none), and their join
day is recorded (:meth:`~socialsim.population.Population.join`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.chance import Events, arrivals_events, hazard
from socialsim.day import Counts, phase
from socialsim.fans.cascade import cascade_arc_count, cascade_reached, cascade_successes_of
from socialsim.kernels import generator_of, njit, stream_handle
from socialsim.network.graph import SocialGraph, work_table
from socialsim.population import FAN, PROMOTER, PROSPECT, Population
from socialsim.scenario import RecruitmentParams

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["recruitment"]


@phase("recruitment", kpis=("new_fans_referred", "new_fans_external"))
def recruitment(day: Day, rng: np.random.Generator) -> Counts:
    """Convert today's prospects; the advocates among today's talkers (``day.talkers``) pitch."""
    graph, pop, params = day.graph, day.population, day.scenario.recruitment
    # Which prospects the external route (or Bass's whole rule) could reach is drawn whatever
    # their state; the Bass rule reads the uniform behind each draw, u = 1 - exp(-E), kept
    # here as minus_u = expm1(-E) (numpy's expm1: a compiled one may round differently).
    bound = params.spontaneous_rate + (params.q if params.rule == "bass" else 0.0)
    drawn = recruitment_drawn(pop.anyone.events(hazard(min(bound, 1.0)), seed=rng))
    minus_u = drawn[0]
    np.expm1(minus_u, out=minus_u)
    if params.rule == "independent_cascade":
        # The advocates pitch, then the prospects reached become fans, those who came on their
        # own first: one call, the draws included.
        referred, external = recruitment_cascade(
            stream_handle(rng),
            day.talkers,
            params.one_chance,
            pop.pitched,
            pop.loyalty,
            graph.indptr,
            graph.indices,
            params.q,
            work_table(pop.status.size),
            drawn,
            params.spontaneous_rate,
            pop.status,
            pop.join_day,
            day.t,
        )
    else:
        who = drawn[1].astype(np.int64)
        social = _SOCIAL_RULES[params.rule](graph, pop, params, who, np.negative(minus_u))
        external = recruitment_external(
            drawn, params.spontaneous_rate, pop.status, pop.join_day, day.t
        )
        referred = recruitment_join(social, pop.status, pop.join_day, day.t)
    return {"new_fans_referred": referred, "new_fans_external": external}


@njit(cache=True)
def recruitment_drawn(events: Events) -> np.ndarray:
    """The people of ``events`` (:meth:`~socialsim.chance.Arrivals.events` of everyone), drawn
    here, and their ``-E``, as the rows of one array: ``-E``, then the people (their indices,
    exact in a float64 below 2**53). Equal to ``drawn, e = anyone.draw(rate, seed=rng)`` (the
    events' rate and stream) then the rows ``np.negative(e)`` and ``drawn``. One array, not
    two: numba hands each array it returns back to Python at about 0.4 µs."""
    who, e, _ = arrivals_events(events)
    drawn = np.empty((2, e.size))
    for k in range(e.size):
        drawn[0, k], drawn[1, k] = -e[k], who[k]
    return drawn


@njit(cache=True)
def recruitment_cascade(
    handle: np.ndarray,
    talkers: np.ndarray,
    one_chance: bool,
    pitched: np.ndarray,
    loyalty: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    q: float,
    table: np.ndarray,
    drawn: np.ndarray,
    spontaneous_rate: float,
    status: np.ndarray,
    join_day: np.ndarray,
    day: int,
) -> tuple[int, int]:
    """The independent-cascade rule's day, drawing from the stream of ``handle``: how many
    prospects the pitches referred, and how many came on their own. Equal to::

        pitchers = recruitment_pitchers(talkers, status, loyalty)
        if one_chance:
            # A fan who is no longer an advocate will pitch again when re-won.
            was = np.flatnonzero(pitched)
            pitched[was[~pop.is_advocate(was)]] = False
            pitchers = pitchers[~pitched[pitchers]]
            pitched[pitchers] = True
        social = transmit(graph, pitchers, q, seed=rng)   # table: work_table(n)
        external = recruitment_external(drawn, spontaneous_rate, status, join_day, day)
        referred = recruitment_join(social, status, join_day, day)
    """
    pitchers = recruitment_pitchers(talkers, status, loyalty)
    if one_chance:
        for i in range(pitched.size):
            pitched[i] &= status[i] == FAN and loyalty[i] >= PROMOTER
        first = pitchers[~pitched[pitchers]]
        pitched[first] = True
        pitchers = first
    fired = cascade_successes_of(generator_of(handle), cascade_arc_count(indptr, pitchers), q)
    social = cascade_reached(indptr, indices, pitchers, fired, table)
    external = recruitment_external(drawn, spontaneous_rate, status, join_day, day)
    return recruitment_join(social, status, join_day, day), external


@njit(cache=True)
def recruitment_pitchers(
    talkers: np.ndarray, status: np.ndarray, loyalty: np.ndarray
) -> np.ndarray:
    """The advocates among the talkers, in their order: equal to
    ``talkers[pop.is_advocate(talkers)]`` (a fan at loyalty ``PROMOTER`` or more), one loop
    instead of six numpy calls."""
    pitchers = np.empty(talkers.size, dtype=np.int64)
    n = 0
    for i in talkers:
        pitchers[n] = i
        n += status[i] == FAN and loyalty[i] >= PROMOTER
    return pitchers[:n]


@njit(cache=True)
def recruitment_external(
    drawn: np.ndarray,
    spontaneous_rate: float,
    status: np.ndarray,
    join_day: np.ndarray,
    day: int,
) -> int:
    """The prospects among the people drawn whose ``u`` is under ``spontaneous_rate`` join on
    ``day``; how many. ``drawn`` is :func:`recruitment_drawn`'s, its first row now ``-u``.
    Equal to ``minus_u, who = drawn[0], drawn[1].astype(np.int64)`` then
    ``recruitment_join(who[-minus_u < spontaneous_rate], status, join_day, day)``."""
    joined = 0
    for k in range(drawn.shape[1]):
        i = int(drawn[1, k])
        if -drawn[0, k] < spontaneous_rate and status[i] == PROSPECT:
            status[i], join_day[i] = FAN, day
            joined += 1
    return joined


@njit(cache=True)
def recruitment_join(who: np.ndarray, status: np.ndarray, join_day: np.ndarray, day: int) -> int:
    """Make the prospects among the distinct people ``who`` fans from ``day``; how many.
    Equal to ``who = who[status[who] == PROSPECT]`` then ``pop.join(who, day)``: a loop on a
    few people instead of five numpy calls."""
    joined = 0
    for i in who:
        if status[i] == PROSPECT:
            status[i], join_day[i] = FAN, day
            joined += 1
    return joined


# Each social rule but the cascade returns the distinct people it converts, prospects or
# not; recruitment keeps the prospects who did not convert on their own.
def _threshold(
    graph: SocialGraph,
    pop: Population,
    params: RecruitmentParams,
    who: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    seen = graph.in_degree
    share = graph.count_from(pop.advocates) / np.maximum(seen, 1)
    return np.flatnonzero((seen > 0) & (share >= params.threshold))


def _bass(
    graph: SocialGraph,
    pop: Population,
    params: RecruitmentParams,
    who: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    share = graph.count_from(pop.fans)[who] / np.maximum(graph.in_degree[who], 1)
    return who[u < params.spontaneous_rate + params.q * share]


_SOCIAL_RULES = {"threshold": _threshold, "bass": _bass}
