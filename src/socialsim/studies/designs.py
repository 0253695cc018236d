"""Designs of experiments: which parameter values each design point of a sweep gets.

A parameter varies over a :class:`Range` (numbers between two ends) or a list of
:class:`Levels` (any values: numbers, strings, booleans). A :class:`Design` is a table of
points, one row per point and one column per parameter, built by :func:`make_design`:

==========  ==========================================================  =====================
kind        points                                                      library
==========  ==========================================================  =====================
grid        full factorial: every combination of the levels             itertools
lhs         Latin hypercube of ``samples`` points                       scipy.stats.qmc
sobol       scrambled Sobol' sequence of ``samples`` points (2^k)       scipy.stats.qmc
saltelli    Saltelli's scheme for Sobol' indices: N(2d+2) points, or    SALib
            N(d+2) without second order (N = ``samples``, 2^k)
morris      ``samples`` Morris trajectories of d+1 points each          SALib
==========  ==========================================================  =====================

Every design but the grid is drawn in the unit hypercube [0, 1]^d and mapped to values
parameter by parameter (:meth:`Range.from_unit`, :meth:`Levels.from_unit`):

- a float range is linear, or logarithmic with ``log=True``;
- an integer range (``integer=True``; a sweep sets it for integer scenario parameters such as
  ``graph.n``) gives every integer in ``[low, high]`` the same share of the unit interval:
  ``low + floor(u (high - low + 1))``. Rounding ``low + u (high - low)`` instead would give
  the two ends half the weight of the other integers;
- levels split the unit interval into equal parts, one per level.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from socialsim.constraints import ConfigError, did_you_mean

__all__ = [
    "DESIGNS",
    "Design",
    "Factor",
    "Levels",
    "Range",
    "make_design",
    "parse_factor",
    "python_rows",
]

DESIGNS: tuple[str, ...] = ("grid", "lhs", "sobol", "saltelli", "morris")

# Beyond this a design is almost surely a mistake (a grid of ten parameters at ten levels),
# and building it would exhaust memory before saying so.
MAX_POINTS = 10_000_000


@dataclass(frozen=True)
class Range:
    """Numbers from ``low`` to ``high``.

    Parameters
    ----------
    low, high : float
        The ends, ``low < high``; both are reachable.
    num : int, optional
        Evenly spaced levels for a grid design (ignored by the other designs).
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
        """Return ``self`` if it is a usable range, else raise :class:`ConfigError`."""
        key = f"parameters.{name}"
        for end in (self.low, self.high):
            if isinstance(end, bool) or not isinstance(end, int | float) or not math.isfinite(end):
                raise ConfigError(key, self.to_dict(), "a range of two finite numbers")
        if not self.low < self.high:
            raise ConfigError(key, self.to_dict(), "a range with low < high")
        if self.log and self.low <= 0:
            raise ConfigError(key, self.to_dict(), "a range with low > 0 when log = true")
        if self.num is not None and (
            isinstance(self.num, bool) or not isinstance(self.num, int) or self.num < 2
        ):
            raise ConfigError(key, self.to_dict(), "a range whose 'num' is an int >= 2")
        return self

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
        """Return ``self`` if it is a usable list of levels, else raise :class:`ConfigError`."""
        key = f"parameters.{name}"
        if not self.values:
            raise ConfigError(key, list(self.values), "a non-empty list of levels")
        for value in self.values:
            if not isinstance(value, bool | int | float | str):
                raise ConfigError(key, list(self.values), "a list of numbers, strings or booleans")
        # Compare by type as well as value: 1 == 1.0 == True in Python but not as levels.
        if len({(type(v), v) for v in self.values}) < len(self.values):
            raise ConfigError(key, list(self.values), "a list of distinct levels")
        return self

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of [0, 1] to levels: equal shares of the unit interval, in order."""
        k = len(self.values)
        index = np.clip(np.floor(np.asarray(u, dtype=float) * k).astype(np.int64), 0, k - 1)
        return np.array(self.values, dtype=object)[index]

    def grid(self) -> list[Any]:
        """Every level, in order."""
        return list(self.values)

    def to_dict(self) -> list[Any]:
        """The TOML form: a list."""
        return list(self.values)


Factor = Range | Levels

_RANGE_KEYS = ("low", "high", "num", "log")


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
            if key not in _RANGE_KEYS:
                raise ConfigError(
                    f"parameters.{name}.{key}",
                    value,
                    "one of " + ", ".join(repr(k) for k in _RANGE_KEYS),
                    did_you_mean(key, _RANGE_KEYS),
                )
        if "low" not in spec or "high" not in spec:
            raise ConfigError(f"parameters.{name}", dict(spec), "a range with both low and high")
        if not isinstance(spec.get("log", False), bool):
            raise ConfigError(f"parameters.{name}.log", spec["log"], "a bool (true or false)")
        return Range(spec["low"], spec["high"], spec.get("num"), spec.get("log", False)).check(name)
    raise ConfigError(
        f"parameters.{name}", spec, "a list of levels or a range {low = ..., high = ...}"
    )


@dataclass(frozen=True)
class Design:
    """A table of design points and how it was drawn.

    Attributes
    ----------
    kind : str
        One of :data:`DESIGNS`.
    factors : dict of str to Range or Levels
        The parameters and how each varies, in column order.
    values : pandas.DataFrame
        One row per point (the index is the point number), one column per parameter.
    unit : numpy.ndarray or None
        The points in the unit hypercube, shape ``(n_points, d)``; None for a grid. Sobol'
        and Morris analyses read it.
    options : dict
        ``second_order`` (saltelli) and ``num_levels`` (morris).
    """

    kind: str
    factors: dict[str, Factor]
    values: pd.DataFrame
    unit: np.ndarray | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def n_points(self) -> int:
        """Number of design points."""
        return len(self.values)

    @property
    def names(self) -> list[str]:
        """The parameters, in column order."""
        return list(self.factors)

    def problem(self) -> dict[str, Any]:
        """The SALib problem: every parameter on the unit interval, where the design lives."""
        return {
            "num_vars": len(self.factors),
            "names": self.names,
            "bounds": [[0.0, 1.0]] * len(self.factors),
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record from which :meth:`from_dict` rebuilds the same design."""
        return {
            "kind": self.kind,
            "factors": {name: f.to_dict() for name, f in self.factors.items()},
            "integer": [name for name, f in self.factors.items() if getattr(f, "integer", False)],
            "columns": self.names,
            "dtypes": {name: str(dtype) for name, dtype in self.values.dtypes.items()},
            "values": [list(row) for row in python_rows(self.values)],
            "unit": None if self.unit is None else self.unit.tolist(),
            "options": dict(self.options),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Design:
        """Rebuild a design from :meth:`to_dict` (a results store keeps it in its manifest).

        Examples
        --------
        >>> d = make_design("lhs", {"a": Range(0, 1), "b": Levels(("x", "y"))}, samples=4, seed=1)
        >>> back = Design.from_dict(d.to_dict())
        >>> back.values.equals(d.values) and bool((back.unit == d.unit).all())
        True
        """
        factors = {name: parse_factor(name, spec) for name, spec in dict(data["factors"]).items()}
        factors = {
            name: Range(f.low, f.high, f.num, f.log, integer=True)
            if isinstance(f, Range) and name in data.get("integer", ())
            else f
            for name, f in factors.items()
        }
        values = pd.DataFrame(data["values"], columns=list(data["columns"]))
        dtypes = data.get("dtypes") or {n: _dtype(f) for n, f in factors.items()}
        values = values.astype(dtypes)
        unit = None if data["unit"] is None else np.asarray(data["unit"], dtype=float)
        return cls(data["kind"], factors, values, unit, dict(data["options"]))


def make_design(
    kind: str,
    factors: Mapping[str, Any],
    *,
    samples: int = 64,
    seed: int | np.random.SeedSequence = 0,
    second_order: bool = True,
    num_levels: int = 4,
) -> Design:
    """Draw a design.

    Parameters
    ----------
    kind : {"grid", "lhs", "sobol", "saltelli", "morris"}
        See the module notes.
    factors : mapping of str to Range, Levels or their TOML forms
        The parameters and how each varies.
    samples : int, default 64
        Points (lhs, sobol), base sample N (saltelli) or trajectories (morris); a grid ignores
        it. Sobol' and Saltelli designs need a power of 2 to keep their balance.
    seed : int or numpy.random.SeedSequence, default 0
        Root of the design's random draws (scrambling, Latin hypercube cells, Morris starts).
    second_order : bool, default True
        Saltelli: also draw the points that second-order indices need.
    num_levels : int, default 4
        Morris: levels of the grid the trajectories move on (even).

    Returns
    -------
    Design

    Examples
    --------
    >>> d = make_design("grid", {"a": [1, 2, 3], "b": ["x", "y"]})
    >>> d.n_points, python_rows(d.values)[-1]
    (6, (3, 'y'))
    >>> make_design("saltelli", {"a": Range(0, 1), "b": Range(0, 1)}, samples=8).n_points
    48
    >>> make_design("morris", {"a": Range(0, 1), "b": Range(0, 1)}, samples=5).n_points
    15
    >>> make_design("sobol", {"a": Range(0, 1)}, samples=10)
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'sweep.samples' parameter must be a power of 2 for a sobol design (it keeps the sequence balanced). Got 10 instead.
    """
    if kind not in DESIGNS:
        raise ConfigError(
            "sweep.design",
            kind,
            "one of " + ", ".join(map(repr, DESIGNS)),
            did_you_mean(kind, DESIGNS),
        )
    factors = {name: parse_factor(name, spec) for name, spec in factors.items()}
    if not factors:
        raise ConfigError("parameters", {}, "at least one parameter to vary")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ConfigError("sweep.samples", samples, "an int >= 1")
    if kind == "grid":
        for name, f in factors.items():
            if isinstance(f, Range) and f.num is None:
                raise ConfigError(
                    f"parameters.{name}",
                    f.to_dict(),
                    "a list of levels, or a range with 'num' levels, for a grid design",
                )
    d = len(factors)
    n = design_size(kind, factors, samples=samples, second_order=second_order)
    if n > MAX_POINTS:
        raise ConfigError(
            "sweep.design",
            kind,
            f"a design of at most {MAX_POINTS:,} points",
            f"This one has {n:,}.",
        )
    if kind in ("sobol", "saltelli") and samples & (samples - 1):
        raise ConfigError(
            "sweep.samples",
            samples,
            f"a power of 2 for a {kind} design (it keeps the sequence balanced)",
        )
    if kind == "morris" and (
        isinstance(num_levels, bool)
        or not isinstance(num_levels, int)
        or num_levels < 2
        or num_levels % 2
    ):
        raise ConfigError("sweep.num_levels", num_levels, "an even int >= 2")

    options: dict[str, Any] = {}
    if kind == "grid":
        rows = list(itertools.product(*(f.grid() for f in factors.values())))
        values = pd.DataFrame(rows, columns=list(factors))
        values = values.astype({n_: _dtype(f) for n_, f in factors.items()})
        return Design(kind, factors, values, None, options)

    from scipy.stats import qmc  # imported here: only the sampling designs need scipy.stats

    rng = np.random.default_rng(seed)
    # SALib samples the unit hypercube too; values are mapped per parameter below.
    problem = {"num_vars": d, "names": list(factors), "bounds": [[0.0, 1.0]] * d}
    if kind == "lhs":
        unit = qmc.LatinHypercube(d, seed=rng).random(samples)
    elif kind == "sobol":
        unit = qmc.Sobol(d, seed=rng).random_base2(int(math.log2(samples)))
    elif kind == "saltelli":
        from SALib.sample import sobol as saltelli

        unit = saltelli.sample(problem, samples, calc_second_order=second_order, seed=rng)
        options["second_order"] = bool(second_order)
    else:
        from SALib.sample import morris

        unit = morris.sample(problem, samples, num_levels=num_levels, seed=rng)
        options["num_levels"] = int(num_levels)
    values = pd.DataFrame(
        {name: f.from_unit(unit[:, j]) for j, (name, f) in enumerate(factors.items())}
    )
    values = values.astype({n_: _dtype(f) for n_, f in factors.items()})
    return Design(kind, factors, values, np.asarray(unit, dtype=float), options)


def design_size(
    kind: str, factors: Mapping[str, Factor], *, samples: int, second_order: bool = True
) -> int:
    """Number of points a design will have, computed without drawing it.

    >>> design_size("grid", {"a": Levels((1, 2)), "b": Levels((1, 2, 3))}, samples=0)
    6
    """
    d = len(factors)
    if kind == "grid":
        return math.prod(len(f.grid()) for f in factors.values())
    if kind == "saltelli":
        return samples * (2 * d + 2 if second_order else d + 2)
    if kind == "morris":
        return samples * (d + 1)
    return samples


def python_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The rows of a frame as tuples of Python scalars (ints, floats, str, bool).

    A scenario accepts Python ints only for integer parameters, and JSON cannot write numpy's.

    >>> python_rows(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    [(1, 'x'), (2, 'y')]
    """
    columns = [frame[c].tolist() for c in frame.columns]  # tolist gives Python scalars
    return list(zip(*columns, strict=True)) if columns else [()] * len(frame)


def _dtype(factor: Factor) -> Any:
    """The column type of a parameter: int64, float64, bool, or object for strings and mixes."""
    if isinstance(factor, Range):
        return np.int64 if factor.integer else np.float64
    kinds = {type(v) for v in factor.values}
    if kinds == {bool}:
        return bool
    if kinds == {int}:
        return np.int64
    if kinds <= {int, float}:
        return np.float64
    return object
