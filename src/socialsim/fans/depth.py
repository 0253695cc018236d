"""Depth of relationship: deepened by two-way interactions, fading without them.

Seed 002: a like "is a pretty non-committal action and from that simple starting point a whole
relationship needs to be constructed". Depth ``d`` in [0, 1) is a state of its own, separate
from loyalty: liking or following a brand changes neither attitudes nor behaviour (John et
al. 2017) and adds nothing to it; two-way interactions do (references-brand.md §7): each
reply that fits a person's post and each help from an advocate that day covers a share
``g = relationship.depth_gain`` of the way to full depth, ``d ← 1 − (1 − d)(1 − g)^k`` for
``k`` of them, and depth fades with time constant ``τ = relationship.depth_memory_days``,
``d ← d · exp(−1/τ)``. Both happen here, at the end of the day, from the day's rows of the
interaction log (:mod:`socialsim.interactions`).

What depth does, elsewhere:

- it damps every loyalty swing by ``1 − relationship.damping · d``
  (:meth:`~socialsim.population.Population.shift`);
- it raises the rate of acts for the brand by ``1 + relationship.boost · d``: liking,
  commenting and sharing brand posts (:mod:`socialsim.fans.content`), defending and helping
  (:mod:`socialsim.fans.advocacy`), a promoter's recommendations
  (:mod:`socialsim.fans.word_of_mouth`);
- it lowers churn by ``1 − relationship.churn_protection · d`` (:mod:`socialsim.fans.churn`).

The KPIs count fans by stage, shallow (``d < 1/3``), engaged and deep (``d ≥ 2/3``), and the
share of fans who interacted with the brand in the last 30 days.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.day import Counts, phase
from socialsim.fans.loyalty import kept_per_day
from socialsim.interactions import TWO_WAY, Kind
from socialsim.kernels import njit
from socialsim.network.graph import work_table
from socialsim.population import FAN, Population

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["RECENT_DAYS", "depth", "depth_day", "depth_deepen", "depth_levels"]

RECENT_DAYS = 30
"""Days back that count as "engaged recently" (the day itself included)."""
_TWO_WAY = np.isin(np.arange(len(Kind)), TWO_WAY)  # by kind: is it two-way (an isin by lookup)
_NO_TABLE = np.empty(0, np.int64)  # the scratch table of a day without rows: never read
_KPIS = ("depth_shallow", "depth_engaged", "depth_deep", "engaged_30d_share")


@phase("depth", kpis=_KPIS)
def depth(day: Day, rng: np.random.Generator) -> Counts:
    """Deepen the people answered or helped today, then let one day of depth fade for all."""
    pop, params = day.population, day.scenario.relationship
    rows = pop.log.day_range(day.t)
    return _levels(pop, day.t, kept_per_day(params.depth_memory_days), rows, params.depth_gain)


def depth_levels(pop: Population, t: int, keep: float = 1.0) -> Counts:
    """Fans by depth stage and the share who engaged with the brand recently (a like, comment
    or share of its posts, a reply or contact from it: not a post about it, which a complaint
    is), fading depth by ``keep``.

    With ``keep = 1`` nothing changes: the KPIs of the state as it is (day 0).

    >>> from socialsim.scenario import PopulationParams
    >>> pop = Population.initialize(PopulationParams(), 4, seed=np.random.default_rng(0))
    >>> pop.status[:], pop.depth[:], pop.max_depth = FAN, [0.0, 0.5, 0.7, 0.9], 0.9
    >>> pop.last_engaged[:] = [-1, 1, 40, 50]
    >>> depth_levels(pop, 50)
    {'depth_shallow': 1, 'depth_engaged': 1, 'depth_deep': 2, 'engaged_30d_share': 50.0}
    """
    return _levels(pop, t, float(keep), (0, 0), 0.0)


def _levels(pop: Population, t: int, keep: float, rows: tuple[int, int], gain: float) -> Counts:
    """:func:`depth_levels` after deepening by the log's ``rows`` (:func:`depth_day`)."""
    log, (first, last) = pop.log, rows
    # The scratch table only deepening reads (finding it costs a third of a quiet day's phase).
    table = work_table(pop.status.size) if last > first else _NO_TABLE
    shallow, engaged, deep, recent, pop.max_depth = depth_day(
        *(log.raw("person"), log.raw("kind"), first, last, _TWO_WAY, gain, table),
        *(pop.depth, pop.status, pop.last_engaged, pop.max_depth),
        keep,
        max(t - RECENT_DAYS + 1, 0),
    )
    fans = shallow + engaged + deep
    return {
        "depth_shallow": shallow,
        "depth_engaged": engaged,
        "depth_deep": deep,
        "engaged_30d_share": 100.0 * recent / fans if fans else float("nan"),
    }


@njit(cache=True)
def depth_day(
    person: np.ndarray,
    kind: np.ndarray,
    first: int,
    last: int,
    two_way: np.ndarray,
    gain: float,
    table: np.ndarray,
    depth: np.ndarray,
    status: np.ndarray,
    last_engaged: np.ndarray,
    max_depth: float,
    keep: float,
    since: int,
) -> tuple[int, int, int, int, float]:  # pragma: no cover
    """The depth phase in one call: deepen by the log's rows ``first .. last - 1``, fade by
    ``keep``, count the fans by stage (shallow, engaged, deep) and those engaged from day
    ``since`` on; the bound on everyone's depth after. Equal to::

        if last > first:
            max_depth = max(max_depth, depth_deepen(person, kind, first, last, two_way,
                                                    depth, gain, table))
        counts = _fade_and_count(depth, status, last_engaged, keep, since, max_depth > 0.0)
        return *counts, max_depth * keep
    """
    if last > first:
        max_depth = max(
            max_depth, depth_deepen(person, kind, first, last, two_way, depth, gain, table)
        )
    shallow, engaged, deep, recent = _fade_and_count(
        depth,
        status,
        last_engaged,
        keep,
        since,
        max_depth > 0.0,  # else depth 0 fades to 0
    )
    return shallow, engaged, deep, recent, max_depth * keep  # everyone fades alike


# The day's rows are a few dozen, but in numpy they cost a dozen calls (the rows, their kinds,
# a group-by, gathers and a scatter); one loop over them does it all.
@njit(cache=True)
def depth_deepen(
    person: np.ndarray,
    kind: np.ndarray,
    first: int,
    last: int,
    two_way: np.ndarray,
    depth: np.ndarray,
    gain: float,
    table: np.ndarray,
) -> float:  # pragma: no cover
    """Deepen each person by the two-way rows ``first .. last - 1`` of the interaction log;
    the deepest of them after (0.0 if none). ``table`` is scratch, one entry per person.

    Equal to this numpy (``sum_by`` counting each person's rows, ``times`` as floats)::

        rows = np.arange(first, last)
        answered = person[rows][two_way[kind[rows]]]
        people, times = sum_by(answered, np.ones(answered.size), depth.size)
        depth[people] = 1.0 - (1.0 - depth[people]) * (1.0 - gain) ** times
        return depth[people].max(initial=0.0)
    """
    for row in range(first, last):  # each person's last two-way row of the day
        if two_way[kind[row]]:
            table[person[row]] = row
    times = np.zeros(last - first, np.int64)  # at each person's last row: their rows
    for row in range(first, last):
        if two_way[kind[row]]:
            times[table[person[row]] - first] += 1
    deepest = 0.0
    for row in range(first, last):
        if two_way[kind[row]] and table[person[row]] == row:
            who = person[row]
            depth[who] = 1.0 - (1.0 - depth[who]) * (1.0 - gain) ** np.float64(times[row - first])
            deepest = max(deepest, depth[who])
    return deepest


# One pass over everyone, as memory's: the fading and the counts in numpy cost several passes.
# Without branches, as the state KPIs' tally (who is a fan, and at which stage, is
# unpredictable from one person to the next); the compares in the arrays' own widths (an int8
# status, int32 days: numba would widen both to int64 against an int64 constant), so that
# more of them fit a vector. When no one has any depth (``some_depth`` false), depths are
# neither read nor written, and the counts are int32 (numba widens each sum to int64).
@njit(cache=True)
def _fade_and_count(
    depth: np.ndarray,
    status: np.ndarray,
    last: np.ndarray,
    keep: float,
    since: int,
    some_depth: bool,
) -> tuple[int, int, int, int]:  # pragma: no cover
    fan_status, since32 = np.int8(FAN), np.int32(since)
    if not some_depth:
        fans32 = recent32 = np.int32(0)
        for i in range(status.size):
            fan = np.int32(status[i] == fan_status)
            fans32 = np.int32(fans32 + fan)
            recent32 = np.int32(recent32 + (fan & np.int32(last[i] >= since32)))
        return int(fans32), 0, 0, int(recent32)
    fans = engaged_or_deep = deep = recent = 0
    for i in range(depth.size):
        d = depth[i] * keep
        depth[i] = d
        fan = np.int64(status[i] == fan_status)
        fans += fan
        engaged_or_deep += fan & np.int64(d >= 1.0 / 3.0)
        deep += fan & np.int64(d >= 2.0 / 3.0)
        recent += fan & np.int64(last[i] >= since32)
    return fans - engaged_or_deep, engaged_or_deep - deep, deep, recent
