"""The key performance indicators: each declared once, recorded daily or derived, summed per run.

Every KPI has a declaration (:class:`Kpi`: meaning, unit, kind, how a run sums it up, which
way is better), all in :data:`DECLARED`; ``socialsim kpis`` lists them. The model records the
population's state, the fans' flows and the brand's counts every day (:data:`KPIS`, grouped as
:data:`STATE_KPIS`, :data:`FLOW_KPIS` and :data:`BRAND_KPIS`); :func:`derive` adds the daily
sums declared from those, :func:`socialsim.value.value_and_cost` the value and costs, and
:func:`per_run` sums a run up, rates included as ratios of totals.
"""

from __future__ import annotations

from socialsim.kpis.catalogue import DECLARED
from socialsim.kpis.declared import HIGHER, LOWER, NEUTRAL, UNITS, Kind, Kpi, Summary
from socialsim.kpis.state import nps, state_kpis
from socialsim.kpis.summary import better, derive, listing, per_run

__all__ = [
    "BRAND_KPIS",
    "DECLARED",
    "FLOW_KPIS",
    "HIGHER",
    "KPIS",
    "LOWER",
    "NEUTRAL",
    "STATE_KPIS",
    "UNITS",
    "Kind",
    "Kpi",
    "Summary",
    "better",
    "derive",
    "listing",
    "nps",
    "per_run",
    "state_kpis",
]


def _recorded(by: str) -> dict[str, str]:
    return {name: kpi.meaning for name, kpi in DECLARED.items() if kpi.recorded_by == by}


STATE_KPIS: dict[str, str] = _recorded("population")
"""The population's state at the end of each day, name -> meaning."""
FLOW_KPIS: dict[str, str] = _recorded("fans")
"""What the fans' phases count each day, name -> meaning."""
BRAND_KPIS: dict[str, str] = _recorded("brand")
"""What the brand's day counts, name -> meaning."""
KPIS: dict[str, str] = {**STATE_KPIS, **FLOW_KPIS, **BRAND_KPIS}
"""Every KPI the model records each day (the columns of ``model.kpis()``), name -> meaning."""
