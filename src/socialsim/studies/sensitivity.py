"""How a sweep's KPIs depend on its parameters: sensitivity indices, main effects, plots.

- :func:`sobol_indices`: Sobol' first-order (S1) and total-order (ST) indices of a Saltelli
  design, with bootstrap confidence intervals (SALib). S1 is the share of the KPI's variance
  a parameter explains alone; ST adds its interactions with the others.
- :func:`morris_indices`: Morris elementary effects of a Morris design (drawn by SALib): μ*
  (mean absolute effect) with its confidence interval, μ and σ (spread: nonlinearity and
  interactions). Effects are the change of the KPI when a parameter moves across its whole
  range, extrapolated linearly from each step (:func:`elementary_effects`); the step of an
  integer or a level is the one its value actually took.
- :func:`main_effects`: the KPI's mean, with a confidence band, along one parameter (levels,
  or quantile bins of a continuous range); works on any design.
- :func:`plot_main_effects`, :func:`plot_heatmap`, :func:`plot_indices`: the figures.

Indices are computed on each design point's KPI averaged over its successful replicates;
every point needs at least one, since Sobol' and Morris estimators pair points up, and the KPI
must be finite in every successful run (:func:`point_means` says why when it is not).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from socialsim.studies.designs import Design

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

__all__ = [
    "UNDEFINED_WHEN",
    "elementary_effects",
    "main_effects",
    "morris_indices",
    "plot_heatmap",
    "plot_indices",
    "plot_main_effects",
    "point_means",
    "sobol_indices",
]


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
    if kpi not in runs.columns:
        raise KeyError(f"The 'kpi' parameter must be a column of the runs. Got {kpi!r} instead.")
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


def main_effects(
    runs: pd.DataFrame,
    parameter: str,
    kpi: str,
    *,
    bins: int = 10,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """The KPI's mean along one parameter, averaged over everything else, with a band.

    A parameter with at most ``bins`` distinct values (levels, grids) is grouped by value;
    a continuous one into ``bins`` quantile bins, each placed at its mean value.

    Parameters
    ----------
    runs : pandas.DataFrame
        The runs (``ResultsStore(path).load()``); only ``status == "ok"`` rows are used.
    parameter : str
        The parameter column (dotted key).
    kpi : str
        The output column.
    bins : int, default 10
        Bins of a continuous parameter.
    conf_level : float, default 0.95
        Level of the band: a Student-t interval of each group's mean.

    Returns
    -------
    pandas.DataFrame
        ``value``, ``mean``, ``low``, ``high``, ``n``: one row per level or bin, in order.

    Examples
    --------
    >>> runs = pd.DataFrame({"a": [1, 1, 2, 2], "y": [1.0, 3.0, 5.0, 5.0]})
    >>> main_effects(runs, "a", "y").round(2).to_dict("list")
    {'value': [1, 2], 'mean': [2.0, 5.0], 'low': [-10.71, 5.0], 'high': [14.71, 5.0], 'n': [2, 2]}
    """
    if "status" in runs.columns:
        runs = runs[runs["status"] == "ok"]
    for column, what in ((parameter, "parameter"), (kpi, "kpi")):
        if column not in runs.columns:
            raise KeyError(
                f"The {what!r} parameter must be a column of the runs. Got {column!r} instead."
            )
    x = runs[parameter]
    if x.nunique() <= bins or not pd.api.types.is_numeric_dtype(x) or x.dtype == bool:
        groups = runs.groupby(parameter, sort=True)
        values = pd.Series(list(groups.groups), dtype=x.dtype)
    else:
        binned = pd.qcut(x, bins, duplicates="drop")
        groups = runs.groupby(binned, observed=True, sort=True)
        values = groups[parameter].mean().reset_index(drop=True)
    summary = groups[kpi].agg(["mean", "std", "count"]).reset_index(drop=True)
    n = summary["count"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf((1 + conf_level) / 2, np.maximum(n - 1, 1)) * summary["std"] / np.sqrt(n)
    half = half.where(n > 1)
    return pd.DataFrame(
        {
            "value": values,
            "mean": summary["mean"],
            "low": summary["mean"] - half,
            "high": summary["mean"] + half,
            "n": n,
        }
    )


def plot_main_effects(
    runs: pd.DataFrame,
    parameters: Sequence[str],
    kpi: str,
    *,
    bins: int = 10,
    conf_level: float = 0.95,
    path: str | Path | None = None,
) -> Figure:
    """One panel per parameter: the KPI's main-effect curve with its confidence band.

    Examples
    --------
    >>> runs = pd.DataFrame({"a": [1, 1, 2, 2], "b": ["x", "y", "x", "y"], "y": [1.0, 3, 5, 6]})
    >>> len(plot_main_effects(runs, ["a", "b"], "y").axes)
    2
    """
    fig, axes = plt.subplots(
        1,
        len(parameters),
        figsize=(4 * len(parameters), 3.4),
        sharey=True,
        layout="constrained",
        squeeze=False,
    )
    for ax, parameter in zip(axes.flat, parameters, strict=True):
        effect = main_effects(runs, parameter, kpi, bins=bins, conf_level=conf_level)
        numeric = pd.api.types.is_numeric_dtype(effect["value"]) and effect["value"].dtype != bool
        x = effect["value"] if numeric else np.arange(len(effect))
        ax.plot(x, effect["mean"], marker="o", ms=3)
        ax.fill_between(x, effect["low"], effect["high"], alpha=0.25, lw=0)
        if not numeric:
            ax.set_xticks(x, [str(v) for v in effect["value"]], rotation=20)
        ax.set_xlabel(parameter)
        ax.grid(alpha=0.3)
    axes.flat[0].set_ylabel(f"{kpi} (mean, {conf_level:.0%} band)")
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def plot_heatmap(
    runs: pd.DataFrame,
    x: str,
    y: str,
    kpi: str,
    *,
    bins: int = 8,
    path: str | Path | None = None,
) -> Figure:
    """The KPI's mean over two parameters (levels, or quantile bins of continuous ranges).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> runs = pd.DataFrame({"a": rng.random(200), "b": rng.random(200)})
    >>> runs["y"] = runs["a"] + 2 * runs["b"]
    >>> fig = plot_heatmap(runs, "a", "b", "y", bins=4)
    >>> fig.axes[0].images[0].get_array().shape
    (4, 4)
    """
    if "status" in runs.columns:
        runs = runs[runs["status"] == "ok"]
    x_groups, x_labels = _axis(runs[x], bins)
    y_groups, y_labels = _axis(runs[y], bins)
    table = runs.groupby([y_groups, x_groups], observed=False)[kpi].mean().unstack()
    fig, ax = plt.subplots(figsize=(5.5, 4.5), layout="constrained")
    image = ax.imshow(table.to_numpy(dtype=float), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(x_labels)), x_labels, rotation=30)
    ax.set_yticks(range(len(y_labels)), y_labels)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fig.colorbar(image, ax=ax, label=f"{kpi} (mean)")
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def plot_indices(
    indices: pd.DataFrame, *, title: str | None = None, path: str | Path | None = None
) -> Figure:
    """A bar chart of sensitivity indices with their confidence intervals.

    Sobol' indices (from :func:`sobol_indices`) show S1 and ST side by side; Morris statistics
    (from :func:`morris_indices`) show μ* and σ.

    Examples
    --------
    >>> idx = pd.DataFrame({"S1": [0.3, 0.1], "S1_conf": [0.02, 0.01], "ST": [0.5, 0.1],
    ...                     "ST_conf": [0.03, 0.01]}, index=["a", "b"])
    >>> len(plot_indices(idx).axes[0].patches)
    4
    """
    if {"S1", "ST"} <= set(indices.columns):
        bars = [("S1", "S1_conf", "first order S1"), ("ST", "ST_conf", "total order ST")]
    elif "mu_star" in indices.columns:
        bars = [("mu_star", "mu_star_conf", "μ*"), ("sigma", None, "σ")]
    else:
        raise ValueError(
            "The 'indices' parameter must come from sobol_indices or morris_indices. Got "
            f"columns {list(indices.columns)} instead."
        )
    order = indices.sort_values(bars[-1][0] if bars[0][0] == "S1" else "mu_star").index
    position = np.arange(len(order))
    height = 0.8 / len(bars)
    fig, ax = plt.subplots(figsize=(6, 1.2 + 0.45 * len(order)), layout="constrained")
    for k, (column, conf, label) in enumerate(bars):
        error = indices.loc[order, conf] if conf else None
        ax.barh(
            position + (k - 0.5) * height,
            indices.loc[order, column],
            height,
            xerr=error,
            label=label,
            capsize=2,
        )
    ax.set_yticks(position, [str(i) for i in order])
    ax.axvline(0, color="grey", lw=0.8)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(frameon=False, fontsize="small")
    if title:
        ax.set_title(title)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def _axis(values: pd.Series, bins: int) -> tuple[pd.Series, list[str]]:
    """Group keys and labels for one heatmap axis: levels, or quantile bins."""
    if (
        values.nunique() <= bins
        or not pd.api.types.is_numeric_dtype(values)
        or values.dtype == bool
    ):
        levels = sorted(values.unique())
        keys = pd.Categorical(values, categories=levels, ordered=True)
        return pd.Series(keys, index=values.index), [str(v) for v in levels]
    binned = pd.qcut(values, bins, duplicates="drop")
    labels = [f"{iv.mid:.3g}" for iv in binned.cat.categories]
    return binned, labels


def _require(design: Design, kind: str, what: str) -> None:
    if design.kind != kind:
        raise ValueError(
            f"The 'design' parameter must be a {kind} design for {what}. Got a {design.kind} "
            "design instead."
        )
