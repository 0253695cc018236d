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

from socialsim.brand.compiled import numpy_sum
from socialsim.chance import hazard
from socialsim.day import Counts, phase
from socialsim.fans.identification import (
    _ARCS_AHEAD,
    _ask_rows,
    _felt_in_blocks,
    _next_arc,
    _spread,
    arcs,
    listener_blocks,
)
from socialsim.interactions import Channel, Kind, interactions_row
from socialsim.kernels import generator_of, njit, outputs, prefetch, stream_handle
from socialsim.network.graph import SocialGraph, work_table
from socialsim.population import CHURNED, FAN, PROMOTER, Population, _feel_at, _shift
from socialsim.posts import COMPLAINT, NEED, PRAISE

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["advocates_watching", "defence", "help_needs", "praise_seen"]


def advocates_watching(
    graph: SocialGraph, pop: Population, authors: np.ndarray, boost: float = 0.0
) -> np.ndarray:
    """How many advocates are in each author's audience, each counted ``1 + boost · depth``
    times: a deeper advocate acts more readily (:mod:`socialsim.fans.depth`)."""
    authors = np.asarray(authors, dtype=np.int64)
    people = (pop.status, pop.loyalty, pop.depth)
    return advocacy_watching(graph.indptr, graph.indices, authors, *people, float(boost), 0.0)[0]


def _drawn(day: Day, rng: np.random.Generator, kind: int, p: float) -> np.ndarray:
    """For each of today's ``c`` posts of ``kind``: a uniform, the advocates watching (as
    :func:`advocates_watching`) and the first step of the chance that one answers,
    ``np.expm1(watching · −hazard(p))`` (numpy's: a compiled one rounds otherwise), as the
    first ``3c`` entries of this thread's output room (:func:`advocacy_drawn`)."""
    pop, posts, graph = day.population, day.posts, day.graph
    drawn = outputs(3 * len(posts))
    c = advocacy_drawn(
        stream_handle(rng),
        posts.author,
        posts.kind,
        kind,
        graph.indptr,
        graph.indices,
        *(pop.status, pop.loyalty, pop.depth),
        float(day.scenario.relationship.boost),
        -float(hazard(p)),  # a Python float: numba types a numpy scalar slowly
        drawn,
    )
    chance = drawn[2 * c : 3 * c]
    np.expm1(chance, out=chance)
    return drawn


@phase("defence", kpis=("defences",))
def defence(day: Day, rng: np.random.Generator) -> Counts:
    """Onlookers see today's complaints, some of which advocates defend."""
    if not len(day.posts):  # a quiet day: no complaint to draw for (a draw of none takes none)
        return {"defences": 0}
    s = day.scenario
    defences = defence_felt(
        _drawn(day, rng, COMPLAINT, s.advocacy.defend_prob),
        day.posts.author,
        day.posts.kind,
        1.0 - s.advocacy.defence_dampening,
        s.experiences.complaint_effect,
        _onlookers(day),
    )
    return {"defences": defences}


@phase("help", kpis=("helps",))
def help_needs(day: Day, rng: np.random.Generator) -> Counts:
    """Advocates help people who posted a need today."""
    if not len(day.posts):  # a quiet day, as defence's
        return {"helps": 0}
    pop, params, posts = day.population, day.scenario.advocacy, day.posts
    log = pop.log
    start = log.reserve(day.t, len(posts))  # room to log a help for every post
    helps = help_given(
        _drawn(day, rng, NEED, params.help_prob),
        posts.author,
        posts.kind,
        posts.hour,
        *(pop.loyalty, pop.depth, pop.swing_damping),
        params.help_effect,
        log.buffers(),
        start,
        day.t,
        *(pop.last_interaction, pop.last_engaged),
    )
    log.wrote(day.t, helps)
    return {"helps": helps}


@phase("praise_seen", kpis=("loyalty_change_praise",))
def praise_seen(day: Day, rng: np.random.Generator) -> Counts:
    """Onlookers see today's praise (comments on brand posts included), as they see complaints."""
    if not len(day.posts):
        return {"loyalty_change_praise": 0.0}
    s = day.scenario
    change = praise_seen_felt(
        day.posts.author,
        day.posts.kind,
        s.wom.effect,
        _onlookers(day),
    )
    return {"loyalty_change_praise": change}


def _onlookers(day: Day) -> tuple:
    """What :func:`defence_felt` and :func:`praise_seen_felt` take of who sees a post and how
    they feel it: the graph's arcs, the segments, identification across them, a work table,
    the people's loyalty, status, depth and damping, and the graph's
    :func:`~socialsim.fans.identification.listener_blocks`."""
    pop, graph = day.population, day.graph
    people = (pop.loyalty, pop.status, pop.depth, pop.swing_damping)
    cross = day.scenario.identification.cross_segment
    block_bits = listener_blocks(graph.n_nodes)
    return arcs(graph), pop.segment, cross, work_table(graph.n_nodes), people, block_bits


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
) -> np.ndarray:  # pragma: no cover
    """:func:`advocates_watching`, and each count times ``rate``. Equal to this numpy, each
    author's arcs added in their order from 0.0, as ``bincount`` does::

        arcs = graph.arcs_from(authors)
        watcher = indices[arcs]
        per_arc = pop.is_advocate(watcher) * (1.0 + boost * depth[watcher])
        owner = np.repeat(np.arange(authors.size), graph.out_degree[authors])
        watching = np.bincount(owner, weights=per_arc, minlength=authors.size)
        return np.stack([watching, watching * rate])
    """
    watching = np.zeros((2, authors.size))
    # At a million people each onlooker's entries miss the cache: a walk _ARCS_AHEAD arcs
    # ahead asks for them, and for the rows it goes through, as _spread's does.
    k_ahead, arc_ahead, end_ahead = -1, 0, 0
    for _ in range(_ARCS_AHEAD):
        k_ahead, arc_ahead, end_ahead = _next_arc(indptr, authors, k_ahead, arc_ahead, end_ahead)
    for k in range(authors.size):
        u = authors[k]
        _ask_rows(indptr, indices, authors, k)
        for arc in range(indptr[u], indptr[u + 1]):
            if k_ahead < authors.size:
                prefetch(status, indices[arc_ahead])
                prefetch(loyalty, indices[arc_ahead])
                k_ahead, arc_ahead, end_ahead = _next_arc(
                    indptr, authors, k_ahead, arc_ahead, end_ahead
                )
            w = indices[arc]
            # Adding 0.0 for the others changes nothing (the sum starts at +0.0), so their
            # depth is not read: at a million people, a cache miss saved per onlooker.
            if status[w] == FAN and loyalty[w] >= PROMOTER:
                watching[0, k] += 1.0 + boost * depth[w]
        watching[1, k] = watching[0, k] * rate
    return watching


@njit(cache=True)
def advocacy_drawn(
    handle: np.ndarray,
    author: np.ndarray,
    kind: np.ndarray,
    which: int,
    indptr: np.ndarray,
    indices: np.ndarray,
    status: np.ndarray,
    loyalty: np.ndarray,
    depth: np.ndarray,
    boost: float,
    rate: float,
    drawn: np.ndarray,
) -> int:  # pragma: no cover
    """Defence's and help's draws and watchers, for the ``c`` posts of kind ``which`` (``c``
    returned): ``drawn[:c]`` a uniform for each (from the stream of ``handle``), then
    :func:`advocacy_watching`'s two rows (``rate = −hazard(p)``) in ``drawn[c:3 * c]``.
    Equal to this numpy::

        authors = author[kind == which]
        drawn[:3 * c] = np.concatenate([rng.random(authors.size), *advocacy_watching(
            indptr, indices, authors, status, loyalty, depth, boost, rate)])
    """
    rng = generator_of(handle)
    authors = _of_kind(author, kind, which)
    c = authors.size
    for k in range(c):
        drawn[k] = rng.random()
    watching = advocacy_watching(indptr, indices, authors, status, loyalty, depth, boost, rate)
    drawn[c : 2 * c], drawn[2 * c : 3 * c] = watching[0], watching[1]
    return c


@njit(cache=True)
def advocacy_answered(u: np.ndarray, watching: np.ndarray, expm1_of: np.ndarray) -> np.ndarray:
    """``u < at_least_once(p, watching)`` from ``expm1_of = np.expm1(watching · −hazard(p))``:
    equal to ``u < np.where(watching > 0, -expm1_of, 0.0)``."""
    answered = np.empty(u.size, dtype=np.bool_)
    for k in range(u.size):
        answered[k] = u[k] < (-expm1_of[k] if watching[k] > 0 else 0.0)
    return answered


@njit(cache=True)
def _answered(drawn: np.ndarray, c: int) -> np.ndarray:  # pragma: no cover
    """:func:`advocacy_answered` of the rows :func:`advocacy_drawn` wrote for ``c`` posts."""
    return advocacy_answered(drawn[:c], drawn[c : 2 * c], drawn[2 * c : 3 * c])


@njit(cache=True)
def defence_felt(
    drawn: np.ndarray,
    author: np.ndarray,
    kind: np.ndarray,
    damped: float,
    effect: float,
    onlookers: tuple,
) -> int:  # pragma: no cover
    """The onlookers of today's complaints feel them, damped where an advocate defended one;
    how many were defended. ``drawn`` is :func:`advocacy_drawn`'s, its last row through
    ``np.expm1``; ``onlookers`` is the graph's arcs (:func:`~socialsim.fans.identification.arcs`),
    the segments, identification across them, a work table, the loyalty, status, depth and
    damping :meth:`Population.feel_at` applies, and the bits of the blocks of onlookers
    (:func:`~socialsim.fans.identification.listener_blocks`; 0: none). Equal to::

        authors = author[kind == COMPLAINT]
        c = authors.size
        defended = advocacy_answered(drawn[:c], drawn[c:2 * c], drawn[2 * c:3 * c])
        harm = np.where(defended, damped, 1.0) * effect
        onlookers, felt = spread(graph, authors, -harm, segment, cross_segment)
        pop.feel_at(onlookers, felt)
        return np.count_nonzero(defended)
    """
    authors = _of_kind(author, kind, COMPLAINT)
    defended = _answered(drawn, authors.size)
    harm = np.empty(authors.size)
    for k in range(authors.size):
        harm[k] = -((damped if defended[k] else 1.0) * effect)
    graph, segment, cross_segment, table, people, block_bits = onlookers
    if block_bits:  # each onlooker is moved once, so the blocks' order moves no loyalty
        _felt_in_blocks(graph, authors, harm, segment, cross_segment, people, block_bits)
    else:
        loyalty, status, depth, damping = people
        seen, felt = _spread(*graph, authors, harm, segment, cross_segment, table)
        _feel_at(loyalty, status, depth, seen, felt, damping)
    return np.count_nonzero(defended)


@njit(cache=True)
def help_given(
    drawn: np.ndarray,
    author: np.ndarray,
    kind: np.ndarray,
    hour: np.ndarray,
    loyalty: np.ndarray,
    depth: np.ndarray,
    damping: float,
    effect: float,
    columns: tuple[np.ndarray, ...],
    start: int,
    day: int,
    last_interaction: np.ndarray,
    last_engaged: np.ndarray,
) -> int:  # pragma: no cover
    """The people helped today, their loyalty moved by ``effect``, each help logged at the
    hour of the need from row ``start`` of the log's ``columns`` (its buffers); how many.
    ``drawn`` is :func:`advocacy_drawn`'s, its last row through ``np.expm1``. Equal to::

        need = kind == NEED
        c = np.count_nonzero(need)
        helped = advocacy_answered(drawn[:c], drawn[c:2 * c], drawn[2 * c:3 * c])
        helpers = author[need][helped]
        pop.shift(helpers, effect)
        pop.record(helpers, day=day, hour=hour[need][helped], kind=HELP, channel=PUBLIC)
        return helpers.size
    """
    needs = 0
    for k in range(kind.size):
        needs += kind[k] == NEED
    helped = _answered(drawn, needs)
    helpers = np.empty(np.count_nonzero(helped), dtype=np.int64)
    k = count = 0
    for post in range(kind.size):
        if kind[post] == NEED:
            if helped[k]:
                helpers[count] = author[post]
                interactions_row(
                    *(columns, start + count, author[post], day, hour[post], _HELP, _PUBLIC),
                    *(-1, last_interaction, last_engaged),
                )
                count += 1
            k += 1
    _shift(loyalty, depth, helpers, np.full(count, effect), damping)
    return count


_HELP, _PUBLIC = int(Kind.HELP), int(Channel.PUBLIC)


@njit(cache=True)
def praise_seen_felt(
    author: np.ndarray,
    kind: np.ndarray,
    effect: float,
    onlookers: tuple,
) -> float:  # pragma: no cover
    """The onlookers of today's praise feel it; the sum of what those still listening felt,
    in numpy's order (``onlookers`` as :func:`defence_felt` takes them). Equal to::

        authors = author[kind == PRAISE]
        onlookers, felt = spread(graph, authors, effect, segment, cross_segment)
        listening = status[onlookers] != CHURNED
        pop.feel_at(onlookers, felt)
        return float(felt[listening].sum())
    """
    authors = _of_kind(author, kind, PRAISE)
    values = np.full(authors.size, effect)
    # Never in blocks: the total is summed in the table's order of onlookers.
    graph, segment, cross_segment, table, (loyalty, status, depth, damping), _ = onlookers
    seen, felt = _spread(*graph, authors, values, segment, cross_segment, table)
    heard = np.empty(felt.size)
    count = 0
    for k in range(seen.size):
        if status[seen[k]] != CHURNED:
            heard[count] = felt[k]
            count += 1
    _feel_at(loyalty, status, depth, seen, felt, damping)
    return numpy_sum(heard[:count])


@njit(cache=True)
def _of_kind(author: np.ndarray, kind: np.ndarray, which: int) -> np.ndarray:  # pragma: no cover
    """``author[kind == which]``."""
    count = 0
    for k in range(kind.size):
        count += kind[k] == which
    authors = np.empty(count, dtype=np.int64)
    count = 0
    for k in range(kind.size):
        if kind[k] == which:
            authors[count] = author[k]
            count += 1
    return authors
