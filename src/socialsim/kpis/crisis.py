"""The KPIs of crises (:mod:`socialsim.fans.root_causes`, :mod:`socialsim.fans.escalation`,
:mod:`socialsim.brand.early_warning`), declared (see :class:`~socialsim.kpis.declared.Kpi`).

The world's side (episodes, re-shares, media) is recorded with the fans' phases; the
detector's (alarms and how they compare with the truth) with the brand's day.
"""

from __future__ import annotations

from socialsim.kpis.declared import HIGHER, LOWER, NEUTRAL, Kind, Kpi, Summary

__all__ = ["CRISIS_DERIVED", "CRISIS_RECORDED"]


def _world(name: str, label: str, unit: str, meaning: str, **more) -> Kpi:
    return Kpi(name, label, meaning, unit, more.pop("kind", Kind.FLOW), LOWER, "fans", **more)


def _detector(name: str, label: str, direction: int, meaning: str, unit: str = "events") -> Kpi:
    return Kpi(name, label, meaning, unit, Kind.FLOW, direction, recorded_by="brand")


CRISIS_RECORDED = (
    Kpi(
        "episodes_started",
        "Root-cause episodes",
        "Root-cause episodes (service failures, pricing errors, slip-ups) that started today.",
        "events",
        Kind.FLOW,
        NEUTRAL,
        recorded_by="fans",
    ),
    _world(
        "crisis_days",
        "Days in crisis",
        "days",
        "1 on a day a root-cause episode is going on; over a run, the days in crisis (an "
        "episode lasts until its fix has landed and decayed).",
    ),
    _world(
        "reshares",
        "Re-shares",
        "posts",
        "Public complaints re-shared by onlookers today (each a post listening may catch).",
    ),
    _world(
        "negative_posts",
        "Negative posts, peak day",
        "posts",
        "Public negative posts today, complaints and re-shares; over a run, the peak day.",
        kind=Kind.LEVEL,
        summary=Summary.MAX,
    ),
    _world(
        "media_days",
        "Media pick-up days",
        "days",
        "1 on a day the media cover the brand's troubles; over a run, the days of coverage.",
    ),
    _world(
        "reached_negative",
        "Reached by negative content",
        "people",
        "People in the audience of a complaint or re-share today, or reached by media "
        "coverage (each once a day); over a run, person-days.",
    ),
    _detector("alarms", "Alarms", NEUTRAL, "Alarms the early-warning detector raised today."),
    _detector(
        "false_alarms",
        "False alarms",
        LOWER,
        "Alarms raised today while no root-cause episode was going on.",
    ),
    _detector(
        "detections",
        "Episodes detected",
        HIGHER,
        "Root-cause episodes first caught by today's alarm.",
    ),
    _detector(
        "detection_delay_days",
        "Detection delay, summed",
        NEUTRAL,
        "Days from each episode's start to the alarm that caught it (0: the same day), "
        "summed over the episodes caught today.",
        unit="days",
    ),
)
"""The crisis KPIs recorded every day, after :data:`socialsim.kpis.recorded.RECORDED`."""

CRISIS_DERIVED = (
    Kpi(
        "detection_delay",
        "Detection delay",
        "Mean days from a root-cause episode's start to the alarm that caught it, over the "
        "episodes caught in the run (episodes never caught are not in it: see detections).",
        "days",
        Kind.AVERAGE,
        LOWER,
        numerator={"detection_delay_days": 1},
        denominator={"detections": 1},
        summary=Summary.RATIO,
    ),
)
"""The crisis KPIs that exist only per run."""
