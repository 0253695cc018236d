"""The ``socialsim`` command line.

Every bad value or file ends in a one-line error and exit code 2, never a traceback, and
Ctrl-C in exit code 130 with a short message. The commands that run the model share their
options (``--set``, ``--days``, ``--seed``, ``--out``, ``--quiet``; ``--jobs``,
``--scheduler`` and ``--retry-failed`` where there are many runs). Libraries load inside the
commands, so ``socialsim --help`` starts in a fraction of a second.
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from typing import Any

import click

from socialsim._version import __version__
from socialsim.cli.calibrate import calibrate_command
from socialsim.cli.dashboard import dashboard_command
from socialsim.cli.options import (
    DAYS,
    QUIET,
    SET,
    InputError,
    interrupted,
    one_line_errors,
    out_option,
    overrides,
)
from socialsim.cli.studies import compare_command, sweep_command

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="socialsim")
def main() -> None:
    """socialsim: simulate a brand's fans on a social graph and test how to answer them.

    Start with `socialsim run` (the built-in default scenario); see `socialsim parameters`
    for every setting a scenario file or --set can change.
    """


# ---------------------------------------------------------------------- one run
@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False, path_type=Path))
@SET
@click.option("--seed", type=int, help="Root seed of every random draw (overrides run.seed).")
@DAYS
@out_option("socialsim-out", "Folder for kpis.csv, kpis.png and scenario.json.")
@click.option("--fans", is_flag=True, help="Also write fans.csv, every person's final state.")
@QUIET
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
    graph for 180 days. One run is one process: there is no --jobs.
    """
    from socialsim.constraints import ConfigError
    from socialsim.model import EngagementModel
    from socialsim.scenario import Scenario, missing_files
    from socialsim.studies.folders import writable_folder
    from socialsim.studies.plotting import plot_kpis
    from socialsim.value import value_and_cost

    with one_line_errors():
        config = Scenario.from_toml(scenario) if scenario is not None else Scenario()
        changes = overrides(sets)
        changes.update({k: v for k, v in (("run.seed", seed), ("run.days", days)) if v is not None})
        config = config.replace(changes)
        for key, path in missing_files(config).items():  # named by its key, before any work
            raise ConfigError(key, path, "an existing file")
        writable_folder(out)
        started = time.perf_counter()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                model = EngagementModel(config)
            for warning in caught:
                click.echo(f"warning: {warning.message}", err=True)
            model.run(progress=not quiet)
        except KeyboardInterrupt:
            raise interrupted(
                "nothing was written (a run's files are written when it ends)"
            ) from None
        elapsed = time.perf_counter() - started

    # Every daily KPI `socialsim kpis` lists, the priced and derived ones too, as studies keep.
    kpis = value_and_cost(model.kpis(), value=config.value, cost=config.cost)
    kpis.to_csv(out / "kpis.csv", index=False)
    (out / "scenario.json").write_text(json.dumps(config.to_dict(), indent=2) + "\n")
    plot_kpis(kpis, out / "kpis.png")
    if fans:
        model.fans().to_csv(out / "fans.csv")
    if not quiet:
        click.echo(_summary(kpis, model.graph.n_nodes, elapsed))
        click.echo(f"wrote {out / 'kpis.csv'}, {out / 'kpis.png'}, {out / 'scenario.json'}")


def _summary(kpis: Any, n_people: int, elapsed: float) -> str:
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
@click.option(
    "--role",
    type=click.Choice(["assumption", "lever", "fixed"]),
    help="Only the assumptions (with their priors), the levers, or the fixed parameters.",
)
def parameters(prefix: str, role: str | None) -> None:
    """List every scenario parameter with its default, range, meaning and role.

    PREFIX limits the list, e.g. `socialsim parameters wom`. The role says whether a
    parameter is an assumption (with the plausible range and distribution a robust comparison
    draws from), a lever the brand decides (never sampled) or fixed, and why.
    """
    from socialsim.assumptions import describe_role
    from socialsim.scenario import PARAMETERS, Scenario

    defaults = Scenario().flat()
    shown = [key for key in PARAMETERS if key.startswith(prefix)]
    if role is not None:
        shown = [key for key in shown if describe_role(key).startswith(role)]
    if not shown:
        which = f" with the role {role!r}" if role else ""
        raise InputError(f"No parameter starts with {prefix!r}{which}.")
    for key in shown:
        meta = PARAMETERS[key].metadata
        click.echo(f"{key} = {defaults[key]!r}    ({meta['constraint'].describe()})")
        click.echo(f"    {meta['doc']}")
        click.echo(f"    {describe_role(key)}")
    click.echo(f"\n{SOURCES}")


SOURCES = (
    "Sources: every default's is in the parameter tables of docs/model.md (§7, Submodels);\n"
    "those cited as 'references.md' or 'references-brand.md §N' are docs/references.md and\n"
    "docs/references-brand.md, in socialsim's repository."
)
"""Where the sources ``socialsim parameters`` cites are: the files are the repository's."""


# ---------------------------------------------------------------------- canned experiments
@main.group(invoke_without_command=True)
@click.pass_context
def experiments(context: click.Context) -> None:
    """List the canned experiments and the question each one asks.

    `socialsim experiments show NAME` prints one, to copy into a file and edit.
    """
    if context.invoked_subcommand is not None:
        return
    from socialsim.studies.experiment import canned_experiments, load_experiment

    for name in canned_experiments():
        click.echo(f"{name:26} {load_experiment(name).question}")
    click.echo("\nSee one with: socialsim experiments show NAME")
    click.echo("Run one with: socialsim compare NAME")


@experiments.command()
@click.argument("name")
def show(name: str) -> None:
    """Print the TOML file of the canned experiment NAME."""
    from socialsim.constraints import ConfigError, did_you_mean
    from socialsim.studies.experiment import canned_experiments, one_of_the_canned

    canned = canned_experiments()
    if name not in canned:
        raise InputError(
            str(
                ConfigError(
                    "experiment", name, one_of_the_canned(canned), did_you_mean(name, canned)
                )
            )
        )
    click.echo(canned[name].read_text(encoding="utf-8"), nl=False)


@main.command(name="kpis")
@click.option("--markdown", is_flag=True, help="Print a Markdown table (as in docs/model.md).")
def kpis_command(markdown: bool) -> None:
    """List every KPI: its unit, which way is better, how a run sums it up, and its meaning.

    `-` under "better" marks a KPI that is neither better higher nor lower: it is never ranked.
    A run's daily table (`socialsim run`'s kpis.csv, a study's) holds every KPI but the ratios
    ("ratio of totals"), which exist per run only; from Python, `model.kpis()` holds the
    model's own and `socialsim.value.value_and_cost` adds the priced and derived ones.
    """
    from socialsim.kpis import listing  # here: the other commands do not need it

    click.echo(listing(markdown=markdown))


main.add_command(compare_command)
main.add_command(dashboard_command)
main.add_command(calibrate_command)
main.add_command(sweep_command)
