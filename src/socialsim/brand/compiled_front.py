"""Compiled kernels of the brand's front end (listening, triage, early warning), equal bit for
bit to the numpy they replace.

As in :mod:`socialsim.brand.compiled`: at workshop size triage handles a few dozen items a day,
where each numpy call costs its fixed overhead rather than its work, so one loop replaces the
dozen calls around the stand-ins' draws, the policy's observation, the unheard posts or the
detector's update (docs/performance.md, section 6). Each kernel is named after its phase and
its docstring gives the numpy it replaces; ``tests/test_phase_kernels_brand.py`` compares the two.
The draws stay in numpy, in the phase, between the kernels.
"""

from __future__ import annotations

import numpy as np

from socialsim.kernels import njit

__all__ = [
    "early_warning_cusum",
    "listening_unheard",
    "triage_heard",
    "triage_items",
    "triage_missed_free",
    "triage_stand_ins",
]


@njit(cache=True)
def listening_unheard(
    author: np.ndarray, kind: np.ndarray, hour: np.ndarray, caught: np.ndarray
):  # pragma: no cover
    """The posts listening missed (their authors, kinds and hours), and how many are complaints.

    Equal to ``author[~caught], kind[~caught], hour[~caught]`` and
    ``np.count_nonzero(kind[~caught] == PostKind.COMPLAINT)``.

    >>> author, kind, hour, complaints = listening_unheard(np.array([4, 5, 6]),
    ...     np.array([0, 1, 0], np.int8), np.array([1.0, 2.0, 3.0]), np.array([True, False, False]))
    >>> author.tolist(), kind.tolist(), hour.tolist(), complaints
    ([5, 6], [1, 0], [2.0, 3.0], 1)
    """
    missed = caught.size - np.count_nonzero(caught)
    out_author = np.empty(missed, author.dtype)
    out_kind = np.empty(missed, kind.dtype)
    out_hour = np.empty(missed, hour.dtype)
    j, complaints = 0, 0
    for i in range(caught.size):
        if not caught[i]:
            out_author[j], out_kind[j], out_hour[j] = author[i], kind[i], hour[i]
            complaints += kind[i] == 0
            j += 1
    return out_author, out_kind, out_hour, complaints


@njit(cache=True)
def triage_missed_free(listed: np.ndarray, missed: np.ndarray) -> np.ndarray:  # pragma: no cover
    """Positions of the missed posts whose author is listed nowhere in today's items.

    Equal to ``np.flatnonzero(~np.isin(missed, listed))``: a binary search of each missed
    post's author among the listed ones, sorted.

    >>> triage_missed_free(np.array([4, -1, 7]), np.array([7, 2, 4, 9])).tolist()
    [1, 3]
    """
    if listed.size == 0:
        return np.arange(missed.size)
    pool = np.sort(listed)
    at = np.minimum(np.searchsorted(pool, missed), pool.size - 1)
    return np.flatnonzero(pool[at] != missed)


@njit(cache=True)
def triage_stand_ins(
    author: np.ndarray,
    label: np.ndarray,
    missed_author: np.ndarray,
    missed_kind: np.ndarray,
    free: np.ndarray,
):  # pragma: no cover
    """The person each of today's items lists: its author, or a false positive's stand-in.

    ``author`` is -1 for a false positive; ``free`` the positions of the missed posts a
    stand-in may come from, in the order drawn. Returns the listed people, -1 where a stand-in
    is still to be drawn from the whole population, and how many those are. Equal to this
    numpy (the stand-ins of :func:`socialsim.brand.agent._listed`), with ``people`` the
    stand-ins, ``false = flatnonzero(author < 0)`` and ``labels = label[false]``::

        used, kinds, left = zeros(free.size, bool), missed_kind[free], ones(false.size, bool)
        for kind in PostKind:
            mine = flatnonzero(labels == kind)
            pool = flatnonzero(kinds == kind)[: mine.size]
            people[mine[: pool.size]] = missed_author[free[pool]]
            used[pool] = True
            left[mine[: pool.size]] = False
        rest, pool = flatnonzero(left), flatnonzero(~used)[: left.sum()]
        people[rest[: pool.size]] = missed_author[free[pool]]
        people[rest[pool.size :]] = -1; shown = author.copy(); shown[false] = people

    >>> shown, anyone = triage_stand_ins(np.array([5, -1, -1, -1]), np.array([0, 1, 0, 2]),
    ...     np.array([8, 9]), np.array([0, 2]), np.array([1, 0]))
    >>> shown.tolist(), anyone
    ([5, -1, 8, 9], 1)
    """
    shown = author.copy()
    used = np.zeros(free.size, np.bool_)
    for kind in range(3):  # a false positive labelled so takes a missed post of that kind
        j = 0
        for i in range(shown.size):
            if shown[i] < 0 and label[i] == kind:
                while j < free.size and missed_kind[free[j]] != kind:
                    j += 1
                if j == free.size:
                    break
                shown[i] = missed_author[free[j]]
                used[j] = True
                j += 1
    j, anyone = 0, 0
    for i in range(shown.size):  # then any missed post left, then anyone
        if shown[i] < 0:
            while j < free.size and used[j]:
                j += 1
            if j < free.size:
                shown[i] = missed_author[free[j]]
                used[j] = True
            else:
                anyone += 1
    return shown, anyone


@njit(cache=True)
def triage_heard(posts_heard: np.ndarray, shown: np.ndarray) -> None:  # pragma: no cover
    """Add one to the ``posts_heard`` of each listed person, in place: ``np.add.at(posts_heard,
    shown, 1)`` (a person listed twice counts twice).

    >>> heard = np.zeros(3, np.int32); triage_heard(heard, np.array([2, 0, 2])); heard.tolist()
    [1, 0, 2]
    """
    for person in shown:
        posts_heard[person] += 1


@njit(cache=True)
def triage_items(
    waiting_label: np.ndarray,
    waiting_tagged: np.ndarray,
    waiting_arrival: np.ndarray,
    waiting_key: np.ndarray,
    waiting_shown: np.ndarray,
    label: np.ndarray,
    tagged: np.ndarray,
    arrival: np.ndarray,
    shown: np.ndarray,
    out_degree: np.ndarray,
    responses: np.ndarray,
    unsolicited: np.ndarray,
    posts_heard: np.ndarray,
    last_engaged: np.ndarray,
    out_label: np.ndarray,
    out_tagged: np.ndarray,
    out_arrival: np.ndarray,
    out_waiting: np.ndarray,
    out_key: np.ndarray,
    out_audience: np.ndarray,
    out_interactions: np.ndarray,
    out_posts: np.ndarray,
    out_last_engaged: np.ndarray,
) -> None:  # pragma: no cover
    """Fill the columns of the policy's :class:`~socialsim.brand.observation.Items` (``out_*``,
    one entry per item; arrays given rather than returned, which costs numba a Python call
    each).

    The waiting items' columns (``waiting_*``), then today's; ``shown`` is the person each
    lists, whose metadata comes from the population's arrays. Equal to this numpy
    (:func:`socialsim.brand.observation.observe`), with ``w`` waiting items and
    ``cat(a, b) = concatenate([a, b])``::

        who = cat(waiting_shown, shown); is_waiting = arange(w + shown.size) < w
        cat(waiting_label, label), cat(waiting_tagged, tagged), cat(waiting_arrival, arrival),
        is_waiting, cat(waiting_key, full(shown.size, nan)),
        out_degree[who].astype(int64), responses[who].astype(int64) + unsolicited[who],
        posts_heard[who].astype(int64), last_engaged[who]
    """
    w = waiting_label.size
    for i in range(w):
        out_label[i], out_tagged[i] = waiting_label[i], waiting_tagged[i]
        out_arrival[i], out_waiting[i], out_key[i] = waiting_arrival[i], True, waiting_key[i]
    for i in range(w, out_label.size):
        out_label[i], out_tagged[i] = label[i - w], tagged[i - w]
        out_arrival[i], out_waiting[i], out_key[i] = arrival[i - w], False, np.nan
    for i in range(out_label.size):
        person = waiting_shown[i] if i < w else shown[i - w]
        out_audience[i] = out_degree[person]
        out_interactions[i] = np.int64(responses[person]) + np.int64(unsolicited[person])
        out_posts[i] = posts_heard[person]
        out_last_engaged[i] = last_engaged[person]


@njit(cache=True)
def early_warning_cusum(
    baseline: np.ndarray,
    statistic: np.ndarray,
    counts: np.ndarray,
    watched: np.ndarray,
    ready: bool,
    allowance: float,
    threshold: float,
    learn: bool,
    weight: float,
) -> bool:  # pragma: no cover
    """One day of the detector's CUSUM and baseline, in place; whether it alarms.

    Equal to this numpy (:func:`socialsim.brand.early_warning.update`)::

        if ready:
            excess = (counts - baseline) / sqrt(maximum(baseline, 1.0)) - allowance
            statistic[:] = maximum(0.0, statistic + excess)
        alarm = ready and any(statistic[watched] > threshold)
        if alarm:
            statistic[:] = 0.0
        elif learn:
            baseline += weight * (counts - baseline)

    >>> stat, base = np.zeros(3), np.full(3, 4.0)
    >>> early_warning_cusum(base, stat, np.array([12.0, 4, 4]), np.array([True, False, False]),
    ...     True, 0.5, 3.0, True, 0.1), stat.tolist()
    (True, [0.0, 0.0, 0.0])
    """
    alarm = False
    if ready:
        for k in range(baseline.size):
            sd = np.sqrt(baseline[k] if not baseline[k] < 1.0 else 1.0)  # maximum(b, 1.0)
            total = statistic[k] + ((counts[k] - baseline[k]) / sd - allowance)
            # maximum(0.0, total) as numpy's: NaN and -0.0 are kept
            statistic[k] = total if not total < 0.0 else 0.0
            alarm = alarm or (watched[k] and statistic[k] > threshold)
    if alarm:
        statistic[:] = 0.0
    elif learn:
        for k in range(baseline.size):
            baseline[k] += weight * (counts[k] - baseline[k])
    return alarm
