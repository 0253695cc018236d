"""Designs of experiments: which parameter values each design point of a sweep gets.

A parameter varies over a :class:`~socialsim.studies.factors.Range` (numbers between two
ends) or a list of :class:`~socialsim.studies.factors.Levels` (any values: numbers, strings,
booleans); :mod:`socialsim.studies.factors` says how each maps from the unit interval. A
:class:`Design` is a table of points, one row per point and one column per parameter, built by
:func:`make_design`:

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

How a design is drawn (kind, samples, second order, Morris levels) is declared in
:class:`DesignSettings`, the part of a sweep file's ``[sweep]`` table that a design reads, and
checked like every scenario parameter. A design's size is computed from those settings before
anything is drawn, and one of more than :data:`~socialsim.studies.factors.MAX_POINTS` points
is refused.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from socialsim.constraints import Boolean, ConfigError, Interval, Options, Section, param
from socialsim.studies.factors import (
    MAX_POINTS,
    Factor,
    Levels,
    Range,
    grid_size,
    parse_factor,
)

__all__ = [
    "DESIGNS",
    "MAX_LEVELS",
    "READ_BY",
    "Design",
    "DesignSettings",
    "Factor",
    "Levels",
    "Range",
    "design_size",
    "make_design",
    "parse_factor",
    "python_rows",
]

DESIGNS: tuple[str, ...] = ("grid", "lhs", "sobol", "saltelli", "morris")

MAX_LEVELS = 1000
"""Most levels of a Morris grid: SALib keeps an array of half as many starting levels, and
screening designs use 4 to 10 (Saltelli et al. 2004, Sensitivity Analysis in Practice, §4.2)."""

READ_BY: dict[str, tuple[str, ...]] = {
    "samples": ("lhs", "sobol", "saltelli", "morris"),
    "second_order": ("saltelli",),
    "num_levels": ("morris",),
}
"""The designs that read each setting of :class:`DesignSettings` beyond ``design``. Another
design refuses the setting unless it is left at its default: ignoring it would run a sweep
other than the one asked for (a grid's size comes from its levels, not ``samples``)."""


@dataclass(frozen=True)
class DesignSettings(Section):
    """How a design is drawn: the design part of a sweep's ``[sweep]`` table.

    A setting the design does not read (:data:`READ_BY`) must be left at its default.

    >>> DesignSettings(design="grid", samples=50)
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'sweep.samples' parameter must be left out with design = 'grid' (only lhs, sobol, saltelli, morris read it). Got 50 instead.
    >>> DesignSettings(design="sobol", samples=10)
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'sweep.samples' parameter must be a power of 2 for a sobol design (it keeps the sequence balanced). Got 10 instead.
    """

    section: ClassVar[str] = "sweep"
    design: str = param(
        "grid", Options(DESIGNS), "Design of experiments (see socialsim.studies.designs)."
    )
    samples: int = param(
        64,
        Interval(1, MAX_POINTS, integer=True),
        "Points (lhs, sobol), base sample N (saltelli: N(2d+2) points, N(d+2) without second "
        "order) or trajectories (morris: N(d+1) points); a grid's size comes from its levels.",
        "assumption: 64 points are a first look; the upper bound is the design-size limit",
    )
    second_order: bool = param(
        True, Boolean(), "Saltelli: also the points second-order Sobol' indices need."
    )
    num_levels: int = param(
        4,
        Interval(2, MAX_LEVELS, integer=True),
        "Morris: levels of the grid trajectories move on (even).",
        "Saltelli et al. (2004), §4.2: p = 4 with a jump of p / (2 (p - 1))",
    )

    def _check_together(self) -> None:
        for name, designs in READ_BY.items():
            value = getattr(self, name)
            # A default passes: a sweep's record lists every setting, read or not.
            if (
                self.design not in designs
                and value != type(self).__dataclass_fields__[name].default
            ):
                raise ConfigError(
                    f"{self.section}.{name}",
                    value,
                    f"left out with design = {self.design!r} (only {', '.join(designs)} "
                    f"{'reads' if len(designs) == 1 else 'read'} it)",
                )
        if self.design in ("sobol", "saltelli") and self.samples & (self.samples - 1):
            raise ConfigError(
                "sweep.samples",
                self.samples,
                f"a power of 2 for a {self.design} design (it keeps the sequence balanced)",
            )
        if self.num_levels % 2:  # odd levels put Morris jumps off the grid (SALib warns)
            raise ConfigError(
                "sweep.num_levels", self.num_levels, f"an even int in [2, {MAX_LEVELS}]"
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

    def positions(self) -> np.ndarray | None:
        """Where each point's values sit in their parameters' ranges, shape ``(n_points, d)``.

        The unit coordinates, except for integers and levels, whose position is that of the
        value actually drawn (see :mod:`socialsim.studies.factors`). None for a grid.

        >>> d = make_design("morris", {"a": Range(0, 2, integer=True)}, samples=2, seed=1)
        >>> d.unit[:, 0].round(2).tolist(), d.positions()[:, 0].tolist()
        ([1.0, 0.33, 0.0, 0.67], [1.0, 0.5, 0.0, 1.0])
        """
        if self.unit is None:
            return None
        columns = [f.position(self.unit[:, j]) for j, f in enumerate(self.factors.values())]
        return np.column_stack(columns)

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
        dtypes = data.get("dtypes") or {n: f.dtype() for n, f in factors.items()}
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
        Points (lhs, sobol), base sample N (saltelli) or trajectories (morris); a grid takes
        the default only. Sobol' and Saltelli designs need a power of 2 to keep their balance.
    seed : int or numpy.random.SeedSequence, default 0
        Root of the design's random draws (scrambling, Latin hypercube cells, Morris starts).
    second_order : bool, default True
        Saltelli: also draw the points that second-order indices need (other designs take
        the default only).
    num_levels : int, default 4
        Morris: levels of the grid the trajectories move on (even; other designs take the
        default only).

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
    settings = DesignSettings(
        design=kind, samples=samples, second_order=second_order, num_levels=num_levels
    )
    factors = {name: parse_factor(name, spec) for name, spec in factors.items()}
    if not factors:
        raise ConfigError("parameters", {}, "at least one parameter to vary")
    n = design_size(settings, factors)
    if n > MAX_POINTS:
        raise ConfigError(
            "sweep.design",
            kind,
            f"a design of at most {MAX_POINTS:,} points",
            f"This one has {n:,}.",
        )
    d = len(factors)
    options: dict[str, Any] = {}
    if kind == "grid":
        rows = list(itertools.product(*(f.grid() for f in factors.values())))
        values = pd.DataFrame(rows, columns=list(factors))
        values = values.astype({n_: f.dtype() for n_, f in factors.items()})
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
    values = values.astype({n_: f.dtype() for n_, f in factors.items()})
    return Design(kind, factors, values, np.asarray(unit, dtype=float), options)


def design_size(settings: DesignSettings, factors: Mapping[str, Factor]) -> int:
    """Number of points a design will have, computed without drawing it.

    A range's ``num`` is read by a grid only, which needs it on every range, as many
    distinct levels as it says; a range that breaks this is refused here.

    >>> design_size(DesignSettings(), {"a": Levels((1, 2)), "b": Levels((1, 2, 3))})
    6
    >>> design_size(DesignSettings(design="morris", samples=10), {"a": Range(0, 1)})
    20
    >>> design_size(DesignSettings(), {"a": Range(0, 2, num=5, integer=True)})
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'parameters.a.num' parameter must be a number of levels that stay distinct when rounded to integers. Got 5 instead. The 5 levels of [0, 2] round to 3 distinct integers: ask for fewer, or list the levels.
    """
    d, samples = len(factors), settings.samples
    ranges = {name: f for name, f in factors.items() if isinstance(f, Range)}
    if settings.design == "grid":
        for name, f in ranges.items():
            if f.num is None:
                raise ConfigError(
                    f"parameters.{name}",
                    f.to_dict(),
                    "a list of levels, or a range with 'num' levels, for a grid design",
                )
            # Rounding merges close levels of an integer range: fewer points than asked.
            if (distinct := f.n_levels()) < f.num:
                raise ConfigError(
                    f"parameters.{name}.num",
                    f.num,
                    "a number of levels that stay distinct when rounded to integers",
                    f"The {f.num} levels of [{f.low}, {f.high}] round to {distinct} distinct "
                    "integers: ask for fewer, or list the levels.",
                )
        return grid_size(factors)
    for name, f in ranges.items():
        if f.num is not None:
            raise ConfigError(
                f"parameters.{name}.num",
                f.num,
                f"left out with design = {settings.design!r} (only a grid reads it)",
            )
    if settings.design == "saltelli":
        return samples * (2 * d + 2 if settings.second_order else d + 2)
    if settings.design == "morris":
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
