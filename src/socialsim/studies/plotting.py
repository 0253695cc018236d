"""Figures: a run's KPIs, and a comparison's trajectories and differences."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["plot_differences", "plot_kpis", "plot_trajectories"]

PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("People", ("fans", "prospects", "churned")),
    ("Fans by loyalty", ("promoters", "passives", "detractors")),
    ("Net Promoter Score", ("nps",)),
    ("Daily flows", ("new_fans_referred", "churned_today", "complaints", "wom_negative")),
)


def plot_kpis(kpis: pd.DataFrame, path: str | Path | None = None) -> Figure:
    """Four panels of KPIs over time: people, loyalty mix, NPS and daily flows.

    Parameters
    ----------
    kpis : pandas.DataFrame
        As returned by :meth:`socialsim.EngagementModel.kpis`.
    path : str or Path, optional
        Where to save the figure (the format follows the suffix).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from socialsim import EngagementModel, Scenario
    >>> model = EngagementModel(Scenario().replace({"graph.n": 200}), rng=1)
    >>> model.run(days=3)
    >>> len(plot_kpis(model.kpis()).axes)
    4
    """
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True, layout="constrained")
    for ax, (title, columns) in zip(axes.flat, PANELS, strict=True):
        for column in columns:
            ax.plot(kpis["day"], kpis[column], label=column.replace("_", " "))
        ax.set_title(title)
        ax.grid(alpha=0.3)
        if len(columns) > 1:
            ax.legend(frameon=False, fontsize="small")
    for ax in axes[1]:
        ax.set_xlabel("day")
    axes[1, 0].axhline(0, color="grey", lw=0.8)
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def plot_trajectories(daily: pd.DataFrame, kpis: Sequence[str], confidence: float) -> Figure:
    """One panel per KPI: each strategy's mean over replicates by day, with a t band.

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per strategy, replicate and day (:attr:`socialsim.Comparison.daily`).
    kpis : sequence of str
        The KPIs to draw, three panels to a row.
    confidence : float
        Coverage of the band, e.g. 0.95.
    """
    from scipy import stats

    columns = min(3, len(kpis))
    rows = -(-len(kpis) // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(4.2 * columns, 3.2 * rows), squeeze=False, layout="constrained"
    )
    for ax, kpi in zip(axes.flat, kpis, strict=False):
        for name, group in daily.groupby("strategy", sort=False):
            by_day = group.groupby("day")[kpi]
            mean, sem, n = by_day.mean(), by_day.sem(), by_day.count()
            half = sem * stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))
            ax.plot(mean.index, mean, label=name)
            ax.fill_between(mean.index, mean - half.fillna(0), mean + half.fillna(0), alpha=0.2)
        ax.set_title(kpi.replace("_", " "))
        ax.set_xlabel("day")
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(kpis) :]:
        ax.set_visible(False)
    axes.flat[0].legend(frameon=False, fontsize="small")
    return fig


def plot_differences(table: pd.DataFrame, baseline: str, kpis: Sequence[str]) -> Figure:
    """Forest plot: each strategy's difference from the baseline, one panel per KPI.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :meth:`socialsim.Comparison.differences` (the baseline's own left out).
    baseline : str
        The strategy the differences are taken from, for the title.
    kpis : sequence of str
        The KPIs, one panel each.
    """
    fig, axes = plt.subplots(
        1,
        len(kpis),
        figsize=(3.2 * len(kpis), 0.5 * table["strategy"].nunique() + 1.6),
        squeeze=False,
        layout="constrained",
    )
    for ax, kpi in zip(axes.flat, kpis, strict=True):
        mine = table[table["kpi"] == kpi].reset_index(drop=True)
        y = np.arange(len(mine))
        ax.errorbar(
            mine["difference"],
            y,
            xerr=[mine["difference"] - mine["ci_low"], mine["ci_high"] - mine["difference"]],
            fmt="o",
            capsize=3,
        )
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, mine["strategy"] if ax is axes.flat[0] else [""] * len(y))
        ax.set_title(kpi.replace("_", " "), fontsize="medium")
        ax.invert_yaxis()
    fig.suptitle(f"Difference from '{baseline}' (paired, 95% CI)")
    return fig
