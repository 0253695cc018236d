"""What a response does: to its author, to onlookers, to people who identify with the author.

To the author
    A reply moves the author's loyalty by an amount that depends on what was posted and how the
    brand answered (a fix, a reply without a fix, compensation, a thank-you, an answer to a
    need) times a speed factor ``f(d) = floor + (1 − floor) · exp(−d / τ)`` of the delay ``d`` in
    hours. The time constant is about an hour (``response.speed_hours``): most people who
    complain expect a reply within the hour (references-brand.md §1), and the stated-preference
    premiums of the Twitter / Applied Marketing Science studies are mostly gone after it; a late
    reply keeps ``speed_floor`` of its value, as a late reply still beats silence. Whether a
    complaint is fixed depends on who handled it and how long it waited
    (:func:`~socialsim.brand.care_team.fix_chance`). A reply that followed a wrong label (the
    person handling the post did not see through listening's mistake) is a wrong answer to a
    complaint, costing ``botch_penalty``, and a generic reply to praise or a need, worth
    ``generic_gain``; a complaint that is never answered (not caught, not answered by policy,
    dismissed, or dropped from the queue) costs ``ignored_penalty``. Each answered complaint
    raises the author's propensity to complain again by ``squeaky_wheel`` (Ma, Sun & Kekre
    2015): a state of its own, separate from loyalty. A prospect whose stated need is answered
    may become a fan (social selling, seed 003).
Through connections (seed 001, mechanism 1)
    A public interaction, answered or ignored, is seen by a share ``visibility`` of the author's
    audience; each onlooker's loyalty moves by ``onlooker_share`` of the author's change
    (Schaefers & Schamari 2016; Hogreve et al. 2019: visible recovery helps, failed recovery
    hurts). A private reply is seen by the author alone.
Through peer identification (seed 001, mechanism 2)
    What an onlooker feels is scaled by how much they identify with the author
    (:mod:`socialsim.fans.identification`). An amplified interaction (policy ``amplify``) also
    reaches ``amplify_reach`` people beyond the author's ties, each feeling it in proportion
    to their identification with the author.
Through advocates (seed 001, mechanism 3)
    Replies that make promoters feed recruitment and defence (:mod:`socialsim.fans.recruitment`,
    :mod:`socialsim.fans.advocacy`) without any extra rule.

Proactive outreach to people who asked for nothing wins ``unsolicited_gain`` unless it feels
intrusive, which a first contact does with probability ``backlash`` and each further contact
more often: ``1 − (1 − backlash)^(1 + earlier contacts)`` (van Noort & Willemsen 2012; seed 003's
"culture of when"). The brand's own content, broadcast, is :mod:`socialsim.fans.content`.

Every reply, botched or not, and every contact is logged (:mod:`socialsim.interactions`): a
reply that fits the post is a two-way interaction that deepens the relationship
(:mod:`socialsim.fans.depth`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.brand.compiled_back import onlookers_day, replies_day, replies_due
from socialsim.day import Counts, phase
from socialsim.fans.identification import arcs, identification
from socialsim.interactions import Channel, Kind
from socialsim.kernels import stream_handle
from socialsim.network.graph import work_table
from socialsim.posts import PostKind
from socialsim.scenario import ResponseParams

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["onlookers", "outreach", "replies", "speed_factor"]


def speed_factor(delay_hours: np.ndarray, params: ResponseParams) -> np.ndarray:
    """Share of a reply's value left after a delay (hours).

    >>> from socialsim.scenario import ResponseParams
    >>> speed_factor(np.array([0.0, 0.1, 1.0, 24.0]), ResponseParams()).round(2).tolist()
    [1.0, 0.92, 0.46, 0.15]
    """
    with np.errstate(over="ignore"):  # a tiny time constant: exp(-inf) = 0 is right
        decay = np.exp(-delay_hours / params.speed_hours)
    return params.speed_floor + (1 - params.speed_floor) * decay


_REPLY_KPIS = (
    "false_positives_handled",
    "responses_complaint",
    "responses_praise",
    "responses_need",
    "botched",
    "complaints_dismissed",
    "complaints_fixed",
    "complex_answered",
    "complex_fixed",
    "new_fans_answered",
    "loyalty_change_authors",
)


@phase("replies", kpis=_REPLY_KPIS)
def replies(day: Day, rng: np.random.Generator) -> Counts:
    """What today's handled items (``day.answered``) and unanswered complaints do to their authors.

    Each reply is as the policy decided it (``day.answered.how``): channel, fix, compensation;
    a reply that followed a wrong label is a wrong or generic answer. A complaint is
    unanswered if it was posted today and did not join the queue (not heard, or not answered
    by policy), or was dismissed as irrelevant or dropped from the queue today. Public
    interactions are left in ``day.seen`` (and ``day.amplified``) for the onlookers.
    """
    if not (len(day.answered) or len(day.missed) or len(day.posts)):
        # Nothing answered, dropped or posted: no reply to draw for, no complaint ignored.
        return dict(_NO_REPLIES)
    return _replies(day, rng)


def _replies(day: Day, rng: np.random.Generator) -> Counts:
    """:func:`replies`, on any day."""
    pop, params, handled, delay = (
        day.population,
        day.scenario.response,
        day.answered,
        day.response_time,
    )
    replied, late = np.empty(len(handled), np.bool_), np.empty((2, len(handled)))
    hours = (day.scenario.team.fix_patience_hours, params.speed_hours)
    _, false_positives = replies_due(handled.author, handled.outcome, delay, hours, replied, late)
    np.exp(late, out=late)  # fix_chance's lateness and speed_factor's decay
    rates = (day.scenario.policy.fix_rate, day.scenario.team.frontline_skill, params.speed_floor)
    rates += (params.squeaky_wheel, params.need_conversion, params.ignored_penalty)
    rates += (pop.damping if pop.max_depth > 0.0 else 0.0,)  # as Population.shift
    people = (pop.loyalty, pop.depth, pop.responses_received, pop.last_contact)
    people += (pop.complaint_propensity, pop.status, pop.join_day)
    posts, queued, missed, log = day.posts, day.queued, day.missed, pop.log
    start = log.reserve(day.t, len(handled))  # room to log a reply to every handled item
    logged, seen, amplified, tally, total = replies_day(
        stream_handle(rng),
        (handled.wide, handled.narrow, delay),
        late,
        replied,
        ((posts.author, posts.kind), (queued.wide, queued.narrow), (missed.wide, missed.narrow)),
        people,
        rates,
        _gains(params),
        day.t,
        (log.buffers(), start, pop.last_interaction, pop.last_engaged),
    )
    log.wrote(day.t, logged)
    if seen[0].size:
        day.seen.append(seen)
    if amplified[0].size:
        day.amplified.append(amplified)
    day.compensations = tally[7]
    return {
        "false_positives_handled": false_positives,
        "responses_complaint": tally[0],
        "responses_praise": tally[1],
        "responses_need": tally[2],
        "botched": tally[3],
        "complaints_dismissed": tally[8],
        "complaints_fixed": tally[4],
        "complex_answered": tally[5],
        "complex_fixed": tally[6],
        "new_fans_answered": tally[9],
        "loyalty_change_authors": total,
    }


_NO_REPLIES: Counts = {**dict.fromkeys(_REPLY_KPIS, 0), "loyalty_change_authors": 0.0}


def _gains(p: ResponseParams) -> tuple[float, ...]:
    """What a reply can do, in the order :func:`~socialsim.brand.compiled.replies_change` reads."""
    return (
        p.complaint_fixed_gain,
        p.compensation_gain,
        p.complaint_reply_gain,
        p.thanks_gain,
        p.need_gain,
        p.botch_penalty,
        p.generic_gain,
    )


@phase("outreach", kpis=("proactive_contacts", "backlash"))
def outreach(day: Day, rng: np.random.Generator) -> Counts:
    """Contact ``day.plan.contacts`` fans who, as far as the brand can see, asked for nothing
    today: the fans but those its listening showed with a post labelled a need (a need it
    missed it cannot know of, and a false positive's stand-in looks like any author)."""
    if day.plan.contacts == 0:  # the usual case; finding the candidates costs a pass over everyone
        return {"proactive_contacts": 0, "backlash": 0}
    pop, params = day.population, day.scenario.response
    candidates = np.flatnonzero(pop.fans)
    asked = day.listed[day.flagged.label == PostKind.NEED]
    candidates = candidates[~np.isin(candidates, asked)]
    chosen = rng.choice(candidates, size=min(day.plan.contacts, candidates.size), replace=False)
    intrusive = rng.random(chosen.size) < 1 - (1 - params.backlash) ** (
        1 + pop.unsolicited_received[chosen]
    )
    change = np.where(intrusive, -params.backlash_penalty, params.unsolicited_gain)
    pop.shift(chosen, change)
    pop.unsolicited_received[chosen] += 1
    pop.last_contact[chosen] = day.t
    hour = day.scenario.team.start_hour  # contacts are made in working hours
    pop.record(chosen, day=day.t, hour=hour, kind=Kind.CONTACT, channel=Channel.PRIVATE)
    return {"proactive_contacts": int(chosen.size), "backlash": int(np.count_nonzero(intrusive))}


@phase("onlookers", kpis=("loyalty_change_onlookers", "onlookers_reached"))
def onlookers(day: Day, rng: np.random.Generator) -> Counts:
    """What the day's public interactions (``day.seen``, ``day.amplified``) do to others.

    Everyone's share is summed first and applied at once, so the order of the interactions
    does not matter. What people felt is kept as (people, change) pieces: most days touch few
    people, and a million-entry total would cost more than the day's interactions.
    """
    if not (day.seen or day.amplified):  # nothing public today: no one to move, nothing drawn
        return {"loyalty_change_onlookers": 0.0, "onlookers_reached": 0.0}
    params, pop = day.scenario.response, day.population
    share = params.visibility * params.onlooker_share
    seen = _NOTHING_SEEN
    if day.seen and share != 0:
        seen = day.seen[0] if len(day.seen) == 1 else (_joined(day.seen, 0), _joined(day.seen, 1))
    amplified = [felt for a in day.amplified if (felt := _amplify(day, *a, rng)) is not None]
    extra = _NOTHING_SEEN
    if amplified:
        extra = (
            amplified[0] if len(amplified) == 1 else (_joined(amplified, 0), _joined(amplified, 1))
        )
    total, audience = onlookers_day(
        arcs(day.graph),
        (seen[0], seen[1], share),
        extra,
        (pop.segment, pop.status, pop.loyalty, pop.depth),
        pop.damping if pop.max_depth > 0.0 else 0.0,  # as Population.feel_at
        day.scenario.identification.cross_segment,
        work_table(day.graph.n_nodes),
    )
    reached = 0.0
    if seen[0].size:
        reached += params.visibility * float(audience)
    for piece in amplified:
        reached += float(piece[0].size)
    return {"loyalty_change_onlookers": total, "onlookers_reached": reached}


_NOTHING_SEEN = (np.empty(0, np.int64), np.empty(0))


def _amplify(
    day: Day, authors: np.ndarray, change: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray] | None:
    """An amplified interaction reaches ``amplify_reach`` random listeners per author."""
    pop, reach = day.population, day.scenario.response.amplify_reach
    if reach == 0 or authors.size == 0:
        return None
    listeners = np.flatnonzero(pop.listening)
    if listeners.size == 0:
        return None
    targets = listeners[rng.integers(0, listeners.size, size=(authors.size, reach))].ravel()
    sources = np.repeat(authors, reach)
    cross = day.scenario.identification.cross_segment
    weight = identification(pop.segment[sources], pop.segment[targets], cross)
    share = day.scenario.response.onlooker_share
    return targets, share * np.repeat(change, reach) * weight


def _joined(pieces: list[tuple[np.ndarray, np.ndarray]], part: int) -> np.ndarray:
    """One part of each piece (the people, or what they felt), one after the other."""
    return np.concatenate([piece[part] for piece in pieces])
