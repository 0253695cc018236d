"""The prior of each parameter a calibration fits.

Today a parameter's prior is uniform on the range its constraint declares (or on bounds the
user gives). The robust-comparison issue adds priors to the parameter declarations;
:func:`prior_for` is the one place where they plug in.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from socialsim.constraints import ConfigError, Interval, did_you_mean
from socialsim.scenario import PARAMETERS

__all__ = ["Prior", "prior_for"]


@dataclass(frozen=True)
class Prior:
    """A fitted parameter's prior: uniform on ``[low, high]``.

    >>> p = Prior("wom.negativity", 0.5, 4.5)
    >>> p.iqr, float(p.ppf(0.5))
    (2.0, 2.5)
    """

    key: str
    low: float
    high: float

    @property
    def iqr(self) -> float:
        """Interquartile range."""
        return (self.high - self.low) / 2

    def ppf(self, u: np.ndarray | float) -> np.ndarray | float:
        """Quantile function: the value below which a share ``u`` of the prior lies."""
        return self.low + (self.high - self.low) * np.asarray(u)


def prior_for(key: str, bounds: tuple[float, float] | None = None) -> Prior:
    """The prior of a parameter to fit: ``bounds`` if given, else its declared range.

    This is where the priors that the robust-comparison issue adds to the parameter
    declarations plug in; today a parameter's prior is uniform on the range its constraint
    declares, and an open range needs ``bounds``.

    Parameters
    ----------
    key : str
        Dotted parameter key (``socialsim parameters`` lists them).
    bounds : (float, float), optional
        Lowest and highest value; must lie inside the declared range.

    Returns
    -------
    Prior

    Raises
    ------
    ConfigError
        An unknown key, a parameter that is not a real number, bounds that are not a pair of
        numbers, outside the declared range or not increasing, or an open range without
        bounds.

    Examples
    --------
    >>> prior_for("wom.negativity")
    Prior(key='wom.negativity', low=0.0, high=10.0)
    >>> prior_for("wom.negativity", (0.5, 4))
    Prior(key='wom.negativity', low=0.5, high=4.0)
    >>> prior_for("team.max_wait_hours")
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'team.max_wait_hours' parameter must be given bounds (--bounds team.max_wait_hours=LOW:HIGH) as its range is open (a float > 0). Got None instead.
    """
    if key not in PARAMETERS:
        raise ConfigError(key, key, "a known parameter to fit", did_you_mean(key, PARAMETERS))
    constraint = PARAMETERS[key].metadata["constraint"]
    if not isinstance(constraint, Interval) or constraint.integer:
        raise ConfigError(key, key, "a real-valued parameter to fit (not a count or a choice)")
    if bounds is None:
        if constraint.low is None or constraint.high is None:
            raise ConfigError(
                key,
                None,
                f"given bounds (--bounds {key}=LOW:HIGH) as its range is open "
                f"({constraint.describe()})",
            )
        return Prior(key, float(constraint.low), float(constraint.high))
    pair = list(bounds) if isinstance(bounds, Iterable) and not isinstance(bounds, str) else []
    if len(pair) != 2 or not all(
        isinstance(b, numbers.Real) and not isinstance(b, bool) for b in pair
    ):
        raise ConfigError(key, bounds, "bounds (LOW, HIGH), a pair of numbers")
    low, high = (float(b) for b in pair)
    if not low < high:
        raise ConfigError(key, f"{low:g}:{high:g}", "bounds LOW:HIGH with LOW < HIGH")
    for end in (low, high):
        inside = (constraint.low is None or end >= constraint.low) and (
            constraint.high is None or end <= constraint.high
        )
        if not inside:
            raise ConfigError(
                key, f"{low:g}:{high:g}", f"bounds inside its range ({constraint.describe()})"
            )
    return Prior(key, low, high)
