"""The whole configuration of a run: typed, immutable, in named sections, validated on creation.

A :class:`Scenario` is a set of sections (``graph``, ``population``, ``wom`` ...), each a frozen
dataclass whose fields are declared with :func:`~socialsim.constraints.param`. Scenarios load
from TOML files whose tables are the sections, and change by dotted key::

    scenario = Scenario.from_toml("my.toml").replace({"wom.negativity": 2.0})

Every bad value raises :class:`~socialsim.constraints.ConfigError`; nothing is clamped.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from socialsim.assumptions import Fixed, Lever, LogUniform, Triangular, Uniform
from socialsim.brand.policy import PolicyParams, expand_preset
from socialsim.brand.routing import ROUTINGS
from socialsim.constraints import (
    Boolean,
    ConfigError,
    Interval,
    Options,
    Section,
    Text,
    check_beta_sd,
    did_you_mean,
    other_kind,
    param,
    read_toml,
)
from socialsim.crisis import EarlyWarningParams, EscalationParams, ReactionParams, RootCauseParams
from socialsim.network.graph import MAX_NODES
from socialsim.relationship import ContentParams, RelationshipParams
from socialsim.streams import SEED
from socialsim.value import CostParams, ValueParams

__all__ = ["Scenario", "flatten_keys", "missing_files", "parse_value", "resolve_paths"]

PROBABILITY = Interval(0, 1)
NONNEGATIVE = Interval(0, None)
LOYALTY = Interval(0, 10)
#: A handling time in minutes: from a second to a day.
MINUTES = Interval(1 / 60, 1440)
#: The longest horizon: a century. The daily processes are set on months to years, and the bound
#: stops a mistyped horizon (1e9 days) at once instead of after weeks of running.
MAX_DAYS = 36_500

# Roles shared by many declarations (socialsim.assumptions); a prior's why cites its range.
HALF = "judgement: half to twice the default"
TOOL = Lever("the listening tool and its setup are the brand's to buy")
TEAM = Lever("the care team is the brand's to staff and run")


@dataclass(frozen=True)
class RunParams(Section):
    section: ClassVar[str] = "run"
    days: int = param(
        180,
        Interval(1, MAX_DAYS, integer=True),
        "Horizon in days (one step is a day); at most a century.",
        prior=Lever("the horizon the question asks about"),
    )
    seed: int = param(
        20261123,
        SEED,
        "Root seed of every random draw, used when the model is not handed an `rng`; a 64-bit "
        "int, as results stores keep it.",
        prior=Fixed("the root of the random draws; studies set it per replicate"),
    )


GRAPH_KINDS = (
    "barabasi_albert",
    "watts_strogatz",
    "erdos_renyi",
    "powerlaw_cluster",
    "stochastic_block",
    "configuration",
    "file",
)
# The settings under which a graph or recruitment parameter is read at all (a prior's only_if).
BY_ATTACHMENT = ("graph.kind", ("barabasi_albert", "powerlaw_cluster"))
BY_SMALL_WORLD = ("graph.kind", ("watts_strogatz",))
BY_CLUSTERING = ("graph.kind", ("powerlaw_cluster",))
BY_MEAN_DEGREE = ("graph.kind", ("erdos_renyi", "stochastic_block"))
BY_BLOCKS = ("graph.kind", ("stochastic_block",))
BY_DEGREES = ("graph.kind", ("configuration",))
BY_PITCHES = ("recruitment.rule", ("independent_cascade", "bass"))
BY_THRESHOLD = ("recruitment.rule", ("threshold",))


@dataclass(frozen=True)
class GraphParams(Section):
    section: ClassVar[str] = "graph"
    kind: str = param(
        "barabasi_albert",
        Options(GRAPH_KINDS),
        "Graph generator, or `file` to load `graph.path`.",
        "Barabási & Albert (1999): heavy-tailed audiences, as in follower graphs.",
        prior=Lever("the modeller's choice for the brand's audience"),
    )
    n: int = param(
        10_000,
        Interval(2, MAX_NODES, integer=True),
        "Number of people (nodes) a generator makes; a loaded graph (kind = 'file') has its "
        "file's. At most 2^31 - 1, as the graph numbers nodes with 32-bit ints.",
        prior=Lever("the size of the audience studied"),
    )
    m: int = param(
        5,
        Interval(1, None, integer=True),
        "Edges each new node brings (Barabási–Albert, Holme–Kim); mean degree is about 2m.",
        "assumption (mean degree 10)",
        prior=Uniform(2, 10, "judgement: a mean degree of 4–20", only_if=BY_ATTACHMENT),
    )
    k: int = param(
        10,
        Interval(2, None, integer=True),
        "Ring-lattice degree before rewiring (Watts–Strogatz).",
        prior=Uniform(4, 20, "judgement: as graph.m", step=2, only_if=BY_SMALL_WORLD),
    )
    p_rewire: float = param(
        0.1,
        PROBABILITY,
        "Rewiring probability (Watts–Strogatz).",
        prior=LogUniform(0.01, 0.3, "judgement: small worlds", only_if=BY_SMALL_WORLD),
    )
    p_triad: float = param(
        0.5,
        PROBABILITY,
        "Probability of closing a triangle after each attachment (Holme–Kim).",
        prior=Uniform(0.2, 0.8, "judgement: clustered", only_if=BY_CLUSTERING),
    )
    mean_degree: float = param(
        10.0,
        Interval(0, None, closed="neither"),
        "Mean degree (Erdős–Rényi, stochastic block model); the generator checks it against "
        "graph.n.",
        prior=Uniform(4, 20, "judgement: as graph.m", only_if=BY_MEAN_DEGREE),
    )
    homophily: float = param(
        0.8,
        PROBABILITY,
        "Share of a node's ties inside its own segment (stochastic block model).",
        "assumption; real friendship graphs show strong homophily (McPherson et al. 2001)",
        prior=Uniform(0.6, 0.95, "judgement, as the source", only_if=BY_BLOCKS),
    )
    exponent: float = param(
        2.5,
        Interval(2, None, closed="neither"),
        "Power-law exponent of the degree sequence (configuration model).",
        "typical of social graphs, 2 < γ < 3 (Barabási 2016, ch. 4)",
        prior=Uniform(2.1, 3.0, "as the source", only_if=BY_DEGREES),
    )
    path: str = param(
        "",
        Text(),
        "Edge list, CSV, GraphML or GEXF file (kind = 'file').",
        prior=Fixed("a file name, not a quantity"),
    )
    directed: bool = param(
        False,
        Boolean(),
        "Read the file's edges as follower arcs u -> v (v sees u's posts).",
        prior=Fixed("how the file's edges read: a fact of the data"),
    )
    attributes: str = param(
        "",
        Text(),
        "CSV of node attributes (node, segment, loyalty, status) for a loaded graph.",
        prior=Fixed("a file name, not a quantity"),
    )

    def _check_together(self) -> None:
        if self.kind == "file" and not self.path:
            raise ConfigError("graph.path", self.path, "a file path when graph.kind is 'file'")
        below_n = f"below graph.n = {self.n}"
        if self.kind in ("barabasi_albert", "powerlaw_cluster"):
            Interval(1, self.n - 1, integer=True, why=below_n).check("graph.m", self.m)
        if self.kind == "watts_strogatz":
            Interval(2, self.n - 1, integer=True, even=True, why=below_n).check("graph.k", self.k)


@dataclass(frozen=True)
class PopulationParams(Section):
    section: ClassVar[str] = "population"
    initial_fan_share: float = param(
        0.3,
        PROBABILITY,
        "Share of people who are fans on day 0; the rest are prospects.",
        prior=Uniform(0.15, 0.45, "judgement: ±50% of the default"),
    )
    loyalty_mean: float = param(
        8.3,
        LOYALTY,
        "Mean initial loyalty (0–10 likelihood to recommend).",
        "assumption: with loyalty_sd 1.5, 42% promoters and 18% detractors, NPS about +24",
        prior=Uniform(7.6, 9.0, "judgement: a starting NPS of about −15 to +60"),
    )
    loyalty_sd: float = param(
        1.5,
        NONNEGATIVE,
        "Spread of initial loyalty (a Beta law scaled to [0, 10]); 0 gives everyone the mean.",
        prior=Uniform(1.0, 2.0, "judgement"),
    )
    segments: int = param(
        4,
        Interval(1, MAX_NODES, integer=True),
        "Number of identity segments (generated graphs); segments are at most 32-bit ints.",
        prior=Uniform(2, 8, "judgement: a few identity groups"),
    )
    activity_sigma: float = param(
        1.0,
        Interval(0, 10),
        "Spread (log-sd) of the lognormal activity level; mean activity is 1. At 10 the median "
        "person is e^-50 times as active as the mean one; beyond, the draws overflow.",
        "assumption (heavy-tailed activity, few people post most)",
        prior=Uniform(1.0, 3.0, "the top 1% post 9–75% (references-brand.md §9)"),
    )

    def _check_together(self) -> None:
        check_beta_sd("population.loyalty_sd", self.loyalty_sd, "loyalty_mean", self.loyalty_mean)


@dataclass(frozen=True)
class IdentificationParams(Section):
    section: ClassVar[str] = "identification"
    cross_segment: float = param(
        0.3,
        PROBABILITY,
        "How much people identify with a peer of another segment (same segment = 1).",
        "assumption; people identify with similar peers (McPherson et al. 2001)",
        prior=Uniform(0.1, 0.6, "judgement"),
    )


@dataclass(frozen=True)
class ExperienceParams(Section):
    section: ClassVar[str] = "experiences"
    good_rate: float = param(
        0.02,
        PROBABILITY,
        "Daily probability of a good experience.",
        prior=Uniform(0.01, 0.04, HALF),
    )
    bad_rate: float = param(
        0.005,
        PROBABILITY,
        "Daily probability of a bad experience.",
        prior=Uniform(0.0025, 0.01, HALF),
    )
    good_impact: float = param(
        0.3, LOYALTY, "Loyalty gained from a good experience.", prior=Uniform(0.15, 0.6, HALF)
    )
    bad_impact: float = param(
        1.5,
        LOYALTY,
        "Loyalty lost from a bad experience.",
        "assumption; negative events weigh more (Baumeister et al. 2001)",
        prior=Uniform(0.75, 3.0, HALF),
    )
    complaint_rate: float = param(
        0.3,
        PROBABILITY,
        "Probability that a bad experience is complained about in public (at activity 1).",
        prior=Uniform(0.1, 0.5, "judgement"),
    )
    praise_rate: float = param(
        0.05,
        PROBABILITY,
        "Probability that a good experience is praised in public (at activity 1).",
        prior=Uniform(0.025, 0.1, HALF),
    )
    need_rate: float = param(
        0.002,
        PROBABILITY,
        "Daily probability of posting a need or question (at activity 1).",
        prior=Uniform(0.001, 0.004, HALF),
    )
    complaint_effect: float = param(
        0.2,
        LOYALTY,
        "Loyalty an onlooker loses on seeing a complaint of a peer they fully identify with.",
        prior=Uniform(0.1, 0.4, HALF),
    )

    def _check_together(self) -> None:
        Interval(0, 1 - self.bad_rate, why="so that good_rate + bad_rate <= 1").check(
            "experiences.good_rate", self.good_rate
        )


@dataclass(frozen=True)
class WordOfMouthParams(Section):
    section: ClassVar[str] = "wom"
    promoter_rate: float = param(
        0.03,
        PROBABILITY,
        "Daily probability that a promoter talks about the brand (at activity 1).",
        prior=Uniform(0.015, 0.06, HALF),
    )
    passive_rate: float = param(
        0.003,
        PROBABILITY,
        "Daily probability that a passive talks (positive, weakly) (at activity 1).",
        prior=Uniform(0.0015, 0.006, HALF),
    )
    detractor_rate: float = param(
        0.03,
        PROBABILITY,
        "Daily probability that a detractor talks (negative) (at activity 1).",
        prior=Uniform(0.015, 0.06, HALF),
    )
    passive_valence: float = param(
        0.2, PROBABILITY, "Valence of a passive's message.", prior=Uniform(0.1, 0.4, HALF)
    )
    effect: float = param(
        0.1,
        LOYALTY,
        "Loyalty a listener moves per message from a fully identified peer.",
        prior=Uniform(0.05, 0.2, HALF),
    )
    negativity: float = param(
        1.5,
        Interval(0, 10),
        "Weight of a negative message relative to a positive one.",
        "assumption within mixed evidence: East et al. (2008) find positive WOM often weighs "
        "more, Chevalier & Mayzlin (2006) one-star reviews more",
        prior=Triangular(0.5, 3.0, "as the source; references.md centres it on 1–2", mode=1.5),
    )
    max_daily_shift: float = param(
        1.0,
        Interval(0, 10, closed="right"),
        "Most a listener's loyalty can move from word of mouth in one day (attention saturates).",
        prior=Uniform(0.5, 2.0, HALF),
    )


@dataclass(frozen=True)
class RecruitmentParams(Section):
    section: ClassVar[str] = "recruitment"
    rule: str = param(
        "independent_cascade",
        Options(("independent_cascade", "threshold", "bass")),
        "How advocates turn prospects into fans.",
        "Kempe et al. (2003); Watts (2002); Bass (1969)",
        prior=Fixed("a modelling choice among published rules; sweep it"),
    )
    q: float = param(
        0.02,
        PROBABILITY,
        "Cascade: chance one advocate's pitch converts a prospect. Bass: imitation coefficient "
        "(per day).",
        "assumption; 12–14% of referrals convert (Kumar et al. 2007) but most exposures "
        "are not referrals",
        prior=LogUniform(0.005, 0.05, "judgement, as the source", only_if=BY_PITCHES),
    )
    one_chance: bool = param(
        False,
        Boolean(),
        "Cascade: an advocate pitches each prospect once (Kempe et al. 2003) instead of every "
        "time they talk (Goldenberg et al. 2001).",
        prior=Fixed("a modelling choice between published rules"),
    )
    threshold: float = param(
        0.2,
        PROBABILITY,
        "Threshold rule: share of advocate peers that converts a prospect (φ).",
        prior=Uniform(0.1, 0.4, "judgement", only_if=BY_THRESHOLD),
    )
    spontaneous_rate: float = param(
        0.0002,
        PROBABILITY,
        "Daily probability that a prospect becomes a fan without advocates (Bass p, per day).",
        "assumption: about 7% of prospects a year join unprompted",
        prior=LogUniform(0.0001, 0.0004, "judgement: 3.5–14% of prospects a year"),
    )


@dataclass(frozen=True)
class AdvocacyParams(Section):
    section: ClassVar[str] = "advocacy"
    defend_prob: float = param(
        0.1,
        PROBABILITY,
        "Chance that an advocate who sees a complaint answers it.",
        prior=LogUniform(0.005, 0.1, "references-brand.md §9"),
    )
    defence_dampening: float = param(
        0.5,
        PROBABILITY,
        "Share of a complaint's effect on onlookers that a defence removes.",
        prior=Uniform(0.25, 0.75, "judgement: Colliander & Wien (2013) give no rate"),
    )
    help_prob: float = param(
        0.05,
        PROBABILITY,
        "Chance that an advocate who sees a need or question helps.",
        prior=LogUniform(0.005, 0.1, "references-brand.md §9"),
    )
    help_effect: float = param(
        0.5, LOYALTY, "Loyalty a helped person gains.", prior=Uniform(0.25, 1.0, HALF)
    )


@dataclass(frozen=True)
class LoyaltyParams(Section):
    section: ClassVar[str] = "loyalty"
    memory_days: float = param(
        30.0,
        Interval(0, None, closed="neither"),
        "Time constant (days) of the drift back toward a fan's baseline.",
        "assumption (a half-life of about three weeks)",
        prior=LogUniform(10.0, 90.0, "judgement: a half-life of a week to two months"),
    )
    baseline_learning: float = param(
        0.01,
        PROBABILITY,
        "Daily share of the gap by which the baseline follows loyalty.",
        prior=LogUniform(0.005, 0.02, HALF),
    )


@dataclass(frozen=True)
class ChurnParams(Section):
    section: ClassVar[str] = "churn"
    base_rate: float = param(
        0.0004,
        PROBABILITY,
        "Daily churn probability at the reference loyalty.",
        "about 1.2% a month, within US wireless churn of 0.8–1.7% a month",
        prior=Uniform(0.000267, 0.000567, "0.8–1.7% a month, as the source"),
    )
    sensitivity: float = param(
        0.5,
        Interval(0, 5),
        "How fast churn grows per loyalty point below the reference.",
        prior=Uniform(0.25, 0.9, "judgement; churn at loyalty 0 stays a probability"),
    )
    reference_loyalty: float = param(
        7.0,
        LOYALTY,
        "Loyalty at which churn equals base_rate.",
        prior=Uniform(6.0, 8.0, "judgement: the passive band and below"),
    )
    bitter_days: int = param(
        30,
        Interval(0, MAX_DAYS, integer=True),
        "Days a churned fan may keep talking negatively (at most run.days can matter).",
        prior=Uniform(10, 60, "judgement: ten days to two months"),
    )
    bitter_rate: float = param(
        0.05,
        PROBABILITY,
        "Daily probability that a recently churned fan talks negatively (at activity 1).",
        prior=Uniform(0.02, 0.1, HALF),
    )

    def _check_together(self) -> None:
        Interval(
            0,
            self._largest_base_rate(),
            why="so that churn at loyalty 0, base_rate * exp(sensitivity * reference_loyalty), "
            "stays a probability",
        ).check("churn.base_rate", self.base_rate)

    def _largest_base_rate(self) -> float:
        """The largest base_rate whose churn at loyalty 0, as the model computes it (numpy's
        exp, then the product), is at most 1: ``exp(-s·L)`` alone can round a hair above."""
        growth = float(np.exp(self.sensitivity * self.reference_loyalty))
        largest = 1.0 / growth
        while largest * growth > 1.0:
            largest = math.nextafter(largest, 0.0)
        return largest


@dataclass(frozen=True)
class ListeningParams(Section):
    section: ClassVar[str] = "listening"
    recall: float = param(
        0.7,
        PROBABILITY,
        "Share of relevant posts (complaints, praise, needs) the listening system catches.",
        "references-brand.md §3, range 0.03–0.95: listening to @-mentions alone catches 3–70% "
        "of brand talk (Leibovitz 2013; Mention 2014), keyword listening most of it",
        prior=TOOL,
    )
    false_positive_rate: float = param(
        0.1,
        PROBABILITY,
        "Share of the irrelevant mentions (chatter) the system flags as relevant. Its "
        "precision is an outcome: it falls as chatter grows.",
        "precision 0.7 (range 0.3–0.9, references-brand.md §3) at recall 0.7 when a quarter of "
        "mentions need action; range 0.025–0.55 (docs/model.md §7.10.1)",
        prior=TOOL,
    )
    label_accuracy: float = param(
        0.75,
        PROBABILITY,
        "Chance a caught post is labelled with its true kind (and a complaint's 'needs an "
        "expert' tag is right).",
        "references-brand.md §3, range 0.6–0.9: best commercial tools about 0.6 on three "
        "classes (Cieliebak et al. 2013), about 0.9 precision on negatives (Ermakova et al. "
        "2021)",
        prior=TOOL,
    )
    chatter_rate: float = param(
        0.005,
        Interval(0, 100),
        "Irrelevant brand mentions a day per person in the population (fans, prospects and "
        "former fans alike); at most 100, as each one flagged is queued.",
        "calibrated: with talk_mentions, about a quarter of the default scenario's mentions "
        "need action (18% carry sentiment, 360i 2010; up to 35% with service questions, "
        "references-brand.md §3); range 0–0.02",
        prior=Uniform(0.0, 0.02, "calibrated range, 0–0.02"),
    )
    talk_mentions: float = param(
        0.5,
        PROBABILITY,
        "Share of word-of-mouth talk that is a public mention of the brand (chatter the "
        "listening system scans the next day).",
        "assumption, range 0.2–1: some talk is offline or private",
        prior=Uniform(0.2, 1.0, "assumption: some talk is offline or private"),
    )


@dataclass(frozen=True)
class TeamParams(Section):
    section: ClassVar[str] = "team"
    staff: int = param(
        2,
        Interval(0, 1_000_000, integer=True),
        "Frontline people in the care team (at most a million, more than any brand employs).",
        "assumption; Comcast's early Twitter team was about 10 (references-brand.md §4)",
        prior=TEAM,
    )
    experts: int = param(
        1,
        Interval(0, 1_000_000, integer=True),
        "Experts (second tier) the care team can hand complaints to, on the same hours.",
        "assumption",
        prior=TEAM,
    )
    reply_minutes: float = param(
        6.0,
        MINUTES,
        "Mean minutes a frontline person takes to answer a complaint or a need; also the unit "
        "in which proactive contacts and broadcasts take the team's time.",
        "references-brand.md §4, range 4–10: about 5 minutes (LiveAgent), 7–8 posts an "
        "agent-hour at KLM (2014)",
        prior=Uniform(4.0, 10.0, "references-brand.md §4: LiveAgent, KLM"),
    )
    thanks_minutes: float = param(
        2.0,
        MINUTES,
        "Mean minutes to thank someone for praise.",
        "assumption, range 1–3",
        prior=Uniform(1.0, 3.0, "assumption"),
    )
    triage_minutes: float = param(
        1.0,
        MINUTES,
        "Mean minutes to read a flagged item and dismiss it as irrelevant or pass it on to "
        "the experts.",
        "assumption, range 0.25–2: reading a post, well under a reply",
        prior=Uniform(0.25, 2.0, "assumption: reading a post"),
    )
    expert_minutes: float = param(
        20.0,
        MINUTES,
        "Mean minutes an expert takes over a complaint.",
        "assumption, range 10–45",
        prior=Uniform(10.0, 45.0, "assumption"),
    )
    handling_cv: float = param(
        1.0,
        Interval(0, 3),
        "Spread of handling times (coefficient of variation of a gamma law): 0 is a fixed "
        "time, 1 an exponential one.",
        "assumption, range 0.5–1.5: call-centre handling times are lognormal and about as "
        "spread as their mean (Brown et al. 2005)",
        prior=Uniform(0.5, 1.5, "call-centre handling times (Brown et al. 2005)"),
    )
    hours_per_day: float = param(
        8.0, Interval(0, 24, closed="right"), "Hours the team works a day.", prior=TEAM
    )
    start_hour: float = param(
        9.0, Interval(0, 24, closed="left"), "Hour the working day starts.", prior=TEAM
    )
    max_wait_hours: float = param(
        72.0,
        Interval(0, None, closed="neither"),
        "Posts still waiting at the end of a day after more than this many hours are dropped "
        "as missed.",
        prior=TEAM,
    )
    hourly_cost: float = param(
        30.0,
        NONNEGATIVE,
        "Cost of one frontline staff hour (currency units), paid for every working hour.",
        "references-brand.md §4, range 20–45: median US wage $15.5–20.6 an hour, loaded "
        "1.3–1.5 times, plus tools",
        prior=TEAM,
    )
    expert_hourly_cost: float = param(
        45.0,
        NONNEGATIVE,
        "Cost of one expert hour, paid for the hours experts spend on the team's complaints.",
        "assumption, range 35–70: 1.5 times a frontline hour",
        prior=TEAM,
    )
    expert_share: float = param(
        0.1,
        PROBABILITY,
        "Share of complaints that need an expert to be fixed.",
        "references-brand.md §4, range 0.05–0.15: about 10% of social queries escalated "
        "(LiveAgent); KLM opened a case for 11–14%",
        prior=Uniform(0.05, 0.15, "references-brand.md §4: LiveAgent, KLM"),
    )
    frontline_skill: float = param(
        0.3,
        PROBABILITY,
        "The frontline's chance of fixing a complaint that needs an expert, as a share of an "
        "expert's.",
        "assumption, range 0.1–0.5",
        prior=Uniform(0.1, 0.5, "assumption"),
    )
    fix_patience_hours: float = param(
        48.0,
        Interval(0, None, closed="neither"),
        "Time constant (hours) of the fall of an expert's chance to fix a complaint with the "
        "time since it was posted.",
        "assumption, range 12–168: social complaints are resolved in 24–48 hours (LiveAgent)",
        prior=LogUniform(12.0, 168.0, "assumption; LiveAgent: 24–48 h"),
    )
    routing: str = param(
        "tagged_to_experts",
        Options(ROUTINGS),
        "Default routing: complaints tagged as needing an expert go straight to the experts "
        "('tagged_to_experts'); everything goes to the frontline, which escalates ('escalate'); "
        "or the frontline handles everything ('frontline_only').",
        prior=TEAM,
    )
    error_rate: float = param(
        0.05,
        PROBABILITY,
        "Chance that a person handling an item misjudges it (dismisses a real post, follows a "
        "wrong label, answers a false positive) when the team is within its capacity.",
        "assumption, range 0.01–0.2: people disagree on the sentiment of a fifth or more of "
        "tweets (Mozetič et al. 2016), an upper bound for a careful reader",
        prior=Uniform(0.01, 0.2, "assumption; Mozetič et al. 2016 as an upper bound"),
    )
    overload_errors: float = param(
        0.5,
        Interval(0, 10),
        "How fast misjudgements rise once the team's work exceeds its capacity: the chance "
        "of getting it right falls by exp(-overload_errors · (utilisation - 1)).",
        "direction: overloaded service workers cut corners (Oliva & Sterman 2001; KC & "
        "Terwiesch 2009); size an assumption, range 0–2",
        prior=Uniform(0.0, 2.0, "assumption: size unknown, direction sourced"),
    )

    def _check_together(self) -> None:
        Interval(
            0,
            24 - self.start_hour,
            closed="right",
            why=f"so the working day ends by midnight; start_hour is {self.start_hour:g}",
        ).check("team.hours_per_day", self.hours_per_day)


@dataclass(frozen=True)
class ResponseParams(Section):
    section: ClassVar[str] = "response"
    speed_hours: float = param(
        1.0,
        Interval(0, None, closed="neither"),
        "Time constant (hours) of the decay of a reply's value with delay.",
        "references-brand.md §1, range 0.25–6: 53–72% of Twitter users expect a reply within "
        "an hour (Lithium 2013, Edison 2012, Arise 2017); complainers expect 1–3 hours on "
        "Twitter, 3–6 on Facebook (Istanbulluoglu 2017); the stated-preference premiums of "
        "Twitter / Applied Marketing Science (2015–16) fit 0.5–1.3 hours",
        prior=LogUniform(0.25, 6.0, "references-brand.md §1: 0.25–1.5 h (pay) to 2–6 h"),
    )
    speed_floor: float = param(
        0.15,
        PROBABILITY,
        "Share of a reply's value left however late it comes.",
        "references-brand.md §1, range 0.1–0.3: a late reply still beats silence (Baer 2016, "
        "Maritz 2011); the late premium is 12–20% of the fast one (Twitter / AMS, stated)",
        prior=Uniform(0.1, 0.3, "references-brand.md §1: late replies keep 12–20%"),
    )
    complaint_fixed_gain: float = param(
        2.0,
        LOYALTY,
        "Loyalty a complainer gains from an immediate reply that fixes the problem.",
        "assumption; 69% of negative tweeters felt more favourable after a reply (Twitter 2016)",
        prior=Uniform(1.0, 3.0, "judgement: ±50% of the default"),
    )
    complaint_reply_gain: float = param(
        0.3,
        LOYALTY,
        "Loyalty a complainer gains from an immediate reply that does not fix it.",
        prior=Uniform(0.1, 0.6, HALF),
    )
    compensation_gain: float = param(
        1.0, LOYALTY, "Extra loyalty from compensation.", prior=Uniform(0.5, 2.0, HALF)
    )
    compensation_cost: float = param(
        20.0,
        NONNEGATIVE,
        "Cost of one compensation.",
        prior=Lever("what the brand offers is its choice"),
    )
    thanks_gain: float = param(
        0.3, LOYALTY, "Loyalty gained from an immediate thank-you.", prior=Uniform(0.1, 0.6, HALF)
    )
    need_gain: float = param(
        0.5,
        LOYALTY,
        "Loyalty gained from an immediate answer to a need.",
        prior=Uniform(0.25, 1.0, HALF),
    )
    need_conversion: float = param(
        0.2,
        PROBABILITY,
        "Chance a prospect whose need is answered becomes a fan (social selling).",
        prior=Uniform(0.05, 0.3, "judgement near referrals' 12–14% (Kumar et al. 2007)"),
    )
    ignored_penalty: float = param(
        0.5,
        LOYALTY,
        "Loyalty a complainer loses when the complaint is ignored or missed.",
        prior=Uniform(0.25, 1.0, HALF),
    )
    botch_penalty: float = param(
        1.0,
        LOYALTY,
        "Loyalty a complainer loses from a wrong answer: the complaint was mislabelled and "
        "the person handling it followed the label (thanked it, or answered it as a question).",
        "assumption, range 0.5–2: at least as bad as silence (ignored_penalty), as a "
        "tone-deaf public reply adds insult (seed 003: 'get the response wrong and you have a "
        "crisis')",
        prior=Uniform(0.5, 2.0, HALF),
    )
    generic_gain: float = param(
        0.0,
        LOYALTY,
        "Loyalty gained from an immediate reply meant for another kind of post, to praise or "
        "a need (an apology for praise, thanks for a question): a generic reply.",
        "assumption, range 0–0.3: acknowledged, but nothing answered",
        prior=Uniform(0.0, 0.3, "assumption: acknowledged, but nothing answered"),
    )
    squeaky_wheel: float = param(
        0.2,
        NONNEGATIVE,
        "Rise in a complainer's propensity to complain (a multiplier of their activity, 1 at "
        "the start) for each answered complaint.",
        "Ma, Sun & Kekre (2015): answered customers complain more; size an assumption",
        prior=Uniform(0.05, 0.5, "judgement: the source gives no usable size"),
    )
    visibility: float = param(
        0.3,
        PROBABILITY,
        "Share of the author's audience that sees a public interaction: a public reply, or a "
        "complaint left unanswered.",
        prior=LogUniform(0.05, 0.5, "judgement (organic reach: references-brand.md §6)"),
    )
    onlooker_share: float = param(
        0.3,
        PROBABILITY,
        "Share of the author's loyalty change a fully identified onlooker feels.",
        "direction: Schaefers & Schamari (2016), Hogreve et al. (2019); size an assumption",
        prior=Uniform(0.1, 0.5, "judgement: the sources give the direction"),
    )
    amplify_reach: int = param(
        200,
        Interval(0, 100_000, integer=True),
        "People drawn at random from everyone still listening (not only the author's ties) "
        "who also see an amplified interaction; at most 100,000, as each is drawn (a day costs "
        "amplified posts times reach).",
        prior=LogUniform(50, 800, "judgement"),
    )
    unsolicited_gain: float = param(
        0.3,
        LOYALTY,
        "Loyalty gained from a welcome unsolicited contact.",
        prior=Uniform(0.1, 0.6, HALF),
    )
    backlash: float = param(
        0.2,
        PROBABILITY,
        "Chance a first unsolicited contact feels intrusive; it compounds with each further one.",
        "direction: van Noort & Willemsen (2012); size an assumption",
        prior=Uniform(0.1, 0.65, "references-brand.md §8: 0.1–0.2 if useful, 0.2–0.65 if not"),
    )
    backlash_penalty: float = param(
        1.0, LOYALTY, "Loyalty lost from an intrusive contact.", prior=Uniform(0.5, 2.0, HALF)
    )


SECTIONS: tuple[type[Section], ...] = (
    RunParams,
    GraphParams,
    PopulationParams,
    IdentificationParams,
    ExperienceParams,
    WordOfMouthParams,
    RecruitmentParams,
    AdvocacyParams,
    LoyaltyParams,
    ChurnParams,
    ListeningParams,
    TeamParams,
    PolicyParams,
    ResponseParams,
    ValueParams,
    CostParams,
    RootCauseParams,
    EscalationParams,
    EarlyWarningParams,
    ReactionParams,
    ContentParams,
    RelationshipParams,
)


#: Keys of earlier releases, with what replaced them: a file written for one gets this hint
#: instead of a guess at the nearest name.
# Where a mistyped key is close to no known one, where to find them.
_LISTED = "'socialsim parameters' lists the known keys."

RETIRED: dict[str, str] = {
    "listening.precision": (
        "Precision is now an outcome of the mention stream; state a tool's quality with "
        "'listening.false_positive_rate' (docs/model.md §7.10.1 maps a precision to it)."
    ),
    "team.posts_per_hour": (
        "Handling times are now minutes per item: 'team.reply_minutes', 'team.thanks_minutes' "
        "and the other 'team' keys."
    ),
    **{
        f"experiences.crisis_{name}": (
            "Crises now come from root causes: set 'root_causes.start', "
            "'root_causes.multiplier' and the other 'root_causes' keys."
        )
        for name in ("start", "days", "multiplier")
    },
}


@dataclass(frozen=True)
class Scenario:
    """The full configuration of a run, in named sections.

    Create it with defaults and change what you need by dotted key, or load a TOML file whose
    tables are the sections. Every value is checked on creation.

    Examples
    --------
    >>> s = Scenario()
    >>> s.wom.negativity
    1.5
    >>> s.replace({"wom.negativity": 2.0, "graph.n": 500}).graph.n
    500
    >>> Scenario.from_dict({"wom": {"negatvity": 2}})
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'wom.negatvity' parameter must be a known key. Got 2 instead. Did you mean 'wom.negativity'?
    """

    run: RunParams = field(default_factory=RunParams)
    graph: GraphParams = field(default_factory=GraphParams)
    population: PopulationParams = field(default_factory=PopulationParams)
    identification: IdentificationParams = field(default_factory=IdentificationParams)
    experiences: ExperienceParams = field(default_factory=ExperienceParams)
    wom: WordOfMouthParams = field(default_factory=WordOfMouthParams)
    recruitment: RecruitmentParams = field(default_factory=RecruitmentParams)
    advocacy: AdvocacyParams = field(default_factory=AdvocacyParams)
    loyalty: LoyaltyParams = field(default_factory=LoyaltyParams)
    churn: ChurnParams = field(default_factory=ChurnParams)
    listening: ListeningParams = field(default_factory=ListeningParams)
    team: TeamParams = field(default_factory=TeamParams)
    policy: PolicyParams = field(default_factory=PolicyParams)
    response: ResponseParams = field(default_factory=ResponseParams)
    value: ValueParams = field(default_factory=ValueParams)
    cost: CostParams = field(default_factory=CostParams)
    root_causes: RootCauseParams = field(default_factory=RootCauseParams)
    escalation: EscalationParams = field(default_factory=EscalationParams)
    early_warning: EarlyWarningParams = field(default_factory=EarlyWarningParams)
    reaction: ReactionParams = field(default_factory=ReactionParams)
    policy_object: Any = None
    """A policy given as a Python object (:meth:`with_policy`), which decides instead of the
    ``[policy]`` section; not a parameter, so not in :meth:`flat` or a file."""
    content: ContentParams = field(default_factory=ContentParams)
    relationship: RelationshipParams = field(default_factory=RelationshipParams)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """Build from nested tables (``{"wom": {"negativity": 2}}``) or dotted keys."""
        return cls().replace(data)

    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        """Load a scenario from a TOML file; keys not in the file keep their defaults.

        A relative ``graph.path`` or ``graph.attributes`` is read relative to the file
        (:func:`resolve_paths`).
        """
        path = Path(path)
        data = read_toml(path, "scenario")
        if hint := other_kind(data, [f.name for f in dataclasses.fields(cls)]):
            raise ConfigError("scenario", str(path), "a scenario file", hint)
        return cls.from_dict(resolve_paths(data, path.parent))

    def replace(self, changes: Mapping[str, Any]) -> Scenario:
        """A copy with ``changes`` applied, given as dotted keys or nested tables.

        Parameters
        ----------
        changes : mapping
            ``{"wom.negativity": 2.0}`` or ``{"wom": {"negativity": 2.0}}``.

        Returns
        -------
        Scenario
            A new, validated scenario; ``self`` is unchanged.
        """
        changes = flatten_keys(changes)
        if "policy" in changes:  # an object, from Python (a [policy] table is flattened)
            scenario = self.with_policy(changes.pop("policy"))
            return scenario.replace(changes) if changes else scenario
        per_section: dict[str, dict[str, Any]] = {}
        for key, value in expand_preset(changes).items():
            section, _, name = key.partition(".")
            if key not in PARAMETERS:
                hint = RETIRED.get(key) or did_you_mean(key, PARAMETERS) or _LISTED
                raise ConfigError(key, value, "a known key", hint)
            per_section.setdefault(section, {})[name] = value
        return dataclasses.replace(
            self,
            **{
                section: dataclasses.replace(getattr(self, section), **values)
                for section, values in per_section.items()
            },
        )

    def with_policy(self, policy: Any) -> Scenario:
        """A copy whose brand follows ``policy``, a Python policy object (None: the
        ``[policy]`` section again). ``replace({"policy": policy})`` does the same, which is
        how an experiment's strategy names one.

        >>> from socialsim.brand.policies import preset
        >>> Scenario().with_policy(preset("ignore")).policy_object.name
        'ignore'
        >>> Scenario().replace({"policy": "ignore"})
        Traceback (most recent call last):
        ...
        socialsim.constraints.ConfigError: The 'policy' parameter must be a policy object (from Python: anything with decide(seen)). Got 'ignore' instead. A file names a preset or a registered policy with policy.name.
        """
        if policy is not None and not callable(getattr(policy, "decide", None)):
            raise ConfigError(
                "policy",
                policy,
                "a policy object (from Python: anything with decide(seen))",
                "A file names a preset or a registered policy with policy.name.",
            )
        return dataclasses.replace(self, policy_object=policy)

    # ------------------------------------------------------------------ reading
    def flat(self) -> dict[str, Any]:
        """Every parameter by dotted key.

        >>> Scenario().flat()["graph.n"]
        10000
        """
        return {
            f"{section.section}.{f.name}": getattr(getattr(self, section.section), f.name)
            for section in SECTIONS
            for f in fields(section)
        }

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Nested tables, as in a TOML file."""
        return {s.section: dataclasses.asdict(getattr(self, s.section)) for s in SECTIONS}


PARAMETERS: dict[str, dataclasses.Field] = {
    key: f for section in SECTIONS for key, f in section.parameters()
}


def flatten_keys(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested tables as dotted keys.

    >>> flatten_keys({"wom": {"negativity": 2}, "graph.n": 5})
    {'wom.negativity': 2, 'graph.n': 5}
    """
    out: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten_keys(value, dotted + "."))
        else:
            out[dotted] = value
    return out


PATHS = ("graph.path", "graph.attributes")
"""The parameters that name files."""


def resolve_paths(changes: Mapping[str, Any], folder: str | Path) -> dict[str, Any]:
    """Overrides with their relative file paths read against ``folder``, made absolute.

    A file that names another file (a scenario, experiment or sweep file naming a graph) means
    it relative to itself, whatever the working directory; absolute paths also make a sweep's
    record the same when it is resumed from elsewhere.

    >>> resolve_paths({"graph": {"path": "g.txt"}, "graph.n": 5}, "/data")
    {'graph.path': '/data/g.txt', 'graph.n': 5}
    """
    flat = flatten_keys(changes)
    for key in PATHS:
        value = flat.get(key)
        if isinstance(value, str) and value and not Path(value).is_absolute():
            flat[key] = str((Path(folder) / value).resolve())
    return flat


def missing_files(scenario: Scenario) -> dict[str, str]:
    """The files a scenario names that do not exist, by parameter: run it and it would fail.

    >>> missing_files(Scenario().replace({"graph.kind": "file", "graph.path": "/nowhere.txt"}))
    {'graph.path': '/nowhere.txt'}
    """
    named = {"graph.path": scenario.graph.path if scenario.graph.kind == "file" else ""}
    named["graph.attributes"] = scenario.graph.attributes
    return {key: path for key, path in named.items() if path and not Path(path).is_file()}


def parse_value(text: str) -> Any:
    """Read a command-line value as TOML (numbers, booleans), else as a plain string.

    >>> parse_value("2.5"), parse_value("true"), parse_value("negatives-first")
    (2.5, True, 'negatives-first')
    """
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
