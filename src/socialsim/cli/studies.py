"""The commands that run many simulations: ``compare`` and ``sweep``.

Both run a study (:mod:`socialsim.studies.runner`) into a resumable results store in
``--out``, on a process pool or a Dask cluster, and share every option that means the same.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shlex
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from socialsim.cli.options import (
    DAYS,
    MANY_RUNS,
    QUIET,
    SET,
    InputError,
    base_changes,
    check_jobs,
    interrupted,
    one_line_errors,
    out_option,
)

__all__ = ["compare_command", "sweep_command"]


@click.command(name="compare")
@click.argument("experiment")
@SET
@click.option("--seed", type=int, help="Root seed of the replicates (overrides the experiment's).")
@DAYS
@click.option("--replicates", type=int, help="Runs per strategy (overrides the experiment's).")
@MANY_RUNS
@click.option(
    "--robust",
    type=int,
    metavar="N",
    help="Also run every strategy in N plausible worlds drawn from the assumptions' priors "
    "(a seeded Latin hypercube) and report who wins in what share of worlds, the regret, and "
    "which assumptions flip the answer (docs/robustness.md). Stored in OUT/robust.",
)
@click.option(
    "--priors",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --robust: draw the worlds from posterior draws in this Parquet file (one column "
    "per parameter, one row per draw, an optional 'weight'), e.g. a calibration's "
    "posterior.parquet; assumptions it lacks still come from their priors.",
)
@click.option(
    "--hold",
    multiple=True,
    metavar="KEY",
    help="With --robust: keep this assumption at the base scenario's value in every world "
    "(repeatable).",
)
@out_option(
    None,
    "Results store, tables, figures and report [default: socialsim-compare/EXPERIMENT].",
    required=False,
)
@QUIET
def compare_command(
    experiment: str,
    sets: tuple[str, ...],
    seed: int | None,
    days: int | None,
    replicates: int | None,
    jobs: int | None,
    scheduler: str | None,
    retry_failed: bool,
    robust: int | None,
    priors: Path | None,
    hold: tuple[str, ...],
    out: Path | None,
    quiet: bool,
) -> None:
    """Compare strategies on paired replicates and write a report.

    EXPERIMENT is an experiment TOML file or the name of a canned experiment (see `socialsim
    experiments`). Every strategy runs on the same replicates (common random numbers), so
    differences come from the strategies, not from luck. --set changes the base scenario of
    every strategy. With --robust N every strategy also runs in N plausible worlds, to see
    whether the answer holds across the assumptions nobody has measured. Each finished run is
    stored in --out as it completes: run the same command again after an interruption to
    finish the rest. Exit code 1 if runs failed.
    """
    import pandas as pd

    from socialsim.studies import robust as robust_study
    from socialsim.studies.compare import Comparison, robust_kept_in, study
    from socialsim.studies.experiment import load_experiment

    check_jobs(jobs, scheduler)
    if robust is None and (priors is not None or hold):
        raise InputError("The '--priors' and '--hold' options need --robust N.")
    out = out or Path("socialsim-compare") / Path(experiment).stem
    with one_line_errors(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = load_experiment(experiment)
        fixed = {k: f"strategy '{n}'" for n, o in loaded.strategies.items() for k in o}
        changes = base_changes(sets, fixed)
        settings = {"days": days, "seed": seed, "replicates": replicates}
        loaded = dataclasses.replace(
            loaded,
            base=loaded.base.replace(changes),
            **{k: v for k, v in settings.items() if v is not None},
        )
        runs = study(loaded)  # checked before any run, as the worlds are
        plausible = None
        if robust is not None:  # drawn and checked before any run
            plausible = robust_study.study(loaded, robust, priors=priors, hold=hold)
            drawn = plausible.spec["worlds"]
            for key in changes:
                if key in drawn["priors"] or key in drawn["posterior"]:
                    click.echo(
                        f"warning: --set {key} changes an assumption the plausible worlds "
                        f"vary; keep it in every world with --hold {key}",
                        err=True,
                    )
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    # Both stores are held until the report is written beside them: let go in between, they
    # could be taken by another command, which this one would then fail on.
    with contextlib.ExitStack() as held:
        report = _many_runs(runs, out, scheduler, jobs, retry_failed, quiet, held)
        result = Comparison.from_store(loaded, report.store)
        # What the user ran, repeated by the robust analysis the report and the terminal
        # suggest: it is of the same comparison.
        given = [str(experiment), *(token for s in sets for token in ("--set", s))]
        given += [
            t
            for k, v in (("days", days), ("seed", seed))
            if v is not None
            for t in (f"--{k}", str(v))
        ]
        result.ran, result.out = " ".join(map(shlex.quote, given)), out
        if plausible is not None:
            options = (scheduler, jobs, retry_failed, quiet, held)
            ran = _many_runs(plausible, out / "robust", *options)
            result.robust = robust_study.RobustComparison.from_store(loaded, ran.store)
        else:  # run again without --robust: what it analysed before stays in the report
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result.robust = robust_kept_in(out)
            for warning in caught:
                click.echo(f"warning: {warning.message}", err=True)
        paths = result.save(out)
    if quiet:
        return
    table = result.differences()
    # each KPI's strategies, then the baseline: its rank is among theirs, as in the report
    table = table.assign(
        order=table["kpi"].map(list(loaded.kpis).index), last=table["strategy"] == loaded.baseline
    ).sort_values(["order", "last"], kind="stable")
    click.echo(f"{loaded.name}: {loaded.question}")
    click.echo(f"difference from '{loaded.baseline}' (paired, 95% CI):")
    for row in table.itertuples():
        tied = "  (cannot be told from the best)" if row.tied_with_best else ""
        rank = "–" if pd.isna(row.rank) else row.rank
        # An undefined difference (no episode detected: no delay) is '–', as in the report,
        # and so is an interval one replicate cannot give.
        low, high = (f"{x:+.2f}" if pd.notna(x) else "–" for x in (row.ci_low, row.ci_high))
        # A difference the same in every replicate has no interval to show, as in the report.
        same = row.difference == row.ci_low == row.ci_high
        spread = "in every replicate" if same else f"[{low}, {high}]"
        shown = f"{row.difference:+10.2f} {spread}" if pd.notna(row.difference) else f"{'–':>10}"
        if row.last:
            shown = f"{'(baseline)':>10}"
        click.echo(f"  {row.kpi:24} {row.strategy:28} {shown}  rank {rank}{tied}")
    if result.robust is None:
        click.echo(
            "across plausible worlds: not analysed (the intervals cover simulation noise "
            f"only); run: {result.robust_command()}"
        )
    else:
        click.echo(f"across {result.robust.n_worlds} plausible worlds:")
        click.echo(f"  {result.robust.headline()}")
        for sentence in dict.fromkeys(result.robust.flips()["description"]):
            click.echo(f"  {sentence}")
    click.echo(f"wrote {paths['report_html']} and the tables and data beside it")


@click.command(name="sweep")
@click.argument("sweep_file", metavar="SWEEP.toml", type=click.Path(dir_okay=False, path_type=Path))
@SET
@click.option("--seed", type=int, help="Root seed of the sweep (overrides sweep.seed).")
@DAYS
@MANY_RUNS
@out_option(None, "Folder of the results store: new, or the store of this sweep to resume it.")
@QUIET
def sweep_command(
    sweep_file: Path,
    sets: tuple[str, ...],
    seed: int | None,
    days: int | None,
    jobs: int | None,
    scheduler: str | None,
    retry_failed: bool,
    out: Path,
    quiet: bool,
) -> None:
    """Run a parameter sweep into a resumable Parquet results store.

    SWEEP.toml names the base scenario, the parameters to vary, the design (grid, lhs, sobol,
    saltelli, morris), the replicates, the seed and what to keep; see docs/sweeps.md and
    experiments/sweeps/. --set and --days change the base scenario (not a swept parameter).
    Run the same command again after an interruption: it skips the runs that are stored and
    finishes the rest. Exit code 1 if runs failed (see --retry-failed). Load the results with
    socialsim.load_results(OUT).
    """
    from socialsim.studies.runner import Study
    from socialsim.studies.sweeps import Sweep

    check_jobs(jobs, scheduler)
    with one_line_errors(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = Sweep.from_toml(sweep_file)
        changes = base_changes(sets, dict.fromkeys(spec.parameters, "the sweep's [parameters]"))
        if days is not None:
            changes["run.days"] = days
        if changes or seed is not None:
            settings = dataclasses.asdict(spec.settings) | ({} if seed is None else {"seed": seed})
            spec = Sweep(
                spec.parameters,
                scenario=spec.scenario.replace(changes),
                source=spec.source,
                **settings,
            )
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    with contextlib.ExitStack() as held:
        _many_runs(Study.of_sweep(spec), out, scheduler, jobs, retry_failed, quiet, held)
    if not quiet:
        click.echo(
            f"read them in Python: socialsim.load_results({str(out)!r}); sensitivity "
            "indices and plots: docs/sweeps.md, 'Analysis'"
        )


def _many_runs(
    study: Any,
    out: Path,
    scheduler: str | None,
    jobs: int | None,
    retry_failed: bool,
    quiet: bool,
    held: contextlib.ExitStack,
) -> Any:
    """Check the store, run a study on a cluster or a pool, and say how it went.

    The store is checked before a cluster starts and held, its lock taken, until ``held``
    closes: at least until its last run is written, so that no other command can take it in
    between and make this one fail on its own store.

    Exits 130 on Ctrl-C and 1 if runs failed (both with what is stored kept), 2 on bad input.
    """
    from socialsim.constraints import ConfigError
    from socialsim.studies.runner import SweepAborted, open_store, run_study

    with one_line_errors(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        store = held.enter_context(open_store(study, out))
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    with contextlib.ExitStack() as stack:
        executor = stack.enter_context(_dask_client(scheduler, jobs)) if scheduler else None
        try:
            report = run_study(
                study,
                store,
                executor=executor,
                jobs=jobs if executor is None else None,
                retry_failed=retry_failed,
                progress=not quiet,
            )
        except KeyboardInterrupt:
            stored = sum(state == "ok" for state in store.status().values())
            raise interrupted(
                f"{stored:,} of {len(study.runs):,} runs are stored in {out}; run the same "
                "command again to finish the rest"
            ) from None
        except ConfigError as error:
            raise InputError(str(error)) from None
        except SweepAborted as error:
            raise click.ClickException(str(error)) from None
    failed = sum(state == "failed" for state in report.store.status().values())
    if not quiet:
        click.echo(str(report))
    if failed:
        click.echo(
            f"{failed:,} runs failed (see the 'error' column of socialsim.load_results('{out}')); "
            "run again with --retry-failed to retry them",
            err=True,
        )
        raise SystemExit(1)
    return report


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
