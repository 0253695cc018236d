"""A sweep's results store: one Parquet file per run, written atomically, resumable.

Layout of a store folder::

    DIR/manifest.json             the sweep (settings, base scenario, parameters), its design
                                  and the columns; written once, when the sweep starts
    DIR/sweep.toml                a copy of the sweep file, when the sweep came from one
    DIR/runs/<run id>.parquet         one finished run: a single row
    DIR/runs/<run id>.failed.parquet  one run that raised, with its error
    DIR/trajectories/<run id>.parquet daily KPIs of a finished run (``keep = "trajectories"``)

Every file is written to a hidden temporary name in the same folder, flushed to disk, then
renamed over its final name (:func:`os.replace` is atomic), so a file under its final name is
always complete: a process killed mid-write leaves at most a hidden temporary, which the next
run of the sweep removes. A run is done when its file exists, so a rerun finds what is left by
listing ``runs/``, and since the name is the run id a run is stored once however often it is
attempted. The trajectory file is written before the run file, which commits the run.

Only the process that drives the sweep writes (workers return their results to it), so the
store needs no shared file system on a cluster; a lock file keeps a second sweep out.
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from socialsim.constraints import ConfigError
from socialsim.studies.designs import Design

__all__ = ["ResultsStore", "StoreVersionWarning", "load_results"]

FORMAT = 1
MANIFEST = "manifest.json"
RUNS = "runs"
TRAJECTORIES = "trajectories"
FAILED = ".failed.parquet"
DONE = ".parquet"


class StoreVersionWarning(UserWarning):
    """A store is being completed by another socialsim version than the one that began it."""


_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "list<int64>": pa.list_(pa.int64()),
}


class ResultsStore:
    """The results of one sweep, in a folder.

    Open an existing store with ``ResultsStore(path)``; :func:`socialsim.studies.runner.sweep` creates
    them (through :meth:`prepare`).

    Parameters
    ----------
    path : str or Path
        The store's folder (the ``--out`` of ``socialsim sweep``).

    Attributes
    ----------
    path : Path
        The folder.
    manifest : dict
        What ``manifest.json`` holds: ``sweep``, ``design``, ``columns``, ``socialsim``.

    Examples
    --------
    >>> import tempfile
    >>> from socialsim import Scenario
    >>> from socialsim.studies.runner import sweep
    >>> from socialsim.studies.sweeps import Sweep
    >>> spec = Sweep(
    ...     {"wom.negativity": [1.0, 2.0]},
    ...     scenario=Scenario().replace({"graph.n": 200, "run.days": 5}),
    ...     replicates=2,
    ... )
    >>> out = tempfile.mkdtemp()
    >>> _ = sweep(spec, out, jobs=1, progress=False)
    >>> runs = ResultsStore(out).load()
    >>> len(runs), runs["status"].unique().tolist()
    (4, ['ok'])
    >>> runs[["point", "replicate", "wom.negativity"]].iloc[:2].to_dict("records")
    [{'point': 0, 'replicate': 0, 'wom.negativity': 1.0}, {'point': 0, 'replicate': 1, 'wom.negativity': 1.0}]
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.manifest: dict[str, Any] = json.loads((self.path / MANIFEST).read_text())
        except FileNotFoundError:
            raise ConfigError(
                "store", str(path), "a folder written by 'socialsim sweep' (with manifest.json)"
            ) from None
        if self.manifest.get("format") != FORMAT:
            raise ConfigError(
                "store",
                str(path),
                f"a store of format {FORMAT}",
                "It was written by another version.",
            )
        self.schema = pa.schema([(n, _TYPES[t]) for n, t in self.manifest["columns"].items()])
        self.trajectory_schema = pa.schema(
            [(n, _TYPES[t]) for n, t in self.manifest["trajectory_columns"].items()]
        )

    # ------------------------------------------------------------------ creating
    @classmethod
    def prepare(
        cls,
        path: str | Path,
        spec: Mapping[str, Any],
        design: Design,
        columns: Mapping[str, str],
        trajectory_columns: Mapping[str, str],
        *,
        version: str,
        source: str | None = None,
    ) -> ResultsStore:
        """Create the store of a sweep, or open it again if it holds this same sweep.

        Parameters
        ----------
        path : str or Path
            A new or empty folder, or the store of the same sweep.
        spec : mapping
            The sweep as JSON-ready data (:meth:`socialsim.studies.sweeps.Sweep.to_dict`); a store
            refuses a sweep whose spec differs from the one it was started with.
        design : Design
            The design; the manifest keeps it, so the store is read back with the very points
            it was run with.
        columns, trajectory_columns : mapping of str to str
            Column names and types ("string", "int64", "float64", "bool", "list<int64>").
        version : str
            The socialsim version that runs the sweep.
        source : str, optional
            The sweep file's text, copied to ``sweep.toml``.
        """
        path = Path(path)
        spec = json.loads(json.dumps(spec))  # the form it takes once read back from JSON
        if (path / MANIFEST).is_file():
            store = cls(path)
            if store.manifest["sweep"] != spec:
                raise ConfigError(
                    "out",
                    str(path),
                    "a new folder, or the store of this same sweep",
                    f"It holds a different sweep ({_differences(store.manifest['sweep'], spec)}); "
                    "use another --out, or the sweep file it was started with.",
                )
            if store.manifest["socialsim"] != version:
                warnings.warn(
                    f"{path} was started with socialsim {store.manifest['socialsim']}; "
                    f"the runs added now use {version} (see the 'version' column).",
                    StoreVersionWarning,
                    stacklevel=2,
                )
            return store
        if path.exists() and not _unstarted(path):
            raise ConfigError("out", str(path), "a new or empty folder, or a sweep's store")
        (path / RUNS).mkdir(parents=True, exist_ok=True)
        (path / TRAJECTORIES).mkdir(exist_ok=True)
        if source is not None:
            _write_bytes(path / "sweep.toml", source.encode())
        manifest = {
            "format": FORMAT,
            "socialsim": version,
            "sweep": spec,
            "columns": dict(columns),
            "trajectory_columns": dict(trajectory_columns),
            "design": design.to_dict(),
        }
        # The manifest goes last: a folder without one was never a started store.
        _write_bytes(path / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
        return cls(path)

    # ------------------------------------------------------------------ reading
    @property
    def design(self) -> Design:
        """The design the sweep was run with."""
        return Design.from_dict(self.manifest["design"])

    def status(self) -> dict[str, str]:
        """Each stored run's status, ``"ok"`` or ``"failed"``, by run id (from file names)."""
        out: dict[str, str] = {}
        for entry in os.scandir(self.path / RUNS):
            name = entry.name
            if name.startswith("."):
                continue
            if name.endswith(FAILED):
                out.setdefault(name[: -len(FAILED)], "failed")
            elif name.endswith(DONE):
                out[name[: -len(DONE)]] = "ok"  # a success supersedes an earlier failure
        return out

    def load(self) -> pd.DataFrame:
        """Every stored run, one row each, ordered by design point and replicate.

        Columns: ``run_id``, ``point``, ``replicate``, ``seed``, ``spawn_key``, ``status``
        ("ok" or "failed"), ``error``, ``traceback``, ``warnings``, ``elapsed_s``, ``version``,
        then one column per swept parameter (dotted keys) and one per kept KPI, summed up
        over the run as :func:`socialsim.kpis.per_run` does: the last day of a level (fans,
        NPS), the total of a flow (complaints), the mean of an average (response times).
        """
        files = [
            self.path / RUNS / (run_id + (DONE if state == "ok" else FAILED))
            for run_id, state in sorted(self.status().items())
        ]
        return _read(files, self.schema, ["point", "replicate"])

    def trajectories(self) -> pd.DataFrame:
        """Daily KPIs of every finished run (``keep = "trajectories"``), one row per run-day."""
        ok = {run_id for run_id, state in self.status().items() if state == "ok"}
        files = [
            self.path / TRAJECTORIES / f"{run_id}{DONE}"
            for run_id in sorted(ok)
            if (self.path / TRAJECTORIES / f"{run_id}{DONE}").is_file()
        ]
        return _read(files, self.trajectory_schema, ["point", "replicate", "day"])

    # ------------------------------------------------------------------ writing
    def write(self, record: Mapping[str, Any], trajectory: pd.DataFrame | None = None) -> None:
        """Store one run atomically; a success replaces an earlier failure of the same run."""
        run_id = record["run_id"]
        if record["status"] == "ok":
            if trajectory is not None:
                table = pa.Table.from_pandas(
                    trajectory, schema=self.trajectory_schema, preserve_index=False
                )
                _write_table(table, self.path / TRAJECTORIES / f"{run_id}{DONE}")
            _write_table(
                pa.Table.from_pylist([dict(record)], schema=self.schema),
                self.path / RUNS / f"{run_id}{DONE}",
            )
            with contextlib.suppress(FileNotFoundError):
                (self.path / RUNS / f"{run_id}{FAILED}").unlink()
        else:
            _write_table(
                pa.Table.from_pylist([dict(record)], schema=self.schema),
                self.path / RUNS / f"{run_id}{FAILED}",
            )

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store for one sweep; a second sweep on the same folder fails at once.

        The lock is an OS file lock, released even if the process is killed. On entry, the
        temporary files a killed writer left behind are removed and a run stored both as
        failed and as finished keeps its success only.
        """
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one sweep per store is up to the user
            fcntl = None
        with open(self.path / ".lock", "a+") as handle:
            if fcntl is not None:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise ConfigError(
                        "out",
                        str(self.path),
                        "a store that no other sweep is writing",
                        "Wait for the other sweep to end, or use another --out.",
                    ) from None
            self._tidy()
            try:
                yield
            finally:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def _tidy(self) -> None:
        for folder in (self.path / RUNS, self.path / TRAJECTORIES):
            for entry in os.scandir(folder):
                if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                    os.unlink(entry.path)
        for run_id, state in self.status().items():
            if state == "ok":
                with contextlib.suppress(FileNotFoundError):
                    (self.path / RUNS / f"{run_id}{FAILED}").unlink()


def load_results(path: str | Path, *, trajectories: bool = False) -> pd.DataFrame:
    """Read a sweep's store back as a DataFrame.

    Parameters
    ----------
    path : str or Path
        The store's folder (the ``--out`` of ``socialsim sweep``).
    trajectories : bool, default False
        Return the daily KPIs of each finished run (``keep = "trajectories"``) instead of one
        row per run.

    Returns
    -------
    pandas.DataFrame
        See :meth:`ResultsStore.load` and :meth:`ResultsStore.trajectories`.

    Examples
    --------
    >>> import tempfile
    >>> from socialsim import Scenario
    >>> from socialsim.studies.runner import sweep
    >>> from socialsim.studies.sweeps import Sweep
    >>> small = Scenario().replace({"graph.n": 200, "run.days": 4})
    >>> spec = Sweep({"wom.negativity": [1.0, 2.0]}, scenario=small, keep="trajectories")
    >>> out = tempfile.mkdtemp()
    >>> _ = sweep(spec, out, jobs=1, progress=False)
    >>> load_results(out)[["run_id", "wom.negativity", "status"]].values.tolist()
    [['p000000-r00', 1.0, 'ok'], ['p000001-r00', 2.0, 'ok']]
    >>> load_results(out, trajectories=True).shape[0]  # 2 runs of 5 days (day 0 to day 4)
    10
    """
    store = ResultsStore(path)
    return store.trajectories() if trajectories else store.load()


def _unstarted(path: Path) -> bool:
    """An empty folder, or one a sweep began to lay out but was stopped before its manifest."""
    if not path.is_dir():
        return False
    for entry in path.iterdir():
        if entry.name in (RUNS, TRAJECTORIES) and entry.is_dir() and not any(entry.iterdir()):
            continue
        if entry.name != "sweep.toml" and not entry.name.startswith("."):
            return False
    return True


def _read(files: list[Path], schema: pa.Schema, order: list[str]) -> pd.DataFrame:
    if not files:
        return schema.empty_table().to_pandas()
    table = ds.dataset([str(f) for f in files], schema=schema, format="parquet").to_table()
    return table.sort_by([(c, "ascending") for c in order]).to_pandas()


def _write_table(table: pa.Table, path: Path) -> None:
    with _atomic(path) as handle:
        pq.write_table(table, handle)


def _write_bytes(path: Path, data: bytes) -> None:
    with _atomic(path) as handle:
        handle.write(data)


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator[Any]:
    """A file that appears under ``path`` complete or not at all."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            yield handle
            handle.flush()
            # Without fsync a power cut after the rename could leave an empty file behind.
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """A short account of what changed between two sweep specs."""
    a, b = _flat(old), _flat(new)
    changed = [k for k in sorted(set(a) | set(b)) if a.get(k, "(unset)") != b.get(k, "(unset)")]
    parts = [f"{k} was {a.get(k, '(unset)')!r}, now {b.get(k, '(unset)')!r}" for k in changed[:3]]
    if len(changed) > 3:
        parts.append(f"and {len(changed) - 3} more")
    return "; ".join(parts)


def _flat(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping) and value:
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out
