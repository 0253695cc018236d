"""What each parameter is: an assumption with a prior, a lever the brand decides, or fixed.

Every scenario parameter declares its role next to its default, source and constraint
(:func:`~socialsim.constraints.param`'s ``prior`` argument):

- an **assumption or estimate** about people and the world declares a plausible range and a
  distribution on it, with the range's source: :class:`Uniform`, :class:`Triangular`, or
  :class:`LogUniform` when the range spans orders of magnitude. A robust comparison draws
  plausible worlds from these priors (:mod:`socialsim.studies.worlds`);
- a **lever**, a decision the brand controls (its policy, team, listening tool, the horizon it
  asks about), is marked :data:`LEVER` and never sampled;
- a parameter **fixed** by definition or by the question asked says why (:class:`Fixed`).

:func:`role` reads a parameter's role; ``socialsim parameters`` shows it.

Examples
--------
>>> role("wom.negativity")
Triangular(low=0.5, mode=1.5, high=3.0, why=...)
>>> role("team.staff"), role("policy.order")
(Lever(why=...), Lever(why=...))
>>> role("graph.path")
Fixed(reason='a file name, not a quantity')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

__all__ = [
    "LEVER",
    "LEVER_SECTIONS",
    "Fixed",
    "Lever",
    "LogUniform",
    "Prior",
    "Role",
    "Triangular",
    "Uniform",
    "describe_role",
    "role",
]


@dataclass(frozen=True, repr=False)
class _Prior:
    """What every prior has: a support ``[low, high]``, where its range comes from (``why``)
    and, optionally, the setting under which the parameter is read at all (``only_if``: a key
    and the values of it that make the parameter matter, e.g. a graph kind)."""

    kind: ClassVar[str] = ""
    low: float
    high: float
    why: str = ""
    only_if: tuple[str, tuple[Any, ...]] | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError(f"A {self.kind} prior needs low < high. Got {self.low}, {self.high}.")

    def __repr__(self) -> str:  # the citation is long; a doctest shows it as ...
        shown = ", ".join(f"{k}={v!r}" for k, v in self._numbers().items())
        return f"{type(self).__name__}({shown}, why=...)"

    def _numbers(self) -> dict[str, float]:
        return {"low": self.low, "high": self.high}

    def applies(self, flat: Mapping[str, Any]) -> bool:
        """Whether the parameter is read at all in a scenario (its flat parameters)."""
        return self.only_if is None or flat[self.only_if[0]] in self.only_if[1]

    def sample(self, u: np.ndarray, integer: bool = False) -> np.ndarray:
        """Values at points ``u`` of the unit interval (a Latin hypercube's column).

        An integer parameter takes every whole number of the support: the distribution is
        spread over ``[low, high + 1)`` and floored, so each end gets its full share.
        """
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if not integer:
            return np.clip(self._ppf(u, self.low, self.high), self.low, self.high)
        values = np.floor(self._ppf(u, self.low, self.high + 1))
        return np.clip(values, self.low, self.high).astype(np.int64)

    def _ppf(self, u: np.ndarray, low: float, high: float) -> np.ndarray:
        raise NotImplementedError

    def describe(self) -> str:
        text = f"{self.kind} on [{self.low:g}, {self.high:g}]"
        return f"{text}; {self.why}" if self.why else text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record (a results store keeps the priors a study drew from)."""
        out: dict[str, Any] = {"kind": self.kind, **self._numbers(), "why": self.why}
        if self.only_if is not None:
            out["only_if"] = [self.only_if[0], list(self.only_if[1])]
        return out


@dataclass(frozen=True, repr=False)
class Uniform(_Prior):
    """Every value of ``[low, high]`` equally plausible.

    >>> Uniform(0, 10).sample(np.array([0.0, 0.25, 1.0]))
    array([ 0. ,  2.5, 10. ])
    >>> Uniform(2, 4).sample(np.array([0.0, 0.34, 0.67, 1.0]), integer=True)
    array([2, 3, 4, 4])
    """

    kind: ClassVar[str] = "uniform"
    step: int = field(default=1, kw_only=True)

    def sample(self, u: np.ndarray, integer: bool = False) -> np.ndarray:
        """Values at points ``u`` of the unit interval; an integer parameter with a ``step``
        takes ``low``, ``low + step`` ... (an even degree), each equally often.

        >>> Uniform(4, 8, step=2).sample(np.array([0.0, 0.4, 0.7, 1.0]), integer=True)
        array([4, 6, 8, 8])
        """
        if not integer or self.step == 1:
            return super().sample(u, integer)
        levels = int((self.high - self.low) // self.step) + 1
        index = np.clip(np.floor(np.asarray(u, dtype=float) * levels), 0, levels - 1)
        return (self.low + self.step * index).astype(np.int64)

    def _ppf(self, u: np.ndarray, low: float, high: float) -> np.ndarray:
        return low + u * (high - low)


@dataclass(frozen=True, repr=False)
class LogUniform(_Prior):
    """Uniform on the log scale: each order of magnitude of ``[low, high]`` as plausible.

    >>> LogUniform(0.1, 10).sample(np.array([0.0, 0.5, 1.0])).round(6)
    array([ 0.1,  1. , 10. ])
    """

    kind: ClassVar[str] = "log-uniform"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.low <= 0:
            raise ValueError(f"A log-uniform prior needs low > 0. Got {self.low}.")

    def _ppf(self, u: np.ndarray, low: float, high: float) -> np.ndarray:
        return np.exp(math.log(low) + u * (math.log(high) - math.log(low)))


@dataclass(frozen=True, repr=False)
class Triangular(_Prior):
    """Most plausible at ``mode``, falling linearly to nothing at ``low`` and ``high``.

    Give it as ``Triangular(low, high, why, mode=...)``.

    >>> Triangular(0, 4, mode=1).sample(np.array([0.0, 0.25, 1.0]))
    array([0., 1., 4.])
    """

    kind: ClassVar[str] = "triangular"
    mode: float = field(default=math.nan, kw_only=True)

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"A triangular prior needs low <= mode <= high. Got {self}.")

    def _numbers(self) -> dict[str, float]:
        return {"low": self.low, "mode": self.mode, "high": self.high}

    def _ppf(self, u: np.ndarray, low: float, high: float) -> np.ndarray:
        mode = self.mode + (high - self.high) / 2  # the integer spread shifts the mode half a step
        split = (mode - low) / (high - low)
        rising = low + np.sqrt(u * (high - low) * (mode - low))
        falling = high - np.sqrt((1 - u) * (high - low) * (high - mode))
        return np.where(u < split, rising, falling)

    def describe(self) -> str:
        text = f"triangular on [{self.low:g}, {self.high:g}], mode {self.mode:g}"
        return f"{text}; {self.why}" if self.why else text


Prior = Uniform | LogUniform | Triangular


@dataclass(frozen=True)
class Lever:
    """A decision the brand controls: compared as a strategy, never sampled as a world."""

    why: str = "a decision of the brand"

    def describe(self) -> str:
        return f"lever: {self.why}"


@dataclass(frozen=True)
class Fixed:
    """A parameter fixed by definition or by the question asked, with the reason."""

    reason: str

    def describe(self) -> str:
        return f"fixed: {self.reason}"


LEVER = Lever()
"""The role of a decision the brand controls."""

Role = Uniform | LogUniform | Triangular | Lever | Fixed

LEVER_SECTIONS: dict[str, str] = {
    "policy": "the response policy is what strategies choose",
    "early_warning": "the brand's detector is its own tool, tuned as it chooses",
    "reaction": "what the brand does after an alarm is its decision",
}
"""Sections whose every parameter is a lever, by section, with the reason: a section added to
them (a new policy setting) is a lever without an annotation of its own."""


def role(key: str) -> Role | None:
    """The declared role of a scenario parameter, or None if it declares none yet.

    Parameters
    ----------
    key : str
        A dotted parameter key (``socialsim parameters`` lists them).

    Returns
    -------
    Uniform, LogUniform, Triangular, Lever, Fixed or None
        The prior of an assumption, :data:`LEVER` (or a :class:`Lever` with its reason), the
        reason it is fixed, or None for a parameter declared without a role (the test suite
        refuses those).

    Raises
    ------
    KeyError
        If ``key`` is not a scenario parameter.
    """
    from socialsim.scenario import PARAMETERS  # here: the scenario imports this module

    declared = PARAMETERS[key].metadata.get("prior")
    section = key.partition(".")[0]
    if declared is None and section in LEVER_SECTIONS:
        return Lever(LEVER_SECTIONS[section])
    return declared


def describe_role(key: str) -> str:
    """One line saying what a parameter is, as ``socialsim parameters`` shows it.

    >>> describe_role("churn.base_rate")
    'assumption: uniform on [0.000267, 0.000567]; 0.8–1.7% a month, as the source'
    >>> describe_role("team.staff")
    "lever: the care team is the brand's to staff and run"
    """
    found = role(key)
    if found is None:
        return "undeclared: add prior=..., LEVER or Fixed(...) to its param()"
    if isinstance(found, Lever | Fixed):
        return found.describe()
    return f"assumption: {found.describe()}"
