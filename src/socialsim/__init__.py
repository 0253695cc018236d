"""socialsim: agent-based simulation of a brand's fans on a social graph.

Test how a brand answers people on social media on a simulated population before doing it
live: personal engagement spreads through connections, peer identification and advocates.

>>> import socialsim
>>> model = socialsim.EngagementModel(socialsim.Scenario().replace({"graph.n": 300}), rng=7)
>>> model.run(days=5)
>>> model.kpis()[["day", "fans", "nps"]].shape
(6, 3)
"""

from importlib.metadata import PackageNotFoundError, version

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

try:
    __version__ = version("socialsim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

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
