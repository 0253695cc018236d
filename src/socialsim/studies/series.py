"""The observable series, how each maps onto the model's KPIs, and the distance to a run.

:data:`SERIES` names every series a brand may observe: each model KPI under its own name, and a
few aliases in a brand's words (``followers``, ``mentions``, ``replies`` ...). Series that count
people or posts are scaled from the simulated population to the brand's: multiplied by the
brand's followers over the simulated fans on the same day (:meth:`Observed.trajectories`);
shares, scores, hours and costs are not.
:meth:`Observed.distance` is the sum of squared standardised residuals that both fits minimise.
``docs/calibration.md`` has the table and the distance; :mod:`~socialsim.studies.observed`
reads the data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from socialsim.constraints import ConfigError, Interval
from socialsim.kpis import DECLARED, KPIS
from socialsim.kpis.declared import Summary

__all__ = ["SERIES", "Observed", "Series", "accumulates", "nps_standard_error", "series_values"]


COUNT = Interval(0, None)
"""What a count may be: never negative."""
SHARE = Interval(0, 1)
"""What a share may be."""


@dataclass(frozen=True)
class Series:
    """An observable series: the model KPIs it sums, and whether it counts people or posts.

    Attributes
    ----------
    kpis : tuple of str
        Model KPIs summed to make the series.
    scaled : bool
        A count, scaled by the brand's followers over the simulated fans; shares, scores and
        hours are not.
    per : str, optional
        A share: the sum divided by this KPI (0 when it is 0).
    doc : str
        What the series is.
    allowed : Interval
        What an observation may be; by default a count (:data:`COUNT`).
    """

    kpis: tuple[str, ...]
    scaled: bool
    per: str | None = None
    doc: str = ""
    allowed: Interval = COUNT


# KPIs that do not grow with the population: scores, hours, and the team's cost (which grows
# with the team, a decision the user sizes, not with the number of fans).
INTENSIVE = frozenset(
    {"nps", "mean_loyalty", "response_time_median", "response_time_p90", "staff_cost"}
)

# What an observation of a KPI may be, by the unit it is declared in: counts of fans, people,
# posts, events and days, hours and costs are never negative, a percentage lies in [0, 100];
# points are a score on its scale, or a change of loyalty, which goes either way.
_SCORES = {"nps": Interval(-100, 100), "mean_loyalty": Interval(0, 10)}
_BY_UNIT = {"%": Interval(0, 100), "points": Interval(None, None)}


def _allowed(kpi: str) -> Interval:
    return _SCORES.get(kpi) or _BY_UNIT.get(DECLARED[kpi].unit, COUNT)


ALIASES: dict[str, Series] = {
    "followers": Series(("fans",), True, doc="The brand's followers (the model's fans)."),
    "unfollows": Series(("churned_today",), True, doc="Followers lost today."),
    "new_followers": Series(
        ("new_fans_referred", "new_fans_external", "new_fans_answered"),
        True,
        doc="Followers gained today, by any route.",
    ),
    "mentions": Series(
        ("complaints", "praise", "needs"), True, doc="Public posts about the brand today."
    ),
    "replies": Series(
        ("responses_complaint", "responses_praise", "responses_need", "botched"),
        True,
        doc="Replies the care team posted today (to the right kind of post or not).",
    ),
    "promoter_share": Series(
        ("promoters",), False, "fans", "Share of fans who are promoters.", SHARE
    ),
    "detractor_share": Series(
        ("detractors",), False, "fans", "Share of fans who are detractors.", SHARE
    ),
}

SERIES: dict[str, Series] = {
    **{
        name: Series((name,), name not in INTENSIVE, doc=doc, allowed=_allowed(name))
        for name, doc in KPIS.items()
    },
    **ALIASES,
}
"""Every observable series by name: each model KPI under its own name, and the aliases above."""


def nps_standard_error(nps: float, n: float, passives: float = 0.0) -> float:
    """Sampling standard error of a survey's NPS, in NPS points.

    ``100 * sqrt((p+ + p- - (p+ - p-)**2) / n)``, the standard error of the mean of a score
    that is +1 for a promoter, -1 for a detractor and 0 for a passive. ``p+ - p-`` is the NPS;
    ``p+ + p-`` is one minus the passives' share, which the survey may not report: without it
    (``passives=0``) the result is the largest standard error the NPS allows, never too small.

    Parameters
    ----------
    nps : float
        The survey's NPS, in [-100, 100].
    n : float
        Respondents.
    passives : float, default 0
        Share of respondents who were passives, in [0, 1].

    Examples
    --------
    >>> round(nps_standard_error(24, 400, passives=0.40), 2)
    3.68
    >>> round(nps_standard_error(24, 400), 2)
    4.85
    """
    spread = (1.0 - passives) - (nps / 100.0) ** 2
    return 100.0 * math.sqrt(max(spread, 0.0) / n)


def series_values(name: str, kpis: pd.DataFrame, scale: float = 1.0) -> np.ndarray:
    """A series on every day of a run: its KPIs summed (or their share), counts times ``scale``.

    >>> kpis = pd.DataFrame({"complaints": [0, 2], "praise": [0, 1], "needs": [0, 1]})
    >>> series_values("mentions", kpis, scale=10.0).tolist()
    [0.0, 40.0]
    """
    spec = SERIES[name]
    # What kpis[list(spec.kpis)].to_numpy(np.float64).sum(axis=1) gives, bit for bit: the
    # columns as one (day, kpi) array in column-major order, as pandas returns a frame's
    # columns, summed along the same axis; selecting the columns as a frame costs ~0.5 ms.
    columns = [kpis[k].to_numpy(dtype=np.float64) for k in spec.kpis]
    value = np.stack(columns).T.sum(axis=1)
    if spec.per is not None:
        total = kpis[spec.per].to_numpy(dtype=np.float64)
        value = np.divide(value, total, out=np.zeros_like(value), where=total > 0)
    return value * scale if spec.scaled else value


def accumulates(name: str) -> bool:
    """Whether a series counts a day's events, and is therefore compared as a running total.

    >>> accumulates("complaints"), accumulates("followers"), accumulates("nps")
    (True, False, False)
    """
    spec = SERIES[name]
    return spec.scaled and not any(DECLARED[k].summary is Summary.LAST for k in spec.kpis)


@dataclass(frozen=True)
class Observed:
    """Checked observations, one row per series and day, with each one's standard deviation.

    Attributes
    ----------
    data : pandas.DataFrame
        Columns ``series``, ``day`` (int; day 0 is the state before the first simulated day),
        ``value``, ``sigma`` (what a residual of :meth:`statistics` is divided by, see
        :meth:`distance`; NaN until :meth:`with_scales` gives the series without a standard
        error their scale) and ``measured`` (the sigma comes from a standard error or sample
        size given with the data), sorted by series and day.
    followers : float or None
        The brand's followers on day :attr:`followers_day`; count series are scaled by it.
    source : str
        Where the data came from (a file name), for messages.
    """

    data: pd.DataFrame
    followers: float | None
    source: str = "data"
    followers_day: int = 0

    @property
    def series(self) -> tuple[str, ...]:
        """The observed series, in sorted order."""
        return tuple(self.data["series"].unique())

    @property
    def last_day(self) -> int:
        """The last observed day: the run must reach it."""
        return int(self.data["day"].max())

    def values(self) -> dict[str, np.ndarray]:
        """The observed values per series, in day order."""
        return {s: g["value"].to_numpy() for s, g in self.data.groupby("series", sort=True)}

    def check_horizon(self, days: int) -> None:
        """Raise :class:`ConfigError` if the data goes beyond a run of ``days`` days."""
        if self.last_day > days:
            raise ConfigError(
                "run.days", days, f"an int >= {self.last_day}, the last day of {self.source}"
            )

    def trajectories(self, kpis: pd.DataFrame) -> pd.DataFrame:
        """A run's observed series on every day, in observed units (one column per series).

        Parameters
        ----------
        kpis : pandas.DataFrame
            A run's KPIs, as :meth:`socialsim.EngagementModel.kpis` returns them.

        Returns
        -------
        pandas.DataFrame
            Column ``day`` and one column per observed series; counts multiplied by
            ``followers / fans`` of this run on :attr:`followers_day`.
        """
        scale = self._scale(kpis)
        columns = {name: series_values(name, kpis, scale) for name in self.series}
        return pd.DataFrame({"day": kpis["day"].to_numpy(), **columns})

    def simulated(self, kpis: pd.DataFrame) -> dict[str, np.ndarray]:
        """A run's values of each observed series on its observed days, in observed units.

        The columns of :meth:`trajectories` on the observed days, without building its frame
        (a calibration calls this once per simulation).
        """
        scale = self._scale(kpis)
        return {name: series_values(name, kpis, scale)[days] for name, days in self._days.items()}

    def _scale(self, kpis: pd.DataFrame) -> float:
        """What counts are multiplied by: followers over this run's fans on their day."""
        fans = kpis["fans"].iloc[self.followers_day]
        return self.followers / fans if self.followers and fans > 0 else 1.0

    @cached_property
    def _days(self) -> dict[str, np.ndarray]:
        """The observed days of each series, in series order (the rows of :attr:`data`)."""
        return {s: g["day"].to_numpy() for s, g in self.data.groupby("series", sort=True)}

    @cached_property
    def _compared(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per series, in series order: the observed statistic and each observation's sigma."""
        observed = self.statistics(self.values())
        return {
            name: (observed[name], group["sigma"].to_numpy())
            for name, group in self.data.groupby("series", sort=True)
        }

    def statistics(self, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """What the distance compares: each value, or for a daily count its running total.

        A day's count of a few complaints is mostly noise; their running total over the
        observed days is not, so counts are compared as running totals (as Covasim's fits
        compare cumulative counts; Kerr et al. 2021).

        >>> from socialsim.studies.observed import read_observed
        >>> obs = read_observed(pd.DataFrame({"day": [1, 2, 3], "complaints": [2, 0, 1]}),
        ...                     followers=100)
        >>> obs.statistics(obs.values())["complaints"].tolist()
        [2.0, 2.0, 3.0]
        """
        return {
            name: np.cumsum(value, dtype=np.float64) if accumulates(name) else value
            for name, value in values.items()
        }

    def pilot_scales(self, runs: Sequence[Mapping[str, np.ndarray]]) -> dict[str, float]:
        """Each series' own scale: the spread of its statistic across pilot runs from the prior.

        Per observed day, the median absolute deviation of the simulated :meth:`statistics`
        across the runs (times 1.4826, a standard deviation for normal data), then the median
        over the days: how much the series moves between plausible worlds, the scale pyABC's
        adaptive distances use (Prangle 2017). A series that does not move at all gets the
        standard deviation of its observed statistic, else 1.

        Parameters
        ----------
        runs : sequence of dict
            :meth:`simulated` of each pilot run ({} for a rejected one).
        """
        scales = {}
        for name, observed in self.statistics(self.values()).items():
            table = np.array([self.statistics(run)[name] for run in runs if run])
            spread = 0.0
            if len(table) > 1:
                centre = np.nanmedian(table, axis=0)
                mad = 1.4826 * np.nanmedian(np.abs(table - centre), axis=0)
                spread = float(np.nanmedian(mad)) if np.isfinite(mad).any() else 0.0
            if not spread > 0:
                spread = float(np.std(observed, ddof=1)) if len(observed) > 1 else 0.0
            scales[name] = spread if spread > 0 else 1.0
        return scales

    def with_scales(self, scales: Mapping[str, float]) -> Observed:
        """A copy whose observations without a standard error use their series' scale."""
        data = self.data.copy()
        data["sigma"] = data["sigma"].fillna(data["series"].map(scales).astype(np.float64))
        return Observed(data, self.followers, self.source, self.followers_day)

    def distance(self, simulated: Mapping[str, np.ndarray]) -> float:
        """Sum of squared standardised residuals over every observation.

        Each residual of :meth:`statistics`, observed minus simulated, is divided by its
        ``sigma``: the standard error given with it or computed from a survey's ``n`` (for a
        running total, the root of the summed squared errors), else its series' own scale
        (:meth:`pilot_scales`, set with :meth:`with_scales`). A simulated value that is
        missing (a response time on a day without replies) counts as a residual of 3 sigma.

        >>> from socialsim.studies.observed import read_observed
        >>> obs = read_observed(pd.DataFrame({"day": [1, 2], "nps": [10.0, 20.0],
        ...                                   "nps_se": [2.0, 2.0]}))
        >>> obs.distance({"nps": np.array([10.0, 20.0])})
        0.0
        >>> obs.distance({"nps": np.array([12.0, 16.0])})
        5.0
        """
        if self._unscaled:
            raise ValueError("some series have no scale yet: use with_scales(pilot_scales(...))")
        simulated = self.statistics(simulated)
        total = 0.0
        for name, (observed, sigma) in self._compared.items():
            z = (observed - simulated[name]) / sigma
            total += float(np.sum(np.where(np.isnan(z), 9.0, z * z)))
        return total

    @cached_property
    def _unscaled(self) -> bool:
        return bool(self.data["sigma"].isna().any())
