"""Loyalty dynamics: strong events move loyalty at once; memory fades between them.

Events (experiences, complaints seen, word of mouth) shift loyalty on the day they happen, so a fan can swing from advocacy to detraction within days (seed 000: "people can go
from advocacy to detracting so quickly"). Between events loyalty ``L`` decays toward the
person's baseline ``B`` with time constant ``τ = loyalty.memory_days``, and the baseline
follows loyalty slowly at daily rate ``λ = loyalty.baseline_learning``, so lasting change needs
repeated experience::

    L ← B + (L − B) · exp(−1/τ)
    B ← B + λ · (L − B)

Both stay within [0, 10] because each is a convex combination of values in it.
"""

from __future__ import annotations

import numpy as np

from socialsim.population import Population, Status
from socialsim.scenario import LoyaltyParams

__all__ = ["fade"]


def fade(pop: Population, params: LoyaltyParams) -> None:
    """Let one day of memory fade for everyone still listening."""
    keep = np.exp(-1.0 / params.memory_days)
    gap = pop.loyalty - pop.baseline
    gap[pop.status == Status.CHURNED] = 0.0
    # In place: at a million people every temporary array costs as much as the arithmetic.
    step = np.multiply(gap, 1.0 - keep)
    pop.loyalty -= step
    pop.baseline += np.multiply(gap, params.baseline_learning * keep, out=step)
