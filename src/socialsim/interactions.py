"""The interaction log: who interacted with the brand, when, how, on which channel and post.

Seed 000 asks "we've got great engagement on this post, but who engaged? Did these people
engage previously?" and tells brands to "track every interaction on an individual level". The
log keeps one row per interaction, appended as the day's phases make them: public posts about
the brand, likes, comments and shares of the brand's posts, the brand's replies, help from
advocates, unsolicited contacts. Its columns are preallocated arrays that double when full,
so an append costs a copy of the new rows only, and there is no Python object per row.

Rows are appended in the order of the days, so the rows of one day are a contiguous block
(:meth:`InteractionLog.on_day`). Which kinds deepen a relationship is :data:`TWO_WAY`; which
the brand sees on its own accounts (and a policy may use) is :data:`BRAND_SEES`.

Each phase logs the interactions it makes; the day's public posts about the brand (complaints,
re-shares of complaints, praise, needs) are logged by the phase :func:`log_posts`
(``interactions``), once experiences and escalation have made them.
"""

from __future__ import annotations

from bisect import bisect_left
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from socialsim.day import Counts, phase
from socialsim.kernels import njit

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["BRAND_SEES", "TWO_WAY", "Channel", "InteractionLog", "Kind", "log_posts"]


class Kind(IntEnum):
    """What happened. The first three are the kinds of :class:`~socialsim.posts.PostKind`."""

    COMPLAINT = 0
    PRAISE = 1
    NEED = 2
    COMMENT = 3  # on a brand post
    LIKE = 4  # of a brand post
    SHARE = 5  # of a brand post, to the person's own audience
    REPLY = 6  # the brand answered the person's post with a reply that fits it
    BOTCHED = 7  # the brand answered with a reply to the wrong kind of post
    HELP = 8  # an advocate helped the person with a stated need
    CONTACT = 9  # the brand contacted the person unasked


class Channel(IntEnum):
    """Where it happened."""

    PUBLIC = 0  # a public post, or a public reply
    PRIVATE = 1  # a private reply or contact
    BRAND_POST = 2  # on a brand post the person saw on the brand's page
    SHARED = 3  # on a brand post the person saw because someone they follow shared it


TWO_WAY = (Kind.REPLY, Kind.HELP)
"""The interactions that deepen a relationship: someone answered the person
(references-brand.md §7: deepening comes only from two-way interactions)."""

BRAND_SEES = (Kind.COMMENT, Kind.LIKE, Kind.SHARE, Kind.REPLY, Kind.BOTCHED, Kind.CONTACT)
"""The interactions the brand sees on its own accounts, whatever its listening catches:
engagement with its posts, its own replies and contacts. A policy sees when each listed author
last had one (:attr:`~socialsim.brand.observation.Items.last_engaged`)."""

_NO_DAYS = np.empty(0, np.int32)  # no days to stamp

_COLUMNS = {
    "person": np.int64,
    "day": np.int32,
    "hour": np.float32,
    "kind": np.int8,
    "channel": np.int8,
    "post": np.int32,
}


class InteractionLog:
    """Append-only columns: person, day, hour, kind, channel and brand post id (−1 if none).

    Parameters
    ----------
    capacity : int, default 1024
        Rows preallocated; the buffers double whenever they fill up.

    Examples
    --------
    >>> log = InteractionLog()
    >>> log.append([3, 7], day=1, hour=[9.5, 10.0], kind=Kind.LIKE, channel=Channel.BRAND_POST, post=0)
    >>> log.append([3], day=2, hour=11.0, kind=Kind.REPLY, channel=Channel.PUBLIC)
    >>> len(log), log.on_day(2).tolist()
    (3, [2])
    >>> log.to_frame()[["person", "day", "kind", "post"]].to_dict("list")
    {'person': [3, 7, 3], 'day': [1, 1, 2], 'kind': ['like', 'like', 'reply'], 'post': [0, 0, -1]}
    """

    def __init__(self, capacity: int = 1024) -> None:
        self._size = 0
        self._last_day = -(2**31)  # the day of the last row, as a Python int
        self._days: list[int] = []  # each day logged, once, in order ...
        self._starts: list[int] = []  # ... and its first row
        self._columns = {name: np.empty(capacity, dtype) for name, dtype in _COLUMNS.items()}

    def __len__(self) -> int:
        return self._size

    def column(self, name: str) -> np.ndarray:
        """A read-only view of one column's rows (``person``, ``day``, ``hour`` ...)."""
        view = self._columns[name][: self._size]
        view.flags.writeable = False
        return view

    def append(
        self,
        person: npt.ArrayLike,
        *,
        day: int,
        hour: npt.ArrayLike,
        kind: npt.ArrayLike,
        channel: npt.ArrayLike,
        post: npt.ArrayLike = -1,
        stamp: tuple[np.ndarray, np.ndarray] = (_NO_DAYS, _NO_DAYS),
    ) -> None:
        """Add one row per person; the other columns are one value for all or one per person.

        ``day`` must not be earlier than the last row's: the log is in the order of the days.
        ``stamp``, each person's last interaction and last engagement days (a population's),
        are set to ``day`` for the rows' people, the engagement for the kinds the brand sees
        (:data:`BRAND_SEES`).
        """
        person = np.asarray(person, dtype=np.int64).ravel()
        n = person.size
        if n == 0:
            return
        start = self.reserve(day, n)
        # One compiled call for the six columns and the days: appends are several a day, each
        # of a few rows, where numpy's assignments (an enum's conversion in each) cost more.
        kinds = _one_or_each(kind)
        interactions_append(
            self.buffers(),
            start,
            person,
            day,
            _one_or_each(hour),
            kinds if isinstance(kinds, np.ndarray) else _KINDS[kinds],
            _one_or_each(channel),
            _one_or_each(post),
            *stamp,
        )
        self.wrote(day, n)

    def reserve(self, day: int, rows: int) -> int:
        """Room for ``rows`` more rows of ``day``, for a compiled loop to write into the
        columns' buffers (:meth:`buffers`, taken after this call) from the row returned on;
        :meth:`wrote` then counts the rows it wrote.

        >>> log = InteractionLog(capacity=1)
        >>> start = log.reserve(3, 2)
        >>> person, day_column = log.buffers()[:2]
        >>> person[start], day_column[start] = 7, 3
        >>> log.wrote(3, 1)
        >>> log.column("person").tolist(), log.day_range(3)
        ([7], (0, 1))
        """
        if day < self._last_day:
            raise ValueError(
                f"The 'day' parameter must be >= the last day logged "
                f"({self._last_day}). Got {day!r} instead."
            )
        if self._size + rows > self._columns["person"].size:
            self._reserve(self._size + rows)
        return self._size

    def wrote(self, day: int, rows: int) -> None:
        """Count ``rows`` rows of ``day`` written from the row :meth:`reserve` returned."""
        if rows == 0:
            return
        if not self._days or day > self._last_day:
            self._days.append(day)
            self._starts.append(self._size)
        self._size, self._last_day = self._size + rows, day

    def buffers(self) -> tuple[np.ndarray, ...]:
        """The columns' whole buffers, in the order person, day, hour, kind, channel, post."""
        return tuple(self._columns.values())

    def raw(self, name: str) -> np.ndarray:
        """One column's whole buffer, the rows from ``len(log)`` on stale: for a compiled loop
        that reads the rows it is told of (a view from :meth:`column` costs a microsecond)."""
        return self._columns[name]

    def on_day(self, day: int) -> np.ndarray:
        """The row numbers of one day (a contiguous range), as an array."""
        return np.arange(*self.day_range(day))

    def day_range(self, day: int) -> tuple[int, int]:
        """The first row of one day and the row after its last (equal if it has none).

        >>> log = InteractionLog()
        >>> log.append([3, 7], day=1, hour=9.0, kind=Kind.LIKE, channel=Channel.BRAND_POST)
        >>> log.day_range(1), log.day_range(2)
        ((0, 2), (2, 2))
        """
        return self._first_row(day), self._first_row(day + 1)

    def _first_row(self, day: int) -> int:
        """The first row of the first day logged from ``day`` on (the end if none)."""
        # A bisection of the days logged, with the row each starts at: a search of the day
        # column cost as much as a quiet day's phase (a search with Python ints converted the
        # whole column to int64 first).
        at = bisect_left(self._days, day)
        return self._starts[at] if at < len(self._starts) else self._size

    def to_frame(self) -> pd.DataFrame:
        """The log as a tidy table, one row per interaction, kinds and channels by name."""
        frame = pd.DataFrame({name: self.column(name).copy() for name in _COLUMNS})
        for name, names in (("kind", Kind), ("channel", Channel)):
            frame[name] = pd.Categorical.from_codes(
                frame[name], [member.name.lower() for member in names]
            )
        return frame

    def _reserve(self, rows: int) -> None:
        capacity = self._columns["person"].size
        if rows <= capacity:
            return
        capacity = max(capacity, 1)
        while capacity < rows:
            capacity *= 2
        for name, old in self._columns.items():
            grown = np.empty(capacity, old.dtype)
            grown[: self._size] = old[: self._size]
            self._columns[name] = grown


def _one_or_each(values: npt.ArrayLike) -> Any:
    """One value for all rows as a plain number (an enum member as its int), or an array:
    the types the compiled writer takes."""
    if isinstance(values, np.ndarray):
        return values
    if isinstance(values, int):  # Kind and Channel members included
        return int(values)
    if isinstance(values, float):
        return values
    return np.asarray(values) if np.ndim(values) else values.item()  # a list, a numpy number


@njit(cache=True)
def interactions_append(
    columns: tuple[np.ndarray, ...],
    start: int,
    person: np.ndarray,
    day: int,
    hour: Any,
    kinds: np.ndarray,
    channel: Any,
    post: Any,
    last_interaction: np.ndarray,
    last_engaged: np.ndarray,
) -> None:  # pragma: no cover
    """Write rows ``start ..`` of the log's ``columns`` (:meth:`InteractionLog.buffers`), one per person, the other values one for
    all or one per person (``kinds``: one or one per person, in an array), and stamp the
    days (none if ``last_interaction`` is empty). Equal to ``column[start:end] = values``
    for each column, each value converted to the column's type as numpy converts it, then::

        last_interaction[person] = day
        last_engaged[person[_BRAND_SEES[kinds] & np.ones(person.size, bool)]] = day
    """
    person_column, day_column, hour_column, kind_column, channel_column, post_column = columns
    end = start + person.size
    person_column[start:end] = person
    day_column[start:end] = day
    hour_column[start:end] = hour
    channel_column[start:end] = channel
    post_column[start:end] = post
    for k in range(person.size):
        kind_column[start + k] = kinds[min(k, kinds.size - 1)]
    if last_interaction.size:
        for k in range(person.size):
            last_interaction[person[k]] = day
            if _BRAND_SEES[kinds[min(k, kinds.size - 1)]]:
                last_engaged[person[k]] = day


@njit(cache=True)
def interactions_row(
    columns: tuple[np.ndarray, ...],
    row: int,
    person: int,
    day: int,
    hour: float,
    kind: int,
    channel: int,
    post: int,
    last_interaction: np.ndarray,
    last_engaged: np.ndarray,
) -> None:  # pragma: no cover
    """One row of :func:`interactions_append` (``columns``: :meth:`InteractionLog.buffers`),
    for a kernel that logs as it goes."""
    person_column, day_column, hour_column, kind_column, channel_column, post_column = columns
    person_column[row], day_column[row], hour_column[row] = person, day, hour
    kind_column[row], channel_column[row], post_column[row] = kind, channel, post
    last_interaction[person] = day
    if _BRAND_SEES[kind]:
        last_engaged[person] = day


_BRAND_SEES = np.isin(np.arange(len(Kind)), BRAND_SEES)  # by kind: does the brand see it
_KINDS = np.arange(len(Kind), dtype=np.int8)[:, None]  # each kind as an array of one


@phase("interactions")
def log_posts(day: Day, rng: np.random.Generator) -> Counts:
    """Log the day's public posts about the brand, each by its author at its hour."""
    posts = day.posts
    if len(posts):
        day.population.record(
            posts.author, day=day.t, hour=posts.hour, kind=posts.kind, channel=Channel.PUBLIC
        )
    return {}
