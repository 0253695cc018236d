"""The brand: listens, triages, answers, reaches out and broadcasts, once a day.

The brand is the one actor of the model that is a Mesa agent: a single decision-maker with a
queue and a policy, where the fans are arrays. Its day, in order:

1. listen     :mod:`socialsim.brand.listening`  flag and label the day's posts
2. triage     :mod:`socialsim.brand.policy`     keep what the policy answers, in its order
3. work       :mod:`socialsim.brand.care_team`  answer in reply slots; drop what waited too long
4. respond    :mod:`socialsim.brand.response`   effects on authors, onlookers, identified peers
5. reach out and broadcast with the capacity the policy sets aside for them
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import mesa
import numpy as np

from socialsim.brand.care_team import CareTeam, Queue
from socialsim.brand.listening import listen
from socialsim.brand.policy import KINDS, priority
from socialsim.brand.response import Spillover, answer, broadcast, ignore, reach_out
from socialsim.kpis import BRAND_KPIS
from socialsim.posts import PostKind, Posts

if TYPE_CHECKING:
    from socialsim.model import EngagementModel

__all__ = ["Brand"]


class Brand(mesa.Agent):
    """The brand's social-media team.

    Parameters
    ----------
    model : EngagementModel
        The model the brand acts in; its scenario's ``listening``, ``team``, ``policy`` and
        ``response`` sections drive the brand.

    Attributes
    ----------
    team : CareTeam
        The team and its queue.
    """

    def __init__(self, model: EngagementModel) -> None:
        super().__init__(model)
        self.team = CareTeam(model.scenario.team)
        self._broadcasts: deque[int] = deque(maxlen=7)

    def respond(self, posts: Posts, day: int) -> dict[str, float]:
        """Run the brand's day on today's posts; returns its KPIs."""
        s = self.model.scenario
        # Proactive contacts and broadcasts take their share of the team's time first.
        slots = self.team.slots_per_day
        broadcasts = int(slots * s.policy.broadcast_share // s.response.broadcast_cost)
        left = int(slots - broadcasts * s.response.broadcast_cost)
        contacts = min(s.policy.unsolicited_per_day, left)
        if len(posts) == 0 and len(self.team.queue) == 0 and contacts == broadcasts == 0:
            self._broadcasts.append(0)
            self.team.last_response_time = np.empty(0)
            return self.quiet_day()
        return self._work_day(posts, day, broadcasts, contacts, left - contacts)

    def quiet_day(self) -> dict[str, float]:
        """The KPIs of a day with no posts, no queue and no outreach, without the empty steps.

        Every step would act on nothing (and draw nothing), so this is what :meth:`respond`
        computes on such a day, at no cost: the days of a population without experiences,
        or a small one, are mostly quiet.
        """
        counts: dict[str, float] = dict.fromkeys(BRAND_KPIS, 0)
        counts.update(dict.fromkeys(_FLOAT_KPIS, 0.0))
        counts.update(
            response_time_median=float("nan"),
            response_time_p90=float("nan"),
            staff_cost=self._staff_cost(compensations=0),
        )
        return counts

    def _work_day(
        self, posts: Posts, day: int, broadcasts: int, contacts: int, reply_slots: int
    ) -> dict[str, float]:
        model: EngagementModel = self.model
        s, pop, streams = model.scenario, model.population, model.streams
        policy = s.policy
        flagged = listen(posts, s.listening, day, seed=streams["listening"])
        answered_kinds = np.array([KINDS.index(k) for k in policy.answer], dtype=np.int8)
        kept = np.isin(flagged.label, answered_kinds)
        author = flagged.author[kept]
        real = author >= 0
        who = author[real]
        engagement, audience = np.zeros(author.size, np.int64), np.zeros(author.size, np.int64)
        engagement[real] = pop.posts_made[who] + pop.responses_received[who]
        audience[real] = model.graph.out_degree[who]
        arrivals = Queue(
            author=author,
            kind=flagged.kind[kept],
            label=flagged.label[kept],
            arrival=flagged.arrival[kept],
            key=priority(policy.order, flagged.label[kept], engagement, audience),
        )
        answered, missed = self.team.work(arrivals, day, slots=reply_slots)
        delay = self.team.last_response_time
        real_delay = delay[answered.author >= 0]

        spillover = Spillover(model.graph, pop, s.identification, s.response)
        counts = answer(
            pop, answered, delay, policy, s.response, spillover, day, seed=streams["response"]
        )
        queued = flagged.author[kept & (flagged.kind == PostKind.COMPLAINT)]
        unanswered = np.setdiff1d(posts.of_kind(PostKind.COMPLAINT), queued, assume_unique=True)
        missed_complaints = missed.author[missed.kind == PostKind.COMPLAINT]
        counts["loyalty_change_authors"] += ignore(
            pop, np.concatenate([unanswered, missed_complaints]), s.response, spillover
        )
        counts.update(
            reach_out(
                pop,
                contacts,
                posts.of_kind(PostKind.NEED),
                s.response,
                day,
                seed=streams["response"],
            )
        )
        counts["loyalty_change_broadcast"] = broadcast(
            pop, broadcasts, sum(self._broadcasts), s.response, seed=streams["response"]
        )
        self._broadcasts.append(broadcasts)
        counts["loyalty_change_onlookers"] = spillover.apply()
        counts["onlookers_reached"] = spillover.reached

        relevant = flagged.author >= 0
        counts.update(
            posts_caught=int(np.count_nonzero(relevant)),
            false_positives=int(np.count_nonzero(~relevant)),
            broadcasts=broadcasts,
            backlog=len(self.team.queue),
            missed=len(missed),
            missed_complaints=int(missed_complaints.size),
            response_time_median=float(np.median(real_delay)) if real_delay.size else float("nan"),
            response_time_p90=float(np.percentile(real_delay, 90))
            if real_delay.size
            else float("nan"),
            staff_cost=self._staff_cost(counts.pop("compensations")),
        )
        return counts

    def _staff_cost(self, compensations: int) -> float:
        s = self.model.scenario
        return (
            s.team.staff * s.team.hours_per_day * s.team.hourly_cost
            + compensations * s.response.compensation_cost
        )


# The brand's KPIs that are sums of loyalty changes or reach: floats even on a quiet day.
_FLOAT_KPIS = (
    "loyalty_change_authors",
    "loyalty_change_onlookers",
    "loyalty_change_broadcast",
    "onlookers_reached",
)
