"""The relationship side's parameters: the ``content`` and ``relationship`` sections.

``content`` is what the brand's posts are (a lever: how relevant; an assumption: the staff hours
one takes) and what people do with a post (estimates: organic reach, half-life, wear-out, the
chances to like, comment and share); how many posts a day is the policy's content calendar
(``policy.posts_per_day``, ``policy.broadcast_share``, :mod:`socialsim.brand.policies.calendar`). ``relationship`` is a person's depth of relationship with the
brand, separate from loyalty, and the attitude prospects bring with them when they join. The
processes are in :mod:`socialsim.fans.content` and :mod:`socialsim.fans.depth`; the sources
of the defaults are in ``docs/model.md`` (§7.12, §7.13) and ``references-brand.md`` §6, §7.

This module declares parameters only, so that :mod:`socialsim.scenario` can register its
sections without importing the processes (which import the scenario).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from socialsim.assumptions import Lever, LogUniform, Uniform
from socialsim.constraints import Interval, Section, check_beta_sd, param

__all__ = ["ContentParams", "RelationshipParams"]

PROBABILITY = Interval(0, 1)
LOYALTY = Interval(0, 10)
POSITIVE = Interval(0, None, closed="neither")
SPLIT = "judgement: half to twice the default (the split of engagements is assumed)"


@dataclass(frozen=True)
class ContentParams(Section):
    """What the brand's posts are, and what fans do with a post.

    Examples
    --------
    >>> ContentParams().reach
    0.05
    >>> ContentParams(reach=2)
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'content.reach' parameter must be a float in [0, 1]. Got 2 instead.
    """

    section: ClassVar[str] = "content"
    relevance: float = param(
        0.5,
        PROBABILITY,
        "How relevant and good the brand's posts are to its fans: scales what a post is worth "
        "and the chances to like, comment and share it.",
        "lever",
        prior=Lever("how relevant and good its posts are, the brand decides"),
    )
    staff_hours_per_post: float = param(
        1.0,
        POSITIVE,
        "Care-team hours one post takes to write, design and publish; fractional.",
        "assumption, range 0.25–4",
        prior=LogUniform(0.25, 4.0, "assumption: a quarter of an hour to half a day a post"),
    )
    reach: float = param(
        0.05,
        PROBABILITY,
        "Share of fans (followers) a post reaches organically.",
        "Facebook brand pages: 6.15% in Feb 2014, 2.11% for pages over 500k likes (Manson, "
        "Social@Ogilvy 2014); range 0.02–0.16 (references-brand.md §6)",
        prior=LogUniform(0.02, 0.16, "references-brand.md §6: organic reach 2–16%"),
    )
    half_life_hours: float = param(
        2.0,
        POSITIVE,
        "Half-life of a post's attention, in hours: when in the day its likes, comments and "
        "shares come (within the day of posting).",
        "range 1–3 h: half of a tweet's impressions in about 80 min (Pfeffer et al. 2023), "
        "half of Facebook likes within 80 min (Visibli 2011) (references-brand.md §6)",
        prior=Uniform(1.0, 3.0, "references-brand.md §6: half-life 1–3 h"),
    )
    wearout_exposures: float = param(
        10.0,
        POSITIVE,
        "Recent exposures to brand posts at which a further post is worth 1/e of a fresh one.",
        "attitude peaks at about 10 exposures (Schmidt & Eisend 2015); range 3–20 "
        "(references-brand.md §6)",
        prior=LogUniform(3.0, 20.0, "references-brand.md §6: attitude peaks at 3–20 exposures"),
    )
    recovery_days: float = param(
        14.0,
        POSITIVE,
        "Time constant (days) in which a fan's count of recent exposures fades: wear-out "
        "recovers with time.",
        "assumption, range 7–42: annoyance from repetition fades within weeks (Kronrod & "
        "Huber 2018)",
        prior=Uniform(7.0, 42.0, "judgement: annoyance fades within weeks (Kronrod & Huber 2018)"),
    )
    exposure_gain: float = param(
        0.05,
        LOYALTY,
        "Loyalty a fresh, fully relevant post adds to a fan it reaches.",
        "assumption, range 0–0.1: home-page ads raised purchase intent 2% and awareness 4% "
        "over a campaign (Nielsen with Facebook 2010, secondary report); repetition raises "
        "brand attitude up to wear-out (Schmidt & Eisend 2015). Whether broadcast beats "
        "dialogue turns on it (docs/model.md §7.12)",
        prior=Uniform(0.0, 0.1, "judgement, from a campaign's 2–4% lift (Nielsen 2010)"),
    )
    like_rate: float = param(
        0.025,
        PROBABILITY,
        "Chance that a reached person likes a fresh, fully relevant post (at loyalty 10, "
        "activity 1, depth 0).",
        "assumption: likes, comments and shares together give 0.06–0.09% engagements per "
        "follower per post at reach 0.05 (Facebook, Rival IQ 2019, 2023); the split is an "
        "assumption",
        prior=LogUniform(0.0125, 0.05, SPLIT),
    )
    comment_rate: float = param(
        0.0025,
        PROBABILITY,
        "Chance that a reached person comments on the post (as like_rate).",
        "assumption (see like_rate)",
        prior=LogUniform(0.00125, 0.005, SPLIT),
    )
    share_rate: float = param(
        0.0025,
        PROBABILITY,
        "Chance that a reached person shares the post with their own audience (as like_rate).",
        "assumption within 0.1–1% per viewer (references-brand.md §6, unverified)",
        prior=LogUniform(0.001, 0.01, "references-brand.md §6: 0.1–1% per viewer (unverified)"),
    )
    advocate_share: float = param(
        2.0,
        Interval(1, None),
        "How many times more readily an advocate (a promoter fan) shares: advocates forward "
        "content with their implicit endorsement (seed 001).",
        "assumption, range 1–5",
        prior=Uniform(1.0, 5.0, "judgement"),
    )
    like_gain: float = param(
        0.0,
        LOYALTY,
        "Loyalty a like adds to the person who likes.",
        "liking a brand's page changed neither attitudes nor purchases (John et al. 2017); "
        "range 0–0.1 (references-brand.md §7)",
        prior=Uniform(0.0, 0.1, "references-brand.md §7: a like adds 0 to +0.1"),
    )


@dataclass(frozen=True)
class RelationshipParams(Section):
    """Depth of relationship, and the attitude prospects bring when they join.

    Examples
    --------
    >>> RelationshipParams().damping
    0.5
    """

    section: ClassVar[str] = "relationship"
    prospect_loyalty_mean: float = param(
        7.65,
        LOYALTY,
        "Mean attitude (0–10 likelihood to recommend) of prospects on day 0; a prospect who "
        "joins keeps it.",
        "customers who engage with brands on social media have an NPS 33 points higher (Bain, "
        "Barry et al. 2011): with loyalty_sd 1.5, NPS −9.6 against the fans' +24; range "
        "6.5–8.3 (8.3: no selection); 78% of fans were users before they liked the brand "
        "(Syncapse 2010, 2013)",
        prior=Uniform(6.5, 8.3, "Bain 2011 (33 NPS points) to no selection"),
    )
    prospect_loyalty_sd: float = param(
        1.5,
        Interval(0, 5),
        "Spread of prospects' attitude (a Beta law on [0, 10]); 0 gives everyone the mean.",
        "assumption: as the fans' (population.loyalty_sd)",
        prior=Uniform(1.0, 2.0, "judgement: as population.loyalty_sd"),
    )
    initial_depth: float = param(
        0.2,
        Interval(0, 1, closed="left"),
        "Mean depth of the fans of day 0, drawn from a Beta(1, b) law: most shallow, a few deep.",
        "assumption, range 0.05–0.4: at 0.2, 80% shallow, 19% engaged, 1% deep, close to "
        "participation inequality (90–9–1, Nielsen 2006; van Mierlo 2014)",
        prior=Uniform(0.05, 0.4, "judgement, around participation inequality (90–9–1)"),
    )
    depth_gain: float = param(
        0.2,
        PROBABILITY,
        "Share of the way to full depth that one two-way interaction (a reply, help received) "
        "covers; likes, follows and one-way content add none.",
        "assumption, range 0.05–0.5; deepening comes from two-way interactions, not likes "
        "(John et al. 2017; Manchanda et al. 2015; references-brand.md §7)",
        prior=Uniform(0.05, 0.5, "judgement"),
    )
    depth_memory_days: float = param(
        180.0,
        POSITIVE,
        "Time constant (days) of the fading of depth without two-way interactions.",
        "assumption, range 60–720",
        prior=LogUniform(60.0, 720.0, "judgement: two months to two years"),
    )
    damping: float = param(
        0.5,
        Interval(0, 1, closed="left"),
        "Share of every loyalty swing a fully deep person is spared (1 − damping · depth of "
        "each change is felt).",
        "direction: committed consumers resist negative information (Ahluwalia, Burnkrant & "
        "Unnava 2000); size an assumption, range 0–0.8",
        prior=Uniform(0.0, 0.8, "judgement; direction Ahluwalia, Burnkrant & Unnava (2000)"),
    )
    boost: float = param(
        1.0,
        Interval(0, 10),
        "How much full depth raises the rate of acts for the brand (like, comment, share, "
        "defend, help, a promoter's recommendation): the rate is times 1 + boost · depth.",
        "assumption, range 0–3; community posters and well-connected members gained most "
        "(Manchanda et al. 2015)",
        prior=Uniform(0.0, 3.0, "judgement; direction Manchanda et al. (2015)"),
    )
    churn_protection: float = param(
        0.5,
        Interval(0, 1, closed="left"),
        "Share of the churn hazard a fully deep fan is spared (times 1 − churn_protection · "
        "depth).",
        "assumption, range 0–0.8; direction: referred and community customers are retained "
        "better (Schmitt et al. 2011; Manchanda et al. 2015)",
        prior=Uniform(0.0, 0.8, "judgement; direction Schmitt et al. (2011)"),
    )

    def _check_together(self) -> None:
        check_beta_sd(
            "relationship.prospect_loyalty_sd",
            self.prospect_loyalty_sd,
            "prospect_loyalty_mean",
            self.prospect_loyalty_mean,
        )
