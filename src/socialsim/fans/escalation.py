"""Escalation: public complaints re-shared through onlookers, and media pick-up.

A public complaint can be re-shared by the people who see it (Herhausen, Ludwig, Grewal, Wulf
& Schoegel 2019: virality rises with high-arousal negative emotion and the sender's ties). Each
complaint gets an arousal ``a`` drawn uniformly on [0, 1]; an onlooker ``v`` in the audience of
``u`` re-shares it with probability ``p · a · ident(u, v)``, ``p`` being
``escalation.reshare_prob`` and ``ident`` the identification of :mod:`socialsim.fans.identification`.
A re-share is a post of its own, with the same arousal, seen by the re-sharer's audience, who
may re-share it in turn: an independent cascade on the graph (:func:`socialsim.fans.cascade.fire`;
an arc of probability ``p · w`` fires at ``p`` and is kept with probability ``w``), in which
each person re-shares at most once a day. The well-connected matter (seed 004's "well
connected angry customers"): a complaint's first round reaches its author's whole audience.
Re-shares appear at a uniform hour between their source and the end of the day, and join the
day's posts as complaints (``day.posts``): listening may catch them, the team may answer them,
and their audiences feel them as they feel any complaint (:mod:`socialsim.fans.advocacy`).

While the brand is in crisis mode (:mod:`socialsim.brand.early_warning`), its stance scales
``p``: answering publicly with empathy by ``escalation.empathy_damping``, moving complaints to a
private channel by ``escalation.private_damping``, compensating in public by
``escalation.compensation_boost`` (directions from Herhausen et al. 2019).

When the day's public negative posts (complaints and re-shares) reach
``escalation.media_threshold`` per 1,000 people, and at least ``escalation.media_min_posts``, the
media pick the story up: for
``escalation.media_days`` days, counted from the last day above the threshold, the coverage
reaches a share ``escalation.media_reach`` of everyone, prospects included, each day, and each
person reached loses ``escalation.media_effect`` loyalty.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.chance import hazard
from socialsim.day import Counts, phase
from socialsim.fans.cascade import cascade_arc_count, cascade_arcs, cascade_successes_of, grown
from socialsim.kernels import generator_of, njit, outputs, stream_handle
from socialsim.network.graph import work_table
from socialsim.posts import COMPLAINT, PostKind, Posts

if TYPE_CHECKING:
    from socialsim.day import Day
    from socialsim.network.graph import SocialGraph

__all__ = [
    "escalation",
    "escalation_cascade",
    "escalation_reached",
    "escalation_reshares",
    "reshare_cascade",
]

_KPIS = ("reshares", "negative_posts", "media_days", "reached_negative")
_NOTHING = dict.fromkeys(_KPIS, 0)


@phase("escalation", kpis=_KPIS)
def escalation(day: Day, rng: np.random.Generator) -> Counts:
    """Re-shares of today's complaints (added to ``day.posts``, re-sharers in ``day.reshares``),
    and media coverage."""
    params, pop, t, posts, graph = (
        day.scenario.escalation,
        day.population,
        day.t,
        day.posts,
        day.graph,
    )
    if not len(posts) and day.crisis.media_until < t:  # a quiet day, without a call
        return _NOTHING.copy()
    n = len(pop)
    table, who, hour = work_table(n), outputs(n, np.int64), outputs(n)
    complaints, reshares, reached_negative = escalation_reshares(
        stream_handle(rng),
        posts.author,
        posts.kind,
        posts.hour,
        graph.indptr,
        graph.indices,
        pop.segment,
        day.scenario.identification.cross_segment,
        min(params.reshare_prob * _stance(day), 1.0),
        pop.posts_made,
        table,
        who,
        hour,
    )
    if reshares:  # re-shares are complaints too, posted by the re-sharers
        day.reshares = who[:reshares].copy()
        day.posts = Posts(
            author=np.concatenate([posts.author, day.reshares]),
            kind=np.concatenate([posts.kind, np.full(reshares, COMPLAINT, np.int8)]),
            hour=np.concatenate([posts.hour, hour[:reshares]]),
        )
    negative = complaints + reshares
    if negative >= max(params.media_min_posts, params.media_threshold * n / 1000.0, 1):
        day.crisis.media_until = max(day.crisis.media_until, t + params.media_days - 1)
    covered = day.crisis.media_until >= t
    if covered:  # the media reach people too: who saw a negative post, counted again
        reached, _ = pop.anyone.draw(hazard(params.media_reach), seed=rng)
        pop.feel_at(reached, np.full(reached.size, -params.media_effect))
        reached_negative = escalation_reached(
            graph.indptr,
            graph.indices,
            posts.of_kind(PostKind.COMPLAINT),
            day.reshares,
            reached,
            table,
        )
    return {
        "reshares": reshares,
        "negative_posts": negative,
        "media_days": int(covered),
        "reached_negative": reached_negative,
    }


def _stance(day: Day) -> float:
    """How the brand's crisis-mode stance scales the re-share chance (1 outside crisis mode)."""
    if day.crisis.detector.mode_until < day.t:
        return 1.0
    reaction, params = day.scenario.reaction, day.scenario.escalation
    channel = day.scenario.policy.channel if reaction.channel == "keep" else reaction.channel
    scale = {"keep": 1.0, "public": params.empathy_damping, "private": params.private_damping}[
        reaction.channel
    ]
    if reaction.compensate and channel == "public":
        scale *= params.compensation_boost
    return scale


def reshare_cascade(
    graph: SocialGraph,
    authors: np.ndarray,
    arousal: np.ndarray,
    hours: np.ndarray,
    segment: np.ndarray,
    cross_segment: float,
    p: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Who re-shares the complaints of ``authors``, and when: an independent cascade.

    Parameters
    ----------
    graph : SocialGraph
        Who sees whose posts.
    authors : numpy.ndarray of int64, shape (c,)
        The complaints' authors (distinct): they do not re-share.
    arousal : numpy.ndarray of float64, shape (c,)
        Each complaint's arousal in [0, 1].
    hours : numpy.ndarray of float64, shape (c,)
        Hour of each complaint, in [0, 24).
    segment : numpy.ndarray
        Everyone's identity segment.
    cross_segment : float
        Identification across segments.
    p : float
        Re-share chance at arousal 1 and full identification, in [0, 1].
    rng : numpy.random.Generator
        The escalation stream.

    Returns
    -------
    who : numpy.ndarray of int64
        The re-sharers, each once.
    hour : numpy.ndarray of float64
        When each re-shared, between the hour of what they re-shared and 24.

    Examples
    --------
    >>> from socialsim.network.graph import SocialGraph
    >>> path = SocialGraph.from_edges([0, 1, 2], [1, 2, 3], n_nodes=5, directed=False)
    >>> who, hour = reshare_cascade(path, np.array([0]), np.ones(1), np.zeros(1),
    ...                             np.zeros(5, np.int64), 1.0, 1.0, np.random.default_rng(0))
    >>> sorted(who.tolist()), bool((hour >= 0).all() and (hour < 24).all())
    ([1, 2, 3], True)
    """
    cascade = (
        graph.indptr,
        graph.indices,
        np.asarray(authors, dtype=np.int64),
        np.asarray(arousal, dtype=np.float64),
        np.asarray(hours, dtype=np.float64),
        segment,
        float(cross_segment),
        float(p),
        work_table(segment.size),
    )
    return escalation_cascade(stream_handle(rng), cascade)


@njit(cache=True)
def escalation_reshares(
    handle: np.ndarray,
    author: np.ndarray,
    kind: np.ndarray,
    hour: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    segment: np.ndarray,
    cross_segment: float,
    p: float,
    posts_made: np.ndarray,
    table: np.ndarray,
    who: np.ndarray,
    when: np.ndarray,
) -> tuple[int, int, int]:  # pragma: no cover
    """The day's re-shares: the phase's draws and loops in one call.

    Writes the re-sharers and their hours at the start of ``who`` and ``when`` (room for
    everyone) and counts their posts; returns how many complaints there were, how many
    re-shares, and how many distinct people saw a negative post (the media aside).
    ``handle`` is the escalation stream's (:func:`~socialsim.kernels.stream_handle`);
    ``table`` is scratch, one entry per person.

    Equal to this numpy (``rng`` the stream)::

        complaint = kind == COMPLAINT
        authors = author[complaint]
        arousal = rng.random(authors.size)
        who, when = reshare_cascade(graph, authors, arousal, hour[complaint], segment,
                                    cross_segment, p, rng)
        posts_made[who] += 1
        reached = escalation_reached(indptr, indices, authors, who, [], table)
        return authors.size, who.size, reached
    """
    rng = generator_of(handle)
    complaints = 0
    for k in range(kind.size):
        complaints += kind[k] == COMPLAINT
    authors = np.empty(complaints, dtype=np.int64)
    hours = np.empty(complaints)
    arousal = np.empty(complaints)
    at = 0
    for k in range(kind.size):
        if kind[k] == COMPLAINT:
            authors[at], hours[at], arousal[at] = author[k], hour[k], rng.random()
            at += 1
    found = _reshares(
        rng, indptr, indices, authors, arousal, hours, segment, cross_segment, p, table, who, when
    )
    for person in who[:found]:
        posts_made[person] += 1
    reached = escalation_reached(indptr, indices, authors, who[:found], who[:0], table)
    return complaints, found, reached


@njit(cache=True)
def escalation_cascade(
    handle: np.ndarray, cascade: tuple
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """:func:`reshare_cascade`, drawing from the stream of ``handle``; ``cascade`` holds
    :func:`_reshares`' arguments from ``indptr`` to ``table``."""
    people = cascade[5].size  # the segment of each
    who, when = np.empty(people, dtype=np.int64), np.empty(people)
    found = _reshares(generator_of(handle), *cascade, who, when)
    return who[:found].copy(), when[:found].copy()


@njit(cache=True)
def _reshares(
    rng: np.random.Generator,
    indptr: np.ndarray,
    indices: np.ndarray,
    authors: np.ndarray,
    arousal: np.ndarray,
    hours: np.ndarray,
    segment: np.ndarray,
    cross_segment: float,
    p: float,
    table: np.ndarray,
    who: np.ndarray,
    when: np.ndarray,
) -> int:  # pragma: no cover
    """The cascade of :func:`reshare_cascade`, level by level: the re-sharers and their hours
    written at the start of ``who`` and ``when``, how many returned. Each level is equal to::

        sender, target = fire(graph, frontier, p, seed=rng)   # no arc fired: the end
        draws = rng.random(sender.size)    # an arc is kept if its draw is under its weight
        same = segment[frontier[sender]] == segment[target]
        keep = draws < level[sender] * np.where(same, 1.0, cross_segment)
        target, first = np.unique(target[keep], return_index=True)
        sender = sender[keep][first]
        new = ~seen[target]                # the authors and earlier re-sharers
        target, sender = target[new], sender[new]    # none: the end
        seen[target] = True
        start = when[sender]
        hour = start + (24.0 - start) * rng.random(target.size)
        frontier, level, when = target, level[sender], hour

    ``table`` is scratch, one entry per person: who has been seen is the list ``seen`` and,
    for a person ``v``, ``table[v]``, their place in it if they are there.
    """
    seen = np.empty(max(16, 2 * authors.size), dtype=np.int64)
    count = 0
    for person in authors:
        table[person] = count
        seen[count] = person
        count += 1
    found = 0
    frontier, level, start = authors, arousal, hours
    while frontier.size and p > 0:
        arcs = cascade_successes_of(rng, cascade_arc_count(indptr, frontier), p)
        if arcs.size == 0:  # no arc fired: the cascade ends (a draw of none takes nothing)
            break
        sender = np.empty(arcs.size, dtype=np.int64)
        cascade_arcs(indptr, frontier, arcs, sender)
        draws = np.empty(arcs.size)
        for i in range(arcs.size):
            draws[i] = rng.random()
        target = np.empty(arcs.size, dtype=np.int64)
        first = np.empty(arcs.size, dtype=np.int64)
        new = 0
        for i in range(arcs.size):
            v, s = indices[arcs[i]], sender[i]
            same = segment[frontier[s]] == segment[v]
            if draws[i] < level[s] * (1.0 if same else cross_segment):
                place = table[v]
                if not (0 <= place < count and seen[place] == v):
                    if count == seen.size:
                        seen = grown(seen, count)
                    table[v], seen[count] = count, v
                    count += 1
                    target[new], first[new] = v, s
                    new += 1
        if new == 0:
            break
        order = np.argsort(target[:new])  # the new re-sharers in increasing order
        frontier = target[:new][order]
        sender = first[:new][order]
        hour = np.empty(new)
        for i in range(new):
            begin = start[sender[i]]
            hour[i] = begin + (24.0 - begin) * rng.random()
        who[found : found + new], when[found : found + new] = frontier, hour
        found += new
        level, start = level[sender], hour
    return found


@njit(cache=True)
def _audiences(
    indptr: np.ndarray,
    indices: np.ndarray,
    posters: np.ndarray,
    table: np.ndarray,
    at: int,
    counting: bool,
) -> tuple[int, int]:  # pragma: no cover
    """Walk the posters' audiences, numbered from ``at``: write each person's position in
    ``table`` or, ``counting``, count the people whose position it holds (their last)."""
    count = 0
    for poster in posters:
        for arc in range(indptr[poster], indptr[poster + 1]):
            if counting:
                count += table[indices[arc]] == at
            else:
                table[indices[arc]] = at
            at += 1
    return at, count


@njit(cache=True)
def escalation_reached(
    indptr: np.ndarray,
    indices: np.ndarray,
    authors: np.ndarray,
    resharers: np.ndarray,
    reached: np.ndarray,
    table: np.ndarray,
) -> int:  # pragma: no cover
    """How many distinct people saw a negative post: the audiences of ``authors`` and of
    ``resharers``, and the people the media ``reached``. ``table`` is scratch, one entry per
    person.

    Equal to this numpy::

        posters = np.concatenate([authors, resharers])
        audience = np.concatenate([indices[graph.arcs_from(posters)], reached])
        return distinct(audience, n_people).size
    """
    at, _ = _audiences(indptr, indices, authors, table, 0, False)  # each keeps their last
    at, _ = _audiences(indptr, indices, resharers, table, at, False)
    for person in reached:
        table[person] = at
        at += 1
    at, count = _audiences(indptr, indices, authors, table, 0, True)  # and counts there
    at, more = _audiences(indptr, indices, resharers, table, at, True)
    count += more
    for person in reached:
        count += table[person] == at
        at += 1
    return count
