"""The whole configuration of a run: typed, immutable, in named sections, validated on creation.

A :class:`Scenario` is a set of sections (``graph``, ``population``, ``wom`` ...), each a frozen
dataclass whose fields are declared with :func:`~socialsim.constraints.param`. Scenarios load
from TOML files whose tables are the sections, and change by dotted key::

    scenario = Scenario.from_toml("my.toml").replace({"wom.negativity": 2.0})

Every bad value raises :class:`~socialsim.constraints.ConfigError`; nothing is clamped.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

from socialsim.brand.policy import PolicyParams, expand_preset
from socialsim.constraints import (
    Boolean,
    ConfigError,
    Interval,
    Options,
    Section,
    Text,
    did_you_mean,
    param,
    read_toml,
)
from socialsim.relationship import ContentParams, RelationshipParams
from socialsim.value import CostParams, ValueParams

__all__ = ["Scenario", "flatten_keys", "parse_value"]

PROBABILITY = Interval(0, 1)
NONNEGATIVE = Interval(0, None)
LOYALTY = Interval(0, 10)


@dataclass(frozen=True)
class RunParams(Section):
    section: ClassVar[str] = "run"
    days: int = param(180, Interval(1, None, integer=True), "Horizon in days (one step is a day).")
    seed: int = param(
        20261123,
        Interval(0, None, integer=True),
        "Root seed of every random draw, used when the model is not handed an `rng`.",
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


@dataclass(frozen=True)
class GraphParams(Section):
    section: ClassVar[str] = "graph"
    kind: str = param(
        "barabasi_albert",
        Options(GRAPH_KINDS),
        "Graph generator, or `file` to load `graph.path`.",
        "Barabási & Albert (1999): heavy-tailed audiences, as in follower graphs.",
    )
    n: int = param(10_000, Interval(2, None, integer=True), "Number of people (nodes).")
    m: int = param(
        5,
        Interval(1, None, integer=True),
        "Edges each new node brings (Barabási–Albert, Holme–Kim); mean degree is about 2m.",
        "assumption (mean degree 10)",
    )
    k: int = param(
        10, Interval(2, None, integer=True), "Ring-lattice degree before rewiring (Watts–Strogatz)."
    )
    p_rewire: float = param(0.1, PROBABILITY, "Rewiring probability (Watts–Strogatz).")
    p_triad: float = param(
        0.5, PROBABILITY, "Probability of closing a triangle after each attachment (Holme–Kim)."
    )
    mean_degree: float = param(
        10.0,
        Interval(0, None, closed="neither"),
        "Mean degree (Erdős–Rényi, stochastic block model).",
    )
    homophily: float = param(
        0.8,
        PROBABILITY,
        "Share of a node's ties inside its own segment (stochastic block model).",
        "assumption; real friendship graphs show strong homophily (McPherson et al. 2001)",
    )
    exponent: float = param(
        2.5,
        Interval(2, None, closed="neither"),
        "Power-law exponent of the degree sequence (configuration model).",
        "typical of social graphs, 2 < γ < 3 (Barabási 2016, ch. 4)",
    )
    path: str = param("", Text(), "Edge list, CSV, GraphML or GEXF file (kind = 'file').")
    directed: bool = param(
        False, Boolean(), "Read the file's edges as follower arcs u -> v (v sees u's posts)."
    )
    attributes: str = param(
        "", Text(), "CSV of node attributes (node, segment, loyalty, status) for a loaded graph."
    )

    def _check_together(self) -> None:
        if self.kind == "file" and not self.path:
            raise ConfigError("graph.path", self.path, "a file path when graph.kind is 'file'")
        if self.kind in ("barabasi_albert", "powerlaw_cluster") and self.m >= self.n:
            raise ConfigError("graph.m", self.m, f"an int < graph.n ({self.n})")
        if self.kind == "watts_strogatz" and (self.k >= self.n or self.k % 2):
            raise ConfigError("graph.k", self.k, f"an even int < graph.n ({self.n})")


@dataclass(frozen=True)
class PopulationParams(Section):
    section: ClassVar[str] = "population"
    initial_fan_share: float = param(
        0.3, PROBABILITY, "Share of people who are fans on day 0; the rest are prospects."
    )
    loyalty_mean: float = param(
        8.3,
        LOYALTY,
        "Mean initial loyalty (0–10 likelihood to recommend).",
        "assumption: with loyalty_sd 1.5, 42% promoters and 18% detractors, NPS about +24",
    )
    loyalty_sd: float = param(
        1.5,
        NONNEGATIVE,
        "Spread of initial loyalty (a Beta law scaled to [0, 10]); 0 gives everyone the mean.",
    )
    segments: int = param(
        4, Interval(1, None, integer=True), "Number of identity segments (generated graphs)."
    )
    activity_sigma: float = param(
        1.0,
        NONNEGATIVE,
        "Spread (log-sd) of the lognormal activity level; mean activity is 1.",
        "assumption (heavy-tailed activity, few people post most)",
    )

    def _check_together(self) -> None:
        limit = self.loyalty_mean * (10 - self.loyalty_mean)
        if self.loyalty_sd > 0 and self.loyalty_sd**2 >= limit:
            raise ConfigError(
                "population.loyalty_sd",
                self.loyalty_sd,
                f"a float in [0, {limit**0.5:.3g}) for loyalty_mean {self.loyalty_mean:g} "
                "(a Beta law on [0, 10] cannot spread further)",
            )


@dataclass(frozen=True)
class IdentificationParams(Section):
    section: ClassVar[str] = "identification"
    cross_segment: float = param(
        0.3,
        PROBABILITY,
        "How much people identify with a peer of another segment (same segment = 1).",
        "assumption; people identify with similar peers (McPherson et al. 2001)",
    )


@dataclass(frozen=True)
class ExperienceParams(Section):
    section: ClassVar[str] = "experiences"
    good_rate: float = param(0.02, PROBABILITY, "Daily probability of a good experience.")
    bad_rate: float = param(0.005, PROBABILITY, "Daily probability of a bad experience.")
    good_impact: float = param(0.3, LOYALTY, "Loyalty gained from a good experience.")
    bad_impact: float = param(
        1.5,
        LOYALTY,
        "Loyalty lost from a bad experience.",
        "assumption; negative events weigh more (Baumeister et al. 2001)",
    )
    complaint_rate: float = param(
        0.3,
        PROBABILITY,
        "Probability that a bad experience is complained about in public (at activity 1).",
    )
    praise_rate: float = param(
        0.05,
        PROBABILITY,
        "Probability that a good experience is praised in public (at activity 1).",
    )
    need_rate: float = param(
        0.002, PROBABILITY, "Daily probability of posting a need or question (at activity 1)."
    )
    complaint_effect: float = param(
        0.2,
        LOYALTY,
        "Loyalty an onlooker loses on seeing a complaint of a peer they fully identify with.",
    )

    crisis_start: int = param(
        30, Interval(0, None, integer=True), "Day a crisis (a burst of service failures) starts."
    )
    crisis_days: int = param(
        0, Interval(0, None, integer=True), "How long it lasts (0: no crisis)."
    )
    crisis_multiplier: float = param(
        5.0, Interval(1, None), "How many times more often bad experiences happen in a crisis."
    )

    def _check_together(self) -> None:
        worst = self.bad_rate * (self.crisis_multiplier if self.crisis_days else 1.0)
        if self.good_rate + worst > 1:
            raise ConfigError(
                "experiences.good_rate",
                self.good_rate,
                f"a float in [0, {1 - worst:g}] so that good_rate + bad_rate "
                "(times crisis_multiplier during a crisis) <= 1",
            )

    def bad_rate_on(self, day: int) -> float:
        """The bad-experience rate on a given day, crisis included."""
        crisis = (
            self.crisis_days and self.crisis_start <= day < self.crisis_start + self.crisis_days
        )
        return self.bad_rate * (self.crisis_multiplier if crisis else 1.0)


@dataclass(frozen=True)
class WordOfMouthParams(Section):
    section: ClassVar[str] = "wom"
    promoter_rate: float = param(
        0.03,
        PROBABILITY,
        "Daily probability that a promoter talks about the brand (at activity 1).",
    )
    passive_rate: float = param(
        0.003,
        PROBABILITY,
        "Daily probability that a passive talks (positive, weakly) (at activity 1).",
    )
    detractor_rate: float = param(
        0.03, PROBABILITY, "Daily probability that a detractor talks (negative) (at activity 1)."
    )
    passive_valence: float = param(0.2, PROBABILITY, "Valence of a passive's message.")
    effect: float = param(
        0.1, LOYALTY, "Loyalty a listener moves per message from a fully identified peer."
    )
    negativity: float = param(
        1.5,
        Interval(0, 10),
        "Weight of a negative message relative to a positive one.",
        "assumption within mixed evidence: East et al. (2008) find positive WOM often weighs "
        "more, Chevalier & Mayzlin (2006) one-star reviews more",
    )
    max_daily_shift: float = param(
        1.0,
        Interval(0, 10, closed="right"),
        "Most a listener's loyalty can move from word of mouth in one day (attention saturates).",
    )


@dataclass(frozen=True)
class RecruitmentParams(Section):
    section: ClassVar[str] = "recruitment"
    rule: str = param(
        "independent_cascade",
        Options(("independent_cascade", "threshold", "bass")),
        "How advocates turn prospects into fans.",
        "Kempe et al. (2003); Watts (2002); Bass (1969)",
    )
    q: float = param(
        0.02,
        PROBABILITY,
        "Cascade: chance one advocate's pitch converts a prospect. Bass: imitation coefficient "
        "(per day).",
        "assumption; 12–14% of referrals convert (Kumar et al. 2007) but most exposures "
        "are not referrals",
    )
    one_chance: bool = param(
        False,
        Boolean(),
        "Cascade: an advocate pitches each prospect once (Kempe et al. 2003) instead of every "
        "time they talk (Goldenberg et al. 2001).",
    )
    threshold: float = param(
        0.2, PROBABILITY, "Threshold rule: share of advocate peers that converts a prospect (φ)."
    )
    spontaneous_rate: float = param(
        0.0002,
        PROBABILITY,
        "Daily probability that a prospect becomes a fan without advocates (Bass p, per day).",
        "assumption: about 7% of prospects a year join unprompted",
    )


@dataclass(frozen=True)
class AdvocacyParams(Section):
    section: ClassVar[str] = "advocacy"
    defend_prob: float = param(
        0.1, PROBABILITY, "Chance that an advocate who sees a complaint answers it."
    )
    defence_dampening: float = param(
        0.5, PROBABILITY, "Share of a complaint's effect on onlookers that a defence removes."
    )
    help_prob: float = param(
        0.05, PROBABILITY, "Chance that an advocate who sees a need or question helps."
    )
    help_effect: float = param(0.5, LOYALTY, "Loyalty a helped person gains.")


@dataclass(frozen=True)
class LoyaltyParams(Section):
    section: ClassVar[str] = "loyalty"
    memory_days: float = param(
        30.0,
        Interval(0, None, closed="neither"),
        "Time constant (days) of the drift back toward a fan's baseline.",
        "assumption (a half-life of about three weeks)",
    )
    baseline_learning: float = param(
        0.01, PROBABILITY, "Daily share of the gap by which the baseline follows loyalty."
    )


@dataclass(frozen=True)
class ChurnParams(Section):
    section: ClassVar[str] = "churn"
    base_rate: float = param(
        0.0004,
        PROBABILITY,
        "Daily churn probability at the reference loyalty.",
        "about 1.2% a month, within US wireless churn of 0.8–1.7% a month",
    )
    sensitivity: float = param(
        0.5, Interval(0, 5), "How fast churn grows per loyalty point below the reference."
    )
    reference_loyalty: float = param(7.0, LOYALTY, "Loyalty at which churn equals base_rate.")
    bitter_days: int = param(
        30, Interval(0, None, integer=True), "Days a churned fan may keep talking negatively."
    )
    bitter_rate: float = param(
        0.05,
        PROBABILITY,
        "Daily probability that a recently churned fan talks negatively (at activity 1).",
    )

    def _check_together(self) -> None:
        worst = self.base_rate * 2.718281828459045 ** (self.sensitivity * self.reference_loyalty)
        if worst > 1:
            raise ConfigError(
                "churn.base_rate",
                self.base_rate,
                f"small enough that churn at loyalty 0 stays a probability "
                f"(base_rate * exp(sensitivity * reference_loyalty) = {worst:.3g} > 1)",
            )


@dataclass(frozen=True)
class ListeningParams(Section):
    section: ClassVar[str] = "listening"
    recall: float = param(0.8, PROBABILITY, "Share of relevant posts the listening system catches.")
    precision: float = param(
        0.7,
        Interval(0.01, 1),
        "Share of flagged posts that are relevant; the rest are false positives that cost time "
        "(at 0.01, 99 irrelevant posts are flagged for each relevant one).",
        "assumption; base-rate arithmetic: if 2% of posts need action, a classifier with 90% "
        "sensitivity and 90% specificity has 15.5% precision",
    )
    label_accuracy: float = param(
        0.9, PROBABILITY, "Chance a caught post is labelled with its true kind."
    )


@dataclass(frozen=True)
class TeamParams(Section):
    section: ClassVar[str] = "team"
    staff: int = param(2, Interval(0, None, integer=True), "People in the care team.")
    posts_per_hour: float = param(
        10.0,
        Interval(0, None, closed="neither"),
        "Posts one person handles an hour.",
        "6-minute handling; Erlang C: 30 posts an hour need 4 such staff (P(wait) 0.51, mean "
        "wait 3 min), and 3 cannot keep up",
    )
    hours_per_day: float = param(
        8.0, Interval(0, 24, closed="right"), "Hours the team works a day."
    )
    start_hour: float = param(9.0, Interval(0, 24, closed="left"), "Hour the working day starts.")
    max_wait_hours: float = param(
        72.0,
        Interval(0, None, closed="neither"),
        "Posts still waiting at the end of a day after more than this many hours are dropped "
        "as missed.",
    )
    hourly_cost: float = param(30.0, NONNEGATIVE, "Cost of one staff hour (currency units).")

    def _check_together(self) -> None:
        if self.start_hour + self.hours_per_day > 24:
            raise ConfigError(
                "team.hours_per_day",
                self.hours_per_day,
                f"a float <= {24 - self.start_hour:g} so the working day ends by midnight "
                f"(start_hour is {self.start_hour:g})",
            )


@dataclass(frozen=True)
class ResponseParams(Section):
    section: ClassVar[str] = "response"
    speed_hours: float = param(
        0.25,
        Interval(0, None, closed="neither"),
        "Time constant (hours) of the decay of a reply's value with delay.",
        "Twitter / Applied Marketing Science (2016), stated preferences: a reply within 6 "
        "minutes was worth about $20 to airline customers, after an hour about $2.33",
    )
    speed_floor: float = param(
        0.1,
        PROBABILITY,
        "Share of a reply's value left however late it comes.",
        "same study: $2.33 / $20 ≈ 0.1",
    )
    complaint_fixed_gain: float = param(
        2.0,
        LOYALTY,
        "Loyalty a complainer gains from an immediate reply that fixes the problem.",
        "assumption; 69% of negative tweeters felt more favourable after a reply (Twitter 2016)",
    )
    complaint_reply_gain: float = param(
        0.3, LOYALTY, "Loyalty a complainer gains from an immediate reply that does not fix it."
    )
    compensation_gain: float = param(1.0, LOYALTY, "Extra loyalty from compensation.")
    compensation_cost: float = param(20.0, NONNEGATIVE, "Cost of one compensation.")
    thanks_gain: float = param(0.3, LOYALTY, "Loyalty gained from an immediate thank-you.")
    need_gain: float = param(0.5, LOYALTY, "Loyalty gained from an immediate answer to a need.")
    need_conversion: float = param(
        0.2, PROBABILITY, "Chance a prospect whose need is answered becomes a fan (social selling)."
    )
    ignored_penalty: float = param(
        0.5, LOYALTY, "Loyalty a complainer loses when the complaint is ignored or missed."
    )
    botch_penalty: float = param(
        1.0, LOYALTY, "Loyalty lost from a reply to the wrong kind of post (a mislabelled post)."
    )
    squeaky_wheel: float = param(
        0.2,
        NONNEGATIVE,
        "Rise in a complainer's propensity to complain (a multiplier of their activity, 1 at "
        "the start) for each answered complaint.",
        "Ma, Sun & Kekre (2015): answered customers complain more; size an assumption",
    )
    visibility: float = param(
        0.3,
        PROBABILITY,
        "Share of the author's audience that sees a public interaction: a public reply, or a "
        "complaint left unanswered.",
    )
    onlooker_share: float = param(
        0.3,
        PROBABILITY,
        "Share of the author's loyalty change a fully identified onlooker feels.",
        "direction: Schaefers & Schamari (2016), Hogreve et al. (2019); size an assumption",
    )
    amplify_reach: int = param(
        200,
        Interval(0, None, integer=True),
        "People drawn at random from everyone still listening (not only the author's ties) "
        "who also see an amplified interaction.",
    )
    unsolicited_gain: float = param(
        0.3, LOYALTY, "Loyalty gained from a welcome unsolicited contact."
    )
    backlash: float = param(
        0.2,
        PROBABILITY,
        "Chance a first unsolicited contact feels intrusive; it compounds with each further one.",
        "direction: van Noort & Willemsen (2012); size an assumption",
    )
    backlash_penalty: float = param(1.0, LOYALTY, "Loyalty lost from an intrusive contact.")
    broadcast_cost: float = param(
        20.0, Interval(0, None, closed="neither"), "Staff time of one broadcast, in replies."
    )
    broadcast_reach: float = param(0.1, PROBABILITY, "Share of fans who see a broadcast.")
    broadcast_gain: float = param(0.1, LOYALTY, "Loyalty a fully relevant, fresh broadcast adds.")
    broadcast_relevance: float = param(0.5, PROBABILITY, "How relevant broadcasts are to fans.")
    broadcast_wearout: float = param(
        3.0,
        Interval(0, None, closed="neither"),
        "Broadcasts in the past week at which their effect falls to 1/e (wear-out).",
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
    ContentParams,
    RelationshipParams,
)


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

        A relative ``graph.path`` or ``graph.attributes`` is read relative to the file.
        """
        path = Path(path)
        data = read_toml(path, "scenario")
        scenario = cls.from_dict(data)
        relative = {
            key: str(path.parent / value)
            for key, value in scenario.flat().items()
            if key in ("graph.path", "graph.attributes") and value and not Path(value).is_absolute()
        }
        return scenario.replace(relative) if relative else scenario

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
        per_section: dict[str, dict[str, Any]] = {}
        for key, value in expand_preset(flatten_keys(changes)).items():
            section, _, name = key.partition(".")
            if key not in PARAMETERS:
                raise ConfigError(key, value, "a known key", did_you_mean(key, PARAMETERS))
            per_section.setdefault(section, {})[name] = value
        return dataclasses.replace(
            self,
            **{
                section: dataclasses.replace(getattr(self, section), **values)
                for section, values in per_section.items()
            },
        )

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


def parse_value(text: str) -> Any:
    """Read a command-line value as TOML (numbers, booleans), else as a plain string.

    >>> parse_value("2.5"), parse_value("true"), parse_value("negatives-first")
    (2.5, True, 'negatives-first')
    """
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
