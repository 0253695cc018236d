"""Word of mouth: fans talk about the brand to the people who see their posts.

Promoters talk positively, passives seldom and mildly, detractors negatively, and recently
churned fans may keep talking negatively for a while. A listener's loyalty moves by the sum of
what they hear, each message weighted by tie strength and by how much the listener identifies
with the talker (:mod:`socialsim.identification`), negative messages weighted
``wom.negativity`` times a positive one. Attention saturates: the day's shift is
``max_daily_shift · tanh(effect · S / max_daily_shift)`` for a weighted sum ``S`` of messages,
linear (``effect · S``) for the few messages most people hear and bounded for hubs.
"""

from __future__ import annotations

import numpy as np

from socialsim.chance import hazard
from socialsim.graph import SocialGraph
from socialsim.identification import spread
from socialsim.population import DETRACTOR, PROMOTER, Population, Status
from socialsim.scenario import ChurnParams, IdentificationParams, WordOfMouthParams

__all__ = ["talk"]


def talk(
    graph: SocialGraph,
    pop: Population,
    params: WordOfMouthParams,
    identification: IdentificationParams,
    churn: ChurnParams,
    day: int,
    *,
    seed: np.random.Generator,
) -> tuple[np.ndarray, dict[str, int]]:
    """One day of word of mouth.

    Returns
    -------
    talkers : numpy.ndarray of int64
        Who talked today (advocates among them recommend the brand, see
        :mod:`socialsim.recruitment`).
    counts : dict
        ``wom_positive`` and ``wom_negative``: how many talked positively and negatively.
    """
    rate = np.array(
        [0.0, params.promoter_rate, params.passive_rate, params.detractor_rate, churn.bitter_rate]
    )
    valence = np.array([0.0, 1.0, params.passive_valence, -params.negativity, -params.negativity])
    # Nobody talks faster than the fastest role: people are drawn at that rate, and their roles
    # are worked out for those few alone.
    maybe, e = pop.by_activity.draw(hazard(rate.max()), seed=seed)
    loyalty, status = pop.loyalty[maybe], pop.status[maybe]
    # Who a person is as a talker: 0 silent, 1 promoter, 2 passive, 3 detractor, 4 bitter.
    role = np.ones(maybe.size, dtype=np.int8)
    role += loyalty < PROMOTER
    role += loyalty < DETRACTOR
    role *= status == Status.FAN
    role[(status == Status.CHURNED) & (day - pop.churn_day[maybe] <= churn.bitter_days)] = 4
    talks = e < pop.activity[maybe] * hazard(rate)[role]
    talkers = maybe[talks]
    said = valence[role[talks]]
    listeners, heard = spread(graph, talkers, said, pop.segment, identification.cross_segment)
    cap = params.max_daily_shift
    with np.errstate(over="ignore"):  # a tiny cap saturates: tanh(±inf) = ±1 is right
        pop.feel_at(listeners, cap * np.tanh(params.effect * heard / cap))
    return talkers, {
        "wom_positive": int(np.count_nonzero(said > 0)),
        "wom_negative": int(np.count_nonzero(said < 0)),
    }
