"""What the fans are worth and what the brand spends: the ``value`` and ``cost`` sections.

A fan-day is worth ``value.promoter_per_day`` for a promoter and a declared share of it for a
passive or a detractor (references-brand.md §5); prospects and churned people are worth
nothing here. The brand's cost is its staff (``staff_cost``, recorded by the brand's day, with
compensation), the listening tool, content production and an advocates programme.
:func:`value_and_cost` adds these to a run's daily KPIs; net value is value minus cost.

Amounts are in the currency units of ``team.hourly_cost`` (US dollars in its sources).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from socialsim.assumptions import Lever, Triangular, Uniform
from socialsim.constraints import ConfigError, Interval, Section, param

__all__ = ["CostParams", "ValueParams", "cost_per_nps_point", "fan_value", "value_and_cost"]

NONNEGATIVE = Interval(0, None)


@dataclass(frozen=True)
class ValueParams(Section):
    section: ClassVar[str] = "value"
    promoter_per_day: float = param(
        0.2,
        NONNEGATIVE,
        "Value one promoter fan brings the brand per day (currency units).",
        "assumption, range 0–0.48: fans spent $71.84 a year more than non-fans (Syncapse & "
        "Hotspex 2010), about 0.2 a day; Syncapse's $174 a year per fan (2013), about 0.48 a "
        "day, is an upper bound inflated by selection (references-brand.md §5)",
        prior=Triangular(0.0, 0.48, "references-brand.md §5", mode=0.2),
    )
    passive_share: float = param(
        0.7,
        Interval(0, 1),
        "Value of a passive's fan-day relative to a promoter's.",
        "judgement, range 0.5–0.9, consistent in direction with Bain (references-brand.md §5)",
        prior=Uniform(0.5, 0.9, "references-brand.md §5"),
    )
    detractor_share: float = param(
        0.3,
        Interval(-1, 1),
        "Value of a detractor's fan-day relative to a promoter's; negative when what they say "
        "costs the brand more than they spend.",
        "judgement, range −0.2–0.6: detractors can have negative lifetime value (Reichheld & "
        "Markey 2011; references-brand.md §5)",
        prior=Uniform(-0.2, 0.5, "references-brand.md §5, cut at 0.5 (<= passives)"),
    )

    def _check_together(self) -> None:
        if self.detractor_share > self.passive_share:
            raise ConfigError(
                "value.detractor_share",
                self.detractor_share,
                f"a float <= value.passive_share ({self.passive_share:g}): a detractor is not "
                "worth more than a passive",
            )


@dataclass(frozen=True)
class CostParams(Section):
    section: ClassVar[str] = "cost"
    listening_tool_per_day: float = param(
        33.0,
        NONNEGATIVE,
        "Cost of the listening tool per day (currency units).",
        "assumption, about $1,000 a month for a mid-market tool; tools cost from about $30 to "
        "$10,000–40,000 a month (G2 Crowd buyers' guide to social media monitoring, E. Dunn), "
        "so 1–1,300 a day",
        prior=Lever("the listening tool is the brand's to buy"),
    )
    content_per_broadcast: float = param(
        0.0,
        NONNEGATIVE,
        "Production cost of one brand post beyond the staff time it takes "
        "(content.staff_hours_per_post, paid in staff_cost): paid media, images, agencies.",
        "assumption: 0, a post costs its staff hours only",
        prior=Lever("the brand's spending decision"),
    )
    advocates_per_day: float = param(
        0.0,
        NONNEGATIVE,
        "Cost of an advocates programme per day (rewards, community management).",
        "assumption: 0 until an advocates programme is modelled",
        prior=Lever("the brand's spending decision"),
    )


def fan_value(counts: Mapping[str, object] | pd.DataFrame, params: ValueParams) -> object:
    """Value the fan base brings per day, from its promoters, passives and detractors.

    Parameters
    ----------
    counts : mapping or pandas.DataFrame
        ``promoters``, ``passives`` and ``detractors``: numbers, arrays or columns.
    params : ValueParams
        Value of a promoter-day and the shares of the other categories.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Currency units per day, of the shape of the counts.

    Examples
    --------
    >>> fan_value({"promoters": 10, "passives": 10, "detractors": 10}, ValueParams())
    4.0
    """
    return params.promoter_per_day * (
        counts["promoters"]
        + params.passive_share * counts["passives"]
        + params.detractor_share * counts["detractors"]
    )


def value_and_cost(daily: pd.DataFrame, *, value: ValueParams, cost: CostParams) -> pd.DataFrame:
    """A run's daily KPIs with its fan value, costs, total cost and net value added (a copy).

    Like every flow, each is 0 on day 0 (the initial state): a run counts days 1 to its last.

    Parameters
    ----------
    daily : pandas.DataFrame
        One run's daily KPIs (``model.kpis()``): ``day``, ``promoters``, ``passives``,
        ``detractors``, ``broadcasts`` and ``staff_cost`` are used.
    value, cost : ValueParams, CostParams
        The scenario's value and cost sections.

    Returns
    -------
    pandas.DataFrame
        ``daily`` with ``fan_value``, ``listening_cost``, ``content_cost``, ``advocates_cost``,
        ``total_cost`` and ``net_value`` (and the other derived daily KPIs,
        :func:`socialsim.kpis.derive`).

    Examples
    --------
    >>> daily = pd.DataFrame({"day": [0, 1], "promoters": [5, 5], "passives": [0, 10],
    ...                       "detractors": [0, 0], "broadcasts": [0, 0], "staff_cost": [0, 480.0]})
    >>> out = value_and_cost(daily, value=ValueParams(), cost=CostParams())
    >>> out[["fan_value", "total_cost", "net_value"]].iloc[1].round(2).tolist()
    [2.4, 513.0, -510.6]
    """
    # Imported here: scenario.py registers these sections, and the KPIs import the scenario.
    from socialsim.kpis import derive

    running = (daily["day"] > 0).to_numpy(dtype=np.float64)
    counts = {k: daily[k].to_numpy() for k in ("promoters", "passives", "detractors")}
    priced = {
        "fan_value": running * fan_value(counts, value),
        "listening_cost": running * cost.listening_tool_per_day,
        "content_cost": running * cost.content_per_broadcast * daily["broadcasts"].to_numpy(),
        "advocates_cost": running * cost.advocates_per_day,
    }
    # Added in one go, on numpy arrays: inserting a column into a frame of ~80 costs pandas
    # more than the arithmetic. A frame priced before is priced again.
    kept = daily.drop(columns=[k for k in priced if k in daily.columns])
    return derive(pd.concat([kept, pd.DataFrame(priced, index=daily.index)], axis=1))


def cost_per_nps_point(
    cost: npt.ArrayLike, nps: npt.ArrayLike, base_cost: npt.ArrayLike, base_nps: npt.ArrayLike
) -> float:
    """What one point of NPS gained costs, comparing a strategy with a baseline.

    The ratio of the mean paired differences, ``mean(cost − base_cost) / mean(nps − base_nps)``,
    over replicates run with common random numbers (or of single values). It is a comparison
    quantity, not a KPI of one run.

    Parameters
    ----------
    cost, nps : float or array_like
        The strategy's total cost (currency units) and NPS (points), one per replicate.
    base_cost, base_nps : float or array_like
        The baseline's, paired with them.

    Returns
    -------
    float
        Currency units per NPS point. NaN when the NPS does not differ: the quantity is then
        undefined. Negative when the strategy saves money while gaining NPS, or costs more
        while losing it. It means little when the NPS difference is within noise: check the
        difference's confidence interval first.

    Examples
    --------
    >>> cost_per_nps_point([1500, 1700], [32, 34], [1000, 1000], [30, 30])
    200.0
    >>> cost_per_nps_point(1500, 30, 1000, 30)
    nan
    """
    gained = float(np.mean(np.subtract(nps, base_nps)))
    spent = float(np.mean(np.subtract(cost, base_cost)))
    return spent / gained if gained else float("nan")
