"""The dashboard's state, in plain Python: two strategies on one world, stepped a day at a time.

A :class:`Workshop` holds a shared scenario (the world: graph, population, fans' behaviour)
and two sides, each the shared scenario plus its own overrides (the strategy). Both sides are
built from the same seed, so they start on the same graph with the same people and draw the
same random numbers (common random numbers): what differs between them is caused by the
strategy. Every change of a parameter, the seed or the population size starts both sides again
from day 0, so the two stay paired. The view (:mod:`socialsim.dashboard.app`) only reads and
calls this; it is tested without a browser.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from socialsim.constraints import ConfigError
from socialsim.dashboard.levers import is_strategy
from socialsim.dashboard.picture import Sample, sample, styles
from socialsim.dashboard.record import daily, so_far
from socialsim.kpis import DECLARED
from socialsim.model import EngagementModel
from socialsim.network.graph import SocialGraph
from socialsim.scenario import Scenario
from socialsim.studies.experiment import Experiment, load_experiment

__all__ = ["LIVE_PEOPLE", "PLOTTED", "Side", "Workshop"]

LIVE_PEOPLE = 5_000
"""Most people the dashboard starts with: both sides then step well over 5 days a second."""
PLOTTED = (
    "nps",
    "fans",
    "churn_rate",
    "backlog",
    "response_time_median",
    "staff_cost",
    "net_value",
    "engaged_30d_share",
    "engagement_rate",
)
"""The KPIs plotted unless an experiment names its own (those that are declared): with the
brand's replies and costs, engagement: the share of fans with any interaction in the last 30
days, and the share engaging with brand posts (no value on a day without a post: its plot
fills once a side's content calendar runs)."""


@dataclass(eq=False)
class Side:
    """One strategy: its overrides of the shared scenario, its model and its KPIs so far.

    Attributes
    ----------
    name : str
        What the class calls it.
    overrides : dict
        Dotted-key changes to the shared scenario.
    scenario : Scenario
        The shared scenario with the overrides applied.
    model : EngagementModel
        The running model.
    answered : numpy.ndarray of bool, shape (n_people,)
        Who the brand answered or contacted on the last day stepped.
    """

    name: str
    overrides: dict[str, Any]
    scenario: Scenario
    model: EngagementModel = field(init=False)
    answered: np.ndarray = field(init=False)
    _daily: tuple[int, pd.DataFrame] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.model = EngagementModel(self.scenario)
        self.answered = np.zeros(self.model.graph.n_nodes, dtype=bool)

    def step(self) -> None:
        """Advance one day."""
        before = self.model.population.responses_received.copy()
        self.model.step()
        self.answered = self.model.population.responses_received > before

    def daily(self) -> pd.DataFrame:
        """The KPIs so far, one row per day from day 0, derived ones included (do not change it).

        Built once a day: every view redraws from the same frame.
        """
        if self._daily is None or self._daily[0] != self.model.day:
            self._daily = (self.model.day, daily(self.model, self.scenario))
        return self._daily[1]

    def series(self, kpi: str) -> np.ndarray:
        """A KPI's values by day (a per-run rate: its value so far, see :func:`so_far`)."""
        return so_far(self.daily(), kpi)


class Workshop:
    """Two strategies side by side on common random numbers, stepped together.

    Parameters
    ----------
    scenario : Scenario, optional
        The world both sides share; the built-in default when omitted. Both sides start as
        this scenario, so they run identically until a lever of one side is moved.
    experiment : str or Experiment, optional
        A canned experiment's name (or an experiment): its base is the shared scenario, the
        two strategies its ``workshop`` setting names (else its first two) the sides, its
        question and KPIs what the class is asked and watches. Overrides ``scenario``.
    people : int, optional
        Population size (``graph.n``); by default the scenario's, at most
        :data:`LIVE_PEOPLE`. A graph loaded from a file keeps its own size.

    Attributes
    ----------
    shared : Scenario
        The world both sides share.
    sides : list of Side
        The two strategies.
    question : str
        What the experiment asks (empty outside workshop mode).
    watch : tuple of str
        The KPIs to plot.
    experiment : str
        The experiment's name (empty outside workshop mode).
    strategies : dict of str to dict
        The experiment's strategies, by name (empty outside workshop mode).

    Examples
    --------
    >>> w = Workshop(Scenario().replace({"run.days": 30}), people=300)
    >>> w.set_lever(1, "policy.name", "ignore")
    >>> w.step(5)
    5
    >>> w.day, [fans > 0 for fans in w.latest("fans")]
    (5, [True, True])
    >>> w.set_lever(0, "team.staff", -1)
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'team.staff' parameter must be an int in [0, 1000000]. Got -1 instead.
    >>> w.day  # a rejected value changes nothing
    5
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        experiment: str | Experiment | None = None,
        people: int | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self._samples: list[tuple[SocialGraph, Sample]] = []
        if experiment is not None:
            self.load(experiment, people=people)
        else:
            self.start(scenario, people=people)

    # ------------------------------------------------------------------ reading
    @property
    def day(self) -> int:
        """Days simulated so far (both sides are always on the same day)."""
        return self.sides[0].model.day

    @property
    def horizon(self) -> int:
        """The last day (``run.days``)."""
        return self.shared.run.days

    @property
    def done(self) -> bool:
        """Whether the horizon is reached."""
        return self.day >= self.horizon

    @property
    def per_side(self) -> set[str]:
        """World parameters that a side's strategy sets (in workshop mode): each side sets its own.

        >>> sorted(Workshop(experiment="crisis", people=200).per_side)
        ['reaction.fix_lag_days']
        """
        return {key for side in self.sides for key in side.overrides if not is_strategy(key)}

    def series(self, kpi: str) -> dict[str, list[float]]:
        """A KPI's values so far on each side, by side name (NaN where a day has none).

        Any declared KPI (:data:`socialsim.kpis.DECLARED`): a per-run rate such as
        ``churn_rate`` by its value so far (:func:`~socialsim.dashboard.record.so_far`).
        """
        with self.lock:
            return {side.name: side.series(kpi).tolist() for side in self.sides}

    def latest(self, kpi: str) -> list[float]:
        """A KPI's value today on each side."""
        with self.lock:
            return [float(side.series(kpi)[-1]) for side in self.sides]

    def picture(self, index: int) -> tuple[Sample, dict[str, list]]:
        """The sample of a side's graph and how to draw each person in it today."""
        with self.lock:
            side = self.sides[index]
            drawn = self._sample(side.model)
            model = side.model
            return drawn, styles(drawn, model.population, model.posts, side.answered, day=model.day)

    # ------------------------------------------------------------------ changing
    def start(self, scenario: Scenario | None = None, *, people: int | None = None) -> None:
        """Free mode: both sides start as ``scenario`` (the built-in default when omitted)."""
        with self.lock:
            scenario = scenario if scenario is not None else Scenario()
            self._build(_live(scenario, people), [("A", {}), ("B", {})])
            self.strategies: dict[str, dict[str, Any]] = {}
            self.question, self.experiment = "", ""
            self.watch = tuple(kpi for kpi in PLOTTED if kpi in DECLARED)

    def load(self, experiment: str | Experiment, *, people: int | None = None) -> None:
        """Workshop mode: an experiment's base as the world, two of its strategies as sides.

        The sides are the two strategies the experiment's ``workshop`` setting names, else its
        first two.

        Raises
        ------
        ConfigError
            If no such experiment exists.
        """
        loaded = load_experiment(experiment) if isinstance(experiment, str) else experiment
        base = loaded.base.replace(
            {"run.seed": loaded.seed} | ({"run.days": loaded.days} if loaded.days else {})
        )
        names = list(loaded.workshop or loaded.strategies)[:2]
        sides = [(name, dict(loaded.strategies[name])) for name in names]
        if len(sides) == 1:
            sides.append((f"{names[0]} (again)", dict(sides[0][1])))
        with self.lock:
            self._build(_live(base, people), sides)
            self.strategies = {name: dict(changes) for name, changes in loaded.strategies.items()}
            self.question, self.experiment = loaded.question, loaded.name
            self.watch = loaded.kpis

    def choose(self, index: int, strategy: str) -> None:
        """Workshop mode: put another of the experiment's strategies on a side, from day 0.

        Raises
        ------
        ConfigError
            If the experiment has no such strategy.
        """
        with self.lock:
            if strategy not in self.strategies:
                raise ConfigError(
                    "strategy", strategy, f"one of the experiment's: {', '.join(self.strategies)}"
                )
            specs = self._side_specs()
            specs[index] = (strategy, dict(self.strategies[strategy]))
            self._build(self.shared, specs)

    def set_lever(self, index: int, key: str, value: Any) -> None:
        """Set one parameter on one side (by its index), and start both sides again.

        Raises
        ------
        ConfigError
            If the value is not allowed; nothing changes then.
        """
        with self.lock:
            side = self.sides[index]
            changed = side.scenario.replace({key: value})
            overrides = _difference(changed, self.shared)
            sides = [(s.name, overrides if s is side else s.overrides) for s in self.sides]
            self._build(self.shared, sides)

    def set_shared(self, key: str, value: Any) -> None:
        """Set one parameter of the shared world, and start both sides again.

        Raises
        ------
        ConfigError
            If the value is not allowed; nothing changes then.
        """
        with self.lock:
            self._build(self.shared.replace({key: value}), self._side_specs())

    def reset(self) -> None:
        """Start both sides again from day 0 (the same numbers as before)."""
        with self.lock:
            self._build(self.shared, self._side_specs())

    def step(self, days: int = 1) -> int:
        """Advance both sides by up to ``days`` days (not past the horizon); return how many."""
        with self.lock:
            days = max(0, min(days, self.horizon - self.day))
            for _ in range(days):
                for side in self.sides:
                    side.step()
            return days

    # ------------------------------------------------------------------ helpers
    def _side_specs(self) -> list[tuple[str, dict[str, Any]]]:
        return [(side.name, side.overrides) for side in self.sides]

    def _build(self, shared: Scenario, specs: list[tuple[str, dict[str, Any]]]) -> None:
        """New sides on ``shared``; the state is replaced only if every side builds."""
        sides = [Side(name, overrides, shared.replace(overrides)) for name, overrides in specs]
        self.shared, self.sides = shared, sides

    def _sample(self, model: EngagementModel) -> Sample:
        """The sample of a model's graph, drawn and laid out once per distinct graph."""
        graph = model.graph
        for other, drawn in self._samples:
            if other is graph or (
                np.array_equal(other.indptr, graph.indptr)
                and np.array_equal(other.indices, graph.indices)
            ):
                return drawn
        drawn = sample(graph, seed=self.shared.run.seed)
        self._samples = [*self._samples[-3:], (graph, drawn)]
        return drawn


def _live(scenario: Scenario, people: int | None) -> Scenario:
    """The scenario at the dashboard's population size."""
    if scenario.graph.kind == "file":
        return scenario
    size = people if people is not None else min(scenario.graph.n, LIVE_PEOPLE)
    return scenario.replace({"graph.n": size})


def _difference(scenario: Scenario, shared: Scenario) -> dict[str, Any]:
    """The parameters where ``scenario`` differs from ``shared``, by dotted key."""
    base = shared.flat()
    return {key: value for key, value in scenario.flat().items() if base[key] != value}
