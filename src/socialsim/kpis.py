"""The key performance indicators recorded every day, and how each is computed.

State indicators describe the population at the end of the day; flow indicators count what
happened during it. :data:`KPIS` is the single list: the model's DataCollector, the command
line summary and the table in ``docs/model.md`` all read it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from socialsim.kernels import njit
from socialsim.population import DETRACTOR, PROMOTER, Population, Status

__all__ = ["BRAND_KPIS", "FLOW_KPIS", "KPIS", "better", "nps", "per_run", "state_kpis"]

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

BRAND_KPIS: dict[str, str] = {
    "posts_caught": "Relevant posts (complaints, praise, needs) the listening system flagged.",
    "false_positives": "Irrelevant posts the listening system flagged.",
    "false_positives_handled": "False positives the team spent a reply slot on.",
    "responses_complaint": "Complaints answered with a reply that fits them.",
    "responses_praise": "Praise thanked.",
    "responses_need": "Needs and questions answered.",
    "botched": "Replies to the wrong kind of post (the post was mislabelled).",
    "new_fans_answered": "Prospects who became fans because their need was answered.",
    "backlog": "Posts waiting in the queue at the end of the day.",
    "missed": "Posts dropped from the queue today for waiting too long.",
    "missed_complaints": "Complaints among the missed posts.",
    "response_time_median": "Median hours from post to reply, over today's replies (NaN if none).",
    "response_time_p90": "90th percentile of the same (NaN if none).",
    "onlookers_reached": "Expected people who saw today's public interactions (audience × "
    "visibility, plus amplified reach).",
    "loyalty_change_authors": "Total loyalty change of authors from replies and ignored complaints.",
    "loyalty_change_onlookers": "Total loyalty change of onlookers and identified peers.",
    "loyalty_change_broadcast": "Total loyalty change from broadcasts.",
    "proactive_contacts": "Unsolicited contacts made.",
    "backlash": "Unsolicited contacts that felt intrusive.",
    "broadcasts": "Broadcasts pushed.",
    "staff_cost": "Cost of the day: staff hours times hourly cost, plus compensation.",
}

KPIS: dict[str, str] = {**STATE_KPIS, **FLOW_KPIS, **BRAND_KPIS}

LEVELS = (*STATE_KPIS, "backlog")
"""KPIs that are levels: a run is summed up by its last day (flows by their total)."""
AVERAGES = ("response_time_median", "response_time_p90")
"""KPIs that a run sums up by their mean over the days that have one."""

HIGHER_IS_BETTER = frozenset(
    {
        "fans",
        "promoters",
        "nps",
        "mean_loyalty",
        "new_fans_referred",
        "new_fans_external",
        "new_fans_answered",
        "wom_positive",
        "defences",
        "helps",
        "responses_complaint",
        "responses_praise",
        "responses_need",
        "loyalty_change_authors",
        "loyalty_change_onlookers",
        "loyalty_change_broadcast",
    }
)
LOWER_IS_BETTER = frozenset(
    {
        "churned",
        "churned_today",
        "detractors",
        "wom_negative",
        "complaints",
        "botched",
        "backlog",
        "missed",
        "missed_complaints",
        "response_time_median",
        "response_time_p90",
        "backlash",
        "staff_cost",
        "bad_experiences",
    }
)


def better(kpi: str) -> int:
    """+1 if more of a KPI is better for the brand, -1 if less is, 0 if neither.

    >>> better("nps"), better("churned"), better("needs")
    (1, -1, 0)
    """
    return 1 if kpi in HIGHER_IS_BETTER else -1 if kpi in LOWER_IS_BETTER else 0


def per_run(daily: pd.DataFrame) -> pd.Series:
    """One number per KPI for a run: the last day of levels, the mean of averages, the total of flows.

    >>> frame = pd.DataFrame({"day": [0, 1, 2], "fans": [10, 12, 13], "complaints": [0, 2, 1]})
    >>> per_run(frame).to_dict()
    {'fans': 13.0, 'complaints': 3.0}
    """
    columns = [c for c in daily.columns if c in KPIS]
    values = {
        c: daily[c].iloc[-1]
        if c in LEVELS
        else daily[c].iloc[1:].mean()
        if c in AVERAGES
        else daily[c].sum()
        for c in columns
    }
    return pd.Series(values, dtype=np.float64)


def nps(promoters: int, detractors: int, fans: int) -> float:
    """Net Promoter Score from counts (Reichheld 2003); 0 when there are no fans.

    >>> nps(50, 20, 100)
    30.0
    """
    return 100.0 * (promoters - detractors) / fans if fans else 0.0


def state_kpis(pop: Population) -> dict[str, float]:
    """The state indicators of a population.

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


_FAN, _PROSPECT = int(Status.FAN), int(Status.PROSPECT)


# One pass over everyone: in numpy the same counts take eight passes over million-entry
# arrays, a large share of a day at 100,000 people (docs/performance.md). Letting the compiler
# reorder the loyalty sum (as numpy's pairwise sum does) lets it vectorise: a single chain of
# additions costs four times the rest of the loop.
@njit(cache=True, fastmath={"reassoc"})
def _tally(status: np.ndarray, loyalty: np.ndarray) -> tuple[int, int, int, int, float]:
    fans = prospects = promoters = detractors = 0
    total = 0.0
    # Without branches: whether a person is a fan, a promoter ... is unpredictable from one
    # person to the next, and a mispredicted branch costs more than the arithmetic.
    for i in range(status.size):
        fan = status[i] == _FAN
        fans += fan
        prospects += status[i] == _PROSPECT
        promoters += fan & (loyalty[i] >= PROMOTER)
        detractors += fan & (loyalty[i] < DETRACTOR)
        total += loyalty[i] * fan
    return fans, prospects, promoters, detractors, total
