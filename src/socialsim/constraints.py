"""Parameter constraints declared as data, and the one error every bad value raises.

Each parameter of a :class:`~socialsim.scenario.Scenario` section is declared with
:func:`param`: its default, what it may be, what it means and where the default comes from.
Validation reads those declarations, so the rules, the error messages and the parameter table
in ``docs/model.md`` cannot drift apart. Every error is worded the same way::

    The 'wom.negativity' parameter must be a float in [0, 10]. Got -1.0 instead.
"""

from __future__ import annotations

import difflib
import math
import numbers
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from socialsim.assumptions import Role

__all__ = [
    "Boolean",
    "ConfigError",
    "Interval",
    "Names",
    "Optional",
    "Options",
    "Section",
    "Subset",
    "Text",
    "check_beta_sd",
    "check_tables",
    "did_you_mean",
    "other_kind",
    "param",
    "read_toml",
]


class ConfigError(ValueError):
    """A scenario, experiment or sweep value that is out of range, mistyped or unknown.

    The message names the key, the value and what is allowed.

    Examples
    --------
    >>> from socialsim import Scenario
    >>> Scenario().replace({"wom.negativity": -1})
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'wom.negativity' parameter must be a float in [0, 10]. Got -1 instead.
    """

    def __init__(self, key: str, value: Any, allowed: str, hint: str = "") -> None:
        self.key, self.value, self.allowed = key, value, allowed
        message = f"The '{key}' parameter must be {allowed}. Got {_show(value)} instead."
        super().__init__(message + (f" {hint}" if hint else ""))
        self.hint = hint

    def __reduce__(self):  # so that errors raised in worker processes reach the parent intact
        return type(self), (self.key, self.value, self.allowed, self.hint)


def _show(value: Any) -> str:
    """A value as an error message shows it: numpy scalars as plain numbers; an int so long
    it would hide the message (400 digits) cut in the middle; a value whose repr spans lines
    (a Series, a frame, a long array) on one line, named by its type, and cut likewise.

    >>> _show(np.float64(0.5)), _show(10**100)[:12]
    ('0.5', '100000000000')
    >>> import pandas as pd
    >>> _show(pd.Series({"graph.n": 200}))
    'a Series (graph.n 200 dtype: int64)'
    """
    value = value.item() if isinstance(value, np.generic) else value
    text = repr(value)
    if "\n" in text:
        text = f"a {type(value).__name__} ({' '.join(text.split())})"
    elif not isinstance(value, int):
        return text
    return f"{text[:28]}...{text[-28:]}" if len(text) > 60 else text


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A 'Did you mean ...?' hint for a mistyped name, or an empty string.

    Case is ignored in the match (a name typed in capitals is still found), never in the hint.

    >>> did_you_mean("wom.negatvity", ["wom.negativity", "wom.effect"])
    "Did you mean 'wom.negativity'?"
    >>> did_you_mean("CRISIS", ["crisis", "front-end"])
    "Did you mean 'crisis'?"
    """
    candidates = list(candidates)
    by_lower = {c.lower(): c for c in reversed(candidates)}  # the first of a case-blind tie
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return f"Did you mean '{by_lower[close[0]]}'?" if close else ""


def check_beta_sd(key: str, sd: float, mean_key: str, mean: float) -> None:
    """Check the spread of a loyalty law: a Beta law on [0, 10] with mean ``m`` has a
    variance below ``m (10 - m)``, and none at all at 0 or 10 (0, no spread, always fits).

    >>> check_beta_sd("population.loyalty_sd", 1.5, "loyalty_mean", 10.0)
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'population.loyalty_sd' parameter must be 0 for loyalty_mean 10 (everyone is at the mean: a Beta law on [0, 10] cannot spread there). Got 1.5 instead.
    """
    if sd == 0:
        return
    limit = math.sqrt(mean * (10 - mean))
    if limit == 0:
        raise ConfigError(
            key,
            sd,
            f"0 for {mean_key} {mean:g} (everyone is at the mean: a Beta law on [0, 10] cannot "
            "spread there)",
        )
    why = f"for {mean_key} {mean:g}, a Beta law on [0, 10] cannot spread further"
    Interval(0, limit, closed="left", why=why).check(key, sd)


@dataclass(frozen=True)
class Interval:
    """A number in a range; ``integer=True`` asks for a whole number, ``even=True`` an even one.

    numpy numbers are accepted like Python ones (bools are not numbers here). ``why`` says,
    in the message, where a bound that depends on other values comes from.

    >>> Interval(0, 1).describe()
    'a float in [0, 1]'
    >>> Interval(1, None, integer=True).describe()
    'an int >= 1'
    >>> Interval(2, 2**31 - 1, integer=True, even=True, why="below n").describe()
    'an even int in [2, 2147483647] (below n)'
    """

    low: float | None
    high: float | None
    integer: bool = False
    closed: str = "both"  # which ends belong to the range: "both", "left", "right" or "neither"
    even: bool = False
    why: str = ""

    def describe(self) -> str:
        kind = ("an even int" if self.even else "an int") if self.integer else "a float"
        if self.low is None and self.high is None:
            return kind if self.integer else "a finite float"
        low_in = self.closed in ("both", "left")
        high_in = self.closed in ("both", "right")
        if self.high is None:
            text = f"{kind} {'>=' if low_in else '>'} {self._fmt(self.low)}"
        elif self.low is None:
            text = f"{kind} {'<=' if high_in else '<'} {self._fmt(self.high)}"
        else:
            left, right = "[" if low_in else "(", "]" if high_in else ")"
            text = f"{kind} in {left}{self._fmt(self.low)}, {self._fmt(self.high)}{right}"
        return f"{text} ({self.why})" if self.why else text

    def check(self, key: str, value: Any) -> float | int:
        """Return ``value`` as the declared number type, or raise :class:`ConfigError`.

        >>> Interval(0, 1).check("p", np.float32(0.5)), Interval(0, None, integer=True).check("n", np.int8(3))
        (0.5, 3)
        >>> Interval(0, 1).check("p", 10**400)
        Traceback (most recent call last):
        ...
        socialsim.constraints.ConfigError: The 'p' parameter must be a float in [0, 1]. Got 1000000000000000000000000000...0000000000000000000000000000 instead.
        """
        number = self._number(value)
        if number is None:
            raise ConfigError(key, value, self.describe())
        low_in = self.closed in ("both", "left")
        high_in = self.closed in ("both", "right")
        if (
            (self.low is not None and (number < self.low or (number == self.low and not low_in)))
            or (
                self.high is not None
                and (number > self.high or (number == self.high and not high_in))
            )
            or (self.even and number % 2)
        ):
            raise ConfigError(key, value, self.describe())
        return number

    def _number(self, value: Any) -> float | int | None:
        """The value as a Python int or finite float of the declared type, or None."""
        if isinstance(value, bool | np.bool_):
            return None
        if isinstance(value, numbers.Integral):
            # A Python int of any size stays exact: no float conversion that could overflow.
            return int(value) if self.integer else _finite_float(int(value))
        if isinstance(value, numbers.Real) and not self.integer:
            return _finite_float(value)
        return None

    def _fmt(self, x: float | None) -> str:
        if x is None:
            return ""
        # whole bounds in full: 10000000, not 1e+07
        whole = isinstance(x, int) or (self.integer and float(x).is_integer())
        return str(int(x)) if whole else f"{x:g}"


def _finite_float(value: Any) -> float | None:
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Options:
    """One of a fixed set of strings.

    >>> Options(("a", "b")).describe()
    "one of 'a', 'b'"
    """

    values: tuple[str, ...]

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)

    def check(self, key: str, value: Any) -> str:
        if value not in self.values:
            hint = did_you_mean(value, self.values) if isinstance(value, str) else ""
            raise ConfigError(key, value, self.describe(), hint)
        # The option itself, a Python str: not a numpy string, nor a str enum's member name.
        return next(option for option in self.values if option == value)


@dataclass(frozen=True)
class Boolean:
    """``True`` or ``False`` (not 0 or 1)."""

    def describe(self) -> str:
        return "a bool (true or false)"

    def check(self, key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise ConfigError(key, value, self.describe())
        return value


@dataclass(frozen=True)
class Text:
    """Any string (a file path, a name)."""

    def describe(self) -> str:
        return "a string"

    def check(self, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise ConfigError(key, value, self.describe())
        # Its text as a Python str: a numpy string's, and a str enum's value (not its name).
        return str.__str__(value)


@dataclass(frozen=True)
class Subset:
    """Some of a fixed set of strings, as a list (kept as a sorted-by-declaration tuple).

    >>> Subset(("a", "b", "c")).check("k", ["c", "a"])
    ('a', 'c')
    """

    values: tuple[str, ...]

    def describe(self) -> str:
        return "a list of " + ", ".join(repr(v) for v in self.values)

    def check(self, key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ConfigError(key, value, self.describe())
        for item in value:
            if item not in self.values:
                hint = did_you_mean(item, self.values) if isinstance(item, str) else ""
                raise ConfigError(key, value, self.describe(), hint)
        return tuple(v for v in self.values if v in value)


@dataclass(frozen=True)
class Names:
    """A non-empty list of distinct names from a fixed set, kept in the order given.

    >>> kpis = Names(("fans", "nps"), "KPI names")
    >>> kpis.check("k", ["nps", "fans"])
    ('nps', 'fans')
    >>> kpis.check("k", ["nps", "npss"])
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'k' parameter must be a non-empty list of distinct KPI names. Got ['nps', 'npss'] instead. 'npss' is not one. Did you mean 'nps'?
    """

    values: tuple[str, ...]
    what: str

    def describe(self) -> str:
        return f"a non-empty list of distinct {self.what}"

    def check(self, key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
            raise ConfigError(key, value, self.describe())
        for i, item in enumerate(value):
            if item not in self.values:
                hint = did_you_mean(item, self.values) if isinstance(item, str) else ""
                raise ConfigError(
                    key,
                    value,
                    self.describe(),
                    " ".join(filter(None, [f"{item!r} is not one.", hint])),
                )
            if item in value[:i]:
                raise ConfigError(key, value, self.describe(), f"{item!r} is listed twice.")
        return tuple(value)


@dataclass(frozen=True)
class Optional:
    """What ``constraint`` allows, or None (a setting left out).

    >>> Optional(Interval(1, None, integer=True)).check("k", None) is None
    True
    """

    constraint: Interval | Options | Boolean | Text | Subset | Names

    def describe(self) -> str:
        return f"{self.constraint.describe()}, or left out"

    def check(self, key: str, value: Any) -> Any:
        if value is None:
            return None
        try:
            return self.constraint.check(key, value)
        except ConfigError as error:
            raise ConfigError(key, value, self.describe(), error.hint) from None


Constraint = Interval | Options | Boolean | Text | Subset | Names | Optional


@dataclass(frozen=True)
class Section:
    """Base of every scenario section: validates its fields against their declarations."""

    section: ClassVar[str] = ""

    def __post_init__(self) -> None:
        for f in fields(self):
            checked = f.metadata["constraint"].check(
                f"{self.section}.{f.name}", getattr(self, f.name)
            )
            object.__setattr__(self, f.name, checked)
        self._check_together()

    def _check_together(self) -> None:
        """Constraints that involve more than one field of the section."""

    @classmethod
    def parameters(cls) -> Iterator[tuple[str, Field]]:
        """Each parameter's dotted key and declaration."""
        for f in fields(cls):
            yield f"{cls.section}.{f.name}", f


def param(
    default: Any,
    constraint: Constraint,
    doc: str,
    source: str = "assumption",
    prior: Role | None = None,
) -> Any:
    """Declare a scenario parameter: its default, constraint, meaning, source and role.

    Parameters
    ----------
    default : Any
        The default value.
    constraint : Interval, Options, Boolean or Text
        What the value may be.
    doc : str
        What the parameter means, with its unit.
    source : str, default "assumption"
        Where the default comes from: a citation, or "assumption".
    prior : Uniform, Triangular, LogUniform, Lever or Fixed, optional
        What the parameter is (:mod:`socialsim.assumptions`): an assumption's plausible range
        and distribution, with the range's source; ``LEVER``, a decision of the brand; or
        ``Fixed(reason)``. A robust comparison samples the priors and nothing else.
    """
    metadata = {"constraint": constraint, "doc": doc, "source": source, "prior": prior}
    return field(default=default, metadata=metadata)


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """The tables of a TOML file, or a one-line :class:`ConfigError` naming ``what`` it is.

    >>> read_toml("no-such-file.toml", "scenario")
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'scenario' parameter must be an existing TOML file. Got 'no-such-file.toml' instead.
    """
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, IsADirectoryError):
        raise ConfigError(what, str(path), "an existing TOML file") from None
    except UnicodeDecodeError:
        raise ConfigError(what, str(path), "a TOML file (UTF-8 text)") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(what, str(path), f"valid TOML ({error})") from None


def check_tables(data: Mapping[str, Any], tables: Mapping[str, str]) -> None:
    """Check that a file's top level holds only the named tables, each written as a table.

    ``tables`` maps each allowed name to what its table holds (for the error message).

    >>> check_tables({"base": 5}, {"base": "scenario overrides"})
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'base' parameter must be a table [base] of scenario overrides. Got 5 instead.
    """
    for key, value in data.items():
        if key not in tables:
            raise ConfigError(
                key,
                f"[{key}]" if isinstance(value, Mapping) else value,
                "one of the tables " + ", ".join(f"[{name}]" for name in tables),
                did_you_mean(key, tables) or other_kind(data, tables),
            )
        if not isinstance(value, Mapping):
            raise ConfigError(key, value, f"a table [{key}] of {tables[key]}")


# The tables that mark a file of another kind, and the command that runs it.
_KINDS = {
    "experiment": "an experiment file: run it with `socialsim compare`",
    "strategies": "an experiment file: run it with `socialsim compare`",
    "sweep": "a sweep file: run it with `socialsim sweep`",
    "parameters": "a sweep file: run it with `socialsim sweep`",
}


def other_kind(data: Mapping[str, Any], tables: Iterable[str]) -> str:
    """Which other kind of file a TOML file's tables make it, as a hint, or ``""``.

    ``tables`` are those of the kind it was read as; a table of an experiment or a sweep, or
    a scenario section, outside them names the kind and the command that runs it.

    >>> other_kind({"experiment": {}, "strategies": {}}, ["graph", "wom"])
    'It looks like an experiment file: run it with `socialsim compare`.'
    >>> other_kind({"graph": {"n": 500}}, ["experiment", "base", "strategies"])
    'It looks like a scenario file: run it with `socialsim run`.'
    """
    from socialsim.scenario import PARAMETERS  # which imports this module

    sections = {key.partition(".")[0] for key in PARAMETERS}
    for key in data:
        if key in tables:
            continue
        if key in _KINDS:
            return f"It looks like {_KINDS[key]}."
        if key in sections:
            return "It looks like a scenario file: run it with `socialsim run`."
    return ""
