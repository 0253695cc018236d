"""The two fits behind :func:`~socialsim.studies.calibration.calibrate`: ABC-SMC and Optuna.

- :func:`fit_abc` runs approximate Bayesian computation by sequential Monte Carlo with pyABC
  (Klinger, Rickert & Hasenauer 2018; the algorithm of Toni et al. 2009 and Beaumont et al.
  2009): generation after generation, parameters are proposed around the last accepted ones
  and kept when their simulation lands within a shrinking distance of the data. It runs one
  generation per call of pyABC and seeds each from ``(seed, generation)``, so a calibration
  stopped between generations continues from its SQLite history exactly as if it had not
  stopped (on one process; pyABC's parallel samplers reseed their workers from the system).
- :func:`fit_optuna` minimises the mean distance over a few fixed seeds with Optuna's TPE
  sampler (Bergstra et al. 2011), asking a batch of trials at a time and evaluating them in
  parallel; every finished trial is in Optuna's SQLite storage and a rerun only adds the rest.

A simulation that a joint constraint of the scenario forbids (a sampled value that makes another
value invalid) is rejected (ABC) or pruned (Optuna), never clamped.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import importlib
import logging
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from socialsim.constraints import ConfigError
from socialsim.scenario import Scenario
from socialsim.studies.observed import Observed

__all__ = [
    "Simulator",
    "abc_results",
    "evaluate",
    "fit_abc",
    "fit_optuna",
    "optuna_results",
    "pilot_scales",
    "predictive",
    "run_seed",
]

Progress = Callable[[str], None]


def run_seed(root: int, values: Sequence[float]) -> np.random.SeedSequence:
    """The seed of a simulation at given parameter values: the same values, the same run.

    >>> a = run_seed(1, [0.5, 2.0]).generate_state(1)
    >>> b = run_seed(1, [0.5, 2.0]).generate_state(1)
    >>> c = run_seed(1, [0.5, 2.5]).generate_state(1)
    >>> bool((a == b).all()), bool((a == c).all())
    (True, False)
    """
    words = np.frombuffer(np.asarray(values, dtype=np.float64).tobytes(), dtype=np.uint32)
    return np.random.SeedSequence(root, spawn_key=tuple(int(w) for w in words))


@dataclass(frozen=True)
class Simulator:
    """Runs the model at parameter values and reads the observed series off it (picklable).

    Attributes
    ----------
    scenario : Scenario
        Everything that is not fitted.
    keys : tuple of str
        The fitted parameters, by dotted key.
    observed : Observed
        The data; the run lasts until its last day.
    seed : int
        Root seed; a run's seed also depends on its parameter values (:func:`run_seed`).
    """

    scenario: Scenario
    keys: tuple[str, ...]
    observed: Observed
    seed: int

    def kpis(self, values: Sequence[float], seed: Any = None) -> pd.DataFrame | None:
        """The run's daily KPIs, or None if the values break a joint constraint."""
        from socialsim.model import EngagementModel

        try:
            scenario = self.scenario.replace(dict(zip(self.keys, map(float, values), strict=True)))
        except ConfigError:
            return None
        model = EngagementModel(scenario, rng=run_seed(self.seed, values) if seed is None else seed)
        model.run(days=self.observed.last_day)
        return model.kpis()

    def __call__(self, parameter: Mapping[str, float]) -> dict[str, np.ndarray]:
        """pyABC's model: the simulated series on the observed days ({} when rejected)."""
        kpis = self.kpis([parameter[k] for k in self.keys])
        return {} if kpis is None else self.observed.simulated(kpis)


@dataclass(frozen=True)
class _Distance:
    """pyABC's distance: :meth:`Observed.distance`, infinite for a rejected simulation."""

    observed: Observed

    def __call__(self, x: Mapping[str, Any], x_0: Mapping[str, Any]) -> float:
        return self.observed.distance(x) if x else float("inf")


def evaluate(simulator: Simulator, values: Sequence[float], seeds: Sequence[Any]) -> float:
    """Mean distance over runs with the given seeds (infinite if the values are invalid)."""
    total = 0.0
    for seed in seeds:
        kpis = simulator.kpis(values, seed)
        if kpis is None:
            return float("inf")
        total += simulator.observed.distance(simulator.observed.simulated(kpis))
    return total / len(seeds)


# ---------------------------------------------------------------------------------- ABC-SMC
def fit_abc(
    simulator: Simulator,
    bounds: Mapping[str, tuple[float, float]],
    db: str,
    *,
    population: int,
    generations: int,
    min_acceptance: float,
    jobs: int,
    executor: Any = None,
    progress: Progress | None = None,
) -> Any:
    """Run (or continue) ABC-SMC until ``generations`` generations are stored in ``db``.

    Returns pyABC's ``History``. Generations already in the database are kept and not run
    again; a generation whose acceptance rate falls below ``min_acceptance`` stops the fit
    (pyABC then stores nothing for it).
    """
    pyabc = _require("pyabc", "abc")
    prior = pyabc.Distribution(
        **{k: pyabc.RV("uniform", low, high - low) for k, (low, high) in bounds.items()}
    )
    with _quiet_pyabc():
        sampler = _sampler(jobs, executor)
        while True:
            # A new ABCSMC for every generation, loaded from the database: continuing after an
            # interruption is then the ordinary path, not a special one.
            abc = pyabc.ABCSMC(
                simulator,
                prior,
                _Distance(simulator.observed),
                population_size=population,
                sampler=sampler,
            )
            if pyabc.History(db).all_runs():
                history = abc.load(db, 1)
            else:
                history = abc.new(db, simulator.observed.values())
            t = history.max_t + 1
            if t >= generations or (t > 0 and _acceptance(history, t - 1) < min_acceptance):
                break
            with _global_seed(simulator.seed, t):
                abc.run(max_nr_populations=1, min_acceptance_rate=min_acceptance)
            if history.max_t < t:  # acceptance fell below the floor: nothing stored
                break
            if progress is not None:
                row = generation_table(history).iloc[-1]
                progress(
                    f"generation {t + 1}/{generations}: epsilon {row.epsilon:.4g}, accepted "
                    f"{row.acceptance_rate:.1%} of {row.simulations:,.0f} runs, ESS {row.ess:.0f}"
                )
    return history


def _require(module: str, method: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ConfigError(
            "method",
            method,
            f"a method whose library is installed ({module} is not: pip install "
            "'socialsim[calibration]')",
        ) from None


def generation_table(history: Any) -> pd.DataFrame:
    """Per generation: epsilon, simulations, accepted particles, acceptance rate and ESS."""
    from pyabc.weighted_statistics import effective_sample_size

    table = history.get_all_populations()
    table = table[table["t"] >= 0].reset_index(drop=True)
    ess = [effective_sample_size(history.get_distribution(m=0, t=int(t))[1]) for t in table["t"]]
    return pd.DataFrame(
        {
            "generation": table["t"].astype(int) + 1,
            "epsilon": table["epsilon"].astype(float),
            "simulations": table["samples"].astype(int),
            "accepted": table["particles"].astype(int),
            "acceptance_rate": table["particles"] / table["samples"],
            "ess": np.asarray(ess, dtype=np.float64),
        }
    )


def _acceptance(history: Any, t: int) -> float:
    table = history.get_all_populations()
    row = table[table["t"] == t].iloc[0]
    return float(row["particles"] / row["samples"])


def _sampler(jobs: int, executor: Any) -> Any:
    from pyabc import sampler

    if executor is not None:
        return sampler.DaskDistributedSampler(dask_client=executor)
    if jobs == 1:
        return sampler.SingleCoreSampler(check_max_eval=True)
    # pyABC forks this process for every generation's workers: with the model and its kernels
    # loaded here first, each starts ready instead of importing them (1.5-2 s a worker).
    importlib.import_module("socialsim.studies.preload")
    return sampler.MulticoreEvalParallelSampler(n_procs=jobs, check_max_eval=True)


@contextlib.contextmanager
def _global_seed(seed: int, generation: int) -> Iterator[None]:
    """pyABC draws from numpy's and Python's global generators: seed them, then put them back."""
    state, py_state = np.random.get_state(), random.getstate()  # noqa: NPY002 (pyABC's)
    words = np.random.SeedSequence(seed, spawn_key=(generation,)).generate_state(1)
    np.random.seed(int(words[0]))  # noqa: NPY002
    random.seed(int(words[0]))
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002
        random.setstate(py_state)


@contextlib.contextmanager
def _quiet_pyabc() -> Iterator[None]:
    """pyABC logs every generation at INFO; socialsim reports progress itself."""
    loggers = [logging.getLogger(name) for name in ("ABC", "History", "Sampler")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


# ---------------------------------------------------------------------------------- Optuna
def fit_optuna(
    simulator: Simulator,
    bounds: Mapping[str, tuple[float, float]],
    storage: str,
    *,
    trials: int,
    repeats: int,
    batch: int,
    pool: Any = None,
    progress: Progress | None = None,
) -> Any:
    """Run (or continue) a TPE search until ``trials`` trials are finished in ``storage``.

    The objective of a trial is the mean distance over ``repeats`` runs whose seeds are the
    same for every trial (common random numbers, so trials differ by their values, not their
    luck). Trials are asked ``batch`` at a time, evaluated on ``pool`` (an executor, or None for
    this process) and told in order; the sampler of each batch is seeded from the root seed and
    the number of finished trials, so a resumed search asks the same values an uninterrupted
    one would. Returns the ``optuna.Study``.
    """
    optuna = _require("optuna", "optimize")
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        storage=storage, study_name="calibration", direction="minimize", load_if_exists=True
    )
    for stale in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        # Asked before an interruption and never told: not a result.
        study.tell(stale.number, state=TrialState.FAIL)
    seeds = np.random.SeedSequence(simulator.seed).spawn(repeats)
    while (done := _finished(study)) < trials:
        study.sampler = optuna.samplers.TPESampler(
            seed=int(
                np.random.SeedSequence(simulator.seed, spawn_key=(done,)).generate_state(1)[0]
            ),
            constant_liar=True,
        )
        asked = [study.ask() for _ in range(min(batch, trials - done))]
        values = [[t.suggest_float(k, *bounds[k]) for k in simulator.keys] for t in asked]
        results = _map(pool, evaluate, [(simulator, v, seeds) for v in values])
        for trial, result in zip(asked, results, strict=True):
            if np.isfinite(result):
                study.tell(trial, result)
            else:
                study.tell(trial, state=TrialState.PRUNED)
        if progress is not None:
            progress(f"trial {_finished(study)}/{trials}: best mean distance {_best(study):.4g}")
    return study


def _finished(study: Any) -> int:
    from optuna.trial import TrialState

    return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED)))


def _best(study: Any) -> float:
    try:
        return float(study.best_value)
    except ValueError:  # every trial so far was pruned
        return float("inf")


# ---------------------------------------------------------------------------------- pools
@contextlib.contextmanager
def _pool(jobs: int, executor: Any) -> Iterator[Any]:
    """The executor to run on: a Dask client as given, a process pool, or None (this process)."""
    if executor is not None or jobs == 1:
        yield executor
        return
    from socialsim.studies.workers import StudyPool, pool_context

    # Workers start clean of the parent's threads (Optuna's, Dask's, tqdm's), as forks of a
    # server that has the model and its kernels loaded: a fork, not an import.
    with StudyPool(max_workers=jobs, mp_context=pool_context()) as pool:
        try:
            yield pool
        except cf.BrokenExecutor as error:
            unguarded = pool.broke_on_the_script()
            if unguarded is None:
                raise
            raise RuntimeError(unguarded) from error


def _map(pool: Any, function: Callable, arguments: Sequence[tuple]) -> list[Any]:
    """``function(*a)`` for each ``a``, in order, on the pool (or here when it is None)."""
    if pool is None:
        return [function(*a) for a in arguments]
    futures = [pool.submit(function, *a) for a in arguments]
    return [future.result() for future in futures]


# ---------------------------------------------------------------------------------- stages
def pilot_scales(
    simulator: Simulator, lows: Sequence[float], highs: Sequence[float], n: int, pool: Any
) -> dict[str, float]:
    """The series' own scales from ``n`` runs at seeded uniform draws between the bounds."""
    rng = np.random.default_rng(np.random.SeedSequence(simulator.seed, spawn_key=(1,)))
    low, high = np.asarray(lows), np.asarray(highs)
    draws = low + (high - low) * rng.random((n, len(simulator.keys)))
    runs = _map(pool, simulator, [(dict(zip(simulator.keys, row, strict=True)),) for row in draws])
    return simulator.observed.pilot_scales(runs)


def predictive(simulator: Simulator, draws: pd.DataFrame, pool: Any) -> pd.DataFrame:
    """The observed series on every day of a run at each row of ``draws`` (new seeds)."""
    seeds = np.random.SeedSequence(simulator.seed, spawn_key=(2,)).spawn(len(draws))
    arguments = list(zip(draws[list(simulator.keys)].to_numpy().tolist(), seeds, strict=True))
    runs = _map(pool, simulator.kpis, arguments)
    frames = [
        simulator.observed.trajectories(kpis).assign(draw=i)
        for i, kpis in enumerate(runs)
        if kpis is not None
    ]
    return pd.concat(frames, ignore_index=True)[["draw", "day", *simulator.observed.series]]


def abc_results(history: Any, keys: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The last generation's particles with their weights, and the generations' table."""
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    samples = frame[list(keys)].reset_index(drop=True).rename_axis(columns=None)
    samples["weight"] = weights / weights.sum()
    return samples, generation_table(history)


def optuna_results(study: Any, keys: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every finished trial (values, mean distance, number), and a one-row summary."""
    from optuna.trial import TrialState

    rows = [
        {
            **{k: t.params[k] for k in keys},
            "distance": t.value if t.state == TrialState.COMPLETE else np.nan,
            "trial": t.number,
        }
        for t in study.get_trials(states=(TrialState.COMPLETE, TrialState.PRUNED))
    ]
    samples = pd.DataFrame(rows, columns=[*keys, "distance", "trial"])
    summary = pd.DataFrame(
        {
            "trials": [len(samples)],
            "pruned": [int(samples["distance"].isna().sum())],
            "best_distance": [samples["distance"].min()],
        }
    )
    return samples, summary
