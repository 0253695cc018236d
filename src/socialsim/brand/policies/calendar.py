"""A content calendar: brand posts written by the care team, on top of any other policy.

Brands mostly broadcast one-way content (seed 002); the ``broadcast`` preset is the extreme
where the whole team writes posts and answers nobody. :class:`ContentCalendar` adds to another
policy's decision the staff hours of a calendar: ``posts_per_day`` posts a day, plus a share
``staff_share`` of the working hours of the staff on duty, each post costing
``seen.team.hours_per_post`` hours (``content.staff_hours_per_post``). The hours are fractional:
a team with an hour a day and posts of four hours publishes a post every fourth day, never a
silent zero. What the team writes today goes out on tomorrow's calendar
(:mod:`socialsim.fans.content`), and the hours come out of today's reply time
(:func:`socialsim.brand.agent.triage`).

A scenario's ``[policy]`` section builds it from ``posts_per_day`` and ``broadcast_share``.

>>> from socialsim.brand.policies.presets import preset
>>> calendar = ContentCalendar(preset("respond-all"), posts_per_day=2.0)
>>> calendar.describe()["parameters"]["posts_per_day"]
2.0
>>> preset("broadcast").describe()["name"]
'content-calendar'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from socialsim.brand.observation import Observation
from socialsim.brand.policies.protocol import Decision, Policy, PolicyLike
from socialsim.brand.policy import checked

__all__ = ["ContentCalendar"]


@dataclass(frozen=True)
class ContentCalendar(Policy):
    """Spend staff hours on brand posts each day, besides what ``base`` decides.

    Parameters
    ----------
    base : policy
        The policy whose decision this one adds the content hours to (what to answer, how).
    posts_per_day : float, default 0.0
        Posts a day on the calendar (``policy.posts_per_day``): ``posts_per_day ·
        hours_per_post`` staff hours a day.
    staff_share : float, default 0.0
        Share of the working hours of the staff on duty spent on posts
        (``policy.broadcast_share``).

    Examples
    --------
    A one-person team of eight hours, posts of an hour, half its day on content:

    >>> import numpy as np
    >>> from socialsim.brand.observation import History, TeamView
    >>> team = TeamView(1, 0, np.empty(0, np.int64), 24, 20.0, 8.0, 9.0, 48.0, 1.0)
    >>> seen = Observation(1, None, team, History().view())
    >>> class Nothing:
    ...     def decide(self, seen):
    ...         return Decision(contacts=2)
    >>> ContentCalendar(Nothing(), posts_per_day=1.0, staff_share=0.5).decide(seen)
    Decision(answer=True, priority=0.0, private=False, fix=True, compensate=False, amplify=False, route=None, contacts=2, content_hours=5.0, hire=None)
    """

    base: PolicyLike
    posts_per_day: float = 0.0
    staff_share: float = 0.0
    name: str = "content-calendar"

    def __post_init__(self) -> None:
        object.__setattr__(self, "posts_per_day", checked("posts_per_day", self.posts_per_day))
        object.__setattr__(self, "staff_share", checked("broadcast_share", self.staff_share))

    def decide(self, seen: Observation) -> Decision:
        decision = self.base.decide(seen)
        team = seen.team
        hours = (
            self.posts_per_day * team.hours_per_post
            + self.staff_share * team.staff * team.hours_per_day
        )
        return dataclasses.replace(decision, content_hours=decision.content_hours + hours)
