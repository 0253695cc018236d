"""Experiences with the brand, and the public posts they lead to.

Each day every fan may have a good or a bad experience (exclusive, at the configured daily
rates). A bad experience costs loyalty and may be complained about in public; a good one
adds loyalty and may be praised. Fans and prospects alike may post a need or a question
("when someone states that they have a need", seed 003). The chance to post grows with a
person's activity level ``a``: a post that an average person makes with probability ``r`` is
made with probability ``1 - (1 - r)^a``.

Random draws are made for everyone every day, whatever their state, so that the experience
stream stays aligned across runs that differ only in strategy (common random numbers).
"""

from __future__ import annotations

import numpy as np

from socialsim.chance import occurs, who_acts
from socialsim.population import Population, Status
from socialsim.posts import PostKind, Posts
from socialsim.scenario import ExperienceParams

__all__ = ["live_experiences"]


def live_experiences(
    pop: Population, params: ExperienceParams, day: int, *, seed: np.random.Generator
) -> tuple[Posts, dict[str, int]]:
    """Draw today's experiences, apply their effect on loyalty and return the posts they cause.

    Returns
    -------
    posts : Posts
        Today's complaints, praise and needs.
    counts : dict
        ``good_experiences`` and ``bad_experiences``.
    """
    n = len(pop)
    experience = seed.random(n, dtype=np.float32)
    posting = seed.random(n, dtype=np.float32)
    asking = seed.random(n, dtype=np.float32)
    hour = seed.random(n, dtype=np.float32)
    bad_rate = params.bad_rate_on(day)
    # Only the few whose draw falls under the summed rates have an experience at all.
    lived = np.flatnonzero(experience < bad_rate + params.good_rate)
    lived = lived[pop.status[lived] == Status.FAN]
    was_bad = experience[lived] < bad_rate
    bad, good = lived[was_bad], lived[~was_bad]
    pop.shift(bad, -params.bad_impact)
    pop.shift(good, params.good_impact)
    propensity = pop.activity[bad] * pop.complaint_propensity[bad]
    complaints = bad[occurs(posting[bad], propensity, params.complaint_rate)]
    praise = good[occurs(posting[good], pop.activity[good], params.praise_rate)]
    needs = who_acts(asking, pop.activity, params.need_rate)
    needs = needs[pop.status[needs] != Status.CHURNED]
    posts = Posts.gather(
        {PostKind.COMPLAINT: complaints, PostKind.PRAISE: praise, PostKind.NEED: needs},
        hour_of=24.0 * hour,
    )
    np.add.at(pop.posts_made, posts.author, 1)  # a person may post a complaint and a need
    return posts, {"good_experiences": int(good.size), "bad_experiences": int(bad.size)}
