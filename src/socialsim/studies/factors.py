"""How one parameter of a sweep varies: a :class:`Range` of numbers or a list of :class:`Levels`.

Every design but the grid is drawn in the unit hypercube [0, 1]^d and mapped to values
parameter by parameter (:meth:`Range.from_unit`, :meth:`Levels.from_unit`):

- a float range is linear, or logarithmic with ``log=True``;
- an integer range (``integer=True``; a sweep sets it for integer scenario parameters such as
  ``graph.n``) gives every integer in ``[low, high]`` the same share of the unit interval:
  ``low + floor(u (high - low + 1))``. Rounding ``low + u (high - low)`` instead would give
  the two ends half the weight of the other integers;
- levels split the unit interval into equal parts, one per level.

Where a value sits in its range, on [0, 1], is its *position* (:meth:`Range.position`,
:meth:`Levels.position`): the unit coordinate itself for a float range, and for integers and
levels the value actually taken, ``(x - low) / (high - low)`` or ``index / (k - 1)``. A Morris
analysis divides each step's change of the KPI by the change of this position, so an integer
or a level that moved by less (or more) than the design's step is not credited with an effect
it did not have (:func:`socialsim.studies.sensitivity.morris_indices`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from socialsim.constraints import Boolean, ConfigError, Interval, Optional, did_you_mean

__all__ = ["MAX_POINTS", "Factor", "Levels", "Range", "parse_factor"]

MAX_POINTS = 10_000_000
"""Most points a design may have, and most levels a grid range may have. Beyond it a design is
almost surely a mistake (a grid of ten parameters at ten levels), and building it would exhaust
memory before saying so."""

# What each key of a range table may be, checked like every scenario parameter.
RANGE_KEYS: dict[str, Any] = {
    "low": Interval(None, None),
    "high": Interval(None, None),
    "num": Optional(Interval(2, MAX_POINTS, integer=True)),
    "log": Boolean(),
}


@dataclass(frozen=True)
class Range:
    """Numbers from ``low`` to ``high``.

    Parameters
    ----------
    low, high : float
        The ends, ``low < high``; both are reachable.
    num : int, optional
        Evenly spaced levels for a grid design (the other designs refuse it); an integer
        range's must stay distinct when rounded.
    log : bool, default False
        Spread the values evenly on a log scale (``low > 0``), for rates that span orders of
        magnitude.
    integer : bool, default False
        Whole numbers only; see the module notes for how the unit interval maps to them.

    Examples
    --------
    >>> Range(0, 10).from_unit(np.array([0.0, 0.25, 1.0]))
    array([ 0. ,  2.5, 10. ])
    >>> Range(1, 3, integer=True).from_unit(np.array([0.0, 0.34, 0.67, 0.999, 1.0]))
    array([1, 2, 3, 3, 3])
    >>> Range(0.001, 0.1, num=3, log=True).grid()
    [0.001, 0.01, 0.1]
    """

    low: float
    high: float
    num: int | None = None
    log: bool = False
    integer: bool = False

    def check(self, name: str) -> Range:
        """The range with numpy scalars as Python ones, or :class:`ConfigError` if unusable.

        >>> Range(np.int64(1), np.float32(2.5), num=np.int64(3)).check("a").to_dict()
        {'low': 1, 'high': 2.5, 'num': 3}
        """
        given = {key: _python(getattr(self, key)) for key in RANGE_KEYS}
        for key, constraint in RANGE_KEYS.items():
            constraint.check(f"parameters.{name}.{key}", given[key])
        checked = replace(self, **given)
        if not checked.low < checked.high:
            raise ConfigError(f"parameters.{name}", checked.to_dict(), "a range with low < high")
        if checked.log and checked.low <= 0:
            raise ConfigError(
                f"parameters.{name}", checked.to_dict(), "a range with low > 0 when log = true"
            )
        return checked

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of [0, 1] to values of the range (vectorized)."""
        u = np.asarray(u, dtype=float)
        if self.integer:
            low, high = int(self.low), int(self.high)
            if self.log:
                # log-uniform over [low, high + 1), floored: integer k gets log((k+1)/k).
                values = np.floor(np.exp(np.log(low) + u * (np.log(high + 1) - np.log(low))))
            else:
                values = low + np.floor(u * (high - low + 1))
            return np.clip(values, low, high).astype(np.int64)
        if self.log:
            values = np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))
            # exp(log(high)) can round just past high, which the scenario would refuse.
            return np.clip(values, self.low, self.high)
        return self.low + u * (self.high - self.low)

    def position(self, u: np.ndarray) -> np.ndarray:
        """Where the values drawn at unit points ``u`` sit in the range, on [0, 1].

        A float range's position is ``u``; an integer range's is that of the integer drawn,
        on the same (linear or log) scale, so it moves in whole steps.

        >>> Range(0, 2, integer=True).position(np.array([0.0, 1 / 3, 2 / 3, 1.0]))
        array([0. , 0.5, 1. , 1. ])
        """
        u = np.asarray(u, dtype=float)
        if not self.integer:
            return u
        x = self.from_unit(u)
        if self.log:
            return np.log(x / self.low) / np.log(self.high / self.low)
        return (x - self.low) / (self.high - self.low)

    def n_levels(self) -> int:
        """How many levels :meth:`grid` gives, computed without building them where it can.

        Rounded evenly spaced points more than 1 apart stay distinct, and at most 1 apart
        cover every integer, so a linear integer range has ``min(num, high - low + 1)``.
        """
        if self.num is None or (self.integer and self.log):
            return len(self.grid())  # without num, grid() says what is missing
        if self.integer:
            return min(self.num, int(self.high) - int(self.low) + 1)
        return self.num

    def grid(self) -> list[Any]:
        """The grid levels: ``num`` evenly spaced values, rounded and deduplicated if integer."""
        if self.num is None:
            raise ConfigError(
                "parameters",
                self.to_dict(),
                "a list of levels, or a range with 'num' levels, for a grid design",
            )
        spaced = (np.geomspace if self.log else np.linspace)(self.low, self.high, self.num)
        if self.integer:
            return [int(v) for v in np.unique(np.rint(spaced))]
        return [float(v) for v in spaced]

    def dtype(self) -> Any:
        """The column type of the parameter's values."""
        return np.int64 if self.integer else np.float64

    def to_dict(self) -> dict[str, Any]:
        """The TOML form: ``{low, high}`` and whichever options differ from the defaults."""
        out: dict[str, Any] = {"low": self.low, "high": self.high}
        if self.num is not None:
            out["num"] = self.num
        if self.log:
            out["log"] = True
        return out


@dataclass(frozen=True)
class Levels:
    """A list of values, each taken by an equal share of the points.

    Examples
    --------
    >>> Levels(("a", "b", "c")).from_unit(np.array([0.0, 0.5, 0.99, 1.0])).tolist()
    ['a', 'b', 'c', 'c']
    """

    values: tuple[Any, ...]

    def check(self, name: str) -> Levels:
        """The levels with numpy scalars as Python ones, or :class:`ConfigError` if unusable.

        >>> Levels((np.int64(1), np.float32(0.5), np.str_("x"))).check("a").values
        (1, 0.5, 'x')
        """
        key = f"parameters.{name}"
        values = tuple(_python(v) for v in self.values)
        if not values:
            raise ConfigError(key, list(values), "a non-empty list of levels")
        for value in values:
            if not isinstance(value, bool | int | float | str):
                raise ConfigError(key, list(values), "a list of numbers, strings or booleans")
        # Compare by type as well as value: 1 == 1.0 == True in Python but not as levels.
        if len({(type(v), v) for v in values}) < len(values):
            raise ConfigError(key, list(values), "a list of distinct levels")
        return Levels(values)

    def _index(self, u: np.ndarray) -> np.ndarray:
        k = len(self.values)
        return np.clip(np.floor(np.asarray(u, dtype=float) * k).astype(np.int64), 0, k - 1)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of [0, 1] to levels: equal shares of the unit interval, in order."""
        return np.array(self.values, dtype=object)[self._index(u)]

    def position(self, u: np.ndarray) -> np.ndarray:
        """Where the levels drawn at unit points ``u`` sit in the list: ``index / (k - 1)``.

        A single level has nowhere to move; its position is ``u``.

        >>> Levels((False, True)).position(np.array([0.0, 1 / 3, 2 / 3, 1.0]))
        array([0., 0., 1., 1.])
        """
        k = len(self.values)
        return self._index(u) / (k - 1) if k > 1 else np.asarray(u, dtype=float)

    def n_levels(self) -> int:
        """How many levels :meth:`grid` gives."""
        return len(self.values)

    def grid(self) -> list[Any]:
        """Every level, in order."""
        return list(self.values)

    def dtype(self) -> Any:
        """The column type: bool, int64, float64, or object for strings and mixes."""
        kinds = {type(v) for v in self.values}
        if kinds == {bool}:
            return bool
        if kinds == {int}:
            return np.int64
        if kinds <= {int, float}:
            return np.float64
        return object

    def to_dict(self) -> list[Any]:
        """The TOML form: a list."""
        return list(self.values)


Factor = Range | Levels


def parse_factor(name: str, spec: Any) -> Factor:
    """Read one parameter's variation as written in a sweep file or a Python call.

    A list or tuple gives :class:`Levels`; a table ``{low, high}`` (optionally ``num``,
    ``log``) a :class:`Range`; a table ``{levels = [...]}`` levels.

    Examples
    --------
    >>> parse_factor("wom.negativity", {"low": 0.5, "high": 3})
    Range(low=0.5, high=3, num=None, log=False, integer=False)
    >>> parse_factor("graph.kind", ["barabasi_albert", "watts_strogatz"])
    Levels(values=('barabasi_albert', 'watts_strogatz'))
    >>> parse_factor("wom.negativity", {"low": 0.5, "hihg": 3})
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'parameters.wom.negativity.hihg' parameter must be one of 'low', 'high', 'num', 'log'. Got 3 instead. Did you mean 'high'?
    """
    if isinstance(spec, Range | Levels):
        return spec.check(name)
    if isinstance(spec, Sequence) and not isinstance(spec, str):
        return Levels(tuple(spec)).check(name)
    if isinstance(spec, Mapping):
        if set(spec) == {"levels"} and isinstance(spec["levels"], Sequence):
            return Levels(tuple(spec["levels"])).check(name)
        for key, value in spec.items():
            if key not in RANGE_KEYS:
                raise ConfigError(
                    f"parameters.{name}.{key}",
                    value,
                    "one of " + ", ".join(repr(k) for k in RANGE_KEYS),
                    did_you_mean(key, RANGE_KEYS),
                )
        if "low" not in spec or "high" not in spec:
            raise ConfigError(f"parameters.{name}", dict(spec), "a range with both low and high")
        return Range(spec["low"], spec["high"], spec.get("num"), spec.get("log", False)).check(name)
    raise ConfigError(
        f"parameters.{name}", spec, "a list of levels or a range {low = ..., high = ...}"
    )


def _python(value: Any) -> Any:
    """A numpy scalar as the Python one (others as they are): a store's manifest is JSON, and
    a column's type is read from its levels' Python types."""
    return value.item() if isinstance(value, np.generic) else value


def grid_size(factors: Mapping[str, Factor]) -> int:
    """Points of the full factorial of ``factors``: the product of their level counts.

    >>> grid_size({"a": Levels((1, 2)), "b": Range(0, 1, num=3)})
    6
    """
    return math.prod(f.n_levels() for f in factors.values())
