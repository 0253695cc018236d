"""Adaptive building blocks: policies that wrap another and change its decision when the brand's
own numbers say so.

- :class:`Surge` books extra staff, after a lag, when the backlog or the day's caught complaints
  reach a threshold; they cost ``policy.surge_premium`` times the hourly rate on the days
  they work, and on those days only.
- :class:`CrisisSwitch` works the queue in another order (negatives first) on days when caught
  complaints run at several times their recent baseline.
- :class:`WithinSLA` puts first the items whose service-level deadline falls before the end of
  the day's shift, earliest deadline first.

Each reads only the observation (the backlog and the counts by label are what the brand can
count itself) and keeps no state: the team's bookings and the brand's record are in the
observation. They nest: ``Surge(WithinSLA(preset("negatives-first"), 1.0), staff=2)``. A
scenario's ``[policy]`` settings build the same (``sla_hours``, ``crisis_*``, ``surge_*``),
and each parameter here is held to the rule of the setting of the same name.

>>> from socialsim.brand.policies.presets import preset
>>> policy = Surge(WithinSLA(preset("negatives-first"), 1.0), staff=2)
>>> policy.describe()["parameters"]["base"]["name"]
'within-sla'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from socialsim.brand.observation import Items, Observation
from socialsim.brand.policies.protocol import Decision, Hire, Policy, PolicyLike
from socialsim.brand.policy import PolicyParams, checked, priority
from socialsim.constraints import ConfigError
from socialsim.posts import PostKind

__all__ = ["CrisisSwitch", "Surge", "WithinSLA", "caught_complaints"]

_DEFAULT = {f.name: f.default for f in dataclasses.fields(PolicyParams)}


def caught_complaints(items: Items) -> int:
    """Today's items labelled complaint (what the brand counts as complaints heard today)."""
    return int(np.count_nonzero(items.new & (items.label == PostKind.COMPLAINT)))


@dataclass(frozen=True)
class Surge(Policy):
    """Book ``staff`` extra people when the backlog or the day's caught complaints reach a
    threshold, unless extra staff are already on duty or booked.

    Parameters
    ----------
    base : policy
        The policy whose decision this one adds the booking to.
    staff : int
        Extra people (``policy.surge_staff``, >= 1 here).
    backlog : int
        Items waiting at the start of the day that trigger it; 0: not a trigger.
    complaints : int
        Today's caught complaints that trigger it; 0: not a trigger.
    lag_days : int
        Days from the booking to their first day (0: today).
    days : int
        Days they work.

    Examples
    --------
    >>> from socialsim.brand.policies.presets import preset
    >>> Surge(preset("respond-all"), staff=0)
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'policy.surge_staff' parameter must be an int >= 1 for a Surge policy. Got 0 instead.
    """

    base: PolicyLike
    staff: int
    backlog: int = _DEFAULT["surge_backlog"]
    complaints: int = _DEFAULT["surge_complaints"]
    lag_days: int = _DEFAULT["surge_lag_days"]
    days: int = _DEFAULT["surge_days"]
    name: str = "surge"

    def __post_init__(self) -> None:
        for field, setting in (
            ("staff", "surge_staff"),
            ("backlog", "surge_backlog"),
            ("complaints", "surge_complaints"),
            ("lag_days", "surge_lag_days"),
            ("days", "surge_days"),
        ):
            object.__setattr__(self, field, checked(setting, getattr(self, field)))
        if self.staff < 1:
            raise ConfigError("policy.surge_staff", self.staff, "an int >= 1 for a Surge policy")
        if not (self.backlog or self.complaints):
            raise ConfigError(
                "policy.surge_backlog", self.backlog, "an int >= 1, or complaints >= 1"
            )

    def triggered(self, seen: Observation) -> bool:
        """Whether today's backlog or caught complaints reach a threshold."""
        waiting = int(np.count_nonzero(seen.items.waiting))
        return bool(
            (self.backlog and waiting >= self.backlog)
            or (self.complaints and caught_complaints(seen.items) >= self.complaints)
        )

    def decide(self, seen: Observation) -> Decision:
        decision = self.base.decide(seen)
        busy = seen.team.extra > 0 or bool(seen.team.booked.any()) or decision.hire is not None
        if busy or not self.triggered(seen):
            return decision
        return dataclasses.replace(decision, hire=Hire(self.staff, self.lag_days, self.days))


@dataclass(frozen=True)
class OnAlarm(Policy):
    """The brand's reaction to its early-warning alarm (the ``[reaction]`` levers, issue 14).

    On the day of an alarm it books ``surge_staff`` extra people for ``days`` days, starting at
    once; while the brand is in crisis mode it orders the queue by ``order``, answers on
    ``channel`` and compensates fixes if ``compensate`` ("keep" leaves ``base``'s choice). The
    alarm and crisis mode are what the brand's own detector says (:class:`Observation`), never
    whether a root cause is really active.

    Parameters
    ----------
    base : policy
        The policy followed otherwise, and for everything the reaction leaves alone.
    surge_staff, days : int
        ``reaction.surge_staff`` and ``reaction.mode_days``.
    order, channel : str
        ``reaction.order`` and ``reaction.channel``.
    compensate : bool
        ``reaction.compensate``.
    """

    base: PolicyLike
    surge_staff: int = 0
    days: int = 7
    order: str = "keep"
    channel: str = "keep"
    compensate: bool = False
    name: str = "on-alarm"

    def decide(self, seen: Observation) -> Decision:
        decision = self.base.decide(seen)
        if not seen.crisis_mode:
            return decision
        changes: dict[str, object] = {}
        items = seen.items
        if self.order != "keep" and len(items):
            changes["priority"] = priority(
                self.order, items.label, items.interactions + items.posts, items.audience
            )
        if self.channel != "keep":
            changes["private"] = self.channel == "private"
        if self.compensate:
            changes["compensate"] = True
        if seen.alarm and self.surge_staff and decision.hire is None:
            changes["hire"] = Hire(self.surge_staff, after_days=0, days=self.days)
        return dataclasses.replace(decision, **changes)


@dataclass(frozen=True)
class CrisisSwitch(Policy):
    """Order every item by ``order`` on days when today's caught complaints exceed ``factor``
    times their mean over the previous ``window`` days (no switch before a day of record).

    Parameters
    ----------
    base : policy
        The policy followed otherwise (and for everything but the order on crisis days).
    factor : float
        ``policy.crisis_factor`` (> 0 here).
    window : int
        ``policy.crisis_window``.
    order : str
        ``policy.crisis_order``.
    """

    base: PolicyLike
    factor: float = 3.0
    window: int = _DEFAULT["crisis_window"]
    order: str = _DEFAULT["crisis_order"]
    name: str = "crisis-switch"

    def __post_init__(self) -> None:
        for field in ("factor", "window", "order"):
            object.__setattr__(self, field, checked(f"crisis_{field}", getattr(self, field)))
        if self.factor <= 0:
            raise ConfigError("policy.crisis_factor", self.factor, "a float > 0 for a switch")

    def in_crisis(self, seen: Observation) -> bool:
        """Whether today's caught complaints exceed ``factor`` times their recent mean."""
        past = seen.history["flagged_complaint"][-self.window :]
        return bool(past.size) and caught_complaints(seen.items) > self.factor * past.mean()

    def decide(self, seen: Observation) -> Decision:
        decision = self.base.decide(seen)
        if not self.in_crisis(seen):
            return decision
        items = seen.items
        key = priority(self.order, items.label, items.interactions + items.posts, items.audience)
        return dataclasses.replace(decision, priority=key)


@dataclass(frozen=True)
class WithinSLA(Policy):
    """Put first, earliest deadline first, every item whose deadline (arrival + ``hours``)
    falls before the end of today's shift, overdue ones included; the others keep the base
    policy's order after them.

    Parameters
    ----------
    base : policy
        The policy whose order this one escalates.
    hours : float
        The service level, ``policy.sla_hours`` (> 0 here).
    """

    base: PolicyLike
    hours: float = 1.0
    name: str = "within-sla"

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", checked("sla_hours", self.hours))
        if self.hours <= 0:
            raise ConfigError("policy.sla_hours", self.hours, "a float > 0 for a service level")

    def decide(self, seen: Observation) -> Decision:
        decision = self.base.decide(seen)
        items = seen.items
        due = items.arrival + self.hours < seen.shift_end
        if not due.any():
            return decision
        # One key for all that are due: ties go by arrival, which is the order of deadlines.
        key = np.broadcast_to(np.asarray(decision.priority, dtype=np.float64), due.shape)
        return dataclasses.replace(decision, priority=np.where(due, -np.inf, key))
