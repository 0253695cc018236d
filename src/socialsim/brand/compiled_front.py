"""Compiled kernels of the brand's listening and early warning, equal bit for bit to the numpy
they replace (the triage's are in :mod:`socialsim.brand.compiled_triage`).

As in :mod:`socialsim.brand.compiled`: at workshop size listening handles a few dozen posts a
day, where each numpy call costs its fixed overhead rather than its work, so one loop replaces
the dozen calls around listening's draws or the detector's update (docs/performance.md,
section 6). Each kernel is named after its phase and its docstring gives the numpy it replaces;
``tests/test_phase_kernels_brand.py`` compares the two. A kernel that draws takes the phase's
stream as a handle (:func:`socialsim.kernels.stream_handle`) and draws numpy's numbers in
numpy's order, so the phase makes one call where it made a dozen.
"""

from __future__ import annotations

import numpy as np

from socialsim.kernels import generator_of, njit

__all__ = [
    "early_warning_day",
    "listening_heard",
]


@njit(cache=True)
def listening_heard(
    handle: np.ndarray,
    author: np.ndarray,
    kind: np.ndarray,
    hour: np.ndarray,
    false: int,
    recall: float,
    share: float,
    accuracy: float,
    stray: float,
    t: int,
    out_author: np.ndarray,
    out_kind: np.ndarray,
    out_label: np.ndarray,
    out_arrival: np.ndarray,
    out_complex: np.ndarray,
    out_tagged: np.ndarray,
    missed_author: np.ndarray,
    missed_kind: np.ndarray,
    missed_hour: np.ndarray,
):  # pragma: no cover
    """Listening's day after the chatter: which posts it catches, their labels and tags, the
    ``false`` false positives, and the posts it missed, drawn from the stream of ``handle``.

    Fills the flagged items' columns (``out_*``, room for ``author.size + false``: the caught
    posts, then the false positives) and the missed posts' (``missed_*``, room for
    ``author.size``); returns how many posts it caught and how many missed ones are
    complaints. Arrays given rather than returned: each one numba returns costs a Python
    object. Equal to this numpy (:func:`socialsim.brand.listening.listening`), with ``n``
    posts, ``k = kind[caught]`` and ``f = false``::

        caught = rng.random(n) < recall; m = count_nonzero(caught)
        u = rng.random(2 * m); u_complex, u_label = u[:m], u[m:]
        shift = rng.integers(1, 3, size=m); false_label = rng.integers(0, 3, size=f)
        u = rng.random(m + 2 * f); u_tag, u_false_hour = u[: m + f], u[m + f :]
        complex_ = concatenate([(k == COMPLAINT) & (u_complex < share), zeros(f, bool)])
        label = concatenate([(k + where(u_label >= accuracy, shift, 0)) % 3, false_label])
        tagged = (label == COMPLAINT) & (u_tag < where(complex_, accuracy, stray))
        author = concatenate([author[caught], full(f, -1)]); kind likewise
        arrival = 24.0 * (t - 1) + concatenate([hour[caught], 24.0 * u_false_hour])
        author[~caught], kind[~caught], hour[~caught], count_nonzero(kind[~caught] == COMPLAINT)

    >>> from socialsim.kernels import stream_handle
    >>> n = 3; room = [np.empty(n + 1, d) for d in (np.int64, np.int8, np.int8, float, bool, bool)]
    >>> missed = [np.empty(n, d) for d in (np.int64, np.int8, float)]
    >>> rng = np.random.default_rng(0)
    >>> listening_heard(stream_handle(rng), np.array([4, 5, 6]), np.zeros(3, np.int8),
    ...     np.ones(3), 1, 1.0, 0.0, 1.0, 0.0, 1, *room, *missed)
    (3, 0)
    >>> room[0].tolist(), room[2][:3].tolist()
    ([4, 5, 6, -1], [0, 0, 0])
    """
    rng = generator_of(handle)
    caught = rng.random(author.size) < recall
    m = np.count_nonzero(caught)
    u = rng.random(2 * m)
    shift = rng.integers(1, 3, m)
    false_label = rng.integers(0, 3, false)
    v = rng.random(m + 2 * false)
    base = 24.0 * (t - 1)
    j, missed, complaints = 0, 0, 0
    for i in range(author.size):
        if caught[i]:
            out_author[j], out_kind[j] = author[i], kind[i]
            out_complex[j] = kind[i] == 0 and u[j] < share
            moved = shift[j] if u[m + j] >= accuracy else 0
            out_label[j] = (kind[i] + moved) % 3
            out_arrival[j] = base + hour[i]
            j += 1
        else:
            missed_author[missed], missed_kind[missed] = author[i], kind[i]
            missed_hour[missed] = hour[i]
            complaints += kind[i] == 0
            missed += 1
    for k in range(false):
        out_author[m + k], out_kind[m + k], out_complex[m + k] = -1, -1, False
        out_label[m + k] = false_label[k]
        out_arrival[m + k] = base + 24.0 * v[m + false + k]
    for j in range(m + false):
        out_tagged[j] = out_label[j] == 0 and v[j] < (accuracy if out_complex[j] else stray)
    return m, complaints


@njit(cache=True)
def early_warning_day(
    labels: np.ndarray,
    counted: bool,
    counts: np.ndarray,
    before: np.ndarray,
    after: np.ndarray,
    baseline: np.ndarray,
    statistic: np.ndarray,
    watched: np.ndarray,
    ready: bool,
    allowance: float,
    threshold: float,
    learn: bool,
    weight: float,
) -> bool:  # pragma: no cover
    """One day of the detector in one call: today's counts by label (if ``counted``: into
    ``counts``, from ``labels``), the baseline before (into ``before``), the CUSUM and the
    baseline updated in place and the statistic after (into ``after``); whether it alarms.

    Equal to this numpy (:func:`socialsim.brand.early_warning.update`)::

        if counted:
            counts[:] = bincount(labels, minlength=3)[:3]
        before[:] = baseline
        if ready:
            excess = (counts - baseline) / sqrt(maximum(baseline, 1.0)) - allowance
            statistic[:] = maximum(0.0, statistic + excess)
        alarm = ready and any(statistic[watched] > threshold)
        if alarm:
            statistic[:] = 0.0
        elif learn:
            baseline += weight * (counts - baseline)
        after[:] = statistic

    >>> counts, before, after, base = np.empty(3), np.empty(3), np.empty(3), np.ones(3)
    >>> early_warning_day(np.array([0, 0, 2], np.int8), True, counts, before, after, base,
    ...     np.zeros(3), np.ones(3, np.bool_), True, 0.5, 9.0, True, 0.5), counts.tolist()
    (False, [2.0, 0.0, 1.0])
    >>> before.tolist(), after.tolist(), base.tolist()
    ([1.0, 1.0, 1.0], [0.5, 0.0, 0.0], [1.5, 0.5, 1.0])
    >>> stat, base = np.zeros(3), np.full(3, 4.0)
    >>> early_warning_day(np.empty(0, np.int8), False, np.array([12.0, 4, 4]), before, after, base, stat,
    ...     np.array([True, False, False]), True, 0.5, 3.0, True, 0.1), after.tolist()
    (True, [0.0, 0.0, 0.0])
    """
    if counted:
        counts[:] = 0.0
        for label in labels:
            if 0 <= label < counts.size:
                counts[label] += 1.0
    before[:] = baseline
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
    after[:] = statistic
    return alarm
