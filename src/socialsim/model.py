"""The engagement model: a brand's fans on a social graph, one step per day.

:class:`EngagementModel` is a :class:`mesa.Model`. The fans live in arrays
(:class:`~socialsim.population.Population`), and each day is a short list of named phases,
each a function in the module named after it::

    experiences      -> socialsim.fans.experiences     good and bad experiences, public posts
    advocacy         -> socialsim.fans.advocacy        onlookers see complaints; advocates defend, help
    word of mouth    -> socialsim.fans.word_of_mouth   fans talk to the people who see their posts
    recruitment      -> socialsim.fans.recruitment     advocates turn prospects into fans
    memory           -> socialsim.fans.loyalty         loyalty drifts back toward its baseline
    churn            -> socialsim.fans.churn           unhappy fans leave

``docs/model.md`` describes the model following the ODD protocol.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from socialsim.brand.agent import Brand
from socialsim.fans.advocacy import complaints_seen, needs_helped
from socialsim.fans.churn import lose_fans
from socialsim.fans.experiences import live_experiences
from socialsim.fans.loyalty import fade
from socialsim.fans.recruitment import recruit
from socialsim.fans.word_of_mouth import talk
from socialsim.kpis import BRAND_KPIS, FLOW_KPIS, KPIS, state_kpis
from socialsim.network import generators, loaders
from socialsim.network.graph import SocialGraph
from socialsim.population import Population
from socialsim.posts import PostKind, Posts
from socialsim.scenario import Scenario
from socialsim.streams import root_sequence, spawn_streams

__all__ = ["EngagementModel"]


def _kpi(model: EngagementModel, name: str) -> float:
    return model.today[name]


class EngagementModel(mesa.Model):
    """A brand's fan population on a social graph, stepped one day at a time.

    Parameters
    ----------
    scenario : Scenario, optional
        The configuration; the built-in default when omitted.
    rng : int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Root of every random draw, graph included. Defaults to ``scenario.run.seed``, so a
        scenario alone fixes the numbers. Replicates pass ``SeedSequence(seed).spawn(n)``.
    graph : SocialGraph or networkx.Graph, optional
        Use this graph instead of the one the scenario describes.
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
    posts : Posts
        Today's public posts.
    today : dict
        Today's KPIs (see :data:`socialsim.kpis.KPIS`).
    datacollector : mesa.DataCollector
        One row of KPIs per day, day 0 being the initial state.

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
    """

    def __init__(
        self,
        scenario: Scenario | None = None,
        *,
        rng: int | np.random.SeedSequence | np.random.Generator | None = None,
        graph: SocialGraph | nx.Graph | None = None,
        **overrides: Any,
    ) -> None:
        scenario = (scenario if scenario is not None else Scenario()).replace(overrides)
        self.seed_sequence = root_sequence(scenario.run.seed if rng is None else rng)
        self.streams = spawn_streams(self.seed_sequence)
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
        )
        self.posts = Posts.gather({})
        self.brand = Brand(self)
        self.today: dict[str, float] = {}
        self._record(
            dict.fromkeys(FLOW_KPIS, 0) | dict.fromkeys(BRAND_KPIS, 0) | self._idle_brand()
        )
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_kpi, name=name) for name in KPIS}
        )
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

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """Advance one day: the phases below, in order, then record the KPIs."""
        s, rng, day = self.scenario, self.streams, self.steps
        counts: dict[str, int] = {}
        self.posts, experienced = live_experiences(
            self.population, s.experiences, day, seed=rng["experiences"]
        )
        counts.update(experienced)
        counts.update(self.brand.respond(self.posts, day))
        counts["defences"] = complaints_seen(
            self.graph,
            self.population,
            self.posts,
            s.experiences,
            s.advocacy,
            s.identification,
            seed=rng["advocacy"],
        )
        counts["helps"] = int(
            np.count_nonzero(
                needs_helped(
                    self.graph, self.population, self.posts, s.advocacy, seed=rng["advocacy"]
                )
            )
        )
        talkers, talked = talk(
            self.graph, self.population, s.wom, s.identification, s.churn, day, seed=rng["wom"]
        )
        counts.update(talked)
        counts.update(
            recruit(self.graph, self.population, s.recruitment, talkers, seed=rng["recruitment"])
        )
        fade(self.population, s.loyalty)
        counts["churned_today"] = lose_fans(self.population, s.churn, day, seed=rng["churn"])
        counts["complaints"] = self.posts.count(PostKind.COMPLAINT)
        counts["praise"] = self.posts.count(PostKind.PRAISE)
        counts["needs"] = self.posts.count(PostKind.NEED)
        self._record(counts)
        self.datacollector.collect(self)
        if self.steps >= s.run.days:
            self.running = False

    def run(self, days: int | None = None, *, progress: bool = False) -> None:
        """Step ``days`` days (default: the rest of the scenario's horizon).

        Parameters
        ----------
        days : int, optional
            How many days to simulate.
        progress : bool, default False
            Show a progress bar.
        """
        days = self.scenario.run.days - self.steps if days is None else days
        for _ in tqdm(range(days), desc="days", unit="day", disable=not progress, leave=False):
            self.step()

    # ------------------------------------------------------------------ output
    def kpis(self) -> pd.DataFrame:
        """The KPIs, one row per day (day 0 is the initial state), as a tidy DataFrame."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(0, "day", np.arange(len(frame)))
        return frame

    def fans(self) -> pd.DataFrame:
        """Every person's current state and interaction history, one row per node."""
        return self.population.to_frame(self.graph)

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
        """The brand's KPIs before its first day: no replies yet, so no response times."""
        return {"response_time_median": float("nan"), "response_time_p90": float("nan")}

    def _record(self, counts: dict[str, int]) -> None:
        self.today = {**state_kpis(self.population), **counts}
