"""Running many runs of the model, a sweep's or a comparison's, each result stored as it arrives.

A :class:`Study` is what both have in common: a design (a table of points, one column per
factor), replicates with their seeds, the scenario of each point and the KPIs to keep. A
sweep's factors are scenario parameters (:class:`~socialsim.studies.sweeps.Sweep`); a
comparison has one factor, the strategy (:func:`socialsim.compare`).

:func:`run_study` sends the runs the store does not hold yet to an executor (a process pool by
default, a Dask cluster, or anything with ``submit``), keeps a bounded number in flight, and
writes every result to the :class:`~socialsim.studies.store.ResultsStore` from this process
alone, so workers need no shared file system. A run that raises is stored with its error and
the study goes on; a broken pool or Ctrl-C stops it with everything finished so far kept, and
running the same study again finishes the rest.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, Unpack

import pandas as pd
from tqdm.auto import tqdm

from socialsim.scenario import Scenario
from socialsim.studies.designs import Design, python_rows
from socialsim.studies.store import ResultsStore
from socialsim.studies.sweeps import Run, Sweep
from socialsim.studies.workers import (
    JOBS,
    SweepAborted,
    Task,
    check_workers_can_start,
    cpu_count,
    run_all,
)

__all__ = [
    "JOBS",
    "RunOptions",
    "Study",
    "SweepAborted",
    "SweepReport",
    "check_options",
    "open_store",
    "run_study",
    "sweep",
]


@dataclass(frozen=True)
class SweepReport:
    """What one call of :func:`run_study` (:func:`sweep`, a comparison) did.

    Attributes
    ----------
    store : ResultsStore
        The results; ``store.load()`` gives the DataFrame.
    total : int
        Runs in the study.
    skipped : int
        Runs already stored when the call began (finished, or failed without ``retry_failed``).
    completed : int
        Runs that finished in this call.
    failed : int
        Runs that raised in this call (stored with their error).
    elapsed_s : float
        Wall time of the call.
    """

    store: ResultsStore
    total: int
    skipped: int
    completed: int
    failed: int
    elapsed_s: float

    def __str__(self) -> str:
        return (
            f"{self.total:,} runs: {self.skipped:,} already stored, {self.completed:,} finished "
            f"and {self.failed:,} failed now, in {_duration(self.elapsed_s)} -> {self.store.path}"
        )


@dataclass(frozen=True)
class Study:
    """Many runs of the model, as the runner and the results store see them.

    Attributes
    ----------
    kind : {"sweep", "comparison"}
        What it is; a store holds one kind.
    spec : mapping
        The study as JSON-ready data; a store refuses to complete another one.
    design : Design
        One row per point, one column per factor; the store's factor columns.
    runs : sequence of Run
        Every run, in the order to run them (whole replicates first).
    base : Scenario
        The scenario every point changes.
    overrides : sequence of dict
        Per point, the changes to ``base`` that make its scenario.
    kpis : tuple of str
        The KPIs each run keeps.
    trajectories : bool
        Also keep every run's daily KPIs.
    source : str, optional
        The text of the file the study came from (the store keeps a copy).
    """

    kind: str
    spec: Mapping[str, Any]
    design: Design
    runs: Sequence[Run]
    base: Scenario
    overrides: Sequence[Mapping[str, Any]]
    kpis: tuple[str, ...]
    trajectories: bool
    source: str | None = None

    @classmethod
    def of_sweep(cls, spec: Sweep) -> Study:
        """A sweep as a study: its parameters are the factors."""
        names = spec.design.names
        return cls(
            kind="sweep",
            spec=spec.to_dict(),
            design=spec.design,
            runs=spec.runs(),
            base=spec.scenario,
            overrides=[
                dict(zip(names, row, strict=True)) for row in python_rows(spec.design.values)
            ],
            kpis=spec.settings.kpis,
            trajectories=spec.settings.keep == "trajectories",
            source=spec.source.read_text(encoding="utf-8") if spec.source is not None else None,
        )


@contextlib.contextmanager
def open_store(study: Study | Sweep, out: str | Path) -> Iterator[ResultsStore]:
    """Create the results store of a study in ``out``, or open it again to resume it, and hold
    its lock until the block ends.

    Raises :class:`ConfigError` if ``out`` cannot be written, holds another study or other
    files, or another process is writing it.
    """
    from socialsim import __version__

    if isinstance(study, Sweep):
        study = Study.of_sweep(study)
    with ResultsStore.open(
        out,
        study.kind,
        study.spec,
        study.design,
        study.kpis,
        version=__version__,
        source=study.source,
    ) as store:
        yield store


class RunOptions(TypedDict, total=False):
    """How :func:`run_study` runs a study: see its parameters."""

    executor: Any
    jobs: int | None
    retry_failed: bool
    progress: bool
    max_pending: int | None


def sweep(spec: Sweep | str | Path, out: str | Path, **options: Unpack[RunOptions]) -> SweepReport:
    """Run a sweep into a results store, skipping the runs the store already holds.

    Parameters
    ----------
    spec : Sweep, or path of a sweep TOML file
        What to run.
    out : str or Path
        The store's folder: new or empty, or the store of this same sweep, which is then
        completed (an interrupted sweep resumes where it stopped).
    **options
        ``executor``, ``jobs``, ``retry_failed``, ``progress``, ``max_pending``: as for
        :func:`run_study`.

    Returns
    -------
    SweepReport

    Raises
    ------
    ConfigError
        The sweep file is invalid; and what :func:`run_study` raises.

    Examples
    --------
    >>> import tempfile
    >>> from socialsim import Scenario
    >>> small = Scenario().replace({"graph.n": 200, "run.days": 5})
    >>> spec = Sweep({"wom.negativity": [1.0, 3.0]}, scenario=small)
    >>> out = tempfile.mkdtemp()
    >>> print(sweep(spec, out, jobs=1, progress=False).completed)
    2
    >>> print(sweep(spec, out, jobs=1, progress=False).skipped)  # run again: nothing left to do
    2
    """
    if isinstance(spec, str | Path):
        spec = Sweep.from_toml(spec)
    return run_study(Study.of_sweep(spec), out, **options)


def check_options(executor: Any, jobs: int | None) -> None:
    """Refuse what :func:`run_study` would refuse of ``executor`` and ``jobs``, for a caller
    that makes the store first; and a study that would start a process pool whose workers
    could not start (:func:`~socialsim.studies.workers.check_workers_can_start`: in a worker
    process importing the user's script again, or from a script that is not a file), before
    it reaches the store. (A study run in this process, ``jobs=1``, goes on as before.)

    >>> check_options(None, 0)
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'jobs' parameter must be an int >= 1. Got 0 instead.
    """
    if executor is None and (jobs or cpu_count()) > 1:
        check_workers_can_start()
    if executor is not None and jobs is not None:
        raise ValueError("Pass either 'executor' or 'jobs', not both.")
    if jobs is not None:
        JOBS.check("jobs", jobs)


def run_study(
    study: Study,
    out: str | Path | ResultsStore,
    *,
    executor: Any = None,
    jobs: int | None = None,
    retry_failed: bool = False,
    progress: bool = True,
    max_pending: int | None = None,
) -> SweepReport:
    """Run a study into a results store, skipping the runs the store already holds.

    Parameters
    ----------
    study : Study
        What to run.
    out : str, Path or ResultsStore
        The store's folder: new or empty, or the store of this same study. Or the store itself,
        held open by :func:`open_store` for this study: the caller then keeps its lock from
        its own checks to the last run written, so that no other process can take the store
        in between (the command line checks the store before it starts a cluster).
    executor : concurrent.futures.Executor-like, optional
        Anything with ``submit(fn, arg)`` returning :class:`concurrent.futures.Future`: a
        :class:`~concurrent.futures.ProcessPoolExecutor`, ``dask_client.get_executor()``, or a
        ``dask.distributed.Client`` itself. It is not shut down. Without it, ``jobs`` processes
        of a pool the study starts and stops.
    jobs : int, optional
        Worker processes when no executor is given (:data:`JOBS`); default every available
        core. ``1`` runs in this process, with no pool.
    retry_failed : bool, default False
        Run again the runs stored as failed.
    progress : bool, default True
        Show a progress bar: runs done, failed, time left.
    max_pending : int, optional
        Runs submitted ahead of the results (default four per worker), which bounds memory
        and keeps Ctrl-C prompt.

    Returns
    -------
    SweepReport

    Raises
    ------
    ConfigError
        ``jobs`` is invalid, or ``out`` holds another study or another study is writing it.
    ValueError
        ``out`` is a store that is not held open by :func:`open_store` for this study.
    SweepAborted
        The executor broke; what finished is stored, and running it again finishes it.
    KeyboardInterrupt
        After cancelling what was pending; what finished is stored.
    """
    from socialsim import __version__

    check_options(executor, jobs)
    if isinstance(out, ResultsStore) and not out.holds(study.kind, study.spec):
        raise ValueError(
            f"The store {out.path} must be held open by open_store for this {study.kind}: "
            "it holds another study, or its block has ended."
        )
    started = time.perf_counter()
    with contextlib.ExitStack() as held:
        store = out if isinstance(out, ResultsStore) else held.enter_context(open_store(study, out))
        stored = store.status()
        todo = [
            run
            for run in study.runs
            if run.run_id not in stored or (retry_failed and stored[run.run_id] == "failed")
        ]
        tasks = (
            Task(
                run,
                study.base,
                study.overrides[run.point],
                study.kpis,
                study.trajectories,
                __version__,
            )
            for run in todo
        )
        total = len(study.runs)
        skipped = total - len(todo)
        counts = {"ok": 0, "failed": 0}
        with tqdm(
            total=total,
            initial=skipped,
            desc=study.kind,
            unit="run",
            disable=not progress or not todo,
            dynamic_ncols=True,
        ) as bar:

            def keep(record: dict[str, Any], trajectory: pd.DataFrame | None) -> None:
                store.write(record, trajectory)
                counts[record["status"]] += 1
                bar.set_postfix_str(f"{counts['failed']} failed", refresh=False)
                bar.update()

            run_all(tasks, keep, executor=executor, jobs=jobs, max_pending=max_pending)
    return SweepReport(
        store, total, skipped, counts["ok"], counts["failed"], time.perf_counter() - started
    )


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"
