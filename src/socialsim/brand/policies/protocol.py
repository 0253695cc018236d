"""The policy protocol: each day, what the brand sees in, what it does out.

A policy is any object with a method ``decide(seen) -> Decision``: it gets the day's
:class:`~socialsim.brand.observation.Observation` (what listening and the brand's own books
show, never the world's truth) and returns a :class:`Decision` for every item it sees: answer it
or not, in what order, on which channel, with a fix attempt and compensation or not; and for
the day, how many proactive contacts, how many staff hours to spend writing brand posts, and
extra staff to book. Ten lines make one:

>>> import numpy as np
>>> from socialsim import EngagementModel, Scenario
>>> from socialsim.posts import PostKind
>>> class LoudComplaintsFirst(Policy):
...     '''Answer everything; complaints from authors with more than 50 followers first.'''
...     name = "loud-complaints-first"
...     def decide(self, seen):
...         items = seen.items
...         loud = (items.label == PostKind.COMPLAINT) & (items.audience > 50)
...         return Decision(priority=np.where(loud, 0.0, 1.0))
>>> model = EngagementModel(Scenario().replace({"graph.n": 300}), rng=1, policy=LoudComplaintsFirst())
>>> model.run(days=5)
>>> model.policy.describe()["name"]
'loud-complaints-first'

Deriving from :class:`Policy` is optional: it gives :meth:`Policy.describe`, the record of the
policy's name and parameters that every result keeps. A policy that holds state between days
may: the model works on its own copy of the policy, so state never passes between runs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import inspect
import json
import math
import re
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from enum import IntFlag
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from socialsim.brand.observation import Observation

__all__ = ["Decision", "Handling", "Hire", "Policy", "PolicyLike", "describe", "name_of"]


@runtime_checkable
class PolicyLike(Protocol):
    """Anything with ``decide(seen) -> Decision`` is a policy."""

    def decide(self, seen: Observation) -> Decision: ...


@dataclass(frozen=True)
class Hire:
    """Extra staff to book: ``staff`` people from ``after_days`` days on, for ``days`` days.

    Attributes
    ----------
    staff : int
        Extra people (>= 1).
    after_days : int, default 0
        Days before they start: 0 is today, 1 tomorrow.
    days : int, default 1
        Days they work; their cost is counted on those days only.

    Examples
    --------
    >>> Hire(2, after_days=1, days=3).days_worked(on=10).tolist()
    [11, 12, 13]
    """

    staff: int
    after_days: int = 0
    days: int = 1

    def __post_init__(self) -> None:
        for name, low in (("staff", 1), ("after_days", 0), ("days", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
                raise ValueError(
                    f"The 'hire.{name}' parameter must be an int >= {low}. Got {value!r} instead."
                )

    def days_worked(self, on: int) -> np.ndarray:
        """The days the extra staff work, for a booking made on day ``on``."""
        return on + self.after_days + np.arange(self.days)


class Handling(IntFlag):
    """How an item is answered, as the brand's queue keeps it (one small int per item)."""

    PUBLIC = 0
    PRIVATE = 1
    FIX = 2
    COMPENSATE = 4
    AMPLIFY = 8


@dataclass(frozen=True)
class Decision:
    """What a policy decides for one day. Per-item fields take one value for every item or an
    array with one entry per item of ``seen.items`` (waiting items first, then today's).

    Attributes
    ----------
    answer : bool or numpy.ndarray of bool, default True
        Which of today's items join the queue. Waiting items stay queued whatever it says.
    priority : float or numpy.ndarray, default 0.0
        Sort key of every item, waiting ones included (lower is answered first; ties by
        arrival). NaN is refused; ``-inf`` and ``inf`` are keys like any other.
    private : bool or numpy.ndarray of bool, default False
        Answer in private (seen by the author alone) instead of in public.
    fix : bool or numpy.ndarray of bool, default True
        Attempt to fix the problem of an answered complaint (it succeeds with probability
        ``policy.fix_rate``).
    compensate : bool or numpy.ndarray of bool, default False
        Offer compensation with a successful fix.
    amplify : bool or numpy.ndarray of bool, default False
        Share an answered praise beyond the author's ties (public replies only).
    route : int or numpy.ndarray of int, optional
        The tier each of today's items waits for: 0 the frontline, 1 the experts. Waiting
        items keep theirs. By default the team's routing (``team.routing``,
        :func:`~socialsim.brand.routing.route`) from the label and the expert tag.
    contacts : int, default 0
        Proactive contacts to fans who asked for nothing, one slot each.
    content_hours : float, default 0.0
        Staff hours spent today writing brand posts, ``content.staff_hours_per_post`` each;
        fractional hours write part of a post, finished on a later day. What is written goes
        out on tomorrow's content calendar (:mod:`socialsim.fans.content`).
    hire : Hire, optional
        Extra staff to book for the coming days.

    The team's day goes to content first, then contacts, then replies: a decision that asks
    for more than the day holds gets what fits, in that order (content takes at most the
    hours of the staff on duty and of :data:`~socialsim.brand.agent.MAX_POSTS_PER_DAY` posts;
    the ``content_hours`` KPI shows what it took).

    Examples
    --------
    >>> Decision().answer, Decision(contacts=3).contacts
    (True, 3)
    """

    answer: bool | np.ndarray = True
    priority: float | np.ndarray = 0.0
    private: bool | np.ndarray = False
    fix: bool | np.ndarray = True
    compensate: bool | np.ndarray = False
    amplify: bool | np.ndarray = False
    route: int | np.ndarray | None = None
    contacts: int = 0
    content_hours: float = 0.0
    hire: Hire | None = None

    def check_day(self, policy: str) -> None:
        """Refuse, naming the policy and the field, ``contacts`` that is not an int >= 0,
        ``content_hours`` that is not a finite number >= 0, or a ``hire`` that is not a
        :class:`Hire`.

        >>> Decision(contacts=-1).check_day("mine")
        Traceback (most recent call last):
        ...
        ValueError: The 'contacts' decision of policy 'mine' must be an int >= 0. Got -1 instead.
        >>> Decision(content_hours=float("nan")).check_day("mine")
        Traceback (most recent call last):
        ...
        ValueError: The 'content_hours' decision of policy 'mine' must be a finite number >= 0. Got nan instead.
        """
        value, hours = self.contacts, self.content_hours
        # The usual decision (a plain int and float, no hire) passes on its types alone.
        usual = type(value) is int and type(hours) is float and self.hire is None
        if usual and value >= 0 and 0 <= hours < math.inf:
            return
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            _refuse(policy, "contacts", value, "an int >= 0")
        if (
            isinstance(hours, bool)
            or not isinstance(hours, int | float | np.integer | np.floating)
            or not 0 <= hours < math.inf
        ):
            _refuse(policy, "content_hours", hours, "a finite number >= 0")
        if self.hire is not None and not isinstance(self.hire, Hire):
            _refuse(policy, "hire", self.hire, "a Hire or None")

    def per_item(self, n: int, policy: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The per-item fields as arrays of ``n``: answer, priority and :class:`Handling` flags.

        Raises ``ValueError`` (naming the policy and the field) for a wrong shape or type, or
        a NaN priority.

        >>> answer, key, how = Decision(priority=np.array([2.0, 1.0]), private=True).per_item(2, "p")
        >>> answer.tolist(), key.tolist(), [Handling(int(h)) for h in how]
        ([True, True], [2.0, 1.0], [<Handling.PRIVATE|FIX: 3>, <Handling.PRIVATE|FIX: 3>])
        """
        answer = _column(policy, "answer", self.answer, n, np.bool_)
        priority = _column(policy, "priority", self.priority, n, np.float64)
        if n and math.isnan(np.minimum.reduce(priority)):  # NaN if any entry is (.min()'s ufunc)
            _refuse(policy, "priority", "NaN", "a sort key without NaN")
        # Scalars (the usual case) are summed as ints; arrays only where a policy gave one.
        how: Any = 0
        for name, flag in _FLAGS:
            value = getattr(self, name)
            if type(value) is not bool:  # an array or a numpy bool: checked and converted
                value = _column(policy, name, value, n, np.bool_, scalar=True)
            how = how + (
                flag * value.astype(np.uint8) if isinstance(value, np.ndarray) else flag * value
            )
        if isinstance(how, int):  # one value for all: np.full's work, without its Python
            how, value = np.empty(n, np.uint8), how
            how.fill(value)
        return answer, priority, how

    def tiers(self, n: int, policy: str, default: np.ndarray) -> np.ndarray:
        """The ``route`` field as an int8 array of ``n`` tiers, ``default`` when it is None.

        Raises ``ValueError`` (naming the policy) for a tier other than 0 or 1.

        >>> Decision(route=1).tiers(2, "p", np.zeros(2, np.int8)).tolist()
        [1, 1]
        >>> Decision().tiers(2, "p", np.array([0, 1], np.int8)).tolist()
        [0, 1]
        """
        if self.route is None:
            return np.asarray(default, np.int8)
        tier = _column(policy, "route", self.route, n, np.float64)
        if not np.isin(tier, (0, 1)).all():
            _refuse(policy, "route", "a tier other than 0 or 1", "0 (frontline) or 1 (experts)")
        return tier.astype(np.int8)


_FLAGS = (
    ("private", int(Handling.PRIVATE)),
    ("fix", int(Handling.FIX)),
    ("compensate", int(Handling.COMPENSATE)),
    ("amplify", int(Handling.AMPLIFY)),
)


def _column(policy: str, name: str, value: Any, n: int, dtype: type, scalar: bool = False) -> Any:
    """One per-item field as an array of ``n`` entries of ``dtype`` (a plain bool, with
    ``scalar``, when one value was given for all), or a one-line error."""
    if type(value) is np.ndarray and value.shape == (n,) and value.dtype == dtype:
        return value  # the usual array: nothing to check or convert
    kind = "bool" if dtype is np.bool_ else "number"
    if dtype is np.bool_ and isinstance(value, bool | np.bool_):
        return bool(value) if scalar else np.full(n, value, np.bool_)
    if dtype is np.float64 and isinstance(value, int | float) and not isinstance(value, bool):
        return np.full(n, value, np.float64)
    array = np.asarray(value)
    wanted = f"a {kind} or an array of {n} {kind}s (one per item)"
    if array.ndim > 1 or (array.ndim == 1 and array.size != n):
        _refuse(policy, name, f"an array of shape {array.shape}", wanted)
    if dtype is np.bool_ and array.dtype != np.bool_:
        _refuse(policy, name, f"{array.dtype} values", wanted)
    if dtype is np.float64 and not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        _refuse(policy, name, f"{array.dtype} values", wanted)
    if array.ndim == 0:
        return _column(policy, name, array.astype(dtype).item(), n, dtype, scalar)
    return array.astype(dtype, copy=False)


def _refuse(policy: str, name: str, value: Any, allowed: str) -> None:
    raise ValueError(
        f"The '{name}' decision of policy '{policy}' must be {allowed}. Got {value!s} instead."
    )


class Policy:
    """Base class of policies: subclasses define :meth:`decide`, and may set ``name``.

    Its parameters, for :meth:`describe`, are the fields of a dataclass subclass, or otherwise
    the public attributes of the instance.
    """

    name: str = ""
    """What results call the policy; the class name, in lower case with hyphens, when empty."""

    def decide(self, seen: Observation) -> Decision:
        """Today's decision on what the brand sees."""
        raise NotImplementedError(f"{type(self).__name__} must define decide(seen) -> Decision")

    def describe(self) -> dict[str, Any]:
        """The policy's name, class and parameters, as JSON-ready data (kept with every result).

        >>> class Quiet(Policy):
        ...     def __init__(self, hours=2.0):
        ...         self.hours = hours
        >>> Quiet().describe()["name"], Quiet().describe()["parameters"]
        ('quiet', {'hours': 2.0})
        """
        values = _attributes(self)
        values.pop("name", None)
        kind = type(self)
        # While its parameters are recorded, the policy is being recorded: one that leads
        # back to it (p.me = p, a bound method of its own) is recorded by its class alone.
        with _recording(self):
            parameters = {k: _plain(v) for k, v in values.items()}
        return {
            "name": name_of(self),
            "class": f"{kind.__module__}:{kind.__qualname__}",
            "parameters": parameters,
        }


def name_of(policy: Any) -> str:
    """A policy's name: its ``name``, or its class name in lower case with hyphens.

    >>> class VipFirst:
    ...     pass
    >>> name_of(VipFirst())
    'vip-first'
    """
    name = getattr(policy, "name", "")
    if isinstance(name, str) and name:
        return name
    return re.sub(r"(?<!^)(?=[A-Z])", "-", type(policy).__name__).lower()


def describe(policy: Any) -> dict[str, Any]:
    """The record of any policy: its own :meth:`~Policy.describe`, or its name and class.

    A policy met again while its own record is being made (one that refers back to it) is
    recorded by its class alone, so a cycle ends.

    >>> class Bare:
    ...     def decide(self, seen):
    ...         return Decision()
    >>> describe(Bare())["name"]
    'bare'
    """
    kind = type(policy)
    if id(policy) in _RECORDING.get():
        return {"class": _path(kind)}
    own = getattr(policy, "describe", None)
    if callable(own):
        with _recording(policy):
            return own()
    return {"name": name_of(policy), "class": _path(kind)}


def _plain(value: Any) -> Any:
    """A parameter as JSON-ready data, the same in every process (a nested policy as its own
    record), so that a store started by one process takes the same study from another, and
    different for values that make a policy behave differently.

    A default ``repr`` holds a memory address, different in each process, so it is never used:
    functions and classes are recorded by ``module:qualname`` (a function with a closure or
    default arguments also by what they hold); a bound method by its function and the object
    it is bound to; a ``functools.partial`` by its function and arguments; an object without
    a ``repr`` of its own, or a dataclass, by its class and its public attributes (its fields,
    or its slots), or by its class alone when it has none. An object met again while its own
    record is being made (a cycle: an attribute, a method or a closure that leads back to it,
    a policy included) is recorded by its class alone. A set is sorted, as its order changes
    from process to process. A numpy array is recorded by its dtype, shape and the SHA-256 of
    its bytes, a pandas Series, DataFrame or Index by its shape and a digest of its values
    (:func:`pandas.util.hash_pandas_object`; their ``repr`` is cut short and depends on
    display options), a numpy ``Generator``, bit generator or ``RandomState`` by its class and
    its state. Any other object is recorded by its own ``repr`` (a path, an enum member, a
    ``SeedSequence``), unless that ``repr`` holds a memory address (``" at 0x"``): such an
    object is recorded by its class alone, and cannot be told from another of its class.

    >>> class Helper:
    ...     def __init__(self):
    ...         self.scale, self._cache = 2.0, {}
    >>> _plain([math.sqrt, Helper, Helper(), {"b", "a"}])
    ['math:sqrt', 'socialsim.brand.policies.protocol:Helper', {'class': 'socialsim.brand.policies.protocol:Helper', 'attributes': {'scale': 2.0}}, ['a', 'b']]
    >>> def above(n):
    ...     return lambda x: x > n
    >>> _plain(above(10))
    {'function': 'socialsim.brand.policies.protocol:above.<locals>.<lambda>', 'closure': [10], 'defaults': None}
    >>> _plain(np.arange(3, dtype=np.int64))["shape"]
    [3]
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return _array(value)
    if id(value) in _RECORDING.get():  # met again while its own record is being made
        return _path(value) if inspect.isfunction(value) else {"class": _path(type(value))}
    if isinstance(value, tuple | list):
        with _recording(value):
            return [_plain(v) for v in value]
    if isinstance(value, dict):
        with _recording(value):
            return {_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_plain(v) for v in value), key=repr)
    if inspect.ismethod(value):
        return {"method": _path(value.__func__), "of": _plain(value.__self__)}
    if isinstance(value, functools.partial):
        with _recording(value):
            return {
                "partial": _plain(value.func),
                "args": _plain(value.args),
                "keywords": _plain(value.keywords),
            }
    if inspect.isfunction(value) and (
        value.__closure__ or value.__defaults__ or value.__kwdefaults__
    ):
        return _function(value)
    # Before policies: a policy class has a decide() too, but no record of its own.
    if hasattr(value, "__qualname__"):  # a function or a class (an instance has no qualname)
        return _path(value)
    state = _random_state(value)
    if state is not None:
        return {"class": _path(type(value)), "state": _plain(state)}
    pandas = sys.modules.get("pandas")  # not imported: value is no pandas object
    if pandas is not None and isinstance(value, pandas.Series | pandas.DataFrame | pandas.Index):
        return _pandas(value, pandas)
    # After pandas: a DataFrame with a 'decide' column has a decide attribute.
    if isinstance(value, PolicyLike):
        return describe(value)
    if dataclasses.is_dataclass(value) or type(value).__repr__ is object.__repr__:
        return _object(value)
    try:
        text = repr(value)
    except Exception:  # a broken repr: the record never fails
        return {"class": _path(type(value))}
    if " at 0x" in text:  # a memory address: the class is all that is the same everywhere
        return {"class": _path(type(value))}
    return text


def _path(value: Any) -> str:
    """Where a function or class is imported from: ``module:qualname``."""
    return f"{getattr(value, '__module__', None)}:{getattr(value, '__qualname__', '?')}"


def _key(key: Any) -> str:
    """A dict key as a string: its ``str``, or its record when that holds a memory address."""
    text = str(key)
    if " at 0x" in text:
        return json.dumps(_plain(key), sort_keys=True, default=str)
    return text


def _function(value: Any) -> dict[str, Any]:
    """A function with a closure or defaults: its path and what they hold, as two made by the
    same factory with other arguments (``threshold(10)``, ``threshold(1000)``) differ."""
    with _recording(value):  # a function whose closure holds itself (a recursive one)
        cells = []
        for cell in value.__closure__ or ():
            try:
                cells.append(_plain(cell.cell_contents))
            except ValueError:  # a cell not yet filled
                cells.append(None)
        record = {
            "function": _path(value),
            "closure": cells,
            "defaults": _plain(value.__defaults__),
        }
        if value.__kwdefaults__:
            record["keyword_defaults"] = _plain(value.__kwdefaults__)
    return record


def _array(value: np.ndarray) -> dict[str, Any]:
    """An array by its dtype, shape and the SHA-256 of its bytes (its ``repr`` is cut short
    past a thousand entries, and rounds floats); an array of objects by its entries."""
    record: dict[str, Any] = {"array": str(value.dtype), "shape": list(value.shape)}
    if value.dtype.hasobject:  # its bytes are addresses
        record["values"] = _plain(value.tolist())
    else:
        record["sha256"] = hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()
    return record


def _pandas(value: Any, pandas: Any) -> dict[str, Any]:
    """A Series, DataFrame or Index by its class, shape, labels, dtypes and a digest of its
    values and index (:func:`pandas.util.hash_pandas_object`), not its display."""
    record: dict[str, Any] = {"class": _path(type(value)), "shape": list(value.shape)}
    if isinstance(value, pandas.DataFrame):
        record["columns"] = _plain(list(value.columns))
        record["dtypes"] = [str(t) for t in value.dtypes]
    else:
        record["name"] = _plain(value.name)
        record["dtype"] = str(value.dtype)
    try:
        hashes = pandas.util.hash_pandas_object(value).to_numpy()
        digest = hashlib.sha256(np.ascontiguousarray(hashes).tobytes())
    except Exception:  # unhashable entries (lists): their records instead
        data = _plain(value.to_numpy().tolist())
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode())
    record["sha256"] = digest.hexdigest()
    return record


def _random_state(value: Any) -> Any:
    """The state of a numpy ``Generator``, bit generator or ``RandomState``, else None."""
    random = np.random
    if isinstance(value, random.Generator):
        return value.bit_generator.state
    if isinstance(value, random.BitGenerator):
        return value.state
    if isinstance(value, random.RandomState):
        return value.get_state(legacy=False)
    return None


_RECORDING: ContextVar[frozenset[int]] = ContextVar("_RECORDING", default=frozenset())
"""The ids of the objects whose records are being made, in this thread: one met again (an
attribute that leads back to it) is recorded by its class alone, not without end."""


@contextlib.contextmanager
def _recording(value: Any) -> Iterator[None]:
    """Count ``value`` as being recorded while the block runs."""
    token = _RECORDING.set(_RECORDING.get() | {id(value)})
    try:
        yield
    finally:
        _RECORDING.reset(token)


def _attributes(value: Any) -> dict[str, Any]:
    """An object's public attributes: a dataclass's fields, or its ``__dict__`` and slots."""
    if dataclasses.is_dataclass(value):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    values = {k: v for k, v in getattr(value, "__dict__", {}).items() if not k.startswith("_")}
    for kind in type(value).__mro__:
        slots = kind.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name.startswith("_") or name in values:
                continue
            try:
                values[name] = getattr(value, name)
            except AttributeError:  # a slot never set
                continue
    return values


def _object(value: Any) -> dict[str, Any]:
    """An object's record: its class, and its public attributes (a dataclass: its fields)."""
    record: dict[str, Any] = {"class": _path(type(value))}
    values = _attributes(value)
    if values:
        with _recording(value):
            record["attributes"] = {k: _plain(v) for k, v in values.items()}
    return record
