"""Experiences with the brand, and the public posts they lead to.

Each day every fan may have a good or a bad experience (exclusive, at the configured daily
rates). A bad experience costs loyalty and may be complained about in public; a good one
adds loyalty and may be praised. Fans and prospects alike may post a need or a question
("when someone states that they have a need", seed 003). The chance to post grows with a
person's activity level ``a``: a post that an average person makes with probability ``r`` is
made with probability ``1 - (1 - r)^a``.

An active root-cause episode (:mod:`socialsim.fans.root_causes`) multiplies the bad-experience
probability of the people it touches; several overlapping episodes add their excesses, and the
probability is capped at ``1 - good_rate`` (failures cannot become more than certain).

Which people have an experience, and which post a need, is drawn whatever their state
(:class:`~socialsim.chance.Arrivals`), and the draws that follow (posting, the hour) are made
for each of them, fan or not: the experience stream stays aligned across runs that differ only
in strategy (common random numbers).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from socialsim.chance import Events, arrivals_events, hazard
from socialsim.day import Counts, phase
from socialsim.fans.root_causes import excess
from socialsim.kernels import generator_of, njit
from socialsim.population import CHURNED, FAN
from socialsim.posts import COMPLAINT, NEED, PRAISE, Posts
from socialsim.scenario import ExperienceParams

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["experiences", "experiences_outcomes", "experiences_uniforms"]

_NO_POSTS = Posts.gather({})
_NOTHING = np.empty(0)


@phase(
    "experiences",
    kpis=("good_experiences", "bad_experiences", "complaints", "praise", "needs"),
)
def experiences(day: Day, rng: np.random.Generator) -> Counts:
    """Draw today's experiences, apply their effect on loyalty and post about them (``day.posts``)."""
    pop, params = day.population, day.scenario.experiences
    segment, extra = excess(day)
    # Everyone is drawn at the highest rate anyone has today, then each person kept at their
    # own: with no episode (or one touching everyone) this is the plain draw at one rate.
    more = 1.0 + extra.sum() if extra.size else 1.0  # (the same number: 1.0 + 0.0 is 1.0)
    worst = min(params.bad_rate * more, 1.0 - params.good_rate)
    if worst + params.good_rate == 0.0 and params.need_rate == 0.0:
        # Nobody can have an experience or a need (every rate 0, the engine comparison's day):
        # both event draws at hazard 0 and the draws of their size 0 take no numbers, and
        # nobody changes.
        day.posts = _NO_POSTS
        return dict.fromkeys(experiences.kpis, 0)
    # The candidates, then their posting and hour uniforms, then the needs (whose hours the
    # outcomes draw), in the stream's order; only the fans among the candidates are kept. The
    # posting uniform u is wanted as E = -log1p(-u): numpy's log1p (a compiled one may round
    # differently) makes uniforms[0], which holds -u, into -E.
    fans, e, uniforms = experiences_uniforms(
        pop.anyone.events(hazard(worst + params.good_rate), seed=rng), pop.status
    )
    minus_e = uniforms[0]
    np.log1p(minus_e, out=minus_e)
    effects, everyones = _effects(params)
    had, bad_hazard = _hazards(fans, pop.segment, segment, extra, params, everyones)
    good, bad, complaints, praise, needing, posts, kind, hours = experiences_outcomes(
        pop.by_activity.events(hazard(params.need_rate), seed=rng),
        fans,
        e,
        uniforms,
        had,
        bad_hazard,
        effects,
        pop.status,
        pop.activity,
        pop.complaint_propensity,
        pop.loyalty,
        pop.depth,
        pop.damping if pop.max_depth > 0.0 else 0.0,  # as Population.shift
        pop.posts_made,
    )
    day.posts = Posts(author=posts, kind=kind, hour=hours)
    return {
        "good_experiences": good,
        "bad_experiences": bad,
        "complaints": complaints,
        "praise": praise,
        "needs": needing,
    }


@lru_cache(maxsize=16)
def _effects(params: ExperienceParams) -> tuple[np.ndarray, np.ndarray]:
    """``(−bad_impact, good_impact, hazard(complaint_rate), hazard(praise_rate))``, and
    ``hazard(bad_rate)`` as an array of one: a run's parameters, worked out once (read, never
    written)."""
    effects = np.array(
        [
            -params.bad_impact,
            params.good_impact,
            hazard(params.complaint_rate),
            hazard(params.praise_rate),
        ]
    )
    return effects, np.atleast_1d(hazard(params.bad_rate))


def _hazards(
    lived: np.ndarray,
    segments: np.ndarray,
    touched: np.ndarray,
    extra: np.ndarray,
    params: ExperienceParams,
    everyones: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each candidate's hazard of an experience and of a bad one today, as
    :func:`experiences_outcomes` takes them: the first empty when everyone drawn had an
    experience, the second of size 1 when it is everyone's (``everyones``: with no episode)."""
    bad_rate, good_rate = params.bad_rate, params.good_rate
    if extra.size == 0:
        return _NOTHING, everyones
    if np.all(touched < 0):
        bad_rate = min(bad_rate * (1.0 + extra.sum()), 1.0 - good_rate)
        return _NOTHING, np.atleast_1d(hazard(bad_rate))
    multiplier = np.ones(lived.size)
    mine = segments[lived]
    for seg, more in zip(touched.tolist(), extra.tolist(), strict=True):
        multiplier += more if seg < 0 else more * (mine == seg)
    each = np.minimum(bad_rate * multiplier, 1.0 - good_rate)
    return hazard(each + good_rate), hazard(each)


@njit(cache=True)
def experiences_uniforms(
    events: Events, status: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The day's candidates (:meth:`~socialsim.chance.Arrivals.events` of everyone) and their
    posting and hour uniforms, drawn here in that order, then the fans among them: the fans,
    their ``E`` and ``out``, their uniforms (shape ``(2, fans)``). Equal to ``lived, e =
    anyone.draw(rate, seed=rng)`` (the events' rate and stream), ``out[0] =
    np.negative(rng.random(n, dtype=np.float32), dtype=np.float64)`` (the first step of
    :func:`~socialsim.chance.exponential`), ``out[1] = rng.random(n)``, then ``fan =
    status[lived] == FAN`` and ``lived[fan], e[fan], out[:, fan]``."""
    lived, e, _ = arrivals_events(events)
    rng = generator_of(events[1])
    posting = rng.random(lived.size, dtype=np.float32)
    hour = rng.random(lived.size)
    fans = 0
    for k in range(lived.size):  # the fans to the front, in order, in place
        lived[fans], e[fans], posting[fans], hour[fans] = lived[k], e[k], posting[k], hour[k]
        fans += status[lived[k]] == FAN
    out = np.empty((2, fans))
    for k in range(fans):
        out[0, k], out[1, k] = -np.float64(posting[k]), hour[k]
    return lived[:fans], e[:fans], out


# One pass over the day's candidates instead of some forty numpy calls on a few hundred
# entries, whose fixed cost was most of the phase (docs/performance.md).
@njit(cache=True)
def experiences_outcomes(
    needs_events: Events,
    lived: np.ndarray,
    e: np.ndarray,
    uniforms: np.ndarray,
    had: np.ndarray,
    bad_hazard: np.ndarray,
    effects: np.ndarray,
    status: np.ndarray,
    activity: np.ndarray,
    complaint_propensity: np.ndarray,
    loyalty: np.ndarray,
    depth: np.ndarray,
    damping: float,
    posts_made: np.ndarray,
) -> tuple[int, int, int, int, int, np.ndarray, np.ndarray, np.ndarray]:
    """The experiences of the fans ``lived``, the posts about them, and today's needs (drawn
    here from ``needs_events``, :meth:`~socialsim.chance.Arrivals.events` of the people by
    activity).

    Equal to this numpy, on ``lived`` (distinct fans), their exponentials ``e``, and
    ``uniforms``: minus the exponentials of their posting uniforms (``post_e = -uniforms[0]``)
    and their hour uniforms (``hour = uniforms[1]``); ``had`` and ``bad_hazard`` hold each
    candidate's hazards (``had`` empty: everyone drawn had an experience; ``bad_hazard`` of size
    1: everyone's); ``effects`` is ``(−bad_impact, good_impact, hazard(complaint_rate),
    hazard(praise_rate))``; the needs and their hours are drawn from the events' stream::

        needs, _ = by_activity.draw(rate, seed=rng)  # the needs' events' rate and stream
        need_hour = rng.random(needs.size)
        bad_hazard = bad_hazard if bad_hazard.size > 1 else bad_hazard[0]
        if had.size:
            keep = e < had
            lived, e, post_e, hour, bad_hazard = (x[keep] for x in (...))
        was_bad = e < bad_hazard
        bad, good = lived[was_bad], lived[~was_bad]
        pop.shift(bad, effects[0]); pop.shift(good, effects[1])   # damping as given
        complains = post_e[was_bad] < activity[bad] * complaint_propensity[bad] * effects[2]
        praises = post_e[~was_bad] < activity[good] * effects[3]
        listening = status[needs] != CHURNED
        posts = Posts.gather({COMPLAINT: (bad[complains], 24.0 * hour[was_bad][complains]),
                              PRAISE: (good[praises], 24.0 * hour[~was_bad][praises]),
                              NEED: (needs[listening], 24.0 * need_hour[listening])})
        np.add.at(posts_made, posts.author, 1)

    Returns the counts of good and bad experiences, complaints, praise and needs, and the
    posts' authors, kinds and hours.
    """
    needs, _, _ = arrivals_events(needs_events)
    author = np.empty(lived.size + needs.size, dtype=np.int64)
    kind = np.empty(author.size, dtype=np.int8)
    posted_at = np.empty(author.size)
    praised = np.empty(lived.size, dtype=np.int64)  # positions of the praise, in order
    good = bad = complaints = praise = 0
    for k in range(lived.size):
        i = lived[k]
        if had.size > 0 and not e[k] < had[k]:
            continue
        was_bad = e[k] < bad_hazard[min(k, bad_hazard.size - 1)]
        delta = effects[0] if was_bad else effects[1]
        loyalty[i] = min(10.0, max(0.0, loyalty[i] + delta * (1.0 - damping * depth[i])))
        if was_bad:
            bad += 1
            if -uniforms[0, k] < activity[i] * complaint_propensity[i] * effects[2]:
                author[complaints], posted_at[complaints] = i, 24.0 * uniforms[1, k]
                complaints += 1
        else:
            good += 1
            if -uniforms[0, k] < activity[i] * effects[3]:
                praised[praise] = k
                praise += 1
    n = complaints
    kind[:n] = COMPLAINT
    for k in praised[:praise]:
        author[n], kind[n], posted_at[n] = lived[k], PRAISE, 24.0 * uniforms[1, k]
        n += 1
    needing = 0
    rng = generator_of(needs_events[1])
    for k in range(needs.size):
        hour = rng.random()  # one for every need, listening or not
        if status[needs[k]] != CHURNED:
            author[n], kind[n], posted_at[n] = needs[k], NEED, 24.0 * hour
            n += 1
            needing += 1
    for k in range(n):
        posts_made[author[k]] += 1
    return good, bad, complaints, praise, needing, author[:n], kind[:n], posted_at[:n]
