"""The brand: its state from day to day, and its phases of the day.

The brand is a single decision-maker with a queue and a policy, where the fans are arrays. It
holds no reference to the model: each of its phases gets the day's context
(:class:`~socialsim.day.Day`), and what lasts from one day to the next is in :class:`Brand`.
Its pipeline, one phase each, in the order of :data:`socialsim.model.PHASES`:

1. listen     :mod:`socialsim.brand.listening`  flag and label the day's posts
2. triage     :func:`triage` (here)              the policy keeps what it answers, in its
              order, and splits the team's day between replies, contacts and broadcasts
3. work       :func:`work` (here)                the care team answers in reply slots
              (:mod:`socialsim.brand.care_team`) and drops what waited too long
4. respond    :mod:`socialsim.brand.response`   replies, outreach, broadcasts and their
              effects on authors, onlookers and identified peers

and :func:`costs` (here) at the end of the day.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from socialsim.brand.care_team import CareTeam, Queue
from socialsim.brand.policy import KINDS, priority
from socialsim.day import Counts, Plan, phase
from socialsim.posts import PostKind
from socialsim.scenario import TeamParams

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["Brand", "costs", "triage", "work"]


class Brand:
    """What the brand carries from one day to the next.

    Parameters
    ----------
    team : TeamParams
        The care team's size, speed, hours and patience.

    Attributes
    ----------
    team : CareTeam
        The team and its queue.
    broadcasts : collections.deque of int
        Broadcasts pushed on each of the last seven days, for wear-out.

    Examples
    --------
    >>> brand = Brand(TeamParams(staff=2))
    >>> len(brand.team.queue), list(brand.broadcasts)
    (0, [])
    """

    def __init__(self, team: TeamParams) -> None:
        self.team = CareTeam(team)
        self.broadcasts: deque[int] = deque(maxlen=7)


@phase("triage")
def triage(day: Day, rng: np.random.Generator) -> Counts:
    """The policy decides: what joins the queue, in what order, and how the day is split.

    The day's brand content (``day.content_hours``) and proactive contacts take their share of
    the team's time first; the rest is reply slots (``day.plan``). Of the flagged posts, those
    whose *label* the policy answers join the queue with the policy's priority key
    (``day.queued``).
    """
    s = day.scenario
    slots = day.brand.team.slots_per_day
    # The day's brand content (socialsim.fans.content) takes its staff hours first.
    left = max(0, int(slots - day.content_hours * s.team.posts_per_hour))
    contacts = min(s.policy.unsolicited_per_day, left)
    day.plan = Plan(reply_slots=left - contacts, contacts=contacts, broadcasts=day.published)
    if len(day.flagged) == 0:
        return {}
    flagged, pop = day.flagged, day.population
    answered_kinds = np.array([KINDS.index(k) for k in s.policy.answer], dtype=np.int8)
    kept = np.isin(flagged.label, answered_kinds)
    author = flagged.author[kept]
    real = author >= 0
    who = author[real]
    engagement, audience = np.zeros(author.size, np.int64), np.zeros(author.size, np.int64)
    engagement[real] = pop.posts_made[who] + pop.responses_received[who]
    audience[real] = day.graph.out_degree[who]
    day.queued = Queue(
        author=author,
        kind=flagged.kind[kept],
        label=flagged.label[kept],
        arrival=flagged.arrival[kept],
        key=priority(s.policy.order, flagged.label[kept], engagement, audience),
    )
    return {}


@phase(
    "work",
    kpis=(
        "backlog",
        "missed",
        "missed_complaints",
        "response_time_median",
        "response_time_p90",
        "response_hours",
    ),
)
def work(day: Day, rng: np.random.Generator) -> Counts:
    """The care team works the queue for a day: ``day.answered``, ``day.missed``, response times."""
    team = day.brand.team
    if len(day.queued) == 0 and len(team.queue) == 0:  # nothing to work on
        team.last_response_time = np.empty(0)
        return {
            "backlog": 0,
            "missed": 0,
            "missed_complaints": 0,
            "response_time_median": float("nan"),
            "response_time_p90": float("nan"),
            "response_hours": 0.0,
        }
    day.answered, day.missed = team.work(day.queued, day.t, slots=day.plan.reply_slots)
    day.response_time = team.last_response_time
    real_delay = day.response_time[day.answered.author >= 0]
    return {
        "backlog": len(team.queue),
        "missed": len(day.missed),
        "missed_complaints": int(np.count_nonzero(day.missed.kind == PostKind.COMPLAINT)),
        "response_time_median": float(np.median(real_delay)) if real_delay.size else np.nan,
        "response_time_p90": float(np.percentile(real_delay, 90)) if real_delay.size else np.nan,
        # the sum, so that a run's mean response time weighs every reply alike
        "response_hours": float(real_delay.sum()),
    }


@phase("costs", kpis=("staff_cost",))
def costs(day: Day, rng: np.random.Generator) -> Counts:
    """The day's cost: staff hours times the hourly cost, plus compensation paid."""
    team, response = day.scenario.team, day.scenario.response
    return {
        "staff_cost": team.staff * team.hours_per_day * team.hourly_cost
        + day.compensations * response.compensation_cost
    }
