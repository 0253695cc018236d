"""Tiers of the care team, and the default rule that routes each flagged item to one.

The frontline answers most posts; experts (a second tier) are the ones who can fix a complaint
that needs them (``team.expert_share`` of complaints, about 10% in social care:
references-brand.md §4). Seed 003 asks for "someone with both the skill and knowledge to
engage": which tier an item waits for is a routing decision, made on what the brand sees (the
label and the "needs an expert" tag listening gives it), never on what the post really is.

:func:`route` is the default rule, ``team.routing``:

``tagged_to_experts``
    complaints tagged as needing an expert go straight to the experts; everything else to the
    frontline, which escalates the complex complaints it recognises;
``escalate``
    everything to the frontline, which escalates the complex complaints it recognises;
``frontline_only``
    the frontline handles everything, experts are never asked.

A policy that routes for itself sets a tier per item instead (``Queue.tier``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["EXPERT", "FRONTLINE", "ROUTINGS", "escalates", "route", "sends_tagged"]

FRONTLINE, EXPERT = 0, 1
"""The tiers, as ``Queue.tier`` holds them."""

ROUTINGS = ("tagged_to_experts", "escalate", "frontline_only")
"""The default routing rules (``team.routing``)."""

_COMPLAINT = 0  # PostKind.COMPLAINT; posts imports nothing from here, but scenario does


def route(label: np.ndarray, tagged: np.ndarray, routing: str, experts: int) -> np.ndarray:
    """The tier each item waits for under a routing rule.

    Parameters
    ----------
    label : numpy.ndarray of int8, shape (n,)
        The kind listening gave each item.
    tagged : numpy.ndarray of bool, shape (n,)
        Whether listening tagged it as needing an expert.
    routing : str
        One of :data:`ROUTINGS`.
    experts : int
        Experts on the team; with none, everything goes to the frontline.

    Returns
    -------
    numpy.ndarray of int8, shape (n,)
        :data:`FRONTLINE` or :data:`EXPERT` for each item.

    Raises
    ------
    ValueError
        For a routing rule not in :data:`ROUTINGS`.

    Examples
    --------
    >>> label, tagged = np.array([0, 0, 1]), np.array([True, False, True])
    >>> route(label, tagged, "tagged_to_experts", experts=2).tolist()
    [1, 0, 0]
    >>> route(label, tagged, "tagged_to_experts", experts=0).tolist()
    [0, 0, 0]
    """
    if not sends_tagged(routing, experts):
        return np.zeros(len(label), np.int8)
    return (tagged & (label == _COMPLAINT)).astype(np.int8)


def sends_tagged(routing: str, experts: int) -> bool:
    """Whether the rule sends the complaints tagged as needing an expert to the experts
    (everything else waits for the frontline): what :func:`route` does, as one flag for the
    triage's compiled loop.

    Raises ``ValueError`` for a routing rule not in :data:`ROUTINGS`.

    >>> sends_tagged("tagged_to_experts", 1), sends_tagged("tagged_to_experts", 0)
    (True, False)
    """
    if routing not in ROUTINGS:
        raise ValueError(
            f"The 'team.routing' parameter must be one of {ROUTINGS}. Got {routing!r} instead."
        )
    return routing == "tagged_to_experts" and experts > 0


def escalates(routing: str, experts: int) -> bool:
    """Whether the frontline hands the complex complaints it recognises to the experts.

    >>> escalates("escalate", 1), escalates("frontline_only", 1), escalates("escalate", 0)
    (True, False, False)
    """
    return routing != "frontline_only" and experts > 0
