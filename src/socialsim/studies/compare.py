"""Compare strategies before using them live: paired runs, honest uncertainty, a forwardable report.

Every strategy runs on the same replicates: replicate ``r`` of every strategy gets the seed
``SeedSequence(seed).spawn(replicates)[r]``, and inside a run each purpose (graph, experiences,
word of mouth, listening ...) draws from its own child stream (:mod:`socialsim.streams`). The
graph, the fans and their experiences are therefore the same for every strategy of a replicate,
and the difference between two strategies is the strategy, not luck (common random numbers;
Law 2015, §11.2). Differences are paired by replicate: their confidence intervals come from a
one-sample t test on the per-replicate differences, which is much tighter than comparing two
independent means.
"""

from __future__ import annotations

import base64
import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats
from tqdm.auto import tqdm

from socialsim.brand.policies.protocol import describe
from socialsim.kpis import better, per_run
from socialsim.model import EngagementModel
from socialsim.scenario import Scenario
from socialsim.studies.experiment import Experiment

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Comparison", "compare"]

CONFIDENCE = 0.95


def _run(scenario: Scenario, seed: np.random.SeedSequence) -> tuple[pd.DataFrame, dict]:
    """One run's daily KPIs, and the record of the policy it followed."""
    model = EngagementModel(scenario, rng=seed)
    model.run()
    return model.kpis(), describe(model.policy)


def compare(
    experiment: Experiment, *, replicates: int | None = None, jobs: int = 1, progress: bool = True
) -> Comparison:
    """Run every strategy of an experiment on the same replicates.

    Parameters
    ----------
    experiment : Experiment
        The strategies, base scenario, seed and KPIs.
    replicates : int, optional
        Override the experiment's number of replicates.
    jobs : int, default 1
        Parallel processes (``-1``: one per CPU).
    progress : bool, default True
        Show a progress bar with runs done and time left.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> from socialsim.studies.experiment import Experiment
    >>> from socialsim.scenario import Scenario
    >>> e = Experiment(
    ...     {"ignore": {"policy.name": "ignore"}, "answer": {"policy.name": "negatives-first"}},
    ...     base=Scenario().replace({"graph.n": 400}), days=10, replicates=3, kpis=("nps", "churned"))
    >>> result = compare(e, progress=False)
    >>> result.summary()[["strategy", "kpi"]].head(2).values.tolist()
    [['ignore', 'nps'], ['ignore', 'churned']]
    """
    if replicates is not None:
        experiment = experiment.with_replicates(replicates)
    seeds = np.random.SeedSequence(experiment.seed).spawn(experiment.replicates)
    tasks = [(name, r) for name in experiment.strategies for r in range(experiment.replicates)]
    scenarios = {name: experiment.scenario(name) for name in experiment.strategies}
    if jobs != -1 and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(
            f"The 'jobs' parameter must be an int >= 1 or -1 (one per CPU). Got {jobs!r} instead."
        )
    workers = (os.cpu_count() or 1) if jobs == -1 else jobs
    bar = tqdm(total=len(tasks), desc="runs", unit="run", disable=not progress)
    frames: dict[tuple[str, int], pd.DataFrame] = {}
    policies: dict[str, dict] = {}
    if workers == 1:
        for name, r in tasks:
            frames[name, r], policies[name] = _run(scenarios[name], seeds[r])
            bar.update()
    else:
        # forkserver: forking a process that runs threads (BLAS, tqdm) can deadlock the child
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("forkserver")
        ) as pool:
            futures = {(name, r): pool.submit(_run, scenarios[name], seeds[r]) for name, r in tasks}
            for key, future in futures.items():
                frames[key], policies[key[0]] = future.result()
                bar.update()
    bar.close()
    daily = pd.concat(
        [frame.assign(strategy=name, replicate=r) for (name, r), frame in frames.items()],
        ignore_index=True,
    )
    front = ["strategy", "replicate", "day"]
    return Comparison(
        experiment, daily[front + [c for c in daily.columns if c not in front]], policies
    )


class Comparison:
    """The results of :func:`compare`: tidy data, statistics, figures and a report.

    Attributes
    ----------
    experiment : Experiment
        What was compared.
    daily : pandas.DataFrame
        One row per strategy, replicate and day, with every KPI.
    policies : dict of str to dict
        Each strategy's policy record (:func:`socialsim.brand.policies.describe`): its name,
        class and parameters.
    """

    def __init__(
        self, experiment: Experiment, daily: pd.DataFrame, policies: dict[str, dict] | None = None
    ) -> None:
        self.experiment = experiment
        self.daily = daily
        self.policies = policies or {}

    # ------------------------------------------------------------------ numbers
    def per_run(self) -> pd.DataFrame:
        """One row per strategy and replicate: each KPI summed up over the run.

        Levels (fans, NPS, backlog ...) are taken on the last day, flows (complaints, cost ...)
        are totals over the run, response times are means of the daily values. ``policy`` is
        the name of the policy the strategy followed.
        """
        rows = [
            per_run(frame).rename(None).to_frame().T.assign(strategy=name, replicate=r)
            for (name, r), frame in self.daily.groupby(["strategy", "replicate"], sort=False)
        ]
        table = pd.concat(rows, ignore_index=True)
        table["policy"] = table["strategy"].map(lambda s: self.policies.get(s, {}).get("name"))
        front = ("strategy", "replicate", "policy")
        return table[[*front, *[c for c in table.columns if c not in front]]]

    def summary(self) -> pd.DataFrame:
        """Each KPI's mean and 95% confidence interval per strategy (t interval over replicates)."""
        runs = self.per_run()
        rows = []
        for name in self.experiment.strategies:
            mine = runs[runs["strategy"] == name]
            for kpi in self.experiment.kpis:
                mean, low, high = _mean_interval(mine[kpi].to_numpy())
                rows.append(
                    {"strategy": name, "kpi": kpi, "mean": mean, "ci_low": low, "ci_high": high}
                )
        return pd.DataFrame(rows)

    def differences(self) -> pd.DataFrame:
        """Paired differences against the baseline: mean, 95% interval, p-value, and a ranking.

        ``rank`` orders the strategies for each KPI from best to worst for the brand (by
        :func:`socialsim.kpis.better`, or from highest to lowest for a KPI that is neither
        good nor bad); a strategy whose paired difference with the best one has an interval
        containing 0 shares rank 1 and is marked ``tied_with_best``: the replicates cannot
        tell it from the best.
        """
        runs = self.per_run().set_index(["strategy", "replicate"])
        base = self.experiment.baseline
        rows = []
        for kpi in self.experiment.kpis:
            values = runs[kpi].unstack("strategy")
            means = values.mean()
            direction = better(kpi) or 1
            order = sorted(self.experiment.strategies, key=lambda s: -direction * means[s])
            best = order[0]
            for name in self.experiment.strategies:
                mean, low, high, p = _paired(values[name] - values[base])
                _, tie_low, tie_high, _ = _paired(values[name] - values[best])
                rows.append(
                    {
                        "strategy": name,
                        "kpi": kpi,
                        "difference": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "p_value": p,
                        "rank": order.index(name) + 1,
                        "tied_with_best": name != best and bool(tie_low <= 0 <= tie_high),
                    }
                )
        table = pd.DataFrame(rows)
        table.loc[table["tied_with_best"], "rank"] = 1
        return table

    # ------------------------------------------------------------------ figures
    def plot(self, kpis: tuple[str, ...] | None = None) -> Figure:
        """KPI trajectories: the mean over replicates with a 95% band, one line per strategy."""
        import matplotlib.pyplot as plt  # here, not at the top: pool workers need no pyplot

        kpis = kpis or self.experiment.kpis
        columns = min(3, len(kpis))
        rows = -(-len(kpis) // columns)
        fig, axes = plt.subplots(
            rows, columns, figsize=(4.2 * columns, 3.2 * rows), squeeze=False, layout="constrained"
        )
        for ax, kpi in zip(axes.flat, kpis, strict=False):
            for name, group in self.daily.groupby("strategy", sort=False):
                by_day = group.groupby("day")[kpi]
                mean, sem, n = by_day.mean(), by_day.sem(), by_day.count()
                half = sem * stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(n - 1, 1))
                ax.plot(mean.index, mean, label=name)
                ax.fill_between(mean.index, mean - half.fillna(0), mean + half.fillna(0), alpha=0.2)
            ax.set_title(kpi.replace("_", " "))
            ax.set_xlabel("day")
            ax.grid(alpha=0.3)
        for ax in axes.flat[len(kpis) :]:
            ax.set_visible(False)
        axes.flat[0].legend(frameon=False, fontsize="small")
        return fig

    def plot_differences(self) -> Figure:
        """Forest plot: each strategy's paired difference from the baseline, with its 95% interval."""
        import matplotlib.pyplot as plt

        table = self.differences()
        table = table[table["strategy"] != self.experiment.baseline]
        kpis = self.experiment.kpis
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
        fig.suptitle(f"Difference from '{self.experiment.baseline}' (paired, 95% CI)")
        return fig

    # ------------------------------------------------------------------ output
    def save(self, out: str | Path) -> dict[str, Path]:
        """Write the tidy results (Parquet and CSV), the tables, the figures and the report."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = {
            "daily_parquet": out / "daily.parquet",
            "daily_csv": out / "daily.csv",
            "runs_csv": out / "runs.csv",
            "summary_csv": out / "summary.csv",
            "differences_csv": out / "differences.csv",
        }
        self.daily.to_parquet(paths["daily_parquet"], index=False)
        self.daily.to_csv(paths["daily_csv"], index=False)
        self.per_run().to_csv(paths["runs_csv"], index=False)
        self.summary().to_csv(paths["summary_csv"], index=False)
        self.differences().to_csv(paths["differences_csv"], index=False)
        paths.update(self.report(out / "report"))
        return paths

    def report(self, path: str | Path) -> dict[str, Path]:
        """A self-contained report, ``path.md`` and ``path.html`` (figures embedded in the HTML).

        The Markdown refers to ``path_trajectories.png`` and ``path_differences.png``, written
        beside it; the HTML carries the figures inside, so it can be forwarded alone.
        """
        import matplotlib.pyplot as plt

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        figures = {"trajectories": self.plot(), "differences": self.plot_differences()}
        encoded = {}
        for name, fig in figures.items():
            fig.savefig(path.parent / f"{path.name}_{name}.png", dpi=110)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=110)
            encoded[name] = base64.b64encode(buffer.getvalue()).decode()
            plt.close(fig)
        e = self.experiment
        summary = self.summary()
        summary["mean (95% CI)"] = [
            f"{m:,.2f} [{lo:,.2f}, {hi:,.2f}]"
            for m, lo, hi in summary[["mean", "ci_low", "ci_high"]].to_numpy()
        ]
        wide = summary.pivot(index="strategy", columns="kpi", values="mean (95% CI)").loc[
            list(e.strategies), list(e.kpis)
        ]
        diffs = self.differences()
        diffs["difference (95% CI)"] = [
            f"{d:+,.2f} [{lo:+,.2f}, {hi:+,.2f}]"
            for d, lo, hi in diffs[["difference", "ci_low", "ci_high"]].to_numpy()
        ]
        diffs["p"] = diffs["p_value"].map(lambda p: "–" if np.isnan(p) else f"{p:.3g}")
        diffs["rank"] = [
            f"{r}{' (tied)' if t else ''}" for r, t in diffs[["rank", "tied_with_best"]].to_numpy()
        ]
        shown = diffs[["kpi", "strategy", "difference (95% CI)", "p", "rank"]]
        intro = [
            f"# {e.name}",
            "",
            e.question,
            "",
            f"{len(e.strategies)} strategies, {e.replicates} paired replicates each (common random numbers, "
            f"seed {e.seed}), {int(self.daily['day'].max())} days. Baseline: **{e.baseline}**. "
            "Policies: "
            + ", ".join(f"{s} = {self.policies.get(s, {}).get('name', '?')}" for s in e.strategies)
            + ".",
            "",
            "Levels (fans, NPS ...) are read on the last day; flows (complaints, cost ...) are totals over the "
            "run; intervals are 95% t intervals over replicates. Differences are paired by replicate. "
            "Rank 1 (tied) means the replicates cannot tell the strategy from the best one.",
        ]
        markdown = "\n".join(
            [
                *intro,
                "",
                "## KPIs by strategy",
                "",
                wide.to_markdown(),
                "",
                f"## Difference from {e.baseline}",
                "",
                shown.to_markdown(index=False),
                "",
                f"![trajectories]({path.name}_trajectories.png)",
                "",
                f"![differences]({path.name}_differences.png)",
                "",
            ]
        )
        html = "\n".join(
            [
                "<!doctype html><html><head><meta charset='utf-8'>",
                f"<title>{e.name}</title>",
                "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;}"
                "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;padding:3px 8px}</style>",
                "</head><body>",
                f"<h1>{e.name}</h1><p>{e.question}</p><p>{intro[4]}</p><p>{intro[6]}</p>",
                "<h2>KPIs by strategy</h2>",
                wide.to_html(),
                f"<h2>Difference from {e.baseline}</h2>",
                shown.to_html(index=False),
                *(
                    f"<p><img alt='{n}' src='data:image/png;base64,{b}' style='max-width:100%'></p>"
                    for n, b in encoded.items()
                ),
                "</body></html>",
            ]
        )
        md_path, html_path = path.with_suffix(".md"), path.with_suffix(".html")
        md_path.write_text(markdown, encoding="utf-8")
        html_path.write_text(html, encoding="utf-8")
        return {"report_md": md_path, "report_html": html_path}


def _mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    mean = float(np.mean(values))
    if values.size < 2 or np.ptp(values) == 0:
        return mean, mean, mean
    low, high = stats.ttest_1samp(values, mean).confidence_interval(CONFIDENCE)
    return mean, float(low), float(high)


def _paired(difference: pd.Series) -> tuple[float, float, float, float]:
    """Mean of paired differences, its 95% interval and the p-value of 'no difference'."""
    values = difference.to_numpy(dtype=np.float64)
    mean = float(values.mean())
    if values.size < 2 or np.ptp(values) == 0:  # identical runs: the difference is known exactly
        return mean, mean, mean, (1.0 if mean == 0 else 0.0)
    test = stats.ttest_1samp(values, 0.0)
    low, high = test.confidence_interval(CONFIDENCE)
    return mean, float(low), float(high), float(test.pvalue)
