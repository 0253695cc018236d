"""The contract every phase of the day keeps, and the context the phases share.

A day is a list of phases (:data:`socialsim.model.PHASES`). Every phase has one shape::

    @phase("word_of_mouth", kpis=("wom_positive", "wom_negative"))
    def word_of_mouth(day: Day, rng: numpy.random.Generator) -> dict[str, float]:
        ...

- it reads and writes the day's context, :class:`Day`: the state that lasts (scenario, graph,
  population, the brand's own state) and what earlier phases of the same day left for later
  ones (today's posts, what listening flagged, who talked ...);
- it draws only from ``rng``, its own stream, named after the phase
  (:mod:`socialsim.streams`): a new phase, or a new draw inside one, leaves the numbers of every
  other phase unchanged;
- it returns exactly the KPIs it declares, by name (a test checks this for every phase, and
  that together the phases declare every flow and brand KPI of :mod:`socialsim.kpis`).

Adding a phase is: a field of :class:`Day` for what it leaves to later phases (if anything),
a function with the decorator, its KPIs in :mod:`socialsim.kpis`, and one line in
:data:`socialsim.model.PHASES`.

The world's ground truth is in this context for the phases that model the world. The brand's
policy never gets it: the triage phase hands the policy an
:class:`~socialsim.brand.observation.Observation` built from it (labels, not kinds; no author
ids; stand-in metadata for false positives), and what the policy decides comes back as
:class:`Plan`, ``queued`` and the queue's order and handling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, cast

import numpy as np

from socialsim.brand.care_team import Queue
from socialsim.crisis import Alert, Crisis
from socialsim.posts import Flagged, Posts

if TYPE_CHECKING:
    from socialsim.brand.agent import Brand
    from socialsim.network.graph import SocialGraph
    from socialsim.population import Population
    from socialsim.scenario import Scenario

__all__ = ["Counts", "Day", "Phase", "Plan", "phase"]

Counts = dict[str, float]
"""A phase's KPIs of the day, by name."""


@dataclass(frozen=True)
class Plan:
    """How the team's day is split, as the policy decided (set by the triage phase).

    The policy's :class:`~socialsim.brand.policies.protocol.Decision` asks for hours of brand
    content and for contacts; they take the team's time first, in that order, as far as the day
    holds, and the rest is reply slots. The later phases act on this plan: outreach makes the
    contacts; the posts written go out on tomorrow's calendar (:mod:`socialsim.fans.content`).

    Attributes
    ----------
    reply_slots : int
        Reply slots left for the queue.
    contacts : int
        Unsolicited contacts to make.
    content_hours : float
        Staff hours spent today writing brand posts.

    Examples
    --------
    >>> Plan(reply_slots=70, contacts=10).content_hours
    0.0
    """

    reply_slots: int = 0
    contacts: int = 0
    content_hours: float = 0.0


# The empty values a day starts with, shared by every day: a phase replaces a field rather than
# changing it, and an empty array holds nothing to change, so starting a day allocates nothing
# (building these afresh cost about a tenth of a quiet day at 100,000 people).
_NO_POSTS = Posts.gather({})
_NOTHING_FLAGGED = Flagged.empty()
_NO_PLAN = Plan()
_NO_QUEUE = Queue.empty()
_NO_HOURS = np.empty(0)
_NO_ONE = np.empty(0, np.int64)
_QUIET = Alert.quiet()


@dataclass(eq=False)
class Day:
    """The context of one day: what the phases may read and write.

    The first six fields last from day to day; the others start empty each day and are
    filled by the phase named in their description, for the phases after it.

    Attributes
    ----------
    t : int
        The day being simulated (1 is the first); hours count from the start of day 1.
    scenario : Scenario
        The run's configuration; each phase reads its sections.
    graph : SocialGraph
        Who sees whose posts.
    population : Population
        Everyone's state.
    brand : Brand
        The brand's own state: its policy, care team and queue, staffing, its own record and
        its drafts of brand posts.
    crisis : Crisis
        Root-cause episodes (the world's) and the early-warning detector (the brand's); a
        fresh one when not given.
    posts : Posts
        Today's public posts (experiences), re-shares of complaints (escalation) and comments
        on brand posts (content) included.
    reshares : numpy.ndarray of int64
        Who re-shared a complaint today (escalation).
    flagged : Flagged
        What listening flagged and how it labelled it (listening).
    unheard : Posts
        Today's posts listening missed (listening): the pool a false positive's stand-in
        author is drawn from (triage).
    listed : numpy.ndarray of int64
        The person each of ``flagged`` lists, as the brand sees it: its author, or a false
        positive's stand-in (triage).
    alert : Alert
        What the brand's early-warning detector shows today, its alarm included (early
        warning): the brand's side, for the policy.
    plan : Plan
        The split of the team's day (triage).
    queued : Queue
        Today's flagged posts that the policy answers, with their priority and handling
        (triage).
    answered, missed : Queue
        Posts answered today, and posts dropped for waiting too long (work).
    response_time : numpy.ndarray
        Hours from post to reply, aligned with ``answered`` (work).
    compensations : int
        Compensations paid with today's fixes (replies).
    seen : list of (numpy.ndarray, numpy.ndarray)
        Public interactions: their authors and each author's loyalty change, for the
        authors' audiences to see (replies).
    amplified : list of (numpy.ndarray, numpy.ndarray)
        The same for interactions the brand amplified beyond the authors' ties (replies).
    talkers : numpy.ndarray of int64
        Who talked about the brand today (word of mouth).
    published : int
        Brand posts published today (content).

    Examples
    --------
    A day run by hand, as :meth:`~socialsim.model.EngagementModel.step` runs it:

    >>> from socialsim import EngagementModel, Scenario
    >>> from socialsim.model import PHASES
    >>> model = EngagementModel(Scenario().replace({"graph.n": 200}), rng=1)
    >>> day = Day(1, model.scenario, model.graph, model.population, model.brand)
    >>> counts = {}
    >>> for p in PHASES:
    ...     counts.update(p(day, model.streams[p.name]))
    >>> counts["complaints"] == day.posts.count(0)
    True
    """

    t: int
    scenario: Scenario
    graph: SocialGraph
    population: Population
    brand: Brand
    crisis: Crisis = field(default_factory=Crisis)
    posts: Posts = _NO_POSTS
    reshares: np.ndarray = field(default_factory=lambda: _NO_ONE)
    flagged: Flagged = _NOTHING_FLAGGED
    unheard: Posts = _NO_POSTS
    listed: np.ndarray = field(default_factory=lambda: _NO_ONE)
    alert: Alert = _QUIET
    plan: Plan = _NO_PLAN
    queued: Queue = _NO_QUEUE
    answered: Queue = _NO_QUEUE
    missed: Queue = _NO_QUEUE
    response_time: np.ndarray = field(default_factory=lambda: _NO_HOURS)
    compensations: int = 0
    seen: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    amplified: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    talkers: np.ndarray = field(default_factory=lambda: _NO_ONE)
    published: int = 0


class Phase(Protocol):
    """A phase of the day: ``phase(day, rng) -> counts``, with its name and declared KPIs."""

    name: str
    """The phase's name, which is also the name of its random stream."""
    kpis: tuple[str, ...]
    """The KPIs it returns, exactly."""

    def __call__(self, day: Day, rng: np.random.Generator) -> Counts: ...


def phase(name: str, kpis: tuple[str, ...] = ()) -> Callable[[Callable[..., Counts]], Phase]:
    """Declare a function a phase of the day, with its stream's name and the KPIs it returns.

    Examples
    --------
    >>> @phase("nothing", kpis=("calm",))
    ... def nothing(day, rng):
    ...     return {"calm": 1}
    >>> nothing.name, nothing.kpis
    ('nothing', ('calm',))
    """

    def declare(function: Callable[..., Counts]) -> Phase:
        declared = cast(Phase, function)
        declared.name, declared.kpis = name, tuple(kpis)
        return declared

    return declare
