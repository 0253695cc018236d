"""Every KPI, declared once (see :class:`~socialsim.kpis.declared.Kpi`).

What the model records every day (:mod:`~socialsim.kpis.recorded`), then what is derived each
day from those, what is priced from the value and cost parameters, and the rates that exist
only per run, as ratios of totals.
"""

from __future__ import annotations

from socialsim.kpis.crisis import CRISIS_DERIVED, CRISIS_RECORDED
from socialsim.kpis.declared import HIGHER, LOWER, NEUTRAL, RECORDERS, Kind, Kpi, Summary
from socialsim.kpis.recorded import RECORDED

__all__ = ["DECLARED"]


def _share(
    name: str, label: str, direction: int, numerator: dict, denominator: dict, meaning: str
) -> Kpi:
    return Kpi(
        name,
        label,
        meaning,
        "%",
        Kind.RATE,
        direction,
        numerator=numerator,
        denominator=denominator,
    )


_ALL_NEW_FANS = {"new_fans_referred": 1, "new_fans_external": 1, "new_fans_answered": 1}
_REPLIES = {"responses_complaint": 1, "responses_praise": 1, "responses_need": 1, "botched": 1}
# Re-shares of complaints are complaints the team may hear and answer (socialsim.fans.escalation).
_COMPLAINTS = {"complaints": 1, "reshares": 1}

_DERIVED = (
    # ---------------------------------------------------------------- derived each day
    Kpi(
        "fans_joined",
        "New fans",
        "People who became fans today, by any route.",
        "fans",
        Kind.FLOW,
        HIGHER,
        terms=_ALL_NEW_FANS,
    ),
    Kpi(
        "fans_exposed",
        "Fans exposed to churn",
        "Fans who could churn from today on: every fan on day 0, then each day's new fans; over "
        "a run, everyone who was a fan at some point.",
        "fans",
        Kind.FLOW,
        NEUTRAL,
        terms={"fans_joined": 1},
        at_start={"fans": 1},
    ),
    Kpi(
        "replies",
        "Replies",
        "Real posts answered today, with a fitting reply or not (false positives excluded).",
        "posts",
        Kind.FLOW,
        NEUTRAL,
        terms=_REPLIES,
    ),
    Kpi(
        "relevant_posts",
        "Posts needing an answer",
        "Complaints (re-shares included), praise, needs and comments on brand posts posted "
        "today: every post the brand could answer.",
        "posts",
        Kind.FLOW,
        NEUTRAL,
        terms={**_COMPLAINTS, "praise": 1, "needs": 1, "comments": 1},
    ),
    # ---------------------------------------------------------------- priced each day
    Kpi(
        "fan_value",
        "Fan value",
        "Value the fans brought the brand today: value.promoter_per_day for each promoter, "
        "value.passive_share and value.detractor_share of it for each passive and detractor.",
        "currency",
        Kind.VALUE,
        HIGHER,
        priced=True,
    ),
    Kpi(
        "listening_cost",
        "Listening tool cost",
        "The listening tool's cost for the day (cost.listening_tool_per_day).",
        "currency",
        Kind.COST,
        LOWER,
        priced=True,
    ),
    Kpi(
        "content_cost",
        "Content production cost",
        "Production of today's broadcasts beyond the staff time they take "
        "(cost.content_per_broadcast each).",
        "currency",
        Kind.COST,
        LOWER,
        priced=True,
    ),
    Kpi(
        "advocates_cost",
        "Advocates programme cost",
        "The advocates programme's cost for the day (cost.advocates_per_day).",
        "currency",
        Kind.COST,
        LOWER,
        priced=True,
    ),
    Kpi(
        "total_cost",
        "Total cost",
        "Everything the brand spent today: staff and compensation, listening tool, content "
        "production, advocates programme.",
        "currency",
        Kind.COST,
        LOWER,
        terms={"staff_cost": 1, "listening_cost": 1, "content_cost": 1, "advocates_cost": 1},
    ),
    Kpi(
        "net_value",
        "Net value",
        "Fan value minus total cost.",
        "currency",
        Kind.VALUE,
        HIGHER,
        terms={"fan_value": 1, "total_cost": -1},
    ),
    # ---------------------------------------------------------------- per run only
    _share(
        "churn_rate",
        "Churn rate",
        LOWER,
        {"churned_today": 1},
        {"fans_exposed": 1},
        "Share of the fans exposed during the run who churned: fans lost over the run / (fans "
        "on day 0 + fans who joined).",
    ),
    _share(
        "complaints_answered_share",
        "Complaints answered",
        HIGHER,
        {"responses_complaint": 1},
        _COMPLAINTS,
        "Share of all complaints (re-shares included) posted during the run that got a reply that fits them.",
    ),
    _share(
        "complaints_unheard_share",
        "Complaints never heard",
        LOWER,
        {"complaints_unheard": 1},
        _COMPLAINTS,
        "Share of all complaints (re-shares included) posted during the run that the listening system never flagged.",
    ),
    _share(
        "complaints_dropped_share",
        "Complaints dropped",
        LOWER,
        {"missed_complaints": 1},
        _COMPLAINTS,
        "Share of all complaints (re-shares included) posted during the run that were dropped from the queue for "
        "waiting too long.",
    ),
    _share(
        "complaints_past_share",
        "Complaints that got past the brand",
        LOWER,
        {"complaints_unheard": 1, "complaints_dismissed": 1, "missed_complaints": 1},
        _COMPLAINTS,
        "Share of all complaints (re-shares included) posted during the run that got past the "
        "brand: never heard, dismissed, or dropped from the queue (seed 003's conveyor belt).",
    ),
    _share(
        "listening_precision",
        "Listening precision",
        HIGHER,
        {"posts_caught": 1},
        {"posts_caught": 1, "false_positives": 1},
        "Share of what listening flagged during the run that was relevant; it falls as "
        "chatter grows.",
    ),
    _share(
        "fix_rate",
        "Fix rate",
        HIGHER,
        {"complaints_fixed": 1},
        {"responses_complaint": 1},
        "Share of the complaints answered during the run whose problem was fixed.",
    ),
    _share(
        "complex_fix_rate",
        "Expert complaints fix rate",
        HIGHER,
        {"complex_fixed": 1},
        {"complex_answered": 1},
        "Share of the answered complaints that need an expert whose problem was fixed.",
    ),
    _share(
        "posts_unanswered_share",
        "Posts unanswered",
        LOWER,
        {"relevant_posts": 1, "replies": -1},
        {"relevant_posts": 1},
        "Share of the complaints, praise, needs and comments on brand posts posted during the "
        "run that had no reply by its end: never heard, left by the policy, dropped, or still "
        "waiting.",
    ),
    *(
        Kpi(
            f"{act}_per_post",
            f"{label} per brand post",
            f"{label} per brand post published during the run.",
            unit,
            Kind.AVERAGE,
            direction,
            numerator={act: 1},
            denominator={"broadcasts": 1},
            summary=Summary.RATIO,
        )
        for act, label, unit, direction in (
            ("content_reach", "People reached", "people", HIGHER),
            ("likes", "Likes", "people", HIGHER),
            ("comments", "Comments", "posts", HIGHER),
            ("shares", "Shares", "people", HIGHER),
        )
    ),
    Kpi(
        "response_time_mean",
        "Response time",
        "Mean hours from post to reply over every reply to a real post in the run, each reply "
        "weighing the same; posts never answered are not in it (see posts_unanswered_share).",
        "hours",
        Kind.AVERAGE,
        LOWER,
        numerator={"response_hours": 1},
        denominator={"replies": 1},
        summary=Summary.RATIO,
    ),
)

# The daily record groups the recorded KPIs by who records them.
_ALL_RECORDED = sorted((*RECORDED, *CRISIS_RECORDED), key=lambda k: RECORDERS.index(k.recorded_by))
DECLARED: dict[str, Kpi] = {k.name: k for k in (*_ALL_RECORDED, *_DERIVED, *CRISIS_DERIVED)}
"""Every KPI by name: the recorded ones in the order of the daily record, then the rest."""


def _check_references() -> None:
    """Every term names a declared KPI; a ratio is of totals; a daily sum is of daily values."""
    for kpi in DECLARED.values():
        for name in kpi.inputs:
            if name == "day":
                continue
            part = DECLARED.get(name)
            if part is None or list(DECLARED).index(name) >= list(DECLARED).index(kpi.name):
                raise ValueError(f"The KPI '{kpi.name}' needs '{name}', declared before it.")
            if kpi.run_only and part.summary is not Summary.TOTAL:
                raise ValueError(f"The KPI '{kpi.name}' is a ratio of totals; '{name}' is not one.")
            if not kpi.run_only and part.run_only:
                raise ValueError(f"The KPI '{kpi.name}' is daily; '{name}' exists only per run.")


_check_references()
