"""The KPIs the model records every day, declared (see :class:`~socialsim.kpis.declared.Kpi`).

In the order of the daily record: the population's state at the end of the day, what the fans'
phases count, and what the brand's day counts.
"""

from __future__ import annotations

from socialsim.kpis.declared import HIGHER, LOWER, NEUTRAL, Kind, Kpi

__all__ = ["RECORDED"]


def _state(name: str, label: str, unit: str, direction: int, meaning: str) -> Kpi:
    return Kpi(name, label, meaning, unit, Kind.LEVEL, direction, recorded_by="population")


def _fans(name: str, label: str, unit: str, direction: int, meaning: str) -> Kpi:
    return Kpi(name, label, meaning, unit, Kind.FLOW, direction, recorded_by="fans")


def _stage(name: str, label: str, meaning: str) -> Kpi:
    """Fans at a stage of depth, at the end of the day (:mod:`socialsim.fans.depth`)."""
    return Kpi(name, label, meaning, "fans", Kind.LEVEL, NEUTRAL, recorded_by="fans")


def _brand(
    name: str, label: str, unit: str, direction: int, meaning: str, kind: Kind = Kind.FLOW
) -> Kpi:
    return Kpi(name, label, meaning, unit, kind, direction, recorded_by="brand")


RECORDED = (
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
    # ---------------------------------------------------------------- the relationship
    _fans(
        "content_reach",
        "Reach of brand posts",
        "people",
        NEUTRAL,
        "People today's brand posts reached, directly or through shares, counted once per post.",
    ),
    _fans("likes", "Likes", "people", HIGHER, "Likes of today's brand posts."),
    _fans("comments", "Comments", "posts", HIGHER, "Comments on today's brand posts."),
    _fans(
        "shares",
        "Shares",
        "people",
        HIGHER,
        "Shares of today's brand posts to the sharers' own audiences.",
    ),
    _fans(
        "engaged_fans",
        "Engaged fans",
        "fans",
        HIGHER,
        "Fans who liked, commented on or shared a brand post today.",
    ),
    Kpi(
        "engagement_rate",
        "Engagement rate",
        "Engaged fans today as a share of fans, on days with brand posts (NaN without).",
        "%",
        Kind.AVERAGE,
        HIGHER,
        recorded_by="fans",
    ),
    _fans(
        "loyalty_change_praise",
        "Loyalty change, praise seen",
        "points",
        HIGHER,
        "Total loyalty change of the audiences of today's praise (before depth damps it).",
    ),
    _stage("depth_shallow", "Shallow fans", "Fans at depth below 1/3: followers."),
    _stage("depth_engaged", "Engaged fans by depth", "Fans at depth in [1/3, 2/3)."),
    _stage("depth_deep", "Deep fans", "Fans at depth 2/3 or more."),
    Kpi(
        "engaged_30d_share",
        "Fans engaged in 30 days",
        "Share of fans who engaged with the brand in the last 30 days: liked, commented on or "
        "shared one of its posts, or got a reply or a contact from it (a post about the brand, "
        "a complaint say, is not engagement: ignoring complaints must not raise it).",
        "%",
        Kind.LEVEL,
        HIGHER,
        recorded_by="fans",
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
        "False positives a person read (staff time lost): dismissed, or answered by mistake.",
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
        "Replies that followed a wrong label: a complaint answered as praise or a question, or "
        "a generic reply to praise or a need.",
    ),
    _brand(
        "complaints_dismissed",
        "Complaints dismissed",
        "posts",
        LOWER,
        "Complaints a person read and dismissed as irrelevant, or left because the policy does "
        "not answer complaints (they saw through a wrong label).",
    ),
    _brand(
        "complaints_fixed",
        "Complaints fixed",
        "posts",
        HIGHER,
        "Answered complaints whose problem the reply fixed.",
    ),
    _brand(
        "complex_answered",
        "Expert complaints answered",
        "posts",
        NEUTRAL,
        "Answered complaints that need an expert to be fixed, whoever answered them.",
    ),
    _brand(
        "complex_fixed",
        "Expert complaints fixed",
        "posts",
        HIGHER,
        "Complaints that need an expert, answered and fixed.",
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
        kind=Kind.LEVEL,
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
        kind=Kind.AVERAGE,
    ),
    _brand(
        "response_time_p90",
        "90th-percentile response time",
        "hours",
        LOWER,
        "90th percentile of the same (NaN if none).",
        kind=Kind.AVERAGE,
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
        "Loyalty change, brand content",
        "points",
        HIGHER,
        "Total loyalty change of the people reached by today's brand posts (directly or "
        "through shares): the posts' worth after wear-out, likes, sharers' endorsements.",
    ),
    _brand(
        "proactive_contacts",
        "Unsolicited contacts",
        "people",
        NEUTRAL,
        "Unsolicited contacts made.",
    ),
    _brand("backlash", "Backlash", "people", LOWER, "Unsolicited contacts that felt intrusive."),
    _brand(
        "broadcasts",
        "Brand posts",
        "posts",
        NEUTRAL,
        "Brand posts published today (the content calendar and the policy's broadcast share).",
    ),
    _brand(
        "content_hours",
        "Staff hours on content",
        "hours",
        NEUTRAL,
        "Care-team hours today's brand content took from replies.",
    ),
    _brand(
        "staff_cost",
        "Staff cost",
        "currency",
        LOWER,
        "Cost of the day: frontline hours times their hourly cost (surge staff at "
        "policy.surge_premium times it), expert hours spent on the team's complaints times "
        "theirs, plus compensation.",
        kind=Kind.COST,
    ),
    _brand(
        "staff_on_duty",
        "Staff on duty",
        "people",
        NEUTRAL,
        "People in the care team today, surge staff included.",
        kind=Kind.AVERAGE,
    ),
    _brand(
        "response_hours",
        "Hours to reply, summed",
        "hours",
        NEUTRAL,
        "Hours from post to reply, summed over today's replies to real posts.",
    ),
    _brand(
        "mentions",
        "Brand mentions",
        "posts",
        NEUTRAL,
        "Posts mentioning the brand today: the relevant posts and the irrelevant chatter "
        "listening scans.",
    ),
    _brand(
        "escalated",
        "Escalations",
        "posts",
        NEUTRAL,
        "Complaints the frontline passed on to the experts today.",
    ),
    _brand(
        "frontline_hours",
        "Frontline hours worked",
        "hours",
        NEUTRAL,
        "Hours the frontline spent on the items it started today.",
    ),
    _brand(
        "expert_hours",
        "Expert hours worked",
        "hours",
        NEUTRAL,
        "Hours the experts spent on the items they started today (paid as worked).",
    ),
    _brand(
        "complaints_unheard",
        "Complaints never heard",
        "posts",
        LOWER,
        "Complaints posted today that the listening system did not flag.",
    ),
)
"""The recorded KPIs, in the order of the daily record."""
