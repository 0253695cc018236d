"""The fans (and prospects) as arrays: one entry per person, no Python object per fan.

Loyalty is kept on the 0–10 likelihood-to-recommend scale of the Net Promoter Score
(Reichheld 2003). Loyalty is continuous; the score a fan would state is its integer part, so a
fan is a promoter at loyalty >= 9, a passive in [7, 9) and a detractor below 7.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import IntEnum
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd

from socialsim.chance import Arrivals, beta_loyalty
from socialsim.interactions import Channel, InteractionLog, Kind
from socialsim.kernels import njit, prefetch
from socialsim.network.graph import SocialGraph
from socialsim.relationship import RelationshipParams
from socialsim.scenario import PopulationParams

__all__ = [
    "CHURNED",
    "DETRACTOR",
    "FAN",
    "PROMOTER",
    "PROSPECT",
    "Population",
    "Status",
    "beta_loyalty",
]

PROMOTER = 9.0
"""Loyalty from which a fan is a promoter, and so an advocate."""
DETRACTOR = 7.0
"""Loyalty below which a fan is a detractor."""


class Status(IntEnum):
    """Where a person stands with the brand."""

    PROSPECT = 0
    FAN = 1
    CHURNED = 2


PROSPECT, FAN, CHURNED = (int(status) for status in Status)
"""The statuses as plain ints, for compiled loops and array compares (numpy converts an
IntEnum member in each compare)."""


@dataclass(eq=False)
class Population:
    """Every person's state, as parallel arrays indexed by node.

    Attributes
    ----------
    status : int8
        A :class:`Status` value.
    loyalty : float64
        Likelihood to recommend, in [0, 10]; for a prospect, their attitude to the brand.
    baseline : float64
        The loyalty a person drifts back to as memory fades; it follows loyalty slowly.
    segment : int8 or int32
        Identity segment, for peer identification: int8 when every segment is in
        -128 .. 127 (any generated graph of up to 128 segments), int32 otherwise. The spread
        kernels read it at random for each tie; a quarter of the bytes keeps more of it in
        cache (docs/performance.md). A segment set by hand must fit its type.
    activity : float64
        How often the person posts, relative to the average person (mean 1, heavy-tailed).
    posts_made, responses_received : int32
        Interaction history: the person's public posts about the brand, and the brand's answers.
    posts_heard : int32
        The brand's items that listed the person: their posts listening flagged, and false
        positives they stood in for (:func:`socialsim.brand.agent.triage`). What the brand
        counts of their posts; ``posts_made`` counts those it missed too.
    last_contact : int32
        Day of the brand's last contact, -1 if never.
    churn_day : int32
        Day the fan churned, -1 if not churned.
    pitched : bool
        Whether an advocate has already made its one recruiting pitch (independent cascade).
    complaint_propensity : float64
        Multiplier of the person's chance to complain after a bad experience; answered
        complaints raise it (the squeaky wheel, :mod:`socialsim.brand.response`).
    unsolicited_received : int32
        Contacts the brand made that the person had not asked for.
    depth : float64
        Depth of the relationship with the brand, in [0, 1), separate from loyalty
        (:mod:`socialsim.fans.depth`); it damps loyalty swings (:meth:`shift`).
    join_day, last_interaction, last_engaged : int32
        Day the person became a fan (0 for the fans of day 0), day of their last row in
        :attr:`log`, and of their last one the brand sees on its own accounts
        (:data:`~socialsim.interactions.BRAND_SEES`); -1 if never.
    exposures, exposure_day : float64, int32
        Recent exposures to brand posts, as of ``exposure_day`` (-1: never), for wear-out
        (:mod:`socialsim.fans.content`).
    log : InteractionLog
        Every interaction with the brand, one row each (:mod:`socialsim.interactions`).
    damping, max_depth : float
        ``relationship.damping``, and a bound on everyone's depth kept by whoever changes depth
        (0: nothing to damp, no act raised). Set depth by hand, set ``max_depth`` too.
    """

    status: np.ndarray
    loyalty: np.ndarray
    baseline: np.ndarray
    segment: np.ndarray
    activity: np.ndarray
    posts_made: np.ndarray
    posts_heard: np.ndarray
    responses_received: np.ndarray
    last_contact: np.ndarray
    churn_day: np.ndarray
    pitched: np.ndarray
    complaint_propensity: np.ndarray
    unsolicited_received: np.ndarray
    depth: np.ndarray
    join_day: np.ndarray
    last_interaction: np.ndarray
    last_engaged: np.ndarray
    exposures: np.ndarray
    exposure_day: np.ndarray
    log: InteractionLog = field(default_factory=InteractionLog)
    damping: float = 0.0
    max_depth: float = 0.0

    @classmethod
    def initialize(
        cls,
        params: PopulationParams,
        n: int,
        *,
        seed: np.random.Generator,
        segment: np.ndarray | None = None,
        attributes: pd.DataFrame | None = None,
        relationship: RelationshipParams | None = None,
    ) -> Population:
        """Draw a population of ``n`` people.

        Fans draw their loyalty from the fans' law (``population.loyalty_*``), prospects their
        attitude from the prospects' (``relationship.prospect_loyalty_*``); fans of day 0 draw
        a depth (``relationship.initial_depth``), prospects start at depth 0.

        Parameters
        ----------
        params : PopulationParams
            Fan share, loyalty law, number of segments and activity spread.
        n : int
            Number of people.
        seed : numpy.random.Generator
            The population stream.
        segment : numpy.ndarray, optional
            Segments given by the graph (stochastic block model); drawn uniformly otherwise.
        attributes : pandas.DataFrame, optional
            Per-node ``segment``, ``loyalty`` and ``status`` ("fan" or "prospect") that
            override the drawn values (see :func:`socialsim.network.loaders.read_attributes`).
        relationship : RelationshipParams, optional
            Prospects' attitude law, fans' initial depth and the damping of loyalty swings;
            the defaults when omitted.

        Examples
        --------
        >>> import numpy as np
        >>> from socialsim.scenario import PopulationParams
        >>> pop = Population.initialize(PopulationParams(), 1000, seed=np.random.default_rng(0))
        >>> bool(pop.loyalty.min() >= 0 and pop.loyalty.max() <= 10)
        True
        """
        fan = seed.random(n) < params.initial_fan_share
        loyalty = beta_loyalty(params.loyalty_mean, params.loyalty_sd, n, seed=seed)
        if segment is None:
            segment = seed.integers(0, params.segments, size=n)
        # lognormal with mean 1: mu = -sigma^2 / 2
        sigma = params.activity_sigma
        activity = seed.lognormal(-(sigma**2) / 2, sigma, size=n)
        status = np.where(fan, Status.FAN, Status.PROSPECT).astype(np.int8)
        segment = np.asarray(segment, dtype=np.int32)
        if attributes is not None:
            rows = attributes.index.to_numpy()
            if "segment" in attributes:
                segment[rows] = attributes["segment"].to_numpy()
            if "loyalty" in attributes:
                loyalty[rows] = attributes["loyalty"].to_numpy()
            if "status" in attributes:
                is_fan = attributes["status"].to_numpy() == "fan"
                status[rows] = np.where(is_fan, Status.FAN, Status.PROSPECT)
        if segment.size == 0 or (segment.min() >= -128 and segment.max() <= 127):
            segment = segment.astype(np.int8)
        # Drawn after everything above, so that those draws stay what they were.
        relationship = relationship if relationship is not None else RelationshipParams()
        prospect = np.flatnonzero(status == Status.PROSPECT)
        attitude = beta_loyalty(
            relationship.prospect_loyalty_mean,
            relationship.prospect_loyalty_sd,
            prospect.size,
            seed=seed,
        )
        if attributes is not None and "loyalty" in attributes:  # a given loyalty wins
            given = np.zeros(n, dtype=bool)
            given[attributes.index.to_numpy()] = True
            attitude, prospect = attitude[~given[prospect]], prospect[~given[prospect]]
        loyalty[prospect] = attitude
        fan = status == Status.FAN
        depth = np.zeros(n)
        depth[fan] = _initial_depth(relationship.initial_depth, int(fan.sum()), seed)
        return cls(
            status=status,
            loyalty=loyalty,
            baseline=loyalty.copy(),
            segment=segment,
            activity=activity,
            posts_made=np.zeros(n, dtype=np.int32),
            posts_heard=np.zeros(n, dtype=np.int32),
            responses_received=np.zeros(n, dtype=np.int32),
            last_contact=np.full(n, -1, dtype=np.int32),
            churn_day=np.full(n, -1, dtype=np.int32),
            pitched=np.zeros(n, dtype=bool),
            complaint_propensity=np.ones(n),
            unsolicited_received=np.zeros(n, dtype=np.int32),
            depth=depth,
            join_day=np.where(fan, 0, -1).astype(np.int32),
            last_interaction=np.full(n, -1, dtype=np.int32),
            last_engaged=np.full(n, -1, dtype=np.int32),
            exposures=np.zeros(n),
            exposure_day=np.full(n, -1, dtype=np.int32),
            damping=relationship.damping,
            max_depth=float(depth.max(initial=0.0)),
        )

    def __len__(self) -> int:
        return int(self.status.size)

    # ------------------------------------------------------------------ who is who
    @property
    def fans(self) -> np.ndarray:
        """Mask of current fans."""
        return self.status == Status.FAN

    @property
    def prospects(self) -> np.ndarray:
        """Mask of prospects."""
        return self.status == Status.PROSPECT

    @property
    def listening(self) -> np.ndarray:
        """Mask of people who still hear about the brand (fans and prospects, not churned)."""
        return self.status != Status.CHURNED

    @property
    def advocates(self) -> np.ndarray:
        """Mask of advocates: fans who are promoters."""
        return self.fans & (self.loyalty >= PROMOTER)

    def is_advocate(self, who: np.ndarray) -> np.ndarray:
        """Which of the people at indices ``who`` are advocates (same test as :attr:`advocates`).

        Costs as much as ``who`` is long, where :attr:`advocates` costs a pass over everyone.

        >>> import numpy as np
        >>> pop = Population.initialize(PopulationParams(), 100, seed=np.random.default_rng(0))
        >>> who = np.arange(100)
        >>> bool((pop.is_advocate(who) == pop.advocates).all())
        True
        """
        return (self.status[who] == Status.FAN) & (self.loyalty[who] >= PROMOTER)

    @property
    def detractors(self) -> np.ndarray:
        """Mask of fans who are detractors."""
        return self.fans & (self.loyalty < DETRACTOR)

    # ------------------------------------------------------------------ who acts today
    @cached_property
    def anyone(self) -> Arrivals:
        """Draws of events that are as likely for everyone (experiences, churn, recruitment)."""
        return Arrivals.of(np.ones(len(self)))

    @cached_property
    def by_activity(self) -> Arrivals:
        """Draws of events whose rate grows with activity (posting, talking)."""
        return Arrivals.of(self.activity)

    # ------------------------------------------------------------------ changing loyalty
    def shift(self, who: np.ndarray, delta: np.ndarray | float) -> None:
        """Move the loyalty of the people at indices ``who`` by ``delta``, within [0, 10].

        An index may repeat (two replies to one person add up). The bounds are the scale's,
        not a correction of bad input: a fan at 10 who has another good experience stays at 10.
        Each person feels ``1 − damping · depth`` of the change: a deeper relationship swings
        less, both ways, as committed consumers resist negative information (Ahluwalia,
        Burnkrant & Unnava 2000).
        """
        who = np.asarray(who)
        if isinstance(delta, np.ndarray) and delta.ndim:
            delta = delta.astype(np.float64, copy=False)
        else:
            delta = np.full(who.size, delta, np.float64)
        _shift(self.loyalty, self.depth, who, delta, self.swing_damping)

    def feel(self, delta: np.ndarray) -> None:
        """Move everyone's loyalty by ``delta`` (one entry per person), within [0, 10].

        People who no longer listen (churned) are left unchanged.

        >>> import numpy as np
        >>> pop = Population.initialize(PopulationParams(), 3, seed=np.random.default_rng(0))
        >>> pop.loyalty[:] = [5.0, 9.5, 1.0]
        >>> pop.status[2] = Status.CHURNED
        >>> pop.feel(np.array([1.0, 1.0, 1.0]))
        >>> pop.loyalty.tolist()
        [6.0, 10.0, 1.0]
        """
        # Most people hear nothing on most days: only the touched entries are read and written.
        touched = np.flatnonzero(delta != 0.0)  # a compare first: nonzero on floats is slow
        self.feel_at(touched, delta[touched])

    def feel_at(self, who: np.ndarray, delta: np.ndarray) -> None:
        """Move the loyalty of the distinct people at indices ``who`` by ``delta``, within [0, 10].

        The sparse form of :meth:`feel`: ``delta`` is aligned with ``who``, which must not
        repeat an index (use :meth:`shift` for that); churned people are left unchanged.
        """
        _feel_at(self.loyalty, self.status, self.depth, who, delta, self.swing_damping)

    @property
    def swing_damping(self) -> float:
        """The damping :meth:`shift` and :meth:`feel_at` apply (for kernels that apply them):
        ``damping``, or 0 when no one has any depth (nothing to damp)."""
        return self.damping if self.max_depth > 0.0 else 0.0

    # ------------------------------------------------------------------ the relationship
    def record(
        self,
        who: np.ndarray,
        *,
        day: int,
        hour: np.ndarray | float,
        kind: Kind | np.ndarray,
        channel: Channel | np.ndarray,
        post: np.ndarray | int = -1,
    ) -> None:
        """Log one interaction per person at ``who`` and update their last interaction days.

        >>> import numpy as np
        >>> pop = Population.initialize(PopulationParams(), 3, seed=np.random.default_rng(0))
        >>> pop.record(np.array([2]), day=4, hour=9.0, kind=Kind.LIKE, channel=Channel.BRAND_POST)
        >>> pop.record(np.array([1]), day=5, hour=9.0, kind=Kind.PRAISE, channel=Channel.PUBLIC)
        >>> pop.last_interaction.tolist(), pop.last_engaged.tolist(), len(pop.log)
        ([-1, 5, 4], [-1, -1, 4], 2)
        """
        stamp = (self.last_interaction, self.last_engaged)
        self.log.append(who, day=day, hour=hour, kind=kind, channel=channel, post=post, stamp=stamp)

    def join(self, who: npt.ArrayLike, day: int) -> None:
        """Make the people at ``who`` fans from ``day``; they keep their attitude and depth."""
        self.status[who] = Status.FAN
        self.join_day[who] = day

    # ------------------------------------------------------------------ inspection
    def to_frame(self, graph: SocialGraph) -> pd.DataFrame:
        """One row per person: state, loyalty category, identity, depth and interaction history.

        The interactions themselves, one row each, are :meth:`InteractionLog.to_frame` of
        :attr:`log`.
        """
        frame = pd.DataFrame(
            {
                f.name: getattr(self, f.name)
                for f in fields(self)
                if isinstance(getattr(self, f.name), np.ndarray) and f.name not in _INTERNAL
            }
        )
        frame["status"] = pd.Categorical.from_codes(
            frame["status"], [s.name.lower() for s in Status]
        )
        # int32 as it was before segments were kept in a byte: a user's arithmetic on the
        # column (segment * 100) must not wrap.
        frame["segment"] = self.segment.astype(np.int32)
        frame["score"] = np.floor(self.loyalty).astype(np.int8)
        category = np.select(
            [self.loyalty >= PROMOTER, self.loyalty >= DETRACTOR],
            ["promoter", "passive"],
            "detractor",
        )
        frame["category"] = np.where(self.fans, category, None)
        frame["audience"] = graph.out_degree
        frame.index = pd.Index(
            graph.node_ids if graph.node_ids is not None else np.arange(len(self)), name="node"
        )
        return frame


# How many people ahead a loop over people at random asks for their entries (kernels.prefetch).
_AHEAD = 16


# One loop over the touched people: the numpy form (mask, two gathers, the damping, a clip and
# a scatter) costs several passes over them, and word of mouth touches thousands a day.
@njit(cache=True)
def _feel_at(
    loyalty: np.ndarray,
    status: np.ndarray,
    depth: np.ndarray,
    who: np.ndarray,
    delta: np.ndarray,
    damping: float,
) -> None:
    for k in range(who.size):
        if k + _AHEAD < who.size:  # at a million people, each entry is a cache miss
            ahead = who[k + _AHEAD]
            prefetch(status, ahead)
            prefetch(loyalty, ahead)
            prefetch(depth, ahead)
        i = who[k]
        if status[i] != CHURNED:
            moved = loyalty[i] + delta[k] * (1.0 - damping * depth[i])
            loyalty[i] = min(10.0, max(0.0, moved))


@njit(cache=True)
def _shift(
    loyalty: np.ndarray, depth: np.ndarray, who: np.ndarray, delta: np.ndarray, damping: float
) -> None:
    """:meth:`Population.shift`: equal to ``np.add.at(loyalty, who, delta * (1.0 - damping *
    depth[who]))`` then ``loyalty[who] = np.clip(loyalty[who], 0.0, 10.0)`` (the same sums, in
    the order of ``who``; with ``damping = 0``, ``delta`` unchanged)."""
    for k in range(who.size):
        i = who[k]
        loyalty[i] += delta[k] * (1.0 - damping * depth[i])
    for k in range(who.size):
        i = who[k]
        loyalty[i] = min(10.0, max(0.0, loyalty[i]))


# Book-keeping of the processes, not a person's state worth a column.
_INTERNAL = ("pitched", "exposure_day")


def _initial_depth(mean: float, n: int, seed: np.random.Generator) -> np.ndarray:
    """``n`` depths from a Beta(1, b) law of the given mean: most shallow, a few deep."""
    if mean == 0.0:
        return np.zeros(n)
    return seed.beta(1.0, (1.0 - mean) / mean, size=n)
