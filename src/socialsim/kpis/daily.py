"""The model's daily record: Mesa's DataCollector of the run's seed and every KPI, one row a day.

:class:`~socialsim.model.EngagementModel` keeps its ``datacollector`` here. A model's
``today`` holds every KPI of :data:`~socialsim.kpis.KPIS`, in that order, at the end of each
day; :meth:`DailyRecord.collect` records it, and Mesa's readers (``model_vars``,
``get_model_vars_dataframe``, :func:`mesa.batch_run`) find what Mesa's own ``collect`` would
have recorded (a test runs both side by side).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import numpy as np
import pandas as pd

from socialsim.kpis import KPIS

__all__ = ["DailyRecord"]


def _kpi(model: Any, name: str) -> float:
    return model.today[name]


def _seed(model: Any) -> int:
    return model.seed


class DailyRecord(mesa.DataCollector):
    """Mesa's DataCollector of the model's seed and KPIs, one row a day, filled from ``today``.

    Its reporters say what each column holds; :meth:`collect` keeps the day's values without
    calling them one at a time and deep-copying each (plain numbers need no copy): that was
    two thirds of the model's own cost of a day, outside the phases (docs/performance.md).
    The day's values are kept as one row (``today``'s values as they stand) and moved into
    ``model_vars``, Mesa's lists by column, when it is read: a list append per KPI and day
    cost more than the rest of the record.

    Examples
    --------
    >>> from socialsim import EngagementModel, Scenario
    >>> model = EngagementModel(Scenario().replace({"graph.n": 200}), rng=1)
    >>> model.run(days=3)
    >>> record = model.datacollector
    >>> len(record.model_vars["fans"]), list(record.kpis().columns[:2])
    (4, ['day', 'fans'])
    """

    def __init__(self) -> None:
        self._rows: list[tuple] = []  # collected, not yet in model_vars
        super().__init__(
            model_reporters={"seed": _seed} | {name: partial(_kpi, name=name) for name in KPIS}
        )
        self._columns = [self._vars[name] for name in ("seed", *KPIS)]

    @property  # type: ignore[override]
    def model_vars(self) -> dict[str, list]:
        """Each reporter's values, one a day (Mesa's attribute, complete whenever read)."""
        if self._rows:
            for column, values in zip(self._columns, zip(*self._rows, strict=True), strict=True):
                column.extend(values)
            self._rows.clear()
        return self._vars

    @model_vars.setter
    def model_vars(self, value: dict[str, list]) -> None:
        self._vars = value

    def collect(self, model: Any) -> None:  # type: ignore[override]
        """Record the model's seed and today's KPIs, as ``DataCollector.collect`` would.

        The model's ``today`` holds every KPI in the order of :data:`~socialsim.kpis.KPIS`
        (it is filled in from a dict of them all), so its values are the row as they stand.
        """
        self._collection_steps.append(model.time)
        self._rows.append((model.seed, *model.today.values()))

    def kpis(self) -> pd.DataFrame:
        """The KPIs recorded, one row per day, with the ``day`` first and without the seed.

        Equal to ``get_model_vars_dataframe()`` without its ``seed`` column, with ``day``
        inserted first; built from one numpy array per column, since pandas' inference of the
        type of a column of Python numbers costs several times numpy's.
        """
        columns = {name: _array(values) for name, values in self.model_vars.items()}
        del columns["seed"]
        return pd.DataFrame({"day": np.arange(len(self._collection_steps)), **columns})


def _array(values: list) -> np.ndarray | list:
    """A column of plain ints, or of floats and ints, as pandas would type it (int64, float64);
    anything else is left for pandas to infer."""
    kinds = set(map(type, values))
    if kinds == {int}:
        return np.array(values, np.int64)
    if kinds <= {int, float}:
        return np.array(values, np.float64)
    return values
