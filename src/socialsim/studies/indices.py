"""Sensitivity indices of a sweep's KPI: Sobol' (from a Saltelli design) and Morris.

- :func:`sobol_indices`: Sobol' first-order (S1) and total-order (ST) indices of a Saltelli
  design, with bootstrap confidence intervals (SALib). S1 is the share of the KPI's variance
  a parameter explains alone; ST adds its interactions with the others.
- :func:`morris_indices`: Morris elementary effects of a Morris design (drawn by SALib): μ*
  (mean absolute effect) with its confidence interval, μ and σ (spread: nonlinearity and
  interactions). Effects are the change of the KPI when a parameter moves across its whole
  range, extrapolated linearly from each step (:func:`elementary_effects`); the step of an
  integer or a level is the one its value actually took.

Indices are computed on each design point's KPI averaged over its successful replicates;
every point needs at least one, since Sobol' and Morris estimators pair points up, and the KPI
must be finite in every successful run (:func:`point_means` says why when it is not).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from socialsim.constraints import ConfigError
from socialsim.studies.designs import Design

__all__ = [
    "UNDEFINED_WHEN",
    "check_column",
    "elementary_effects",
    "morris_indices",
    "point_means",
    "sobol_indices",
]

_NO_REPLY = (
    "a run's response time is undefined when the brand sent no reply in it (no staff, or a "
    "policy that answers nothing)"
)
UNDEFINED_WHEN: dict[str, str] = {
    "response_time_median": _NO_REPLY,
    "response_time_p90": _NO_REPLY,
    "mean_loyalty": "the mean loyalty of fans is undefined when no fans are left",
}
"""Why a KPI can be undefined (NaN) in a run that succeeded, by KPI (socialsim.kpis)."""


def point_means(design: Design, runs: pd.DataFrame, kpi: str) -> np.ndarray:
    """The KPI of each design point, averaged over its successful replicates, in point order.

    Parameters
    ----------
    design : Design
        The sweep's design (``ResultsStore(path).design``).
    runs : pandas.DataFrame
        The runs (``ResultsStore(path).load()``): a ``point`` column and the KPI; rows whose
        ``status`` is not "ok" are left out.
    kpi : str
        The column to average.

    Returns
    -------
    numpy.ndarray of shape (n_points,)

    Raises
    ------
    KeyError, ConfigError
        The KPI is not a numeric column of the runs (:func:`check_column`).
    ValueError
        A design point has no successful run (finish the sweep), or the KPI is NaN or
        infinite in a successful run; a NaN that the KPI's definition produces (no replies,
        so no response time: :data:`UNDEFINED_WHEN`) is named as such, since rerunning will
        not remove it.

    Examples
    --------
    >>> from socialsim.studies.designs import make_design
    >>> d = make_design("grid", {"a": [1, 2]})
    >>> runs = pd.DataFrame({"point": [0, 0, 1, 1], "y": [1.0, 3.0, 5.0, 7.0]})
    >>> point_means(d, runs, "y")
    array([2., 6.])
    """
    check_column(runs, "kpi", kpi, numeric=True)
    if "status" in runs.columns:
        runs = runs[runs["status"] == "ok"]
    missing = np.setdiff1d(np.arange(design.n_points), runs["point"].to_numpy())
    if missing.size:
        raise ValueError(
            f"Every design point needs a successful run; {missing.size} of {design.n_points} "
            f"have none (first: point {missing[0]}). Finish the sweep (rerun it, with "
            "--retry-failed for failed runs) first."
        )
    values = runs[kpi].to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        first = runs.iloc[int(np.flatnonzero(bad)[0])]
        where = (
            f"{int(bad.sum())} of {len(values)} successful runs (first: point {first['point']}"
            + (f", replicate {first['replicate']}" if "replicate" in runs.columns else "")
            + ")"
        )
        if np.isnan(values).any():
            reason = UNDEFINED_WHEN.get(kpi, "it has no value in them")
            raise ValueError(
                f"The {kpi!r} KPI is undefined (NaN) in {where}: {reason}. Rerunning will not "
                "change that: analyse another KPI, or narrow the parameters' ranges to where "
                "it is defined."
            )
        raise ValueError(
            f"The {kpi!r} KPI is infinite in {where}; sensitivity indices need a finite value "
            "in every run."
        )
    means = runs.groupby("point")[kpi].mean().reindex(range(design.n_points))
    return means.to_numpy(dtype=float)


def check_column(runs: pd.DataFrame, argument: str, name: Any, *, numeric: bool = False) -> None:
    """Refuse a ``name`` that is not one column of the runs, or not a numeric one if asked.

    Parameters
    ----------
    runs : pandas.DataFrame
        The runs.
    argument : str
        The argument that gave ``name``, as the error names it (``"kpi"``, ``"parameter"``).
    name : str
        The column.
    numeric : bool, default False
        Whether the column must hold numbers (a KPI to average).

    Raises
    ------
    ConfigError
        ``name`` is not a string (a list where one name is expected), or holds no numbers
        where numbers are asked for.
    KeyError
        ``name`` is not a column of the runs.

    Examples
    --------
    >>> runs = pd.DataFrame({"kind": ["a", "b"], "y": [1.0, 2.0]})
    >>> check_column(runs, "kpi", "kind", numeric=True)
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'kpi' parameter must be a numeric KPI column of the runs. Got 'kind' instead.
    """
    # A list or another unhashable name would otherwise fail inside pandas, naming no argument.
    if not isinstance(name, str):
        raise ConfigError(argument, name, "one column name of the runs (a string)")
    if name not in runs.columns:
        raise KeyError(
            f"The {argument!r} parameter must be a column of the runs. Got {name!r} instead."
        )
    if numeric and not pd.api.types.is_numeric_dtype(runs[name]):
        raise ConfigError(argument, name, "a numeric KPI column of the runs")


def sobol_indices(
    design: Design,
    runs: pd.DataFrame,
    kpi: str,
    *,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Sobol' first- and total-order indices of a KPI, from a Saltelli design.

    Parameters
    ----------
    design : Design
        A ``"saltelli"`` design.
    runs : pandas.DataFrame
        The runs, as :func:`point_means` reads them.
    kpi : str
        The output to analyse.
    conf_level : float, default 0.95
        Level of the bootstrap confidence intervals.
    num_resamples : int, default 1000
        Bootstrap resamples.
    seed : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (the ``_conf``
        columns are half-widths of the confidence intervals).

    Examples
    --------
    >>> from SALib.test_functions import Ishigami
    >>> from socialsim.studies.designs import Range, make_design
    >>> box = {f"x{i}": Range(-np.pi, np.pi) for i in (1, 2, 3)}
    >>> d = make_design("saltelli", box, samples=1024, second_order=False, seed=1)
    >>> runs = pd.DataFrame({"point": range(d.n_points), "y": Ishigami.evaluate(d.values.to_numpy())})
    >>> sobol_indices(d, runs, "y")[["S1", "ST"]].round(1)
         S1   ST
    x1  0.3  0.6
    x2  0.4  0.4
    x3  0.0  0.2
    """
    from SALib.analyze import sobol

    _require(design, "saltelli", "Sobol' indices")
    y = point_means(design, runs, kpi)
    result = sobol.analyze(
        design.problem(),
        y,
        calc_second_order=design.options.get("second_order", True),
        num_resamples=num_resamples,
        conf_level=conf_level,
        # A Generator, not the int: SALib's Sobol' analysis falls back on numpy's global
        # random state when its seed is falsy (0), which would make the intervals unrepeatable.
        seed=np.random.default_rng(seed),
    )
    columns = ["S1", "S1_conf", "ST", "ST_conf"]
    return pd.DataFrame({c: result[c] for c in columns}, index=pd.Index(design.names))


def morris_indices(
    design: Design,
    runs: pd.DataFrame,
    kpi: str,
    *,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Morris elementary-effect statistics of a KPI, from a Morris design.

    Parameters
    ----------
    design : Design
        A ``"morris"`` design.
    runs : pandas.DataFrame
        The runs, as :func:`point_means` reads them.
    kpi : str
        The output to analyse.
    conf_level : float, default 0.95
        Level of the bootstrap confidence interval of μ*.
    num_resamples : int, default 1000
        Bootstrap resamples.
    seed : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``mu_star``, ``mu_star_conf`` (half-width), ``mu``, ``sigma``;
        effects are KPI changes across a parameter's whole range.

    Examples
    --------
    >>> from socialsim.studies.designs import Range, make_design
    >>> d = make_design("morris", {"a": Range(0, 10), "b": Range(0, 1)}, samples=10, seed=1)
    >>> runs = pd.DataFrame({"point": range(d.n_points), "y": 2 * d.values["a"] - d.values["b"]})
    >>> morris_indices(d, runs, "y")[["mu_star", "mu", "sigma"]].round(6)
       mu_star    mu  sigma
    a     20.0  20.0    0.0
    b      1.0  -1.0    0.0
    """
    _require(design, "morris", "Morris indices")
    y = point_means(design, runs, kpi)
    effects = elementary_effects(design, y)
    rng = np.random.default_rng(seed)
    # Bootstrap of μ* as SALib's morris.analyze does it (resample each parameter's effects).
    resampled = [
        np.abs(ee[rng.integers(len(ee), size=(num_resamples, len(ee)))]).mean(axis=1)
        for ee in effects.T
    ]
    z = stats.norm.ppf(0.5 + conf_level / 2)
    return pd.DataFrame(
        {
            "mu_star": np.abs(effects).mean(axis=0),
            "mu_star_conf": [z * r.std(ddof=1) for r in resampled],
            "mu": effects.mean(axis=0),
            "sigma": effects.std(axis=0, ddof=1),
        },
        index=pd.Index(design.names),
    )


def elementary_effects(design: Design, y: np.ndarray) -> np.ndarray:
    """The Morris elementary effects of a KPI: one per trajectory and parameter.

    Each step of a trajectory moves one parameter; its effect is the KPI's change divided by
    the change of that parameter's position in its range (:meth:`Design.positions`). For a
    float range that is the design's step Δ, as in Morris (1991); for an integer range or
    levels it is the step the value actually took, so a KPI that is linear in an integer
    parameter gets the same effect from every step, however the Morris grid falls on the
    integers.

    Parameters
    ----------
    design : Design
        A ``"morris"`` design of ``r`` trajectories over ``d`` parameters.
    y : numpy.ndarray of shape (n_points,)
        The KPI at each design point.

    Returns
    -------
    numpy.ndarray of shape (r, d)
        Effects in KPI units per whole range of a parameter.

    Examples
    --------
    >>> from socialsim.studies.designs import Range, make_design
    >>> d = make_design("morris", {"x": Range(0, 2, integer=True)}, samples=3, seed=1)
    >>> elementary_effects(d, d.values["x"].to_numpy(dtype=float)).ravel().tolist()
    [2.0, 2.0, 2.0]
    """
    d = len(design.factors)
    r = design.n_points // (d + 1)
    moves = np.diff(design.unit.reshape(r, d + 1, d), axis=1) != 0  # (r, step, parameter)
    step = moves.argmax(axis=1)  # the step of each trajectory that moves each parameter
    dy = np.diff(np.asarray(y, dtype=float).reshape(r, d + 1), axis=1)
    dx = np.diff(design.positions().reshape(r, d + 1, d), axis=1)
    trajectory, parameter = np.arange(r)[:, None], np.arange(d)[None, :]
    return dy[trajectory, step] / dx[trajectory, step, parameter]


def _require(design: Design, kind: str, what: str) -> None:
    if design.kind != kind:
        raise ValueError(
            f"The 'design' parameter must be a {kind} design for {what}. Got a {design.kind} "
            "design instead."
        )
