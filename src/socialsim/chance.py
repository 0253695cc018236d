"""Probability helpers shared by the processes.

A person of activity ``a`` does something that an average person does with probability ``p``
with probability ``1 − (1 − p)^a``, as if they had ``a`` independent chances (a Poisson process
whose rate scales with activity). A standard exponential ``E`` per person and the test
``E < a · h(p)`` with the hazard ``h(p) = −ln(1 − p)`` give exactly that probability, at the
cost of a multiply and a compare per person instead of a power: this is how the daily
processes draw events for a million people.

``E`` is made from a uniform ``u`` by inversion, ``E = −ln(1 − u)``, because a uniform is
cheaper to draw than an exponential and ``E ≥ u``: people with ``u ≥ a · h(p)`` cannot act, so
the logarithm is only taken for the few who might (:func:`who_acts`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["at_least_once", "exponential", "hazard", "occurs", "who_acts"]


def hazard(p: float | np.ndarray) -> np.ndarray:
    """``−ln(1 − p)``: the rate at which an event of daily probability ``p`` happens.

    >>> hazard(np.array([0.0, 1.0])).tolist()
    [0.0, inf]
    """
    with np.errstate(divide="ignore"):
        return -np.log1p(-np.asarray(p, dtype=np.float64))


def at_least_once(p: float | np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Chance of at least one success in ``trials`` independent tries of probability ``p``.

    ``trials`` may be fractional (an activity level). ``p`` may be one probability or one per
    entry.

    Examples
    --------
    >>> at_least_once(0.5, np.array([0, 1, 2])).tolist()
    [0.0, 0.5, 0.75]
    >>> at_least_once(np.array([1.0, 1.0, 0.0]), np.array([0, 3, 3])).tolist()
    [0.0, 1.0, 0.0]
    """
    trials = np.asarray(trials, dtype=np.float64)
    with np.errstate(invalid="ignore"):  # 0 trials at hazard inf
        chance = -np.expm1(-trials * hazard(p))
    return np.where(trials > 0, chance, 0.0)


def exponential(uniforms: np.ndarray) -> np.ndarray:
    """Standard exponentials from uniforms in [0, 1) by inversion: ``−ln(1 − u)``, in float64.

    >>> exponential(np.array([0.0, 0.5], dtype=np.float32)).round(4).tolist()
    [0.0, 0.6931]
    """
    return -np.log1p(-np.asarray(uniforms, dtype=np.float64))


def occurs(uniforms: np.ndarray, activity: np.ndarray, rate: float | np.ndarray) -> np.ndarray:
    """Which people act, given one uniform draw each: ``P = 1 − (1 − rate)^activity``.

    Parameters
    ----------
    uniforms : numpy.ndarray
        One uniform draw in [0, 1) per person.
    activity : numpy.ndarray
        Each person's activity level.
    rate : float or numpy.ndarray
        Daily probability for an average person (activity 1), one for all or one per person.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> acts = occurs(rng.random(200_000), np.full(200_000, 2.0), 0.5)
    >>> round(float(acts.mean()), 2)
    0.75
    """
    with np.errstate(invalid="ignore"):  # activity 0 at hazard inf: never acts
        return exponential(uniforms) < activity * hazard(rate)


def who_acts(uniforms: np.ndarray, activity: np.ndarray, rate: float) -> np.ndarray:
    """Indices of the people for whom :func:`occurs` holds, at a cost of one compare for most.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> u, a = rng.random(10_000), rng.lognormal(size=10_000)
    >>> bool((who_acts(u, a, 0.01) == np.flatnonzero(occurs(u, a, 0.01))).all())
    True
    """
    with np.errstate(invalid="ignore"):
        limit = activity * hazard(rate)
        maybe = np.flatnonzero(uniforms <= limit)  # E >= u: the rest cannot act
        return maybe[exponential(uniforms[maybe]) < limit[maybe]]
