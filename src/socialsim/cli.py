"""The ``socialsim`` command line.

Every bad value or file ends in a one-line error and exit code 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from socialsim.constraints import ConfigError
from socialsim.scenario import PARAMETERS, Scenario, parse_value

__all__ = ["main"]


class InputError(click.ClickException):
    """A bad value, option or file: one line on stderr and exit code 2."""

    exit_code = 2


def _overrides(pairs: tuple[str, ...]) -> dict[str, object]:
    changes: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"The '--set' option must be KEY=VALUE. Got {pair!r} instead.")
        changes[key.strip()] = parse_value(value.strip())
    return changes


def _load_scenario(
    path: Path | None, sets: tuple[str, ...], seed: int | None, days: int | None
) -> Scenario:
    scenario = Scenario.from_toml(path) if path is not None else Scenario()
    changes = _overrides(sets)
    if seed is not None:
        changes["run.seed"] = seed
    if days is not None:
        changes["run.days"] = days
    return scenario.replace(changes)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="socialsim")
def main() -> None:
    """socialsim: simulate a brand's fans on a social graph and test how to answer them.

    Start with `socialsim run` (the built-in default scenario); see `socialsim parameters`
    for every setting a scenario file or --set can change.
    """


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Change one parameter by dotted key, e.g. --set wom.negativity=2 (repeatable).",
)
@click.option("--seed", type=int, help="Root seed of every random draw (overrides run.seed).")
@click.option("--days", type=int, help="Days to simulate (overrides run.days).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("socialsim-out"),
    show_default=True,
    help="Folder for kpis.csv, kpis.png and scenario.json.",
)
@click.option("--fans", is_flag=True, help="Also write fans.csv, every person's final state.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
def run(
    scenario: Path | None,
    sets: tuple[str, ...],
    seed: int | None,
    days: int | None,
    out: Path,
    fans: bool,
    quiet: bool,
) -> None:
    """Run one scenario and write its daily KPIs and a figure.

    SCENARIO is a TOML file whose tables are the scenario's sections (see `socialsim
    parameters`); without it the built-in default runs: 10,000 people on a Barabási–Albert
    graph for 180 days.
    """
    from socialsim.model import EngagementModel
    from socialsim.network.loaders import GraphFileError
    from socialsim.studies.plotting import plot_kpis

    try:
        config = _load_scenario(scenario, sets, seed, days)
        started = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = EngagementModel(config)
        for warning in caught:
            click.echo(f"warning: {warning.message}", err=True)
        model.run(progress=not quiet)
        elapsed = time.perf_counter() - started
    except (ConfigError, GraphFileError) as error:
        raise InputError(str(error)) from None
    except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
        raise InputError(f"{error.strerror}: {error.filename}") from None

    out.mkdir(parents=True, exist_ok=True)
    kpis = model.kpis()
    kpis.to_csv(out / "kpis.csv", index=False)
    (out / "scenario.json").write_text(json.dumps(config.to_dict(), indent=2) + "\n")
    plot_kpis(kpis, out / "kpis.png")
    if fans:
        model.fans().to_csv(out / "fans.csv")
    if not quiet:
        click.echo(_summary(kpis, model.graph.n_nodes, elapsed))
        click.echo(f"wrote {out / 'kpis.csv'}, {out / 'kpis.png'}, {out / 'scenario.json'}")


def _summary(kpis, n_people: int, elapsed: float) -> str:
    first, last = kpis.iloc[0], kpis.iloc[-1]
    days = int(last["day"])
    lines = [f"{n_people:,} people, {days} days, {elapsed:.1f} s", ""]
    lines.append(f"{'':22}{'day 0':>10}{f'day {days}':>10}")
    for name in ("fans", "prospects", "churned", "promoters", "detractors", "nps", "mean_loyalty"):
        fmt = "{:>10.1f}" if name in ("nps", "mean_loyalty") else "{:>10,.0f}"
        lines.append(f"{name:22}" + fmt.format(first[name]) + fmt.format(last[name]))
    lines.append("")
    lines.append(f"{'totals over the run':22}")
    for name in ("new_fans_referred", "new_fans_external", "complaints", "defences", "helps"):
        lines.append(f"{name:22}{kpis[name].sum():>20,.0f}")
    return "\n".join(lines)


@main.command()
@click.argument("prefix", required=False, default="")
def parameters(prefix: str) -> None:
    """List every scenario parameter with its default, range and meaning.

    PREFIX limits the list, e.g. `socialsim parameters wom`.
    """
    defaults = Scenario().flat()
    shown = [key for key in PARAMETERS if key.startswith(prefix)]
    if not shown:
        raise InputError(f"No parameter starts with {prefix!r}.")
    for key in shown:
        meta = PARAMETERS[key].metadata
        click.echo(f"{key} = {defaults[key]!r}    ({meta['constraint'].describe()})")
        click.echo(f"    {meta['doc']}")


@main.command(name="compare")
@click.argument("experiment")
@click.option("--replicates", type=int, help="Runs per strategy (overrides the experiment file).")
@click.option(
    "--jobs", type=int, default=1, show_default=True, help="Parallel processes (-1: one per CPU)."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("socialsim-compare"),
    show_default=True,
    help="Folder for results (Parquet, CSV), summary tables, figures and the report.",
)
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
def compare_command(
    experiment: str, replicates: int | None, jobs: int, out: Path, quiet: bool
) -> None:
    """Compare strategies on paired replicates and write a report.

    EXPERIMENT is an experiment TOML file or the name of a canned experiment (see `socialsim
    experiments`). Every strategy runs on the same replicates (common random numbers), so
    differences come from the strategies, not from luck.
    """
    from socialsim.network.loaders import GraphFileError
    from socialsim.studies.compare import compare
    from socialsim.studies.experiment import load_experiment

    try:
        loaded = load_experiment(experiment)
        if replicates is not None and replicates < 1:
            raise ConfigError("--replicates", replicates, "an int >= 1")
        if jobs != -1 and jobs < 1:
            raise ConfigError("--jobs", jobs, "an int >= 1 or -1 (one per CPU)")
        result = compare(loaded, replicates=replicates, jobs=jobs, progress=not quiet)
    except (ConfigError, GraphFileError) as error:
        raise InputError(str(error)) from None
    paths = result.save(out)
    if not quiet:
        table = result.differences()
        table = table[table["strategy"] != loaded.baseline]
        click.echo(f"{loaded.name}: {loaded.question}")
        click.echo(f"difference from '{loaded.baseline}' (paired, 95% CI):")
        for row in table.itertuples():
            tied = "  (cannot be told from the best)" if row.tied_with_best else ""
            click.echo(
                f"  {row.kpi:24} {row.strategy:28} {row.difference:+10.2f} "
                f"[{row.ci_low:+.2f}, {row.ci_high:+.2f}]  rank {row.rank}{tied}"
            )
        click.echo(f"wrote {paths['report_html']} and the tables and data beside it")


@main.command()
def experiments() -> None:
    """List the canned experiments and the question each one asks."""
    from socialsim.studies.experiment import canned_experiments, load_experiment

    for name in canned_experiments():
        click.echo(f"{name:26} {load_experiment(name).question}")
    click.echo("\nRun one with: socialsim compare NAME --out DIR")


@main.command(name="sweep")
@click.argument("sweep_file", metavar="SWEEP.toml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the results store: new, or the store of this sweep to resume it.",
)
@click.option(
    "--jobs",
    "-j",
    type=int,
    help="Local worker processes (default: every core; 1 runs in this process). With "
    "--scheduler local, the LocalCluster's workers.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run on a Dask cluster: a scheduler's address (tcp://host:8786), or 'local' to start "
    "a LocalCluster on this machine. Needs socialsim[dask].",
)
@click.option("--retry-failed", is_flag=True, help="Run again the runs stored as failed.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
def sweep_command(
    sweep_file: Path,
    out: Path,
    jobs: int | None,
    scheduler: str | None,
    retry_failed: bool,
    quiet: bool,
) -> None:
    """Run a parameter sweep into a resumable Parquet results store.

    SWEEP.toml names the base scenario, the parameters to vary, the design (grid, lhs, sobol,
    saltelli, morris), the replicates, the seed and what to keep; see docs/sweeps.md and
    experiments/sweeps/. Run the same command again after an interruption: it skips the runs
    that are stored and finishes the rest. Exit code 1 if runs failed (see --retry-failed).
    Load the results with socialsim.studies.store.load_results(OUT).
    """
    from socialsim.network.loaders import GraphFileError
    from socialsim.studies.runner import SweepAborted, open_store, sweep
    from socialsim.studies.store import ResultsStore, StoreVersionWarning
    from socialsim.studies.sweeps import Sweep

    if jobs is not None and jobs < 1:
        raise InputError(f"The '--jobs' option must be an int >= 1. Got {jobs} instead.")
    if scheduler is not None and scheduler != "local" and jobs is not None:
        raise InputError(
            f"The '--jobs' option must be left out with --scheduler {scheduler} (the cluster has "
            f"its own workers). Got {jobs} instead."
        )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            spec = Sweep.from_toml(sweep_file)
            # Checks the store before a cluster starts (sweep() opens it again, quietly).
            open_store(spec, out)
        for warning in caught:
            click.echo(f"warning: {warning.message}", err=True)
    except (ConfigError, GraphFileError) as error:
        raise InputError(str(error)) from None
    except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
        raise InputError(f"{error.strerror}: {error.filename}") from None

    with contextlib.ExitStack() as stack:
        executor = None
        if scheduler is not None:
            executor = stack.enter_context(_dask_client(scheduler, jobs))
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore", StoreVersionWarning)  # already said above
        try:
            report = sweep(
                spec,
                out,
                executor=executor,
                jobs=jobs if executor is None else None,
                retry_failed=retry_failed,
                progress=not quiet,
            )
        except KeyboardInterrupt:
            stored = sum(state == "ok" for state in ResultsStore(out).status().values())
            click.echo(
                f"interrupted: {stored:,} of {spec.n_runs:,} runs are stored in {out}; run the "
                "same command again to finish the rest",
                err=True,
            )
            raise SystemExit(130) from None
        except ConfigError as error:
            raise InputError(str(error)) from None
        except SweepAborted as error:
            raise click.ClickException(str(error)) from None
    failed = sum(state == "failed" for state in report.store.status().values())
    if not quiet:
        click.echo(str(report))
    if failed:
        click.echo(
            f"{failed:,} runs failed (see the 'error' column); run again with --retry-failed "
            "to retry them",
            err=True,
        )
        raise SystemExit(1)


@contextlib.contextmanager
def _dask_client(scheduler: str, jobs: int | None) -> Iterator[Any]:
    """A Dask client, on a LocalCluster it starts and stops or on a running scheduler."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError(
            "The '--scheduler' option needs dask.distributed, which is not installed. Install "
            "it with: pip install 'socialsim[dask]'"
        ) from None
    if scheduler == "local":
        # One thread per worker process: a run is numpy-bound and holds the GIL in between.
        # Without --jobs, Dask starts one worker per core.
        with (
            LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise InputError(
            f"The '--scheduler' option must be the address of a running Dask scheduler, or "
            f"'local'. Got {scheduler!r} instead. ({' '.join(str(error).split())})"
        ) from None
    with client:
        yield client


@main.command(name="calibrate")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--params",
    "params",
    multiple=True,
    required=True,
    metavar="KEY[,KEY...]",
    help="Parameters to fit, by dotted key (repeatable, or comma-separated).",
)
@click.option(
    "--method",
    type=click.Choice(["abc", "optimize"]),
    default="abc",
    show_default=True,
    help="abc: a posterior by ABC-SMC (pyABC); optimize: a point estimate (Optuna TPE).",
)
@click.option(
    "--bounds",
    multiple=True,
    metavar="KEY=LOW:HIGH",
    help="Prior range of a parameter (repeatable); default its declared range.",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Change a fixed parameter, e.g. --set graph.n=2000 (repeatable).",
)
@click.option(
    "--scenario", type=click.Path(dir_okay=False, path_type=Path), help="A scenario file."
)
@click.option("--followers", type=float, help="The brand's followers on day 0 (scales counts).")
@click.option("--start", metavar="DATE", help="The date of day 0 (default: before the first).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("socialsim-calibration"),
    show_default=True,
    help="Folder of the fit: run the same command again to continue an interrupted fit.",
)
@click.option("--jobs", "-j", type=int, default=1, show_default=True, help="Processes (-1: all).")
@click.option("--seed", type=int, default=0, show_default=True, help="Root seed of the fit.")
@click.option("--population", type=int, default=200, show_default=True, help="ABC: particles.")
@click.option("--generations", type=int, default=6, show_default=True, help="ABC: generations.")
@click.option("--trials", type=int, default=60, show_default=True, help="optimize: trials.")
@click.option("--repeats", type=int, default=3, show_default=True, help="optimize: seeds a trial.")
@click.option("--quiet", is_flag=True, help="No progress and no summary.")
def calibrate_command(
    data: Path,
    params: tuple[str, ...],
    method: str,
    bounds: tuple[str, ...],
    sets: tuple[str, ...],
    scenario: Path | None,
    followers: float | None,
    start: str | None,
    out: Path,
    jobs: int,
    seed: int,
    population: int,
    generations: int,
    trials: int,
    repeats: int,
    quiet: bool,
) -> None:
    """Fit parameters to a brand's observed series (docs/calibration.md).

    DATA is a CSV or Parquet file of dated observations: long form (day or date, kpi, value,
    optional se or n) or wide form (one column per series). Writes the posterior
    (posterior.parquet), estimates with 90% intervals, diagnostics, figures and report.md to
    --out. Ctrl-C keeps every finished generation (or trial); the same command continues.
    """
    from socialsim.network.loaders import GraphFileError
    from socialsim.studies.calibration import calibrate

    keys = [key.strip() for group in params for key in group.split(",") if key.strip()]
    ranges: dict[str, tuple[float, float]] = {}
    for pair in bounds:
        key, _, span = pair.partition("=")
        low, colon, high = span.partition(":")
        try:
            ranges[key.strip()] = (float(low), float(high))
        except ValueError:
            colon = ""
        if not colon:
            raise InputError(f"The '--bounds' option must be KEY=LOW:HIGH. Got {pair!r} instead.")
    try:
        result = calibrate(
            data,
            keys,
            method=method,
            bounds=ranges,
            scenario=_load_scenario(scenario, sets, None, None),
            followers=followers,
            start=start,
            out=out,
            jobs=jobs,
            seed=seed,
            population=population,
            generations=generations,
            trials=trials,
            repeats=repeats,
            progress=not quiet,
        )
    except (ConfigError, GraphFileError) as error:
        raise InputError(str(error)) from None
    except KeyboardInterrupt:
        click.echo(
            f"interrupted: finished {'generations' if method == 'abc' else 'trials'} are stored "
            f"in {out}; run the same command again to continue",
            err=True,
        )
        raise SystemExit(130) from None
    if not quiet:
        click.echo(str(result))
        click.echo(f"wrote {out / 'report.md'} and the tables, figures and samples beside it")
