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

from socialsim.chance import exponential, hazard
from socialsim.day import Counts, phase
from socialsim.fans.root_causes import excess
from socialsim.kernels import njit
from socialsim.population import CHURNED, FAN
from socialsim.posts import COMPLAINT, NEED, PRAISE, Posts
from socialsim.scenario import ExperienceParams

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["experiences", "experiences_outcomes"]

_NO_POSTS = Posts.gather({})


@phase(
    "experiences",
    kpis=("good_experiences", "bad_experiences", "complaints", "praise", "needs"),
)
def experiences(day: Day, rng: np.random.Generator) -> Counts:
    """Draw today's experiences, apply their effect on loyalty and post about them (``day.posts``)."""
    pop, params = day.population, day.scenario.experiences
    if params.good_rate == 0.0 and params.bad_rate == 0.0 and params.need_rate == 0.0:
        # Nothing can happen (a root cause multiplies a bad rate of 0): both event draws at
        # rate 0 and the draws of their size 0 take no numbers, and nobody changes.
        day.posts = _NO_POSTS
        return dict.fromkeys(experiences.kpis, 0)
    segment, extra = excess(day)
    # Everyone is drawn at the highest rate anyone has today, then each person kept at their
    # own: with no episode (or one touching everyone) this is the plain draw at one rate.
    more = 1.0 + extra.sum() if extra.size else 1.0  # (the same number: 1.0 + 0.0 is 1.0)
    worst = min(params.bad_rate * more, 1.0 - params.good_rate)
    lived, e = pop.anyone.draw(hazard(worst + params.good_rate), seed=rng)
    posting = rng.random(lived.size, dtype=np.float32)
    hour = rng.random(lived.size)
    needs, _ = pop.by_activity.draw(hazard(params.need_rate), seed=rng)
    need_hour = rng.random(needs.size)
    bad_rate = _bad_rates(lived, pop.segment, segment, extra, params.bad_rate, params.good_rate)
    each = np.ndim(bad_rate) > 0  # the candidates' own rates, not everyone's
    posts = np.empty(lived.size + needs.size, dtype=np.int64)
    kind, hours = np.empty(posts.size, dtype=np.int8), np.empty(posts.size)
    good, bad, complaints, praise, needing = experiences_outcomes(
        lived,
        e,
        exponential(posting),
        hour,
        hazard(bad_rate + params.good_rate) if each else np.empty(0),
        np.atleast_1d(hazard(bad_rate)),
        *_effects(params),
        needs,
        need_hour,
        pop.status,
        pop.activity,
        pop.complaint_propensity,
        pop.loyalty,
        pop.depth,
        pop.damping if pop.max_depth > 0.0 else 0.0,  # as Population.shift
        pop.posts_made,
        posts,
        kind,
        hours,
    )
    n = complaints + praise + needing
    day.posts = Posts(author=posts[:n], kind=kind[:n], hour=hours[:n])
    return {
        "good_experiences": good,
        "bad_experiences": bad,
        "complaints": complaints,
        "praise": praise,
        "needs": needing,
    }


@lru_cache(maxsize=16)
def _effects(params: ExperienceParams) -> tuple[np.ndarray, np.float64]:
    """``(−bad_impact, good_impact, hazard(complaint_rate))`` and ``hazard(praise_rate)``: a
    run's parameters, worked out once (read, never written)."""
    effects = np.array([-params.bad_impact, params.good_impact, hazard(params.complaint_rate)])
    return effects, hazard(params.praise_rate)


def _bad_rates(
    lived: np.ndarray,
    segments: np.ndarray,
    touched: np.ndarray,
    extra: np.ndarray,
    bad_rate: float,
    good_rate: float,
) -> float | np.ndarray:
    """Each person's bad-experience probability today; one number when it is everyone's."""
    if extra.size == 0:
        return bad_rate
    if np.all(touched < 0):
        return min(bad_rate * (1.0 + extra.sum()), 1.0 - good_rate)
    multiplier = np.ones(lived.size)
    mine = segments[lived]
    for seg, more in zip(touched.tolist(), extra.tolist(), strict=True):
        multiplier += more if seg < 0 else more * (mine == seg)
    return np.minimum(bad_rate * multiplier, 1.0 - good_rate)


# One pass over the day's candidates instead of some forty numpy calls on a few hundred
# entries, whose fixed cost was most of the phase (docs/performance.md).
@njit(cache=True)
def experiences_outcomes(
    lived: np.ndarray,
    e: np.ndarray,
    post_e: np.ndarray,
    hour: np.ndarray,
    had: np.ndarray,
    bad_hazard: np.ndarray,
    effects: np.ndarray,
    praise_hazard: float,
    needs: np.ndarray,
    need_hour: np.ndarray,
    status: np.ndarray,
    activity: np.ndarray,
    complaint_propensity: np.ndarray,
    loyalty: np.ndarray,
    depth: np.ndarray,
    damping: float,
    posts_made: np.ndarray,
    author: np.ndarray,
    kind: np.ndarray,
    posted_at: np.ndarray,
) -> tuple[int, int, int, int, int]:
    """The experiences of the fans among ``lived``, the posts about them, and today's needs.

    Equal to this numpy, on ``lived`` (distinct people), their exponentials ``e``, the
    exponentials of their posting uniforms ``post_e`` and their hour uniforms ``hour``;
    ``had`` and ``bad_hazard`` hold each candidate's hazards (``had`` empty: everyone drawn had
    an experience; ``bad_hazard`` of size 1: everyone's); ``effects`` is ``(−bad_impact,
    good_impact, hazard(complaint_rate))``::

        fan = status[lived] == FAN
        lived, e, post_e, hour = (x[fan] for x in (lived, e, post_e, hour))
        bad_hazard = bad_hazard[fan] if bad_hazard.size > 1 else bad_hazard[0]
        if had.size:
            keep = e < had[fan]
            lived, e, post_e, hour, bad_hazard = (x[keep] for x in (...))
        was_bad = e < bad_hazard
        bad, good = lived[was_bad], lived[~was_bad]
        pop.shift(bad, effects[0]); pop.shift(good, effects[1])   # damping as given
        complains = post_e[was_bad] < activity[bad] * complaint_propensity[bad] * effects[2]
        praises = post_e[~was_bad] < activity[good] * praise_hazard
        listening = status[needs] != CHURNED
        posts = Posts.gather({COMPLAINT: (bad[complains], 24.0 * hour[was_bad][complains]),
                              PRAISE: (good[praises], 24.0 * hour[~was_bad][praises]),
                              NEED: (needs[listening], 24.0 * need_hour[listening])})
        np.add.at(posts_made, posts.author, 1)

    The posts are written to the start of ``author``, ``kind`` and ``posted_at`` (each at least
    ``lived.size + needs.size`` long). Returns the counts of good and bad experiences,
    complaints, praise and needs.
    """
    praised = np.empty(lived.size, dtype=np.int64)  # positions of the praise, in order
    good = bad = complaints = praise = 0
    for k in range(lived.size):
        i = lived[k]
        if status[i] != FAN or (had.size > 0 and not e[k] < had[k]):
            continue
        was_bad = e[k] < bad_hazard[min(k, bad_hazard.size - 1)]
        delta = effects[0] if was_bad else effects[1]
        loyalty[i] = min(10.0, max(0.0, loyalty[i] + delta * (1.0 - damping * depth[i])))
        if was_bad:
            bad += 1
            if post_e[k] < activity[i] * complaint_propensity[i] * effects[2]:
                author[complaints], posted_at[complaints] = i, 24.0 * hour[k]
                complaints += 1
        else:
            good += 1
            if post_e[k] < activity[i] * praise_hazard:
                praised[praise] = k
                praise += 1
    n = complaints
    kind[:n] = COMPLAINT
    for k in praised[:praise]:
        author[n], kind[n], posted_at[n] = lived[k], PRAISE, 24.0 * hour[k]
        n += 1
    needing = 0
    for k in range(needs.size):
        if status[needs[k]] != CHURNED:
            author[n], kind[n], posted_at[n] = needs[k], NEED, 24.0 * need_hour[k]
            n += 1
            needing += 1
    for k in range(n):
        posts_made[author[k]] += 1
    return good, bad, complaints, praise, needing
