"""Figures: a run's KPIs, and a comparison's paired differences, at the end and day by day.

A comparison's figures have one panel per KPI, titled with its readable name and unit, in
fonts that read at 100% zoom (:data:`STYLE`), each strategy in the same colour in every
figure, and a cue saying which way is better for the brand.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from socialsim.kpis import DECLARED, HIGHER, LOWER, Summary, derive

__all__ = ["STYLE", "plot_differences", "plot_kpis", "plot_trajectories", "so_far"]

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


STYLE = {
    "font.size": 11,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 10.5,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10.5,
    "legend.fontsize": 10.5,
    "figure.titlesize": 13,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
"""Matplotlib settings of a comparison's figures: shown at 100 px per inch (the report draws
them at 200 and shows them at half size), 10-11 pt text is 14-15 px on screen."""

_BETTER = {HIGHER: "better →", LOWER: "← better"}
_BETTER_UP = {HIGHER: "better ↑", LOWER: "better ↓"}


def so_far(
    daily: pd.DataFrame, kpi: str, by: Sequence[str] = ("strategy", "replicate")
) -> pd.Series:
    """Each run's KPI as the run would sum it up if it ended that day.

    A level is the day's value, a flow, cost or value its total to date, an average the mean
    of the days to date that have one, a rate the ratio of its totals to date. On a run's
    last day this is :func:`socialsim.kpis.per_run`'s value.

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per run and day, days in order within a run, with the ``by`` columns.
    kpi : str
        A declared KPI.
    by : sequence of str
        The columns that tell runs apart.

    Returns
    -------
    pandas.Series
        Aligned with ``daily``.

    Examples
    --------
    >>> daily = pd.DataFrame({"run": 0, "day": [0, 1, 2], "complaints": [0, 4, 5],
    ...                       "reshares": [0, 0, 1], "responses_complaint": [0, 1, 3]})
    >>> so_far(daily, "complaints_answered_share", by=["run"]).tolist()
    [nan, 25.0, 40.0]
    """
    declared = DECLARED[kpi]
    frame = derive(daily)
    keys = [frame[c] for c in by]

    def total(terms: dict[str, float] | None) -> pd.Series:
        return sum(w * frame[n].groupby(keys).cumsum() for n, w in (terms or {}).items())

    if declared.summary is Summary.RATIO:
        bottom = total(declared.denominator)
        return declared.scale * total(declared.numerator) / bottom.where(bottom != 0)
    column = frame[kpi]
    if declared.summary is Summary.LAST:
        return column
    if declared.summary is Summary.MEAN:
        values = column.where(frame["day"] > 0)
        sums = values.fillna(0).groupby(keys).cumsum()
        counts = values.notna().astype(np.float64).groupby(keys).cumsum()
        return sums / counts.where(counts > 0)
    if declared.summary is Summary.MAX:  # the peak so far, day 0 (no day yet) left out
        return column.where(frame["day"] > 0).groupby(keys).cummax()
    return column.groupby(keys).cumsum()


def _title(kpi: str) -> str:
    from socialsim.studies.answer import unit_of

    unit = unit_of(kpi, difference=True) or "currency units"
    return textwrap.fill(f"{DECLARED[kpi].label} ({unit})", 30)


def _grid(count: int, height: float) -> tuple[Figure, np.ndarray]:
    columns = min(3, count)
    rows = -(-count // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(3.4 * columns, height * rows), squeeze=False, layout="constrained"
    )
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    return fig, axes


def _colours(strategies: Sequence[str]) -> dict[str, Any]:
    palette = plt.get_cmap("tab10").colors
    return {name: palette[i % len(palette)] for i, name in enumerate(strategies)}


def plot_trajectories(
    daily: pd.DataFrame, kpis: Sequence[str], baseline: str, confidence: float
) -> Figure:
    """One panel per KPI: each strategy's paired difference from the baseline, day by day.

    Each run's KPI is read as the run sums it up so far (:func:`so_far`); the line is the mean
    over replicates of strategy − baseline on the same replicate, the band its t interval, so
    the noise the strategies share (common random numbers) is not in it.

    Parameters
    ----------
    daily : pandas.DataFrame
        One row per strategy, replicate and day (:attr:`socialsim.Comparison.daily`).
    kpis : sequence of str
        The KPIs to draw, three panels to a row.
    baseline : str
        The strategy the differences are taken from.
    confidence : float
        Coverage of the band, e.g. 0.95.
    """
    from scipy import stats

    others = [s for s in dict.fromkeys(daily["strategy"]) if s != baseline]
    colours = _colours(others)
    with plt.rc_context(STYLE):
        fig, axes = _grid(len(kpis), 2.9)
        for ax, kpi in zip(axes.flat, kpis, strict=False):
            values = daily[["strategy", "replicate", "day"]].assign(v=so_far(daily, kpi))
            wide = values.set_index(["replicate", "day", "strategy"])["v"].unstack("strategy")
            for name in others:
                by_day = (wide[name] - wide[baseline]).groupby("day")
                mean, sem, n = by_day.mean(), by_day.sem(), by_day.count()
                half = (sem * stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))).fillna(0)
                ax.plot(mean.index, mean, color=colours[name], lw=1.8, label=name)
                ax.fill_between(
                    mean.index, mean - half, mean + half, color=colours[name], alpha=0.2, lw=0
                )
            ax.axhline(0, color="0.35", lw=1)
            ax.set_title(_title(kpi), loc="left")
            ax.set_xlabel("day")
            ax.grid(alpha=0.3)
            cue = _BETTER_UP.get(DECLARED[kpi].direction)
            if cue:
                ax.text(
                    0.99,
                    0.98,
                    cue,
                    transform=ax.transAxes,
                    ha="right",
                    va="top",
                    color="0.3",
                    fontsize=10,
                )
        fig.legend(
            *axes.flat[0].get_legend_handles_labels(),
            loc="outside upper center",
            ncols=min(len(others), 4),
            frameon=False,
            title=f"Difference from {baseline} so far, day by day (paired, 95% band)",
            title_fontsize=STYLE["figure.titlesize"],
        )
    return fig


def plot_differences(table: pd.DataFrame, baseline: str, kpis: Sequence[str]) -> Figure:
    """Forest plot: each strategy's difference from the baseline, one panel per KPI.

    A filled dot is distinguishable after Holm's adjustment (``p_holm`` below 0.05), a hollow
    one is not; under each panel an arrow points to the side better for the brand.

    Parameters
    ----------
    table : pandas.DataFrame
        Rows of :meth:`socialsim.Comparison.differences` (the baseline's own left out).
    baseline : str
        The strategy the differences are taken from, for the title.
    kpis : sequence of str
        The KPIs, one panel each.
    """
    from socialsim.studies.answer import ALPHA

    strategies = list(dict.fromkeys(table["strategy"]))
    colours = _colours(strategies)
    labels = [textwrap.fill(name, 22) for name in strategies]
    with plt.rc_context(STYLE):
        fig, axes = _grid(len(kpis), 0.45 * len(strategies) + 1.4)
        for i, (ax, kpi) in enumerate(zip(axes.flat, kpis, strict=False)):
            mine = table[table["kpi"] == kpi].set_index("strategy").reindex(strategies)
            for y, name in enumerate(strategies):
                row = mine.loc[name]
                clear = bool(np.isfinite(row["p_holm"]) and row["p_holm"] < ALPHA)
                ax.errorbar(
                    row["difference"],
                    y,
                    xerr=[
                        [row["difference"] - row["ci_low"]],
                        [row["ci_high"] - row["difference"]],
                    ],
                    fmt="o",
                    ms=7,
                    capsize=4,
                    lw=1.8,
                    color=colours[name],
                    mfc=colours[name] if clear else "white",
                )
            ax.axvline(0, color="0.35", lw=1)
            ax.set_ylim(len(strategies) - 0.5, -0.5)
            ax.set_yticks(range(len(strategies)), labels if i % axes.shape[1] == 0 else [])
            ax.set_title(_title(kpi), loc="left")
            ax.xaxis.set_major_locator(plt.MaxNLocator(4))
            ax.grid(axis="x", alpha=0.3)
            direction = DECLARED[kpi].direction
            ax.set_xlabel(
                _BETTER.get(direction, "neither side is better"),
                loc="right" if direction == HIGHER else "left",
                color="0.3",
            )
        fig.suptitle(f"Difference from {baseline} (paired, 95% interval; filled = distinguishable)")
    return fig
