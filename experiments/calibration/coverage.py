"""How often do the 90% credible intervals cover the truth? Repeated seeded fits of synthetic data.

Run from the repository root (docs/calibration.md gives the figures)::

    python experiments/calibration/coverage.py --repeats 20 --jobs 2
    python experiments/calibration/coverage.py --repeats 20 --jobs 2 --method optimize

Each repeat makes data from :data:`TRUTH` with its own seed (daily followers and complaints, a
weekly NPS survey of 400 fans) and fits it by ABC-SMC with the same seed, together with
``team.hourly_cost``, which none of these series depends on. A calibrated method covers each
true value in about 90% of the repeats and reports the hourly cost as not identified. With
``--method optimize`` it fits the two known values by optimisation instead and reports how far
the estimates land from them, as a share of the prior's width.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing
import time

import pandas as pd

from socialsim import Scenario
from socialsim.studies.calibration import calibrate
from socialsim.studies.observed import synthetic

TRUTH = {"experiences.complaint_rate": 0.5, "population.loyalty_mean": 7.6}
BOUNDS = {
    "experiences.complaint_rate": (0.05, 0.95),
    "population.loyalty_mean": (6.5, 9.0),
    "team.hourly_cost": (10.0, 50.0),
}


def fit_once(
    seed: int, n: int, days: int, population: int, generations: int, method: str = "abc"
) -> pd.DataFrame:
    """One repeat: per parameter, the estimate, interval, whether it covers the truth, IQR ratio."""
    base = Scenario().replace({"graph.n": n, "run.days": days})
    data = synthetic(
        base.replace(TRUTH), seed=seed, followers=20_000, survey_days=range(7, days + 1, 7)
    )
    keys = list(BOUNDS) if method == "abc" else list(TRUTH)
    result = calibrate(
        data,
        keys,
        method=method,
        bounds={k: BOUNDS[k] for k in keys},
        scenario=base,
        population=population,
        generations=generations,
        trials=30,
        repeats=2,
        seed=seed,
        pilot=10,
        draws=1,
        progress=False,
    )
    table = result.estimates.rename_axis("parameter").reset_index()
    table["truth"] = table["parameter"].map(TRUTH)
    table["identified"] = table["identified"].astype(float)  # None (optimisation) as NaN
    if method == "abc":
        table["ess"] = result.diagnostics["ess"].iloc[-1]
    inside = (table["ci_low"] <= table["truth"]) & (table["truth"] <= table["ci_high"])
    table["covered"] = inside.astype(float).where(table["truth"].notna())
    width = table["prior_high"] - table["prior_low"]
    table["error"] = (table["estimate"] - table["truth"]).abs() / width
    return table.assign(seed=seed)


def coverage(
    repeats: int,
    *,
    n: int,
    days: int,
    population: int,
    generations: int,
    jobs: int,
    method: str = "abc",
) -> pd.DataFrame:
    """Every repeat's estimates, ``repeats`` fits spread over ``jobs`` processes."""
    arguments = [(seed, n, days, population, generations, method) for seed in range(repeats)]
    if jobs == 1:
        return pd.concat([fit_once(*a) for a in arguments], ignore_index=True)
    context = multiprocessing.get_context("forkserver")
    with cf.ProcessPoolExecutor(jobs, mp_context=context) as pool:
        tables = list(pool.map(fit_once, *zip(*arguments, strict=True)))
    return pd.concat(tables, ignore_index=True)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: repeats, share covered and identified, median IQR ratio, errors."""
    return table.groupby("parameter").agg(
        repeats=("seed", "size"),
        covered=("covered", "mean"),
        identified=("identified", "mean"),
        iqr_ratio=("iqr_ratio", "median"),
        error_median=("error", "median"),
        error_90=("error", lambda e: e.quantile(0.9)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--n", type=int, default=2000, help="simulated people")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--population", type=int, default=40)
    parser.add_argument("--generations", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--method", choices=("abc", "optimize"), default="abc")
    parser.add_argument("--csv", help="also write every repeat's estimates to this file")
    args = parser.parse_args()
    started = time.perf_counter()
    table = coverage(
        args.repeats,
        n=args.n,
        days=args.days,
        population=args.population,
        generations=args.generations,
        jobs=args.jobs,
        method=args.method,
    )
    if args.csv:
        table.to_csv(args.csv, index=False)
    print(summary(table).to_string(float_format="%.2f"))
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
