"""The key performance indicators recorded every day, and how each is computed.

State indicators describe the population at the end of the day; flow indicators count what
happened during it. :data:`KPIS` is the single list: the model's DataCollector, the command
line summary and the table in ``docs/model.md`` all read it.
"""

from __future__ import annotations

import numpy as np

from socialsim.population import DETRACTOR, PROMOTER, Population

__all__ = ["FLOW_KPIS", "KPIS", "nps", "state_kpis"]

STATE_KPIS: dict[str, str] = {
    "fans": "Current fans.",
    "prospects": "People who are not (yet) fans.",
    "churned": "Former fans who churned (cumulative).",
    "promoters": "Fans with loyalty >= 9 (advocates).",
    "passives": "Fans with loyalty in [7, 9).",
    "detractors": "Fans with loyalty < 7.",
    "nps": "Net Promoter Score: % promoters − % detractors among fans, in [−100, 100].",
    "mean_loyalty": "Mean loyalty of fans (0–10).",
}

FLOW_KPIS: dict[str, str] = {
    "new_fans_referred": "Prospects recruited today through the graph: by advocates (cascade, "
    "threshold) or by fans (Bass).",
    "new_fans_external": "Prospects who became fans today on their own (the external route).",
    "churned_today": "Fans who churned today.",
    "good_experiences": "Fans who had a good experience today.",
    "bad_experiences": "Fans who had a bad experience today.",
    "complaints": "Public complaints posted today.",
    "praise": "Public praise posted today.",
    "needs": "Needs and questions posted today (fans and prospects).",
    "wom_positive": "People who talked positively about the brand today (promoters, passives).",
    "wom_negative": "People who talked negatively today (detractors, recently churned).",
    "defences": "Complaints that at least one advocate answered in the brand's defence.",
    "helps": "Needs or questions that at least one advocate helped with.",
}

KPIS: dict[str, str] = {**STATE_KPIS, **FLOW_KPIS}


def nps(promoters: int, detractors: int, fans: int) -> float:
    """Net Promoter Score from counts (Reichheld 2003); 0 when there are no fans.

    >>> nps(50, 20, 100)
    30.0
    """
    return 100.0 * (promoters - detractors) / fans if fans else 0.0


def state_kpis(pop: Population) -> dict[str, float]:
    """The state indicators of a population."""
    fans = pop.fans
    loyalty = pop.loyalty[fans]
    n_fans = int(loyalty.size)
    promoters = int(np.count_nonzero(loyalty >= PROMOTER))
    detractors = int(np.count_nonzero(loyalty < DETRACTOR))
    prospects = int(np.count_nonzero(pop.prospects))
    return {
        "fans": n_fans,
        "prospects": prospects,
        "churned": len(pop) - n_fans - prospects,
        "promoters": promoters,
        "passives": n_fans - promoters - detractors,
        "detractors": detractors,
        "nps": nps(promoters, detractors, n_fans),
        "mean_loyalty": float(loyalty.mean()) if n_fans else float("nan"),
    }
