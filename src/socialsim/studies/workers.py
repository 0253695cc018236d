"""One run in a worker process, and many runs kept in flight on any executor.

:func:`run_all` runs tasks in this process (one job), on a process pool it starts and stops,
or on any executor with ``submit`` (a Dask cluster). It keeps a bounded number in flight and
hands each result to a callback in this process, which stores it. :func:`execute` runs one
model and never raises for a bad run: the error becomes the run's record.
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import contextlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from socialsim.brand.policies.protocol import describe
from socialsim.constraints import Interval
from socialsim.kpis import per_run
from socialsim.model import EngagementModel
from socialsim.scenario import Scenario
from socialsim.studies.schema import daily_kpis
from socialsim.studies.sweeps import Run
from socialsim.value import value_and_cost

__all__ = [
    "JOBS",
    "StudyPool",
    "SweepAborted",
    "Task",
    "check_workers_can_start",
    "cpu_count",
    "execute",
    "pool_context",
    "process_pool",
    "run_all",
    "unguarded_script",
]

JOBS = Interval(1, None, integer=True)
"""The one rule for ``jobs`` (``--jobs``): worker processes, when given; every available core
when not. Checked with :meth:`~socialsim.constraints.Interval.check`, so the error reads like
any other bad setting."""

Keep = Callable[[dict[str, Any], pd.DataFrame | None], None]


class SweepAborted(RuntimeError):
    """The executor broke (a worker pool died); what finished is stored, the rest is not."""


def run_all(
    tasks: Iterable[Task],
    keep: Keep,
    *,
    executor: Any = None,
    jobs: int | None = None,
    max_pending: int | None = None,
) -> None:
    """Run every task and hand each result to ``keep`` as it arrives, in this process.

    Parameters
    ----------
    tasks : iterable of Task
        Drawn lazily, as room frees up.
    keep : callable
        Called with each run's record and trajectory (None unless kept).
    executor : Executor-like, optional
        Anything with ``submit``; a ``dask.distributed.Client`` is used through its
        ``get_executor``. Not shut down.
    jobs : int, optional
        Without an executor: worker processes of a pool started and stopped here (default
        every available core); ``1`` runs in this process.
    max_pending : int, optional
        Runs in flight (default four per worker).

    Raises
    ------
    SweepAborted
        The executor broke; the results that arrived were handed to ``keep``.
    """
    if executor is None and (jobs or cpu_count()) == 1:
        for task in tasks:
            keep(*execute(task))
    elif executor is not None:
        if hasattr(executor, "get_executor"):  # a dask.distributed.Client
            # pure=False: Dask need not hash every task to look for duplicates.
            executor = executor.get_executor(pure=False)
        _drive(executor, tasks, max_pending or 4 * _worker_count(executor), keep)
    else:
        workers = jobs or cpu_count()
        with process_pool(workers) as pool:
            _drive(pool, tasks, max_pending or 4 * workers, keep)


@contextlib.contextmanager
def process_pool(workers: int) -> Iterator[cf.ProcessPoolExecutor]:
    """The process pool a study starts itself: ``workers`` processes, stopped when the block
    ends, at once (running runs included) if it ends in an error or Ctrl-C.

    Examples
    --------
    >>> with process_pool(1) as pool:
    ...     pool.submit(abs, -2).result()
    2
    """
    pool = StudyPool(workers, mp_context=pool_context(), initializer=_worker_init)
    try:
        yield pool
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown(wait=True)


class StudyPool(cf.ProcessPoolExecutor):
    """A process pool a study starts itself, which notes whether any run has come back.

    A pool that breaks before any run came back, in a script that starts the study outside
    ``if __name__ == "__main__":``, broke because its workers import the script again
    (:func:`unguarded_script`); one that breaks later lost a worker some other way (killed,
    out of memory), and the study can be run again to finish.
    """

    delivered = False

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> cf.Future:
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._note)
        return future

    def _note(self, future: cf.Future) -> None:
        if not future.cancelled() and future.exception() is None:
            self.delivered = True

    def broke_on_the_script(self) -> str | None:
        """Why the pool broke, when it broke at its start on the script's missing guard."""
        return None if self.delivered else unguarded_script()


def pool_context() -> multiprocessing.context.BaseContext:
    """How socialsim's process pools start their workers: forks of a warm fork server.

    Where the platform has a fork server (Linux, macOS), it is started once per process, a
    fresh interpreter that imports :mod:`socialsim.studies.preload` (the model, and its
    compiled kernels loaded), and each worker is a fork of it: ready to run in milliseconds
    instead of the 1.5–2 s a fresh interpreter takes to import numpy, pandas, Mesa and numba
    and load the kernels (docs/performance.md). The server holds no thread (tqdm's monitor and
    a Dask client's loop live in the parent), so forking it is safe, and every worker starts
    from the same state. A fork server some other code started first is used as it is.
    Elsewhere (Windows), fresh interpreters (spawn).

    Returns
    -------
    multiprocessing.context.BaseContext
        For ``ProcessPoolExecutor(mp_context=...)``.

    Raises
    ------
    RuntimeError
        The workers could not start: this process is a worker importing the script again,
        or the script is not a file (:func:`check_workers_can_start`).

    Examples
    --------
    >>> pool_context().get_start_method() in ("forkserver", "spawn")
    True
    """
    check_workers_can_start()
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["socialsim.studies.preload"])
    return context


_GUARD = '`if __name__ == "__main__":`'
_CURE = (
    "A process pool's workers import the script that started them (as __mp_main__, to find "
    "its functions), which runs every line at its top level: put the study under "
    f"{_GUARD} so that only the script itself runs it."
)


def check_workers_can_start() -> None:
    """Refuse to start a process pool whose workers could not start: say why, and the cure.

    A worker of a forkserver or spawn pool runs the main script's top level again, from its
    file, before its first task. So:

    - in a worker process that is importing the user's script again, a study that would
      start a pool of its own is refused, naming the line: a script that starts a study
      outside ``if __name__ == "__main__":`` would start it again in each worker, where
      multiprocessing refuses to start processes with an error that names neither the
      script nor the cure, and the pool breaks;
    - a script read from standard input (``python - < script.py``), or whose file has gone,
      is refused: the workers cannot read it again, and the pool would break at its start.

    A study that would start a pool checks this before its store, and every pool before it
    starts; a study this process runs itself (``jobs=1``) goes on. Elsewhere (a script run
    from its file, ``python -c``, ``python -m``, a notebook, pytest, the command line) it does
    nothing.

    Raises
    ------
    RuntimeError
        This process is still importing the script (multiprocessing's own test of it), or the
        workers would run a main script that is not a file.
    """
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        frame = _top_level_frame(lambda g: g.get("__name__") == "__mp_main__")
        where = (
            "The script"
            if frame is None
            else f"The script {frame.f_code.co_filename}, line {frame.f_lineno},"
        )
        raise RuntimeError(
            f"{where} started a study in a worker process that was importing it again. {_CURE}"
        )
    path = _main_path()
    if path is not None and not os.path.isfile(path):
        raise RuntimeError(
            f"The main script, {sys.modules['__main__'].__file__!r}, is not a file: a process "
            "pool's workers "
            "import the script that started them again, from its file, and could not start. "
            "Save the script to a file and run that, or run the study in this process "
            "(jobs=1, --jobs 1)."
        )


def _main_path() -> str | None:
    """The file a spawned or forkserver worker runs as the main script, or None (none, or a
    module run by name): as CPython's ``multiprocessing.spawn.get_preparation_data`` finds it,
    a relative ``__file__`` taken from the directory the process started in."""
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None) is not None:
        return None
    path = getattr(main, "__file__", None)
    if path is None:
        return None
    started_in = multiprocessing.process.ORIGINAL_DIR
    if not os.path.isabs(path) and started_in is not None:
        path = os.path.join(started_in, path)
    return os.path.normpath(path)


def _top_level_frame(is_script: Callable[[dict[str, Any]], bool]) -> Any:
    """The frame of the script's top-level code on this thread's stack, or None."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "<module>" and is_script(frame.f_globals):
            return frame
        frame = frame.f_back
    return None


def unguarded_script() -> str | None:
    """Why a pool broke at once, said in this process, when its workers could not start: the
    script they import again starts this study outside ``if __name__ == "__main__":``.

    Returns
    -------
    str or None
        The message, naming the script and line; None when that is not so, or not known.
        Only a main module that multiprocessing imports again counts (a script, ``python -m
        module``; not ``python -c``, a notebook or a package's ``__main__``), and any
        top-level ``if`` is taken for a guard. :class:`StudyPool` asks only when no run has
        come back, so that a pool that broke later, for another reason, is not blamed on it.
    """
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is None and getattr(main, "__file__", None) is None:
        return None
    if name is not None and (name == "__main__" or name.endswith(".__main__")):
        return None
    frame = _top_level_frame(lambda g: g is getattr(main, "__dict__", None))
    if frame is None:
        return None
    path, line = frame.f_code.co_filename, frame.f_lineno
    try:
        with open(path, "rb") as source:  # as Python reads it: bytes, their declared encoding
            tree = ast.parse(source.read())
    except (OSError, SyntaxError, ValueError):
        return None
    for statement in tree.body:
        if statement.lineno <= line <= (statement.end_lineno or statement.lineno):
            if isinstance(statement, ast.If):
                return None
            return (
                f"The worker processes stopped as they started: {path}, line {line}, starts "
                f"this study outside {_GUARD}. {_CURE}"
            )
    return None


# ---------------------------------------------------------------------- one run, in a worker
@dataclass(frozen=True)
class Task:
    """One run to do: its place in the study, its scenario (``base`` changed by
    ``overrides``) and what to keep. Small, so that sending it to a worker is cheap."""

    run: Run
    base: Scenario
    overrides: Mapping[str, Any]
    kpis: tuple[str, ...]
    trajectories: bool
    version: str

    def record(self) -> dict[str, Any]:
        """The bookkeeping and factor columns of this run's store record."""
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


def execute(task: Task) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """Run one model and return its store record (and daily KPIs), never raising for a bad
    run: the error goes into the record, so one failure does not stop the study."""
    run = task.run
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            scenario = task.base.replace(task.overrides)
            model = EngagementModel(scenario, rng=run.seed_sequence())
            model.run()
            # The fans' value and the brand's costs are priced here, from the run's own value
            # and cost parameters, so a study can keep them and the KPIs derived from them.
            daily = value_and_cost(model.kpis(), value=scenario.value, cost=scenario.cost)
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
    record.update(per_run(daily, task.kpis).to_dict())
    if not task.trajectories:
        return record, None
    kept = daily_kpis(task.kpis)  # a rate exists only per run: it has no daily column
    # Built from one array per column: astype and insert on a frame of ~80 columns cost
    # pandas a dtype lookup per column and a copy per insert, more than the rest of a run's
    # bookkeeping together.
    n = len(daily)
    trajectory = pd.DataFrame(
        {
            "run_id": [run.run_id] * n,
            "point": np.full(n, run.point, np.int64),
            "replicate": np.full(n, run.replicate, np.int64),
            "day": daily["day"].to_numpy(),
            **{k: daily[k].to_numpy(dtype=np.float64) for k in kept},
        }
    )
    return record, trajectory


def _failed(
    task: Task,
    error: BaseException,
    caught: Iterable[warnings.WarningMessage] = (),
    elapsed_s: float = float("nan"),
) -> tuple[dict[str, Any], None]:
    """The store record of a run that raised, or whose execution did (a lost worker)."""
    record = task.record() | {
        "policy": None,
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
    """Set up a worker process of the pool a study starts itself.

    Ctrl-C is the parent's to handle (it cancels what is pending and keeps what is stored),
    and a worker whose parent was killed exits instead of waiting forever for work. tqdm
    gets a thread lock: its default, a multiprocessing semaphore, would outlive a worker the
    parent terminates and make the resource tracker warn of a leak after Ctrl-C.
    """
    from tqdm import tqdm

    tqdm.set_lock(threading.RLock())
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
    tasks: Iterable[Task],
    window: int,
    keep: Keep,
) -> None:
    """Keep ``window`` runs in flight and store each result as it arrives."""
    pending: dict[cf.Future, Task] = {}
    source = iter(tasks)

    def fill() -> None:
        while len(pending) < window:
            task = next(source, None)
            if task is None:
                return
            pending[executor.submit(execute, task)] = task

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
                    # The run did not raise (execute catches that): its execution did, e.g. a
                    # Dask worker that died too often (KilledWorker). Record it so that the
                    # study goes on and retry_failed can try it again.
                    keep(*_failed(task, error))
            if broken is not None:
                unguarded = (
                    executor.broke_on_the_script() if isinstance(executor, StudyPool) else None
                )
                if unguarded is not None:  # not a failure a second try would get past
                    raise SweepAborted(unguarded) from broken
                raise SweepAborted(
                    f"The worker pool broke ({type(broken).__name__}: {broken}); the runs that "
                    "finished are stored: run the same command again to finish the rest."
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


def cpu_count() -> int:
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
    return cpu_count()
