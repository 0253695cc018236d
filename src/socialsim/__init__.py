"""socialsim: agent-based simulation of a brand's fans on a social graph.

Test how a brand answers people on social media on a simulated population before doing it
live: personal engagement spreads through connections, peer identification and advocates.

>>> import socialsim
>>> model = socialsim.EngagementModel(socialsim.Scenario().replace({"graph.n": 300}), rng=7)
>>> model.run(days=5)
>>> model.kpis()[["day", "fans", "nps"]].shape
(6, 3)

The names below load their module on first use (PEP 562), so ``import socialsim`` and the
command line's ``--help`` do not pay for numba, pandas, scipy.stats, matplotlib or Dask.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialsim.constraints import ConfigError
    from socialsim.kpis import KPIS
    from socialsim.model import EngagementModel
    from socialsim.network.graph import SocialGraph
    from socialsim.population import Population, Status
    from socialsim.scenario import Scenario
    from socialsim.studies.compare import Comparison, compare
    from socialsim.studies.experiment import Experiment, load_experiment
    from socialsim.studies.runner import sweep
    from socialsim.studies.store import load_results
    from socialsim.studies.sweeps import Sweep

    __version__: str

_HOMES: dict[str, str] = {
    "ConfigError": "socialsim.constraints",
    "KPIS": "socialsim.kpis",
    "EngagementModel": "socialsim.model",
    "SocialGraph": "socialsim.network.graph",
    "Population": "socialsim.population",
    "Status": "socialsim.population",
    "Scenario": "socialsim.scenario",
    "Comparison": "socialsim.studies.compare",
    "compare": "socialsim.studies.compare",
    "Experiment": "socialsim.studies.experiment",
    "load_experiment": "socialsim.studies.experiment",
    "sweep": "socialsim.studies.runner",
    "load_results": "socialsim.studies.store",
    "Sweep": "socialsim.studies.sweeps",
}
"""Where each public name lives."""

__all__ = [
    "KPIS",
    "Comparison",
    "ConfigError",
    "EngagementModel",
    "Experiment",
    "Population",
    "Scenario",
    "SocialGraph",
    "Status",
    "Sweep",
    "__version__",
    "compare",
    "load_experiment",
    "load_results",
    "sweep",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from socialsim._version import __version__ as value
    elif name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
    else:
        raise AttributeError(f"module 'socialsim' has no attribute {name!r}")
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
