"""The presets as policies: one class, :class:`Rules`, whose settings are the ``[policy]`` parts.

A scenario's ``[policy]`` section builds its policy with :func:`from_params`: the parts make a
:class:`Rules`, and the adaptive settings wrap it (:mod:`socialsim.brand.policies.adaptive`).
:func:`preset` gives a named preset as an object, to pass to a model, compare or wrap:

>>> preset("negatives-first").order
'negatives_first'

A Rules policy decides for all items at once, on arrays: it keeps the day as fast as the
configuration it replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from socialsim.brand.observation import Observation
from socialsim.brand.policies.protocol import Decision, Policy
from socialsim.brand.policy import (
    KINDS,
    NEUTRAL,
    PRESETS,
    PolicyParams,
    checked,
    expand_preset,
    priority,
)

__all__ = ["Rules", "from_params", "preset"]


@dataclass(frozen=True)
class Rules(Policy):
    """A policy of fixed rules: the ``[policy]`` parts (see :class:`PolicyParams`).

    Parameters
    ----------
    name : str, default "custom"
        What results call it (a preset's name for a preset).
    answer : tuple of str
        Labels answered: some of ``"complaint"``, ``"praise"``, ``"need"``.
    order : str
        One of :data:`~socialsim.brand.policy.ORDERS`.
    channel : {"public", "private"}
    compensate, amplify : bool
    unsolicited_per_day : int
        Proactive contacts a day.

    Each value is checked like the scenario parameter of the same name.

    Examples
    --------
    >>> Rules(answer=("complaint",), order="negatives_first").describe()["parameters"]["answer"]
    ['complaint']
    >>> Rules(order="random")
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'policy.order' parameter must be one of 'fifo', 'negatives_first', 'needs_first', 'engaged_first', 'influencers_first'. Got 'random' instead.
    """

    name: str = "custom"
    answer: tuple[str, ...] = NEUTRAL["answer"]
    order: str = NEUTRAL["order"]
    channel: str = NEUTRAL["channel"]
    compensate: bool = False
    amplify: bool = NEUTRAL["amplify"]
    unsolicited_per_day: int = NEUTRAL["unsolicited_per_day"]

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name != "name":
                object.__setattr__(self, f.name, checked(f.name, getattr(self, f.name)))
        # Whether each label is answered, looked up by label (not a field: derived).
        answers = np.isin(np.arange(len(KINDS)), [KINDS.index(k) for k in self.answer])
        object.__setattr__(self, "_answers", answers)
        # The decision of a day with nothing to answer depends on the settings alone, and a
        # Decision is frozen: one is made here and returned on every such day.
        object.__setattr__(self, "_quiet", self._decision(True, 0.0))

    def decide(self, seen: Observation) -> Decision:
        """Answer the chosen labels, in the chosen order; the day's contacts."""
        items = seen.items
        if len(items) == 0:  # nothing to answer: no arrays to build
            return self._quiet
        key = priority(self.order, items.label, items.interactions + items.posts, items.audience)
        return self._decision(self._answers.take(items.label), key)  # as [label], faster

    def _decision(self, answer: bool | np.ndarray, key: float | np.ndarray) -> Decision:
        """The decision answering ``answer`` in the order of ``key``, with the other settings."""
        return Decision(
            answer=answer,
            priority=key,
            private=self.channel == "private",
            compensate=self.compensate,
            amplify=self.amplify,
            contacts=self.unsolicited_per_day,
        )


def preset(name: str) -> Rules:
    """A named preset (a key of :data:`~socialsim.brand.policy.PRESETS`) as a policy.

    >>> preset("positives-only").answer
    ('praise',)
    """
    return from_params(_params({"policy.name": name}))  # type: ignore[return-value]


def from_params(params: PolicyParams) -> Policy:
    """The policy a ``[policy]`` section describes: its parts as :class:`Rules` (or the policy
    a registered name stands for), with its content calendar
    (:class:`~socialsim.brand.policies.calendar.ContentCalendar`, when ``posts_per_day`` or
    ``broadcast_share`` is set), wrapped in the adaptive blocks its settings turn on.

    Parameters
    ----------
    params : PolicyParams
        A validated ``[policy]`` section.

    Examples
    --------
    >>> p = _params({"policy.name": "negatives-first", "policy.surge_staff": 2})
    >>> from_params(p).describe()["name"]
    'surge'
    """
    from socialsim.brand.policies import adaptive, registry
    from socialsim.brand.policies.calendar import ContentCalendar

    base: Policy
    if params.name in PRESETS or params.name == "custom":
        base = Rules(**{f.name: getattr(params, f.name) for f in fields(Rules)})
    else:
        base = registry.registered_policy(params.name)
    if params.posts_per_day > 0 or params.broadcast_share > 0:
        base = ContentCalendar(base, params.posts_per_day, params.broadcast_share)
    if params.crisis_factor > 0:
        base = adaptive.CrisisSwitch(
            base, params.crisis_factor, params.crisis_window, params.crisis_order
        )
    if params.sla_hours > 0:
        base = adaptive.WithinSLA(base, params.sla_hours)
    if params.surge_staff > 0:
        base = adaptive.Surge(
            base,
            params.surge_staff,
            params.surge_backlog,
            params.surge_complaints,
            params.surge_lag_days,
            params.surge_days,
        )
    return base


def _params(changes: dict[str, Any]) -> PolicyParams:
    """A ``[policy]`` section from dotted changes, presets expanded."""
    return PolicyParams(**{k.partition(".")[2]: v for k, v in expand_preset(changes).items()})
