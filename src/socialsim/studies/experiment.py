"""Experiments: a base scenario, the strategies to compare, replicates, seed and KPIs of interest.

An experiment file is TOML::

    [experiment]
    question = "Stay out of negatives or answer them?"
    replicates = 10
    seed = 1
    days = 180
    kpis = ["nps", "fans", "churned", "staff_cost"]
    baseline = "ignore"
    hinges_on = ["response.ignored_penalty"]   # assumptions the answer turns on: the report
                                               # names them beside the answer
    workshop = ["ignore", "negatives-first"]   # the two sides `socialsim dashboard` opens on
                                               # (the first two strategies when left out)

    [base]                       # scenario overrides shared by every strategy
    graph.n = 5000

    [strategies.ignore]          # each strategy: overrides by dotted key
    "policy.name" = "ignore"

    [strategies.negatives-first]
    "policy.name" = "negatives-first"

The ``[experiment]`` settings are declared in :class:`ExperimentSettings` and checked by the
same code as scenario parameters, with the same one-line errors; so are the strategies'
overrides, and the files they name (``graph.path``, ``graph.attributes``, read relative to the
experiment file) must exist. All of it is checked on loading, before any run.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from socialsim.brand.policy import READ_WHATEVER_THE_POLICY
from socialsim.constraints import (
    ConfigError,
    Interval,
    Names,
    Optional,
    Section,
    Text,
    check_tables,
    did_you_mean,
    param,
    read_toml,
)
from socialsim.kpis import DECLARED
from socialsim.scenario import (
    PARAMETERS,
    Scenario,
    flatten_keys,
    missing_files,
    resolve_paths,
)

__all__ = [
    "KPI_NAMES",
    "MAX_REPLICATES",
    "Experiment",
    "ExperimentSettings",
    "canned_experiments",
    "load_experiment",
]

KPI_NAMES = Names(tuple(DECLARED), "KPI names (see `socialsim kpis`)")
"""What a list of KPIs to keep or report may be, in an experiment or a sweep file: any declared
KPI, recorded every day or derived (rates, value and cost; :data:`socialsim.kpis.DECLARED`)."""

MAX_REPLICATES = 10_000
"""Most replicates per strategy. A comparison keeps every run's daily KPIs in memory, so the
cost grows with strategies × replicates × days; paired comparisons settle with tens."""


@dataclass(frozen=True)
class Pair:
    """Two distinct names, as a list: the two sides of the dashboard.

    >>> Pair("strategy names").check("k", ["a", "b"])
    ('a', 'b')
    >>> Pair("strategy names").check("k", ["a", "b", "c"])
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'k' parameter must be a list of two distinct strategy names. Got ['a', 'b', 'c'] instead. It names 3.
    """

    what: str

    def describe(self) -> str:
        return f"a list of two distinct {self.what}"

    def check(self, key: str, value: Any) -> tuple[str, ...]:
        listed = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        if not listed:
            raise ConfigError(key, value, self.describe())
        if len(value) != 2:
            raise ConfigError(key, value, self.describe(), f"It names {len(value)}.")
        if value[0] == value[1]:
            raise ConfigError(key, value, self.describe(), f"{value[0]!r} is listed twice.")
        return tuple(value)


TABLES = {
    "experiment": "settings (question, replicates, days, kpis ...)",
    "base": "scenario overrides shared by every strategy",
    "strategies": "strategies, each a table of scenario overrides",
}


@dataclass(frozen=True)
class ExperimentSettings(Section):
    """The ``[experiment]`` table, declared and checked like every scenario parameter."""

    section: ClassVar[str] = "experiment"
    question: str = param("", Text(), "What the experiment asks.")
    replicates: int = param(
        10,
        Interval(1, MAX_REPLICATES, integer=True),
        "Runs per strategy; replicate r of every strategy uses the same seed.",
        "assumption: enough to tell strategies apart in the canned experiments",
    )
    seed: int = param(
        1,
        Interval(0, None, integer=True),
        "Root seed: replicate seeds are SeedSequence(seed).spawn(replicates).",
    )
    days: int | None = param(
        None,
        Optional(PARAMETERS["run.days"].metadata["constraint"]),
        "Horizon in days; the base scenario's run.days when left out.",
    )
    kpis: tuple[str, ...] = param(
        ("nps", "fans", "mean_loyalty", "churn_rate", "total_cost", "net_value"),
        KPI_NAMES,
        "KPIs to summarise and plot; the first is the one the report's answer leads with.",
    )
    baseline: str = param(
        "", Text(), "The strategy the others are compared with; the first one when empty."
    )
    name: str = param("experiment", Text(), "What the experiment is called (its file's name).")
    hinges_on: tuple[str, ...] | None = param(
        None,
        Optional(Names(tuple(PARAMETERS), "parameter keys (see `socialsim parameters`)")),
        "Assumed parameters the answer is known to turn on: the report names each beside the "
        "answer, with its value, plausible range and source.",
    )
    workshop: tuple[str, ...] | None = param(
        None,
        Optional(Pair("strategy names")),
        "The two strategies the dashboard opens on, side by side (`socialsim dashboard "
        "--experiment`); the first two when left out.",
    )


_DEFAULT = ExperimentSettings()
SETTINGS = tuple(f.name for f in dataclasses.fields(ExperimentSettings))

# What a strategy may not set, since the experiment's settings set it for every strategy.
_SHARED = {
    "run.days": "left out: every strategy runs the experiment's days (experiment.days, or the "
    "base scenario's run.days)",
    "run.seed": "left out: the experiment's seed and replicates seed every strategy's runs "
    "alike (experiment.seed)",
}


@dataclass(frozen=True)
class Experiment:
    """Strategies to compare on a common base scenario, with common random numbers.

    Parameters
    ----------
    strategies : dict of str to dict
        Each strategy's scenario overrides, by dotted key.
    base : Scenario or dict of str to object, optional
        The scenario every strategy starts from, or the overrides of the default scenario
        that make it, by dotted key (as a file's ``[base]`` table); the default scenario
        when omitted or None.
    replicates, seed, days, kpis, baseline, name, question, hinges_on, workshop
        The settings of :class:`ExperimentSettings`: runs per strategy (replicate ``r`` of
        every strategy uses the same seed, ``SeedSequence(seed).spawn(replicates)[r]``), the
        horizon (the base scenario's ``run.days`` when None), the KPIs to summarise, the
        strategy the others are compared with (the first one when empty), what the
        experiment is called and asks, the assumptions its answer turns on, and the two
        strategies the dashboard opens on (the first two when None).

    Examples
    --------
    >>> e = Experiment({"a": {"policy.name": "ignore"}, "b": {"policy.name": "respond-all"}}, replicates=2)
    >>> e.baseline, e.scenario("b").policy.name
    ('a', 'respond-all')
    >>> Experiment({"a": {}}, kpis=("npss",))
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'experiment.kpis' parameter must be a non-empty list of distinct KPI names (see `socialsim kpis`). Got ('npss',) instead. 'npss' is not one. Did you mean 'nps'?
    >>> Experiment({"a": {}, "b": {}}, baseline="c")
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'experiment.baseline' parameter must be the name of one of the strategies: 'a', 'b'. Got 'c' instead.
    """

    strategies: dict[str, dict[str, Any]]
    base: Scenario | Mapping[str, Any] | None = field(default_factory=Scenario)
    replicates: int = _DEFAULT.replicates
    seed: int = _DEFAULT.seed
    days: int | None = _DEFAULT.days
    kpis: tuple[str, ...] = _DEFAULT.kpis
    baseline: str = _DEFAULT.baseline
    name: str = _DEFAULT.name
    question: str = _DEFAULT.question
    hinges_on: tuple[str, ...] | None = _DEFAULT.hinges_on
    workshop: tuple[str, ...] | None = _DEFAULT.workshop

    def __post_init__(self) -> None:
        settings = ExperimentSettings(**{key: getattr(self, key) for key in SETTINGS})
        for key in SETTINGS:
            object.__setattr__(self, key, getattr(settings, key))
        if not isinstance(self.strategies, dict) or not self.strategies:
            raise ConfigError("strategies", self.strategies, "at least one strategy")
        if self.base is None:
            object.__setattr__(self, "base", Scenario())
        elif isinstance(self.base, Mapping):  # overrides by dotted key, as a file's [base] table
            try:
                object.__setattr__(self, "base", Scenario().replace(dict(self.base)))
            except ConfigError as error:
                raise ConfigError(
                    f"base.{error.key}", error.value, error.allowed, error.hint
                ) from None
        elif not isinstance(self.base, Scenario):
            raise ConfigError(
                "base",
                self.base,
                "a Scenario or a dict of scenario overrides by dotted key",
            )
        if not self.baseline:
            object.__setattr__(self, "baseline", next(iter(self.strategies)))
        # A name not found is shown with those there are: a typo is then seen at once.
        named = ", ".join(map(repr, self.strategies))
        if self.baseline not in self.strategies:
            raise ConfigError(
                "experiment.baseline",
                self.baseline,
                f"the name of one of the strategies: {named}",
                did_you_mean(self.baseline, self.strategies),
            )
        for name in self.workshop or ():
            if name not in self.strategies:
                raise ConfigError(
                    "experiment.workshop",
                    list(self.workshop or ()),
                    f"two of the experiment's strategies: {named}",
                    " ".join(
                        filter(None, [f"{name!r} is not one.", did_you_mean(name, self.strategies)])
                    ),
                )
        too_late: dict[str, tuple[int, int]] = {}
        for name in self.strategies:
            own = flatten_keys(self.strategies[name])
            for key, why in _SHARED.items():
                if key in own:
                    # Every strategy runs on the same days and seeds, or the differences
                    # would not be paired: the experiment's settings set them for all.
                    raise ConfigError(f"strategies.{name}.{key}", own[key], why)
            if self.base.policy_object is not None and "policy" not in own:
                for key, value in own.items():
                    # The base's object decides: the settings that build a policy are unread.
                    if key.startswith("policy.") and key not in READ_WHATEVER_THE_POLICY:
                        raise ConfigError(
                            f"strategies.{name}.{key}",
                            value,
                            "left out while the base follows a policy object",
                            "Give the strategy its own policy object ('policy'), or build "
                            "the base without one.",
                        )
            try:
                scenario = self.scenario(name)
            except ConfigError as error:
                raise ConfigError(
                    f"strategies.{name}.{error.key}", error.value, error.allowed, error.hint
                ) from None
            for key, path in missing_files(scenario).items():
                named_by = f"strategies.{name}" if key in self.strategies[name] else "base"
                raise ConfigError(f"{named_by}.{key}", path, "an existing file")
            if scenario.root_causes.start > scenario.run.days:
                too_late[name] = (scenario.root_causes.start, scenario.run.days)
        if too_late:
            # Not an error: a horizon may be cut on purpose for a quick look, but then the
            # experiment no longer asks what its crisis is there for.
            if len(set(too_late.values())) == 1 and len(too_late) == len(self.strategies):
                start, days = next(iter(too_late.values()))
                named = f"every strategy (day {start}, last day {days})"
            else:
                named = ", ".join(
                    f"'{name}' (day {start}, last day {days})"
                    for name, (start, days) in too_late.items()
                )
            warnings.warn(
                f"The crisis (root_causes.start) starts after the last day (run.days) in {named}: "
                "no run will see it.",
                stacklevel=2,
            )

    def scenario(self, strategy: str) -> Scenario:
        """The full scenario of one strategy."""
        overrides = dict(self.strategies[strategy])
        if self.days is not None:
            overrides["run.days"] = self.days
        return self.base.replace(overrides)

    def with_replicates(self, replicates: int) -> Experiment:
        """The same experiment with another number of replicates."""
        return Experiment(**{**self.__dict__, "replicates": replicates})

    @classmethod
    def from_toml(cls, path: str | Path) -> Experiment:
        """Load an experiment file (see the module docstring for its layout).

        File names in ``[base]`` and in the strategies (``graph.path``, ``graph.attributes``)
        are read relative to the file.
        """
        path = Path(path)
        data = read_toml(path, "experiment")
        check_tables(data, TABLES)
        settings = dict(data.get("experiment", {}))
        for key in settings:
            if key not in SETTINGS:
                raise ConfigError(
                    f"experiment.{key}", settings[key], "a known key", did_you_mean(key, SETTINGS)
                )
        strategies = {}
        for name, overrides in data.get("strategies", {}).items():
            if not isinstance(overrides, dict):
                raise ConfigError(f"strategies.{name}", overrides, "a table of scenario overrides")
            strategies[name] = resolve_paths(overrides, path.parent)
        return cls(
            strategies=strategies,
            base=Scenario.from_dict(resolve_paths(data.get("base", {}), path.parent)),
            **{"name": path.stem, **settings},
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
    """An experiment from a file path, or a canned experiment by name.

    Raises
    ------
    ConfigError
        If it is neither an existing file nor a canned experiment's name (the message lists
        them), or if the file is not a valid experiment.
    """
    canned = canned_experiments()
    if str(name_or_path) in canned:
        return Experiment.from_toml(canned[str(name_or_path)])
    path = Path(name_or_path)
    if not path.exists():
        # A missing crisis.toml is most often the canned crisis, not yet copied out.
        near = path.stem if path.suffix == ".toml" else str(name_or_path)
        raise ConfigError(
            "experiment",
            str(name_or_path),
            f"an existing TOML file or {one_of_the_canned(canned)}",
            did_you_mean(near, canned),
        )
    return Experiment.from_toml(path)


def one_of_the_canned(names: Iterable[str]) -> str:
    """What an error message says a canned experiment's name may be: the names themselves, so
    that a name far from all of them (no 'Did you mean') still shows what there is.

    >>> one_of_the_canned(["crisis", "speed-matters"])
    'one of the canned experiments: crisis, speed-matters'
    """
    return "one of the canned experiments: " + ", ".join(names)
