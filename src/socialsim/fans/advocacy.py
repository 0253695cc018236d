"""Advocates defend the brand and help other fans (seed 001: "your advocates will defend your
brand, help other customers with problems").

A public complaint is seen by the author's audience; each onlooker loses loyalty in proportion
to how much they identify with the author (:mod:`socialsim.fans.identification`). Every advocate in
that audience answers the complaint with probability ``advocacy.defend_prob``; a defended
complaint hurts onlookers ``1 - advocacy.defence_dampening`` times as much. Likewise each
advocate who sees a need or question helps with probability ``advocacy.help_prob``; a helped
person gains ``advocacy.help_effect``. With ``A`` advocates watching, the chance of at least one
answer is ``1 - (1 - p)^A``.

Recruiting new fans, the advocates' third role, is in :mod:`socialsim.fans.recruitment`.
"""

from __future__ import annotations

import numpy as np

from socialsim.chance import at_least_once
from socialsim.fans.identification import spread
from socialsim.network.graph import SocialGraph
from socialsim.population import Population
from socialsim.posts import PostKind, Posts
from socialsim.scenario import AdvocacyParams, ExperienceParams, IdentificationParams

__all__ = ["advocates_watching", "complaints_seen", "needs_helped"]


def advocates_watching(graph: SocialGraph, pop: Population, authors: np.ndarray) -> np.ndarray:
    """How many advocates are in each author's audience."""
    arcs = graph.arcs_from(authors)
    per_arc = pop.is_advocate(graph.indices[arcs])
    owner = np.repeat(np.arange(authors.size), graph.out_degree[authors])
    return np.bincount(owner, weights=per_arc, minlength=authors.size).astype(np.int64)


def complaints_seen(
    graph: SocialGraph,
    pop: Population,
    posts: Posts,
    experiences: ExperienceParams,
    advocacy: AdvocacyParams,
    identification: IdentificationParams,
    *,
    seed: np.random.Generator,
    effect_scale: np.ndarray | None = None,
) -> int:
    """Onlookers see today's complaints, some of which advocates defend; returns the defences.

    Parameters
    ----------
    effect_scale : numpy.ndarray, optional
        A factor per complaint on its effect on onlookers (the brand's public reply changes
        it); 1 for every complaint when omitted.
    """
    authors = posts.of_kind(PostKind.COMPLAINT)
    if authors.size == 0:  # a quiet day: the steps below cost about as much on no posts
        return 0
    watching = advocates_watching(graph, pop, authors)
    defended = seed.random(authors.size) < at_least_once(advocacy.defend_prob, watching)
    harm = np.where(defended, 1.0 - advocacy.defence_dampening, 1.0) * experiences.complaint_effect
    if effect_scale is not None:
        harm = harm * effect_scale
    onlookers, felt = spread(graph, authors, -harm, pop.segment, identification.cross_segment)
    pop.feel_at(onlookers, felt)
    return int(np.count_nonzero(defended))


def needs_helped(
    graph: SocialGraph,
    pop: Population,
    posts: Posts,
    advocacy: AdvocacyParams,
    *,
    seed: np.random.Generator,
) -> np.ndarray:
    """Advocates help people who posted a need; returns a mask, per need post, of those helped."""
    authors = posts.of_kind(PostKind.NEED)
    if authors.size == 0:
        return np.zeros(0, dtype=bool)
    watching = advocates_watching(graph, pop, authors)
    helped = seed.random(authors.size) < at_least_once(advocacy.help_prob, watching)
    pop.shift(authors[helped], advocacy.help_effect)
    return helped
