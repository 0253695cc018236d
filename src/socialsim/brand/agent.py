"""The brand: its state from day to day, and its phases of the day.

The brand is a single decision-maker with a queue and a policy, where the fans are arrays. It
holds no reference to the model: each of its phases gets the day's context
(:class:`~socialsim.day.Day`), and what lasts from one day to the next is in :class:`Brand`.
Its pipeline, one phase each, in the order of :data:`socialsim.model.PHASES`:

1. listen     :mod:`socialsim.brand.listening`  flag and label the day's posts
2. triage     :func:`triage` (here)              the policy decides on what the brand sees
              (:mod:`socialsim.brand.observation`): what joins the queue, in what order, which
              tier it waits for, how it is answered, the day's contacts and content hours, extra
              staff
3. work       :func:`work` (here)                the care team handles the queue in hours
              (:mod:`socialsim.brand.care_team`) and drops what waited too long
4. respond    :mod:`socialsim.brand.response`   replies and outreach, and their
              effects on authors, onlookers and identified peers

and :func:`costs` (here) at the end of the day, which also keeps the brand's own record. The
posts its staff write are published on the next day's calendar, early in the day
(:mod:`socialsim.fans.content`), so that listening hears the comments they draw.
"""

from __future__ import annotations

import functools
import warnings
from typing import TYPE_CHECKING

import numpy as np

from socialsim.brand.care_team import CareTeam, Queue
from socialsim.brand.compiled_back import costs_labels
from socialsim.brand.compiled_triage import triage_listed, triage_queued
from socialsim.brand.observation import History, TeamView, observe, read_only
from socialsim.brand.policies.presets import Rules
from socialsim.brand.policies.protocol import Decision, Hire, PolicyLike, name_of
from socialsim.brand.policy import KINDS
from socialsim.brand.routing import sends_tagged
from socialsim.day import Counts, Plan, phase
from socialsim.kernels import stream_handle
from socialsim.scenario import TeamParams

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["MAX_POSTS_PER_DAY", "Brand", "Staffing", "costs", "triage", "work"]

MAX_POSTS_PER_DAY = 96
"""Brand posts a day at most, one every 15 minutes: each post costs a pass over the people it
reaches, so the day's cost is bounded whatever the team's size."""

_NO_BOOKING = read_only(np.empty(0, np.int64))
_NO_ONE = np.empty(0, np.int64)  # writable like the arrays it stands for: the same kernels
_TEAM_ROUTES = np.empty(0, np.int8)  # no tiers from the policy: the team's routing rule


class Staffing:
    """Who works on each day: the team's own staff, and extra staff booked for given days.

    Parameters
    ----------
    staff : int
        The team's own people (``team.staff``), on duty every day.

    Examples
    --------
    >>> staffing = Staffing(2)
    >>> staffing.book(Hire(3, after_days=1, days=2), on=5)
    >>> [staffing.on_duty(day) for day in (5, 6, 7, 8)], staffing.booked_after(5).tolist()
    ([2, 5, 5, 2], [3, 3])
    """

    def __init__(self, staff: int) -> None:
        self.staff = staff
        self._extra: dict[int, int] = {}

    def book(self, hire: Hire, on: int) -> None:
        """Book extra staff, as a policy asked on day ``on``."""
        for day in hire.days_worked(on).tolist():
            self._extra[day] = self._extra.get(day, 0) + hire.staff

    def extra_on(self, day: int) -> int:
        """Extra staff working on ``day``."""
        return self._extra.get(day, 0)

    def on_duty(self, day: int) -> int:
        """Everyone working on ``day``."""
        return self.staff + self._extra.get(day, 0)

    def booked_after(self, day: int) -> np.ndarray:
        """Extra staff on each day after ``day`` up to the last booked one (read-only)."""
        if not self._extra:
            return _NO_BOOKING
        for past in [d for d in self._extra if d < day]:  # bookings worked: forget them
            del self._extra[past]
        last = max(self._extra, default=day)
        booked = [self._extra.get(d, 0) for d in range(day + 1, last + 1)]
        return read_only(np.array(booked, dtype=np.int64))


class Brand:
    """What the brand carries from one day to the next.

    Parameters
    ----------
    team : TeamParams
        The care team's size, speed, hours and patience.
    policy : policy
        What it decides each day (:mod:`socialsim.brand.policies`); the model gives it its
        own copy.

    Attributes
    ----------
    team : CareTeam
        The team and its queue.
    policy : policy
        The policy.
    staffing : Staffing
        The team's own staff and the extra staff booked.
    history : History
        The brand's own record of earlier days, for the policy.
    talked : int
        People who talked about the brand yesterday (word of mouth): their posts are part of
        the mentions listening scans today.
    drafts : float
        Brand posts written and not yet published: the whole ones go out on the next day's
        calendar, a part-written one waits to be finished (:meth:`write`, :meth:`publish`).
    published : int
        Brand posts published so far: the next post's id.

    Examples
    --------
    >>> from socialsim.brand.policies import preset
    >>> brand = Brand(TeamParams(staff=2), preset("respond-all"))
    >>> len(brand.team.queue), brand.drafts, brand.staffing.on_duty(1)
    (0, 0.0, 2)
    """

    def __init__(self, team: TeamParams, policy: PolicyLike) -> None:
        self.team = CareTeam(team)
        self.policy = policy
        self.staffing = Staffing(team.staff)
        self.history = History()
        self.team_view: TeamView | None = None  # the last day's, reused while it holds
        self.plan = Plan()  # the last day's, reused while it holds
        self.talked = 0
        self.cut: set[str] = set()  # what the day could not hold, warned about once a run
        self.drafts = 0.0
        self.published = 0

    def write(self, hours: float, hours_per_post: float) -> float:
        """Spend up to ``hours`` of today's staff time writing posts; the hours spent.

        What the day holds: the hours of the staff on duty, and the hours of
        :data:`MAX_POSTS_PER_DAY` posts. Fractional hours write part of a post, finished on
        a later day: any team with hours for content produces it, at its own pace.

        >>> from socialsim.brand.policies import preset
        >>> brand = Brand(TeamParams(staff=1, hours_per_day=1.0), preset("ignore"))
        >>> brand.write(5.0, 4.0), brand.drafts
        (1.0, 0.25)
        """
        p = self.team.params
        hours = min(hours, self.team.staff * p.hours_per_day, MAX_POSTS_PER_DAY * hours_per_post)
        self.drafts += hours / hours_per_post
        return hours

    def publish(self) -> tuple[int, int]:
        """Take today's posts off the drafts: the first one's id and how many.

        >>> from socialsim.brand.policies import preset
        >>> brand = Brand(TeamParams(), preset("ignore"))
        >>> brand.drafts = 2.5
        >>> brand.publish(), brand.publish(), brand.drafts
        ((0, 2), (2, 0), 0.5)
        """
        # The margin keeps a whole number of posts, summed from fractions, from rounding below.
        count = int(self.drafts + 1e-9)
        first = self.published
        self.drafts = max(self.drafts - count, 0.0)
        self.published += count
        return first, count


@phase("triage", kpis=("content_hours",))
def triage(day: Day, rng: np.random.Generator) -> Counts:
    """The policy decides on what the brand sees (``day.plan``, ``day.queued``, the queue's order).

    The policy sees the waiting items and today's flagged ones
    (:func:`~socialsim.brand.observation.observe`); a false positive is shown the metadata of
    a stand-in author drawn from this phase's stream (:func:`_listed`). Of today's items, those
    it answers join the queue (``day.queued``) for the tier it routes them to (by default the
    team's routing, :func:`~socialsim.brand.routing.route`); every item, waiting ones included,
    takes the priority and the handling it decides. Brand content, then proactive contacts,
    take their share of the team's time; the rest is reply slots (``day.plan``). The posts
    written today go out on the content calendar tomorrow (:mod:`socialsim.fans.content`).
    """
    brand, t = day.brand, day.t
    team, policy = brand.team, brand.policy
    team.staff = brand.staffing.on_duty(t)
    queue = team.queue
    shown = day.listed = _listed(day, rng) if len(day.flagged) else _NO_ONE
    decision = policy.decide(observe(day, queue, shown))
    name = name_of(policy)
    if not isinstance(decision, Decision):
        raise TypeError(
            f"The policy '{name}' must return a Decision from decide(seen). "
            f"Got {type(decision).__name__} instead."
        )
    decision.check_day(name)
    if decision.hire is not None:
        brand.staffing.book(decision.hire, t)
        team.staff = brand.staffing.on_duty(t)
    hours = brand.write(decision.content_hours, day.scenario.content.staff_hours_per_post)
    left = max(0, int(team.slots_per_day - hours * 60.0 / team.params.reply_minutes))
    contacts = min(decision.contacts, left)
    if decision.content_hours > hours or decision.contacts > contacts:  # rare: the day cut them
        asked = decision.content_hours
        _warn_if_cut(brand, t, "content_hours", asked, hours, "hours of brand content")
        _warn_if_cut(brand, t, "contacts", decision.contacts, contacts, "unsolicited contacts")
    day.plan = _plan(brand, left - contacts, contacts, hours)
    waiting = len(queue)
    n = waiting + shown.size
    if n:
        answer, key, how = decision.per_item(n, name)
        p, flagged, m = team.params, day.flagged, shown.size
        today = np.empty((5, m), np.int64), np.empty((7, m), np.uint8)
        everything = triage_queued(
            key,
            answer,
            how,
            decision.tiers(n, name, _TEAM_ROUTES),
            sends_tagged(p.routing, p.experts),
            (
                flagged.author,
                flagged.kind,
                flagged.label,
                flagged.arrival,
                flagged.complex,
                flagged.tagged,
            ),
            shown,
            (queue.wide, queue.narrow),
            today,
        )
        queued = Queue.of_blocks(*today)
        day.queued = queued if everything else queued.take(answer[waiting:])
    return {"content_hours": hours}


def _plan(brand: Brand, reply_slots: int, contacts: int, hours: float) -> Plan:
    """Today's split of the team's day: the last day's :class:`Plan` while it holds the same
    values (a Plan is frozen, and most days split alike; building one costs about a
    microsecond). Its readers use its values only, never their types."""
    last = brand.plan
    if last.reply_slots != reply_slots or last.contacts != contacts or last.content_hours != hours:
        last = brand.plan = Plan(reply_slots, contacts, hours)
    return last


def _warn_if_cut(brand: Brand, t: int, field: str, asked: float, got: float, what: str) -> None:
    """Say, once a run, that the day held less than the policy asked for: it gets what fits
    (content first, then contacts, within the staff on duty's hours), never a silent cut."""
    if asked > got + 1e-9 and field not in brand.cut:
        brand.cut.add(field)
        warnings.warn(
            f"The policy '{name_of(brand.policy)}' asked for {asked:g} {what} on day {t}, more "
            f"than the team's day holds ({got:g} with {brand.team.staff} staff on duty); it got "
            f"what fits, on this and any later such day (the '{field}' KPI records what each "
            "day took).",
            RuntimeWarning,
            stacklevel=2,
        )


def _listed(day: Day, rng: np.random.Generator) -> np.ndarray:
    """The person each of today's flagged posts lists: its author, or for a false positive a
    stand-in author, whose metadata the brand sees instead.

    The stand-in is drawn like a real post's author, so that the brand cannot tell the false
    positive by its author: the author of a post listening missed today, one of the kind the
    false positive is labelled (of any kind when those run out), each missed post used once
    and none by an author of a flagged post; when the missed posts run out, anyone in the
    population, as chatter's authors are. Why: a real item's author has posted today and is
    almost never listed twice (two of their posts caught the same day), so an item whose
    metadata copies another listed item's only by coincidence. A stand-in drawn among the
    authors of caught posts, or drawn twice, copies a listed item every time, and a policy
    could single out false positives by their duplicated metadata.

    Every listed person's ``posts_heard`` grows by one: a real author's for their flagged
    post, a stand-in's for the false positive, so that both counts move alike.
    """
    flagged, missed = day.flagged, day.unheard
    shown = np.empty(len(flagged), np.int64)
    triage_listed(
        stream_handle(rng),
        flagged.author,
        flagged.label,
        missed.author,
        missed.kind,
        len(day.population),
        day.population.posts_heard,
        shown,
    )
    return shown


@functools.lru_cache(maxsize=8)
def _answered_kinds(answered: tuple[str, ...]) -> np.ndarray:
    """Whether each kind of post (:data:`KINDS`) is among ``answered`` (read-only: shared)."""
    return read_only(np.array([kind in answered for kind in KINDS]))


@phase(
    "work",
    kpis=(
        "backlog",
        "missed",
        "missed_complaints",
        "response_time_median",
        "response_time_p90",
        "response_hours",
        *CareTeam.KPIS,
    ),
)
def work(day: Day, rng: np.random.Generator) -> Counts:
    """The care team works the queue for a day: ``day.answered``, ``day.missed``, response times."""
    team = day.brand.team
    if not (len(day.queued) or len(team.queue)):  # nothing to work on
        team.last_response_time, team.last_counts = _NO_TIMES, dict(CareTeam.IDLE)
        team.last_summary, team.missed_complaints = [_NAN, _NAN, 0.0], 0
        return dict(_IDLE_DAY)
    # The kinds the policy answers, for a mislabelled post the handler sees through: a rules
    # policy's answered labels; a custom policy chose by label, so any kind it let through.
    rules = isinstance(day.brand.policy, Rules)
    answers = _answered_kinds(day.brand.policy.answer if rules else KINDS)
    day.answered, day.missed = team.work(
        day.queued, day.t, rng=rng, slots=day.plan.reply_slots, answers=answers
    )
    day.response_time = team.last_response_time
    median, p90, hours = team.last_summary
    return {
        "backlog": len(team.queue),
        "missed": len(day.missed),
        "missed_complaints": team.missed_complaints,
        "response_time_median": median,
        "response_time_p90": p90,
        # the sum, so that a run's mean response time weighs every reply alike
        "response_hours": hours,
        **team.last_counts,
    }


_NAN = float("nan")
_NO_TIMES = read_only(np.empty(0))
_IDLE_DAY: Counts = {
    "backlog": 0,
    "missed": 0,
    "missed_complaints": 0,
    "response_time_median": _NAN,
    "response_time_p90": _NAN,
    "response_hours": 0.0,
    **CareTeam.IDLE,
}
"""The KPIs of a day with nothing to work on."""


@phase("costs", kpis=("staff_cost", "staff_on_duty"))
def costs(day: Day, rng: np.random.Generator) -> Counts:
    """The day's cost: frontline hours times their hourly cost (extra staff at
    ``policy.surge_premium`` times it), the hours experts spent on the team's complaints times
    theirs, plus compensation paid; and the brand's own record.

    The brand also keeps how many people talked about it today, for tomorrow's mentions.
    """
    brand, scenario = day.brand, day.scenario
    team, staffing, on_duty = scenario.team, brand.staffing, brand.team.staff
    brand.talked = int(day.talkers.size)
    hourly = team.hours_per_day * team.hourly_cost
    staff_cost = (
        staffing.staff * hourly
        + staffing.extra_on(day.t) * hourly * scenario.policy.surge_premium
        + brand.team.last_counts["expert_hours"] * team.expert_hourly_cost
        + day.compensations * scenario.response.compensation_cost
    )
    flagged = day.flagged.label  # one per flagged post
    labels = costs_labels(flagged) if flagged.size else _NONE_BY_LABEL
    brand.history.append(
        (
            flagged.size,
            *labels,
            len(day.answered),
            len(day.missed),
            len(brand.team.queue),
            on_duty,
            staff_cost,
            day.plan.contacts,
            day.published,
        )
    )
    return {"staff_cost": staff_cost, "staff_on_duty": on_duty}


_NONE_BY_LABEL = (0, 0, 0)
