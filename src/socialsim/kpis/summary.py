"""Reading the declarations: derive daily KPIs, sum a run up, rank, and list the KPIs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from socialsim.constraints import ConfigError, did_you_mean
from socialsim.kpis.catalogue import DECLARED
from socialsim.kpis.declared import HIGHER, LOWER, Kpi, Summary

__all__ = ["better", "derive", "listing", "per_run"]


def _declared(name: str) -> Kpi:
    try:
        return DECLARED[name]
    except KeyError:
        hint = did_you_mean(name, DECLARED)
        raise ConfigError("kpi", name, "a declared KPI (see `socialsim kpis`)", hint) from None


def better(kpi: str) -> int:
    """+1 if more of a KPI is better for the brand, -1 if less is, 0 if neither (never ranked).

    Raises
    ------
    ConfigError
        If ``kpi`` is not declared.

    Examples
    --------
    >>> better("nps"), better("churn_rate"), better("needs")
    (1, -1, 0)
    """
    return _declared(kpi).direction


def derive(daily: pd.DataFrame) -> pd.DataFrame:
    """The daily record with every derived daily KPI whose inputs it has (a copy).

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per day of one run (``day`` 0 is the initial state), one column per KPI.

    Returns
    -------
    pandas.DataFrame
        ``daily`` plus each KPI declared with ``terms`` that it lacks and can compute; priced
        KPIs come from :func:`socialsim.value.value_and_cost`.

    Examples
    --------
    >>> frame = pd.DataFrame({"day": [0, 1, 2], "fans": [10, 9, 11], "new_fans_referred": [0, 1, 2],
    ...                       "new_fans_external": [0, 0, 1], "new_fans_answered": [0, 0, 0]})
    >>> derive(frame)["fans_exposed"].tolist()
    [10, 1, 3]
    """
    # The column names as a set of Python strings, once: pandas keeps them in an Arrow array,
    # which a set or a membership test walks name by name.
    have = set(daily.columns.tolist())
    # Worked out on numpy arrays and added in one go: a pandas operation or column insertion
    # costs tens of microseconds whatever the length, and a run has ~20 of them here.
    columns: dict[str, np.ndarray] = {}

    def column(name: str) -> np.ndarray:
        return columns[name] if name in columns else daily[name].to_numpy()

    for kpi in DECLARED.values():
        if kpi.terms is None or kpi.name in have or not set(kpi.inputs) <= have:
            continue
        values = _weighted(column, kpi.terms)
        if kpi.at_start is not None:  # day 0, the initial state, has its own rule
            values = np.where(column("day") == 0, _weighted(column, kpi.at_start), values)
        columns[kpi.name] = values
        have.add(kpi.name)
    if not columns:
        return daily.copy()
    return pd.concat([daily, pd.DataFrame(columns, index=daily.index)], axis=1)


def per_run(daily: pd.DataFrame, kpis: Iterable[str] | None = None) -> pd.Series:
    """One number per KPI for a run, as each KPI's declaration says.

    A level is taken on its last day, a flow, cost or value is the total over the run, an
    average the mean over the days that have one, and a rate the ratio of two totals (not the
    mean of daily ratios). A rate whose denominator is 0 is NaN.

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per day of one run, day 0 first, one column per recorded KPI (other columns
        are ignored).
    kpis : iterable of str, optional
        The KPIs wanted, derived ones included. By default every declared KPI the frame has a
        column for, and every derived one its columns suffice for.

    Returns
    -------
    pandas.Series
        Float values indexed by KPI name.

    Raises
    ------
    ConfigError
        If a wanted KPI is not declared.
    ValueError
        If a wanted KPI needs columns the frame does not have.

    Examples
    --------
    >>> frame = pd.DataFrame({"day": [0, 1, 2], "fans": [10, 12, 13], "complaints": [0, 2, 1]})
    >>> per_run(frame).to_dict()
    {'fans': 13.0, 'complaints': 3.0}

    A rate: 1 complaint of 1 answered on day 1, 1 of 9 on day 2. Over the run, 2 of 10 were
    answered (20%), not the mean of 100% and 11%:

    >>> frame = pd.DataFrame({"day": [0, 1, 2], "complaints": [0, 1, 9], "reshares": 0,
    ...                       "responses_complaint": [0, 1, 1]})
    >>> per_run(frame, ["complaints_answered_share"]).to_dict()
    {'complaints_answered_share': 20.0}
    """
    frame = derive(daily)
    have = set(frame.columns.tolist())  # a set of Python strings: see derive
    if kpis is None:
        names = [n for n, k in DECLARED.items() if _computable(k, have)]
    else:
        names = list(kpis)
        for name in names:
            _require(_declared(name), have)
    # Each KPI's run value once: a rate's terms are KPIs of their own, often wanted too.
    done: dict[str, float] = {}
    return pd.Series({n: _run_value(frame, DECLARED[n], done) for n in names}, dtype=np.float64)


def _computable(kpi: Kpi, have: set[str]) -> bool:
    if kpi.run_only:
        return set(kpi.inputs) <= have
    return kpi.name in have


def _require(kpi: Kpi, have: set[str]) -> None:
    if _computable(kpi, have):
        return
    missing = [n for n in (kpi.inputs if kpi.run_only else (kpi.name,)) if n not in have]
    details = "; ".join(f"'{n}' ({_origin(n)})" for n in missing)
    raise ValueError(f"The KPI '{kpi.name}' needs daily columns the frame lacks: {details}.")


def _origin(name: str) -> str:
    """Where a daily column comes from, for an error message."""
    kpi = DECLARED.get(name)
    if kpi is not None and kpi.priced:
        return "added by socialsim.value.value_and_cost"
    if kpi is not None and kpi.terms is not None:
        return "derived from " + ", ".join(kpi.inputs)
    return "recorded by the model"


def _run_value(frame: pd.DataFrame, kpi: Kpi, done: dict[str, float]) -> float:
    """The KPI's value for the run, from ``done`` if it was worked out already."""
    if kpi.name not in done:
        done[kpi.name] = _summed_up(frame, kpi, done)
    return done[kpi.name]


def _summed_up(frame: pd.DataFrame, kpi: Kpi, done: dict[str, float]) -> float:
    if kpi.summary is Summary.RATIO:
        top = _run_terms(frame, kpi.numerator or {}, done)
        bottom = _run_terms(frame, kpi.denominator or {}, done)
        return kpi.scale * top / bottom if bottom else float("nan")
    column = frame[kpi.name]
    values = column.to_numpy()
    if values.dtype not in _NUMERIC:  # not a column the model records: pandas' reductions
        return _summed_up_by_pandas(column, kpi.summary)
    if kpi.summary is Summary.LAST:
        return float(values[-1])
    if kpi.summary is Summary.MEAN:
        return _mean(values[1:])  # day 0 has no replies; NaN days are skipped
    if kpi.summary is Summary.MAX:
        return _max(values)
    return _sum(values)


def _summed_up_by_pandas(column: pd.Series, summary: Summary) -> float:
    if summary is Summary.LAST:
        return float(column.iloc[-1])
    if summary is Summary.MEAN:
        return float(column.iloc[1:].mean())
    if summary is Summary.MAX:
        return float(column.max())
    return float(column.sum())


_NUMERIC = (np.dtype(np.int64), np.dtype(np.float64))


# A run's ~80 KPIs are summed up on numpy arrays: a pandas reduction costs tens of microseconds
# in checks whatever the length. Each does what pandas' (nanops, without bottleneck) does to
# a numeric column with NaN skipped, in the same numpy calls, so the numbers are the same to
# the bit (tests/test_kpis.py compares them).
def _sum(values: np.ndarray) -> float:
    """``Series.sum()``: NaN as 0, summed in the column's dtype (int64 or float64)."""
    if values.dtype.kind == "f":
        values = np.where(np.isnan(values), 0.0, values)
    return float(values.sum(dtype=values.dtype))


def _mean(values: np.ndarray) -> float:
    """``Series.mean()``: the sum of the values that are not NaN over their count, in float64."""
    count = values.size
    if values.dtype.kind == "f":
        missing = np.isnan(values)
        count -= int(missing.sum())
        values = np.where(missing, 0.0, values)
    total = values.sum(dtype=np.float64)
    return float(total / np.float64(count)) if count > 0 else float("nan")


def _max(values: np.ndarray) -> float:
    """``Series.max()``: NaN skipped, NaN if every value is."""
    if values.dtype.kind == "f":
        missing = np.isnan(values)
        if missing.all():
            return float("nan")
        values = np.where(missing, -np.inf, values)
    return float(values.max())


def _run_terms(frame: pd.DataFrame, terms: Mapping[str, float], done: dict[str, float]) -> float:
    return sum(w * _run_value(frame, DECLARED[n], done) for n, w in terms.items())


def _weighted(column: Callable[[str], np.ndarray], terms: Mapping[str, float]) -> np.ndarray:
    return sum(w * column(n) for n, w in terms.items())  # type: ignore[return-value]


_DIRECTION = {HIGHER: "higher", LOWER: "lower", 0: "-"}


def listing(markdown: bool = False) -> str:
    """Every declared KPI as a table: name, unit, which way is better, how a run sums it up,
    and its meaning.

    Parameters
    ----------
    markdown : bool, default False
        A Markdown table (for ``docs/model.md``) instead of aligned text.

    Examples
    --------
    >>> print(listing().splitlines()[0])
    kpi                        unit      better  per run                      meaning
    """
    head = ("kpi", "unit", "better", "per run", "meaning")
    rows = [
        (k.name, k.unit, _DIRECTION[k.direction], str(k.summary), k.meaning)
        for k in DECLARED.values()
    ]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        lines += ["| " + " | ".join((f"`{r[0]}`", *r[1:])) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in (head, *rows)) + 2 for i in range(4)]
    return "\n".join(
        "".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + r[4]
        for r in (head, *rows)
    )
