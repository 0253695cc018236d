"""socialsim dashboard: the live workshop view, served by Solara (socialsim[dashboard])."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from socialsim.cli.options import InputError


@click.command(name="dashboard")
@click.argument("scenario", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--experiment", help="Open a canned experiment (workshop mode), e.g. crisis.")
@click.option(
    "--people",
    type=int,
    help="Population size (default: the scenario's, capped at 5,000 so that the page steps "
    "quickly; a size given is taken as it is).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=int, default=8765, show_default=True, help="Port to listen on (0: any free)."
)
def dashboard_command(
    scenario: Path | None, experiment: str | None, people: int | None, host: str, port: int
) -> None:
    """Serve the live workshop dashboard: two strategies side by side, in a browser.

    SCENARIO is the world both sides start from (see `socialsim parameters`). Only this
    machine can open the page unless --host says otherwise. Needs socialsim[dashboard].
    """
    from socialsim.constraints import ConfigError

    if not 0 <= port <= 65535:
        raise InputError(f"The '--port' option must be an int in [0, 65535]. Got {port} instead.")
    # Each input is checked here, so a mistake ends in one line before anything is served; the
    # libraries a check needs are imported only for an input that needs it (the plain command
    # then serves its page sooner, and the simulation loads while the browser loads the page).
    config = None
    try:
        if scenario is not None or people is not None:
            from socialsim.scenario import Scenario

            config = Scenario.from_toml(scenario) if scenario is not None else Scenario()
            if people is not None:
                if people < 2:
                    raise ConfigError("--people", people, "an int >= 2")
                config = config.replace({"graph.n": people})
        if experiment is not None:
            from socialsim.studies.experiment import load_experiment

            load_experiment(experiment)
    except ConfigError as error:
        raise InputError(str(error)) from None
    if importlib.util.find_spec("solara") is None:
        raise InputError(
            "The dashboard needs Solara, which is not installed. Install it with: "
            "pip install 'socialsim[dashboard]'"
        )
    from socialsim.dashboard.server import serve

    try:
        serve(config, experiment=experiment, people=people, host=host, port=port, echo=click.echo)
    except ConfigError as error:
        raise InputError(str(error)) from None
