"""What the commands share: options, one-line errors, and what Ctrl-C says.

Nothing outside the command line is imported at the top of its modules, so that --help
loads click alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

__all__ = [
    "DAYS",
    "MANY_RUNS",
    "QUIET",
    "SET",
    "InputError",
    "base_changes",
    "check_jobs",
    "interrupted",
    "one_line_errors",
    "out_option",
    "overrides",
]


class InputError(click.ClickException):
    """A bad value, option or file: one line on stderr and exit code 2."""

    exit_code = 2


@contextlib.contextmanager
def one_line_errors() -> Iterator[None]:
    """Turn a bad setting, graph file or path into :class:`InputError`."""
    from socialsim.constraints import ConfigError
    from socialsim.network.loaders import GraphFileError

    try:
        yield
    except (ConfigError, GraphFileError) as error:
        raise InputError(str(error)) from None
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError) as error:
        raise InputError(f"{error.strerror}: {error.filename}") from None


def interrupted(message: str) -> click.exceptions.Exit:
    """Say what Ctrl-C kept, and the exit (130, as a shell reports SIGINT) to raise."""
    click.echo(f"interrupted: {message}", err=True)
    return click.exceptions.Exit(130)


# ---------------------------------------------------------------------- shared options
def _options(*decorators: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Several click options as one decorator."""

    def apply(command: Any) -> Any:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return apply


SET = click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Change one scenario parameter by dotted key, e.g. --set wom.negativity=2 "
    "(repeatable; `socialsim parameters` lists them).",
)
DAYS = click.option("--days", type=int, help="Days to simulate.")
QUIET = click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
MANY_RUNS = _options(
    click.option(
        "--jobs",
        "-j",
        type=int,
        help="Worker processes (default: every core; 1 runs in this process). With "
        "--scheduler local, the LocalCluster's workers.",
    ),
    click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run on a Dask cluster: a scheduler's address (tcp://host:8786), or 'local' to "
        "start a LocalCluster on this machine. Needs socialsim[dask].",
    ),
    click.option("--retry-failed", is_flag=True, help="Run again the runs stored as failed."),
)


def out_option(default: str | None, what: str, required: bool = True) -> Callable[[Any], Any]:
    """The ``--out`` option: a folder, ``default`` when given; without one, required unless
    the command works one out itself (``required=False``, its help saying which)."""
    # No default at all, rather than None: click 8.2 and later take an explicit None for a
    # value given, and never ask for a required option.
    given = {"default": Path(default)} if default else {}
    return click.option(
        "--out",
        type=click.Path(path_type=Path),  # a file given is refused in one line, as bad input is
        required=default is None and required,
        show_default=default is not None,
        help=what,
        **given,
    )


def overrides(pairs: tuple[str, ...]) -> dict[str, object]:
    from socialsim.scenario import parse_value

    changes: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"The '--set' option must be KEY=VALUE. Got {pair!r} instead.")
        changes[key.strip()] = parse_value(value.strip())
    return changes


def base_changes(sets: tuple[str, ...], fixed: dict[str, str]) -> dict[str, object]:
    """``--set`` for many runs: it changes the base scenario, never what the study varies
    (``fixed``: key -> who sets it) nor the seed and horizon, which have options."""
    from socialsim.constraints import ConfigError

    changes = overrides(sets)
    fixed = {"run.seed": "the --seed option", "run.days": "the --days option", **fixed}
    for key, value in changes.items():
        if key in fixed:
            raise ConfigError(
                "--set",
                f"{key}={value}",
                "a scenario parameter that the study does not set itself",
                f"'{key}' is set by {fixed[key]}.",
            )
    return changes


def check_jobs(jobs: int | None, scheduler: str | None) -> None:
    from socialsim.studies.workers import JOBS

    if jobs is not None:
        with one_line_errors():
            JOBS.check("jobs", jobs)
    if scheduler is not None and scheduler != "local" and jobs is not None:
        raise InputError(
            f"The '--jobs' option must be left out with --scheduler {scheduler} (the cluster has "
            f"its own workers). Got {jobs} instead."
        )
