"""The words of a comparison's report: numbers written for people, and the answer in a paragraph.

Every number the report shows goes through :class:`Formats`, which gives each KPI the
decimals its uncertainty justifies (two significant digits of the smallest interval's
half-width), so the headline and the tables print the very same strings. The headline is
generated from :meth:`~socialsim.studies.compare.Comparison.differences`: for each strategy,
the first KPI of the experiment, total cost and net value, then every other KPI whose
difference is distinguishable after Holm's adjustment, then the names of those that are not.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from socialsim.kpis import DECLARED, HIGHER, LOWER

__all__ = [
    "ALPHA",
    "CHEAPER",
    "Formats",
    "Sentence",
    "counted",
    "direction_word",
    "format_p",
    "headline",
    "name_in_text",
    "prices",
    "unit_of",
]

ALPHA = 0.05
"""A difference is called distinguishable when its Holm-adjusted p-value is below this."""

MINUS = "\N{MINUS SIGN}"

CHEAPER = "cheaper and better"
"""What the report says instead of a price per NPS point when a strategy gains NPS for less."""

_UNIT = {"currency": "currency units", "%": "%"}
_DIFFERENCE_UNIT = {"currency": "", "%": "percentage points"}
_SINGULAR = {"people": "person", "strategies": "strategy"}
"""The plurals not made by adding an s."""


def counted(number: int | str, noun: str) -> str:
    """A number and its plural noun, made singular for one (as shown: "1.0" too).

    >>> counted(1, "paired replicates"), counted("1.0", "people"), counted(3, "strategies")
    ('1 paired replicate', '1.0 person', '3 strategies')
    """
    one = float(str(number).replace(",", "")) == 1
    singular = _SINGULAR.get(noun, noun.removesuffix("s"))
    return f"{number} {singular if one else noun}"


def unit_of(kpi: str, difference: bool = False) -> str:
    """The unit of a KPI as a reader sees it; of a difference, percentage points for a %.

    Examples
    --------
    >>> unit_of("total_cost"), unit_of("churn_rate"), unit_of("churn_rate", difference=True)
    ('currency units', '%', 'percentage points')
    """
    unit = DECLARED[kpi].unit
    return (_DIFFERENCE_UNIT if difference else _UNIT).get(unit, unit)


def name_in_text(kpi: str) -> str:
    """A KPI's label inside a sentence: lower case, but for an acronym ("NPS").

    >>> name_in_text("churn_rate"), name_in_text("nps"), name_in_text("new_fans_referred")
    ('churn rate', 'NPS', 'new fans (referred)')
    """
    label = DECLARED[kpi].label
    if ", " in label:  # "Loyalty change, onlookers" would read as two items of a list
        label = "{} ({})".format(*label.split(", ", 1))
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def format_p(p: float) -> str:
    """A p-value for people: "< 0.001", else two decimals (three below 0.01); "–" if none.

    >>> [format_p(p) for p in (3.02e-13, 0.0042, 0.0312, 0.5, float("nan"))]
    ['< 0.001', '0.004', '0.03', '0.50', '–']
    """
    if not np.isfinite(p):
        return "–"
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}" if p < 0.01 else f"{p:.2f}"


def _decimals(spreads: Iterable[float], values: Iterable[float]) -> int:
    """Two significant digits of the smallest positive half-width; without one (every
    replicate alike), none for whole numbers, else three significant digits of the largest
    value. Between 0 and 3."""
    positive = [s for s in spreads if np.isfinite(s) and s > 0]
    sizes = [abs(v) for v in values if np.isfinite(v) and v != 0]
    if positive:
        digits = 1 - math.floor(math.log10(min(positive)))
    elif sizes and not all(float(v).is_integer() for v in sizes):
        digits = 2 - math.floor(math.log10(max(sizes)))
    else:
        digits = 0
    return min(max(digits, 0), 3)


@dataclass(frozen=True)
class Formats:
    """How many decimals each KPI is shown with, and the number formats that use them.

    Examples
    --------
    >>> f = Formats({"nps": 1})
    >>> f.number("nps", -2.345, signed=True), f.interval("nps", 2.345, 1.2, 3.5)
    ('−2.3', '+2.3 [+1.2, +3.5]')
    >>> f.interval("nps", 0.01, -0.04, 0.0)  # rounded zeros have no sign
    '0.0 [0.0, 0.0]'
    """

    decimals: Mapping[str, int]

    @classmethod
    def of(cls, table: pd.DataFrame, value: str = "difference") -> Formats:
        """Decimals per KPI from a table with ``kpi``, ``ci_low``, ``ci_high`` and ``value``
        columns (a comparison's differences, or its summary with ``value="mean"``), so every
        number of a KPI in that table is shown alike."""
        decimals = {}
        for kpi, rows in table.groupby("kpi", sort=False):
            spreads = (rows["ci_high"] - rows["ci_low"]) / 2
            decimals[str(kpi)] = _decimals(spreads, rows[value])
        return cls(decimals)

    def number(self, kpi: str, value: float, signed: bool = False) -> str:
        """A value with the KPI's decimals and thousands separators, a true minus sign."""
        if not np.isfinite(value):
            return "–"
        digits = self.decimals.get(kpi, 2)
        text = f"{value:{'+' if signed else ''},.{digits}f}"
        if float(text.replace(",", "")) == 0:  # a zero, rounded or not, has no sign
            text = f"{0:.{digits}f}"
        return text.replace("-", MINUS)

    def interval(self, kpi: str, value: float, low: float, high: float, signed: bool = True) -> str:
        """The value and its interval, "+2.7 [+1.2, +4.2]"; the value alone when it is the same
        in every replicate, and "–" alone when it is undefined."""
        if value == low == high or not np.isfinite(value):
            return self.number(kpi, value, signed)
        parts = (self.number(kpi, x, signed) for x in (value, low, high))
        return "{} [{}, {}]".format(*parts)


@dataclass(frozen=True)
class Sentence:
    """What the headline says of one strategy (the name is set apart, in bold)."""

    strategy: str
    text: str


def headline(
    differences: pd.DataFrame,
    formats: Formats,
    kpis: Sequence[str],
    baseline: str,
    cost_per_point: Mapping[str, float] | None = None,
    holds: Mapping[str, float] | None = None,
) -> list[Sentence]:
    """The answer, one sentence per strategy but the baseline, from the differences table.

    Parameters
    ----------
    differences : pandas.DataFrame
        :meth:`~socialsim.studies.compare.Comparison.differences`.
    formats : Formats
        The numbers' formats, those of the report's tables.
    kpis : sequence of str
        The experiment's KPIs; the first leads each sentence, then total cost and net value.
    baseline : str
        The strategy the others are compared with.
    cost_per_point : mapping, optional
        Per strategy, what a point of NPS gained costs; said after the cost as
        :func:`prices` says it.
    holds : mapping, optional
        Per strategy, the share (0–1) of plausible worlds in which the answer holds (the
        robustness analysis); said last.

    Examples
    --------
    >>> table = pd.DataFrame({"strategy": ["a", "b"], "kpi": "nps", "difference": [0.0, 2.71],
    ...     "ci_low": [0.0, 1.2], "ci_high": [0.0, 4.22], "p_value": [np.nan, 0.002],
    ...     "p_holm": [np.nan, 0.004]})
    >>> [s.text for s in headline(table, Formats({"nps": 1}), ["nps"], "a")]
    ['raises NPS by 2.7 points [1.2, 4.2].']
    """
    lead = list(dict.fromkeys([kpis[0], *(k for k in ("total_cost", "net_value") if k in kpis)]))
    said = prices(differences, formats, cost_per_point or {})
    sentences = []
    for name, rows in differences[differences["strategy"] != baseline].groupby(
        "strategy", sort=False
    ):
        by_kpi = rows.set_index("kpi")
        main = [_clause(by_kpi.loc[k], k, formats) for k in lead]
        if "total_cost" in lead and str(name) in said:
            price = said[str(name)]
            main[lead.index("total_cost")] += (
                f" ({price})" if price == CHEAPER else f" ({price} per NPS point)"
            )
        others = [k for k in kpis if k not in lead]
        also = [
            _clause(by_kpi.loc[k], k, formats) for k in others if _distinguishable(by_kpi.loc[k])
        ]
        # A difference that is undefined (a ratio with nothing to divide by in a replicate,
        # such as a detection delay where no episode was caught) is not a tie: said apart.
        undefined = {
            k: _undefined_in(by_kpi.loc[k]) for k in others if np.isnan(by_kpi.loc[k]["difference"])
        }
        untested = [name_in_text(k) for k in others if _untested(by_kpi.loc[k])]
        unclear = [
            name_in_text(k)
            for k in others
            if not _distinguishable(by_kpi.loc[k])
            and k not in undefined
            and not _untested(by_kpi.loc[k])
        ]
        text = _listed(main)
        if also:
            text += "; it also " + _listed(also)
        if unclear:
            verb = "is" if len(unclear) == 1 else "are"
            text += f"; {_listed(unclear)} {verb} not distinguishable"
        if untested:
            text += f"; {_listed(untested)} {'is' if len(untested) == 1 else 'are'} untested"
        for where in dict.fromkeys(undefined.values()):
            names = [name_in_text(k) for k, place in undefined.items() if place == where]
            text += f"; {_listed(names)} cannot be compared (undefined {where})"
        if holds and str(name) in holds:
            text += f". This holds in {holds[str(name)]:.0%} of plausible worlds"
        sentences.append(Sentence(str(name), text + "."))
    return sentences


def prices(
    differences: pd.DataFrame, formats: Formats, cost_per_point: Mapping[str, float]
) -> dict[str, str]:
    """What a point of NPS gained costs each strategy, as the report says it.

    The price is said only where NPS is distinguishably raised: per point lost, or per point
    of noise, it means nothing. A strategy that also costs distinguishably less has a
    negative ratio, which reads as no price: it is :data:`CHEAPER`. One that gains NPS and
    costs less only within noise gets nothing said.

    Parameters
    ----------
    differences : pandas.DataFrame
        :meth:`~socialsim.studies.compare.Comparison.differences`.
    formats : Formats
        The numbers' formats.
    cost_per_point : mapping of str to float
        :meth:`~socialsim.studies.compare.Comparison.cost_per_nps_point`.

    Returns
    -------
    dict of str to str
        Per strategy that gains NPS, its price per point, or :data:`CHEAPER`.

    Examples
    --------
    >>> table = pd.DataFrame({"strategy": list("bbccdd"), "kpi": ["nps", "total_cost"] * 3,
    ...     "difference": [2.0, 400, 2.0, -90, -2.0, 400], "p_holm": 0.001})
    >>> prices(table, Formats({"total_cost": 0}), {"b": 200, "c": -45, "d": -200})
    {'b': '200', 'c': 'cheaper and better'}
    """
    rows = differences.set_index(["strategy", "kpi"])
    said = {}
    for name, value in cost_per_point.items():
        if (name, "nps") not in rows.index or not np.isfinite(value):
            continue
        nps = rows.loc[(name, "nps")]
        if not (_distinguishable(nps) and nps["difference"] > 0):
            continue
        if value >= 0:
            said[name] = formats.number("total_cost", value)
        elif _distinguishable(rows.loc[(name, "total_cost")]):
            said[name] = CHEAPER
    return said


def _undefined_in(row: pd.Series) -> str:
    """Where a difference is undefined: 'in every replicate', else 'in some replicates'
    (from the differences' ``defined`` count; some, when a table has none)."""
    return "in every replicate" if row.get("defined", 1) == 0 else "in some replicates"


def _untested(row: pd.Series) -> bool:
    """A difference seen in one replicate: defined, but with no interval and no test."""
    return bool(np.isfinite(row["difference"]) and np.isnan(row["ci_low"]))


def _distinguishable(row: pd.Series) -> bool:
    return bool(np.isfinite(row["p_holm"]) and row["p_holm"] < ALPHA)


def _clause(row: pd.Series, kpi: str, formats: Formats) -> str:
    """'raises NPS by 2.7 points [1.2, 4.2]', 'costs 1,200 more [1,100, 1,300]' (with a caveat
    when only the unadjusted test tells it from 0), or, when the difference cannot be told
    from 0, 'does not distinguishably change X (+0.3 [−0.5, +1.1])'."""
    value, low, high = row["difference"], row["ci_low"], row["ci_high"]
    name = name_in_text(kpi)
    if not np.isfinite(value):
        return f"leaves {name} undefined {_undefined_in(row)}"
    if _untested(row):
        if value == 0:
            same = "costs the same" if kpi == "total_cost" else f"leaves {name} unchanged"
            return f"{same} in its one replicate"
        number = formats.number(kpi, abs(value))
        if kpi == "total_cost":
            return f"costs {number} {'more' if value > 0 else 'less'} in its one replicate"
        by = counted(number, unit_of(kpi, difference=True)).strip()
        return f"{'raises' if value > 0 else 'lowers'} {name} by {by} in its one replicate"
    exact = value == low == high
    if exact and value == 0:
        return "costs the same" if kpi == "total_cost" else f"leaves {name} unchanged"
    if not _distinguishable(row) and not row["p_value"] < ALPHA:
        signed = formats.interval(kpi, value, low, high)
        if kpi == "total_cost":
            return f"costs about the same ({signed})"
        return f"does not distinguishably change {name} ({signed})"
    up = value > 0
    size, near, far = abs(value), min(abs(low), abs(high)), max(abs(low), abs(high))
    numbers = [formats.number(kpi, x) for x in (size, near, far)]
    spread = " in every replicate" if exact else f" [{numbers[1]}, {numbers[2]}]"
    # the interval excludes 0, but among this many tests that can be luck
    caveat = "" if _distinguishable(row) else ", not distinguishable after Holm's adjustment"
    if kpi == "total_cost":
        return f"costs {numbers[0]} {'more' if up else 'less'}{spread}{caveat}"
    by = counted(numbers[0], unit_of(kpi, difference=True)).strip()
    return f"{'raises' if up else 'lowers'} {name} by {by}{spread}{caveat}"


def _listed(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def direction_word(kpi: str) -> str:
    """Which way is better, for a table: "higher", "lower" or "–"."""
    return {HIGHER: "higher", LOWER: "lower"}.get(DECLARED[kpi].direction, "–")
