"""Robust comparison: every strategy in many plausible worlds, and which one wins across them.

A comparison's intervals cover simulation noise only: they hold for one setting of about a
hundred assumptions nobody has measured. A robust comparison draws ``N`` plausible worlds
from the assumptions' priors (:mod:`socialsim.studies.worlds`), runs every strategy in each
world on the same ``R`` replicates (common random numbers: replicate ``r`` of every world and
strategy has the seed ``SeedSequence(seed).spawn(R)[r]``), and asks, per KPI, in what share of
worlds each strategy beats each other one, how much each can lose against the best one
(regret, :mod:`socialsim.studies.wins`), and under which assumptions the answer flips
(scenario discovery, :mod:`socialsim.studies.discovery`). This is exploratory modelling in the
sense of Bankes (1993) and robust decision making (Lempert, Popper & Bankes 2003).

It is one study (:class:`~socialsim.studies.runner.Study`) of ``N × strategies`` points ×
``R`` replicates in one resumable results store, run on a process pool or a Dask cluster like
any comparison or sweep; a world is a factor level, and the store's runs carry each world's
assumptions as factor columns.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

import pandas as pd

from socialsim.assumptions import LogUniform, Triangular, Uniform, role
from socialsim.constraints import ConfigError
from socialsim.kpis import per_run
from socialsim.scenario import PARAMETERS, flatten_keys
from socialsim.studies import compare as comparison
from socialsim.studies.answer import counted
from socialsim.studies.designs import Design, Levels, python_rows
from socialsim.studies.experiment import Experiment
from socialsim.studies.runner import RunOptions, Study, run_study
from socialsim.studies.store import ResultsStore
from socialsim.studies.sweeps import Run
from socialsim.studies.wins import directions_of, regrets, win_shares, world_means
from socialsim.studies.worlds import check_posterior_keys, draw_worlds, held, read_posterior

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["RobustComparison", "robust_compare", "study"]


def study(
    experiment: Experiment,
    worlds: int,
    *,
    priors: str | Path | pd.DataFrame | None = None,
    hold: Sequence[str] = (),
) -> Study:
    """An experiment across plausible worlds as one study: worlds × strategies × replicates.

    Parameters
    ----------
    experiment : Experiment
        The strategies, base scenario, replicates, seed and KPIs.
    worlds : int
        Plausible worlds to draw (:func:`~socialsim.studies.worlds.draw_worlds`), seeded by
        the experiment's seed.
    priors : str, Path or pandas.DataFrame, optional
        Posterior draws that replace the priors of the assumptions they cover.
    hold : sequence of str, optional
        Assumptions kept at the base scenario's value. Those a strategy sets are always kept
        as the strategies set them: they are what is compared.

    Returns
    -------
    Study
        Of kind ``"robust"``; run it with :func:`~socialsim.studies.runner.run_study`.

    Raises
    ------
    ConfigError
        A single strategy, a bad number of worlds, held key or posterior, or a world whose
        scenario is invalid.

    Examples
    --------
    >>> e = Experiment({"a": {}, "b": {"team.staff": 4}}, replicates=2, seed=5)
    >>> s = study(e, 3)
    >>> len(s.runs), s.runs[7].run_id, s.runs[7].values["world"], s.runs[7].spawn_key
    (12, 'p000001-r01', 0, (1,))
    """
    nominal = comparison.study(experiment)  # its checks first, before worlds are drawn
    fixed = {
        key: f"strategy '{name}'"
        for name, o in experiment.strategies.items()
        for key in flatten_keys(o)
    }
    posterior = None if priors is None else read_posterior(priors)
    if posterior is not None:
        check_posterior_keys(posterior, fixed)
    compared = [  # a policy object ("policy") is no parameter: it has no prior
        key
        for key in fixed
        if key in PARAMETERS and isinstance(role(key), Uniform | LogUniform | Triangular)
    ]
    drawn = draw_worlds(
        experiment.base,
        worlds,
        experiment.seed,
        hold=(*held(hold), *compared),
        posterior=posterior,
    )
    names = list(experiment.strategies)
    rows = python_rows(drawn.values)
    keys = list(drawn.values.columns)
    points = [(w, name, row) for w, row in enumerate(rows) for name in names]
    values = pd.DataFrame(
        {
            "world": [w for w, _, _ in points],
            "strategy": [name for _, name, _ in points],
            **{key: [row[j] for _, _, row in points] for j, key in enumerate(keys)},
        }
    ).astype(dict(drawn.values.dtypes))
    factors = {"world": Levels(tuple(range(drawn.n))), "strategy": Levels(tuple(names))}
    factors.update({key: Levels(tuple(sorted(set(values[key].tolist())))) for key in keys})
    overrides = []
    for w, name, row in points:
        try:
            scenario = experiment.scenario(name).replace(dict(zip(keys, row, strict=True)))
        except ConfigError as error:
            where = f"(in plausible world {w}, strategy '{name}'; hold it or change the base)"
            raise ConfigError(error.key, error.value, error.allowed, where) from None
        overrides.append(comparison.strategy_overrides(scenario))  # its policy object too
    runs = [
        Run(
            f"p{point:06d}-r{r:02d}",
            point,
            r,
            dict(zip(values.columns, vals, strict=True)),
            experiment.seed,
            (r,),
        )
        for r in range(experiment.replicates)  # whole replicates first
        for point, vals in enumerate(python_rows(values))
    ]
    return Study(
        kind="robust",
        spec={**nominal.spec, "worlds": drawn.to_dict()},
        design=Design("worlds", factors, values),
        runs=runs,
        base=experiment.base,
        overrides=overrides,
        kpis=nominal.kpis,
        trajectories=nominal.trajectories,
    )


def robust_compare(
    experiment: Experiment,
    worlds: int,
    *,
    out: str | Path | None = None,
    priors: str | Path | pd.DataFrame | None = None,
    hold: Sequence[str] = (),
    **options: Unpack[RunOptions],
) -> RobustComparison:
    """Run every strategy of an experiment in ``worlds`` plausible worlds, resumably.

    Parameters
    ----------
    experiment : Experiment
        What to compare; its replicates and seed are used in every world.
    worlds : int
        Plausible worlds to draw.
    out : str or Path, optional
        The results store (new, or that of this same robust comparison, which is then
        completed); a temporary one without it.
    priors, hold
        As for :func:`study`.
    **options
        ``executor``, ``jobs``, ``retry_failed``, ``progress``, ``max_pending``: as for
        :func:`~socialsim.studies.runner.run_study`.

    Returns
    -------
    RobustComparison

    Examples
    --------
    >>> from socialsim.scenario import Scenario
    >>> e = Experiment({"ignore": {"policy.name": "ignore"}, "answer": {"policy.name": "negatives-first"}},
    ...                base=Scenario().replace({"graph.n": 200}), days=5, replicates=1, kpis=("nps",))
    >>> robust = robust_compare(e, 3, jobs=1, progress=False)
    >>> robust.wins()[["kpi", "strategy", "versus", "worlds"]].values.tolist()
    [['nps', 'ignore', 'answer', 3], ['nps', 'answer', 'ignore', 3]]
    """
    plan = study(experiment, worlds, priors=priors, hold=hold)
    with contextlib.ExitStack() as stack:
        if out is None:
            out = stack.enter_context(tempfile.TemporaryDirectory(prefix="socialsim-robust-"))
        report = run_study(plan, out, **options)
        return RobustComparison.from_store(experiment, report.store)


class RobustComparison:
    """The strategies of an experiment across plausible worlds: runs, wins, regret, flips.

    Attributes
    ----------
    experiment : Experiment
        What was compared.
    worlds : pandas.DataFrame
        One row per world (``world``), one column per varied assumption.
    runs : pandas.DataFrame
        One row per world, strategy and replicate: the experiment's KPIs, summed up over the
        run (:func:`socialsim.kpis.per_run`).
    drawn : dict
        How the worlds were drawn: ``n``, ``seed``, ``priors``, ``posterior``, ``held``.
    """

    def __init__(
        self,
        experiment: Experiment,
        worlds: pd.DataFrame,
        runs: pd.DataFrame,
        drawn: dict[str, Any],
    ) -> None:
        self.experiment = experiment
        self.worlds = worlds
        self.runs = runs
        self.drawn = drawn

    @classmethod
    def from_store(cls, experiment: Experiment, store: ResultsStore) -> RobustComparison:
        """The robust comparison a store holds, which must hold every run, finished.

        Raises
        ------
        IncompleteComparison
            A run failed or is missing.
        """
        drawn = store.manifest["robust"]["worlds"]
        total = drawn["n"] * len(experiment.strategies) * experiment.replicates
        records = store.load()
        failed = records[records["status"] != "ok"]
        if len(failed) or len(records) < total:
            first = f"; the first: {failed['error'].iloc[0]}" if len(failed) else ""
            again = (
                "run it again with --retry-failed (retry_failed=True) once the cause is fixed"
                if len(failed)
                else "run the same robust analysis again to finish the rest"
            )
            raise comparison.IncompleteComparison(
                f"{len(records) - len(failed)} of {total} runs of '{experiment.name}' across "
                f"{drawn['n']} worlds finished and {len(failed)} failed{first}. Every run that "
                f"finished is stored in {store.path}; {again}."
            )
        points = store.design.values
        kpis = list(experiment.kpis)
        rows = [
            per_run(frame, kpis).rename(None).to_frame().T.assign(point=point, replicate=r)
            for (point, r), frame in store.trajectories().groupby(["point", "replicate"])
        ]
        runs = pd.concat(rows, ignore_index=True)
        runs = points[["world", "strategy"]].join(runs.set_index("point"), how="inner")
        runs = runs[["world", "strategy", "replicate", *kpis]]
        runs = runs.sort_values(["world", "replicate"], kind="stable").reset_index(drop=True)
        worlds = points.drop(columns="strategy").drop_duplicates("world").reset_index(drop=True)
        return cls(experiment, worlds, runs, drawn)

    @classmethod
    def load(cls, path: str | Path) -> RobustComparison:
        """Read back the robust comparison a results store holds (``OUT/robust``)."""
        store = ResultsStore(path)
        if store.kind != "robust":
            raise ConfigError(
                "store", str(path), "the store of a robust comparison", f"It holds a {store.kind}."
            )
        return cls.from_store(comparison.experiment_of(store.manifest["robust"]), store)

    # ------------------------------------------------------------------ numbers
    @property
    def n_worlds(self) -> int:
        return len(self.worlds)

    @property
    def varied(self) -> list[str]:
        """The assumptions the worlds vary."""
        return [c for c in self.worlds.columns if c != "world"]

    def means(self) -> pd.DataFrame:
        """Each world's KPIs per strategy: means over the replicates (the winner's basis)."""
        return world_means(self.runs, self.experiment.kpis)

    def wins(self) -> pd.DataFrame:
        """Per KPI and ordered pair of strategies, the share of worlds the first one wins
        (:func:`~socialsim.studies.wins.win_shares`)."""
        return win_shares(self.means(), self.experiment.kpis)

    def regret(self) -> pd.DataFrame:
        """Per KPI, each strategy's mean and worst regret and the robust ranking
        (:func:`~socialsim.studies.wins.regrets`)."""
        return regrets(self.means(), self.experiment.kpis)

    def headlines(self) -> list[tuple[str, str, str]]:
        """The comparisons scenario discovery explains: each strategy against the baseline on
        the experiment's first KPI that has a better direction, and on net value if kept."""
        directional = list(directions_of(self.experiment.kpis))
        kpis = directional[:1] + [k for k in ("net_value",) if k in directional[1:]]
        base = self.experiment.baseline
        names = [s for s in self.experiment.strategies if s != base]
        return [(name, base, kpi) for kpi in kpis for name in names]

    def flips(self) -> pd.DataFrame:
        """Where each headline answer flips: a PRIM box per headline comparison, one row per
        restricted assumption (:func:`~socialsim.studies.flips.flip_boxes`)."""
        from socialsim.studies.flips import flip_boxes

        return flip_boxes(self.means(), self.worlds, self.headlines())

    def sensitivity(self) -> pd.DataFrame:
        """Spearman rank correlation of each headline advantage with each assumption
        (:func:`~socialsim.studies.flips.rank_sensitivity`)."""
        from socialsim.studies.flips import rank_sensitivity

        return rank_sensitivity(self.means(), self.worlds, self.headlines())

    def headline(self) -> str:
        """One sentence on how robust the answer on the first KPI is, from the numbers.

        The answer is the robust ranking's first strategy (least mean regret) against the
        baseline, or, when that is the baseline, the baseline against the runner-up.
        """
        ranking = self.regret()
        if ranking.empty:
            return "No KPI of this experiment has a better direction to rank strategies by."
        kpi = ranking["kpi"].iloc[0]
        ranked = ranking[ranking["kpi"] == kpi]
        top = ranked.iloc[0]
        other = self.experiment.baseline if top.strategy != self.experiment.baseline else None
        if other is None:
            other = ranked["strategy"].iloc[1] if len(ranked) > 1 else top.strategy
        wins = self.wins()
        pair = wins[(wins["kpi"] == kpi) & (wins["strategy"] == top.strategy)]
        pair = pair[pair["versus"] == other].iloc[0]
        return (
            f"On {kpi}, {top.strategy} beats {other} in {pair.share:.0%} of "
            f"{counted(pair.worlds, 'plausible worlds')} (95% interval {pair.low:.0%}–{pair.high:.0%}), and is the best "
            f"of the {len(ranked)} strategies in {top.best_share:.0%} of them; its regret (how "
            f"far it falls short of each world's best) is {top.mean_regret:.3g} on average and "
            f"{top.worst_regret:.3g} at worst."
        )

    # ------------------------------------------------------------------ output
    def plot_sensitivity(self) -> Figure:
        """Rank correlations of each headline advantage with the assumptions that matter."""
        from socialsim.studies.flips import plot_rank_sensitivity

        return plot_rank_sensitivity(self.sensitivity())

    def save(self, out: str | Path) -> dict[str, Path]:
        """Write the worlds, runs and every table as Parquet and CSV, and the figure."""
        import matplotlib.pyplot as plt

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        tables = {
            "worlds": self.worlds,
            "runs": self.runs,
            "wins": self.wins(),
            "regret": self.regret(),
            "flips": self.flips(),
            "sensitivity": self.sensitivity(),
        }
        paths: dict[str, Path] = {}
        for name, table in tables.items():
            paths[f"robust_{name}_parquet"] = out / f"{name}.parquet"
            table.to_parquet(out / f"{name}.parquet", index=False)
            if name != "runs":
                paths[f"robust_{name}_csv"] = out / f"{name}.csv"
                table.to_csv(out / f"{name}.csv", index=False)
        figure = self.plot_sensitivity()
        paths["robust_sensitivity_png"] = out / "sensitivity.png"
        figure.savefig(paths["robust_sensitivity_png"], dpi=110)
        plt.close(figure)
        return paths
