"""Early warning: a detector on what the brand hears, and what the brand does on its alarm.

Seed 004: listening is "an early warning device that enabled the PR team to fix issues before
they escalated into a crisis". The detector sees only what listening flags, by *label* (a
false positive labelled a complaint counts as one; a complaint it never caught does not). For
each label it keeps a moving baseline of the daily count (an EWMA with time constant
``early_warning.baseline_days``, a running mean during the first days) and a one-sided CUSUM
of the day's excess in standard deviations of a Poisson count (Page 1954; Lucas 1985),

    S_t = max(0, S_{t-1} + (x_t - μ_t) / sqrt(max(μ_t, 1)) - k),

raising an alarm when ``S_t`` passes ``h`` on a watched label (``early_warning.labels``,
``threshold`` = h, ``allowance`` = k). No alarm is raised during the first
``early_warning.warmup_days`` days, and the baseline does not learn from days in crisis mode,
so a crisis does not become the new normal while the brand deals with it. After an alarm
the CUSUM starts again from 0.

Better listening changes both error rates without being told to: higher recall makes an
episode's extra complaints a larger signal against the baseline's noise, so the CUSUM crosses
sooner; false positives are flagged chatter (:mod:`socialsim.brand.listening`), so a higher
false-positive rate turns a rise in chatter (the brand talked about more for reasons that need
no action) into flagged complaints, and a false alarm.

What the detector shows is :class:`socialsim.crisis.Alert` (``day.alert``), the brand's side:
a policy sees its alarm and crisis mode (:class:`socialsim.brand.observation.Observation`).
An alarm starts the fix of the root cause, which lands ``reaction.fix_lag_days`` later
(Freshfields 2013: 21 h on average), and ``reaction.mode_days`` days of crisis mode, in which
the reaction levers act through the brand's policy
(:class:`socialsim.brand.policies.adaptive.OnAlarm`): extra staff, another queue order, an
empathic public or a private channel, and compensation.

The KPIs are ground truth, for the analyst: an alarm is a detection if it catches an episode
that had not been caught yet (its delay, in days from the episode's start, is summed in
``detection_delay_days``), and a false alarm if no episode is going on.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from socialsim.brand.compiled_front import early_warning_day
from socialsim.brand.observation import read_only
from socialsim.brand.policy import KINDS
from socialsim.crisis import Alert, Detector
from socialsim.day import Counts, phase

if TYPE_CHECKING:
    from socialsim.crisis import EarlyWarningParams
    from socialsim.day import Day

__all__ = ["early_warning", "update"]


@phase("early_warning", kpis=("alarms", "false_alarms", "detections", "detection_delay_days"))
def early_warning(day: Day, rng: np.random.Generator) -> Counts:
    """Update the detector on today's flagged posts (``day.alert``) and react to an alarm."""
    detector, t = day.crisis.detector, day.t
    if not len(day.flagged) and _at_rest(detector):
        return _quiet(day, detector)
    counts, baseline, statistic = np.empty(len(KINDS)), np.empty(len(KINDS)), np.empty(len(KINDS))
    alarm = _update(
        detector, day.scenario.early_warning, t, counts, baseline, statistic, day.flagged.label
    )
    found = {"alarms": int(alarm), "false_alarms": 0, "detections": 0, "detection_delay_days": 0}
    if alarm:
        found.update(_on_alarm(day))
    day.alert = Alert(
        counts=counts,
        baseline=baseline,
        statistic=statistic,
        alarm=alarm,
        crisis_mode=detector.mode_until >= t,
        alarms=detector.alarms,
    )
    return found


def update(detector: Detector, counts: np.ndarray, params: EarlyWarningParams, t: int) -> bool:
    """One day of the detector: update the CUSUM, maybe the baseline; whether it alarms.

    Examples
    --------
    >>> from socialsim.crisis import EarlyWarningParams
    >>> d, params = Detector(), EarlyWarningParams(warmup_days=3)
    >>> [update(d, np.array([10.0, 5.0, 5.0]), params, t) for t in range(1, 6)]
    [False, False, False, False, False]
    >>> [update(d, np.array([30.0, 5.0, 5.0]), params, t) for t in range(6, 8)]
    [True, True]

    (The CUSUM restarts after an alarm; the count stays up, so it alarms again. In a run,
    crisis mode freezes the baseline and the fix brings the count down.)
    """
    return _update(detector, params, t, counts, np.empty(len(KINDS)), np.empty(len(KINDS)))


def _update(
    detector: Detector,
    params: EarlyWarningParams,
    t: int,
    counts: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    labels: np.ndarray | None = None,
) -> bool:
    """:func:`update`, with today's counts by label counted from ``labels`` (if given) into
    ``counts``, and the baseline before and the statistic after copied into ``before`` and
    ``after``, in one compiled call (:func:`early_warning_day`)."""
    ready = detector.days >= params.warmup_days
    learn = detector.mode_until < t  # the baseline does not learn in crisis mode
    weight = max(1.0 / (detector.days + 1), 1.0 / params.baseline_days) if learn else 0.0
    alarm = early_warning_day(
        _NO_LABELS if labels is None else labels,
        labels is not None,
        counts,
        before,
        after,
        detector.baseline,
        detector.statistic,
        _watched(params.labels),
        ready,
        float(params.allowance),
        float(params.threshold),
        learn,
        weight,
    )
    if learn and not alarm:
        detector.days += 1
    return alarm


def _at_rest(detector: Detector) -> bool:
    """Whether every baseline and CUSUM of the detector is zero, as before anything is flagged."""
    # Over Python floats: an ndarray's any() costs several times as much on three entries.
    return not (any(detector.baseline.tolist()) or any(detector.statistic.tolist()))


_NOTHING = read_only(np.zeros(len(KINDS)))
_NO_LABELS = np.empty(0, np.int8)
_AT_REST = Alert(_NOTHING, _NOTHING, _NOTHING)


def _quiet(day: Day, detector: Detector) -> Counts:
    """A day with nothing flagged for a detector at rest: a count of 0 on a baseline of 0
    moves neither (the CUSUM's step is ``-allowance <= 0``, floored at 0, and cannot pass a
    positive threshold), so only the days learned count on, as :func:`update` counts them."""
    crisis_mode = detector.mode_until >= day.t
    if not crisis_mode:
        detector.days += 1
    day.alert = (
        Alert(_NOTHING, _NOTHING, _NOTHING, crisis_mode=crisis_mode, alarms=detector.alarms)
        if detector.alarms or crisis_mode
        else _AT_REST
    )
    return {"alarms": 0, "false_alarms": 0, "detections": 0, "detection_delay_days": 0}


@cache
def _watched(labels: tuple[str, ...]) -> np.ndarray:
    """Which labels the detector watches, by label (read-only, one array per setting)."""
    return read_only(np.array([kind in labels for kind in KINDS]))


def _on_alarm(day: Day) -> Counts:
    """Count the alarm against the truth, start crisis mode and, if the brand fixes, the fix."""
    t, reaction = day.t, day.scenario.reaction
    detector, episodes = day.crisis.detector, day.crisis.episodes
    detector.alarms += 1
    detector.mode_until = t + reaction.mode_days - 1
    going_on = episodes.active & (episodes.start <= t)
    caught = going_on & (episodes.detected < 0)
    episodes.detected[caught] = t
    if reaction.fix:
        # The alarm comes at the end of the day's listening; the fix lands fix_lag_days later
        # (or sooner, if one was already on its way).
        episodes.fix_at[going_on] = np.minimum(
            episodes.fix_at[going_on], t + 1 + reaction.fix_lag_days
        )
    return {
        "false_alarms": int(not going_on.any()),
        "detections": int(np.count_nonzero(caught)),
        "detection_delay_days": int((t - episodes.start[caught]).sum()),
    }
