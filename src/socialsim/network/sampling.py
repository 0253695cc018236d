"""Checks and edge samplers shared by the graph generators.

Each works on whole arrays and draws only from the generator it is handed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from socialsim.constraints import Interval
from socialsim.network.graph import MAX_NODES

__all__ = [
    "PROBABILITY",
    "bernoulli_pairs",
    "check_seed",
    "checked_nodes",
    "isin_sorted",
    "pair_keys",
]

PROBABILITY = Interval(0, 1)
# Below this edge probability, geometric gaps between kept pairs could pass 2^63 (numpy caps
# them there, and their sums wrap); the kept pairs are then drawn as a binomial count.
_TINY_P = 1e-12


def check_seed(seed: Any) -> None:
    if not isinstance(seed, np.random.Generator):
        raise TypeError(
            f"The 'seed' parameter must be a numpy.random.Generator. Got {seed!r} instead."
        )


def checked_nodes(n: Any, low: int = 2, why: str = "") -> int:
    """The node count checked as ``graph.n`` is, with a generator's own lower bound."""
    return Interval(low, MAX_NODES, integer=True, why=why).check("n", n)


def pair_keys(u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """One int64 per unordered pair, the same for (u, v) and (v, u)."""
    return np.minimum(u, v) * np.int64(n) + np.maximum(u, v)


def isin_sorted(values: np.ndarray, sorted_pool: np.ndarray) -> np.ndarray:
    """``np.isin`` for a pool that is already sorted (saves sorting it again)."""
    if not sorted_pool.size:
        return np.zeros(values.size, dtype=bool)
    at = np.searchsorted(sorted_pool, values).clip(max=sorted_pool.size - 1)
    return sorted_pool[at] == values


def bernoulli_pairs(
    start: np.ndarray, count: np.ndarray, p: float, seed: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Keep each candidate pair independently with probability ``p``.

    Row ``u`` offers the pairs ``(u, start[u] + j)`` for ``0 <= j < count[u]``. The candidates
    are numbered row after row, and the gaps between kept numbers are geometric with
    parameter ``p`` (Batagelj & Brandes 2005, algorithm 1), so the work is proportional to the
    pairs kept.
    """
    empty = np.empty(0, dtype=np.int64)
    first = np.zeros(count.size + 1, dtype=np.int64)
    np.cumsum(count, out=first[1:])
    total = int(first[-1])
    if p <= 0 or total == 0:
        return empty, empty
    if p >= 1:
        kept = np.arange(total, dtype=np.int64)
    elif p < _TINY_P:
        # Gaps of mean 1/p would overflow 64-bit positions. A binomial count of distinct
        # uniform positions is the same law, at a cost of the pairs kept.
        kept = np.sort(seed.choice(total, size=seed.binomial(total, p), replace=False))
    else:
        parts = []
        last = -1
        while True:
            expected = (total - 1 - last) * p
            # enough gaps to pass the end in one draw almost always (6 standard deviations)
            size = int(expected + 6 * math.sqrt(expected) + 16)
            reached = last + np.cumsum(seed.geometric(p, size=size))
            if reached[-1] >= total:
                parts.append(reached[reached < total])
                break
            parts.append(reached)
            last = int(reached[-1])
        kept = np.concatenate(parts)
    per_row = np.diff(np.searchsorted(kept, first))
    u = np.repeat(np.arange(count.size, dtype=np.int64), per_row)
    v = start[u] + (kept - first[u])
    return u, v
