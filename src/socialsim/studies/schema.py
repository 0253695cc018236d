"""The columns of a results store: the one place that decides them and their types.

Every stored run has the bookkeeping columns (:data:`RUN_COLUMNS`), one column per factor of
its study (a sweep's parameters, a comparison's ``strategy``) typed as the design's values
are, and one float per KPI; every stored day, the run's place, the day and the KPIs. The
manifest keeps the types by name, so a store is read back with the schema it was written with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from socialsim.studies.designs import Design

__all__ = ["RUN_COLUMNS", "arrow_schema", "columns", "daily_kpis"]

RUN_COLUMNS: dict[str, str] = {
    "run_id": "string",
    "point": "int64",
    "replicate": "int64",
    "seed": "int64",
    "spawn_key": "list<int64>",
    "status": "string",
    "error": "string",
    "traceback": "string",
    "warnings": "string",
    "elapsed_s": "float64",
    "version": "string",
    "policy": "string",
}
"""The bookkeeping columns of every stored run, before its factors and KPIs; ``policy`` is the
JSON record of the policy the run followed (:func:`socialsim.brand.policies.describe`)."""


_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "list<int64>": pa.list_(pa.int64()),
}


def columns(design: Design, kpis: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The columns of a study's runs and of its daily trajectories, with their types.

    The one place that decides them: the bookkeeping columns (:data:`RUN_COLUMNS`), one per
    factor of the design, typed as the design's values are, then one float per KPI (a KPI can
    be undefined, NaN, in a run).

    Examples
    --------
    >>> from socialsim.studies.designs import make_design
    >>> runs, daily = columns(make_design("grid", {"strategy": ["a", "b"]}), ["nps"])
    >>> list(runs)[-2:], daily
    (['strategy', 'nps'], {'run_id': 'string', 'point': 'int64', 'replicate': 'int64', 'day': 'int64', 'nps': 'float64'})
    """
    kpis = list(kpis)
    factors = {name: _store_type(dtype) for name, dtype in design.values.dtypes.items()}
    runs = {**RUN_COLUMNS, **factors, **dict.fromkeys(kpis, "float64")}
    daily = {"run_id": "string", "point": "int64", "replicate": "int64", "day": "int64"}
    return runs, {**daily, **dict.fromkeys(daily_kpis(kpis), "float64")}


def daily_kpis(kpis: Iterable[str]) -> list[str]:
    """The KPIs among ``kpis`` that have a value every day: all but the rates that exist only
    per run, as ratios of totals (:attr:`socialsim.kpis.Kpi.run_only`).

    Examples
    --------
    >>> daily_kpis(["nps", "churn_rate", "total_cost"])
    ['nps', 'total_cost']
    """
    from socialsim.kpis import DECLARED  # here: the package's kernels need not load with a store

    return [k for k in kpis if k not in DECLARED or not DECLARED[k].run_only]


def _store_type(dtype: Any) -> str:
    """A pandas dtype as a store type; strings and mixed values are kept as strings."""
    kind = getattr(dtype, "kind", "O")
    return {"i": "int64", "u": "int64", "f": "float64", "b": "bool"}.get(kind, "string")


def arrow_schema(types: Mapping[str, str]) -> pa.Schema:
    """The Arrow schema of columns typed by name, as :func:`columns` gives them."""
    return pa.schema([(name, _TYPES[kind]) for name, kind in types.items()])
