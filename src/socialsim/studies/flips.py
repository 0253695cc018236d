"""What flips a robust comparison's answers, and which assumptions move them.

For each headline comparison (a strategy against the baseline on the first KPI, and on net
value when kept: :meth:`~socialsim.studies.robust.RobustComparison.headlines`), the answer is
what most plausible worlds say; :func:`flip_boxes` finds, with PRIM
(:func:`~socialsim.studies.discovery.prim`), the few assumptions and ranges under which it
reverses, and says so in plain words.

:func:`rank_sensitivity` measures how each assumption moves the paired difference across the
worlds with Spearman's rank correlation, the usual index for a Latin hypercube sample (Helton &
Davis 2003, Reliability Engineering & System Safety 81, 23–69).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from socialsim.studies.discovery import prim
from socialsim.studies.wins import advantage

__all__ = ["MIN_REVERSALS", "flip_boxes", "plot_rank_sensitivity", "rank_sensitivity"]

MIN_REVERSALS = 3
"""Fewest worlds that reverse an answer for a box to be sought: a box around one or two worlds
describes those worlds, not a region."""


def _headline_frames(means, worlds, headlines):
    """Per headline comparison: its advantage per world and the assumptions that vary."""
    x_all = worlds.set_index("world")
    varied = [c for c in x_all.columns if x_all[c].nunique() > 1]
    for strategy, versus, kpi in headlines:
        edge = advantage(means, strategy, versus, kpi).dropna()
        yield strategy, versus, kpi, edge, x_all.loc[edge.index, varied]


def flip_boxes(
    means: pd.DataFrame, worlds: pd.DataFrame, headlines: Sequence[tuple[str, str, str]]
) -> pd.DataFrame:
    """For each headline comparison, the box of assumptions under which its answer reverses.

    The answer is what most worlds say (the strategy beats the other one, or does not); the
    cases are the worlds that say otherwise (a tie counts as not beating).

    Parameters
    ----------
    means : pandas.DataFrame
        Per world and strategy, the KPIs (:func:`~socialsim.studies.wins.world_means`).
    worlds : pandas.DataFrame
        ``world`` and one column per varied assumption.
    headlines : sequence of (strategy, versus, kpi)
        The comparisons to explain.

    Returns
    -------
    pandas.DataFrame
        One row per limit of each box (one row with no ``parameter`` when there is no box):
        ``strategy``, ``versus``, ``kpi``, ``answer`` ("beats" or "does not beat"),
        ``worlds``, ``reversed``, ``mass``, ``coverage``, ``density``, ``parameter``, ``low``
        and ``high`` (boundaries read at the middle of their gaps), ``low_gap_*`` and
        ``high_gap_*``, ``qp`` and ``description`` (the box in words).
    """
    rows = []
    for strategy, versus, kpi, edge, x in _headline_frames(means, worlds, headlines):
        beats = (edge > 0).to_numpy()
        answer = "beats" if beats.mean() >= 0.5 else "does not beat"
        reversed_ = ~beats if answer == "beats" else beats
        strength = -edge.to_numpy() if answer == "beats" else edge.to_numpy()
        enough = reversed_.sum() >= MIN_REVERSALS and x.shape[1]
        box = prim(x, reversed_, strength=strength) if enough else None
        common = {
            "strategy": strategy,
            "versus": versus,
            "kpi": kpi,
            "answer": answer,
            "worlds": len(edge),
            "reversed": int(reversed_.sum()),
        }
        text = _sentence(strategy, versus, kpi, answer, box, common)
        if box is None or not box.limits:
            rows.append({**common, "description": text})
            continue
        shape = {"mass": box.mass, "coverage": box.coverage, "density": box.density}
        for limit in box.limits:
            rows.append(
                {
                    **common,
                    **shape,
                    "parameter": limit.parameter,
                    "low": limit.boundary("low"),
                    "high": limit.boundary("high"),
                    "low_gap_out": None if limit.low_gap is None else limit.low_gap[0],
                    "low_gap_in": None if limit.low_gap is None else limit.low_gap[1],
                    "high_gap_in": None if limit.high_gap is None else limit.high_gap[0],
                    "high_gap_out": None if limit.high_gap is None else limit.high_gap[1],
                    "qp": limit.qp,
                    "description": text,
                }
            )
    columns = [
        "strategy", "versus", "kpi", "answer", "worlds", "reversed", "mass", "coverage",
        "density", "parameter", "low", "high", "low_gap_out", "low_gap_in", "high_gap_in",
        "high_gap_out", "qp", "description",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).astype({"low": float, "high": float, "qp": float})


def _sentence(strategy, versus, kpi, answer, box, counts) -> str:
    """The box of one headline comparison in plain words."""
    n, flipped = counts["worlds"], counts["reversed"]
    if flipped == 0:
        return f"{strategy} {answer} {versus} on {kpi} in all {n} plausible worlds: none flips it."
    turn, flip = ("stops beating", "does not beat") if answer == "beats" else ("beats", "beats")
    if box is None or not box.limits:
        why = "too few to tell what" if flipped < MIN_REVERSALS else "no few assumptions"
        return (
            f"{strategy} {flip} {versus} on {kpi} in {flipped} of {n} plausible worlds; {why} "
            "set them apart."
        )
    where = " and ".join(limit.describe() for limit in box.limits)
    return (
        f"{strategy} {turn} {versus} on {kpi} when {where}, which covers {box.mass:.0%} of "
        f"plausible worlds: it {flip} {versus} in {box.density:.0%} of those worlds (density), "
        f"and they hold {box.coverage:.0%} of the {flipped} worlds where it {flip} "
        "(coverage)."
    )


def rank_sensitivity(
    means: pd.DataFrame, worlds: pd.DataFrame, headlines: Sequence[tuple[str, str, str]]
) -> pd.DataFrame:
    """Spearman's rank correlation of each headline advantage with each varied assumption.

    The advantage is the strategy's edge over the other one in each world (positive: better),
    so a positive correlation means the strategy gains as the assumption grows.

    Returns
    -------
    pandas.DataFrame
        ``strategy``, ``versus``, ``kpi``, ``parameter``, ``rho``, ``p_value``, sorted by the
        size of ``rho`` within each comparison. Empty below three worlds.

    Examples
    --------
    >>> import numpy as np
    >>> means = pd.DataFrame({"world": np.repeat(np.arange(5), 2), "strategy": ["a", "b"] * 5,
    ...                       "nps": [0, 1, 0, 2, 0, 3, 0, 5, 0, 4.0]})
    >>> worlds = pd.DataFrame({"world": range(5), "x": [1, 2, 3, 4, 5.0], "z": [5, 1, 4, 2, 3.0]})
    >>> rank_sensitivity(means, worlds, [("b", "a", "nps")])[["parameter", "rho"]].round(2).values.tolist()
    [['x', 0.9], ['z', -0.4]]
    """
    from scipy import stats

    rows = []
    for strategy, versus, kpi, edge, x in _headline_frames(means, worlds, headlines):
        if len(edge) < 3 or edge.nunique() < 2:
            continue
        found = []
        for name in x.columns:
            rho, p = stats.spearmanr(x[name].to_numpy(dtype=float), edge.to_numpy())
            found.append((name, float(rho), float(p)))
        found.sort(key=lambda item: -abs(item[1]))
        rows += [
            {"strategy": strategy, "versus": versus, "kpi": kpi, "parameter": name, "rho": rho,
             "p_value": p}
            for name, rho, p in found
        ]  # fmt: skip
    return pd.DataFrame(rows, columns=["strategy", "versus", "kpi", "parameter", "rho", "p_value"])


def plot_rank_sensitivity(table: pd.DataFrame, top: int = 8) -> Figure:
    """One panel per headline comparison: the ``top`` assumptions by rank correlation.

    Examples
    --------
    >>> table = pd.DataFrame({"strategy": ["b", "b"], "versus": ["a", "a"], "kpi": ["nps"] * 2,
    ...                       "parameter": ["x", "z"], "rho": [0.9, -0.6], "p_value": [0.0, 0.3]})
    >>> len(plot_rank_sensitivity(table).axes[0].patches)
    2
    """
    import matplotlib.pyplot as plt

    groups = list(table.groupby(["strategy", "versus", "kpi"], sort=False))
    fig, axes = plt.subplots(
        max(1, len(groups)), 1, figsize=(7, 1.2 + 0.32 * top * max(1, len(groups))),
        layout="constrained", squeeze=False,
    )  # fmt: skip
    if not groups:
        axes[0, 0].text(0.5, 0.5, "too few worlds for a sensitivity index", ha="center")
        axes[0, 0].set_axis_off()
    for ax, ((strategy, versus, kpi), rows) in zip(axes[:, 0], groups, strict=False):
        shown = rows.head(top).iloc[::-1]
        colours = ["tab:blue" if r > 0 else "tab:red" for r in shown["rho"]]
        ax.barh(shown["parameter"], shown["rho"], color=colours)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_xlim(-1, 1)
        ax.set_title(f"{strategy} vs {versus} on {kpi}: Spearman ρ with the advantage", fontsize=10)
        ax.tick_params(labelsize=9)
        ax.grid(axis="x", alpha=0.3)
    return fig
