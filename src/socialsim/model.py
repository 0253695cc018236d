"""The engagement model: a brand's fans on a social graph, one step per day.

:class:`EngagementModel` is a :class:`mesa.Model`. The fans live in arrays
(:class:`~socialsim.population.Population`), and each day is the list of phases
:data:`PHASES`: functions of one shape (:mod:`socialsim.day`), each in the module of the process
it models and each drawing from its own named random stream.

``docs/model.md`` describes the model following the ODD protocol; its section 3 is this list.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from socialsim.brand.agent import Brand, costs, triage, work
from socialsim.brand.early_warning import early_warning
from socialsim.brand.listening import listening
from socialsim.brand.policies.protocol import PolicyLike
from socialsim.brand.policies.registry import build as build_policy
from socialsim.brand.response import onlookers, outreach, replies
from socialsim.constraints import Interval
from socialsim.crisis import Crisis
from socialsim.day import Day, Phase
from socialsim.fans.advocacy import defence, help_needs, praise_seen
from socialsim.fans.churn import churn
from socialsim.fans.content import content
from socialsim.fans.depth import depth, depth_levels
from socialsim.fans.escalation import escalation
from socialsim.fans.experiences import experiences
from socialsim.fans.loyalty import memory
from socialsim.fans.recruitment import recruitment
from socialsim.fans.root_causes import root_causes
from socialsim.fans.word_of_mouth import word_of_mouth
from socialsim.interactions import log_posts
from socialsim.kpis import BRAND_KPIS, FLOW_KPIS, KPIS, state_kpis
from socialsim.network import generators, loaders
from socialsim.network.graph import SocialGraph
from socialsim.population import Population
from socialsim.posts import Posts
from socialsim.scenario import Scenario
from socialsim.streams import SETUP_STREAMS, root_sequence, spawn_streams

__all__ = ["PHASES", "EngagementModel"]

_WHOLE_DAYS = Interval(0, None, integer=True)

PHASES: tuple[Phase, ...] = (
    root_causes,  # fans.root_causes      episodes start, and end once their fix has landed
    experiences,  # fans.experiences      good and bad experiences; complaints, praise, needs
    escalation,  # fans.escalation        complaints re-shared through onlookers; media pick-up
    log_posts,  # interactions            the day's public posts join the interaction log
    content,  # fans.content              brand posts reach fans; likes, comments, shares
    listening,  # brand.listening         the brand flags and labels the day's posts
    early_warning,  # brand.early_warning the detector on flagged labels; the alarm's reaction
    triage,  # brand.agent                its policy picks what to answer, in what order
    work,  # brand.agent                  frontline and experts work the queue in hours
    replies,  # brand.response            replies, and complaints left unanswered, move authors
    outreach,  # brand.response           unsolicited contacts
    onlookers,  # brand.response          audiences see the day's public interactions
    defence,  # fans.advocacy             complaints hurt onlookers; advocates defend
    praise_seen,  # fans.advocacy         praise pleases onlookers
    help_needs,  # fans.advocacy          advocates help people with a need
    word_of_mouth,  # fans.word_of_mouth  fans talk to the people who see their posts
    recruitment,  # fans.recruitment      prospects become fans; advocates pitch
    memory,  # fans.loyalty               loyalty drifts back toward its baseline
    depth,  # fans.depth                  two-way interactions deepen; depth fades
    churn,  # fans.churn                  unhappy fans leave
    costs,  # brand.agent                 the day's staff and compensation cost
)
"""The day, in order: each phase sees every change made by the phases before it."""

# The rng the caller did not give: the scenario's run.seed. None is fresh entropy.
_SCENARIO_SEED: Any = object()


def _kpi(model: EngagementModel, name: str) -> float:
    return model.today[name]


def _seed(model: EngagementModel) -> int:
    return model.seed


class _DailyRecord(mesa.DataCollector):
    """Mesa's DataCollector of the model's seed and KPIs, one row a day, filled from ``today``.

    Its reporters say what each column holds; :meth:`collect` keeps the day's values without
    calling them one at a time and deep-copying each (plain numbers need no copy): that was
    two thirds of the model's own cost of a day, outside the phases (docs/performance.md).
    The day's values are kept as one row (a single lookup of every KPI) and moved into
    ``model_vars``, Mesa's lists by column, when it is read: a list append per KPI and day
    cost more than the rest of the record.
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

    def collect(self, model: EngagementModel) -> None:  # type: ignore[override]
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
        # The seed is left out before typing: one from a seed sequence may exceed int64.
        columns = {
            name: _array(values) for name, values in self.model_vars.items() if name != "seed"
        }
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


class EngagementModel(mesa.Model):
    """A brand's fan population on a social graph, stepped one day at a time.

    Parameters
    ----------
    scenario : Scenario, optional
        The configuration; the built-in default when omitted.
    rng : int, numpy.random.SeedSequence, numpy.random.Generator or None, optional
        Root of every random draw, graph included; an int in the range of ``run.seed``,
        [0, 2**63). When omitted, ``scenario.run.seed``, so a scenario alone fixes the
        numbers. Replicates pass ``SeedSequence(seed).spawn(n)``.
        ``None`` asks for fresh entropy, as :class:`mesa.Model` does: every such model is an
        independent replicate (this is what :func:`mesa.batch_run` passes for its
        iterations), and records the seed it drew in :attr:`seed` and in the DataCollector's
        ``seed`` column.
    graph : SocialGraph or networkx.Graph, optional
        Use this graph instead of the one the scenario describes.
    policy : policy or str, optional
        The brand's response policy (:mod:`socialsim.brand.policies`): an object with
        ``decide(seen) -> Decision``, a preset's or a registered policy's name, or an import
        path ``"module:attribute"``. When omitted, the scenario's: the object it carries
        (:meth:`Scenario.with_policy`), or the one its ``[policy]`` section describes.
    **overrides
        Dotted-key changes to the scenario (``**{"wom.negativity": 2.0}``); this is how
        :func:`mesa.batch_run` passes its parameters.

    Attributes
    ----------
    scenario : Scenario
        The validated configuration.
    graph : SocialGraph
        Who sees whose posts.
    population : Population
        Every person's state.
    brand : Brand
        The brand's state from day to day (its care team and queue).
    policy : policy
        The policy this run follows (its own copy); ``policy.describe()`` is its record.
    crisis : Crisis
        Root-cause episodes and the early-warning detector, from day to day.
    posts : Posts
        The public posts of the last day simulated.
    today : dict
        Today's KPIs (see :data:`socialsim.kpis.KPIS`).
    seed : int
        The root seed of this run.
    datacollector : mesa.DataCollector
        One row per day, day 0 being the initial state: the KPIs and the run's ``seed``.

    Examples
    --------
    >>> from socialsim import EngagementModel, Scenario
    >>> model = EngagementModel(Scenario().replace({"graph.n": 500}), rng=1)
    >>> model.run(days=10)
    >>> kpis = model.kpis()
    >>> len(kpis), int(kpis["day"].iloc[-1])
    (11, 10)
    >>> bool((kpis["fans"] + kpis["prospects"] + kpis["churned"] == 500).all())
    True

    ``rng=None`` gives a new replicate each time, and its recorded seed repeats it:

    >>> fresh = EngagementModel(Scenario().replace({"graph.n": 200}), rng=None)
    >>> again = EngagementModel(Scenario().replace({"graph.n": 200}), rng=fresh.seed)
    >>> bool((fresh.population.loyalty == again.population.loyalty).all())
    True
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        rng: int | np.random.SeedSequence | np.random.Generator | None = _SCENARIO_SEED,
        graph: SocialGraph | nx.Graph | None = None,
        policy: PolicyLike | str | None = None,
        **overrides: Any,
    ) -> None:
        scenario = (scenario if scenario is not None else Scenario()).replace(overrides)
        self.seed_sequence = root_sequence(scenario.run.seed if rng is _SCENARIO_SEED else rng)
        self.streams = spawn_streams(
            self.seed_sequence, (*SETUP_STREAMS, *(phase.name for phase in PHASES))
        )
        self._phases = [(phase, self.streams[phase.name]) for phase in PHASES]
        super().__init__(rng=self.streams["mesa"])
        self._scenario = scenario
        self.graph, blocks = self._build_graph(graph)
        attributes = (
            loaders.read_attributes(scenario.graph.attributes, self.graph)
            if scenario.graph.attributes
            else None
        )
        self.population = Population.initialize(
            scenario.population,
            self.graph.n_nodes,
            seed=self.streams["population"],
            segment=blocks,
            attributes=attributes,
            relationship=scenario.relationship,
        )
        self.policy = build_policy(policy, scenario)
        self.brand = Brand(scenario.team, self.policy)
        self.crisis = Crisis()
        self._day = Day(0, scenario, self.graph, self.population, self.brand, self.crisis)
        # Every KPI in the record's order: a day's record starts as a copy, and the phases
        # (which return exactly the KPIs they declare, a test checks) replace every value.
        # That costs less than a dict built key by key and merged with the state's.
        self._every_kpi: dict[str, Any] = dict.fromkeys(KPIS)
        self._record(
            self._every_kpi
            | dict.fromkeys(FLOW_KPIS, 0)
            | dict.fromkeys(BRAND_KPIS, 0)
            | self._idle_brand()
            | depth_levels(self.population, 0)
        )
        self.datacollector = _DailyRecord()
        self.datacollector.collect(self)

    # Mesa's base class keeps an experimental scenario object of its own under this name;
    # socialsim's Scenario is what users of this model mean by it.
    @property
    def scenario(self) -> Scenario:  # type: ignore[override]
        """The validated configuration of this run."""
        return self._scenario

    @scenario.setter
    def scenario(self, value: Any) -> None:
        self._mesa_scenario = value

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return self.steps

    @property
    def seed(self) -> int:
        """The root seed this run used: passed back as ``rng``, it repeats the run.

        For a run handed a spawned seed sequence (a replicate), the sequence's spawn key
        (``seed_sequence.spawn_key``) is needed as well. A seed sequence or Generator made
        without a seed (``numpy.random.default_rng()``) has 128 bits of entropy, beyond the
        ints ``rng`` takes: ``numpy.random.SeedSequence(seed)`` passes it back.
        """
        return int(self.seed_sequence.entropy)

    @property
    def posts(self) -> Posts:
        """The public posts of the last day simulated."""
        return self._day.posts

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """Advance one day: each phase of :data:`PHASES` in order, then record the KPIs."""
        day = self._day = Day(
            self.steps, self.scenario, self.graph, self.population, self.brand, self.crisis
        )
        # Each phase's KPIs go straight into their places in the day's record.
        today = self._every_kpi.copy()
        count = today.update
        for phase, rng in self._phases:
            count(phase(day, rng))
        self._record(today)
        self.datacollector.collect(self)
        if self.steps >= self.scenario.run.days:
            self.running = False

    def run(self, days: int | None = None, *, progress: bool = False) -> None:
        """Step ``days`` days (default: the rest of the scenario's horizon).

        Parameters
        ----------
        days : int, optional
            How many days to simulate.
        progress : bool, default False
            Show a progress bar.

        Raises
        ------
        ConfigError
            If ``days`` is not a whole number of days >= 0 (a fraction would stop Mesa's clock
            mid-day).
        """
        if days is None:
            days = self.scenario.run.days - self.steps
        else:
            _WHOLE_DAYS.check("days", days)
        if not progress and days > 0:
            # Mesa's clock advanced over all the days at once runs the same daily steps (and
            # any other event scheduled) without a step() call and a clock check per day.
            self.run_for(days)
            return
        for _ in tqdm(range(days), desc="days", unit="day", disable=not progress, leave=False):
            self.step()

    # ------------------------------------------------------------------ output
    def kpis(self) -> pd.DataFrame:
        """The KPIs, one row per day (day 0 is the initial state), as a tidy DataFrame.

        These are the model's own. :func:`socialsim.value.value_and_cost` adds the priced and
        derived daily KPIs (fan value, costs, net value, fans joined ...), and
        :func:`socialsim.kpis.per_run` sums a run up, its ratios (churn rate ...) included.

        Examples
        --------
        >>> from socialsim import Scenario
        >>> from socialsim.value import value_and_cost
        >>> model = EngagementModel(Scenario().replace({"graph.n": 200, "run.days": 3}), rng=1)
        >>> model.run()
        >>> daily = value_and_cost(model.kpis(), value=model.scenario.value, cost=model.scenario.cost)
        >>> len(daily), "net_value" in daily
        (4, True)
        """
        return self.datacollector.kpis()

    def fans(self) -> pd.DataFrame:
        """Every person's current state and interaction history, one row per node.

        Among the columns: ``join_day`` (0 for the fans of day 0), ``depth`` and
        ``last_interaction`` (the day of the person's last row in :meth:`interactions`).
        """
        return self.population.to_frame(self.graph)

    def interactions(self) -> pd.DataFrame:
        """Every interaction with the brand so far, one row each (:mod:`socialsim.interactions`).

        Columns ``person`` (the node's index), ``day``, ``hour``, ``kind`` (complaint, praise,
        need, comment, like, share, reply, botched, help, contact), ``channel`` (public,
        private, brand_post, shared) and ``post`` (the brand post's id, -1 if none).
        """
        return self.population.log.to_frame()

    # ------------------------------------------------------------------ set-up helpers
    def _build_graph(
        self, graph: SocialGraph | nx.Graph | None
    ) -> tuple[SocialGraph, np.ndarray | None]:
        if graph is None:
            return generators.generate(
                self.scenario.graph,
                segments=self.scenario.population.segments,
                seed=self.streams["graph"],
            )
        if isinstance(graph, nx.Graph):
            return SocialGraph.from_networkx(graph), None
        if isinstance(graph, SocialGraph):
            return graph, None
        raise TypeError(
            f"The 'graph' parameter must be a SocialGraph or a networkx graph. Got {type(graph).__name__} instead."
        )

    def _idle_brand(self) -> dict[str, float]:
        """The brand's KPIs before its first day: no replies yet, so no response times, and
        no brand posts, so no engagement rate."""
        return {
            "response_time_median": float("nan"),
            "response_time_p90": float("nan"),
            "engagement_rate": float("nan"),
        }

    def _record(self, today: dict[str, float]) -> None:
        """Today's KPIs: the phases' counts in ``today`` (every KPI, in order), and the state."""
        today.update(state_kpis(self.population))
        self.today = today
