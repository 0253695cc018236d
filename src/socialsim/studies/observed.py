"""A brand's observed numbers, read and checked.

A calibration compares what a brand has seen (daily complaints, follower counts, a monthly NPS
survey ...) with what the model produces. :func:`read_observed` reads a tidy CSV or Parquet file
of dated observations in one of two forms:

- **long**: one row per observation, columns ``day`` (or ``date``), ``kpi``, ``value`` and
  optionally ``se`` (standard error), ``n`` (survey sample size) and ``passives`` (a survey's
  share of passives, for the NPS standard error);
- **wide**: one row per day, one column per series, and optionally ``<series>_se``,
  ``<series>_n``, ``<series>_passives`` columns.

A blank cell is a day without that observation. Every problem is a one-line
:class:`~socialsim.constraints.ConfigError`. The series names are those of
:data:`~socialsim.studies.series.SERIES`, which also says how each maps onto model KPIs.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from socialsim.constraints import ConfigError, did_you_mean
from socialsim.kpis import STATE_KPIS
from socialsim.studies.series import (
    SERIES,
    Observed,
    accumulates,
    nps_standard_error,
    series_values,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from socialsim.scenario import Scenario

__all__ = ["Observed", "read_observed", "synthetic"]

LONG_COLUMNS = ("kpi", "value", "se", "n", "passives")
EXTRAS = ("se", "n", "passives")


def read_observed(
    source: str | Path | pd.DataFrame,
    *,
    followers: float | None = None,
    start: str | None = None,
) -> Observed:
    """Read and check a file (or frame) of observations.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        A CSV or Parquet file in long or wide form (see the module docstring), or its frame.
    followers : float, optional
        The brand's followers on day 0, which scales count series. Without it, the first
        observed ``followers`` (or ``fans``), compared with the simulated fans of that day;
        needed only when a count series is observed.
    start : str, optional
        With a ``date`` column: the date of day 0 (the state before the first simulated day).
        Default: the day before the first date.

    Returns
    -------
    Observed

    Raises
    ------
    ConfigError
        Unreadable file, no ``day``/``date`` column, an unknown series or column, a value that
        is not a number or outside its series' range
        (:attr:`~socialsim.studies.series.Series.allowed`), a column without a single number,
        a day that is negative, fractional or repeated within a series, a bad ``se``/``n``, or
        a count series without a follower count.

    Examples
    --------
    >>> frame = pd.DataFrame({"day": [0, 30, 60], "followers": [25000, 25400, 25900],
    ...                       "nps": [24.0, 21.5, 19.0], "nps_n": [400, 400, 400]})
    >>> obs = read_observed(frame)
    >>> obs.series, obs.followers, obs.last_day
    (('fans', 'nps'), 25000.0, 60)
    >>> read_observed(pd.DataFrame({"day": [1], "complains": [3]}))
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'data.complains' parameter must be a KPI or an observable series (docs/calibration.md). Got 'complains' instead. Did you mean 'complaints'?
    """
    name = "data" if isinstance(source, pd.DataFrame) else Path(source).name
    frame = source.copy() if isinstance(source, pd.DataFrame) else _read_file(Path(source))
    frame.columns = [str(c).strip() for c in frame.columns]
    days = _days(frame, start, name)
    tidy = _long(frame, days, name) if "kpi" in frame.columns else _wide(frame, days, name)
    tidy["series"] = tidy["series"].map(lambda s: "fans" if s == "followers" else s)
    for (series, day), count in tidy.groupby(["series", "day"]).size().items():
        if count > 1:
            raise ConfigError(
                f"{name}.day", day, f"unique within a series ('{series}' is given {count} times)"
            )
    flows = sorted({s for s in tidy.loc[tidy["day"] == 0, "series"] if not _is_state(s)})
    if flows:
        raise ConfigError(
            f"{name}.day",
            0,
            f"an int >= 1 for the daily series '{flows[0]}' (day 0 is the state before the "
            "first simulated day, when nothing has happened yet)",
        )
    tidy = tidy.sort_values(["series", "day"], ignore_index=True)
    followers, followers_day = _followers(tidy, followers, name)
    tidy["sigma"] = _sigmas(tidy)
    tidy["measured"] = tidy["sigma"].notna()
    columns = ["series", "day", "value", "sigma", "measured"]
    return Observed(tidy[columns], followers, name, followers_day)


def synthetic(
    scenario: Scenario,
    *,
    seed: int,
    followers: float,
    daily: Sequence[str] = ("followers", "complaints"),
    survey_days: Sequence[int] = (),
    survey_n: int = 400,
    start: str | None = None,
) -> pd.DataFrame:
    """Observations made by the model itself: one run, seen as the brand would see it.

    A run of ``scenario`` (seeded with ``seed``) for ``run.days`` days. Each daily series is
    reported on days 1 to ``run.days``, counts scaled by ``followers`` over the simulated fans
    on day 0 and rounded; on each of ``survey_days`` an NPS survey asks ``survey_n`` fans drawn
    at random (multinomial sampling of promoters, passives and detractors), reported with its
    ``n`` and share of ``passives``. Fitting this back should recover the scenario's values.

    Parameters
    ----------
    scenario : Scenario
        The truth: the values a calibration should find.
    seed : int
        Seed of the run and of the surveys.
    followers : float
        The brand's followers on day 0.
    daily : sequence of str, default ("followers", "complaints")
        Series reported every day (names of :data:`~socialsim.studies.series.SERIES`).
    survey_days : sequence of int, default ()
        Days of an NPS survey.
    survey_n : int, default 400
        Respondents per survey.
    start : str, optional
        Report a ``date`` column, day 1 being this date; default a ``day`` column.

    Returns
    -------
    pandas.DataFrame
        Long form: ``day`` or ``date``, ``kpi``, ``value``, ``n``, ``passives``.

    Examples
    --------
    >>> from socialsim import Scenario
    >>> truth = Scenario().replace({"graph.n": 200, "run.days": 10})
    >>> data = synthetic(truth, seed=1, followers=5000, survey_days=[10])
    >>> data.groupby("kpi").size().to_dict()
    {'complaints': 10, 'followers': 10, 'nps': 1}
    >>> read_observed(data).last_day
    10
    """
    from socialsim.model import EngagementModel

    model_seed, survey_seed = np.random.SeedSequence(seed).spawn(2)
    model = EngagementModel(scenario, rng=model_seed)
    model.run()
    kpis = model.kpis()
    scale = followers / kpis["fans"].iloc[0]
    days = np.arange(1, scenario.run.days + 1)
    parts = []
    for name in daily:
        _check_series(name, "daily")
        values = series_values(name, kpis, scale)[days]
        values = np.round(values) if SERIES[name].scaled else values
        parts.append(pd.DataFrame({"day": days, "kpi": name, "value": values}))
    rng = np.random.default_rng(survey_seed)
    for day in survey_days:
        row = kpis.iloc[day]
        shares = np.array([row["promoters"], row["passives"], row["detractors"]]) / row["fans"]
        promoters, passives, detractors = rng.multinomial(survey_n, shares)
        nps = 100.0 * (promoters - detractors) / survey_n
        survey = {"day": day, "kpi": "nps", "value": nps, "n": survey_n}
        parts.append(pd.DataFrame([survey | {"passives": passives / survey_n}]))
    frame = pd.concat(parts, ignore_index=True)
    if start is not None:
        dates = pd.Timestamp(start) + pd.to_timedelta(frame.pop("day") - 1, unit="D")
        frame.insert(0, "date", dates.dt.strftime("%Y-%m-%d"))
    return frame


def _is_state(series: str) -> bool:
    spec = SERIES[series]
    return all(k in STATE_KPIS for k in (*spec.kpis, *([spec.per] if spec.per else [])))


def _read_file(path: Path) -> pd.DataFrame:
    if path.suffix.lower() not in (".csv", ".parquet", ".pq"):
        raise ConfigError("data", str(path), "a .csv or .parquet file")
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
        return pd.read_parquet(path)
    except (FileNotFoundError, IsADirectoryError):
        raise ConfigError("data", str(path), "an existing .csv or .parquet file") from None
    except (ValueError, OSError) as error:  # pandas' parser and pyarrow's errors
        raise ConfigError("data", str(path), f"a readable table ({error})") from None


def _days(frame: pd.DataFrame, start: str | None, name: str) -> np.ndarray:
    if "day" in frame.columns:
        days = _numbers(frame["day"], f"{name}.day", "an int >= 0")
        bad = (days < 0) | (days != np.floor(days)) | np.isnan(days)
        if bad.any():
            raise ConfigError(f"{name}.day", frame["day"][bad].iloc[0], "an int >= 0")
        return days.astype(np.int64)
    if "date" not in frame.columns:
        raise ConfigError(
            f"{name}.columns", list(frame.columns), "a table with a 'day' or a 'date' column"
        )
    dates = pd.to_datetime(frame["date"], errors="coerce")
    if dates.isna().any():
        raise ConfigError(f"{name}.date", frame["date"][dates.isna()].iloc[0], "a date")
    origin = dates.min() - pd.Timedelta(days=1)
    if start is not None:
        origin = pd.to_datetime(start, errors="coerce")
        if pd.isna(origin) or origin > dates.min():
            raise ConfigError("start", start, f"a date on or before {dates.min().date()}")
    return ((dates - origin).dt.days).to_numpy(dtype=np.int64)


def _numbers(column: pd.Series, key: str, allowed: str) -> np.ndarray:
    """A column as floats, blanks as NaN; any other text is an error."""
    text = column.astype(str).str.strip()
    blank = column.isna().to_numpy() | (text == "").to_numpy() | (text.str.lower() == "nan")
    values = pd.to_numeric(column.where(~blank), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(values) & ~blank | np.isinf(values)
    if bad.any():
        raise ConfigError(key, column[bad].iloc[0], allowed)
    return values


def _check_series(series: str, name: str) -> None:
    if series not in SERIES:
        raise ConfigError(
            f"{name}.{series}",
            series,
            "a KPI or an observable series (docs/calibration.md)",
            did_you_mean(series, SERIES),
        )


def _long(frame: pd.DataFrame, days: np.ndarray, name: str) -> pd.DataFrame:
    for column in frame.columns:
        if column not in (*LONG_COLUMNS, "day", "date"):
            raise ConfigError(
                f"{name}.columns",
                column,
                "one of 'day' or 'date', 'kpi', 'value', 'se', 'n', 'passives' in long form",
                did_you_mean(column, LONG_COLUMNS),
            )
    if "value" not in frame.columns:
        raise ConfigError(f"{name}.columns", list(frame.columns), "a table with a 'value' column")
    series = frame["kpi"].astype(str).str.strip()
    for s in series.unique():
        _check_series(s, name)
    tidy = pd.DataFrame({"series": series, "day": days})
    tidy["value"] = _numbers(frame["value"], f"{name}.value", "a number")
    _some_number(tidy["value"], f"{name}.value", "a number on at least one day")
    for extra in EXTRAS:
        tidy[extra] = (
            _numbers(frame[extra], f"{name}.{extra}", _ALLOWED[extra])
            if extra in frame.columns
            else np.nan
        )
    tidy = tidy.dropna(subset=["value"])
    for extra in EXTRAS:
        if extra in frame.columns:
            _some_number(tidy[extra], f"{name}.{extra}", f"{_ALLOWED[extra]} on an observed day")
    return _checked(tidy, name)


def _wide(frame: pd.DataFrame, days: np.ndarray, name: str) -> pd.DataFrame:
    columns = [c for c in frame.columns if c not in ("day", "date")]
    extras = {c for c in columns for e in EXTRAS if c.endswith(f"_{e}") and c not in SERIES}
    parts = []
    for column in columns:
        if column in extras:
            continue
        _check_series(column, name)
        part = pd.DataFrame({"series": column, "day": days})
        part["value"] = _numbers(frame[column], f"{name}.{column}", "a number")
        _some_number(part["value"], f"{name}.{column}", "a number on at least one day")
        for extra in EXTRAS:
            key = f"{column}_{extra}"
            part[extra] = (
                _numbers(frame[key], f"{name}.{key}", _ALLOWED[extra])
                if key in frame.columns
                else np.nan
            )
        part = part.dropna(subset=["value"])
        for extra in EXTRAS:
            key = f"{column}_{extra}"
            if key in frame.columns:
                _some_number(part[extra], f"{name}.{key}", f"{_ALLOWED[extra]} on an observed day")
        parts.append(part)
    for column in extras:
        base = column.rsplit("_", 1)[0]
        if base not in columns:
            raise ConfigError(
                f"{name}.{column}", column, f"beside a '{base}' column", did_you_mean(base, SERIES)
            )
    if not parts:
        raise ConfigError(f"{name}.columns", list(frame.columns), "at least one series column")
    return _checked(pd.concat(parts, ignore_index=True), name)


_ALLOWED = {
    "se": "a number > 0",
    "n": "an int >= 1 (survey respondents)",
    "passives": "a share in [0, 1]",
}


def _some_number(values: pd.Series, key: str, allowed: str) -> None:
    """Refuse a column given without a single number on an observed day: none of it is used."""
    if values.isna().all():
        # Every cell is blank: one of them shows the column, or [] when it has no rows.
        shown = values.iloc[0] if len(values) else []
        raise ConfigError(key, shown, allowed)


def _checked(tidy: pd.DataFrame, name: str) -> pd.DataFrame:
    """The observations, each value in its series' range and each se, n and passives allowed."""
    for series, values in tidy.groupby("series", sort=False)["value"]:
        allowed = SERIES[series].allowed
        for value in values:
            try:
                allowed.check(f"{name}.{series}", value)
            except ConfigError as error:
                if allowed.high != 1 or not 1 < value <= 100:
                    raise
                hint = f"A share is a fraction: {value:g}% is {value / 100:g}."
                raise ConfigError(error.key, error.value, error.allowed, hint) from None
    checks = {
        "se": lambda x: x > 0,
        "n": lambda x: (x >= 1) & (x == np.floor(x)),
        "passives": lambda x: (x >= 0) & (x <= 1),
    }
    for extra, ok in checks.items():
        values = tidy[extra]
        bad = values.notna() & ~ok(values.fillna(1))
        if bad.any():
            raise ConfigError(f"{name}.{extra}", values[bad].iloc[0], _ALLOWED[extra])
    surveyed = tidy["n"].notna()
    for series in tidy.loc[surveyed, "series"].unique():
        if series != "nps" and SERIES[series].per is None:
            raise ConfigError(
                f"{name}.n",
                series,
                "given only for a survey series ('nps', 'promoter_share', 'detractor_share'); "
                "give a count's uncertainty as 'se'",
            )
    return tidy.reset_index(drop=True)


def _followers(tidy: pd.DataFrame, followers: float | None, name: str) -> tuple[float | None, int]:
    """The follower count that scales counts, and its day."""
    if followers is not None:
        if isinstance(followers, bool) or not (
            isinstance(followers, int | float) and math.isfinite(followers) and followers > 0
        ):
            raise ConfigError("followers", followers, "a number > 0 (followers on day 0)")
        return float(followers), 0
    fans = tidy[tidy["series"] == "fans"]
    if len(fans):
        first = fans.loc[fans["day"].idxmin()]
        return float(first["value"]), int(first["day"])
    counts = sorted({s for s in tidy["series"] if SERIES[s].scaled})
    if counts:
        raise ConfigError(
            "followers",
            None,
            f"the brand's follower count on day 0 (a number > 0) to scale the count series "
            f"{', '.join(counts)} of {name}",
            "Give --followers N, or observe 'followers'.",
        )
    return None, 0


def _sigmas(tidy: pd.DataFrame) -> np.ndarray:
    """Each observation's given se, else its survey's sampling error, else NaN (a pilot scale)."""
    sigma = tidy["se"].to_numpy(dtype=np.float64).copy()
    for i in np.flatnonzero(np.isnan(sigma) & tidy["n"].notna().to_numpy()):
        row = tidy.iloc[i]
        passives = 0.0 if np.isnan(row["passives"]) else row["passives"]
        if row["series"] == "nps":
            sigma[i] = nps_standard_error(row["value"], row["n"], passives)
        else:
            sigma[i] = math.sqrt(max(row["value"] * (1 - row["value"]), 0.0) / row["n"])
    sigma[sigma <= 0] = np.nan  # a survey that was unanimous: no sampling error to divide by
    for name, rows in tidy.groupby("series").indices.items():
        if accumulates(name):  # compared as a running total: its errors add up
            total = np.sqrt(np.cumsum(sigma[rows] ** 2))
            sigma[rows] = total if np.isfinite(total).all() else np.nan
    return sigma
