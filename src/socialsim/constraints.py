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
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

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
    "check_tables",
    "did_you_mean",
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
        message = f"The '{key}' parameter must be {allowed}. Got {value!r} instead."
        super().__init__(message + (f" {hint}" if hint else ""))
        self.hint = hint

    def __reduce__(self):  # so that errors raised in worker processes reach the parent intact
        return type(self), (self.key, self.value, self.allowed, self.hint)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A 'Did you mean ...?' hint for a mistyped name, or an empty string.

    >>> did_you_mean("wom.negatvity", ["wom.negativity", "wom.effect"])
    "Did you mean 'wom.negativity'?"
    """
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"Did you mean '{close[0]}'?" if close else ""


@dataclass(frozen=True)
class Interval:
    """A number in a range; ``integer=True`` asks for a whole number.

    >>> Interval(0, 1).describe()
    'a float in [0, 1]'
    >>> Interval(1, None, integer=True).describe()
    'an int >= 1'
    """

    low: float | None
    high: float | None
    integer: bool = False
    closed: str = "both"  # which ends belong to the range: "both", "left", "right" or "neither"

    def describe(self) -> str:
        kind = "an int" if self.integer else "a float"
        if self.low is None and self.high is None:
            return kind if self.integer else "a finite float"
        low_in = self.closed in ("both", "left")
        high_in = self.closed in ("both", "right")
        if self.high is None:
            return f"{kind} {'>=' if low_in else '>'} {_fmt(self.low)}"
        if self.low is None:
            return f"{kind} {'<=' if high_in else '<'} {_fmt(self.high)}"
        left, right = "[" if low_in else "(", "]" if high_in else ")"
        return f"{kind} in {left}{_fmt(self.low)}, {_fmt(self.high)}{right}"

    def check(self, key: str, value: Any) -> float | int:
        """Return ``value`` as the declared number type, or raise :class:`ConfigError`."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(key, value, self.describe())
        if self.integer and not isinstance(value, int):
            raise ConfigError(key, value, self.describe())
        if not math.isfinite(value):
            raise ConfigError(key, value, self.describe())
        low_in = self.closed in ("both", "left")
        high_in = self.closed in ("both", "right")
        if self.low is not None and (value < self.low or (value == self.low and not low_in)):
            raise ConfigError(key, value, self.describe())
        if self.high is not None and (value > self.high or (value == self.high and not high_in)):
            raise ConfigError(key, value, self.describe())
        return int(value) if self.integer else float(value)


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
        return value


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
        return value


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


def param(default: Any, constraint: Constraint, doc: str, source: str = "assumption") -> Any:
    """Declare a scenario parameter: its default, constraint, meaning and source.

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
    """
    return field(default=default, metadata={"constraint": constraint, "doc": doc, "source": source})


def _fmt(x: float | None) -> str:
    if isinstance(x, int):  # whole bounds in full: 10000000, not 1e+07
        return str(x)
    return f"{x:g}" if x is not None else ""


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
                value,
                "one of the tables " + ", ".join(f"[{name}]" for name in tables),
                did_you_mean(key, tables),
            )
        if not isinstance(value, Mapping):
            raise ConfigError(key, value, f"a table [{key}] of {tables[key]}")
