"""Triage and the care team: a queue worked by a team of limited capacity, in hours.

Flagged posts that the policy answers wait in one queue, ordered by the policy's priority and,
within a priority, by arrival. The team of ``S`` people, each handling ``h`` posts an hour, works
``H`` hours a day from ``team.start_hour``; the part of its time not spent on proactive contacts
or broadcasts is spread evenly over the working day as reply slots. A post is answered in the
first free slot at or after its arrival that no post of higher priority takes, which is exactly
a non-preemptive priority queue served at those slots: lower-priority posts never delay it.
What is not answered carries over to the next day; a post that has waited longer than
``team.max_wait_hours`` is dropped as missed.

Response time runs from the post's appearance to the end of its handling, in hours, so a post
answered twenty minutes after it appeared is told apart from one answered two days later.
With ``S · h · H`` below the day's flagged volume, the backlog grows without bound, as queueing
theory says (Erlang C; see references.md for the 30 posts an hour anchor).

A day costs as much as its posts, whatever the team's capacity: slot times are computed, not
listed, and only the slots that posts take are remembered.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from socialsim.scenario import TeamParams

__all__ = ["CareTeam", "Queue"]


@dataclass(eq=False)
class Queue:
    """Posts waiting for the team (one entry per post; see :class:`~socialsim.brand.listening.Flagged`).

    ``key`` is the policy's priority, lower first. ``shown`` is the person whose metadata the
    brand sees for the post (its author, or a false positive's stand-in) and ``how`` the way
    the policy answers it (:class:`~socialsim.brand.policies.protocol.Handling` flags); they
    default to the author and 0.
    """

    author: np.ndarray
    kind: np.ndarray
    label: np.ndarray
    arrival: np.ndarray
    key: np.ndarray
    shown: np.ndarray = None  # type: ignore[assignment]
    how: np.ndarray = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.shown is None:
            self.shown = self.author
        if self.how is None:
            self.how = np.zeros(self.author.size, np.uint8)

    @classmethod
    def empty(cls) -> Queue:
        return cls(
            author=np.empty(0, np.int64),
            kind=np.empty(0, np.int8),
            label=np.empty(0, np.int8),
            arrival=np.empty(0),
            key=np.empty(0),
            shown=np.empty(0, np.int64),
            how=np.empty(0, np.uint8),
        )

    def __len__(self) -> int:
        return int(self.author.size)

    def take(self, which: np.ndarray) -> Queue:
        """The entries selected by a mask or index array."""
        return Queue(**{f.name: getattr(self, f.name)[which] for f in fields(self)})

    def join(self, other: Queue) -> Queue:
        """This queue followed by ``other``."""
        return Queue(
            **{
                f.name: np.concatenate([getattr(self, f.name), getattr(other, f.name)])
                for f in fields(self)
            }
        )


class CareTeam:
    """The brand's care team and the queue it works.

    Parameters
    ----------
    params : TeamParams
        Team size, speed, hours and patience.

    Examples
    --------
    >>> from socialsim.scenario import TeamParams
    >>> team = CareTeam(TeamParams(staff=1, posts_per_hour=2, hours_per_day=1, start_hour=9))
    >>> team.slots_per_day
    2
    >>> posts = Queue(np.arange(3), np.zeros(3, np.int8), np.zeros(3, np.int8), np.array([8.0, 8.5, 9.2]), np.zeros(3))
    >>> done, missed = team.work(posts, day=1)
    >>> done.author.tolist(), np.round(team.last_response_time, 2).tolist(), len(team.queue)
    ([0, 1], [1.5, 1.5], 1)
    """

    def __init__(self, params: TeamParams) -> None:
        self.params = params
        self.queue = Queue.empty()
        self.last_response_time = np.empty(0)
        self.staff = params.staff
        """People on duty today: ``params.staff`` unless the brand's staffing sets it."""

    @property
    def slots_per_day(self) -> int:
        """Posts the staff on duty can handle in a day."""
        p = self.params
        return int(self.staff * p.posts_per_hour * p.hours_per_day)

    def work(self, arrivals: Queue, day: int, slots: int | None = None) -> tuple[Queue, Queue]:
        """Add today's arrivals, work the queue for one day and drop what waited too long.

        Parameters
        ----------
        arrivals : Queue
            Today's posts that the policy answers, with their priority keys.
        day : int
            The day (1 is the first); hours count from the start of day 1.
        slots : int, optional
            Reply slots left for the queue (the rest of :attr:`slots_per_day` goes to
            proactive contacts and broadcasts); the whole day's capacity when omitted.

        Returns
        -------
        answered, missed : Queue
            The posts answered today (their response times, in hours, are in
            :attr:`last_response_time`) and those dropped as missed.
        """
        p = self.params
        queue = self.queue.join(arrivals)
        slots = self.slots_per_day if slots is None else slots
        times = _SlotTimes(24.0 * (day - 1) + p.start_hour, p.hours_per_day, slots)
        order = np.lexsort((queue.arrival, queue.key))
        slot_of = np.full(len(queue), -1)
        slot_of[order] = _first_free_slots(times.first_at_or_after(queue.arrival[order]), slots)
        answered = np.flatnonzero(slot_of >= 0)
        answered = answered[np.argsort(slot_of[answered])]  # in the order they were answered
        handled_at = times.time(slot_of[answered]) + 1.0 / p.posts_per_hour
        self.last_response_time = handled_at - queue.arrival[answered]
        waiting = queue.take(slot_of < 0)
        too_old = 24.0 * day - waiting.arrival > p.max_wait_hours
        self.queue = waiting.take(~too_old)
        return queue.take(answered), waiting.take(too_old)


@dataclass(frozen=True)
class _SlotTimes:
    """A working day's ``slots`` reply slots, spread evenly from ``start`` over ``hours``.

    Slot ``i`` opens at ``start + hours · i / slots``, computed on demand: a team of a million
    has a hundred million slots a day, and a day should not cost them.
    """

    start: float
    hours: float
    slots: int

    def time(self, slot: np.ndarray) -> np.ndarray:
        """When each slot opens, in hours."""
        return self.start + self.hours * np.asarray(slot, dtype=np.float64) / max(self.slots, 1)

    def first_at_or_after(self, when: np.ndarray) -> np.ndarray:
        """The first slot opening at or after each time; ``slots`` when none does."""
        if self.slots == 0:
            return np.zeros(when.size, dtype=np.int64)
        guess = np.ceil((when - self.start) / self.hours * self.slots)
        slot = np.clip(np.nan_to_num(guess), 0, self.slots).astype(np.int64)
        # The guess is off by rounding at most; step to the exact first slot, as a binary search
        # over the listed times would find it.
        while True:
            back = (slot > 0) & (self.time(slot - 1) >= when)
            ahead = (slot < self.slots) & (self.time(np.minimum(slot, self.slots - 1)) < when)
            if not (back.any() or ahead.any()):
                return slot
            slot = slot - back + ahead


def _first_free_slots(earliest: np.ndarray, slots: int) -> np.ndarray:
    """Give each post, in priority order, the first free slot at or after its earliest one.

    A union-find over the taken slots ("next free slot", with path halving) makes each look-up
    nearly constant time. Only taken slots have an entry, and the loop is over posts, not fans,
    and stops once every slot is taken, so a day costs its posts, whatever the capacity.
    """
    following: dict[int, int] = {}  # a taken slot s -> a slot > s that may be free
    assigned = [-1] * len(earliest)
    used = 0
    for position, start in enumerate(earliest.tolist()):
        if used == slots:
            break
        slot = start
        while slot in following:
            ahead = following[slot]
            following[slot] = following.get(ahead, ahead)
            slot = following[slot]
        if slot < slots:
            assigned[position] = slot
            following[slot] = slot + 1
            used += 1
    return np.asarray(assigned, dtype=np.int64)
