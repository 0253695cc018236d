"""The care team: two tiers of people working one queue in hours, and what they make of each item.

Flagged items that the policy answers wait in one queue, each for a tier
(:mod:`socialsim.brand.routing`): the ``team.staff`` frontline people or the ``team.experts``
experts, who work ``team.hours_per_day`` hours a day from ``team.start_hour``. Each tier is a
set of servers (:func:`~socialsim.brand.servers.serve`): a free person takes the waiting item of
highest priority (the policy's key, then the earliest post). What is not started carries over
to the next day; an item that has waited longer than ``team.max_wait_hours`` at the end of a
day is dropped as missed.

Reading an item is part of handling it, and the person handling it judges what it is:

- a false positive is dismissed (``team.triage_minutes``);
- a real post is answered for what it is, taking the time of its kind (``team.reply_minutes``
  for a complaint or a need, ``team.thanks_minutes`` for praise, ``team.expert_minutes`` for an
  expert's complaint), even when listening mislabelled it, unless the policy does not answer
  that kind, when it is left;
- a complaint that needs an expert is passed on to the experts by the frontline
  (``team.triage_minutes``), which sends it to the experts' queue at once, when the routing
  escalates.

Each judgement is wrong with probability ``ε``: the false positive is answered as its label
says, the mislabelled post gets the reply its label calls for (a botched reply), the complex
complaint is kept by the frontline, and any other real post is dismissed as irrelevant. A team
working within its capacity errs at ``ε₀ = team.error_rate``; above it, errors rise with its
utilisation ``ρ``, the nominal handling time (by label) of every item waiting for the tier by
the end of the shift over the tier's hours:

    ε(ρ) = 1 − (1 − ε₀) · exp(−team.overload_errors · max(0, ρ − 1))

Handling times are drawn from gamma laws with those means and a coefficient of variation
``team.handling_cv``. Proactive contacts and broadcasts take their share of the frontline's day
first (the triage phase counts them in slots of ``team.reply_minutes``); the frontline's
handling times are stretched by the share left for the queue, as if each person spent that
share of every hour on it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np

from socialsim.brand.compiled_back import work_experts, work_frontline, work_overload
from socialsim.brand.routing import EXPERT, FRONTLINE, escalates
from socialsim.posts import Flagged, PostKind
from socialsim.scenario import TeamParams

__all__ = ["ANSWERED", "DISMISSED", "ESCALATED", "FOLLOWED", "CareTeam", "Queue", "fix_chance"]

ANSWERED, FOLLOWED, DISMISSED, ESCALATED = 0, 1, 2, 3
"""What became of a handled item (``Queue.outcome``): answered for what it is, answered as its
(wrong) label says, dismissed as irrelevant, passed on to the experts (not final)."""
_KINDS = len(PostKind)
_NOTHING = np.empty(0)


@dataclass(eq=False)
class Queue:
    """Items waiting for the team, or handled by it (one entry per item).

    ``author``, ``kind``, ``label``, ``arrival``, ``complex`` and ``tagged`` are those of the
    flagged item (:class:`~socialsim.posts.Flagged`); ``key`` is the policy's priority, lower
    first; ``tier`` the tier it waits for (or that handled it); ``ready`` the hour from which
    that tier can take it (its arrival, or when the frontline passed it on); ``outcome`` what
    became of a handled item (:data:`ANSWERED` ...). ``shown`` is the person whose metadata the
    brand sees for the item (its author, or a false positive's stand-in) and ``how`` the way
    the policy answers it (:class:`~socialsim.brand.policies.protocol.Handling` flags); they
    default to the author and 0.
    """

    author: np.ndarray
    kind: np.ndarray
    label: np.ndarray
    arrival: np.ndarray
    key: np.ndarray
    complex: np.ndarray
    tagged: np.ndarray
    tier: np.ndarray
    ready: np.ndarray
    outcome: np.ndarray
    shown: np.ndarray = None  # type: ignore[assignment]
    how: np.ndarray = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.shown is None:
            self.shown = self.author
        if self.how is None:
            self.how = np.zeros(self.author.size, np.uint8)

    @classmethod
    def empty(cls) -> Queue:
        return cls.of(Flagged.empty(), np.empty(0), np.empty(0, np.int8))

    @classmethod
    def of(cls, flagged: Flagged, key: np.ndarray, tier: np.ndarray) -> Queue:
        """Flagged items joining the queue with their priority keys and tiers.

        >>> from socialsim.posts import Flagged
        >>> Queue.of(Flagged.empty(), np.empty(0), np.empty(0, np.int8)).outcome.dtype
        dtype('int8')
        """
        return cls(
            author=flagged.author,
            kind=flagged.kind,
            label=flagged.label,
            arrival=flagged.arrival,
            key=np.asarray(key, dtype=np.float64),
            complex=flagged.complex,
            tagged=flagged.tagged,
            tier=np.asarray(tier, dtype=np.int8),
            ready=flagged.arrival.copy(),
            outcome=np.zeros(len(flagged), np.int8),
        )

    def __len__(self) -> int:
        return int(self.author.size)

    def take(self, which: np.ndarray) -> Queue:
        """The entries selected by a mask or index array."""
        if which.dtype == np.bool_:  # positions once, rather than a mask read by every column
            which = np.flatnonzero(which)
        if not which.size:  # often: nothing missed today
            return _EMPTY
        columns = self.__dict__
        return _queue({name: columns[name][which] for name in _COLUMNS})

    def join(self, other: Queue) -> Queue:
        """This queue followed by ``other``."""
        if not len(other):
            return self
        if not len(self):
            return other
        mine, theirs = self.__dict__, other.__dict__
        return _queue({name: np.concatenate((mine[name], theirs[name])) for name in _COLUMNS})

    @property
    def replied(self) -> np.ndarray:
        """Mask of the real posts that got a reply, fitting or not (handled items)."""
        return (self.author >= 0) & (self.outcome <= FOLLOWED)


_COLUMNS = tuple(f.name for f in fields(Queue))
_EMPTY = Queue.empty()


def _queue(columns: dict[str, np.ndarray]) -> Queue:
    """A queue of these columns, all given (the constructor's checks skipped: a day makes a
    dozen queues of a few dozen items, where they cost more than the copies)."""
    queue = object.__new__(Queue)
    queue.__dict__.update(columns)
    return queue


class CareTeam:
    """The brand's care team and the queue it works.

    Parameters
    ----------
    params : TeamParams
        Tiers, handling times, hours, patience, errors.

    Attributes
    ----------
    queue : Queue
        Items waiting, for either tier.
    last_response_time : numpy.ndarray
        Hours from post to the end of its handling, for the items of the last :meth:`work`.
    last_counts : dict
        The last day's :data:`KPIS`.

    Examples
    --------
    One person for an hour from 9:00, handling a post in exactly 30 minutes, three posts:

    >>> from socialsim.posts import Flagged
    >>> exact = {"handling_cv": 0, "error_rate": 0, "overload_errors": 0}
    >>> team = CareTeam(TeamParams(staff=1, reply_minutes=30, hours_per_day=1, **exact))
    >>> flagged = Flagged(np.arange(3), np.full(3, 2, np.int8), np.full(3, 2, np.int8),
    ...                   np.array([8.0, 8.5, 9.2]), np.zeros(3, bool), np.zeros(3, bool))
    >>> done, missed = team.work(Queue.of(flagged, np.zeros(3), np.zeros(3, np.int8)), day=1,
    ...                          rng=np.random.default_rng(0))
    >>> done.author.tolist(), team.last_response_time.tolist(), len(team.queue)
    ([0, 1], [1.5, 1.5], 1)
    """

    IDLE: ClassVar[dict[str, float]] = {"escalated": 0, "frontline_hours": 0.0, "expert_hours": 0.0}
    """The counts of a day without work: complaints the frontline passed on, hours each tier
    worked (:attr:`KPIS`)."""
    KPIS = tuple(IDLE)

    def __init__(self, params: TeamParams) -> None:
        self.params = params
        self.queue = Queue.empty()
        self.last_response_time = np.empty(0)
        self.staff = params.staff
        """Frontline people on duty today: ``params.staff`` unless the brand's staffing sets it."""
        self.last_counts: dict[str, float] = dict(self.IDLE)
        self._busy = {FRONTLINE: _NOTHING, EXPERT: _NOTHING}  # hours each tier is busy until
        self._minutes = np.array(
            [getattr(params, f"{what}_minutes") for what in ("reply", "thanks", "expert", "triage")]
        )

    @property
    def slots_per_day(self) -> int:
        """Replies of ``team.reply_minutes`` the frontline on duty can give in a day."""
        p = self.params
        return int(self.staff * p.hours_per_day * 60.0 / p.reply_minutes)

    def work(
        self,
        arrivals: Queue,
        day: int,
        *,
        rng: np.random.Generator,
        slots: int | None = None,
        answers: np.ndarray | None = None,
    ) -> tuple[Queue, Queue]:
        """Add today's arrivals, work the queue for one day and drop what waited too long.

        Parameters
        ----------
        arrivals : Queue
            Today's items that the policy answers, with their keys and tiers.
        day : int
            The day (1 is the first); hours count from the start of day 1.
        rng : numpy.random.Generator
            Draws of handling times and misjudgements.
        slots : int, optional
            Frontline reply slots left for the queue (the rest of :attr:`slots_per_day` goes
            to proactive contacts and broadcasts); the whole day when omitted.
        answers : numpy.ndarray of bool, shape (3,), optional
            Which kinds of post the policy answers, for a mislabelled post the handler sees
            through; every kind when omitted.

        Returns
        -------
        handled, missed : Queue
            The items handled to the end today, with their tier and outcome (their response
            times, in hours, are in :attr:`last_response_time`), and those dropped as missed.
        """
        p = self.params
        answers = np.ones(_KINDS, bool) if answers is None else answers
        per_day = self.slots_per_day
        share = 1.0 if slots is None or per_day == 0 else slots / per_day
        staff = (self.staff if share > 0 else 0, p.experts)
        start = 24.0 * (day - 1) + p.start_hour
        end = start + p.hours_per_day
        stretch = 1.0 / max(share, 1e-12)  # the frontline's handling times
        rules = (answers, escalates(p.routing, p.experts), self._minutes)
        queue = self.queue.join(arrivals)
        columns = (queue.author, queue.kind, queue.label, queue.complex, queue.tier, queue.ready)
        columns += (queue.key, queue.arrival)
        # Each tier's chance of a slip, from the work waiting for it over its hours.
        capacity = (staff[FRONTLINE] * p.hours_per_day, staff[EXPERT] * p.hours_per_day)
        slowing = work_overload(
            queue.tier,
            queue.label,
            queue.ready,
            end,
            stretch,
            self._minutes,
            capacity,
            p.overload_errors,
        )
        np.exp(slowing, out=slowing)
        errors = (p.error_rate, slowing)
        # Every item judged, the frontline's served.
        draws = rng.random(len(queue)), _noise(rng, len(queue), p.handling_cv)
        frontline = (start, end, stretch, staff[FRONTLINE])
        first, self._busy[FRONTLINE], frontline_hours = work_frontline(
            columns, errors, draws, rules, frontline, self._busy[FRONTLINE]
        )
        # Complaints the frontline passed on wait for the experts from the end of its reading;
        # then the experts' items are served.
        passed = first[3]
        draws = _NOTHING, _NOTHING
        if passed.size:
            draws = rng.random(passed.size), _noise(rng, passed.size, p.handling_cv)
        experts = (start, end, 1.0, staff[EXPERT])
        tier, ready, outcome, self._busy[EXPERT], expert_hours, done, response, kept, old = (
            work_experts(
                columns,
                first,
                errors,
                draws,
                rules,
                experts,
                self._busy[EXPERT],
                24.0 * day,
                p.max_wait_hours,
            )
        )
        queue = _queue({**queue.__dict__, "tier": tier, "ready": ready, "outcome": outcome})
        self.last_response_time = response
        self.queue = queue.take(kept)
        self.last_counts = {
            "escalated": int(passed.size),
            "frontline_hours": frontline_hours,
            "expert_hours": expert_hours,
        }
        return queue.take(done), queue.take(old)


def _noise(rng: np.random.Generator, n: int, cv: float) -> np.ndarray:
    """Gamma-distributed multipliers of mean 1 and coefficient of variation ``cv``."""
    if cv == 0:
        return np.ones(n)
    return rng.gamma(1 / cv**2, cv**2, size=n)


def fix_chance(handled: Queue, response_time: np.ndarray, params: TeamParams) -> np.ndarray:
    """Each handled item's chance of a fix, as a share of ``policy.fix_rate``.

    An expert fixes any complaint, less often the longer it waited (time constant
    ``team.fix_patience_hours``); the frontline fixes a complaint that needs an expert with
    ``team.frontline_skill`` of an expert's chance, and any other as an expert would at once.

    >>> from socialsim.posts import Flagged
    >>> flagged = Flagged(np.arange(3), np.zeros(3, np.int8), np.zeros(3, np.int8), np.zeros(3),
    ...                   np.array([True, True, False]), np.zeros(3, bool))
    >>> handled = Queue.of(flagged, np.zeros(3), np.array([1, 0, 0], np.int8))
    >>> fix_chance(handled, np.array([48.0, 1.0, 1.0]), TeamParams()).round(3).tolist()
    [0.368, 0.3, 1.0]
    """
    skill = np.where(handled.complex, params.frontline_skill, 1.0)
    with np.errstate(over="ignore"):  # a tiny time constant: exp(-inf) = 0 is right
        late = np.exp(-response_time / params.fix_patience_hours)
    return np.where(handled.tier == EXPERT, late, skill)
