"""What a KPI is: its declaration, and the rules a declaration must keep.

A :class:`Kpi` says what a number means, in what unit, what kind of number it is, how a run is
summed up from its days, and which way is better for the brand. Everything that reads KPIs (the
model's record, :func:`~socialsim.kpis.per_run`, rankings, ``socialsim kpis``) reads these
declarations, so a KPI cannot be summed up one way and ranked another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = ["HIGHER", "LOWER", "NEUTRAL", "UNITS", "Kind", "Kpi", "Summary"]

UNITS = ("fans", "people", "posts", "hours", "currency", "points", "%", "days", "events")
"""Units a KPI may have: counts of fans, of people (fans or not), of posts; hours; currency
units (those of ``team.hourly_cost``); points (loyalty, NPS); percent; days; events (episodes,
alarms)."""

HIGHER, LOWER, NEUTRAL = 1, -1, 0
"""Directions: better for the brand when higher, when lower, or neither (never ranked)."""

RECORDERS = ("population", "fans", "brand")
"""Who records a KPI every day: the population's state, the fans' phases, the brand's day."""


class Kind(StrEnum):
    """What kind of number a KPI is."""

    LEVEL = "level"
    FLOW = "flow total"
    RATE = "rate/share"
    AVERAGE = "average"
    COST = "cost"
    VALUE = "value"


class Summary(StrEnum):
    """How a run is summed up from its daily values."""

    LAST = "last day"
    TOTAL = "total"
    MEAN = "mean over days with a value"
    RATIO = "ratio of totals"
    MAX = "peak over days"


# A run sums a KPI up by its kind, unless the declaration says otherwise (an average over
# replies is a ratio of two totals, not a mean of daily averages).
_SUMMARY = {
    Kind.LEVEL: Summary.LAST,
    Kind.FLOW: Summary.TOTAL,
    Kind.RATE: Summary.RATIO,
    Kind.AVERAGE: Summary.MEAN,
    Kind.COST: Summary.TOTAL,
    Kind.VALUE: Summary.TOTAL,
}


def _frozen(terms: Mapping[str, float] | None) -> Mapping[str, float] | None:
    return None if terms is None else MappingProxyType(dict(terms))


@dataclass(frozen=True, eq=False)
class Kpi:
    """The declaration of one KPI.

    Parameters
    ----------
    name : str
        The column name in the daily record and in per-run tables.
    label : str
        A short readable name ("Churn rate").
    meaning : str
        What the number is, in plain language.
    unit : str
        One of :data:`UNITS`.
    kind : Kind
        Level, flow total, rate/share, average, cost or value.
    direction : int, default NEUTRAL
        :data:`HIGHER` or :data:`LOWER` if more of it is better or worse for the brand;
        :data:`NEUTRAL` KPIs are never ranked.
    recorded_by : str, default ""
        Who records it every day (one of :data:`RECORDERS`); empty for a derived KPI.
    terms : mapping, optional
        A KPI derived each day as the weighted sum of other KPIs' daily values.
    at_start : mapping, optional
        Terms used instead of ``terms`` on day 0 (the initial state).
    numerator, denominator : mapping, optional
        A KPI that exists only per run: the ratio of weighted sums of other KPIs' run totals
        (times 100 for a percentage). Undefined (NaN) when the denominator is 0.
    priced : bool, default False
        Computed each day from the daily record and the value and cost parameters
        (:func:`socialsim.value.value_and_cost`).
    summary : Summary, optional
        How a run is summed up; by default from ``kind`` (a level by its last day, a flow, cost
        or value by its total, a rate by the ratio of its totals, an average by its mean over
        the days that have one).

    Examples
    --------
    >>> k = Kpi("x", "X", "Something.", "posts", Kind.FLOW, LOWER, recorded_by="brand")
    >>> k.summary, k.derived, k.run_only
    (<Summary.TOTAL: 'total'>, False, False)
    >>> Kpi("x", "X", "Something.", "apples", Kind.FLOW)
    Traceback (most recent call last):
    ...
    ValueError: The KPI 'x' must have a unit in ('fans', 'people', 'posts', 'hours', 'currency', 'points', '%', 'days', 'events'). Got 'apples' instead.
    """

    name: str
    label: str
    meaning: str
    unit: str
    kind: Kind
    direction: int = NEUTRAL
    recorded_by: str = ""
    terms: Mapping[str, float] | None = None
    at_start: Mapping[str, float] | None = None
    numerator: Mapping[str, float] | None = None
    denominator: Mapping[str, float] | None = None
    priced: bool = False
    summary: Summary | None = None

    def __post_init__(self) -> None:
        for name in ("terms", "at_start", "numerator", "denominator"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        if self.summary is None:
            object.__setattr__(self, "summary", _SUMMARY[self.kind])
        self._check()

    def _check(self) -> None:
        def bad(what: str, value: object) -> ValueError:
            return ValueError(f"The KPI '{self.name}' must have {what}. Got {value!r} instead.")

        if self.unit not in UNITS:
            raise bad(f"a unit in {UNITS}", self.unit)
        if self.direction not in (HIGHER, LOWER, NEUTRAL):
            raise bad("a direction of 1, -1 or 0", self.direction)
        if self.recorded_by not in ("", *RECORDERS):
            raise bad(f"a recorder in {RECORDERS} or none", self.recorded_by)
        ratio = self.numerator is not None and self.denominator is not None
        if (self.summary is Summary.RATIO) != ratio:
            raise bad("a numerator and a denominator exactly when summed up as a ratio", ratio)
        ways = [bool(self.recorded_by), self.terms is not None, ratio, self.priced]
        if sum(ways) != 1:
            raise bad("exactly one origin: recorded, terms, a ratio, or priced", ways)
        if self.at_start is not None and self.terms is None:
            raise bad("terms when it has terms for day 0", self.at_start)

    @property
    def derived(self) -> bool:
        """Whether the KPI is computed from others rather than recorded by the model."""
        return not self.recorded_by

    @property
    def run_only(self) -> bool:
        """Whether the KPI exists only per run (a ratio of totals), with no daily value."""
        return self.summary is Summary.RATIO

    @property
    def inputs(self) -> tuple[str, ...]:
        """The daily columns a derived KPI is computed from ("day" for one with a day-0 rule)."""
        parts = (self.terms, self.at_start, self.numerator, self.denominator)
        names = dict.fromkeys(k for part in parts if part is not None for k in part)
        return (*names, *(("day",) if self.at_start is not None else ()))

    @property
    def scale(self) -> float:
        """100 for a percentage, else 1."""
        return 100.0 if self.unit == "%" else 1.0
