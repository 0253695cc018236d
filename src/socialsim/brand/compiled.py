"""Compiled kernels of the brand's phases, each equal, bit for bit, to the numpy it replaces.

At workshop size a phase handles a few dozen items a day, where a numpy call costs its fixed
overhead (a few microseconds) rather than its work; one compiled loop replaces ten to twenty
such calls (docs/performance.md, section 6). Each kernel is named after the phase it serves and
its docstring gives the numpy version it replaces; tests compare the two.
"""

from __future__ import annotations

import numpy as np

from socialsim.kernels import njit

__all__ = [
    "numpy_sum",
    "replies_change",
    "replies_unheard",
    "work_judge",
    "work_quantiles",
]


@njit(cache=True)
def work_quantiles(delay: np.ndarray) -> tuple[float, float]:  # pragma: no cover
    """The median and 90th percentile of the day's response times (NaN, NaN if none).

    Equal to ``np.median(delay), np.percentile(delay, 90)`` (linear interpolation), computed
    as numpy does: the middle order statistic, or the mean of the two middle ones, and the
    90th percentile as ``a + (b − a)·γ`` (``b − (b − a)·(1 − γ)`` for ``γ ≥ 0.5``) between
    the order statistics around the virtual index ``(n − 1)·0.9``; NaN if any entry is.

    >>> work_quantiles(np.array([4.0, 1.0, 3.0, 2.0]))
    (2.5, 3.7)
    """
    n = delay.size
    if n == 0:
        return np.nan, np.nan
    ordered = np.sort(delay)
    if np.isnan(ordered[n - 1]):  # numpy's sort puts NaN last, and both results are NaN
        return np.nan, np.nan
    half = n // 2
    median = ordered[half] if n % 2 else (ordered[half - 1] + ordered[half]) / 2.0
    virtual = (n - 1) * 0.9
    if virtual >= n - 1:
        return median, ordered[n - 1]
    below = np.floor(virtual)
    gamma = virtual - below
    a = ordered[int(below)]
    b = ordered[int(below) + 1]
    step = b - a
    p90 = b - step * (1.0 - gamma) if gamma >= 0.5 else a + step * gamma
    return median, p90


@njit(cache=True)
def work_judge(
    author: np.ndarray,
    kind: np.ndarray,
    label: np.ndarray,
    complex_: np.ndarray,
    expert: np.ndarray,
    slip: np.ndarray,
    answers: np.ndarray,
    escalating: bool,
    by_kind: np.ndarray,
    expert_minutes: float,
    triage_minutes: float,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """What the person handling each item makes of it, and the minutes it takes them.

    Without a slip, a false positive is dismissed and a real post is taken for what it is:
    passed on if it is a complaint that needs an expert (frontline, escalating), left if the
    policy does not answer its kind, answered otherwise. A slip gets one judgement wrong: the
    frontline keeps a complex complaint, a real post is dismissed, a wrong label is followed, a
    false positive is answered (:mod:`socialsim.brand.care_team`). Outcomes are
    0 answered, 1 followed (the label's reply), 2 dismissed, 3 passed on to the experts.
    ``expert`` marks the items the experts handle, ``slip`` those misjudged, ``answers`` the
    kinds the policy answers, ``by_kind`` the minutes of each kind's reply. Equal to this
    numpy, with ``real = author >= 0`` and ``k = where(real, kind, label)``::

        complaint = k == COMPLAINT
        fits = where(expert & complaint, expert_minutes, by_kind[k])
        wrong = where(expert, expert_minutes, by_kind[label])
        passes = ~expert & complaint & complex_ & answers[k] & escalating
        seen_through = real & (kind != label)
        outcome = full(n, ANSWERED); outcome[~answers[k] | ~real] = DISMISSED
        outcome[passes] = ESCALATED; outcome[slip & passes] = ANSWERED
        outcome[slip & real & ~seen_through & ~passes] = DISMISSED
        outcome[slip & (seen_through | ~real)] = FOLLOWED
        minutes = select([outcome == FOLLOWED, outcome == ANSWERED], [wrong, fits], triage)
    """
    n = author.size
    outcome = np.zeros(n, np.int8)
    minutes = np.empty(n)
    for i in range(n):
        real = author[i] >= 0
        k = kind[i] if real else label[i]
        complaint = k == 0
        passes = not expert[i] and complaint and complex_[i] and answers[k] and escalating
        seen_through = real and kind[i] != label[i]
        if slip[i]:
            if seen_through or not real:
                state = 1
            elif passes:
                state = 0
            else:
                state = 2
        elif passes:
            state = 3
        elif not answers[k] or not real:
            state = 2
        else:
            state = 0
        outcome[i] = state
        if state == 1:
            minutes[i] = expert_minutes if expert[i] else by_kind[label[i]]
        elif state == 0:
            minutes[i] = expert_minutes if expert[i] and complaint else by_kind[k]
        else:
            minutes[i] = triage_minutes
    return outcome, minutes


@njit(cache=True)
def replies_unheard(posted: np.ndarray, queued: np.ndarray) -> np.ndarray:  # pragma: no cover
    """The entries of ``posted`` not in ``queued``, in their order.

    Equal to ``np.setdiff1d(posted, queued, assume_unique=True)`` for distinct ``posted`` and
    ``queued`` (today's complaints' authors, and those of the queued ones, are distinct): a
    binary search of each in ``queued`` sorted, without numpy's concatenation and sort.

    >>> replies_unheard(np.array([5, 1, 7, 3]), np.array([7, 5])).tolist()
    [1, 3]
    """
    pool = np.sort(queued)
    keep = np.empty(posted.size, posted.dtype)
    count = 0
    for x in posted:
        at = np.searchsorted(pool, x)
        if at == pool.size or pool[at] != x:
            keep[count] = x
            count += 1
    return keep[:count]


@njit(cache=True)
def replies_change(
    kind: np.ndarray,
    fits: np.ndarray,
    fixed: np.ndarray,
    compensated: np.ndarray,
    complex_: np.ndarray,
    speed: np.ndarray,
    gains: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """What each reply does to its author's loyalty, and the day's counts of replies.

    ``gains`` holds ``response.complaint_fixed_gain``, ``compensation_gain``,
    ``complaint_reply_gain``, ``thanks_gain``, ``need_gain``, ``botch_penalty`` and
    ``generic_gain``. Equal to this numpy (:func:`socialsim.brand.response._answer`)::

        complaint_gain = where(fixed, fixed_gain + compensated * compensation_gain, reply_gain)
        gain = array([0.0, thanks_gain, need_gain])[kind]
        gain[complaint] = complaint_gain[complaint]
        botched = where(complaint, -botch_penalty, generic_gain * speed)
        change = where(fits, gain * speed, botched)

    The counts are those of ``fits & complaint``, ``fits & praise``, ``fits & need``,
    ``~fits``, ``fits & fixed & complaint`` (repaired), ``fits & complaint & complex_``,
    ``fits & complaint & complex_ & fixed`` and ``repaired & compensated``.
    """
    change = np.empty(kind.size)
    counts = np.zeros(8, np.int64)
    for i in range(kind.size):
        complaint = kind[i] == 0
        if fits[i]:
            if complaint:
                if fixed[i]:
                    gain = gains[0] + (1.0 if compensated[i] else 0.0) * gains[1]
                else:
                    gain = gains[2]
            else:
                gain = gains[2 + kind[i]]
            change[i] = gain * speed[i]
            counts[kind[i]] += 1
            if complaint:
                counts[4] += fixed[i]
                counts[5] += complex_[i]
                counts[6] += complex_[i] and fixed[i]
                counts[7] += fixed[i] and compensated[i]
        else:
            change[i] = -gains[5] if complaint else gains[6] * speed[i]
            counts[3] += 1
    return change, counts


@njit(cache=True)
def numpy_sum(values: np.ndarray) -> float:  # pragma: no cover
    """``float(values.sum())`` of a contiguous float64 array, added in numpy's order.

    numpy adds a float64 array pairwise (``pairwise_sum`` in its ``loops_utils.h``): a block of
    under 8 entries one after the other, of up to 128 in eight running sums combined as
    ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))`` and then the rest; a longer range
    is split in two halves (the first a multiple of 8) added separately, then together; the
    reduction starts from 0.0. Here the halves are a stack rather than a recursion (numba's
    cache does not load recursive functions safely).

    >>> values = np.random.default_rng(0).random(1000)
    >>> numpy_sum(values) == float(values.sum())
    True
    """
    if values.size <= 128:  # a day's sums: one block
        return 0.0 + _block_sum(values, 0, values.size)
    todo = [(0, values.size, False)]  # ranges to add; True: both halves are on `sums`
    sums = [0.0]
    while todo:
        first, n, halves_done = todo.pop()
        if n <= 128:
            sums.append(_block_sum(values, first, n))
        elif halves_done:
            second = sums.pop()
            sums.append(sums.pop() + second)
        else:
            half = n // 2 - (n // 2) % 8
            todo.append((first, n, True))
            todo.append((first + half, n - half, False))
            todo.append((first, half, False))
    return sums[0] + sums[1]


@njit(cache=True)
def _block_sum(a: np.ndarray, first: int, n: int) -> float:  # pragma: no cover
    """numpy's pairwise sum of up to 128 entries (:func:`numpy_sum`)."""
    if n < 8:
        total = 0.0
        for i in range(first, first + n):
            total += a[i]
        return total
    r = a[first : first + 8].copy()
    blocks = first + n - n % 8
    for i in range(first + 8, blocks, 8):
        for j in range(8):
            r[j] += a[i + j]
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    for i in range(blocks, first + n):
        total += a[i]
    return total
