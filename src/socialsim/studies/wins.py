"""Which strategy wins across plausible worlds: win shares, regret and a robust ranking.

Everything here works on plain DataFrames, so it is tested on toy numbers as well as on a
robust comparison's runs (:mod:`socialsim.studies.robust`):

- a world's value of a KPI for a strategy is the **mean over its replicates** (common random
  numbers make the replicates of every strategy in a world share their seeds), and a world's
  winner is decided on those means: :func:`world_means`;
- :func:`win_shares`: for each pair of strategies and each KPI that has a better direction,
  the share of worlds in which the first beats the second, with a Wilson score interval
  (Wilson 1927), which treats the worlds as independent draws and so is conservative for a
  Latin hypercube, whose strata spread the worlds more evenly than chance;
- :func:`regrets`: a strategy's regret in a world is how far it falls short of the best
  strategy of that world, in the KPI's unit (Savage 1951); its mean and worst case over worlds
  rank the strategies (minimax regret is the usual robust criterion in robust decision
  making, Lempert, Popper & Bankes 2003), with the share of worlds in which each is the best
  and the share in which the whole ranking holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import permutations

import numpy as np
import pandas as pd

from socialsim.kpis import better

__all__ = ["advantage", "directions_of", "regrets", "wilson", "win_shares", "world_means"]

CONFIDENCE = 0.95


def world_means(runs: pd.DataFrame, kpis: Sequence[str]) -> pd.DataFrame:
    """Each world's value of each KPI for each strategy: the mean over its replicates.

    A KPI undefined (NaN) in any replicate is undefined for the world.

    Parameters
    ----------
    runs : pandas.DataFrame
        One row per run: ``world``, ``strategy``, ``replicate`` and the KPI columns.
    kpis : sequence of str
        The KPI columns.

    Returns
    -------
    pandas.DataFrame
        ``world``, ``strategy`` and the KPIs, one row per world and strategy (strategies in
        the order they first appear).

    Examples
    --------
    >>> runs = pd.DataFrame({"world": [0, 0, 0, 0], "strategy": ["a", "a", "b", "b"],
    ...                      "replicate": [0, 1, 0, 1], "nps": [1.0, 3.0, 5.0, np.nan]})
    >>> world_means(runs, ["nps"]).to_dict("list")
    {'world': [0, 0], 'strategy': ['a', 'b'], 'nps': [2.0, nan]}
    """
    kpis = list(kpis)
    order = pd.Categorical(runs["strategy"], categories=pd.unique(runs["strategy"]))
    keys = [runs["world"].rename("world"), pd.Series(order, index=runs.index, name="strategy")]
    means = runs[kpis].groupby(keys, observed=True).mean()
    means = means.mask(runs[kpis].isna().groupby(keys, observed=True).any()).reset_index()
    means["strategy"] = means["strategy"].astype(object)
    return means


def directions_of(
    kpis: Sequence[str], directions: Mapping[str, int] | None = None
) -> dict[str, int]:
    """Each KPI's better direction (+1 higher, -1 lower), neutral ones (0) left out."""
    found = {kpi: (directions or {}).get(kpi, None) for kpi in kpis}
    found = {kpi: better(kpi) if d is None else d for kpi, d in found.items()}
    return {kpi: d for kpi, d in found.items() if d}


def advantage(
    means: pd.DataFrame, strategy: str, versus: str, kpi: str, direction: int | None = None
) -> pd.Series:
    """How much better ``strategy`` does than ``versus`` in each world, in the KPI's unit.

    Positive when ``strategy`` is better (higher for a KPI better when higher, lower for one
    better when lower). Indexed by world.

    >>> means = pd.DataFrame({"world": [0, 0, 1, 1], "strategy": ["a", "b", "a", "b"],
    ...                       "churn_rate": [5.0, 4.0, 3.0, 4.5]})
    >>> advantage(means, "b", "a", "churn_rate").tolist()
    [1.0, -1.5]
    """
    direction = better(kpi) if direction is None else direction
    wide = means.pivot(index="world", columns="strategy", values=kpi)
    return (direction * (wide[strategy] - wide[versus])).rename(f"{strategy} - {versus}")


def wilson(wins: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a share ``wins / n`` (NaN, NaN when ``n`` is 0).

    >>> [round(x, 3) for x in wilson(7, 10)]
    [0.397, 0.892]
    """
    if n == 0:
        return float("nan"), float("nan")
    from scipy import stats  # here: importing socialsim should not pay for scipy.stats

    interval = stats.binomtest(int(wins), int(n)).proportion_ci(confidence, method="wilson")
    return float(interval.low), float(interval.high)


def win_shares(
    means: pd.DataFrame,
    kpis: Sequence[str],
    *,
    directions: Mapping[str, int] | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """For each KPI and ordered pair of strategies, the share of worlds the first one wins.

    Parameters
    ----------
    means : pandas.DataFrame
        :func:`world_means`.
    kpis : sequence of str
        KPIs to compare; those without a better direction are left out.
    directions : mapping of str to int, optional
        +1 or -1 per KPI instead of the declared :func:`~socialsim.kpis.better`.
    confidence : float, default 0.95
        Level of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        ``kpi``, ``strategy``, ``versus``, ``worlds`` (where both are defined), ``wins``,
        ``losses``, ``ties``, ``share`` (wins / worlds), ``low``, ``high``.

    Examples
    --------
    >>> means = pd.DataFrame({"world": [0, 0, 1, 1, 2, 2], "strategy": ["a", "b"] * 3,
    ...                       "nps": [1.0, 2.0, 3.0, 2.0, 5.0, 6.0]})
    >>> win_shares(means, ["nps"])[["strategy", "versus", "wins", "losses", "share"]].round(3).values.tolist()
    [['a', 'b', 1, 2, 0.333], ['b', 'a', 2, 1, 0.667]]
    """
    rows = []
    strategies = list(pd.unique(means["strategy"]))
    for kpi, direction in directions_of(kpis, directions).items():
        for strategy, versus in permutations(strategies, 2):
            edge = advantage(means, strategy, versus, kpi, direction).dropna()
            wins, losses = int((edge > 0).sum()), int((edge < 0).sum())
            low, high = wilson(wins, len(edge), confidence)
            rows.append(
                {
                    "kpi": kpi,
                    "strategy": strategy,
                    "versus": versus,
                    "worlds": len(edge),
                    "wins": wins,
                    "losses": losses,
                    "ties": len(edge) - wins - losses,
                    "share": wins / len(edge) if len(edge) else float("nan"),
                    "low": low,
                    "high": high,
                }
            )
    return pd.DataFrame(rows, columns=_WIN_COLUMNS)


_WIN_COLUMNS = [
    "kpi",
    "strategy",
    "versus",
    "worlds",
    "wins",
    "losses",
    "ties",
    "share",
    "low",
    "high",
]


def regrets(
    means: pd.DataFrame,
    kpis: Sequence[str],
    *,
    directions: Mapping[str, int] | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Each strategy's regret across worlds, and the ranking it gives, per KPI.

    A strategy's regret in a world is the best strategy's value minus its own (for a KPI
    better when lower, its own minus the best), so 0 for the world's best. Strategies are
    ranked by mean regret, then by worst regret (equal ones share a rank); a world whose own
    order agrees with that
    ranking (each strategy at least as good as every one ranked below it) is one where the
    ranking holds. Worlds where any strategy's KPI is undefined are left out.

    Returns
    -------
    pandas.DataFrame
        ``kpi``, ``strategy``, ``rank``, ``mean_regret``, ``worst_regret``, ``best_share``
        (share of worlds in which it is best, ties included) with ``best_low`` and
        ``best_high`` (Wilson), ``worlds`` and ``ranking_holds`` (same for every strategy of
        a KPI).

    Examples
    --------
    >>> means = pd.DataFrame({"world": [0, 0, 1, 1, 2, 2], "strategy": ["a", "b"] * 3,
    ...                       "nps": [1.0, 2.0, 3.0, 2.0, 5.0, 6.0]})
    >>> regrets(means, ["nps"])[["strategy", "rank", "mean_regret", "worst_regret"]].values.tolist()
    [['b', 1, 0.3333333333333333, 1.0], ['a', 2, 0.6666666666666666, 1.0]]
    """
    rows = []
    for kpi, direction in directions_of(kpis, directions).items():
        wide = means.pivot(index="world", columns="strategy", values=kpi).dropna()
        wide = wide[list(pd.unique(means["strategy"]))] * direction
        regret = wide.max(axis=1).to_numpy()[:, None] - wide.to_numpy()
        table = pd.DataFrame(
            {
                "kpi": kpi,
                "strategy": wide.columns,
                "mean_regret": regret.mean(axis=0) if len(wide) else np.nan,
                "worst_regret": regret.max(axis=0) if len(wide) else np.nan,
            }
        )
        order = table.sort_values(["mean_regret", "worst_regret"], kind="stable").index
        key = list(zip(table["mean_regret"], table["worst_regret"], strict=True))
        table["rank"] = [1 + sum(other < mine for other in key) for mine in key]  # ties share
        best = (regret == 0).sum(axis=0)
        intervals = [wilson(int(b), len(wide), confidence) for b in best]
        table["best_share"] = best / len(wide) if len(wide) else np.nan
        table["best_low"] = [low for low, _ in intervals]
        table["best_high"] = [high for _, high in intervals]
        ranked = wide[list(table.loc[order, "strategy"])].to_numpy()
        holds = (np.diff(ranked, axis=1) <= 0).all(axis=1)
        table["worlds"] = len(wide)
        table["ranking_holds"] = holds.mean() if len(wide) else np.nan
        rows.append(table.loc[order])
    columns = ["kpi", "strategy", "rank", "mean_regret", "worst_regret", "best_share"]
    columns += ["best_low", "best_high", "worlds", "ranking_holds"]
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.concat(rows, ignore_index=True)[columns]
