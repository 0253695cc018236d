"""Compare strategies before using them live: paired runs, honest uncertainty, a forwardable report.

A comparison is a study with one factor, the strategy, and common seeds: it runs on the same
runner and into the same resumable results store as a sweep (:mod:`socialsim.studies.runner`),
so each finished (strategy, replicate) is stored as it completes, an interrupted comparison
resumes where it stopped, and it runs on a process pool or a Dask cluster alike.

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

import contextlib
import json
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from socialsim.brand.policies.protocol import describe
from socialsim.constraints import ConfigError
from socialsim.kpis import DECLARED, better, per_run
from socialsim.scenario import Scenario
from socialsim.studies.designs import make_design
from socialsim.studies.experiment import Experiment
from socialsim.studies.paired import CONFIDENCE, holm, mean_interval, paired
from socialsim.studies.runner import Study, check_options, open_store, run_study
from socialsim.studies.store import ResultsStore
from socialsim.studies.sweeps import Run

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from socialsim.studies.report import Robustness
    from socialsim.studies.robust import RobustComparison

__all__ = ["CONFIDENCE", "Comparison", "IncompleteComparison", "compare", "experiment_of", "study"]


COMMAND = "command.txt"
"""The file of a comparison's folder that keeps what ``socialsim compare`` was given."""


class IncompleteComparison(RuntimeError):
    """Some runs of a comparison failed, so its strategies cannot be compared on every replicate."""


def study(experiment: Experiment) -> Study:
    """An experiment as a study: one factor, the strategy, and common seeds.

    :func:`~socialsim.studies.runner.run_study` runs it into a store (what :func:`compare`
    does), :meth:`Comparison.load` reads it back.

    Raises
    ------
    ConfigError
        A seed the store cannot keep, or a single strategy: nothing to compare it with.

    Examples
    --------
    >>> e = Experiment({"a": {}, "b": {"team.staff": 4}}, replicates=2, seed=5)
    >>> [(r.run_id, r.values["strategy"], r.spawn_key) for r in study(e).runs]
    [('p000000-r00', 'a', (0,)), ('p000001-r00', 'b', (0,)), ('p000000-r01', 'a', (1,)), ('p000001-r01', 'b', (1,))]
    >>> study(Experiment({"a": {}}))
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'strategies' parameter must be at least two strategies to compare. Got ['a'] instead.
    """
    if experiment.seed >= 2**63:  # the store keeps seeds as int64
        raise ConfigError("experiment.seed", experiment.seed, "an int in [0, 2**63)")
    names = list(experiment.strategies)
    # Checked here, not by Experiment: one strategy is a valid experiment to look at (the
    # dashboard opens one), but compared with nothing it would run and report nothing.
    if len(names) < 2:
        raise ConfigError("strategies", names, "at least two strategies to compare")
    runs = [
        Run(f"p{point:06d}-r{r:02d}", point, r, {"strategy": name}, experiment.seed, (r,))
        for r in range(experiment.replicates)  # whole replicates first, as in a sweep
        for point, name in enumerate(names)
    ]
    return Study(
        kind="comparison",
        spec=_spec(experiment),
        design=make_design("grid", {"strategy": names}),
        runs=runs,
        base=experiment.base,
        # Every parameter of the strategy's scenario, so a worker rebuilds exactly it.
        overrides=[strategy_overrides(experiment.scenario(name)) for name in names],
        # Every declared KPI: the daily ones are kept day by day (value and costs priced with
        # each strategy's own parameters), so any KPI can be reported from the store later.
        kpis=tuple(DECLARED),
        trajectories=True,
    )


def compare(
    experiment: Experiment,
    *,
    replicates: int | None = None,
    jobs: int | None = None,
    out: str | Path | None = None,
    executor: Any = None,
    retry_failed: bool = False,
    progress: bool = True,
    robust: int | None = None,
    priors: str | Path | pd.DataFrame | None = None,
    hold: Sequence[str] = (),
) -> Comparison:
    """Run every strategy of an experiment on the same replicates.

    Parameters
    ----------
    experiment : Experiment
        The strategies, base scenario, seed and KPIs.
    replicates : int, optional
        Override the experiment's number of replicates.
    jobs : int, optional
        Worker processes; default every available core, ``1`` runs in this process.
    out : str or Path, optional
        A results store to run into and keep (new, or that of this same comparison, which is
        then completed); without it the runs are kept in a temporary one.
    executor : Executor-like, optional
        Run on it instead (a ``dask.distributed.Client``); see
        :func:`~socialsim.studies.runner.run_study`.
    retry_failed : bool, default False
        Run again the runs ``out`` holds as failed.
    progress : bool, default True
        Show a progress bar with runs done and time left.
    robust : int, optional
        Also run every strategy in this many plausible worlds, with the same replicates, and
        analyse which strategy wins across them (:mod:`socialsim.studies.robust`); the runs
        go to ``out/robust``, and the result to the comparison's ``robust`` attribute.
    priors : str, Path or pandas.DataFrame, optional
        With ``robust``: posterior draws (Parquet) to draw the worlds from instead of the
        declared priors (:func:`~socialsim.studies.worlds.read_posterior`).
    hold : sequence of str, optional
        With ``robust``: assumptions to keep at the base scenario's value in every world.

    Returns
    -------
    Comparison

    Raises
    ------
    IncompleteComparison
        A run failed (``out`` keeps it with its error, and every run that finished).
    ConfigError
        A bad setting, ``hold`` key or posterior, found before any run.

    Examples
    --------
    >>> from socialsim.scenario import Scenario
    >>> e = Experiment(
    ...     {"ignore": {"policy.name": "ignore"}, "answer": {"policy.name": "negatives-first"}},
    ...     base=Scenario().replace({"graph.n": 400}), days=10, replicates=3, kpis=("nps", "churned"))
    >>> result = compare(e, jobs=1, progress=False)
    >>> result.summary()[["strategy", "kpi"]].head(2).values.tolist()
    [['ignore', 'nps'], ['ignore', 'churned']]
    """
    if replicates is not None:
        experiment = experiment.with_replicates(replicates)
    if robust is None and (priors is not None or hold):
        raise ConfigError("robust", robust, "a number of worlds when priors or hold are given")
    if robust is not None:  # its worlds are drawn and checked before any run
        from socialsim.studies import robust as worlds_study

        plausible = worlds_study.study(experiment, robust, priors=priors, hold=hold)
    check_options(executor, jobs)  # before the store is made
    options = {"executor": executor, "jobs": jobs, "retry_failed": retry_failed}
    kept = None if out is None else Path(out)
    with contextlib.ExitStack() as stack:
        if out is None:
            out = stack.enter_context(tempfile.TemporaryDirectory(prefix="socialsim-compare-"))
        # The comparison's store is held until the robust runs are stored too: let go in
        # between, another comparison could take it and then the robust store before this one.
        runs = study(experiment)
        store = stack.enter_context(open_store(runs, out))
        report = run_study(runs, store, progress=progress, **options)
        result = Comparison.from_store(experiment, report.store)
        result.out = kept  # a temporary store is gone once this returns: no folder to name
        if robust is not None:
            ran = run_study(plausible, Path(out) / "robust", progress=progress, **options)
            result.robust = worlds_study.RobustComparison.from_store(experiment, ran.store)
        elif kept is not None:  # run again without robust=: what it analysed before stays
            result.robust = robust_kept_in(kept)
        return result


def robust_kept_in(path: Path) -> RobustComparison | None:
    """The robust comparison a comparison's folder holds (``path/robust``), or None: also when
    it is unfinished (stopped, or a run failed), which is said in a warning, not raised, since
    the comparison itself is complete."""
    if not (path / "robust" / "manifest.json").is_file():
        return None
    from socialsim.studies.robust import RobustComparison

    try:
        return RobustComparison.load(path / "robust")
    except IncompleteComparison as error:
        warnings.warn(
            f"{path / 'robust'} holds an unfinished robust analysis, left out of the report "
            f"({error}).",
            stacklevel=3,
        )
        return None


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
        class and parameters, as stored with its runs.
    robust : RobustComparison or None
        The strategies across plausible worlds, when the comparison ran them (``robust=N``).
    ran : str or None
        The experiment and options as the command line was given them, shell-quoted
        (``crisis.toml --set graph.n=2000 --days 60``): set by ``socialsim compare``, kept
        in the folder by :meth:`save` (``command.txt``) and read back by :meth:`load`; None
        from Python.
    out : Path or None
        The folder of the comparison's results store, when it has one that lasts (the ``out``
        of :func:`compare`, the folder :meth:`load` read).
    """

    def __init__(
        self, experiment: Experiment, daily: pd.DataFrame, policies: dict[str, dict] | None = None
    ) -> None:
        self.experiment = experiment
        self.daily = daily
        self.policies = policies or {}
        self.robust: RobustComparison | None = None
        self.ran: str | None = None
        self.out: Path | None = None

    @classmethod
    def from_store(cls, experiment: Experiment, store: ResultsStore) -> Comparison:
        """The comparison held by a results store, which must hold every run, finished.

        Raises
        ------
        IncompleteComparison
            A run failed or is missing.
        """
        runs = store.load()
        total = len(experiment.strategies) * experiment.replicates
        failed = runs[runs["status"] != "ok"]
        if len(failed) or len(runs) < total:
            first = f"; the first: {failed['error'].iloc[0]}" if len(failed) else ""
            raise IncompleteComparison(
                f"{len(runs) - len(failed)} of {total} runs of '{experiment.name}' finished and "
                f"{len(failed)} failed{first}. Every run that finished is stored in "
                f"{store.path}; run the comparison again with --retry-failed (retry_failed=True) "
                "once the cause is fixed."
            )
        daily = store.trajectories().drop(columns="run_id")
        names = dict(enumerate(experiment.strategies))
        daily.insert(0, "strategy", daily.pop("point").map(names))
        first = runs.sort_values("replicate").drop_duplicates("point")
        policies = {
            names[p]: json.loads(r) for p, r in zip(first["point"], first["policy"], strict=True)
        }
        return cls(experiment, daily.reset_index(drop=True), policies)

    @classmethod
    def load(cls, path: str | Path) -> Comparison:
        """Read back the comparison a results store holds (the ``--out`` of ``socialsim compare``).

        Examples
        --------
        >>> import tempfile
        >>> from socialsim.scenario import Scenario
        >>> e = Experiment({"a": {}, "b": {"team.staff": 3}}, base=Scenario().replace(
        ...     {"graph.n": 200}), days=4, replicates=2, kpis=("nps",))
        >>> out = tempfile.mkdtemp()
        >>> first = compare(e, out=out, jobs=1, progress=False)
        >>> Comparison.load(out).daily.equals(first.daily)
        True
        """
        store = ResultsStore(path)
        if store.kind != "comparison":
            raise ConfigError(
                "store", str(path), "the store of a comparison", f"It holds a {store.kind}."
            )
        result = cls.from_store(experiment_of(store.manifest["comparison"]), store)
        result.out = Path(path)
        if (Path(path) / COMMAND).is_file():
            result.ran = (Path(path) / COMMAND).read_text(encoding="utf-8").strip()
        result.robust = robust_kept_in(Path(path))
        return result

    # ------------------------------------------------------------------ numbers
    def per_run(self) -> pd.DataFrame:
        """One row per strategy and replicate: each KPI summed up over the run.

        As each KPI's declaration says (:func:`socialsim.kpis.per_run`): a level (fans, NPS)
        on the last day, a flow, cost or value as the total over the run, a rate as the ratio
        of its totals (churn rate = fans lost / fans exposed).
        """
        rows = [
            per_run(frame).rename(None).to_frame().T.assign(strategy=name, replicate=r)
            for (name, r), frame in self.daily.groupby(["strategy", "replicate"], sort=False)
        ]
        table = pd.concat(rows, ignore_index=True)
        table["policy"] = table["strategy"].map(lambda s: self.policies.get(s, {}).get("name"))
        front = ["strategy", "replicate", "policy"]
        return table[[*front, *[c for c in table.columns if c not in front]]]

    def summary(self) -> pd.DataFrame:
        """Each KPI's mean and 95% confidence interval per strategy (t interval over replicates)."""
        runs = self.per_run()
        rows = []
        for name in self.experiment.strategies:
            mine = runs[runs["strategy"] == name]
            for kpi in self.experiment.kpis:
                mean, low, high = mean_interval(mine[kpi].to_numpy())
                rows.append(
                    {"strategy": name, "kpi": kpi, "mean": mean, "ci_low": low, "ci_high": high}
                )
        return pd.DataFrame(rows)

    def differences(self) -> pd.DataFrame:
        """Paired differences against the baseline: mean, 95% interval, p-values, and a ranking.

        ``p_value`` is each paired t test's own; ``p_holm`` is adjusted for every test in the
        table (each strategy but the baseline, on each KPI) by Holm's method
        (:func:`~socialsim.studies.paired.holm`). The baseline's rows have no test (NaN).

        ``rank`` orders the strategies for each KPI from best to worst for the brand, as the
        KPI's declaration says (:func:`socialsim.kpis.better`); a KPI that is neither good nor
        bad (``better(kpi) == 0``, e.g. posts handled) is never ranked. Equal means share a
        rank, so the ranking does not depend on the order the strategies are listed in. A
        strategy whose paired difference with a best one has an interval containing 0 is
        marked ``tied_with_best``: the replicates cannot tell it from the best. It keeps the
        rank of its mean, so ranks follow the means: a noisy strategy far behind the best
        on average is never ranked above a steady one close behind it.
        A strategy whose KPI is undefined (NaN) in any replicate has no rank (``<NA>``): it is
        never ranked first. ``defined`` counts the replicates whose paired difference is
        defined; the difference is NaN unless it is all of them.
        """
        runs = self.per_run().set_index(["strategy", "replicate"])
        base = self.experiment.baseline
        rows = []
        for kpi in self.experiment.kpis:
            values = runs[kpi].unstack("strategy")
            direction = better(kpi)
            # rank 1 is the best; NaN means stay unranked, and so does every neutral KPI
            ranks = (-direction * values.mean(skipna=False)).rank(method="min", na_option="keep")
            if not direction:
                ranks[:] = np.nan
            best = [name for name in ranks.index if ranks[name] == 1]
            for name in self.experiment.strategies:
                difference = values[name] - values[base]
                mean, low, high, p = paired(difference)
                tied = name not in best and any(
                    _includes_zero(values[name] - values[b]) for b in best
                )
                rows.append(
                    {
                        "strategy": name,
                        "kpi": kpi,
                        "difference": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "p_value": np.nan if name == base else p,
                        "rank": ranks[name],
                        "tied_with_best": tied,
                        "defined": int(difference.notna().sum()),
                    }
                )
        table = pd.DataFrame(rows)
        table.insert(table.columns.get_loc("p_value") + 1, "p_holm", holm(table["p_value"]))
        table["rank"] = table["rank"].astype("Int64")
        return table

    def cost_per_nps_point(self) -> pd.Series:
        """What one point of NPS gained costs each strategy against the baseline.

        The ratio of the mean paired differences in total cost and in NPS
        (:func:`socialsim.value.cost_per_nps_point`), by strategy, the baseline left out;
        NaN where NPS does not differ. It means little when the NPS difference is within
        noise: read it beside that difference's interval.
        """
        from socialsim.value import cost_per_nps_point

        runs = self.per_run().set_index(["strategy", "replicate"])
        cost, nps = runs["total_cost"].unstack("strategy"), runs["nps"].unstack("strategy")
        base = self.experiment.baseline
        return pd.Series(
            {
                name: cost_per_nps_point(cost[name], nps[name], cost[base], nps[base])
                for name in self.experiment.strategies
                if name != base
            },
            name="cost_per_nps_point",
            dtype=np.float64,
        )

    def robust_command(self) -> str:
        """The command that runs a small robust analysis of this comparison, as the terminal
        and the report both suggest it (:func:`~socialsim.studies.robust_report.robust_command`):
        what :attr:`ran` and :attr:`out` say, repeated, or else the experiment's name when it
        is the canned one.

        Examples
        --------
        >>> e = Experiment({"a": {}, "b": {"team.staff": 3}}, name="staffing")
        >>> c = Comparison(e, pd.DataFrame())
        >>> c.ran, c.out = "staffing.toml --days 30", Path("runs/staffing")
        >>> c.robust_command()
        'socialsim compare staffing.toml --days 30 --robust 16 --replicates 2 --out runs/staffing-robust  # 68 runs'
        """
        from socialsim.studies.robust_report import robust_command

        return robust_command(self.experiment, self.ran, self.out)

    # ------------------------------------------------------------------ figures
    def plot(self, kpis: tuple[str, ...] | None = None) -> Figure:
        """Each strategy's paired difference from the baseline, day by day, with its 95% band.

        One panel per KPI, each read as the run sums it up so far (the total to date of a
        flow, the rate over the days to date), so a line ends at the report's difference.
        """
        from socialsim.studies.plotting import plot_trajectories

        return plot_trajectories(
            self.daily, kpis or self.experiment.kpis, self.experiment.baseline, CONFIDENCE
        )

    def plot_differences(self) -> Figure:
        """Forest plot: each strategy's paired difference from the baseline, with its 95% interval,
        one panel per KPI."""
        from socialsim.studies.plotting import plot_differences

        baseline = self.experiment.baseline
        table = self.differences()
        return plot_differences(
            table[table["strategy"] != baseline], baseline, self.experiment.kpis
        )

    # ------------------------------------------------------------------ output
    def save(self, out: str | Path, robustness: Robustness | None = None) -> dict[str, Path]:
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
        if self.ran is not None:  # read back by load(): a report written later suggests it too
            paths["command"] = out / COMMAND
            paths["command"].write_text(self.ran + "\n", encoding="utf-8")
        if self.robust is not None:
            paths.update(self.robust.save(out / "robust"))
        paths.update(self.report(out / "report", robustness))
        return paths

    def answer(self, robustness: Robustness | None = None) -> str:
        """The report's answer to the experiment's question, as plain text: a paragraph
        generated from :meth:`differences` (see :func:`socialsim.studies.report.answer`)."""
        from socialsim.studies.report import answer

        return answer(self, robustness)

    def report(self, path: str | Path, robustness: Robustness | None = None) -> dict[str, Path]:
        """A self-contained report, ``path.md`` and ``path.html`` (figures embedded in the HTML),
        with a robustness section when one is given.

        See :func:`socialsim.studies.report.write_report`.
        """
        from socialsim.studies.report import write_report

        return write_report(self, path, robustness)


def experiment_of(spec: Mapping[str, Any]) -> Experiment:
    """The experiment a store's spec describes (:func:`_spec` written, then read back)."""
    settings = dict(spec["experiment"], kpis=tuple(spec["experiment"]["kpis"]))
    # A policy object (a strategy's, or the base's in "base_policy") was stored as its record;
    # the runs it made are read, not rerun.
    # A strategy's run.seed, which stores made before it was refused may hold, was never
    # used (the experiment's seed seeds every strategy): dropped, so its runs still load.
    strategies = {
        name: {k: v for k, v in overrides.items() if not isinstance(v, dict) and k != "run.seed"}
        for name, overrides in spec["strategies"].items()
    }
    return Experiment(strategies, base=Scenario.from_dict(spec["base"]), **settings)


def _spec(experiment: Experiment) -> dict[str, Any]:
    """The experiment as JSON-ready tables; a store refuses to complete another one."""
    e = experiment
    spec = {
        "experiment": {
            "name": e.name,
            "question": e.question,
            "replicates": e.replicates,
            "seed": e.seed,
            "days": e.days,
            "kpis": list(e.kpis),
            "baseline": e.baseline,
        },
        "base": e.base.flat(),
        # A policy object is kept as its record: JSON, and what a reader needs to know of it.
        "strategies": {
            name: {k: _plain_policy(v) if k == "policy" else v for k, v in overrides.items()}
            for name, overrides in e.strategies.items()
        },
    }
    # The base's policy object is not in flat(): its record, as a sweep keeps it
    # (Sweep.to_dict), so a store refuses runs of another policy.
    if e.base.policy_object is not None:
        spec["base_policy"] = describe(e.base.policy_object)
    return spec


def _plain_policy(policy: Any) -> Any:
    return policy if isinstance(policy, str) else describe(policy)


def strategy_overrides(scenario: Scenario) -> dict[str, Any]:
    """Every parameter of a strategy's scenario, and its policy object if it has one, so a
    worker rebuilds exactly it (an object travels pickled, or as its import path)."""
    flat = scenario.flat()
    if scenario.policy_object is not None:
        flat["policy"] = scenario.policy_object
    return flat


def _includes_zero(difference: pd.Series) -> bool:
    _, low, high, _ = paired(difference)
    return bool(low <= 0 <= high)
