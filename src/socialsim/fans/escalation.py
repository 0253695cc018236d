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
from socialsim.fans.cascade import fire
from socialsim.kernels import njit
from socialsim.network.graph import work_table
from socialsim.posts import PostKind, Posts

if TYPE_CHECKING:
    from socialsim.day import Day
    from socialsim.network.graph import SocialGraph

__all__ = ["escalation", "escalation_new_resharers", "escalation_reached", "reshare_cascade"]

_KPIS = ("reshares", "negative_posts", "media_days", "reached_negative")
_NO_ONE = np.empty(0, np.int64)
_NO_HOURS = np.empty(0)


@phase("escalation", kpis=_KPIS)
def escalation(day: Day, rng: np.random.Generator) -> Counts:
    """Re-shares of today's complaints (added to ``day.posts``, re-sharers in ``day.reshares``),
    and media coverage."""
    params, pop, t = day.scenario.escalation, day.population, day.t
    if not len(day.posts) and day.crisis.media_until < t:  # a quiet day, without the masks
        return dict.fromkeys(_KPIS, 0)
    complaint = day.posts.kind == PostKind.COMPLAINT
    authors = day.posts.author[complaint]
    media_before = day.crisis.media_until >= t
    if authors.size == 0 and not media_before:
        return dict.fromkeys(_KPIS, 0)
    arousal = rng.random(authors.size)
    p = min(params.reshare_prob * _stance(day), 1.0)
    who, hour = reshare_cascade(
        day.graph,
        authors,
        arousal,
        day.posts.hour[complaint],
        pop.segment,
        day.scenario.identification.cross_segment,
        p,
        rng,
    )
    if who.size:
        posts = day.posts
        day.posts = Posts(
            author=np.concatenate([posts.author, who]),
            kind=np.concatenate([posts.kind, np.full(who.size, PostKind.COMPLAINT, np.int8)]),
            hour=np.concatenate([posts.hour, hour]),
        )
        pop.posts_made[who] += 1
        day.reshares = who
    negative = authors.size + who.size
    if negative >= max(params.media_min_posts, params.media_threshold * len(pop) / 1000.0, 1):
        day.crisis.media_until = max(day.crisis.media_until, t + params.media_days - 1)
    covered = day.crisis.media_until >= t
    reached = _NO_ONE
    if covered:
        reached, _ = pop.anyone.draw(hazard(params.media_reach), seed=rng)
        pop.feel_at(reached, np.full(reached.size, -params.media_effect))
    graph = day.graph
    return {
        "reshares": int(who.size),
        "negative_posts": int(negative),
        "media_days": int(covered),
        "reached_negative": escalation_reached(
            graph.indptr, graph.indices, authors, who, reached, work_table(len(pop))
        ),
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
    seen = np.zeros(segment.size, bool)  # the authors and everyone who re-shared so far
    seen[authors] = True
    # Scratch for a new re-sharer's first sender, each entry written before it is read: the
    # thread's work table, not 8 MB allocated (and faulted in) a day at a million people.
    first = work_table(segment.size)
    found_who, found_hour = [], []
    frontier, level, when = authors, arousal, hours
    while frontier.size and p > 0:
        sender, target = fire(graph, frontier, p, seed=rng)
        if sender.size == 0:  # no arc fired: the cascade ends (a draw of none takes nothing)
            break
        draws = rng.random(sender.size)  # an arc is kept if its draw is under its weight
        target, sender = escalation_new_resharers(
            target, sender, draws, level, frontier, segment, cross_segment, seen, first
        )
        if target.size == 0:
            break
        start = when[sender]
        found_who.append(target)
        found_hour.append(start + (24.0 - start) * rng.random(target.size))
        frontier, level, when = target, level[sender], found_hour[-1]
    if not found_who:  # most days
        return _NO_ONE, _NO_HOURS
    if len(found_who) == 1:
        return found_who[0], found_hour[0]
    return np.concatenate(found_who), np.concatenate(found_hour)


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


@njit(cache=True)
def escalation_new_resharers(
    target: np.ndarray,
    sender: np.ndarray,
    draws: np.ndarray,
    level: np.ndarray,
    frontier: np.ndarray,
    segment: np.ndarray,
    cross_segment: float,
    seen: np.ndarray,
    first: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """The fired arcs kept (a draw under the sender's arousal ``level`` times identification),
    their targets not ``seen`` yet, in increasing order, each with the sender of its first
    kept arc; marks them ``seen``. ``first`` is scratch, one entry per person.

    Equal to this numpy, where ``seen_ids`` lists the people marked::

        same = segment[frontier[sender]] == segment[target]
        keep = draws < level[sender] * np.where(same, 1.0, cross_segment)
        target, first = np.unique(target[keep], return_index=True)
        sender = sender[keep][first]
        new = ~np.isin(target, seen_ids, assume_unique=True)
        target, sender = target[new], sender[new]
        seen_ids = np.union1d(seen_ids, target)
    """
    new = np.empty(target.size, np.int64)
    count = 0
    for i in range(target.size):
        same = segment[frontier[sender[i]]] == segment[target[i]]
        keep = draws[i] < level[sender[i]] * (1.0 if same else cross_segment)
        if keep and not seen[target[i]]:
            seen[target[i]] = True
            first[target[i]] = sender[i]
            new[count] = target[i]
            count += 1
    new = np.sort(new[:count])
    return new, first[new]
