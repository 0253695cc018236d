"""What flips the answer: scenario discovery with PRIM, and rank-correlation sensitivity.

For a headline comparison (a strategy against the baseline on one KPI), each world either
agrees with the answer most worlds give or reverses it. :func:`prim` finds a box, a few
assumptions each limited to a range, inside which the reversals concentrate: the Patient Rule
Induction Method of Friedman & Fisher (1999, "Bump hunting in high-dimensional data",
Statistics and Computing 9, 123–143), as used for scenario discovery by Bryant & Lempert
(2010, "Thinking inside the box", Technological Forecasting & Social Change 77, 34–49):

1. **peeling**: starting from every world, repeatedly cut off the share ``alpha`` of the worlds
   still in the box at the low or the high end of one assumption, choosing the cut that gains
   the most density of reversals per world cut off (a cut of an integer assumption takes
   every world tied at its end, so cuts differ in size), until the box would hold fewer than
   ``min_mass`` of the worlds. With a 0/1 outcome and tens of worlds many cuts tie; the tie
   goes to the cut whose remaining worlds rank highest by the size of their reversal;
2. **choosing** the box of the peeling trajectory with the best balance of *coverage* (share of
   all reversals inside the box) and *density* (share of the box's worlds that reverse), their
   harmonic mean; Bryant & Lempert leave this choice to the analyst, here it is automatic;
3. **pasting**: moving each limit back out one world at a time while the density does not fall,
   so a limit lands next to the last world that reverses (its resolution: the gap between the
   nearest world kept and the nearest left out, which shrinks as worlds are added);
4. **few assumptions**: Bryant & Lempert prefer boxes that limit few assumptions, which are
   easier to read and less often spurious. Steps 1–3 run on one assumption at a time, and the
   best is kept; a second (and third) assumption joins only if limiting it too raises the
   balance by at least ``min_gain``. Limits whose removal does not lower the balance are then
   dropped, and each limit left gets a quasi-p-value (Bryant & Lempert 2010): the one-sided
   binomial probability of the box's reversals were the box as dense as it is without it.

The ``ema_workbench`` package implements PRIM too; it was not used: it would bring a heavy
dependency for an algorithm of about two hundred lines, and its boxes are chosen by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Box", "Limit", "prim"]


@dataclass(frozen=True)
class Limit:
    """One assumption limited by a box: ``low <= x <= high`` (None: no limit on that side).

    ``low_gap`` and ``high_gap`` are the nearest values of worlds left out and kept: the
    boundary lies somewhere between them (the sampling resolution).
    """

    parameter: str
    low: float | None
    high: float | None
    low_gap: tuple[float, float] | None
    high_gap: tuple[float, float] | None
    qp: float
    integer: bool = False

    def describe(self) -> str:
        """The limit in words, boundaries at the middle of their gaps.

        >>> Limit("wom.negativity", 1.0, None, (0.8, 1.2), None, 0.01).describe()
        'wom.negativity > 1'
        >>> Limit("graph.m", 3, 6, (2, 3), (6, 7), 0.01, integer=True).describe()
        '3 ≤ graph.m ≤ 6'
        """
        low, high = self.boundary("low"), self.boundary("high")
        below, above = ("≤", "≥") if self.integer else ("<", ">")
        show = "{:g}" if self.integer else "{:.3g}"
        if low is not None and high is not None:
            return f"{show.format(low)} {below} {self.parameter} {below} {show.format(high)}"
        if low is not None:
            return f"{self.parameter} {above} {show.format(low)}"
        return f"{self.parameter} {below} {show.format(high)}"

    def boundary(self, side: str) -> float | None:
        """Where the box's boundary is read: a gap's middle, or the integer kept."""
        gap = self.low_gap if side == "low" else self.high_gap
        kept = self.low if side == "low" else self.high
        if kept is None or gap is None or self.integer:
            return kept
        return (gap[0] + gap[1]) / 2


@dataclass(frozen=True)
class Box:
    """A PRIM box: its limits and which worlds it holds (``inside``) among the cases."""

    limits: tuple[Limit, ...]
    inside: np.ndarray
    cases: np.ndarray

    @property
    def mass(self) -> float:
        """Share of all worlds inside the box."""
        return float(self.inside.mean())

    @property
    def coverage(self) -> float:
        """Share of the cases (reversals) that are inside the box."""
        return float(self.cases[self.inside].sum() / self.cases.sum())

    @property
    def density(self) -> float:
        """Share of the box's worlds that are cases."""
        return float(self.cases[self.inside].mean())


def prim(
    x: pd.DataFrame,
    cases: np.ndarray,
    *,
    strength: np.ndarray | None = None,
    alpha: float = 0.05,
    min_mass: float | None = None,
    max_limits: int = 3,
    min_gain: float = 0.05,
) -> Box | None:
    """Find the box of assumptions in which the cases concentrate (see the module notes).

    Parameters
    ----------
    x : pandas.DataFrame
        One row per world, one numeric column per assumption.
    cases : numpy.ndarray of bool
        Which worlds are cases of interest (the answer reverses).
    strength : numpy.ndarray, optional
        How strongly each world is a case (the reversal's size, signed): breaks ties between
        peels that leave the same density, in favour of the peel whose remaining worlds rank
        highest.
    alpha : float, default 0.05
        Share of the box's worlds each peel removes (at least one world).
    min_mass : float, optional
        Smallest share of worlds a box may hold; default 5%, and at least two worlds.
    max_limits : int, default 3
        Most assumptions a box limits.
    min_gain : float, default 0.05
        How much a further assumption must raise the balance of coverage and density to be
        limited too.

    Returns
    -------
    Box or None
        None when no world, or every world, is a case.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = pd.DataFrame({"a": rng.random(200), "b": rng.random(200)})
    >>> box = prim(x, (x["a"] > 0.6).to_numpy())
    >>> [limit.describe() for limit in box.limits], box.coverage, box.density
    (['a > 0.6'], 1.0, 1.0)
    """
    cases = np.asarray(cases, dtype=bool)
    if not 0 < cases.sum() < cases.size:
        return None
    values = x.to_numpy(dtype=float)
    n = len(values)
    fit = _Fit(
        values,
        cases,
        # Ties between peels are many with a 0/1 outcome and few worlds: the size of the
        # reversal, by rank, breaks them in favour of the peel that cuts the strongest
        # non-reversals.
        np.zeros(n) if strength is None else pd.Series(strength).rank().to_numpy(),
        alpha,
        max(2, int(np.ceil((0.05 if min_mass is None else min_mass) * n))),
    )
    chosen: list[int] = []
    best: tuple[float, np.ndarray] | None = None
    while len(chosen) < max_limits:
        options = {
            j: fit.box([*chosen, j])
            for j in range(values.shape[1])
            if j not in chosen and np.ptp(values[:, j]) > 0
        }
        if not options:
            break
        j = max(options, key=lambda k: (options[k][0], -k))  # the first column on a tie
        if best is not None and options[j][0] < best[0] + min_gain:
            break
        chosen.append(j)
        best = options[j]
    if best is None:
        return None
    bounds = _prune(values, cases, best[1], fit.full)
    integer = [pd.api.types.is_integer_dtype(t) for t in x.dtypes]
    limits = tuple(
        _limit(x.columns[j], values, cases, bounds, fit.full, j, integer[j])
        for j in range(values.shape[1])
        if _limited(bounds, fit.full, j)
    )
    return Box(limits, _inside(values, bounds), cases)


@dataclass
class _Fit:
    """PRIM on some of the assumptions: peel, choose the box, paste."""

    values: np.ndarray
    cases: np.ndarray
    ranks: np.ndarray
    alpha: float
    smallest: int

    @property
    def full(self) -> np.ndarray:
        return np.column_stack([self.values.min(axis=0), self.values.max(axis=0)])

    def box(self, dims: list[int]) -> tuple[float, np.ndarray]:
        """The best box limiting only ``dims``, and its balance of coverage and density."""
        bounds = self.full
        trajectory = [bounds]
        while (bounds := _peel(self, bounds, dims)) is not None:
            trajectory.append(bounds)
        bounds = max(trajectory, key=lambda b: _balance(_inside(self.values, b), self.cases))
        bounds = _paste(self.values, self.cases, bounds, self.full)
        return _balance(_inside(self.values, bounds), self.cases), bounds


def _inside(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    return ((values >= bounds[:, 0]) & (values <= bounds[:, 1])).all(axis=1)


def _limited(bounds: np.ndarray, full: np.ndarray, j: int) -> bool:
    return bool(bounds[j, 0] > full[j, 0] or bounds[j, 1] < full[j, 1])


def _balance(inside: np.ndarray, cases: np.ndarray) -> float:
    """Harmonic mean of coverage and density (0 for an empty box)."""
    hits = cases[inside].sum()
    if not hits:
        return 0.0
    coverage, density = hits / cases.sum(), hits / inside.sum()
    return float(2 * coverage * density / (coverage + density))


def _peel(fit: _Fit, bounds: np.ndarray, dims: list[int]) -> np.ndarray | None:
    """The peel along ``dims`` that gains the most density per world cut off, or None when
    every peel leaves too few worlds."""
    values, cases = fit.values, fit.cases
    inside = _inside(values, bounds)
    density = cases[inside].mean()
    count = max(1, int(fit.alpha * inside.sum()))
    best: tuple[float, float, int, np.ndarray] | None = None
    for j in dims:
        column = np.sort(values[inside, j])
        for side, keep in (
            (0, values[:, j] > column[count - 1]),
            (1, values[:, j] < column[-count]),
        ):
            kept = inside & keep
            if kept.sum() < fit.smallest:
                continue
            removed = inside.sum() - kept.sum()
            gain = (cases[kept].mean() - density) / removed  # ties of a count peel more at once
            score = (float(gain), float(fit.ranks[kept].mean()), int(kept.sum()))
            if best is None or score > best[:3]:
                trimmed = bounds.copy()
                trimmed[j, side] = values[kept, j].min() if side == 0 else values[kept, j].max()
                best = (*score, trimmed)
    return None if best is None else best[3]


def _paste(values, cases, bounds, full) -> np.ndarray:
    """Move limits back out, one world's value at a time, while the density does not fall."""
    while True:
        inside = _inside(values, bounds)
        density = cases[inside].mean()
        best: tuple[float, int, np.ndarray] | None = None
        for j in range(len(bounds)):
            others = bounds.copy()
            others[j] = full[j]
            around = _inside(values, others)
            for side in (0, 1):
                beyond = values[:, j] < bounds[j, 0] if side == 0 else values[:, j] > bounds[j, 1]
                if not (around & beyond).any():
                    continue
                wider = bounds.copy()
                near = values[around & beyond, j]
                wider[j, side] = near.max() if side == 0 else near.min()
                grown = _inside(values, wider)
                score = (float(cases[grown].mean()), int(grown.sum()))
                if score[0] >= density and (best is None or score > best[:2]):
                    best = (*score, wider)
        if best is None:
            return bounds
        bounds = best[2]


def _prune(values, cases, bounds, full) -> np.ndarray:
    """Drop limits (each end of a range on its own) whose removal does not lower the balance
    of coverage and density: among them, those that leave out no world."""
    while True:
        current = _balance(_inside(values, bounds), cases)
        options = []
        for j, side in np.argwhere(bounds != full):
            relaxed = bounds.copy()
            relaxed[j, side] = full[j, side]
            options.append((_balance(_inside(values, relaxed), cases), -j, -side, relaxed))
        better = [o for o in options if o[0] >= current]
        if not better:
            return bounds
        bounds = max(better, key=lambda o: o[:3])[3]


def _limit(name, values, cases, bounds, full, j, integer) -> Limit:
    """A limit with its gaps (within the box's other limits) and quasi-p-value."""
    from scipy import stats  # here: importing socialsim should not pay for scipy.stats

    others = bounds.copy()
    others[j] = full[j]
    around = _inside(values, others)
    column = values[:, j]
    low = high = low_gap = high_gap = None
    if bounds[j, 0] > full[j, 0]:
        low = float(bounds[j, 0])
        low_gap = (float(column[around & (column < low)].max()), low)
    if bounds[j, 1] < full[j, 1]:
        high = float(bounds[j, 1])
        high_gap = (high, float(column[around & (column > high)].min()))
    inside = _inside(values, bounds)
    hits, n = int(cases[inside].sum()), int(inside.sum())
    base = cases[around].mean()
    qp = float(stats.binom.sf(hits - 1, n, base))
    return Limit(name, low, high, low_gap, high_gap, qp, integer)
