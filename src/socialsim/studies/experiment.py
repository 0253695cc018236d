"""Experiments: a base scenario, the strategies to compare, replicates, seed and KPIs of interest.

An experiment file is TOML::

    [experiment]
    question = "Stay out of negatives or answer them?"
    replicates = 10
    seed = 1
    days = 180
    kpis = ["nps", "fans", "churned", "staff_cost"]
    baseline = "ignore"

    [base]                       # scenario overrides shared by every strategy
    graph.n = 5000

    [strategies.ignore]          # each strategy: overrides by dotted key
    "policy.name" = "ignore"

    [strategies.negatives-first]
    "policy.name" = "negatives-first"

Everything is validated on loading, with the same one-line errors as scenarios.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from socialsim.constraints import ConfigError, Interval, did_you_mean, read_toml
from socialsim.kpis import KPIS
from socialsim.scenario import Scenario, flatten_keys

__all__ = ["Experiment", "canned_experiments", "load_experiment"]

DEFAULT_KPIS = ("fans", "nps", "mean_loyalty", "churned", "staff_cost")
SETTINGS = {"question", "replicates", "seed", "days", "kpis", "baseline", "name"}


@dataclass(frozen=True)
class Experiment:
    """Strategies to compare on a common base scenario, with common random numbers.

    Parameters
    ----------
    strategies : dict of str to dict
        Each strategy's scenario overrides, by dotted key.
    base : Scenario, optional
        The scenario every strategy starts from.
    replicates : int, default 10
        Runs per strategy; replicate ``r`` of every strategy uses the same seed.
    seed : int, default 1
        Root seed: replicate seeds are ``SeedSequence(seed).spawn(replicates)``.
    days : int, optional
        Horizon; the base scenario's ``run.days`` when omitted.
    kpis : tuple of str
        KPIs to summarise and plot.
    baseline : str, optional
        The strategy the others are compared with; the first one when omitted.
    name, question : str
        What the experiment is called and asks.

    Examples
    --------
    >>> e = Experiment({"a": {"policy.name": "ignore"}, "b": {"policy.name": "respond-all"}}, replicates=2)
    >>> e.baseline, e.scenario("b").policy.name
    ('a', 'respond-all')
    >>> Experiment({"a": {}}, kpis=("npss",))
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'experiment.kpis' parameter must be a list of KPI names (see socialsim.KPIS). Got 'npss' instead. Did you mean 'nps'?
    """

    strategies: dict[str, dict[str, Any]]
    base: Scenario = field(default_factory=Scenario)
    replicates: int = 10
    seed: int = 1
    days: int | None = None
    kpis: tuple[str, ...] = DEFAULT_KPIS
    baseline: str = ""
    name: str = "experiment"
    question: str = ""

    def __post_init__(self) -> None:
        Interval(1, None, integer=True).check("experiment.replicates", self.replicates)
        Interval(0, None, integer=True).check("experiment.seed", self.seed)
        if self.days is not None:
            Interval(1, None, integer=True).check("experiment.days", self.days)
        if not self.strategies:
            raise ConfigError("strategies", self.strategies, "at least one strategy")
        for kpi in self.kpis:
            if kpi not in KPIS:
                raise ConfigError(
                    "experiment.kpis",
                    kpi,
                    "a list of KPI names (see socialsim.KPIS)",
                    did_you_mean(kpi, KPIS),
                )
        if not self.baseline:
            object.__setattr__(self, "baseline", next(iter(self.strategies)))
        if self.baseline not in self.strategies:
            raise ConfigError(
                "experiment.baseline",
                self.baseline,
                "the name of one of the strategies",
                did_you_mean(self.baseline, self.strategies),
            )
        for name in self.strategies:
            try:
                self.scenario(name)
            except ConfigError as error:
                raise ConfigError(
                    f"strategies.{name}.{error.key}", error.value, error.allowed, error.hint
                ) from None

    def scenario(self, strategy: str) -> Scenario:
        """The full scenario of one strategy."""
        overrides = dict(self.strategies[strategy])
        if self.days is not None:
            overrides.setdefault("run.days", self.days)
        return self.base.replace(overrides)

    def with_replicates(self, replicates: int) -> Experiment:
        """The same experiment with another number of replicates."""
        return Experiment(**{**self.__dict__, "replicates": replicates})

    @classmethod
    def from_toml(cls, path: str | Path) -> Experiment:
        """Load an experiment file (see the module docstring for its layout)."""
        path = Path(path)
        data = read_toml(path, "experiment")
        for table in data:
            if table not in ("experiment", "base", "strategies"):
                raise ConfigError(
                    table, data[table], "one of the tables [experiment], [base], [strategies]"
                )
        settings = data.get("experiment", {})
        for key in settings:
            if key not in SETTINGS:
                raise ConfigError(
                    f"experiment.{key}", settings[key], "a known key", did_you_mean(key, SETTINGS)
                )
        if "kpis" in settings:
            settings["kpis"] = tuple(settings["kpis"])
        return cls(
            strategies={
                name: flatten_keys(overrides)
                for name, overrides in data.get("strategies", {}).items()
            },
            base=Scenario.from_dict(data.get("base", {})),
            name=settings.pop("name", path.stem),
            **settings,
        )


def canned_experiments() -> dict[str, Path]:
    """The experiments shipped with socialsim, by name.

    >>> "stay-out-or-answer" in canned_experiments()
    True
    """
    folder = resources.files("socialsim") / "experiments"
    return {
        Path(str(p)).stem: Path(str(p))
        for p in sorted(folder.iterdir(), key=str)
        if str(p).endswith(".toml")
    }


def load_experiment(name_or_path: str | Path) -> Experiment:
    """An experiment from a file path, or a canned experiment by name."""
    canned = canned_experiments()
    if str(name_or_path) in canned:
        return Experiment.from_toml(canned[str(name_or_path)])
    path = Path(name_or_path)
    if not path.exists() and path.suffix != ".toml":
        raise ConfigError(
            "experiment",
            str(name_or_path),
            "a TOML file or a canned experiment",
            did_you_mean(str(name_or_path), canned),
        )
    return Experiment.from_toml(path)
