"""A side's KPIs day by day, derived ones included: what the plots and the table read.

The model records some KPIs every day (:data:`socialsim.kpis.KPIS`); the others are derived
from those: daily sums, the priced value and costs (:func:`socialsim.value.value_and_cost`),
and rates that exist only per run, as ratios of totals (``churn_rate``). Canned experiments
watch all three kinds. The dashboard plots a KPI with a daily value day by day, and a per-run
rate as its value so far: on day ``t``, the rate over days 0 to ``t``, which on the last day
is the number the experiment reports (:func:`socialsim.kpis.per_run`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from socialsim.kpis import DECLARED, Kpi, Summary
from socialsim.model import EngagementModel
from socialsim.scenario import Scenario
from socialsim.value import value_and_cost

__all__ = ["daily", "so_far"]


def daily(model: EngagementModel, scenario: Scenario) -> pd.DataFrame:
    """A model's KPIs so far, one row per day from day 0, with every daily derived KPI.

    Parameters
    ----------
    model : EngagementModel
        The running model.
    scenario : Scenario
        Its scenario, whose ``value`` and ``cost`` sections price the days.

    Returns
    -------
    pandas.DataFrame
        ``model.kpis()`` as the studies read it: with the value, the costs and the other daily
        sums (the same as :mod:`socialsim.studies.workers` stores).

    Examples
    --------
    >>> scenario = Scenario().replace({"graph.n": 200})
    >>> model = EngagementModel(scenario)
    >>> model.step()
    >>> frame = daily(model, scenario)
    >>> frame["day"].tolist(), "net_value" in frame and "fans_exposed" in frame
    ([0, 1], True)
    """
    return value_and_cost(model.kpis(), value=scenario.value, cost=scenario.cost)


def so_far(frame: pd.DataFrame, kpi: str) -> np.ndarray:
    """A KPI's values by day: its daily value, or for a per-run rate its value so far.

    Parameters
    ----------
    frame : pandas.DataFrame
        One run's days, as :func:`daily` returns them.
    kpi : str
        A declared KPI (:data:`socialsim.kpis.DECLARED`).

    Returns
    -------
    numpy.ndarray of float, shape (n_days,)
        NaN where a day has no value (a rate whose denominator is still 0).

    Raises
    ------
    KeyError
        If ``kpi`` is not declared, or ``frame`` lacks a column it needs.

    Examples
    --------
    >>> frame = pd.DataFrame({"day": [0, 1, 2], "fans": [10, 10, 8], "churned_today": [0, 0, 2],
    ...                       "fans_exposed": [10, 0, 0]})
    >>> so_far(frame, "churn_rate").tolist()  # 0 of 10, 0 of 10, then 2 of 10 fans exposed
    [0.0, 0.0, 20.0]
    """
    declared = DECLARED[kpi]
    if declared.run_only:
        return _to_date(frame, declared).to_numpy(dtype=np.float64)
    return frame[kpi].to_numpy(dtype=np.float64)


def _to_date(frame: pd.DataFrame, kpi: Kpi) -> pd.Series:
    """On each day ``t``, what :func:`~socialsim.kpis.per_run` gives for days 0 to ``t``."""
    if kpi.summary is Summary.RATIO:
        top = _terms(frame, kpi.numerator or {})
        bottom = _terms(frame, kpi.denominator or {})
        return kpi.scale * top / bottom.where(bottom != 0)
    column = frame[kpi.name].astype(np.float64)
    if kpi.summary is Summary.LAST:
        return column
    if kpi.summary is Summary.MEAN:  # over days 1 to t: day 0 has no replies
        return column.where(frame["day"] > 0).expanding().mean()
    if kpi.summary is Summary.MAX:
        return column.expanding().max()
    return column.fillna(0.0).cumsum()


def _terms(frame: pd.DataFrame, terms: Mapping[str, float]) -> pd.Series:
    return sum(w * _to_date(frame, DECLARED[n]) for n, w in terms.items())  # type: ignore[return-value]
