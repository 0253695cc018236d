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

from typing import TYPE_CHECKING

import numpy as np

from socialsim.chance import hazard, occurs
from socialsim.day import Counts, phase
from socialsim.fans.root_causes import excess
from socialsim.population import Status
from socialsim.posts import PostKind, Posts

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["experiences"]


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
    worst = min(params.bad_rate * (1.0 + extra.sum()), 1.0 - params.good_rate)
    lived, e = pop.anyone.draw(hazard(worst + params.good_rate), seed=rng)
    posting = rng.random(lived.size, dtype=np.float32)
    hour = 24.0 * rng.random(lived.size)
    fan = pop.status[lived] == Status.FAN
    lived, e, posting, hour = lived[fan], e[fan], posting[fan], hour[fan]
    bad_rate = _bad_rates(lived, pop.segment, segment, extra, params.bad_rate, params.good_rate)
    if np.ndim(bad_rate):
        had = e < hazard(bad_rate + params.good_rate)
        lived, e, posting, hour, bad_rate = (x[had] for x in (lived, e, posting, hour, bad_rate))
    was_bad = e < hazard(bad_rate)
    bad, good = lived[was_bad], lived[~was_bad]
    pop.shift(bad, -params.bad_impact)
    pop.shift(good, params.good_impact)
    propensity = pop.activity[bad] * pop.complaint_propensity[bad]
    complains = occurs(posting[was_bad], propensity, params.complaint_rate)
    praises = occurs(posting[~was_bad], pop.activity[good], params.praise_rate)
    needs, _ = pop.by_activity.draw(hazard(params.need_rate), seed=rng)
    need_hour = 24.0 * rng.random(needs.size)
    listening = pop.status[needs] != Status.CHURNED
    day.posts = Posts.gather(
        {
            PostKind.COMPLAINT: (bad[complains], hour[was_bad][complains]),
            PostKind.PRAISE: (good[praises], hour[~was_bad][praises]),
            PostKind.NEED: (needs[listening], need_hour[listening]),
        }
    )
    np.add.at(pop.posts_made, day.posts.author, 1)  # a person may post a complaint and a need
    return {
        "good_experiences": int(good.size),
        "bad_experiences": int(bad.size),
        "complaints": int(np.count_nonzero(complains)),
        "praise": int(np.count_nonzero(praises)),
        "needs": int(np.count_nonzero(listening)),
    }


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
