"""Running a sweep: every run on any executor, each result stored as it arrives.

:func:`sweep` sends the runs the store does not hold yet to an executor (a process pool by
default, a Dask cluster, or anything with ``submit``), keeps a bounded number in flight, and
writes every result to the :class:`~socialsim.studies.store.ResultsStore` from this process alone, so
workers need no shared file system. A run that raises is stored with its error and the sweep
goes on; a broken pool or Ctrl-C stops it with everything finished so far kept, and running
the same sweep again finishes the rest.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import json
import multiprocessing
import os
import signal
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from socialsim.brand.policies.protocol import describe
from socialsim.constraints import ConfigError
from socialsim.kpis import per_run
from socialsim.model import EngagementModel
from socialsim.scenario import Scenario
from socialsim.studies.store import ResultsStore
from socialsim.studies.sweeps import Run, Sweep

__all__ = ["SweepAborted", "SweepReport", "open_store", "sweep"]


class SweepAborted(RuntimeError):
    """The executor broke (a worker pool died); what finished is stored, the rest is not."""


@dataclass(frozen=True)
class SweepReport:
    """What one call of :func:`sweep` did.

    Attributes
    ----------
    store : ResultsStore
        The results; ``store.load()`` gives the DataFrame.
    total : int
        Runs in the sweep.
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


def open_store(spec: Sweep, out: str | Path) -> ResultsStore:
    """Create the results store of a sweep in ``out``, or open it again to resume it.

    Raises :class:`ConfigError` if ``out`` holds a different sweep or other files.
    """
    from socialsim import __version__

    source = spec.source.read_text(encoding="utf-8") if spec.source is not None else None
    return ResultsStore.prepare(
        out,
        spec.to_dict(),
        spec.design,
        spec.columns(),
        spec.trajectory_columns(),
        version=__version__,
        source=source,
    )


def sweep(
    spec: Sweep | str | Path,
    out: str | Path,
    *,
    executor: Any = None,
    jobs: int | None = None,
    retry_failed: bool = False,
    progress: bool = True,
    max_pending: int | None = None,
) -> SweepReport:
    """Run a sweep into a results store, skipping the runs the store already holds.

    Parameters
    ----------
    spec : Sweep, or path of a sweep TOML file
        What to run.
    out : str or Path
        The store's folder: new or empty, or the store of this same sweep, which is then
        completed (an interrupted sweep resumes where it stopped).
    executor : concurrent.futures.Executor-like, optional
        Anything with ``submit(fn, arg)`` returning :class:`concurrent.futures.Future`: a
        :class:`~concurrent.futures.ProcessPoolExecutor`, ``dask_client.get_executor()``, or a
        ``dask.distributed.Client`` itself. It is not shut down. Without it, ``jobs`` processes
        of a pool the sweep starts and stops.
    jobs : int, optional
        Worker processes when no executor is given; default every available core. ``1`` runs
        in this process, with no pool.
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
        The sweep is invalid, or ``out`` holds another sweep or another sweep is writing it.
    SweepAborted
        The executor broke; what finished is stored, and running the sweep again finishes it.
    KeyboardInterrupt
        After cancelling what was pending; what finished is stored.

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
    from socialsim import __version__

    if isinstance(spec, str | Path):
        spec = Sweep.from_toml(spec)
    if executor is not None and jobs is not None:
        raise ValueError("Pass either 'executor' or 'jobs', not both.")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ConfigError("jobs", jobs, "an int >= 1")
    started = time.perf_counter()
    store = open_store(spec, out)
    with store.lock():
        stored = store.status()
        todo = [
            run
            for run in spec.runs()
            if run.run_id not in stored or (retry_failed and stored[run.run_id] == "failed")
        ]
        trajectories = spec.settings.keep == "trajectories"
        tasks = (
            _Task(run, spec.scenario, spec.settings.kpis, trajectories, __version__) for run in todo
        )
        skipped = spec.n_runs - len(todo)
        counts = {"ok": 0, "failed": 0}
        with tqdm(
            total=spec.n_runs,
            initial=skipped,
            desc="sweep",
            unit="run",
            disable=not progress or not todo,
            dynamic_ncols=True,
        ) as bar:

            def keep(record: dict[str, Any], trajectory: pd.DataFrame | None) -> None:
                store.write(record, trajectory)
                counts[record["status"]] += 1
                bar.set_postfix_str(f"{counts['failed']} failed", refresh=False)
                bar.update()

            if executor is None and (jobs or _cpu_count()) == 1:
                for task in tasks:
                    keep(*_execute(task))
            elif executor is not None:
                if hasattr(executor, "get_executor"):  # a dask.distributed.Client
                    # pure=False: Dask need not hash every task to look for duplicates.
                    executor = executor.get_executor(pure=False)
                _drive(executor, tasks, max_pending or 4 * _worker_count(executor), keep)
            else:
                workers = jobs or _cpu_count()
                pool = cf.ProcessPoolExecutor(
                    workers,
                    # spawn: fresh interpreters, the same on every platform, and no fork of a
                    # parent that holds threads (tqdm's monitor, a Dask client's loop).
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_init,
                )
                try:
                    _drive(pool, tasks, max_pending or 4 * workers, keep)
                except BaseException:
                    _terminate(pool)
                    raise
                pool.shutdown(wait=True)
    return SweepReport(
        store, spec.n_runs, skipped, counts["ok"], counts["failed"], time.perf_counter() - started
    )


# ---------------------------------------------------------------------- one run, in a worker
@dataclass(frozen=True)
class _Task:
    run: Run
    scenario: Scenario
    kpis: tuple[str, ...]
    trajectories: bool
    version: str

    def record(self) -> dict[str, Any]:
        """The bookkeeping and parameter columns of this run's store record."""
        run = self.run
        return {
            "run_id": run.run_id,
            "point": run.point,
            "replicate": run.replicate,
            "seed": run.seed,
            "spawn_key": list(run.spawn_key),
            "version": self.version,
            **run.values,
        }


def _execute(task: _Task) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """Run one model and return its store record (and daily KPIs), never raising for a bad
    run: the error goes into the record, so one failure does not stop a sweep."""
    run = task.run
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = EngagementModel(task.scenario.replace(run.values), rng=run.seed_sequence())
            model.run()
            daily = model.kpis()
        except Exception as error:
            return _failed(task, error, caught, time.perf_counter() - started)
    record = task.record() | {
        "policy": json.dumps(describe(model.policy)),
        "status": "ok",
        "error": None,
        "traceback": None,
        "warnings": _joined(caught),
        "elapsed_s": time.perf_counter() - started,
    }
    record.update(per_run(daily[["day", *task.kpis]]).to_dict())
    if not task.trajectories:
        return record, None
    trajectory = daily[["day", *task.kpis]].astype(dict.fromkeys(task.kpis, "float64"))
    trajectory.insert(0, "run_id", run.run_id)
    trajectory.insert(1, "point", run.point)
    trajectory.insert(2, "replicate", run.replicate)
    return record, trajectory


def _failed(
    task: _Task,
    error: BaseException,
    caught: Iterable[warnings.WarningMessage] = (),
    elapsed_s: float = float("nan"),
) -> tuple[dict[str, Any], None]:
    """The store record of a run that raised, or whose execution did (a lost worker)."""
    record = task.record() | {
        "status": "failed",
        "error": " ".join(f"{type(error).__name__}: {error}".split()),
        "traceback": "".join(traceback.format_exception(error)),
        "warnings": _joined(caught),
        "elapsed_s": elapsed_s,
    }
    return record, None


def _joined(caught: Iterable[warnings.WarningMessage]) -> str | None:
    return "; ".join(dict.fromkeys(str(w.message) for w in caught)) or None


def _worker_init() -> None:
    """Set up a worker process of the pool a sweep starts itself.

    Ctrl-C is the parent's to handle (it cancels what is pending and keeps what is stored),
    and a worker whose parent was killed exits instead of waiting forever for work.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)


# ---------------------------------------------------------------------- many runs
def _drive(
    executor: Any,
    tasks: Iterable[_Task],
    window: int,
    keep: Callable[[dict[str, Any], pd.DataFrame | None], None],
) -> None:
    """Keep ``window`` runs in flight and store each result as it arrives."""
    pending: dict[cf.Future, _Task] = {}
    source = iter(tasks)

    def fill() -> None:
        while len(pending) < window:
            task = next(source, None)
            if task is None:
                return
            pending[executor.submit(_execute, task)] = task

    try:
        fill()
        while pending:
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            broken: BaseException | None = None
            for future in done:
                task = pending.pop(future)
                if future.cancelled():
                    continue
                error = future.exception()
                if error is None:
                    keep(*future.result())
                elif isinstance(error, cf.BrokenExecutor):
                    broken = error  # after storing the runs that finished alongside
                else:
                    # The run did not raise (_execute catches that): its execution did, e.g. a
                    # Dask worker that died too often (KilledWorker). Record it so that the
                    # sweep goes on and retry_failed can try it again.
                    keep(*_failed(task, error))
            if broken is not None:
                raise SweepAborted(
                    f"The worker pool broke ({type(broken).__name__}: {broken}); the runs that "
                    "finished are stored: run the same sweep again to finish the rest."
                ) from broken
            fill()
    except BaseException:
        for future in pending:
            future.cancel()
        raise


def _terminate(pool: cf.ProcessPoolExecutor) -> None:
    """Stop a pool now, running runs included (Ctrl-C should not wait for long runs)."""
    terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)


def _cpu_count() -> int:
    if hasattr(os, "process_cpu_count"):  # Python >= 3.13: honours CPU affinity
        return os.process_cpu_count() or 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _worker_count(executor: Any) -> int:
    """How many runs the executor works on at once, as far as it says."""
    workers = getattr(executor, "_max_workers", None)  # process and thread pools
    if isinstance(workers, int):
        return workers
    client = getattr(executor, "_client", None)  # dask.distributed's ClientExecutor
    if client is not None:
        with contextlib.suppress(Exception):
            return max(1, sum(client.nthreads().values()))
    return _cpu_count()


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"
