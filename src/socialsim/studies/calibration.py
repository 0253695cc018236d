"""Calibration: fit the model's assumptions to a brand's own numbers before comparing strategies.

:func:`calibrate` takes observed series (:func:`~socialsim.studies.observed.read_observed`), the
parameters to fit and their prior ranges (:func:`prior_for`), and fits them either by ABC-SMC
(pyABC; a weighted posterior sample) or by optimisation (Optuna's TPE; a point estimate), both
resumable from an SQLite file in ``out``. The :class:`Calibration` it returns holds the samples,
a table of estimates with 90% credible intervals and an identifiability verdict, per-generation
diagnostics and posterior-predictive trajectories; :meth:`Calibration.save` writes them with
figures and a Markdown report. The method, its choices and their sources are in
``docs/calibration.md``.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from socialsim.brand.policies.protocol import describe
from socialsim.constraints import ConfigError, Interval, did_you_mean
from socialsim.scenario import Scenario
from socialsim.streams import SEED
from socialsim.studies import fitting
from socialsim.studies.calibration_report import draw_weighted, estimates
from socialsim.studies.folders import writable_folder
from socialsim.studies.observed import read_observed
from socialsim.studies.priors import Prior, prior_for
from socialsim.studies.series import Observed

__all__ = ["METHODS", "Calibration", "Prior", "calibrate", "prior_for"]

METHODS = ("abc", "optimize")


@dataclass(frozen=True)
class Calibration:
    """What a calibration found.

    Attributes
    ----------
    method : str
        ``"abc"`` or ``"optimize"``.
    priors : dict of str to Prior
        The fitted parameters in fitting order, with their priors.
    observed : Observed
        The data, with the scale of every observation.
    samples : pandas.DataFrame
        ABC: the last generation's particles, one column per parameter and ``weight`` (summing
        to 1) -- the posterior. Optimisation: every trial, one column per parameter,
        ``distance`` (mean over the seeds; NaN if pruned) and ``trial``.
    estimates : pandas.DataFrame
        Indexed by parameter: ``estimate`` (posterior median, or the best trial),
        ``ci_low``/``ci_high`` (the 90% credible interval; NaN for optimisation),
        ``prior_low``/``prior_high``, ``iqr_ratio`` (posterior over prior interquartile range)
        and ``identified``.
    diagnostics : pandas.DataFrame
        ABC: one row per generation (epsilon, simulations, acceptance rate, effective sample
        size). Optimisation: trials finished and pruned, the best distance.
    predictive : pandas.DataFrame
        Simulated trajectories at posterior draws (or at the best point with other seeds):
        ``draw``, ``day``, then one column per observed series in observed units.
    elapsed_s : float
        Wall time of the call that returned this (a resumed fit counts only its own part).
    """

    method: str
    priors: dict[str, Prior]
    observed: Observed
    samples: pd.DataFrame
    estimates: pd.DataFrame
    diagnostics: pd.DataFrame
    predictive: pd.DataFrame
    elapsed_s: float

    @property
    def keys(self) -> list[str]:
        """The fitted parameters."""
        return list(self.priors)

    def posterior(self) -> pd.DataFrame:
        """The posterior sample: one column per parameter key and ``weight``.

        This is the format of ``posterior.parquet``; draw worlds from it in proportion to
        ``weight`` (:meth:`draws`).
        """
        if self.method != "abc":
            raise ValueError("an optimisation gives a point estimate, not a posterior")
        return self.samples[[*self.keys, "weight"]]

    def draws(self, n: int, seed: int = 0) -> pd.DataFrame:
        """``n`` equally weighted parameter sets: posterior draws, or the best point repeated.

        >>> import pandas as pd
        >>> result = Calibration("abc", {"wom.effect": Prior("wom.effect", 0, 1)}, None,
        ...     pd.DataFrame({"wom.effect": [0.1, 0.9], "weight": [1.0, 0.0]}),
        ...     None, None, None, 0.0)
        >>> result.draws(3)["wom.effect"].tolist()
        [0.1, 0.1, 0.1]
        """
        if self.method == "abc":
            return draw_weighted(self.posterior(), n, seed)[self.keys]
        best = self.estimates["estimate"]
        return pd.DataFrame([best.to_dict()] * n)[self.keys]

    def save(self, out: str | Path) -> dict[str, Path]:
        """Write the samples, estimates, diagnostics, figures and ``report.md`` to ``out``."""
        from socialsim.studies.calibration_report import save

        return save(self, Path(out))

    def __str__(self) -> str:
        from socialsim.studies.calibration_report import estimates_text

        return estimates_text(self)


def calibrate(
    data: str | Path | pd.DataFrame | Observed,
    params: Sequence[str],
    *,
    method: str = "abc",
    bounds: Mapping[str, tuple[float, float]] | None = None,
    scenario: Scenario | None = None,
    followers: float | None = None,
    start: str | None = None,
    out: str | Path | None = None,
    jobs: int = 1,
    executor: Any = None,
    seed: int = 0,
    population: int = 200,
    generations: int = 6,
    min_acceptance: float = 0.02,
    trials: int = 60,
    repeats: int = 3,
    pilot: int = 20,
    draws: int = 40,
    progress: bool = True,
) -> Calibration:
    """Fit parameters of the model to observed series.

    Parameters
    ----------
    data : str, Path, pandas.DataFrame or Observed
        The observations (see :func:`~socialsim.studies.observed.read_observed`).
    params : sequence of str
        Dotted keys of the parameters to fit; everything else comes from ``scenario``.
    method : {"abc", "optimize"}, default "abc"
        ABC-SMC (a posterior) or Optuna's TPE (a point estimate).
    bounds : dict of str to (float, float), optional
        Prior ranges; a parameter without one uses :func:`prior_for`.
    scenario : Scenario, optional
        The fixed part (population size, policy ...); default the built-in scenario. Its
        ``run.days`` must reach the last observed day; runs stop there.
    followers, start : optional
        Passed to :func:`~socialsim.studies.observed.read_observed`: the brand's followers on
        day 0 (to scale count series) and the date of day 0.
    out : str or Path, optional
        Folder for the fit's database and outputs. Calling again with the same ``out``
        continues the fit: finished generations (or trials) are kept. Default: a temporary
        folder, removed at the end.
    jobs : int, default 1
        Processes (``-1``: one per CPU). With ``jobs=1`` and no executor the fit is
        reproducible from ``seed``.
    executor : dask.distributed.Client, optional
        Run the simulations on a Dask cluster instead.
    seed : int, default 0
        Root seed of the fit, in [0, 2**63) as ``run.seed`` (the pilot runs, pyABC's
        proposals, Optuna's sampler, the seeds of every simulation and the predictive draws).
    population : int, default 200
        ABC: particles per generation.
    generations : int, default 6
        ABC: generations in all (a resumed fit runs the missing ones).
    min_acceptance : float, default 0.02
        ABC: stop when a generation accepts fewer than this share of its runs.
    trials : int, default 60
        Optimisation: trials in all.
    repeats : int, default 3
        Optimisation: runs per trial, on seeds shared by every trial.
    pilot : int, default 20
        Runs at prior draws that set the scale of series without standard errors.
    draws : int, default 40
        Posterior-predictive runs.
    progress : bool, default True
        A line on stderr after the pilot and after each generation or batch of trials.

    Returns
    -------
    Calibration

    Raises
    ------
    ConfigError
        Bad data, an unknown parameter or method, bad bounds, settings or ``jobs``, a run too
        short for the data, or an ``out`` folder that holds a different calibration.

    Examples
    --------
    >>> import pandas as pd
    >>> from socialsim import Scenario
    >>> data = pd.DataFrame({"day": [0, 10, 20], "nps": [20.0, 15.0, 11.0], "nps_se": 3.0})
    >>> small = Scenario().replace({"graph.n": 200, "run.days": 20})
    >>> result = calibrate(data, ["experiences.bad_rate"], method="optimize", scenario=small,
    ...                    bounds={"experiences.bad_rate": (0.001, 0.02)}, trials=4, repeats=1,
    ...                    pilot=4, draws=2, progress=False)
    >>> result.estimates.columns.tolist()[:3]
    ['estimate', 'ci_low', 'ci_high']
    """
    from socialsim.studies.workers import check_workers_can_start

    started = time.perf_counter()
    observed = (
        data
        if isinstance(data, Observed)
        else read_observed(data, followers=followers, start=start)
    )
    scenario = scenario if scenario is not None else Scenario()
    observed.check_horizon(scenario.run.days)
    seed = SEED.check("seed", seed)
    priors = _priors(params, bounds or {})
    settings = _settings(method, jobs, population, generations, min_acceptance, trials, repeats)
    for name, value in {"pilot": pilot, "draws": draws}.items():
        Interval(2 if name == "pilot" else 1, None, integer=True).check(name, value)
    jobs = settings["jobs"]
    if executor is None and jobs > 1:  # it would start a pool: can its workers start?
        check_workers_can_start()
    echo = _echo if progress else None
    # A folder that cannot be written (a file, say) is refused before any run, not after.
    folder = (
        writable_folder(out)
        if out is not None
        else Path(tempfile.mkdtemp(prefix="socialsim-calib-"))
    )
    try:
        spec = _spec(method, priors, observed, scenario, seed)
        scales = _resume(folder, spec)
        keys, lows, highs = (
            tuple(priors),
            [p.low for p in priors.values()],
            [p.high for p in priors.values()],
        )
        with fitting._pool(jobs, executor) as pool:
            if scales is None:
                simulator = fitting.Simulator(scenario, keys, observed, seed)
                scales = fitting.pilot_scales(simulator, lows, highs, pilot, pool)
                folder.mkdir(parents=True, exist_ok=True)
                text = json.dumps({**spec, "scales": scales}, indent=2)
                (folder / "calibration.json").write_text(text + "\n")
                if echo is not None:
                    echo("pilot scales: " + ", ".join(f"{k} {v:.4g}" for k, v in scales.items()))
            simulator = fitting.Simulator(scenario, keys, observed.with_scales(scales), seed)
            ranges = {k: (p.low, p.high) for k, p in priors.items()}
            if method == "optimize":
                study = fitting.fit_optuna(
                    simulator,
                    ranges,
                    f"sqlite:///{folder.resolve() / 'optuna.sqlite'}",
                    trials=trials,
                    repeats=repeats,
                    batch=jobs,
                    pool=pool,
                    progress=echo,
                )
                samples, diagnostics = fitting.optuna_results(study, keys)
        if method == "abc":  # pyABC forks its own workers: no pool may be running
            history = fitting.fit_abc(
                simulator,
                ranges,
                f"sqlite:///{folder.resolve() / 'abc.sqlite'}",
                population=population,
                generations=generations,
                min_acceptance=min_acceptance,
                jobs=jobs,
                executor=executor,
                progress=echo,
            )
            samples, diagnostics = fitting.abc_results(history, keys)
        table = estimates(method, samples, priors)
        fitted = Calibration(
            method, priors, simulator.observed, samples, table, diagnostics, None, 0.0
        )
        with fitting._pool(jobs, executor) as pool:
            predictive = fitting.predictive(simulator, fitted.draws(draws, seed), pool)
    finally:
        if out is None:
            shutil.rmtree(folder, ignore_errors=True)
    result = Calibration(
        method,
        priors,
        simulator.observed,
        samples,
        table,
        diagnostics,
        predictive,
        time.perf_counter() - started,
    )
    if out is not None:
        result.save(folder)
    return result


# ---------------------------------------------------------------------------------- checks
def _priors(params: Sequence[str], bounds: Mapping[str, tuple[float, float]]) -> dict[str, Prior]:
    if isinstance(params, str) or not params:
        raise ConfigError("params", params, "a non-empty list of parameter keys")
    if len(set(params)) != len(params):
        raise ConfigError("params", list(params), "a list without repeated keys")
    for key in bounds:
        if key not in params:
            raise ConfigError("bounds", key, f"a parameter being fitted ({', '.join(params)})")
    return {key: prior_for(key, bounds.get(key)) for key in params}


def _settings(method: str, jobs: int, *counts: float) -> dict[str, Any]:
    if method not in METHODS:
        raise ConfigError(
            "method", method, "one of 'abc', 'optimize'", did_you_mean(method, METHODS)
        )
    population, generations, min_acceptance, trials, repeats = counts
    for name, value in {
        "population": population,
        "generations": generations,
        "trials": trials,
        "repeats": repeats,
    }.items():
        Interval(1, None, integer=True).check(name, value)
    Interval(0, 1, closed="left").check("min_acceptance", min_acceptance)
    if jobs == -1:
        import os

        jobs = os.cpu_count() or 1
    Interval(1, None, integer=True).check("jobs", jobs)
    return {"jobs": jobs}


def _spec(
    method: str, priors: Mapping[str, Prior], observed: Observed, scenario: Scenario, seed: int
) -> dict[str, Any]:
    """What a stored fit must share with this call to be continued by it: the scenario's
    policy object too, by its record, when it has one (a fit made before the record was kept
    has none, and is continued as before by a scenario without one)."""
    spec = {
        "method": method,
        "priors": {k: [p.low, p.high] for k, p in priors.items()},
        "data": observed.data.round(12).to_dict(orient="list"),
        "followers": observed.followers,
        "scenario": {k: v for k, v in scenario.flat().items() if k not in priors},
        "seed": seed,
    }
    if scenario.policy_object is not None:
        spec["policy"] = describe(scenario.policy_object)
    return spec


def _resume(folder: Path, spec: Mapping[str, Any]) -> dict[str, float] | None:
    """The pilot scales of the fit stored in ``folder``, or None for a new fit."""
    path = folder / "calibration.json"
    if not path.exists():
        return None
    stored = json.loads(path.read_text())
    fresh = json.loads(json.dumps(spec))  # the same round trip as the stored copy
    # The policy is compared when either has one: a fit of one policy is not continued
    # without it.
    differ = [k for k in dict.fromkeys([*fresh, "policy"]) if stored.get(k) != fresh.get(k)]
    if differ:
        raise ConfigError(
            "out",
            str(folder),
            f"a new folder or one holding this same calibration (its {', '.join(differ)} differ)",
        )
    return stored["scales"]


def _echo(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
