"""The dashboard's controls, read from the scenario's declared parameters.

Every scenario parameter is declared once, with its constraint and meaning
(:func:`socialsim.constraints.param`); the dashboard builds its widgets from those declarations,
so a parameter declared tomorrow shows up as a control without touching the dashboard. A
parameter of a strategy section (:data:`STRATEGY_SECTIONS`: what the brand decides) is set per
side; every other parameter describes the world both sides share.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from socialsim.brand.policy import PolicyName
from socialsim.constraints import Boolean, Interval, Options, Subset
from socialsim.scenario import PARAMETERS

__all__ = [
    "CRISIS",
    "FIRST",
    "FIRST_SHARED",
    "STRATEGY_SECTIONS",
    "Lever",
    "coerce",
    "is_strategy",
    "lever",
    "offered",
    "strategy_levers",
    "world_levers",
]

STRATEGY_SECTIONS = ("policy", "team", "listening")
"""Sections whose parameters are the brand's choices: each side of the dashboard sets its own."""

FIRST = (
    "policy.name",
    "team.staff",
    "team.experts",
    "team.hours_per_day",
    "team.start_hour",
    "team.routing",
    "listening.recall",
    "listening.false_positive_rate",
    "listening.label_accuracy",
    "policy.unsolicited_per_day",
    "policy.posts_per_day",
    "policy.broadcast_share",
)
"""The levers shown first on each side, when they are declared; the rest fold away: the policy
preset, the team's size, hours and routing, listening's quality, proactive contacts and the
content calendar."""

CRISIS = "root_causes.start"
"""The day a scheduled crisis starts (0: none): shown as one control, a switch and its day."""

FIRST_SHARED = (
    "run.days",
    CRISIS,
    "root_causes.multiplier",
    "reaction.fix_lag_days",
)
"""The shared parameters shown first (the horizon and a crisis), when they are declared."""

# Shown by the dashboard's own controls (population size, seed), not in the parameter panels.
OWN_CONTROLS = ("graph.n", "run.seed")

Kind = Literal["int", "float", "choice", "flag", "choices"]


# Most whole-number values a slider offers before a number field serves better.
_MAX_SLIDER_STEPS = 1000


@dataclass(frozen=True)
class Lever:
    """One parameter as a widget: its kind, declared bounds, choices and help text.

    Attributes
    ----------
    key : str
        The dotted parameter key (``"team.staff"``).
    label : str
        A short, readable name.
    help : str
        What the parameter means, from its declaration.
    allowed : str
        What values it takes, worded as in error messages (``"an int >= 0"``).
    kind : {"int", "float", "choice", "flag", "choices"}
        A number, one of a set of strings, a boolean or several of a set of strings.
    low, high : float or None
        Declared bounds of a number (``None``: unbounded on that side).
    options : tuple of str
        The choices of a ``choice`` or ``choices`` lever.

    Examples
    --------
    >>> staff = lever("team.staff")
    >>> staff.kind, staff.low, staff.high, staff.slider
    ('int', 0, 1000000, False)
    >>> recall = lever("listening.recall")
    >>> recall.slider, recall.slider_range()
    (True, (0, 1, 0.01))
    """

    key: str
    label: str
    help: str
    allowed: str
    kind: Kind
    low: float | None = None
    high: float | None = None
    options: tuple[str, ...] = ()
    closed: str = "both"

    @property
    def slider(self) -> bool:
        """Whether the declared range suits a slider, else a number field.

        A slider needs a range bounded on both sides, and for a whole number few enough values
        to pick one by dragging: a bound such as ``team.staff <= 1,000,000`` guards memory, it
        is not a range a class explores.
        """
        if self.kind not in ("int", "float") or self.low is None or self.high is None:
            return False
        return self.kind == "float" or self.high - self.low <= _MAX_SLIDER_STEPS

    def slider_range(self, value: float | None = None) -> tuple[float, float, float]:
        """``(min, max, step)`` of a slider that stays inside the declared range.

        A step of about a hundredth of the range, rounded down to a power of ten (1 for
        integers), and finer where ``value`` needs it: a slider snaps its value to its step
        and sends the snapped value back, so a default of 0.0004 on a step of 0.01 would
        silently become 0. An end the range excludes is moved in by one step.

        >>> lever("team.hours_per_day").slider_range()  # declared (0, 24]
        (0.1, 24, 0.1)
        >>> lever("churn.base_rate").slider_range(0.0004)
        (0, 1, 0.0001)
        """
        if not self.slider:
            raise ValueError(f"The '{self.key}' lever has no bounded range ({self.allowed}).")
        low, high = self.low, self.high
        assert low is not None and high is not None
        step = 1 if self.kind == "int" else 10 ** math.floor(math.log10((high - low) / 100))
        if self.kind == "float" and value:
            # The last significant decimal of the value as it is written (0.0004 -> 1e-4).
            step = min(
                step, 10 ** decimal.Decimal(repr(float(value))).normalize().as_tuple().exponent
            )
        if self.closed in ("right", "neither"):
            low = round(low + step, 12)
        if self.closed in ("left", "neither"):
            high = round(high - step, 12)
        return low, high, step


# The constraints that have a widget: every other one is free text.
_WIDGETS = (Interval, Options, PolicyName, Subset, Boolean)


def lever(key: str) -> Lever:
    """The lever of one declared parameter.

    Parameters
    ----------
    key : str
        A dotted key of :data:`socialsim.scenario.PARAMETERS`.

    Raises
    ------
    KeyError
        If no such parameter is declared.
    ValueError
        If the parameter is free text (a file path), which the dashboard does not offer.
    """
    meta = PARAMETERS[key].metadata
    constraint = meta["constraint"]
    common = {
        "key": key,
        "label": key.partition(".")[2].replace("_", " ").capitalize(),
        "help": meta["doc"],
        "allowed": constraint.describe(),
    }
    if isinstance(constraint, Interval):
        return Lever(
            kind="int" if constraint.integer else "float",
            low=constraint.low,
            high=constraint.high,
            closed=constraint.closed,
            **common,
        )
    if isinstance(constraint, Options | PolicyName):
        return Lever(kind="choice", options=constraint.values, **common)
    if isinstance(constraint, Subset):
        return Lever(kind="choices", options=constraint.values, **common)
    if isinstance(constraint, Boolean):
        return Lever(kind="flag", **common)
    raise ValueError(f"The '{key}' parameter is free text ({common['allowed']}), not a lever.")


def offered(key: str) -> bool:
    """Whether a parameter can be a widget (free text such as a file path cannot).

    >>> offered("team.staff"), offered("graph.path")
    (True, False)
    """
    # Decided by the kind of constraint, without building the lever: listing the allowed policy
    # names scans the installed packages' entry points, a tenth of a second on each call.
    return isinstance(PARAMETERS[key].metadata["constraint"], _WIDGETS)


def is_strategy(key: str) -> bool:
    """Whether a parameter is the brand's choice, set per side.

    >>> is_strategy("team.staff"), is_strategy("wom.negativity")
    (True, False)
    """
    return key.partition(".")[0] in STRATEGY_SECTIONS


def strategy_levers(extra: tuple[str, ...] = ()) -> tuple[list[Lever], list[Lever]]:
    """A side's levers: those shown first, then the rest of the strategy sections.

    Parameters
    ----------
    extra : tuple of str
        Keys of other sections that this side changes (an experiment's strategy may change a
        world parameter); they are shown first too.

    Returns
    -------
    first, more : list of Lever

    >>> first, more = strategy_levers()
    >>> first[0].key, "policy.fix_rate" in [item.key for item in more]
    ('policy.name', True)
    """
    keys = [key for key in PARAMETERS if is_strategy(key) and offered(key)]
    first = [key for key in (*FIRST, *extra) if key in PARAMETERS and offered(key)]
    return [lever(key) for key in dict.fromkeys(first)], [
        lever(key) for key in keys if key not in first
    ]


def world_levers(per_side: Collection[str] = ()) -> tuple[list[Lever], dict[str, list[Lever]]]:
    """The shared parameters: those shown first, then the rest by section, in declaration order.

    Parameters
    ----------
    per_side : collection of str
        World parameters that a side's strategy sets (an experiment's strategy may): they are
        set on the sides, so they are left out here, where a shared value would not reach them.

    Returns
    -------
    first : list of Lever
    sections : dict of str to list of Lever

    >>> first, sections = world_levers()
    >>> first[0].key, "wom" in sections and "team" not in sections
    ('run.days', True)
    >>> "reaction.fix_lag_days" in [item.key for item in world_levers({"reaction.fix_lag_days"})[0]]
    False
    """
    first = [
        lever(key)
        for key in FIRST_SHARED
        if key in PARAMETERS and key not in per_side and offered(key)
    ]
    sections: dict[str, list[Lever]] = {}
    for key in PARAMETERS:
        shown = key in OWN_CONTROLS or key in FIRST_SHARED or key in per_side
        if not is_strategy(key) and not shown and offered(key):
            sections.setdefault(key.partition(".")[0], []).append(lever(key))
    return first, sections


def coerce(item: Lever, value: Any) -> Any:
    """A widget's value as the parameter's type (sliders hand back floats for ints, lists for sets).

    >>> coerce(lever("team.staff"), 3.0), coerce(lever("policy.answer"), ["need"])
    (3, ('need',))
    """
    if item.kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if item.kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if item.kind == "choices":
        return tuple(value)
    return value
