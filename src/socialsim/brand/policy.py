"""Response policies: which posts the brand answers, in what order, how, and what else it does.

A policy is a handful of composable parts (the fields of :class:`PolicyParams`), and every
named preset is nothing but a setting of those parts (:data:`PRESETS`), so presets and custom
policies run through the same code. Setting ``policy.name`` to a preset sets its parts; changing
a part without naming a preset makes the policy ``custom``::

    [policy]                       # in a scenario TOML file
    name = "negatives-first"       # start from a preset ...
    channel = "private"            # ... and change one part

    [policy]                       # or build one from parts
    answer = ["complaint", "need"]
    order = "influencers_first"
    unsolicited_per_day = 20
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from socialsim.constraints import Boolean, Interval, Options, Section, Subset, param

__all__ = ["ORDERS", "PRESETS", "PolicyParams", "priority"]

KINDS = ("complaint", "praise", "need")
ORDERS = ("fifo", "negatives_first", "needs_first", "engaged_first", "influencers_first")

PRESETS: dict[str, dict[str, Any]] = {
    # listen only: the baseline every strategy is compared with
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
    # one-way content pushed to all fans ("spray and pray", seeds 000 and 002)
    "broadcast": {"answer": (), "broadcast_share": 1.0},
}
NEUTRAL: dict[str, Any] = {
    "answer": KINDS,
    "order": "fifo",
    "channel": "public",
    "amplify": False,
    "unsolicited_per_day": 0,
    "broadcast_share": 0.0,
}


@dataclass(frozen=True)
class PolicyParams(Section):
    """The brand's response policy, as parts; ``name`` records the preset they came from."""

    section: ClassVar[str] = "policy"
    name: str = param(
        "respond-all",
        Options((*PRESETS, "custom")),
        "A preset that sets the parts below, or 'custom'.",
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
    broadcast_share: float = param(
        0.0, Interval(0, 1), "Share of the team's capacity spent on one-way broadcast content."
    )


def priority(
    order: str, labels: np.ndarray, engagement: np.ndarray, audience: np.ndarray
) -> np.ndarray:
    """Sort key of queued posts for an order (lower is answered first; ties by arrival).

    Parameters
    ----------
    order : str
        One of :data:`ORDERS`.
    labels : numpy.ndarray of int
        The kind listening gave each post (:class:`socialsim.posts.PostKind`).
    engagement : numpy.ndarray
        Each post's author's interactions so far (posts made plus responses received); 0 for
        a false positive, which has no real author.
    audience : numpy.ndarray
        Each post's author's audience size; 0 for a false positive.

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
