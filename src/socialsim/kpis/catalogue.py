"""Every KPI of the model, declared once (see :class:`~socialsim.kpis.declared.Kpi`).

In order: what the model records every day (the population's state, the fans' phases, the
brand's day), what the brand's day is to record but does not yet (:data:`AWAITING`), what is
derived each day from those, what is priced from the value and cost parameters, and the rates
that exist only per run, as ratios of totals.
"""

from __future__ import annotations

from socialsim.kpis.declared import HIGHER, LOWER, NEUTRAL, Kind, Kpi, Summary

__all__ = ["AWAITING", "DECLARED"]

LEVEL, FLOW, RATE, AVERAGE, COST, VALUE = Kind


def _state(name: str, label: str, unit: str, direction: int, meaning: str) -> Kpi:
    return Kpi(name, label, meaning, unit, LEVEL, direction, recorded_by="population")


def _fans(name: str, label: str, unit: str, direction: int, meaning: str) -> Kpi:
    return Kpi(name, label, meaning, unit, FLOW, direction, recorded_by="fans")


def _brand(
    name: str, label: str, unit: str, direction: int, meaning: str, kind: Kind = FLOW
) -> Kpi:
    return Kpi(name, label, meaning, unit, kind, direction, recorded_by="brand")


def _share(
    name: str, label: str, direction: int, numerator: dict, denominator: dict, meaning: str
) -> Kpi:
    return Kpi(
        name, label, meaning, "%", RATE, direction, numerator=numerator, denominator=denominator
    )


_ALL_NEW_FANS = {"new_fans_referred": 1, "new_fans_external": 1, "new_fans_answered": 1}
_REPLIES = {"responses_complaint": 1, "responses_praise": 1, "responses_need": 1, "botched": 1}

_DECLARATIONS = (
    # ---------------------------------------------------------------- the population's state
    _state("fans", "Fans", "fans", HIGHER, "Current fans."),
    _state("prospects", "Prospects", "people", NEUTRAL, "People who are not (yet) fans."),
    _state(
        "churned",
        "Churned fans",
        "people",
        LOWER,
        "Former fans who churned (cumulative). A count: between strategies that bring different "
        "numbers of fans, compare churn_rate.",
    ),
    _state("promoters", "Promoters", "fans", HIGHER, "Fans with loyalty >= 9 (advocates)."),
    _state("passives", "Passives", "fans", NEUTRAL, "Fans with loyalty in [7, 9)."),
    _state("detractors", "Detractors", "fans", LOWER, "Fans with loyalty < 7."),
    _state(
        "nps",
        "NPS",
        "points",
        HIGHER,
        "Net Promoter Score: % promoters − % detractors among fans, in [−100, 100].",
    ),
    _state("mean_loyalty", "Mean loyalty", "points", HIGHER, "Mean loyalty of fans (0–10)."),
    # ---------------------------------------------------------------- the fans' day
    _fans(
        "new_fans_referred",
        "New fans, referred",
        "fans",
        HIGHER,
        "Prospects recruited today through the graph: by advocates (cascade, threshold) or by "
        "fans (Bass).",
    ),
    _fans(
        "new_fans_external",
        "New fans, on their own",
        "fans",
        HIGHER,
        "Prospects who became fans today on their own (the external route).",
    ),
    _fans("churned_today", "Fans lost", "fans", LOWER, "Fans who churned today."),
    _fans(
        "good_experiences",
        "Good experiences",
        "people",
        NEUTRAL,
        "Fans who had a good experience today.",
    ),
    _fans(
        "bad_experiences",
        "Bad experiences",
        "people",
        LOWER,
        "Fans who had a bad experience today.",
    ),
    _fans("complaints", "Complaints", "posts", LOWER, "Public complaints posted today."),
    _fans("praise", "Praise", "posts", NEUTRAL, "Public praise posted today."),
    _fans(
        "needs",
        "Needs and questions",
        "posts",
        NEUTRAL,
        "Needs and questions posted today (fans and prospects).",
    ),
    _fans(
        "wom_positive",
        "Positive talkers",
        "people",
        HIGHER,
        "People who talked positively about the brand today (promoters, passives).",
    ),
    _fans(
        "wom_negative",
        "Negative talkers",
        "people",
        LOWER,
        "People who talked negatively today (detractors, recently churned).",
    ),
    _fans(
        "defences",
        "Defences by advocates",
        "posts",
        HIGHER,
        "Complaints that at least one advocate answered in the brand's defence.",
    ),
    _fans(
        "helps",
        "Helps by advocates",
        "posts",
        HIGHER,
        "Needs or questions that at least one advocate helped with.",
    ),
    # ---------------------------------------------------------------- the brand's day
    _brand(
        "posts_caught",
        "Posts caught",
        "posts",
        NEUTRAL,
        "Relevant posts (complaints, praise, needs) the listening system flagged.",
    ),
    _brand(
        "false_positives",
        "False positives",
        "posts",
        NEUTRAL,
        "Irrelevant posts the listening system flagged.",
    ),
    _brand(
        "false_positives_handled",
        "False positives handled",
        "posts",
        LOWER,
        "False positives the team spent a reply slot on (staff time lost).",
    ),
    _brand(
        "responses_complaint",
        "Complaints answered",
        "posts",
        HIGHER,
        "Complaints answered with a reply that fits them.",
    ),
    _brand("responses_praise", "Praise thanked", "posts", HIGHER, "Praise thanked."),
    _brand("responses_need", "Needs answered", "posts", HIGHER, "Needs and questions answered."),
    _brand(
        "botched",
        "Botched replies",
        "posts",
        LOWER,
        "Replies to the wrong kind of post (the post was mislabelled).",
    ),
    _brand(
        "new_fans_answered",
        "New fans, answered",
        "fans",
        HIGHER,
        "Prospects who became fans because their need was answered.",
    ),
    _brand(
        "backlog",
        "Backlog",
        "posts",
        LOWER,
        "Posts waiting in the queue at the end of the day.",
        kind=LEVEL,
    ),
    _brand(
        "missed",
        "Posts dropped",
        "posts",
        LOWER,
        "Posts dropped from the queue today for waiting too long.",
    ),
    _brand(
        "missed_complaints",
        "Complaints dropped",
        "posts",
        LOWER,
        "Complaints among the missed posts (not those never heard: see complaints_unheard_share).",
    ),
    _brand(
        "response_time_median",
        "Median response time",
        "hours",
        LOWER,
        "Median hours from post to reply, over today's replies (NaN if none); a run's value is "
        "the mean of its daily medians: compare runs on response_time_mean.",
        kind=AVERAGE,
    ),
    _brand(
        "response_time_p90",
        "90th-percentile response time",
        "hours",
        LOWER,
        "90th percentile of the same (NaN if none).",
        kind=AVERAGE,
    ),
    _brand(
        "onlookers_reached",
        "Onlookers reached",
        "people",
        NEUTRAL,
        "Expected people who saw today's public interactions (audience × visibility, plus "
        "amplified reach).",
    ),
    _brand(
        "loyalty_change_authors",
        "Loyalty change, authors",
        "points",
        HIGHER,
        "Total loyalty change of authors from replies and ignored complaints.",
    ),
    _brand(
        "loyalty_change_onlookers",
        "Loyalty change, onlookers",
        "points",
        HIGHER,
        "Total loyalty change of onlookers and identified peers.",
    ),
    _brand(
        "loyalty_change_broadcast",
        "Loyalty change, broadcasts",
        "points",
        HIGHER,
        "Total loyalty change from broadcasts.",
    ),
    _brand(
        "proactive_contacts",
        "Unsolicited contacts",
        "people",
        NEUTRAL,
        "Unsolicited contacts made.",
    ),
    _brand("backlash", "Backlash", "people", LOWER, "Unsolicited contacts that felt intrusive."),
    _brand("broadcasts", "Broadcasts", "posts", NEUTRAL, "Broadcasts pushed."),
    _brand(
        "staff_cost",
        "Staff cost",
        "currency",
        LOWER,
        "Cost of the day: staff hours times hourly cost, plus compensation.",
        kind=COST,
    ),
    # ---------------------------------------------------------------- awaited from the brand
    _brand(
        "response_hours",
        "Hours to reply, summed",
        "hours",
        NEUTRAL,
        "Hours from post to reply, summed over today's replies to real posts.",
    ),
    _brand(
        "complaints_unheard",
        "Complaints never heard",
        "posts",
        LOWER,
        "Complaints posted today that the listening system did not flag.",
    ),
    # ---------------------------------------------------------------- derived each day
    Kpi(
        "fans_joined",
        "New fans",
        "People who became fans today, by any route.",
        "fans",
        FLOW,
        HIGHER,
        terms=_ALL_NEW_FANS,
    ),
    Kpi(
        "fans_exposed",
        "Fans exposed to churn",
        "Fans who could churn from today on: every fan on day 0, then each day's new fans; over "
        "a run, everyone who was a fan at some point.",
        "fans",
        FLOW,
        NEUTRAL,
        terms={"fans_joined": 1},
        at_start={"fans": 1},
    ),
    Kpi(
        "replies",
        "Replies",
        "Real posts answered today, with a fitting reply or not (false positives excluded).",
        "posts",
        FLOW,
        NEUTRAL,
        terms=_REPLIES,
    ),
    Kpi(
        "relevant_posts",
        "Posts needing an answer",
        "Complaints, praise and needs posted today.",
        "posts",
        FLOW,
        NEUTRAL,
        terms={"complaints": 1, "praise": 1, "needs": 1},
    ),
    # ---------------------------------------------------------------- priced each day
    Kpi(
        "fan_value",
        "Fan value",
        "Value the fans brought the brand today: value.promoter_per_day for each promoter, "
        "value.passive_share and value.detractor_share of it for each passive and detractor.",
        "currency",
        VALUE,
        HIGHER,
        priced=True,
    ),
    Kpi(
        "listening_cost",
        "Listening tool cost",
        "The listening tool's cost for the day (cost.listening_tool_per_day).",
        "currency",
        COST,
        LOWER,
        priced=True,
    ),
    Kpi(
        "content_cost",
        "Content production cost",
        "Production of today's broadcasts beyond the staff time they take "
        "(cost.content_per_broadcast each).",
        "currency",
        COST,
        LOWER,
        priced=True,
    ),
    Kpi(
        "advocates_cost",
        "Advocates programme cost",
        "The advocates programme's cost for the day (cost.advocates_per_day).",
        "currency",
        COST,
        LOWER,
        priced=True,
    ),
    Kpi(
        "total_cost",
        "Total cost",
        "Everything the brand spent today: staff and compensation, listening tool, content "
        "production, advocates programme.",
        "currency",
        COST,
        LOWER,
        terms={"staff_cost": 1, "listening_cost": 1, "content_cost": 1, "advocates_cost": 1},
    ),
    Kpi(
        "net_value",
        "Net value",
        "Fan value minus total cost.",
        "currency",
        VALUE,
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
        {"complaints": 1},
        "Share of all complaints posted during the run that got a reply that fits them.",
    ),
    _share(
        "complaints_unheard_share",
        "Complaints never heard",
        LOWER,
        {"complaints_unheard": 1},
        {"complaints": 1},
        "Share of all complaints posted during the run that the listening system never flagged.",
    ),
    _share(
        "complaints_dropped_share",
        "Complaints dropped",
        LOWER,
        {"missed_complaints": 1},
        {"complaints": 1},
        "Share of all complaints posted during the run that were dropped from the queue for "
        "waiting too long.",
    ),
    _share(
        "posts_unanswered_share",
        "Posts unanswered",
        LOWER,
        {"relevant_posts": 1, "replies": -1},
        {"relevant_posts": 1},
        "Share of the complaints, praise and needs posted during the run that had no reply by "
        "its end: never heard, left by the policy, dropped, or still waiting.",
    ),
    Kpi(
        "response_time_mean",
        "Response time",
        "Mean hours from post to reply over every reply to a real post in the run, each reply "
        "weighing the same; posts never answered are not in it (see posts_unanswered_share).",
        "hours",
        AVERAGE,
        LOWER,
        numerator={"response_hours": 1},
        denominator={"replies": 1},
        summary=Summary.RATIO,
    ),
)

DECLARED: dict[str, Kpi] = {k.name: k for k in _DECLARATIONS}
"""Every KPI by name, in the order above."""

AWAITING = frozenset({"response_hours", "complaints_unheard"})
"""Counts the brand's day is to record but does not yet: the model records the other KPIs.
KPIs that need them are NaN-free only once they are recorded; wiring one in is adding it to
the brand's counts and removing it from here."""


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
