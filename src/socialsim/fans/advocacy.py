"""Advocates defend the brand and help other fans (seed 001: "your advocates will defend your
brand, help other customers with problems").

A public complaint is seen by the author's audience; each onlooker loses loyalty in proportion
to how much they identify with the author (:mod:`socialsim.fans.identification`). Every advocate in
that audience answers the complaint with probability ``advocacy.defend_prob``; a defended
complaint hurts onlookers ``1 - advocacy.defence_dampening`` times as much. Likewise each
advocate who sees a need or question helps with probability ``advocacy.help_prob``; a helped
person gains ``advocacy.help_effect``. With ``A`` advocates watching, the chance of at least one
answer is ``1 - (1 - p)^A``; a deeper advocate counts ``1 + relationship.boost · depth`` times
(:mod:`socialsim.fans.depth`). A helped person's help is logged: a two-way interaction.

Praise is public too: a praise post (a comment on a brand post included) is seen by its
author's audience like a complaint, and moves each onlooker by ``wom.effect``, a positive
word-of-mouth message, scaled by tie strength and identification. A thanked praise is seen
with its reply (:mod:`socialsim.brand.response`).

Recruiting new fans, the advocates' third role, is in :mod:`socialsim.fans.recruitment`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.chance import hazard
from socialsim.day import Counts, phase
from socialsim.fans.identification import _spread, arcs, spread
from socialsim.interactions import Channel, Kind
from socialsim.kernels import njit
from socialsim.network.graph import SocialGraph, work_table
from socialsim.population import FAN, PROMOTER, Population, Status
from socialsim.posts import PostKind

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["advocates_watching", "defence", "help_needs", "praise_seen"]


def advocates_watching(
    graph: SocialGraph, pop: Population, authors: np.ndarray, boost: float = 0.0
) -> np.ndarray:
    """How many advocates are in each author's audience, each counted ``1 + boost · depth``
    times: a deeper advocate acts more readily (:mod:`socialsim.fans.depth`)."""
    return _watching(graph, pop, authors, boost, 0.0)[0]


def _answered(
    graph: SocialGraph, pop: Population, authors: np.ndarray, boost: float, p: float, u: np.ndarray
) -> np.ndarray:
    """Which authors an advocate answers, each with probability ``p``, given a uniform each:
    ``u < at_least_once(p, advocates_watching(graph, pop, authors, boost))``."""
    watching = _watching(graph, pop, authors, boost, -hazard(p))
    np.expm1(watching[1], out=watching[1])  # numpy's expm1 (a compiled one rounds otherwise)
    return advocacy_answered(u, watching[0], watching[1])


def _watching(
    graph: SocialGraph, pop: Population, authors: np.ndarray, boost: float, rate: float
) -> np.ndarray:
    authors = np.asarray(authors, dtype=np.int64)
    people = (pop.status, pop.loyalty, pop.depth)
    return advocacy_watching(graph.indptr, graph.indices, authors, *people, float(boost), rate)


@phase("defence", kpis=("defences",))
def defence(day: Day, rng: np.random.Generator) -> Counts:
    """Onlookers see today's complaints, some of which advocates defend."""
    authors = day.posts.of_kind(PostKind.COMPLAINT)
    if authors.size == 0:  # a quiet day: the steps below cost about as much on no posts
        return {"defences": 0}
    s, pop = day.scenario, day.population
    u = rng.random(authors.size)
    defended = _answered(day.graph, pop, authors, s.relationship.boost, s.advocacy.defend_prob, u)
    onlookers, felt, defences = defence_felt(
        authors,
        defended,
        1.0 - s.advocacy.defence_dampening,
        s.experiences.complaint_effect,
        *arcs(day.graph),
        pop.segment,
        s.identification.cross_segment,
        work_table(day.graph.n_nodes),
    )
    pop.feel_at(onlookers, felt)
    return {"defences": defences}


@phase("help", kpis=("helps",))
def help_needs(day: Day, rng: np.random.Generator) -> Counts:
    """Advocates help people who posted a need today."""
    need = day.posts.kind == PostKind.NEED
    authors = day.posts.author[need]
    if authors.size == 0:
        return {"helps": 0}
    pop, params = day.population, day.scenario.advocacy
    u = rng.random(authors.size)
    helped = _answered(
        day.graph, pop, authors, day.scenario.relationship.boost, params.help_prob, u
    )
    helpers = authors[helped]
    pop.shift(helpers, params.help_effect)
    pop.record(
        helpers,
        day=day.t,
        hour=day.posts.hour[need][helped],
        kind=Kind.HELP,
        channel=Channel.PUBLIC,
    )
    return {"helps": int(helpers.size)}


@phase("praise_seen", kpis=("loyalty_change_praise",))
def praise_seen(day: Day, rng: np.random.Generator) -> Counts:
    """Onlookers see today's praise (comments on brand posts included), as they see complaints."""
    authors = day.posts.of_kind(PostKind.PRAISE)
    if authors.size == 0:
        return {"loyalty_change_praise": 0.0}
    s, pop = day.scenario, day.population
    onlookers, felt = spread(
        day.graph, authors, s.wom.effect, pop.segment, s.identification.cross_segment
    )
    listening = pop.status[onlookers] != Status.CHURNED
    pop.feel_at(onlookers, felt)
    return {"loyalty_change_praise": float(felt[listening].sum())}


# One loop over the authors' arcs instead of ten numpy calls on them (an arc lookup, gathers,
# the advocate test, a repeat and a bincount), whose fixed cost was most of the work.
@njit(cache=True)
def advocacy_watching(
    indptr: np.ndarray,
    indices: np.ndarray,
    authors: np.ndarray,
    status: np.ndarray,
    loyalty: np.ndarray,
    depth: np.ndarray,
    boost: float,
    rate: float,
) -> np.ndarray:
    """:func:`advocates_watching` (defence and help), and each count times ``rate``, the first
    step of :func:`~socialsim.chance.at_least_once` (``rate = −hazard(p)``). Equal to this
    numpy, each author's arcs added in their order from 0.0, as ``bincount`` does::

        arcs = graph.arcs_from(authors)
        watcher = indices[arcs]
        per_arc = pop.is_advocate(watcher) * (1.0 + boost * depth[watcher])
        owner = np.repeat(np.arange(authors.size), graph.out_degree[authors])
        watching = np.bincount(owner, weights=per_arc, minlength=authors.size)
        return np.stack([watching, watching * rate])
    """
    watching = np.zeros((2, authors.size))
    for k in range(authors.size):
        u = authors[k]
        for arc in range(indptr[u], indptr[u + 1]):
            w = indices[arc]
            # Adding 0.0 for the others changes nothing (the sum starts at +0.0), so their
            # depth is not read: at a million people, a cache miss saved per onlooker.
            if status[w] == FAN and loyalty[w] >= PROMOTER:
                watching[0, k] += 1.0 + boost * depth[w]
        watching[1, k] = watching[0, k] * rate
    return watching


@njit(cache=True)
def advocacy_answered(u: np.ndarray, watching: np.ndarray, expm1_of: np.ndarray) -> np.ndarray:
    """``u < at_least_once(p, watching)`` from ``expm1_of = np.expm1(watching · −hazard(p))``:
    equal to ``u < np.where(watching > 0, -expm1_of, 0.0)``."""
    answered = np.empty(u.size, dtype=np.bool_)
    for k in range(u.size):
        answered[k] = u[k] < (-expm1_of[k] if watching[k] > 0 else 0.0)
    return answered


@njit(cache=True)
def defence_felt(
    authors: np.ndarray,
    defended: np.ndarray,
    damped: float,
    effect: float,
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    weighted: bool,
    segment: np.ndarray,
    cross_segment: float,
    table: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int]:
    """What the onlookers of today's complaints feel, and how many were defended. Equal to::

    harm = np.where(defended, damped, 1.0) * effect
    onlookers, felt = spread(graph, authors, -harm, segment, cross_segment)
    return onlookers, felt, np.count_nonzero(defended)
    """
    harm = np.empty(authors.size)
    defences = 0
    for k in range(authors.size):
        harm[k] = -((damped if defended[k] else 1.0) * effect)
        defences += defended[k]
    onlookers, felt = _spread(
        indptr, indices, weights, weighted, authors, harm, segment, cross_segment, table
    )
    return onlookers, felt, defences
