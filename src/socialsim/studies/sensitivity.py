"""How a sweep's KPIs depend on its parameters: sensitivity indices, main effects, plots.

- :func:`sobol_indices`, :func:`morris_indices`: Sobol' and Morris indices, from
  :mod:`socialsim.studies.indices` (where the rules on undefined KPIs and on integer
  parameters are).
- :func:`main_effects`: the KPI's mean, with a confidence band, along one parameter (levels,
  or quantile bins of a continuous range); works on any design.
- :func:`plot_main_effects`, :func:`plot_heatmap`, :func:`plot_indices`: the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from socialsim.studies.indices import (
    UNDEFINED_WHEN,
    check_column,
    elementary_effects,
    morris_indices,
    point_means,
    sobol_indices,
)

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
    check_column(runs, "parameter", parameter)
    check_column(runs, "kpi", kpi, numeric=True)
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
    check_column(runs, "x", x)
    check_column(runs, "y", y)
    check_column(runs, "kpi", kpi, numeric=True)
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
