"""Figures of a run's KPIs."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["plot_kpis"]

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
