"""The ``[policy]`` section: a response policy as declared settings, and the named presets.

A policy is code (:mod:`socialsim.brand.policies`: each day it decides on what the brand sees);
this section is how a scenario file builds one. Its parts (answer which labels, in what order,
on which channel ...) make a :class:`~socialsim.brand.policies.presets.Rules` policy, and every
named preset is nothing but a setting of those parts (:data:`PRESETS`), so presets and custom
settings run through the same code. Setting ``policy.name`` to a preset sets its parts;
changing a part without naming a preset makes the policy ``custom``::

    [policy]                       # in a scenario TOML file
    name = "negatives-first"       # start from a preset ...
    channel = "private"            # ... and change one part

    [policy]                       # or build one from parts
    answer = ["complaint", "need"]
    order = "influencers_first"
    unsolicited_per_day = 20

The adaptive settings (``sla_hours``, ``crisis_*``, ``surge_*``) wrap that policy in the
building blocks of :mod:`socialsim.brand.policies.adaptive`; they are off by default. A file may
also name a policy that an installed package registers under the entry point group
``socialsim.policies``; it never names a module to import.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, ClassVar

import numpy as np

from socialsim.constraints import (
    Boolean,
    ConfigError,
    Interval,
    Options,
    Section,
    Subset,
    did_you_mean,
    param,
)

__all__ = [
    "ENTRY_POINTS",
    "ORDERS",
    "PRESETS",
    "READ_WHATEVER_THE_POLICY",
    "PolicyParams",
    "checked",
    "priority",
    "registered",
]

KINDS = ("complaint", "praise", "need")
ORDERS = ("fifo", "negatives_first", "needs_first", "engaged_first", "influencers_first")

PRESETS: dict[str, dict[str, Any]] = {
    # listen only: no reply at all, the reference for what answering changes
    "ignore": {"answer": ()},
    "respond-all": {"answer": KINDS, "order": "fifo"},
    # thank praise and stay out of negatives (American Express's stance, seed 000)
    "positives-only": {"answer": ("praise",), "order": "fifo"},
    "negatives-first": {"answer": KINDS, "order": "negatives_first"},
    # "not all fans are equal": the richest interaction history first (seed 000)
    "engaged-first": {"answer": KINDS, "order": "engaged_first"},
    # by audience size, as airlines were found to do (Gunarathne, Rui & Seidmann 2018)
    "influencers-first": {"answer": KINDS, "order": "influencers_first"},
    # thank and publicly amplify positive endorsement quickly (seed 004)
    "amplify": {"answer": ("praise",), "order": "fifo", "amplify": True, "channel": "public"},
    # answer stated needs first: social selling (seed 003)
    "proactive": {"answer": ("need", "complaint"), "order": "needs_first"},
    # the whole team writes one-way content for the calendar ("spray and pray", seeds 000, 002)
    "broadcast": {"answer": (), "broadcast_share": 1.0},
}
ENTRY_POINTS = "socialsim.policies"
"""The entry point group under which installed packages register policies by name."""


def registered() -> tuple[str, ...]:
    """Names of the policies installed packages register (:data:`ENTRY_POINTS`), sorted.

    Listing them imports nothing; a policy's module is imported only when a run uses it.

    >>> isinstance(registered(), tuple)
    True
    """
    return tuple(sorted(entry_points(group=ENTRY_POINTS).names))


@dataclass(frozen=True)
class PolicyName:
    """A preset, ``custom``, or the name of a registered policy."""

    @property
    def values(self) -> tuple[str, ...]:
        """Every name allowed now: the presets, ``custom`` and the registered policies."""
        return (*PRESETS, "custom", *registered())

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)

    def check(self, key: str, value: Any) -> str:
        if isinstance(value, str) and (value in PRESETS or value == "custom"):
            return value  # the usual case, decided without looking at what is installed
        known = self.values
        if value not in known:
            hint = did_you_mean(value, known) if isinstance(value, str) else ""
            if isinstance(value, str) and ":" in value:
                hint = (
                    "A file never imports a module: register the policy under the entry point "
                    f"group '{ENTRY_POINTS}', or pass the object from Python."
                )
            raise ConfigError(key, value, self.describe(), hint)
        return value


NEUTRAL: dict[str, Any] = {
    "answer": KINDS,
    "order": "fifo",
    "channel": "public",
    "amplify": False,
    "unsolicited_per_day": 0,
    "posts_per_day": 0.0,
    "broadcast_share": 0.0,
}


READ_WHATEVER_THE_POLICY = frozenset({"policy.fix_rate", "policy.channel", "policy.surge_premium"})
"""The ``[policy]`` settings the model reads whatever policy decides, a policy object too: how
often the team's reply fixes a problem (:mod:`socialsim.brand.response`), the channel a
complaint is answered on, which escalation reads (:mod:`socialsim.fans.escalation`), and the
premium surge staff are paid (:mod:`socialsim.brand.agent`). The others only build the
policy a scenario without a policy object follows."""


@dataclass(frozen=True)
class PolicyParams(Section):
    """The brand's response policy, as parts; ``name`` records the preset they came from."""

    section: ClassVar[str] = "policy"
    name: str = param(
        "respond-all",
        PolicyName(),
        "A preset that sets the parts below, 'custom', or a policy an installed package "
        "registers (entry point group 'socialsim.policies'), which then decides instead of the "
        "parts.",
    )
    answer: tuple[str, ...] = param(
        KINDS, Subset(KINDS), "Kinds of post the team answers (as labelled by listening)."
    )
    order: str = param("fifo", Options(ORDERS), "Order in which the queue is worked.")
    channel: str = param(
        "public",
        Options(("public", "private")),
        "Public replies are seen by the author's audience; private ones only by the author.",
    )
    fix_rate: float = param(
        0.7, Interval(0, 1), "Chance that answering a complaint fixes the problem."
    )
    compensate: bool = param(False, Boolean(), "Offer compensation with every fix.")
    amplify: bool = param(
        False,
        Boolean(),
        "Share answered praise publicly, reaching people beyond the author's ties.",
    )
    unsolicited_per_day: int = param(
        0,
        Interval(0, None, integer=True),
        "Contacts a day to fans who asked for nothing (proactive outreach); each takes a slot.",
    )
    posts_per_day: float = param(
        0.0,
        Interval(0, 96),
        "Content calendar: brand posts a day the team writes (content.staff_hours_per_post "
        "each, taken from its reply time) besides those broadcast_share pays for; a fraction "
        "spreads them over days (0.5: a post every other day). At most 96, one every 15 "
        "minutes: each post costs a pass over the people it reaches.",
    )
    broadcast_share: float = param(
        0.0,
        Interval(0, 1),
        "Share of the team's working hours spent writing brand posts for the content calendar "
        "(broadcast), content.staff_hours_per_post each; any share of any team's hours "
        "produces posts, at its own pace.",
    )
    sla_hours: float = param(
        0.0,
        Interval(0, None),
        "Service level: items whose deadline (arrival + sla_hours) falls before the end of the "
        "day's shift go first, earliest first; 0: no escalation.",
        "off by default; when used, 1 h is KLM's promise and what 53-72% of people who tweet a "
        "brand expect (Lithium 2013); plausible 0.5-24 h",
    )
    crisis_factor: float = param(
        0.0,
        Interval(0, None),
        "Work the queue in crisis_order on days when caught complaints exceed this many times "
        "their mean over the previous crisis_window days; 0: never.",
        "off by default; assumption 3 when used, plausible 1.5-5",
    )
    crisis_window: int = param(
        7,
        Interval(1, 36_500, integer=True, why="a century of days"),
        "Days over which the baseline of caught complaints is averaged.",
        "assumption: a week spans the weekly cycle; plausible 3-28",
    )
    crisis_order: str = param(
        "negatives_first", Options(ORDERS), "Order of the queue on crisis days.", "a lever"
    )
    surge_staff: int = param(
        0,
        Interval(0, 1_000_000, integer=True, why="as team.staff"),
        "Extra staff booked when the backlog reaches surge_backlog or a day's caught complaints "
        "reach surge_complaints, unless extra staff are already booked; 0: never.",
        "a lever; off by default",
    )
    surge_backlog: int = param(
        100,
        Interval(0, None, integer=True),
        "Items waiting at the start of a day that book surge staff; 0: not a trigger.",
        "assumption: about two-thirds of a day of the default team (160 replies); plausible "
        "20-1000",
    )
    surge_complaints: int = param(
        0,
        Interval(0, None, integer=True),
        "Caught complaints (items labelled complaint) in a day that book surge staff; 0: not a "
        "trigger.",
        "a lever; off by default",
    )
    surge_lag_days: int = param(
        2,
        Interval(0, 36_500, integer=True, why="a century of days"),
        "Days from booking surge staff to their first day of work (0: the same day).",
        "assumption: the own team's overtime can start the next day, agency staff take days; "
        "plausible 0-14",
    )
    surge_days: int = param(
        7,
        Interval(1, 36_500, integer=True, why="a century of days"),
        "Days surge staff work once they start; their cost is counted on those days only.",
        "assumption; plausible 1-30",
    )
    surge_premium: float = param(
        1.5,
        Interval(0, None),
        "Cost of an hour of surge staff, in hours of team.hourly_cost (whatever policy books "
        "them).",
        "time and a half, the US overtime rate (Fair Labor Standards Act); plausible 1-2",
    )

    def _check_together(self) -> None:
        if self.name not in PRESETS and self.name != "custom":  # a registered policy decides
            for part, neutral in {**NEUTRAL, "compensate": False}.items():
                if getattr(self, part) != neutral:
                    raise ConfigError(
                        f"policy.{part}",
                        getattr(self, part),
                        f"left at {neutral!r} when policy.name names a registered policy "
                        f"('{self.name}' decides instead of the parts)",
                    )
        if self.surge_staff and not (self.surge_backlog or self.surge_complaints):
            raise ConfigError(
                "policy.surge_backlog",
                self.surge_backlog,
                "an int >= 1 (or surge_complaints >= 1) when surge_staff is set, so that "
                "something can book the surge",
            )


def checked(name: str, value: Any) -> Any:
    """``value`` checked like the ``policy.<name>`` parameter (a policy object's settings are
    held to the same rules as the scenario's).

    >>> checked("surge_lag_days", -1)
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'policy.surge_lag_days' parameter must be an int in [0, 36500] (a century of days). Got -1 instead.
    """
    declared = PolicyParams.__dataclass_fields__[name]
    return declared.metadata["constraint"].check(f"policy.{name}", value)


def priority(
    order: str, labels: np.ndarray, engagement: np.ndarray, audience: np.ndarray
) -> np.ndarray:
    """Sort key of queued items for an order (lower is answered first; ties by arrival).

    Parameters
    ----------
    order : str
        One of :data:`ORDERS`.
    labels : numpy.ndarray of int
        The kind listening gave each item (:class:`socialsim.posts.PostKind`).
    engagement : numpy.ndarray
        Each item's listed author's history with the brand (posts about it, plus replies and
        contacts received), as the brand sees it
        (:class:`~socialsim.brand.observation.Items`): a false positive's is a stand-in's.
    audience : numpy.ndarray
        Each item's listed author's audience size, likewise.

    Examples
    --------
    >>> priority("negatives_first", np.array([1, 0]), np.zeros(2), np.zeros(2))
    array([1., 0.])
    >>> priority("engaged_first", np.array([1, 0]), np.array([3, 5]), np.zeros(2))
    array([-3., -5.])
    """
    if order == "fifo":
        return np.zeros(labels.size)
    if order == "negatives_first":
        return (labels != 0).astype(np.float64)
    if order == "needs_first":
        return (labels != 2).astype(np.float64)
    if order == "engaged_first":
        return -np.asarray(engagement, dtype=np.float64)
    if order == "influencers_first":
        return -np.asarray(audience, dtype=np.float64)
    raise ValueError(f"The 'order' parameter must be one of {ORDERS}. Got {order!r} instead.")


def expand_preset(changes: dict[str, Any]) -> dict[str, Any]:
    """Turn a ``policy.name`` preset into its parts, and mark part-only changes ``custom``.

    Parts given alongside a preset name win over the preset's.

    >>> expand_preset({"policy.name": "positives-only"})["policy.answer"]
    ('praise',)
    >>> expand_preset({"policy.order": "fifo"})["policy.name"]
    'custom'
    """
    parts = {key for key in changes if key.startswith("policy.") and key != "policy.name"}
    name = changes.get("policy.name")
    if name in PRESETS:
        preset = {**NEUTRAL, **PRESETS[name]}
        return {**{f"policy.{k}": v for k, v in preset.items()}, **changes}
    if parts and name is None:
        return {**changes, "policy.name": "custom"}
    return changes
