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

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from socialsim.day import Counts, phase
from socialsim.kernels import njit
from socialsim.population import CHURNED

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["kept_per_day", "memory"]


@phase("memory")
def memory(day: Day, rng: np.random.Generator) -> Counts:
    """Let one day of memory fade for everyone still listening."""
    pop, params = day.population, day.scenario.loyalty
    keep = kept_per_day(params.memory_days)
    _fade(pop.loyalty, pop.baseline, pop.status, keep, params.baseline_learning)
    return {}


@lru_cache(maxsize=64)
def kept_per_day(memory_days: float) -> float:
    """What a day of fading keeps, ``exp(−1/τ)`` for a time constant ``τ`` of ``memory_days``:
    numpy's ``exp`` (a compiled one rounds otherwise), as a Python float (numba types a numpy
    scalar slowly), once per ``τ``.

    >>> kept_per_day(30.0) == float(np.exp(-1.0 / 30.0))
    True
    """
    return float(np.exp(-1.0 / memory_days))


# One pass over everyone, in place: in numpy the same arithmetic costs seven passes and a
# temporary, and at 100,000 people that is most of the day's work (docs/performance.md).
@njit(cache=True)
def _fade(
    loyalty: np.ndarray, baseline: np.ndarray, status: np.ndarray, keep: float, learning: float
) -> None:
    for i in range(loyalty.size):
        # A churned person's gap counts as 0: a product, not a branch, so the loop vectorises.
        gap = (loyalty[i] - baseline[i]) * (status[i] != CHURNED)
        loyalty[i] -= gap * (1.0 - keep)
        baseline[i] += gap * (learning * keep)
