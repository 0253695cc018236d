"""The statistics of a comparison: t intervals, paired differences and Holm's adjustment.

Differences between strategies are paired by replicate (common random numbers), so each is
a one-sample t test on the per-replicate differences. A report tests every strategy against
the baseline on every KPI, fifteen to twenty tests at once: :func:`holm` adjusts their
p-values so that the chance of calling any one of them distinguishable by luck stays at most
the stated level (the family-wise error rate; Holm 1979).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["CONFIDENCE", "holm", "mean_interval", "paired"]

CONFIDENCE = 0.95
"""Coverage of every interval a comparison reports."""


def mean_interval(values: npt.ArrayLike) -> tuple[float, float, float]:
    """Mean of replicate values and its t interval (:data:`CONFIDENCE`).

    Examples
    --------
    >>> [round(x, 2) for x in mean_interval([1.0, 2.0, 3.0])]
    [2.0, -0.48, 4.48]
    >>> mean_interval([2.0, 2.0])  # identical replicates: the mean is known exactly
    (2.0, 2.0, 2.0)
    >>> mean_interval([0.1 + 0.2, 0.3])  # equal but for rounding
    (0.30000000000000004, 0.30000000000000004, 0.30000000000000004)
    >>> mean_interval([2.0])  # one replicate: no spread seen, so no interval
    (2.0, nan, nan)
    """
    from scipy import stats  # here: importing socialsim should not pay for scipy.stats

    values = np.asarray(values, dtype=np.float64)
    mean = float(np.mean(values))
    if values.size < 2:
        return mean, np.nan, np.nan
    if _alike(values):
        return mean, mean, mean
    low, high = stats.ttest_1samp(values, mean).confidence_interval(CONFIDENCE)
    return mean, float(low), float(high)


def paired(difference: npt.ArrayLike) -> tuple[float, float, float, float]:
    """Mean of paired differences, its t interval and the p-value of "no difference".

    Parameters
    ----------
    difference : array_like
        One difference per replicate (strategy − baseline, same seed).

    Returns
    -------
    mean, low, high, p : float
        When every replicate gives the same difference it is known exactly: the interval is
        that value, and ``p`` is 1 if it is 0, else 0. NaN throughout if any replicate is NaN.
        One replicate is no test: the interval and ``p`` are NaN (a difference seen once says
        nothing of its spread, and would otherwise read as known exactly).

    Examples
    --------
    >>> mean, low, high, p = paired([1.0, 2.0, 1.5, 2.5])
    >>> round(mean, 2), round(low, 2), round(high, 2), round(p, 3)
    (1.75, 0.72, 2.78, 0.012)
    >>> paired([0.5])
    (0.5, nan, nan, nan)
    """
    from scipy import stats

    values = np.asarray(difference, dtype=np.float64)
    mean = float(values.mean())
    if values.size < 2:
        return mean, np.nan, np.nan, np.nan
    if _alike(values):
        return mean, mean, mean, (1.0 if mean == 0 else 0.0)
    test = stats.ttest_1samp(values, 0.0)
    low, high = test.confidence_interval(CONFIDENCE)
    return mean, float(low), float(high), float(test.pvalue)


def _alike(values: np.ndarray) -> bool:
    """Whether replicates agree up to rounding: sums of money over a run differ in their last
    digits when only their order of addition does, and a t test on such noise is meaningless."""
    return bool(np.ptp(values) <= 1e-9 * max(1.0, float(np.max(np.abs(values)))))


def holm(p_values: npt.ArrayLike) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (Holm 1979).

    The smallest of ``m`` p-values is multiplied by ``m``, the next by ``m − 1``, and so on,
    each kept at least as large as the one before it and at most 1. Rejecting every hypothesis
    whose adjusted p-value is below α keeps the family-wise error rate at most α, whatever the
    dependence between the tests, and rejects at least as much as Bonferroni's correction.

    Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian
    Journal of Statistics* 6(2), 65–70.

    Parameters
    ----------
    p_values : array_like
        The family's p-values; NaN ones (no test) are not in the family and stay NaN.

    Returns
    -------
    numpy.ndarray
        The adjusted p-values, in the order given.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    tested = np.flatnonzero(np.isfinite(p))
    order = tested[np.argsort(p[tested], kind="stable")]
    factors = len(order) - np.arange(len(order))
    out[order] = np.minimum(np.maximum.accumulate(factors * p[order]), 1.0)
    return out
