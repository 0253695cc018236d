"""A study's results store: one Parquet file per run, written atomically, resumable.

Sweeps and strategy comparisons keep their runs the same way. Layout of a store folder::

    DIR/manifest.json             what was run (a sweep's settings, base scenario and
                                  parameters, or a comparison's experiment), its design and
                                  the columns; written once, when the study starts
    DIR/sweep.toml                a copy of the sweep file, when the sweep came from one
    DIR/runs/<run id>.parquet         one finished run: a single row
    DIR/runs/<run id>.failed.parquet  one run that raised, with its error
    DIR/trajectories/<run id>.parquet daily KPIs of a finished run (``keep = "trajectories"``)

Every file is written to a hidden temporary name in the same folder, flushed to disk, then
renamed over its final name (:func:`os.replace` is atomic), so a file under its final name is
always complete: a process killed mid-write leaves at most a hidden temporary, which the next
run of the study removes. A run is done when its file exists, so a rerun finds what is left by
listing ``runs/``, and since the name is the run id a run is stored once however often it is
attempted. The trajectory file is written before the run file, which commits the run.

Only the process that drives the study writes (workers return their results to it), so the
store needs no shared file system on a cluster. An OS lock on ``DIR/.lock`` is taken before
the manifest is read or written and held until the study ends, so of two studies started at
once into one folder the second changes nothing and fails with :class:`ConfigError`.
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from socialsim.constraints import ConfigError
from socialsim.studies.designs import Design
from socialsim.studies.folders import atomic, locked, writable_folder, write_bytes
from socialsim.studies.schema import arrow_schema, columns

__all__ = ["ResultsStore", "StoreVersionWarning", "load_results"]

FORMAT = 1
MANIFEST = "manifest.json"
RUNS = "runs"
TRAJECTORIES = "trajectories"
FAILED = ".failed.parquet"
DONE = ".parquet"


KINDS = ("sweep", "comparison", "robust")
"""What a store can hold (a robust comparison: strategies in many plausible worlds); the
manifest keeps the study's description under this key."""


class StoreVersionWarning(UserWarning):
    """A store is being completed by another socialsim version than the one that began it."""


class ResultsStore:
    """The results of one study (a sweep or a comparison), in a folder.

    Open an existing store with ``ResultsStore(path)``; :func:`socialsim.studies.runner.sweep`
    and :func:`socialsim.compare` create them (through :meth:`open`).

    Parameters
    ----------
    path : str or Path
        The store's folder (the ``--out`` of ``socialsim sweep`` or ``socialsim compare``).

    Attributes
    ----------
    path : Path
        The folder.
    manifest : dict
        What ``manifest.json`` holds: ``sweep`` or ``comparison``, ``design``, ``columns``,
        ``socialsim``.

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
        self._held = False  # inside the block of open(), which holds the store's lock
        try:
            self.manifest: dict[str, Any] = json.loads((self.path / MANIFEST).read_text())
        except (FileNotFoundError, NotADirectoryError):
            raise ConfigError(
                "store",
                str(path),
                "a folder written by 'socialsim sweep' or 'socialsim compare' (with manifest.json)",
            ) from None
        if self.manifest.get("format") != FORMAT:
            raise ConfigError(
                "store",
                str(path),
                f"a store of format {FORMAT}",
                "It was written by another version.",
            )
        self.kind: str = next(k for k in KINDS if k in self.manifest)
        self.schema = arrow_schema(self.manifest["columns"])
        self.trajectory_schema = arrow_schema(self.manifest["trajectory_columns"])

    # ------------------------------------------------------------------ creating
    @classmethod
    @contextlib.contextmanager
    def open(
        cls,
        path: str | Path,
        kind: str,
        spec: Mapping[str, Any],
        design: Design,
        kpis: Iterable[str],
        *,
        version: str,
        source: str | None = None,
    ) -> Iterator[ResultsStore]:
        """Create the store of a study, or open it again if it holds this same study, and
        hold it until the block ends.

        The store's lock is taken first, so the manifest is checked and written by one study
        at a time: a second study on the same folder fails at once and changes nothing.

        Parameters
        ----------
        path : str or Path
            A new or empty folder, or the store of the same study.
        kind : {"sweep", "comparison", "robust"}
            What the study is.
        spec : mapping
            The study as JSON-ready data (:meth:`socialsim.studies.sweeps.Sweep.to_dict`, or
            a comparison's experiment); a store refuses a study whose spec differs from the
            one it was started with.
        design : Design
            The design; the manifest keeps it, so the store is read back with the very points
            it was run with.
        kpis : iterable of str
            The KPIs each run keeps (see :func:`columns`).
        version : str
            The socialsim version that runs the study.
        source : str, optional
            The study file's text, copied to ``<kind>.toml``.

        Raises
        ------
        ConfigError
            ``path`` cannot be written, holds something else, or another study holds it.
        """
        path = writable_folder(path)
        spec = _read_back(spec)
        with locked(path):
            if (path / MANIFEST).is_file():
                store = cls(path)
                _check_same(store, kind, spec, version)
            elif _unstarted(path):
                (path / RUNS).mkdir(exist_ok=True)
                (path / TRAJECTORIES).mkdir(exist_ok=True)
                if source is not None:
                    write_bytes(path / f"{kind}.toml", source.encode())
                runs, daily = columns(design, kpis)
                manifest = {
                    "format": FORMAT,
                    "socialsim": version,
                    kind: spec,
                    "columns": runs,
                    "trajectory_columns": daily,
                    "design": design.to_dict(),
                }
                # The manifest goes last: a folder without one was never a started store.
                write_bytes(path / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
                store = cls(path)
            else:
                raise ConfigError("out", str(path), f"a new or empty folder, or a {kind}'s store")
            store._tidy()
            store._held = True
            try:
                yield store
            finally:
                store._held = False

    # ------------------------------------------------------------------ reading
    def holds(self, kind: str, spec: Mapping[str, Any]) -> bool:
        """Whether this store is held open by :meth:`open` (its lock taken, the block not
        ended) for this study (``kind`` and ``spec`` as given to :meth:`open`)."""
        return self._held and self.kind == kind and self.manifest[kind] == _read_back(spec)

    @property
    def design(self) -> Design:
        """The design the study was run with."""
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
        then one column per factor (a sweep's parameters by dotted key, a comparison's
        ``strategy``) and one per kept KPI, summed up
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

    def _tidy(self) -> None:
        """Remove what a killed writer left: hidden temporaries, and a failure record beside
        a success of the same run (the success is kept)."""
        for folder in (self.path / RUNS, self.path / TRAJECTORIES):
            for entry in os.scandir(folder):
                if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                    os.unlink(entry.path)
        for run_id, state in self.status().items():
            if state == "ok":
                with contextlib.suppress(FileNotFoundError):
                    (self.path / RUNS / f"{run_id}{FAILED}").unlink()


def load_results(path: str | Path, *, trajectories: bool = False) -> pd.DataFrame:
    """Read a study's store back as a DataFrame.

    Parameters
    ----------
    path : str or Path
        The store's folder (the ``--out`` of ``socialsim sweep`` or ``socialsim compare``).
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


# A study's kind as a sentence names it.
_NAMED = {"robust": "robust analysis"}


def _check_same(store: ResultsStore, kind: str, spec: Mapping[str, Any], version: str) -> None:
    """Refuse to complete a store with another study than the one it was started with."""
    path, named = store.path, _NAMED.get(kind, kind)
    if store.kind != kind:
        raise ConfigError(
            "out",
            str(path),
            f"a new folder, or the store of this same {named}",
            f"It holds a {_NAMED.get(store.kind, store.kind)}; use another --out.",
        )
    if store.manifest[kind] != spec:
        stored = store.manifest[kind]
        # Stores started before the base's policy object was recorded have no record of it.
        older = (
            " A store started before socialsim recorded the base's policy object has none."
            if "base_policy" in spec and "base_policy" not in stored
            else ""
        )
        raise ConfigError(
            "out",
            str(path),
            f"a new folder, or the store of this same {named}",
            f"It holds a different {named} ({_differences(stored, spec)}); "
            f"use another --out, or the {named} it was started with.{older}",
        )
    if store.manifest["socialsim"] != version:
        warnings.warn(
            f"{path} was started with socialsim {store.manifest['socialsim']}; "
            f"the runs added now use {version} (see the 'version' column).",
            StoreVersionWarning,
            stacklevel=4,
        )


def _read_back(spec: Mapping[str, Any]) -> Any:
    """A study's spec in the form it takes once written to the manifest and read back."""
    return json.loads(json.dumps(spec))


def _unstarted(path: Path) -> bool:
    """An empty folder, or one a study began to lay out but was stopped before its manifest."""
    for entry in path.iterdir():
        if entry.name in (RUNS, TRAJECTORIES) and entry.is_dir() and not any(entry.iterdir()):
            continue
        if entry.name not in {f"{k}.toml" for k in KINDS} and not entry.name.startswith("."):
            return False
    return True


def _read(files: list[Path], schema: pa.Schema, order: list[str]) -> pd.DataFrame:
    if not files:
        return schema.empty_table().to_pandas()
    table = ds.dataset([str(f) for f in files], schema=schema, format="parquet").to_table()
    return table.sort_by([(c, "ascending") for c in order]).to_pandas()


def _write_table(table: pa.Table, path: Path) -> None:
    with atomic(path) as handle:
        pq.write_table(table, handle)


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """A short account of what changed between two study specs."""
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
