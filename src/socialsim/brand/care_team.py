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

from typing import Any, ClassVar

import numpy as np

from socialsim.brand.compiled_work import work_day
from socialsim.brand.routing import EXPERT, FRONTLINE, escalates
from socialsim.kernels import stream_handle
from socialsim.posts import Flagged, PostKind
from socialsim.scenario import TeamParams

__all__ = ["ANSWERED", "DISMISSED", "ESCALATED", "FOLLOWED", "CareTeam", "Queue", "fix_chance"]

ANSWERED, FOLLOWED, DISMISSED, ESCALATED = 0, 1, 2, 3
"""What became of a handled item (``Queue.outcome``): answered for what it is, answered as its
(wrong) label says, dismissed as irrelevant, passed on to the experts (not final)."""
_NOTHING = np.empty(0)
_EVERY_KIND = np.ones(len(PostKind), bool)
_NOT_YET = np.full(2, np.nan)  # each tier's slowing, for the kernel to find


class _Column:
    """A column of a :class:`Queue`: a row of one of its two blocks, seen as its own dtype
    (a contiguous view: reading it copies nothing, assigning to it writes into the block)."""

    def __init__(self, block: str, row: int, dtype: type) -> None:
        self.wide = block == "wide"
        self.row, self.dtype = row, np.dtype(dtype)
        self.raw = self.dtype == (np.int64 if self.wide else np.uint8)

    def __get__(self, queue: Queue | None, owner: type | None = None) -> Any:
        if queue is None:  # read on the class (help(), documentation): the column itself
            return self
        row = (queue.wide if self.wide else queue.narrow)[self.row]
        return row if self.raw else row.view(self.dtype)

    def __set__(self, queue: Queue, values: np.ndarray) -> None:
        self.__get__(queue)[...] = values


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

    The columns are the rows of two blocks, ``wide`` (int64, shape (5, n): ``author, shown``
    and the bits of ``arrival, key, ready``) and ``narrow`` (uint8, shape (7, n): ``kind,
    label, tier, outcome, how, complex, tagged``), each column a contiguous view of its row.
    Why: a day joins, takes and works the queue several times, which column by column cost a
    numpy call (or a kernel's argument) for each of twelve columns, and as blocks one or two.

    >>> from socialsim.posts import Flagged
    >>> queue = Queue.of(Flagged.empty(), np.empty(0), np.empty(0, np.int8))
    >>> queue.outcome.dtype, queue.wide.shape, queue.narrow.shape
    (dtype('int8'), (5, 0), (7, 0))
    """

    __slots__ = ("narrow", "wide")

    # The rows of the two blocks, which the compiled care team's day reads by number: 8-byte
    # columns (the floats stored as their bits), then 1-byte ones.
    author = _Column("wide", 0, np.int64)
    shown = _Column("wide", 1, np.int64)
    arrival = _Column("wide", 2, np.float64)
    key = _Column("wide", 3, np.float64)
    ready = _Column("wide", 4, np.float64)
    kind = _Column("narrow", 0, np.int8)
    label = _Column("narrow", 1, np.int8)
    tier = _Column("narrow", 2, np.int8)
    outcome = _Column("narrow", 3, np.int8)
    how = _Column("narrow", 4, np.uint8)
    complex = _Column("narrow", 5, np.bool_)
    tagged = _Column("narrow", 6, np.bool_)

    def __init__(
        self,
        author: np.ndarray,
        kind: np.ndarray,
        label: np.ndarray,
        arrival: np.ndarray,
        key: np.ndarray,
        complex: np.ndarray,
        tagged: np.ndarray,
        tier: np.ndarray,
        ready: np.ndarray,
        outcome: np.ndarray,
        shown: np.ndarray | None = None,
        how: np.ndarray | None = None,
    ) -> None:
        n = len(author)
        self.wide, self.narrow = np.empty((5, n), np.int64), np.zeros((7, n), np.uint8)
        given = {"author": author, "kind": kind, "label": label, "arrival": arrival, "key": key}
        given |= {"complex": complex, "tagged": tagged, "tier": tier, "ready": ready}
        given |= {"outcome": outcome, "shown": author if shown is None else shown}
        given["how"] = 0 if how is None else how
        for name, values in given.items():
            setattr(self, name, values)

    @classmethod
    def of_blocks(cls, wide: np.ndarray, narrow: np.ndarray) -> Queue:
        """The queue whose blocks these are (C-contiguous, of :attr:`wide`'s and
        :attr:`narrow`'s shapes and dtypes), without copying them."""
        queue = object.__new__(cls)
        queue.wide, queue.narrow = wide, narrow
        return queue

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
        n = len(flagged)
        wide, narrow = np.empty((5, n), np.int64), np.zeros((7, n), np.uint8)
        wide[0] = wide[1] = flagged.author  # shown: the author
        floats = wide[2:].view(np.float64)
        floats[0] = floats[2] = flagged.arrival  # ready: on arrival
        floats[1] = key
        for row, column in enumerate((flagged.kind, flagged.label, np.asarray(tier, np.int8))):
            narrow[row] = column.view(np.uint8)
        narrow[5], narrow[6] = flagged.complex.view(np.uint8), flagged.tagged.view(np.uint8)
        return cls.of_blocks(wide, narrow)

    def __len__(self) -> int:
        return self.wide.shape[1]  # an int already

    def take(self, which: np.ndarray) -> Queue:
        """The entries selected by a mask or index array."""
        if which.dtype == np.bool_:
            which = np.flatnonzero(which)
        if not which.size:  # often: nothing missed today
            return _EMPTY
        return Queue.of_blocks(np.take(self.wide, which, 1), np.take(self.narrow, which, 1))

    def join(self, other: Queue) -> Queue:
        """This queue followed by ``other``."""
        if not len(other):
            return self
        if not len(self):
            return other
        wide = np.concatenate((self.wide, other.wide), axis=1)
        return Queue.of_blocks(wide, np.concatenate((self.narrow, other.narrow), axis=1))

    @property
    def replied(self) -> np.ndarray:
        """Mask of the real posts that got a reply, fitting or not (handled items)."""
        return (self.author >= 0) & (self.outcome <= FOLLOWED)


_COLUMNS = tuple(name for name, value in vars(Queue).items() if isinstance(value, _Column))
_EMPTY = Queue.empty()


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
    last_summary : list of float
        The last day's median, 90th percentile and sum of the response times of the real
        posts that got a reply (``work_response``; NaN, NaN, 0 if none).
    missed_complaints : int
        Complaints among the items the last day dropped as missed.

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
        self.missed_complaints = 0
        self.last_summary = [float("nan"), float("nan"), 0.0]
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
        answers = _EVERY_KIND if answers is None else answers
        per_day = self.slots_per_day
        share = 1.0 if slots is None or per_day == 0 else slots / per_day
        start = 24.0 * (day - 1) + p.start_hour
        staff = self.staff if share > 0 else 0
        shift = (start, start + p.hours_per_day, 1.0 / max(share, 1e-12), p.hours_per_day)
        shift += (staff, p.experts)
        rules = (answers, escalates(p.routing, p.experts), self._minutes)
        blocks = (self.queue.wide, self.queue.narrow), (arrivals.wide, arrivals.narrow)
        busy, patience = (self._busy[FRONTLINE], self._busy[EXPERT]), (24.0 * day, p.max_wait_hours)
        # The gamma law of the handling times' multipliers, shape and scale (0, 0: none). A cv
        # whose square underflows (under 1e-162) is a spread below float resolution: the
        # gamma's limit, a fixed time (1 / cv² would divide by zero).
        spread = p.handling_cv**2
        errors = (
            p.error_rate,
            p.overload_errors,
            *((1 / spread, spread) if spread else (0.0, 0.0)),
        )
        handle = stream_handle(rng)
        (handled, left), times, counts, hours = work_day(
            handle, *blocks, busy, rules, shift, (*errors, _NOT_YET), patience
        )
        if counts[0] < 0:  # a tier over capacity, nothing drawn: numpy's exp, and again
            slowing = np.exp(np.array(hours[:2]))
            (handled, left), times, counts, hours = work_day(
                handle, *blocks, busy, rules, shift, (*errors, slowing), patience
            )
        missed, front, passed, self.missed_complaints = counts
        answered, self.queue = Queue.of_blocks(*handled), Queue.of_blocks(*left)
        done = len(answered)
        self.last_response_time = times[:done]
        self._busy[FRONTLINE] = times[done : done + front]
        self._busy[EXPERT] = times[done + front :]
        if not missed:
            dropped = _EMPTY
        else:  # the items left end with the missed ones
            kept = len(self.queue) - missed
            self.queue, dropped = (
                self.queue.take(np.arange(kept)),
                self.queue.take(np.arange(kept, kept + missed)),
            )
        frontline_hours, expert_hours, *summary = hours
        self.last_summary = summary
        self.last_counts = {
            "escalated": passed,
            "frontline_hours": frontline_hours,
            "expert_hours": expert_hours,
        }
        return answered, dropped


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
