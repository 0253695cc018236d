"""What the brand sees: the one object a response policy gets each day.

A policy decides on the brand's side of the line between the world and what listening gives the
brand (``docs/policies.md``). The world's ground truth (a post's true kind, whether it is a false
positive, who wrote it, anyone's loyalty) is in the day's context for the phases that model the
world; a policy gets an :class:`Observation` instead, built here and nowhere else, which holds:

- the items the brand could answer, waiting ones first, then today's flagged posts, each with
  what a listening tool shows about it: the *label* listening gave it, when it appeared, and its
  author's audience, past interactions with the brand, posts about the brand and the last day
  they engaged with the brand where it can see it (its own posts, replies and contacts). A false
  positive has no author the brand could help, but its listed author looks like anyone else's:
  the brand shows it the metadata of a stand-in, the author of a post listening missed today
  and listed nowhere else (drawn by :func:`socialsim.brand.agent.triage` on its own stream),
  so that metadata, and how often it repeats another item's, cannot tell a false positive
  from a real post. The posts counted are those listening flagged (``posts_heard``), never
  those it missed;
- the team: who is on duty today, extra staff booked for the coming days, its capacity;
- the brand's own record of earlier days (flagged posts by label, answered, dropped, backlog,
  staff, cost): what the brand can count itself, never what only the world knows.

The observation is frozen, its arrays are read-only copies or read-only views of the brand's
own record, and it holds no author id, no population, no scenario and no reference to the day:
a policy cannot read the truth, even by accident.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from socialsim.brand.compiled_triage import triage_items

if TYPE_CHECKING:
    from socialsim.brand.care_team import Queue
    from socialsim.day import Day

__all__ = [
    "HISTORY",
    "History",
    "Items",
    "Observation",
    "TeamView",
    "items_of",
    "observe",
    "read_only",
]


def read_only(array: np.ndarray) -> np.ndarray:
    """``array`` marked read-only (in place) and returned.

    >>> read_only(np.zeros(2)).flags.writeable
    False
    """
    array.setflags(write=False)  # as flags.writeable = False, without the flags object
    return array


@dataclass(frozen=True, slots=True, eq=False)
class Items:
    """The items a policy may answer, one entry per item: waiting ones first, then today's.

    Attributes
    ----------
    label : numpy.ndarray of int8
        The kind listening gave the item (a :class:`~socialsim.posts.PostKind` value), which
        may be wrong; never its true kind.
    tagged : numpy.ndarray of bool
        Listening tagged the item as a complaint that needs an expert (which may be wrong;
        never whether it does).
    arrival : numpy.ndarray of float64
        When the post appeared, in hours since the start of day 1.
    waiting : numpy.ndarray of bool
        The item was queued on an earlier day and is still waiting (it stays in the queue:
        a policy re-orders and re-handles it, it cannot withdraw it).
    key : numpy.ndarray of float64
        A waiting item's current priority (lower first); NaN for today's items.
    audience : numpy.ndarray of int64
        The listed author's audience (followers who see their posts).
    interactions : numpy.ndarray of int64
        The listed author's past interactions with the brand: replies and proactive contacts
        received.
    posts : numpy.ndarray of int64
        The listed author's public posts about the brand that listening flagged so far, this
        one included (a false positive counts for its stand-in): the brand sees someone's
        posts through its listening tool, so the posts it missed do not count.
    last_engaged : numpy.ndarray of int32
        The last day on which the listed author engaged with the brand where the brand sees
        it: liked, commented on or shared one of its posts (today's so far included), or got
        a reply or a contact from it (:data:`~socialsim.interactions.BRAND_SEES`); -1 if
        never. "Did these people engage previously?" (seed 000).
    """

    label: np.ndarray
    tagged: np.ndarray
    arrival: np.ndarray
    waiting: np.ndarray
    key: np.ndarray
    audience: np.ndarray
    interactions: np.ndarray
    posts: np.ndarray
    last_engaged: np.ndarray

    def __len__(self) -> int:
        return int(self.label.size)

    @property
    def new(self) -> np.ndarray:
        """Today's items (not waiting), as a mask."""
        return ~self.waiting


@dataclass(frozen=True, slots=True)
class TeamView:
    """The care team as the brand plans it today.

    Attributes
    ----------
    staff : int
        Frontline people on duty today, extra staff included (the experts are
        ``team.experts``).
    extra : int
        Extra (surge) staff among them.
    booked : numpy.ndarray of int64
        Extra staff booked for each coming day, tomorrow first (empty when none are booked).
    slots_per_day : int
        Items the staff on duty can handle today (replies and contacts share them, after the
        hours spent on content).
    reply_minutes, hours_per_day, start_hour, max_wait_hours : float
        The frontline's minutes a reply, working day and patience (``team.*``).
    hours_per_post : float
        Staff hours one brand post takes to write (``content.staff_hours_per_post``).
    """

    staff: int
    extra: int
    booked: np.ndarray
    slots_per_day: int
    reply_minutes: float
    hours_per_day: float
    start_hour: float
    max_wait_hours: float
    hours_per_post: float


HISTORY = (
    "flagged",
    "flagged_complaint",
    "flagged_praise",
    "flagged_need",
    "answered",
    "missed",
    "backlog",
    "staff",
    "staff_cost",
    "contacts",
    "broadcasts",
)
"""The brand's own daily record, by name: flagged items (all, and by label), items answered and
dropped, the backlog at the end of the day, staff on duty, the day's staff cost, proactive
contacts and brand posts published."""


class History:
    """The brand's own record of the days before today, one value per day and name.

    Examples
    --------
    >>> history = History()
    >>> history.append(range(len(HISTORY)))
    >>> history.append([3.0] * len(HISTORY))
    >>> seen = history.view()
    >>> seen["backlog"].tolist(), history.days
    ([6.0, 3.0], 2)
    >>> seen["backlog"].flags.writeable
    False
    """

    def __init__(self) -> None:
        self._table = read_only(np.zeros((16, len(HISTORY))))
        # Days appended and not yet written into the table: they are written when a policy
        # first reads a column, all at once. Most policies never read the record, and writing
        # a day's row into the read-only table cost about a tenth of a quiet day's brand.
        self._pending: list[tuple[float, ...]] = []
        self.days = 0
        self._view: Mapping[str, np.ndarray] | None = None

    def append(self, day: Sequence[float]) -> None:
        """Record one day: a value for each name of :data:`HISTORY`, in that order."""
        self._pending.append(tuple(day))
        self.days += 1
        self._view = None

    def view(self) -> Mapping[str, np.ndarray]:
        """The record so far as a read-only mapping of read-only arrays, day 1 first."""
        if self._view is None:
            self._view = _Record(self, self.days)
        return self._view

    def rows(self, days: int) -> np.ndarray:
        """The first ``days`` days of the record (read-only), one row per day."""
        if self._pending:
            written, table = self.days - len(self._pending), self._table
            while len(table) < self.days:  # full: double the room
                table = np.concatenate([table, np.zeros_like(table)])
            table.setflags(write=True)
            table[written : self.days] = self._pending
            self._table = read_only(table)
            self._pending.clear()
        return self._table[:days]


class _Record(Mapping[str, np.ndarray]):
    """The first days of a :class:`History`, by name: each column a read-only view of the
    rows, taken when it is read (a policy reads a name or two, the record grows every day).
    Later days never change earlier rows, so a record kept from an earlier day still shows
    that day's days."""

    __slots__ = ("_days", "_history")
    _COLUMN: ClassVar[dict[str, int]] = {name: i for i, name in enumerate(HISTORY)}

    def __init__(self, history: History, days: int) -> None:
        self._history, self._days = history, days

    def __getitem__(self, name: str) -> np.ndarray:
        column = self._COLUMN[name]
        return self._history.rows(self._days)[:, column]

    def __iter__(self) -> Iterator[str]:
        return iter(HISTORY)

    def __len__(self) -> int:
        return len(HISTORY)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self)!r})"


@dataclass(frozen=True, slots=True)
class Observation:
    """Everything a policy sees on one day (see the module docstring for what it leaves out).

    Attributes
    ----------
    day : int
        Today (1 is the first day); item hours count from the start of day 1.
    items : Items
        The items it may answer: waiting ones first, then today's flagged posts.
    team : TeamView
        The team on duty today and the staff booked.
    history : Mapping of str to numpy.ndarray
        The brand's own record of earlier days (:data:`HISTORY`), one entry per day.
    alarm : bool
        Whether the brand's early-warning detector raised an alarm today
        (:mod:`socialsim.brand.early_warning`, which counts only what listening flagged).
    crisis_mode : bool
        Whether the brand is in crisis mode after an alarm (``reaction.mode_days``).
    """

    day: int
    items: Items
    team: TeamView
    history: Mapping[str, np.ndarray]
    alarm: bool = False
    crisis_mode: bool = False

    @property
    def shift_end(self) -> float:
        """When today's working day ends, in hours since the start of day 1."""
        return 24.0 * (self.day - 1) + self.team.start_hour + self.team.hours_per_day


def items_of(**columns: np.ndarray) -> Items:
    """:class:`Items` from its columns, each made read-only.

    >>> one = items_of(label=np.array([0]), tagged=np.array([False]), arrival=np.array([3.0]),
    ...                waiting=np.array([False]), key=np.array([np.nan]), audience=np.array([12]),
    ...                interactions=np.array([0]), posts=np.array([1]),
    ...                last_engaged=np.array([-1], np.int32))
    >>> len(one), one.audience.flags.writeable
    (1, False)
    """
    return Items(**{f.name: read_only(columns[f.name]) for f in fields(Items)})


# The blocks of Items' columns: the columns of one dtype are the rows of one block (label;
# tagged, waiting; arrival, key; audience, interactions, posts; last_engaged), so that a day
# allocates five arrays and passes five to the compiled call, not nine. Dtypes as dtypes,
# which np.empty takes as they are (a scalar type it looks up at each call).
_ITEM_BLOCKS = tuple(
    (rows, np.dtype(dtype))
    for rows, dtype in ((1, np.int8), (2, np.bool_), (2, np.float64), (3, np.int64), (1, np.int32))
)


def _item_blocks(n: int) -> list[np.ndarray]:
    """Empty blocks for ``n`` items, which :func:`_items_of_blocks` makes :class:`Items` of."""
    return [np.empty((rows, n), dtype) for rows, dtype in _ITEM_BLOCKS]


def _items_of_blocks(blocks: list[np.ndarray]) -> Items:
    """:class:`Items` whose columns are the read-only rows of ``blocks``."""
    label, flags, hours, counts, engaged = map(read_only, blocks)
    return Items(label[0], flags[0], hours[0], flags[1], hours[1], *counts, engaged[0])


_NO_ITEMS = _items_of_blocks(_item_blocks(0))


def observe(day: Day, waiting: Queue, shown: np.ndarray) -> Observation:
    """What the brand sees today: the only place where the world's state becomes the brand's view.

    Parameters
    ----------
    day : Day
        Today's context; its population and graph give the listed authors' metadata, its
        flagged posts (``day.flagged``) are today's items.
    waiting : Queue
        The items waiting from earlier days (``Queue.shown``: the person each lists).
    shown : numpy.ndarray of int64
        The person each of today's items lists: its author, or a false positive's stand-in
        (:func:`socialsim.brand.agent.triage` draws them), one per item of ``day.flagged``.
    """
    brand, t = day.brand, day.t
    team, staffing, p = brand.team, brand.staffing, brand.team.params
    n = len(waiting) + shown.size
    if n == 0:
        items = _NO_ITEMS
    else:
        pop, today = day.population, day.flagged
        people = (
            day.graph.out_degree,
            pop.responses_received,
            pop.unsolicited_received,
            pop.posts_heard,
            pop.last_engaged,
        )
        blocks = _item_blocks(n)
        triage_items(
            (waiting.wide, waiting.narrow),
            today.label,
            today.tagged,
            today.arrival,
            shown,
            people,
            (blocks[0][0], *blocks[1:4], blocks[4][0]),
        )
        items = _items_of_blocks(blocks)
    extra, booked = staffing.extra_on(t), staffing.booked_after(t)
    view = brand.team_view  # most days the team is as it was: the same view
    if view is None or (view.staff, view.extra) != (team.staff, extra) or booked.size:
        view = TeamView(
            staff=team.staff,
            extra=extra,
            booked=booked,
            slots_per_day=team.slots_per_day,
            reply_minutes=p.reply_minutes,
            hours_per_day=p.hours_per_day,
            start_hour=p.start_hour,
            max_wait_hours=p.max_wait_hours,
            hours_per_post=day.scenario.content.staff_hours_per_post,
        )
        brand.team_view = view
    alert = day.alert
    return Observation(t, items, view, brand.history.view(), alert.alarm, alert.crisis_mode)
