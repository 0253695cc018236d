"""socialsim calibrate: fit assumptions to a brand's observed data (socialsim[calibration])."""

from __future__ import annotations

from pathlib import Path

import click

from socialsim.cli.options import InputError, out_option, overrides


def _load_scenario(path: Path | None, sets: tuple[str, ...]):
    from socialsim.scenario import Scenario

    scenario = Scenario.from_toml(path) if path is not None else Scenario()
    return scenario.replace(overrides(sets))


@click.command(name="calibrate")
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
@out_option(
    "socialsim-calibration",
    "Folder of the fit: run the same command again to continue an interrupted fit.",
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
    from socialsim.constraints import ConfigError
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
            scenario=_load_scenario(scenario, sets),
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
