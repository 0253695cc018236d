"""The care team's day as one compiled call, its draws inside, equal bit for bit to the numpy
it replaces (:meth:`socialsim.brand.care_team.CareTeam.work`).

A day's queue holds a few dozen items: the team's day in numpy (the queue joined, judged,
served by each tier, sorted and split) cost about a hundred numpy calls, each its fixed
overhead. Here it is one kernel on the queue's two blocks (:class:`~socialsim.brand.care_team.
Queue`), drawing from the work phase's stream (:func:`~socialsim.kernels.generator_of`) the
numbers numpy drew, in numpy's order. Its one ``np.exp`` (each tier's rise in errors) stays
numpy's: on a day when a tier is over capacity the kernel hands back the exponents, before any
draw, and is called again with their ``np.exp`` (``tests/test_phase_kernels_brand.py``).
"""

from __future__ import annotations

import numpy as np

from socialsim.brand.compiled import numpy_sum, work_judge, work_quantiles
from socialsim.brand.servers import shift_starts
from socialsim.kernels import generator_of, njit

__all__ = ["work_day", "work_overload", "work_response"]


@njit(cache=True)
def work_day(handle, waiting, arrivals, busy, rules, shift, errors, patience):  # pragma: no cover
    """The care team's day: today's arrivals join the queue, every item is judged, the
    frontline's served, the complaints it passed on judged and served by the experts, and
    what is left split into what waits on and what waited too long.

    ``waiting`` and ``arrivals`` are the ``(wide, narrow)`` blocks of the queue and of today's
    items; ``busy`` when each tier's people are free (frontline, experts); ``rules`` the kinds
    the policy answers, whether the frontline passes complaints on, and ``minutes``
    (``team.reply_minutes``, ``thanks_minutes``, ``expert_minutes``, ``triage_minutes``);
    ``shift`` the day's start and end hours, the frontline's stretch of its handling times,
    ``team.hours_per_day`` and each tier's staff; ``errors`` the team's ``error_rate``,
    ``overload_errors``, the ``handling_cv``'s gamma shape and scale (shape 0: no spread) and
    each tier's ``slowing`` (NaN: not yet known); ``patience`` the hour the day ends and
    ``team.max_wait_hours``. Equal to this numpy, with ``draw`` the phase's Generator::

        queue = waiting.join(arrivals); n = len(queue)
        exponent = work_overload(tier, label, ready, end, stretch, minutes, capacity, overload)
        slowing = exp(exponent)   # unless every exponent is 0: then it is 1, exactly
        slips, noise = draw.random(n), draw.gamma(shape, scale, n)  # ones(n) at shape 0
        # every item judged (work_judge), the frontline's served (servers.serve); those it
        # passed on judged again on draw.random(passed.size), draw.gamma(shape, scale,
        # passed.size) and served by the experts (in full: work_reference in
        # tests/test_phase_kernels_brand.py)
        done = done[argsort(begin[done] + hours[done], kind="stable")]
        response = begin[done] + hours[done] - arrival[done]
        old = now - arrival[waiting] > max_wait

    returning the blocks of the items handled and of those left (the queue's columns with
    ``tier``, ``ready`` and ``outcome`` updated, taken at ``done`` and at ``waiting[~old]``
    followed by ``waiting[old]``: each array a kernel returns costs more than splitting them,
    on the rare days with missed items); one array of the ``response`` times followed by
    each tier's busy hours; the counts of the items missed, of the frontline's busy hours,
    of ``passed`` and of the missed complaints; and the hours each tier worked with
    ``work_response``'s median, 90th percentile and sum. When the caller gave no ``slowing``
    and an exponent is not 0, the kernel returns at once, having drawn nothing, with empty
    blocks, −1 items missed and the exponents in the place of the hours worked.
    """
    n = waiting[0].shape[1] + arrivals[0].shape[1]
    wide = _joined(waiting[0], arrivals[0])
    narrow = _joined(waiting[1], arrivals[1])
    author, arrival, key = wide[0], wide[2].view(np.float64), wide[3].view(np.float64)
    ready = wide[4].view(np.float64)
    kind, label = narrow[0].view(np.int8), narrow[1].view(np.int8)
    tier, outcome = narrow[2].view(np.int8), narrow[3].view(np.int8)
    complex_ = narrow[5].view(np.bool_)
    answers, escalating, minutes = rules
    end, stretch, hours_per_day, staff, experts = shift[1:]
    error_rate, overload_errors, shape, scale, slowing = errors
    capacity = (staff * hours_per_day, experts * hours_per_day)
    exponent = work_overload(tier, label, ready, end, stretch, minutes, capacity, overload_errors)
    if np.isnan(slowing[0]):
        if exponent[0] != 0.0 or exponent[1] != 0.0:  # the caller takes numpy's exp
            nothing = _take(wide, _NO_ONE), _take(narrow, _NO_ONE)
            asks = (n * 0 - 1, n * 0, n * 0, n * 0)  # -1 items missed: it asks for the exp
            hours = (exponent[0], exponent[1], 0.0, 0.0, 0.0)
            return (nothing, nothing), np.empty(0), asks, hours
        slowing = np.ones(2)  # exp(±0.0)
    rng = generator_of(handle)
    slips = np.empty(n)
    for i in range(n):
        slips[i] = rng.random()
    noise = _noise(rng, n, shape, scale)
    by_kind = np.array([minutes[0], minutes[1], minutes[0]])
    judged = (answers, escalating, by_kind, minutes[2], minutes[3])
    # Every item judged, the frontline's served.
    chance = 1 - (1 - error_rate) * slowing
    slip = np.empty(n, np.bool_)
    for i in range(n):
        slip[i] = slips[i] < chance[np.int64(tier[i])]
    expert = tier == 1
    judgement, spent = work_judge(author, kind, label, complex_, expert, slip, *judged)
    outcome[:] = judgement
    effort = spent / 60.0 * noise
    hours = effort * np.where(tier == 0, stretch, 1.0)
    begin = np.full(n, np.nan)
    mine, busy_front = _serve_tier(
        tier, 0, ready, key, arrival, hours, begin, shift, staff, busy[0]
    )
    started = mine[~np.isnan(begin[mine])]
    frontline_hours = numpy_sum(effort[started])
    # Complaints the frontline passed on wait for the experts from the end of its reading.
    passed = started[outcome[started] == 3]
    tier[passed] = 1
    ready[passed] = begin[passed] + hours[passed]
    if passed.size:
        slips = np.empty(passed.size)
        for i in range(passed.size):
            slips[i] = rng.random()
        noise = _noise(rng, passed.size, shape, scale)
        slip = slips < 1 - (1 - error_rate) * slowing[1]
        expert = np.ones(passed.size, np.bool_)
        judgement, spent = work_judge(
            author[passed], kind[passed], label[passed], complex_[passed], expert, slip, *judged
        )
        outcome[passed] = judgement
        hours[passed] = spent / 60.0 * noise
        begin[passed] = np.nan
    mine, busy_expert = _serve_tier(
        tier, 1, ready, key, arrival, hours, begin, shift, experts, busy[1]
    )
    expert_hours = numpy_sum(hours[mine[~np.isnan(begin[mine])]])
    done = np.flatnonzero(~np.isnan(begin))
    finish = begin[done] + hours[done]
    order = np.argsort(finish, kind="mergesort")
    done = done[order]
    response = finish[order] - arrival[done]
    left = np.flatnonzero(np.isnan(begin))
    now, max_wait = patience
    old = now - arrival[left] > max_wait
    kept, dropped = left[~old], left[old]
    median, p90, total = work_response(author[done], outcome[done], response)
    missed = np.count_nonzero(kind[dropped] == 0)
    left = np.concatenate((kept, dropped))
    parts = (_take(wide, done), _take(narrow, done)), (_take(wide, left), _take(narrow, left))
    times = np.concatenate((response, busy_front, busy_expert))
    counts = (dropped.size, busy_front.size, passed.size, missed)
    return parts, times, counts, (frontline_hours, expert_hours, median, p90, total)


_NO_ONE = np.empty(0, np.int64)


@njit(cache=True)
def work_overload(
    tier: np.ndarray,
    label: np.ndarray,
    ready: np.ndarray,
    end: float,
    stretch: float,
    minutes: np.ndarray,
    capacity: tuple[float, float],
    overload_errors: float,
) -> np.ndarray:  # pragma: no cover
    """The exponent of each tier's rise in errors, ``−overload_errors`` times its utilisation
    above 1: the nominal hours (by label) of the items waiting for it by the ``end`` of the
    shift, over its ``capacity`` in hours (none for a tier of no one). Its ``np.exp`` stays
    numpy's, in the phase (what :func:`~socialsim.brand.compiled_work.work_day` calls
    ``slowing``).

    ``minutes`` holds ``team.reply_minutes``, ``thanks_minutes`` and ``expert_minutes`` (then
    ``triage_minutes``), ``stretch`` the frontline's stretch of its handling times. Equal to::

        nominal = where(tier == EXPERT, expert, where(label == PRAISE, thanks, reply))
        work = nominal / 60.0 * where(tier == FRONTLINE, stretch, 1.0) * (ready < end)
        load = [float(work[tier == t].sum()) / capacity[t] if capacity[t] else 0.0 for t in 0, 1]
        -overload_errors * array([max(0.0, x - 1) for x in load])
    """
    excess = np.zeros(2)
    work = np.empty(tier.size)
    for t in range(2):
        if capacity[t] == 0.0:
            continue
        count = 0
        for i in range(tier.size):
            if tier[i] == t:
                nominal = minutes[2] if t == 1 else minutes[1] if label[i] == 1 else minutes[0]
                waiting = 1.0 if ready[i] < end else 0.0
                work[count] = nominal / 60.0 * (stretch if t == 0 else 1.0) * waiting
                count += 1
        load = numpy_sum(work[:count]) / capacity[t] - 1
        excess[t] = load if load > 0.0 else 0.0  # Python's max(0.0, load)
    return -overload_errors * excess


@njit(cache=True)
def work_response(
    author: np.ndarray, outcome: np.ndarray, response: np.ndarray
):  # pragma: no cover
    """The median, 90th percentile and sum of the response times of the real posts that got a
    reply, fitting or not, among the day's handled items. Equal to::

        real = response[(author >= 0) & (outcome <= FOLLOWED)]
        *work_quantiles(real), float(real.sum())
    """
    real = response[(author >= 0) & (outcome <= 1)]
    median, p90 = work_quantiles(real)
    return median, p90, numpy_sum(real)


@njit(cache=True)
def _joined(first, second):  # pragma: no cover
    """Two blocks side by side (``np.concatenate((first, second), axis=1)``)."""
    a, b = first.shape[1], second.shape[1]
    out = np.empty((first.shape[0], a + b), first.dtype)
    out[:, :a] = first
    out[:, a:] = second
    return out


@njit(cache=True)
def _take(block, which):  # pragma: no cover
    """The columns of a block at ``which`` (``np.take(block, which, axis=1)``)."""
    out = np.empty((block.shape[0], which.size), block.dtype)
    for r in range(block.shape[0]):
        for j in range(which.size):
            out[r, j] = block[r, which[j]]
    return out


@njit(cache=True)
def _noise(rng, n, shape, scale):  # pragma: no cover
    """``n`` gamma multipliers of the handling times (``rng.gamma(shape, scale, n)``), or
    ones when there is no spread (``shape`` 0), drawing nothing."""
    noise = np.ones(n)
    if shape != 0.0:
        for i in range(n):
            noise[i] = rng.gamma(shape, scale)
    return noise


@njit(cache=True)
def _serve_tier(tier, t, ready, key, arrival, hours, begin, shift, staff, busy):  # pragma: no cover
    """Tier ``t``'s working day: fills ``begin`` for its items; their positions, and ``busy``."""
    mine = np.flatnonzero(tier == t)
    if mine.size:
        begin[mine], busy = shift_starts(
            ready[mine], key[mine], arrival[mine], hours[mine], shift[0], shift[1], staff, busy
        )
    return mine, busy
