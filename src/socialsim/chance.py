"""Probability helpers shared by the processes.

A person of activity ``a`` does something that an average person does with probability ``p``
with probability ``1 − (1 − p)^a``, as if they had ``a`` independent chances (a Poisson process
whose rate scales with activity). A standard exponential ``E`` per person and the test
``E < a · h(p)`` with the hazard ``h(p) = −ln(1 − p)`` give exactly that probability, at the
cost of a multiply and a compare instead of a power.

Most days most people do nothing, so the daily processes do not draw a number per person:
:class:`Arrivals` draws the people who have an event, and their ``E``, at a cost proportional
to their number. Where a uniform is needed instead, ``1 − e^{−E}`` is one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from socialsim.kernels import generator_of, njit, stream_handle

__all__ = [
    "Arrivals",
    "Events",
    "arrivals_events",
    "at_least_once",
    "beta_loyalty",
    "exponential",
    "hazard",
    "occurs",
]

# Weights within a factor 2^(1/4) share a bin, so at most 19% of the drawn points are wasted.
_BINS_PER_OCTAVE = 4
# Above this many expected points per person a draw for everyone is cheaper than the points.
_DENSE_FROM = 0.125


def hazard(p: float | np.ndarray) -> np.ndarray:
    """``−ln(1 − p)``: the rate at which an event of daily probability ``p`` happens.

    >>> hazard(np.array([0.0, 1.0])).tolist()
    [0.0, inf]
    """
    # A parameter's hazard is asked for every day: numpy's value, kept (keyed by value, so
    # not for zero, whose sign the result keeps).
    if isinstance(p, float) and p != 0.0:
        return _hazard_of(p)
    with np.errstate(divide="ignore"):
        return -np.log1p(-np.asarray(p, dtype=np.float64))


@lru_cache(maxsize=256)
def _hazard_of(p: float) -> np.float64:
    with np.errstate(divide="ignore"):
        return -np.log1p(-np.asarray(p, dtype=np.float64))


def at_least_once(p: float | np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Chance of at least one success in ``trials`` independent tries of probability ``p``.

    ``trials`` may be fractional (an activity level). ``p`` may be one probability or one per
    entry.

    Examples
    --------
    >>> at_least_once(0.5, np.array([0, 1, 2])).tolist()
    [0.0, 0.5, 0.75]
    >>> at_least_once(np.array([1.0, 1.0, 0.0]), np.array([0, 3, 3])).tolist()
    [0.0, 1.0, 0.0]
    """
    trials = np.asarray(trials, dtype=np.float64)
    # trials · (−h) is −trials · h: a negation is exact either side of a rounding.
    rate = -hazard(p)
    if np.ndim(rate) or not -np.inf < rate < 0.0:
        with np.errstate(invalid="ignore"):  # 0 trials at hazard inf, or inf at hazard 0
            chance = trials * rate
    else:
        chance = trials * rate
    chance = np.negative(np.expm1(chance, out=chance), out=chance)
    return np.where(trials > 0, chance, 0.0)


def exponential(uniforms: np.ndarray) -> np.ndarray:
    """Standard exponentials from uniforms in [0, 1) by inversion: ``−ln(1 − u)``, in float64.

    >>> exponential(np.array([0.0, 0.5], dtype=np.float32)).round(4).tolist()
    [0.0, 0.6931]
    """
    # −log1p(−u) in three passes: the cast and the first negation are one (both exact).
    e = np.negative(uniforms, dtype=np.float64)
    np.log1p(e, out=e)
    return np.negative(e, out=e)


def occurs(uniforms: np.ndarray, activity: np.ndarray, rate: float | np.ndarray) -> np.ndarray:
    """Which people act, given one uniform draw each: ``P = 1 − (1 − rate)^activity``.

    Parameters
    ----------
    uniforms : numpy.ndarray
        One uniform draw in [0, 1) per person.
    activity : numpy.ndarray
        Each person's activity level.
    rate : float or numpy.ndarray
        Daily probability for an average person (activity 1), one for all or one per person.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> acts = occurs(rng.random(200_000), np.full(200_000, 2.0), 0.5)
    >>> round(float(acts.mean()), 2)
    0.75
    """
    with np.errstate(invalid="ignore"):  # activity 0 at hazard inf: never acts
        return exponential(uniforms) < activity * hazard(rate)


def beta_loyalty(mean: float, sd: float, n: int, *, seed: np.random.Generator) -> np.ndarray:
    """Draw ``n`` loyalties from a Beta law scaled to [0, 10] with the given mean and sd.

    A Beta law keeps draws inside the scale without clipping; its shape parameters come from
    the method of moments. ``sd = 0`` gives every draw the mean.

    Examples
    --------
    >>> x = beta_loyalty(7.5, 1.5, 100_000, seed=np.random.default_rng(1))
    >>> round(float(x.mean()), 1), round(float(x.std()), 1)
    (7.5, 1.5)
    """
    m, v = mean / 10, (sd / 10) ** 2
    # A spread too small to represent (v underflows, or the shape parameters overflow) is none.
    common = m * (1 - m) / v - 1 if v > 0 else np.inf
    if mean in (0.0, 10.0) or not np.isfinite(common):
        return np.full(n, float(mean))
    return 10 * seed.beta(m * common, (1 - m) * common, size=n)


@dataclass(frozen=True, eq=False)
class Arrivals:
    """Who has an event today, drawn at a cost proportional to the events, not to the people.

    Person ``i`` has an event when a standard exponential ``E_i`` falls under ``rate · w_i``
    (probability ``1 − exp(−rate · w_i)``, independently): the first arrival of a Poisson
    process of rate ``rate · w_i`` over the day, on the exponential scale. The weights ``w``
    are fixed for a run (activity levels, or 1 for everyone).

    Instead of an exponential per person, :meth:`draw` lays the people end to end on a line,
    person ``i`` taking a length ``b ≥ w_i`` (the largest weight of their bin of similar
    weights), and draws the points of a Poisson process of intensity ``rate`` along it by
    exponential gaps. A person's first point, measured from the start of their stretch, is
    ``E_i / rate`` (Poisson processes restricted to disjoint stretches are independent), and
    those with ``E_i < rate · w_i`` are returned. Which numbers a draw uses depends only on the
    weights and the rate, never on anyone's state: two runs that differ only in what the
    brand does draw the same events for the same people (common random numbers).

    Build one with :meth:`of`.

    Attributes
    ----------
    weights : numpy.ndarray of float64
        Everyone's weight.
    members : numpy.ndarray of int64
        The people with a positive weight, by bin, in index order within a bin.
    member_weights : numpy.ndarray of float64
        Their weights, in that order: a draw reads them in order instead of at random (at a
        million people, a cache miss per point).
    bound : numpy.ndarray of float64
        Each bin's largest weight: the length each of its people takes on the line.
    start : numpy.ndarray of float64
        Where each bin begins on the line; the last entry is the line's length.
    offset : numpy.ndarray of int64
        Where each bin begins in ``members``; the last entry is its length.
    plain : bool
        Everyone has the same positive weight: one bin, person ``i`` at ``members[i] = i``,
        so that a draw reads neither ``members`` nor ``member_weights``.

    Examples
    --------
    >>> arrivals = Arrivals.of(np.ones(100_000))
    >>> who, e = arrivals.draw(hazard(0.01), seed=np.random.default_rng(0))
    >>> 800 < who.size < 1200, bool((e < hazard(0.01)).all())
    (True, True)
    """

    weights: np.ndarray
    members: np.ndarray
    member_weights: np.ndarray
    bound: np.ndarray
    start: np.ndarray
    offset: np.ndarray
    plain: bool = False

    @classmethod
    def of(cls, weights: np.ndarray) -> Arrivals:
        """Arrivals for people of the given non-negative weights (zero: never an event).

        >>> Arrivals.of(np.array([1.0, 0.0, 3.0, 1.0])).members.tolist()
        [0, 3, 2]
        """
        weights = np.asarray(weights, dtype=np.float64)
        if weights.size and weights[0] > 0.0 and (weights == weights[0]).all():
            return cls._alike(weights)
        members = np.flatnonzero(weights > 0)
        level = np.ceil(_BINS_PER_OCTAVE * np.log2(weights[members])).astype(np.int64)
        # The levels of finite weights are within ±4,300: a radix sort of 16-bit keys, the
        # same order as on int64, six times as fast (80 ms at a million people).
        order = np.argsort(level.astype(np.int16), kind="stable")
        members, level = members[order], level[order]
        first = np.flatnonzero(np.r_[True, level[1:] != level[:-1]]) if level.size else level
        offset = np.r_[first, members.size].astype(np.int64)
        bound = np.maximum.reduceat(weights[members], first) if level.size else np.empty(0)
        start = np.r_[0.0, np.cumsum(bound * np.diff(offset))]
        return cls(weights, members, weights[members], bound, start, offset)

    @classmethod
    def _alike(cls, weights: np.ndarray) -> Arrivals:
        """The plain line of people of one positive weight: what :meth:`of` builds for them
        (one bin, everyone in index order), without the logarithms and the sort, 30 ms of a
        million people's set-up."""
        offset = np.array([0, weights.size], dtype=np.int64)
        bound = weights[:1].copy()
        start = np.r_[0.0, np.cumsum(bound * np.diff(offset))]
        members = np.arange(weights.size, dtype=np.int64)
        return cls(weights, members, weights.copy(), bound, start, offset, plain=True)

    def draw(self, rate: float, *, seed: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Today's events at ``rate`` per unit of weight.

        Parameters
        ----------
        rate : float
            Hazard per unit of weight (:func:`hazard` of a daily probability); may be ``inf``.
        seed : numpy.random.Generator
            The process's stream.

        Returns
        -------
        who : numpy.ndarray of int64
            The distinct people with an event, in no particular order.
        e : numpy.ndarray of float64
            Their exponentials ``E``, each under ``rate`` times their weight.
        """
        events = self.events(rate, seed=seed)
        if events[0]:
            who, e, _ = arrivals_events(events)
            return who, e
        return events[-3], events[-2]

    def events(self, rate: float, *, seed: np.random.Generator) -> Events:
        """Today's events at ``rate`` as a compiled kernel takes them: :func:`arrivals_events`
        inside it draws them, or hands back those drawn here.

        The points along the line are drawn inside the kernel (the same numbers, the same
        stream after); a draw for everyone, cheaper when most people have an event, is drawn
        here, as numpy's logarithms are not a compiled kernel's.

        >>> arrivals = Arrivals.of(np.ones(1_000))
        >>> who, e, weight = arrivals_events(arrivals.events(0.01, seed=np.random.default_rng(0)))
        >>> who.size == e.size == weight.size, bool((weight == 1.0).all())
        (True, True)
        """
        rate = float(rate)  # a Python float: numpy scalars' arithmetic costs more
        length, dense, line = self._line
        sparse = rate != 0.0 and length != 0.0 and rate * length < dense  # inf and nan: dense
        who, e, weight = _NOBODY, _NO_VALUES, _NO_VALUES
        if not sparse and rate != 0.0 and length != 0.0:
            who, e = self._draw_everyone(rate, seed)
            weight = self.weights[who]
        return sparse, stream_handle(seed), rate, length, _SPARE_SDS, line, who, e, weight

    @cached_property
    def _line(self) -> tuple[float, float, tuple]:
        """What every draw reads: the line's length, the expected number of points from which
        a draw for everyone is cheaper, and the arrays of :func:`arrivals_points`."""
        line = (self.start, self.bound, self.offset, self.members, self.member_weights, self.plain)
        return float(self.start[-1]), _DENSE_FROM * self.weights.size, line

    def _draw_everyone(
        self, rate: float, seed: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        uniforms = seed.random(self.weights.size, dtype=np.float32)
        with np.errstate(invalid="ignore"):  # weight 0 at rate inf: never an event
            limit = rate * self.weights
            maybe = np.flatnonzero(uniforms <= limit)  # E >= u: the rest have no event
            e = exponential(uniforms[maybe])
            events = e < limit[maybe]
        return maybe[events], e[events]


Events = tuple[bool, np.ndarray, float, float, float, tuple, np.ndarray, np.ndarray, np.ndarray]
"""A day's events as :meth:`Arrivals.events` gives them to a kernel: whether the kernel draws
them, the stream, the rate, the line's length, :data:`_SPARE_SDS`, the line's arrays, and the
events drawn already (people, ``E``, weights; empty when the kernel draws)."""

_NOBODY, _NO_VALUES = np.empty(0, dtype=np.int64), np.empty(0)
# Gaps drawn over the expected number of points, in standard deviations: a draw goes on past
# its first chunk of gaps about once in three million (tests draw fewer to go on each time).
_SPARE_SDS = 5.0


@njit(cache=True)
def arrivals_events(events: Events) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inside a compiled kernel: the people with an event, their ``E`` and their weights, from
    :meth:`Arrivals.events` (drawn by :func:`arrivals_points`, or handed back as drawn)."""
    sparse, handle, rate, length, sds, line, who, e, weight = events
    if not sparse:
        return who, e, weight
    start, bound, offset, members, member_weights, plain = line
    return arrivals_points(
        handle, rate, length, sds, start, bound, offset, members, member_weights, plain
    )


@njit(cache=True)
def _gaps_for(expected: float, sds: float) -> int:
    """Gaps to draw for ``expected`` points: the mean plus ``sds`` standard deviations, plus 10."""
    return int(expected + sds * math.sqrt(expected) + 10)


# One loop over the points in order: the numpy form (the gaps summed and cut, a binary search
# for each point's bin, then a dozen gathers and masks) costs several times as much per point
# (docs/performance.md).
@njit(cache=True)
def arrivals_points(
    handle: np.ndarray,
    rate: float,
    length: float,
    sds: float,
    start: np.ndarray,
    bound: np.ndarray,
    offset: np.ndarray,
    members: np.ndarray,
    member_weights: np.ndarray,
    plain: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each stretch's first point, for the people whose ``E`` is under ``rate`` times their
    weight: the people, their ``E`` and their weights, drawn from the stream of ``handle``.

    ``0 < rate · length`` and finite. The points ``x`` of a Poisson process of intensity
    ``rate`` on ``[0, length)`` are drawn from the stream as numpy drew them: chunks of
    exponential gaps, each drawn whole, ``int(m + sds · √m + 10)`` gaps for the ``m`` points
    expected on the rest of the line, ``np.cumsum(gaps) / rate`` for the first chunk and
    ``last + np.cumsum(gaps) / rate`` from the last point for each other, until one passes
    ``length`` (cut there). Then, equal to this numpy::

        bin_ = np.searchsorted(start, x, side="right") - 1
        along = (x - start[bin_]) / bound[bin_]
        slot = np.minimum(offset[bin_] + along.astype(np.int64), offset[bin_ + 1] - 1)
        first = np.diff(slot, prepend=-1) != 0  # each stretch's first point
        slot, bin_, along = slot[first], bin_[first], along[first]
        e = rate * bound[bin_] * (along - (slot - offset[bin_]))
        weight = bound[bin_] if plain else member_weights[slot]
        who = slot if plain else members[slot]
        return who[e < rate * weight], e[e < rate * weight], weight[e < rate * weight]
    """
    rng = generator_of(handle)
    size = _gaps_for(rate * length, sds)
    who, e, weight = np.empty(size, dtype=np.int64), np.empty(size), np.empty(size)
    found, bin_, last, origin = 0, 0, -1, 0.0
    while True:
        # A chunk drawn whole, then walked: drawing as the walk goes is slower (each draw is a
        # call the compiler cannot see through).
        gaps = rng.standard_exponential(size)
        total = x = 0.0
        for gap in gaps:
            total += gap
            x = origin + total / rate  # origin 0.0 at first: the sum itself, exactly
            if x >= length:
                return who[:found], e[:found], weight[:found]
            while x >= start[bin_ + 1]:
                bin_ += 1
            along = (x - start[bin_]) / bound[bin_]
            # Rounding can put a point a hair past its bin's last stretch: it belongs to the last.
            slot = min(offset[bin_] + int(along), offset[bin_ + 1] - 1)
            first = rate * bound[bin_] * (along - (slot - offset[bin_]))
            mine = bound[bin_] if plain else member_weights[slot]
            # Written whether kept or not (the next one kept overwrites it): no branch on the
            # stretch or the weight lets the loads of later points go ahead.
            who[found], e[found], weight[found] = slot if plain else members[slot], first, mine
            found += (slot != last) & (first < rate * mine)
            last = slot
        # The chunk stopped short of the end: another, from its last point on.
        origin, size = x, _gaps_for(rate * (length - x), sds)
        who = np.concatenate((who[:found], np.empty(size, dtype=np.int64)))
        e = np.concatenate((e[:found], np.empty(size)))
        weight = np.concatenate((weight[:found], np.empty(size)))
