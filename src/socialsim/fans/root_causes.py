"""Root causes: episodes that raise the bad-experience rate until the brand fixes them.

A crisis starts from a root cause, a service failure, a pricing error or a campaign slip-up
(seed 004's "pricing errors, advertising slip ups"): an episode that multiplies the
bad-experience probability of the people it touches (everyone, or one identity segment) by
``root_causes.multiplier``. It does not end by itself: it lasts until its fix lands, which is
``reaction.fix_lag_days`` after the brand's detector raised an alarm
(:mod:`socialsim.brand.early_warning`) or, for a scheduled episode, ``root_causes.fixed_after``
days after its start if that is set. After the fix the episode's excess decays with the
e-folding time ``root_causes.decay_days``; below 1% of its full size the episode is over.

Episodes are scheduled (``root_causes.start``, for canned experiments) or arise at random
(``root_causes.rate`` a day, each touching one segment drawn at random). The episodes are
ground truth: the brand knows of one only through what listening hears.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.crisis import GONE
from socialsim.day import Counts, phase

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["excess", "root_causes"]

# No episode: no segment touched, no excess; shared by every day (empty: nothing to change).
_NONE = (np.empty(0, np.int64), np.empty(0))


@phase("root_causes", kpis=("episodes_started", "crisis_days"))
def root_causes(day: Day, rng: np.random.Generator) -> Counts:
    """Start today's episodes and end those whose fix has decayed away.

    ``crisis_days`` is 1 on a day an episode is going on (its run total is the days in crisis).

    Examples
    --------
    >>> from socialsim import EngagementModel, Scenario
    >>> s = Scenario().replace({"graph.n": 300, "root_causes.start": 2,
    ...                         "root_causes.fixed_after": 3})
    >>> model = EngagementModel(s, rng=1)
    >>> model.run(days=12)
    >>> model.kpis()["crisis_days"].tolist()
    [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]
    """
    params, episodes, t = day.scenario.root_causes, day.crisis.episodes, day.t
    started = 0
    if params.start and t == params.start:
        fix_at = params.start + params.fixed_after if params.fixed_after else np.inf
        episodes.add(t, params.multiplier, params.segment, fix_at)
        started += 1
    if params.rate and rng.random() < params.rate:
        segments = int(day.population.segment.max()) + 1
        episodes.add(t, params.multiplier, int(rng.integers(segments)), np.inf)
        started += 1
    if episodes.start.size == 0:
        return {"episodes_started": started, "crisis_days": 0}
    strength = episodes.strength(t, params.decay_days)
    began = episodes.active & (episodes.start <= t)
    gone = began & (strength < GONE)
    episodes.end[gone] = t - 1
    return {"episodes_started": started, "crisis_days": int(np.any(began & ~gone))}


def excess(day: Day) -> tuple[np.ndarray, np.ndarray]:
    """Today's active episodes as (segment touched, excess multiplier), for the experiences.

    The excess is ``(multiplier - 1) · strength``; a person touched by several episodes has
    a multiplier of one plus the sum of their excesses.
    """
    episodes = day.crisis.episodes
    if episodes.start.size == 0:
        return _NONE
    strength = episodes.strength(day.t, day.scenario.root_causes.decay_days)
    on = strength > 0
    return episodes.segment[on], (episodes.multiplier[on] - 1.0) * strength[on]
