"""The state KPIs: what the population looks like at the end of a day, in one pass over it."""

from __future__ import annotations

import numpy as np

from socialsim.kernels import njit
from socialsim.population import DETRACTOR, FAN, PROMOTER, PROSPECT, Population

__all__ = ["nps", "state_kpis"]


def nps(promoters: int, detractors: int, fans: int) -> float:
    """Net Promoter Score from counts (Reichheld 2003); 0 when there are no fans.

    >>> nps(50, 20, 100)
    30.0
    """
    return 100.0 * (promoters - detractors) / fans if fans else 0.0


def state_kpis(pop: Population) -> dict[str, float]:
    """The state indicators of a population.

    >>> from socialsim.population import Status
    >>> from socialsim.scenario import PopulationParams
    >>> pop = Population.initialize(PopulationParams(), 4, seed=np.random.default_rng(0))
    >>> pop.status[:] = [Status.FAN, Status.FAN, Status.PROSPECT, Status.CHURNED]
    >>> pop.loyalty[:] = [9.5, 6.5, 9.0, 9.0]
    >>> kpis = state_kpis(pop)
    >>> kpis["promoters"], kpis["detractors"], kpis["nps"], kpis["mean_loyalty"]
    (1, 1, 0.0, 8.0)
    """
    fans, prospects, promoters, detractors, loyalty = _tally(pop.status, pop.loyalty)
    return {
        "fans": fans,
        "prospects": prospects,
        "churned": len(pop) - fans - prospects,
        "promoters": promoters,
        "passives": fans - promoters - detractors,
        "detractors": detractors,
        "nps": nps(promoters, detractors, fans),
        "mean_loyalty": loyalty / fans if fans else float("nan"),
    }


# One pass over everyone: in numpy the same counts take eight passes over million-entry
# arrays, a large share of a day at 100,000 people (docs/performance.md). Letting the compiler
# reorder the loyalty sum (as numpy's pairwise sum does) lets it vectorise: a single chain of
# additions costs four times the rest of the loop.
@njit(cache=True, fastmath={"reassoc"})
def _tally(status: np.ndarray, loyalty: np.ndarray) -> tuple[int, int, int, int, float]:
    """Fans, prospects, promoters, detractors and the fans' total loyalty, in one pass.

    The counts are numpy's ``(status == FAN).sum()``, ``(status == PROSPECT).sum()``,
    ``(fan & (loyalty >= PROMOTER)).sum()`` and ``(fan & (loyalty < DETRACTOR)).sum()``.
    The total adds ``loyalty * fan`` in the order the compiler vectorises it to: with AVX2,
    eight running sums, one per position modulo 8, combined as
    ``((s4 + s0) + (s6 + s2)) + ((s5 + s1) + (s7 + s3))``, then the last ``n % 8`` entries one
    by one (all of them one by one below 8 entries): the numbers the golden files recorded.
    With AVX-512 the vectors are wider and the order another, so ``mean_loyalty``'s last
    bits can differ between such machines, as numpy's own ``exp`` and ``log1p`` do (its
    AVX-512 versions round differently); on one machine the numbers are the same in every
    process. Writing the eight sums out by hand to fix the order everywhere made the tally
    two to three times slower (numba leaves straight-line vector code to LLVM's SLP
    vectoriser, which it turns off). A test checks the order written out with AVX2, and the
    previous form of this loop, which counted the detractors directly, everywhere.
    """
    fans = prospects = promoters = at_least_detractor = 0
    total = 0.0
    # Without branches: whether a person is a fan, a promoter ... is unpredictable from one
    # person to the next, and a mispredicted branch costs more than the arithmetic. The
    # promoters and the fans at DETRACTOR or more are counted on ``loyalty * fan`` (a
    # person's loyalty if a fan, else 0, and both thresholds are above 0): comparing the
    # product, which the sum needs anyway, costs less than widening the fan test to each count.
    for i in range(status.size):
        fan = status[i] == FAN
        fans += fan
        prospects += status[i] == PROSPECT
        counted = loyalty[i] * fan
        total += counted
        promoters += counted >= PROMOTER
        at_least_detractor += counted >= DETRACTOR
    # A loyalty is a number in [0, 10], never NaN, so a fan not at DETRACTOR or more is under it.
    return fans, prospects, promoters, fans - at_least_detractor, total
