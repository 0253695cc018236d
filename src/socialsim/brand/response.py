"""What a response does: to its author, to onlookers, to people who identify with the author.

To the author
    A reply moves the author's loyalty by an amount that depends on what was posted and how the
    brand answered (a fix, a reply without a fix, compensation, a thank-you, an answer to a
    need) times a speed factor ``f(d) = floor + (1 − floor) · exp(−d / τ)`` of the delay ``d`` in
    hours: a fast reply is worth far more than a slow one (a reply within six minutes was worth
    about $20 to airline customers, after an hour about $2.33; Twitter / Applied Marketing
    Science 2016). A reply to the wrong kind of post (listening mislabelled it) costs
    ``botch_penalty``; a complaint that is never answered (not caught, not answered by policy,
    or dropped from the queue) costs ``ignored_penalty``. Each answered complaint raises the
    author's propensity to complain again by ``squeaky_wheel`` (Ma, Sun & Kekre 2015): a state
    of its own, separate from loyalty. A prospect whose stated need is answered may become a
    fan (social selling, seed 003).
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
"culture of when"). A broadcast reaches a share ``broadcast_reach`` of fans with an effect
``broadcast_gain · broadcast_relevance · exp(−b / broadcast_wearout)``, ``b`` being the
broadcasts of the past week: one-way content wears out (seeds 000 and 002).
"""

from __future__ import annotations

import numpy as np

from socialsim.brand.care_team import Queue
from socialsim.brand.policy import PolicyParams
from socialsim.fans.identification import identification, spread
from socialsim.network.graph import SocialGraph, sum_by
from socialsim.population import Population, Status
from socialsim.posts import PostKind
from socialsim.scenario import IdentificationParams, ResponseParams

__all__ = ["answer", "broadcast", "ignore", "reach_out", "speed_factor"]


def speed_factor(delay_hours: np.ndarray, params: ResponseParams) -> np.ndarray:
    """Share of a reply's value left after a delay (hours).

    >>> from socialsim.scenario import ResponseParams
    >>> speed_factor(np.array([0.0, 0.1, 1.0, 24.0]), ResponseParams()).round(2).tolist()
    [1.0, 0.7, 0.12, 0.1]
    """
    with np.errstate(over="ignore"):  # a tiny time constant: exp(-inf) = 0 is right
        decay = np.exp(-delay_hours / params.speed_hours)
    return params.speed_floor + (1 - params.speed_floor) * decay


class Spillover:
    """What the day's interactions do to people other than their authors."""

    def __init__(
        self,
        graph: SocialGraph,
        pop: Population,
        ident: IdentificationParams,
        params: ResponseParams,
    ) -> None:
        self.graph, self.pop, self.ident, self.params = graph, pop, ident, params
        # What people felt, as (people, change) pieces: most days touch few people, and a
        # million-entry total would cost more than the day's interactions.
        self.pieces: list[tuple[np.ndarray, np.ndarray]] = []
        self.reached = 0.0

    def seen_by_audience(self, authors: np.ndarray, author_change: np.ndarray) -> None:
        """A public interaction's effect on the authors' audiences."""
        share = self.params.visibility * self.params.onlooker_share
        if share == 0 or authors.size == 0:
            return
        self.pieces.append(
            spread(
                self.graph,
                authors,
                share * author_change,
                self.pop.segment,
                self.ident.cross_segment,
            )
        )
        self.reached += self.params.visibility * float(self.graph.out_degree[authors].sum())

    def amplified(
        self, authors: np.ndarray, author_change: np.ndarray, seed: np.random.Generator
    ) -> None:
        """An amplified interaction reaches people beyond the authors' ties."""
        reach = self.params.amplify_reach
        if reach == 0 or authors.size == 0:
            return
        listeners = np.flatnonzero(self.pop.listening)
        if listeners.size == 0:
            return
        targets = listeners[seed.integers(0, listeners.size, size=(authors.size, reach))]
        sources = np.repeat(authors, reach)
        weight = identification(
            self.pop.segment[sources], self.pop.segment[targets.ravel()], self.ident.cross_segment
        )
        self.pieces.append(
            (targets.ravel(), self.params.onlooker_share * np.repeat(author_change, reach) * weight)
        )
        self.reached += float(targets.size)

    def apply(self) -> float:
        """Move the onlookers' loyalty; returns the total change felt by those still listening."""
        if not self.pieces:
            return 0.0
        people, felt = sum_by(
            np.concatenate([p for p, _ in self.pieces]),
            np.concatenate([f for _, f in self.pieces]),
            len(self.pop),
        )
        listening = self.pop.status[people] != Status.CHURNED
        self.pop.feel_at(people, felt)
        return float(felt[listening].sum())


def answer(
    pop: Population,
    answered: Queue,
    delay: np.ndarray,
    policy: PolicyParams,
    params: ResponseParams,
    spillover: Spillover,
    day: int,
    *,
    seed: np.random.Generator,
) -> dict[str, float]:
    """Apply the effect of the day's replies; returns counts for the KPIs."""
    real = answered.author >= 0
    author, kind, label, delay = (
        answered.author[real],
        answered.kind[real],
        answered.label[real],
        delay[real],
    )
    matched = kind == label
    fixed = seed.random(author.size) < policy.fix_rate
    speed = speed_factor(delay, params)
    complaint_gain = np.where(
        fixed,
        params.complaint_fixed_gain + policy.compensate * params.compensation_gain,
        params.complaint_reply_gain,
    )
    gain = np.array([0.0, params.thanks_gain, params.need_gain])[kind]
    complaint = kind == PostKind.COMPLAINT
    gain[complaint] = complaint_gain[complaint]
    change = np.where(matched, gain * speed, -params.botch_penalty)
    pop.shift(author, change)
    np.add.at(pop.responses_received, author, 1)
    pop.last_contact[author] = day

    complaints = author[matched & (kind == PostKind.COMPLAINT)]
    np.add.at(pop.complaint_propensity, complaints, params.squeaky_wheel)
    asked = author[matched & (kind == PostKind.NEED)]
    asked = asked[pop.status[asked] == Status.PROSPECT]
    won = asked[seed.random(asked.size) < params.need_conversion]
    pop.status[won] = Status.FAN

    if policy.channel == "public":
        spillover.seen_by_audience(author, change)
        if policy.amplify:
            praised = matched & (kind == PostKind.PRAISE)
            spillover.amplified(author[praised], change[praised], seed)
    compensated = (
        int(np.count_nonzero(matched & fixed & (kind == PostKind.COMPLAINT))) * policy.compensate
    )
    return {
        "false_positives_handled": int(np.count_nonzero(~real)),
        "responses_complaint": int(np.count_nonzero(matched & (kind == PostKind.COMPLAINT))),
        "responses_praise": int(np.count_nonzero(matched & (kind == PostKind.PRAISE))),
        "responses_need": int(np.count_nonzero(matched & (kind == PostKind.NEED))),
        "botched": int(np.count_nonzero(~matched)),
        "new_fans_answered": int(won.size),
        "loyalty_change_authors": float(change.sum()),
        "compensations": compensated,
    }


def ignore(
    pop: Population, complainers: np.ndarray, params: ResponseParams, spillover: Spillover
) -> float:
    """Complaints nobody answered: the authors, and onlookers, hold it against the brand."""
    change = np.full(complainers.size, -params.ignored_penalty)
    pop.shift(complainers, change)
    spillover.seen_by_audience(complainers, change)
    return float(change.sum())


def reach_out(
    pop: Population,
    contacts: int,
    asked: np.ndarray,
    params: ResponseParams,
    day: int,
    *,
    seed: np.random.Generator,
) -> dict[str, float]:
    """Contact ``contacts`` fans who asked for nothing today (``asked`` lists who did)."""
    if contacts == 0:  # the usual case; finding the candidates costs a pass over everyone
        return {"proactive_contacts": 0, "backlash": 0}
    candidates = np.flatnonzero(pop.fans)
    candidates = candidates[~np.isin(candidates, asked)]
    chosen = seed.choice(candidates, size=min(contacts, candidates.size), replace=False)
    intrusive = seed.random(chosen.size) < 1 - (1 - params.backlash) ** (
        1 + pop.unsolicited_received[chosen]
    )
    change = np.where(intrusive, -params.backlash_penalty, params.unsolicited_gain)
    pop.shift(chosen, change)
    pop.unsolicited_received[chosen] += 1
    pop.last_contact[chosen] = day
    return {"proactive_contacts": int(chosen.size), "backlash": int(np.count_nonzero(intrusive))}


def broadcast(
    pop: Population,
    count: int,
    past_week: int,
    params: ResponseParams,
    *,
    seed: np.random.Generator,
) -> float:
    """Push ``count`` broadcasts to fans; returns the total loyalty change."""
    if count == 0:
        return 0.0
    fans = np.flatnonzero(pop.fans)
    seen = seed.binomial(count, params.broadcast_reach, size=fans.size)
    worth = (
        params.broadcast_gain
        * params.broadcast_relevance
        * np.exp(-past_week / params.broadcast_wearout)
    )
    change = np.zeros(len(pop))
    change[fans] = seen * worth
    pop.feel(change)
    return float(change.sum())
