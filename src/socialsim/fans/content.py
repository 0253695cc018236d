"""Brand content: posts on a calendar, their reach, wear-out, likes, comments and shares.

The calendar
    The brand's policy spends staff hours writing posts, ``c = content.staff_hours_per_post``
    each, out of the team's reply time (:mod:`socialsim.brand.policies.calendar`,
    :func:`socialsim.brand.agent.triage`); fractional hours write part of a post. The whole
    posts written by yesterday go out today, spread evenly over the working day, before
    listening, so that it hears the comments they draw. A calendar of ``R`` posts a day (or a
    share of the team's hours worth ``R``) publishes ``⌊R t⌋ − ⌊R (t − 1)⌋`` posts on day
    ``t + 1``: any team with hours produces content, at its own pace.
Reach and attention
    A post reaches each fan (follower) with probability ``content.reach`` (organic reach,
    references-brand.md §6). Its likes, comments and shares come within the day of posting,
    ``Exp(ln 2 / content.half_life_hours)`` hours after it, cut at midnight.
Wear-out and recovery
    Each fan carries a count ``x`` of recent exposures that fades with time constant
    ``content.recovery_days``; a post finds a fan at ``x`` worth ``exp(−x / W)`` of a fresh one,
    ``W = content.wearout_exposures``, then adds one to ``x``. At a steady ``r`` exposures a
    day, ``x`` settles near ``r / (e^{1/T} − 1)`` when a post comes: a post keeps a positive
    effect however often the brand posts, and the effect recovers when it pauses.
What a reached person does
    Loyalty moves by ``content.exposure_gain · relevance · worth``. The person likes, comments
    and shares independently, each at hazard ``h(rate) · m``, with
    ``m = relevance · worth · L / 10 · (1 + relationship.boost · depth) · activity`` and an
    advocate's share hazard times ``content.advocate_share``. A like adds
    ``content.like_gain`` (0: liking changes nothing, John et al. 2017) and no depth. A comment
    is a public post about the brand (kind praise) that listening can hear and the brand can
    answer: an answered comment is a two-way interaction (dialogue). A share reaches each of
    the sharer's audience with probability ``response.visibility``, each viewer feeling the
    sharer's endorsement, a positive word-of-mouth message (``wom.effect``) scaled by tie
    strength and identification with the sharer (:mod:`socialsim.fans.identification`);
    viewers are reached by the post in turn and may share it on: a cascade, each person at most
    once per post (most cascades end within one step, Goel, Watts & Goldstein 2012).

Every like, comment and share is logged with the post's id (:mod:`socialsim.interactions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.chance import hazard
from socialsim.day import Counts, phase
from socialsim.fans.identification import identification
from socialsim.interactions import Channel, Kind
from socialsim.network.graph import sum_by
from socialsim.population import Population, Status
from socialsim.posts import PostKind, Posts

if TYPE_CHECKING:
    from socialsim.day import Day
    from socialsim.relationship import ContentParams

__all__ = ["content", "wear"]

_KPIS = (
    "broadcasts",
    "content_reach",
    "likes",
    "comments",
    "shares",
    "engaged_fans",
    "engagement_rate",
    "loyalty_change_broadcast",
)
_NOTHING: Counts = dict.fromkeys(_KPIS, 0) | {
    "engagement_rate": float("nan"),
    "loyalty_change_broadcast": 0.0,
}
_ACTS = (Kind.LIKE, Kind.COMMENT, Kind.SHARE)


def wear(
    exposures: np.ndarray, days_since: np.ndarray, wearout: float, recovery_days: float
) -> tuple[np.ndarray, np.ndarray]:
    """What a post is worth to people with ``exposures`` recent exposures ``days_since`` ago.

    Returns the worth, ``exp(−x / wearout)`` with ``x = exposures · exp(−days_since /
    recovery_days)``, and the count after this exposure, ``x + 1``.

    Examples
    --------
    A fan reached every day finds each post at ``x = 1 / (e^{1/T} − 1)`` recent exposures, so
    a daily post keeps a positive worth, ``exp(−x / W)``:

    >>> x, worth = np.zeros(1), []
    >>> for day in range(200):
    ...     w, x = wear(x, np.ones(1), 10.0, 14.0)
    ...     worth.append(float(w[0]))
    >>> round(worth[-1], 3), round(float(np.exp(-1 / np.expm1(1 / 14) / 10)), 3)
    (0.259, 0.259)
    """
    recent = exposures * np.exp(-days_since / recovery_days)
    return np.exp(-recent / wearout), recent + 1.0


@phase("content", kpis=_KPIS)
def content(day: Day, rng: np.random.Generator) -> Counts:
    """Publish the posts the brand wrote by yesterday; the people they reach react
    (``day.posts`` gains the comments, ``day.published`` the count)."""
    first, count = day.brand.publish()
    day.published = count
    if count == 0:  # most days: nothing published, nothing drawn
        return _NOTHING.copy()
    team = day.scenario.team
    day_post = _DayOfPosts(day, rng)
    for k in range(count):
        day_post.publish(first + k, team.start_hour + team.hours_per_day * k / count)
    return _NOTHING | day_post.counts(day.population)


class _DayOfPosts:
    """The day's posts, one after the other, and what they add up to."""

    def __init__(self, day: Day, rng: np.random.Generator) -> None:
        self.day, self.rng = day, rng
        self.reach = 0
        self.acts = {kind: 0 for kind in _ACTS}
        self.change = 0.0
        self.engaged: list[np.ndarray] = [np.empty(0, np.int64)]
        self.comments: list[tuple[np.ndarray, np.ndarray]] = []

    def publish(self, post: int, hour: float) -> None:
        """One post: its direct reach among fans, then its shares, round after round."""
        pop, s = self.day.population, self.day.scenario
        drawn, _ = pop.anyone.draw(hazard(s.content.reach), seed=self.rng)
        reached = drawn[pop.status[drawn] == Status.FAN]
        sharers = self._react(reached, 0.0, post, hour, Channel.BRAND_POST)
        seen = reached
        while sharers.size:
            viewers, endorsement = self._shares_seen(sharers, seen)
            seen = np.concatenate([seen, viewers])
            sharers = self._react(viewers, endorsement, post, hour, Channel.SHARED)

    def _shares_seen(self, sharers: np.ndarray, seen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Who sees the sharers' shares for the first time, and the endorsement each feels."""
        graph, pop, s = self.day.graph, self.day.population, self.day.scenario
        arcs = graph.arcs_from(sharers)
        sharer = np.repeat(sharers, graph.out_degree[sharers])
        fired = self.rng.random(arcs.size) < s.response.visibility
        arcs, sharer = arcs[fired], sharer[fired]
        viewer = graph.indices[arcs].astype(np.int64)
        new = (pop.status[viewer] != Status.CHURNED) & ~np.isin(viewer, seen)
        arcs, sharer, viewer = arcs[new], sharer[new], viewer[new]
        cross = s.identification.cross_segment
        felt = s.wom.effect * identification(pop.segment[sharer], pop.segment[viewer], cross)
        if graph.weights is not None:
            felt *= graph.weights[arcs]
        return sum_by(viewer, felt, len(pop))

    def _react(
        self,
        who: np.ndarray,
        endorsement: np.ndarray | float,
        post: int,
        hour: float,
        channel: Channel,
    ) -> np.ndarray:
        """Exposure, wear-out, likes, comments and shares of the people ``who``; the sharers."""
        if who.size == 0:
            return who
        pop, s, t = self.day.population, self.day.scenario, self.day.t
        params, boost = s.content, s.relationship.boost
        worth, pop.exposures[who] = wear(
            pop.exposures[who],
            t - pop.exposure_day[who],
            params.wearout_exposures,
            params.recovery_days,
        )
        pop.exposure_day[who] = t
        propensity = (
            params.relevance
            * worth
            * (pop.loyalty[who] / 10.0)
            * (1.0 + boost * pop.depth[who])
            * pop.activity[who]
        )
        advocate = np.where(pop.is_advocate(who), params.advocate_share, 1.0)
        rates = (params.like_rate, params.comment_rate, params.share_rate)
        uniforms = self.rng.random((3, who.size))
        acted = [
            uniforms[i] < -np.expm1(-hazard(rate) * propensity * (advocate if i == 2 else 1.0))
            for i, rate in enumerate(rates)
        ]
        change = (
            params.exposure_gain * params.relevance * worth
            + params.like_gain * acted[0]
            + endorsement
        )
        pop.feel_at(who, change)
        self.reach += who.size
        self.change += float(change[pop.status[who] != Status.CHURNED].sum())
        for kind, did in zip(_ACTS, acted, strict=True):
            self._log(who[did], kind, post, hour, channel)
        self.engaged.append(who[acted[0] | acted[1] | acted[2]])
        return who[acted[2]]

    def _log(self, who: np.ndarray, kind: Kind, post: int, hour: float, channel: Channel) -> None:
        """Log acts at the hours attention brings them; comments become posts for listening."""
        self.acts[kind] += who.size
        if who.size == 0:
            return
        when = hour + _delays(self.rng, who.size, 24.0 - hour, self.day.scenario.content)
        self.day.population.record(
            who, day=self.day.t, hour=when, kind=kind, channel=channel, post=post
        )
        if kind == Kind.COMMENT:
            self.comments.append((who, when))

    def counts(self, pop: Population) -> Counts:
        """The day's KPIs; today's comments join the day's posts (``day.posts``)."""
        engaged = np.unique(np.concatenate(self.engaged))
        engaged_fans = int(np.count_nonzero(pop.status[engaged] == Status.FAN))
        fans = int(np.count_nonzero(pop.fans))
        if self.comments:
            authors = np.concatenate([a for a, _ in self.comments])
            hours = np.concatenate([h for _, h in self.comments])
            day = self.day
            day.posts = Posts(
                author=np.concatenate([day.posts.author, authors]),
                kind=np.concatenate(
                    [day.posts.kind, np.full(authors.size, PostKind.PRAISE, np.int8)]
                ),
                hour=np.concatenate([day.posts.hour, hours]),
            )
            np.add.at(pop.posts_made, authors, 1)
        return {
            "broadcasts": self.day.published,
            "content_reach": self.reach,
            "likes": self.acts[Kind.LIKE],
            "comments": self.acts[Kind.COMMENT],
            "shares": self.acts[Kind.SHARE],
            "engaged_fans": engaged_fans,
            "engagement_rate": 100.0 * engaged_fans / fans if fans else float("nan"),
            "loyalty_change_broadcast": self.change,
        }


def _delays(rng: np.random.Generator, n: int, left: float, params: ContentParams) -> np.ndarray:
    """Hours from a post to each of ``n`` acts: exponential at the post's half-life, within
    the ``left`` hours of its day (the inverse of the truncated law's distribution)."""
    decay = np.log(2.0) / params.half_life_hours
    return -np.log1p(-rng.random(n) * -np.expm1(-decay * left)) / decay
