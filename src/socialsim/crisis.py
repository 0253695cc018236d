"""Crises: their parameters, the world's root-cause episodes and the brand's detector state.

Four scenario sections (registered in :mod:`socialsim.scenario`):

``root_causes``
    Episodes that raise the bad-experience rate of the people they touch until the brand fixes
    them (:mod:`socialsim.fans.root_causes`).
``escalation``
    Re-shares of public complaints through onlookers, and media pick-up
    (:mod:`socialsim.fans.escalation`).
``early_warning``
    The brand's detector on what listening flags (:mod:`socialsim.brand.early_warning`).
``reaction``
    What the brand does when the detector raises an alarm: declared levers, applied by
    :func:`socialsim.brand.early_warning.react` until a policy protocol decides them.

The state that lasts from day to day is one :class:`Crisis` per run, handed to every day
(:attr:`socialsim.day.Day.crisis`): the episodes (ground truth, the world's side) and the
detector (the brand's side). What the brand sees of it is :class:`Alert`
(:attr:`socialsim.day.Day.warning`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from socialsim.assumptions import Fixed, LogUniform, Uniform
from socialsim.brand.policy import KINDS, ORDERS
from socialsim.constraints import Boolean, Interval, Options, Section, Subset, param

__all__ = [
    "Alert",
    "Crisis",
    "Detector",
    "EarlyWarningParams",
    "Episodes",
    "EscalationParams",
    "ReactionParams",
    "RootCauseParams",
]

PROBABILITY = Interval(0, 1)
NONNEGATIVE = Interval(0, None)

#: An episode's excess below this share of its full size counts as gone (4.6 e-folding times).
GONE = 0.01


@dataclass(frozen=True)
class RootCauseParams(Section):
    section: ClassVar[str] = "root_causes"
    start: int = param(
        0,
        Interval(0, None, integer=True),
        "Day a scheduled episode (a service failure, a pricing error, a campaign slip-up) "
        "starts; 0: none scheduled.",
        prior=Fixed("a what-if the experiment sets"),
    )
    multiplier: float = param(
        5.0,
        Interval(1, None),
        "How many times more often the people an episode touches have a bad experience "
        "(their bad-experience probability is capped at 1 - experiences.good_rate).",
        "assumption, range 2–10",
        prior=Uniform(2.0, 10.0, "assumption, range 2–10"),
    )
    segment: int = param(
        -1,
        Interval(-1, None, integer=True),
        "Identity segment the scheduled episode touches; -1: everyone.",
        prior=Fixed("a what-if the experiment sets"),
    )
    fixed_after: int = param(
        0,
        Interval(0, None, integer=True),
        "Days after its start at which the scheduled episode is fixed whatever the brand "
        "detects (a fix from outside social media); 0: only a fix after an alarm ends it.",
        prior=Fixed("a what-if the experiment sets"),
    )
    rate: float = param(
        0.0,
        PROBABILITY,
        "Daily probability that an episode arises at random; it touches one segment, drawn "
        "at random.",
        "assumption, range 0–0.02 (up to about seven a year)",
        prior=Uniform(0.0, 0.02, "assumption, up to about seven a year"),
    )
    decay_days: float = param(
        1.0,
        Interval(0, None, closed="neither"),
        "E-folding time (days) of an episode's excess after its fix lands; below 1% of it "
        "the episode is over.",
        "acute phase of a firestorm decays with an e-folding time of about 1 day, range "
        "0.5–3 (references-brand.md §2)",
        prior=Uniform(0.5, 3.0, "references-brand.md §2: acute phase e-folding 0.5–3 days"),
    )


@dataclass(frozen=True)
class EscalationParams(Section):
    section: ClassVar[str] = "escalation"
    reshare_prob: float = param(
        0.02,
        PROBABILITY,
        "Chance an onlooker re-shares a public complaint of maximal arousal by a peer they "
        "fully identify with; scaled by the complaint's arousal (uniform on [0, 1]) and the "
        "identification.",
        "assumption, range 0–0.1; direction Herhausen et al. (2019): arousal and the "
        "sender's ties drive virality",
        prior=Uniform(0.0, 0.1, "assumption, range 0–0.1"),
    )
    media_threshold: float = param(
        2.0,
        NONNEGATIVE,
        "Public negative posts (complaints and re-shares) a day per 1,000 people above which "
        "the media pick the story up; about four times the default model's usual volume.",
        "assumption, range 1–10",
        prior=Uniform(1.0, 10.0, "assumption, range 1–10"),
    )
    media_min_posts: int = param(
        10,
        Interval(0, None, integer=True),
        "Fewest public negative posts in a day that the media pick up, whatever the "
        "population: a handful of complaints is no story.",
        "assumption, range 5–100",
        prior=Uniform(5, 100, "assumption, range 5–100"),
    )
    media_days: int = param(
        3,
        Interval(1, 365, integer=True),
        "Days of media coverage, counted from (and including) the last day above the threshold.",
        "assumption: three e-folding times of a 1-day acute phase (references-brand.md §2); "
        "range 1–30",
        prior=Uniform(1, 30, "assumption, range 1–30 (references-brand.md §2)"),
    )
    media_reach: float = param(
        0.1,
        PROBABILITY,
        "Share of everyone, prospects included, the coverage reaches on each of its days.",
        "assumption, range 0.01–0.5",
        prior=LogUniform(0.01, 0.5, "assumption, range 0.01–0.5"),
    )
    media_effect: float = param(
        0.2,
        Interval(0, 10),
        "Loyalty a person reached by the coverage loses.",
        "assumption, range 0–1; 58% of brands hit by a firestorm lost short-term brand "
        "perception (Hansen et al. 2018)",
        prior=Uniform(0.0, 1.0, "assumption, range 0–1 (Hansen et al. 2018)"),
    )
    empathy_damping: float = param(
        0.5,
        PROBABILITY,
        "Re-share chance, relative, while the brand in crisis mode answers publicly with "
        "empathy (reaction.channel = 'public').",
        "direction Herhausen et al. (2019); size an assumption, range 0.3–0.9",
        prior=Uniform(0.3, 0.9, "size an assumption, direction Herhausen et al. 2019"),
    )
    private_damping: float = param(
        0.5,
        PROBABILITY,
        "The same while it moves complaints to a private channel (reaction.channel = 'private').",
        "direction Herhausen et al. (2019); size an assumption, range 0.3–0.9",
        prior=Uniform(0.3, 0.9, "size an assumption, direction Herhausen et al. 2019"),
    )
    compensation_boost: float = param(
        1.5,
        Interval(1, 10),
        "Re-share chance, relative, while the brand compensates in public (reaction.compensate "
        "with a public channel): public compensation fuels the fire.",
        "direction Herhausen et al. (2019); size an assumption, range 1–3",
        prior=Uniform(1.0, 3.0, "size an assumption, direction Herhausen et al. 2019"),
    )

    def _check_together(self) -> None:
        Interval(
            0,
            1 / self.compensation_boost,
            why="so that reshare_prob times compensation_boost <= 1",
        ).check("escalation.reshare_prob", self.reshare_prob)


@dataclass(frozen=True)
class EarlyWarningParams(Section):
    section: ClassVar[str] = "early_warning"
    labels: tuple[str, ...] = param(
        ("complaint",),
        Subset(KINDS),
        "Labels whose flagged counts the detector watches; an alarm on any of them is an alarm.",
    )
    threshold: float = param(
        5.0,
        Interval(0, None, closed="neither"),
        "CUSUM decision interval h, in standard deviations of a Poisson count.",
        "h = 4–5 with k = 0.5 is the textbook CUSUM (Montgomery, Introduction to Statistical "
        "Quality Control, ch. 9)",
    )
    allowance: float = param(
        0.5,
        NONNEGATIVE,
        "CUSUM reference value k, in standard deviations: half the shift to detect.",
        "Montgomery, ch. 9 (k = 0.5 detects a one-sd shift)",
    )
    baseline_days: float = param(
        28.0,
        Interval(1, None),
        "Time constant (days) of the moving (EWMA) baseline of each label's daily count.",
        "assumption, range 7–90",
    )
    warmup_days: int = param(
        7,
        Interval(1, None, integer=True),
        "Days of counts the detector learns from before it may raise an alarm.",
        "assumption: a week, range 7–28",
    )


@dataclass(frozen=True)
class ReactionParams(Section):
    section: ClassVar[str] = "reaction"
    fix: bool = param(
        True, Boolean(), "An alarm starts the fix of the root cause of what is going wrong."
    )
    fix_lag_days: float = param(
        0.875,
        Interval(0, 30),
        "Days from the alarm to the fix landing.",
        "Freshfields (2013): firms took 21 h on average to a meaningful statement, range "
        "1–48 h (references-brand.md §2)",
    )
    mode_days: int = param(
        7,
        Interval(1, 365, integer=True),
        "Days the brand stays in crisis mode after an alarm (the levers below apply).",
        "assumption, range 3–30",
    )
    surge_staff: int = param(
        0,
        Interval(0, 1_000_000, integer=True),
        "Staff added to the care team in crisis mode (paid as team.hourly_cost).",
    )
    order: str = param(
        "keep",
        Options(("keep", *ORDERS)),
        "The queue's order in crisis mode; 'keep' leaves the policy's.",
    )
    channel: str = param(
        "keep",
        Options(("keep", "public", "private")),
        "In crisis mode: answer publicly with empathy, or move complaints to a private "
        "channel (both damp re-sharing; escalation.*_damping); 'keep' changes nothing.",
    )
    compensate: bool = param(
        False, Boolean(), "Compensate with every fix in crisis mode (public: fuels re-sharing)."
    )


# ---------------------------------------------------------------------- state
@dataclass(eq=False)
class Episodes:
    """The root-cause episodes of a run, one entry per episode (the world's ground truth).

    Attributes
    ----------
    start : numpy.ndarray of int64
        Day the episode started.
    multiplier : numpy.ndarray of float64
        Its bad-experience multiplier at full strength.
    segment : numpy.ndarray of int64
        The segment it touches; -1: everyone.
    fix_at : numpy.ndarray of float64
        When its fix lands, in days (day ``t`` runs from ``t`` to ``t + 1``); inf until
        the brand (or ``root_causes.fixed_after``) fixes it.
    detected : numpy.ndarray of int64
        Day of the alarm that caught it; -1 until then.
    end : numpy.ndarray of int64
        Its last day with an excess above 1% of full strength; -1 while it lasts.
    """

    start: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    multiplier: np.ndarray = field(default_factory=lambda: np.empty(0))
    segment: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    fix_at: np.ndarray = field(default_factory=lambda: np.empty(0))
    detected: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    end: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))

    def add(self, start: int, multiplier: float, segment: int, fix_at: float) -> None:
        """Start an episode."""
        self.start = np.append(self.start, start)
        self.multiplier = np.append(self.multiplier, multiplier)
        self.segment = np.append(self.segment, segment)
        self.fix_at = np.append(self.fix_at, fix_at)
        self.detected = np.append(self.detected, -1)
        self.end = np.append(self.end, -1)

    @property
    def active(self) -> np.ndarray:
        """Which episodes are still going on."""
        return self.end < 0

    def strength(self, t: int, decay_days: float) -> np.ndarray:
        """Each episode's share of its full excess on day ``t`` (0 for ended ones).

        Full until its fix lands, then ``exp(-(t + 1/2 - fix_at) / decay_days)``: the day is
        taken at its middle.

        >>> e = Episodes()
        >>> e.add(5, 3.0, -1, 7.0)
        >>> [round(float(e.strength(t, 1.0)[0]), 3) for t in (4, 5, 6, 7, 8)]
        [0.0, 1.0, 1.0, 0.607, 0.223]
        """
        started = (self.start <= t) & self.active
        after = np.maximum(t + 0.5 - self.fix_at, 0.0)
        return np.where(started, np.exp(-after / decay_days), 0.0)


@dataclass(frozen=True)
class Alert:
    """What the brand's detector shows today: the brand's side, for its policy to read.

    Attributes
    ----------
    counts : numpy.ndarray of float64, shape (3,)
        Today's flagged posts by label (:class:`socialsim.posts.PostKind` order).
    baseline : numpy.ndarray of float64, shape (3,)
        Each label's moving baseline before today.
    statistic : numpy.ndarray of float64, shape (3,)
        Each label's CUSUM statistic after today, in standard deviations.
    alarm : bool
        Whether the detector raised an alarm today.
    crisis_mode : bool
        Whether the brand is in crisis mode today (an alarm within ``reaction.mode_days``).
    alarms : int
        Alarms raised so far in the run.
    """

    counts: np.ndarray
    baseline: np.ndarray
    statistic: np.ndarray
    alarm: bool = False
    crisis_mode: bool = False
    alarms: int = 0

    @classmethod
    def quiet(cls) -> Alert:
        """Before the detector has run: nothing counted, no alarm.

        >>> Alert.quiet().alarm
        False
        """
        return cls(np.zeros(len(KINDS)), np.zeros(len(KINDS)), np.zeros(len(KINDS)))


@dataclass(eq=False)
class Detector:
    """The detector's state from day to day: per label, a moving baseline and a CUSUM.

    Attributes
    ----------
    baseline : numpy.ndarray of float64, shape (3,)
        EWMA of each label's daily flagged count over the days outside crisis mode.
    statistic : numpy.ndarray of float64, shape (3,)
        One-sided CUSUM of the standardised excess over the baseline.
    days : int
        Days the baseline has learned from.
    mode_until : int
        Last day of crisis mode; 0 before any alarm.
    alarms : int
        Alarms raised so far.
    """

    baseline: np.ndarray = field(default_factory=lambda: np.zeros(len(KINDS)))
    statistic: np.ndarray = field(default_factory=lambda: np.zeros(len(KINDS)))
    days: int = 0
    mode_until: int = 0
    alarms: int = 0


@dataclass(eq=False)
class Crisis:
    """What lasts from day to day: the episodes, the detector, and media coverage.

    Examples
    --------
    >>> c = Crisis()
    >>> len(c.episodes.start), c.detector.alarms, c.media_until
    (0, 0, 0)
    """

    episodes: Episodes = field(default_factory=Episodes)
    detector: Detector = field(default_factory=Detector)
    media_until: int = 0
