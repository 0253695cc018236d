"""The ``socialsim`` command line.

Every bad value or file ends in a one-line error and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path

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
    from socialsim.loaders import GraphFileError
    from socialsim.model import EngagementModel
    from socialsim.plotting import plot_kpis

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
    from socialsim.compare import compare
    from socialsim.experiment import load_experiment
    from socialsim.loaders import GraphFileError

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
    from socialsim.experiment import canned_experiments, load_experiment

    for name in canned_experiments():
        click.echo(f"{name:26} {load_experiment(name).question}")
    click.echo("\nRun one with: socialsim compare NAME --out DIR")
