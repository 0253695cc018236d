"""Compiled kernels of the brand's triage, equal bit for bit to the numpy they replace.

At workshop size triage handles a few dozen items a day, where each numpy call costs its fixed
overhead rather than its work, so the phase makes three calls: the stand-ins and their draws
(:func:`triage_listed`), the policy's observation (:func:`triage_items`) and the queue from
its decision (:func:`triage_queued`), each filling arrays it is given (an array
numba returns costs a Python object; docs/performance.md, section 6). Each kernel's docstring
gives the numpy it replaces; ``tests/test_phase_kernels_brand.py`` compares the two.
"""

from __future__ import annotations

import numpy as np

from socialsim.kernels import generator_of, njit

__all__ = [
    "triage_heard",
    "triage_items",
    "triage_listed",
    "triage_missed_free",
    "triage_queued",
    "triage_stand_ins",
]


@njit(cache=True)
def triage_missed_free(listed: np.ndarray, missed: np.ndarray) -> np.ndarray:  # pragma: no cover
    """Positions of the missed posts whose author is listed nowhere in today's items.

    Equal to ``np.flatnonzero(~np.isin(missed, listed))``: a binary search of each missed
    post's author among the listed ones, sorted.

    >>> triage_missed_free(np.array([4, -1, 7]), np.array([7, 2, 4, 9])).tolist()
    [1, 3]
    """
    pool = listed.copy()
    if pool.size > 48:
        pool.sort()
    else:  # insertion sort: numba's sort costs µs on a few dozen entries; same order of ints
        for i in range(1, pool.size):
            value, j = pool[i], i
            while j > 0 and pool[j - 1] > value:
                pool[j] = pool[j - 1]
                j -= 1
            pool[j] = value
    # Each position written in turn, kept (k moves on) where the author is listed nowhere: a
    # loop, where numba's array-wide searchsorted, masks and flatnonzero cost µs.
    free = np.empty(missed.size, np.int64)
    k = 0
    for i in range(missed.size):
        low, high = 0, pool.size  # the first listed author >= this one
        while low < high:
            middle = (low + high) // 2
            low, high = (middle + 1, high) if pool[middle] < missed[i] else (low, middle)
        free[k] = i
        k += low == pool.size or pool[low] != missed[i]
    return free[:k]


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
def triage_listed(
    handle: np.ndarray,
    author: np.ndarray,
    label: np.ndarray,
    missed_author: np.ndarray,
    missed_kind: np.ndarray,
    people: int,
    posts_heard: np.ndarray,
    shown: np.ndarray,
) -> None:  # pragma: no cover
    """The person each of today's items lists (into ``shown``), the stand-ins drawn from the
    stream of ``handle``; each listed person's ``posts_heard`` grows by one, in place.

    Equal to this numpy (:func:`socialsim.brand.agent._listed`), with ``people`` the
    population's size::

        shown[:] = author
        if (author < 0).any():
            free = triage_missed_free(author, missed_author)
            rng.shuffle(free)
            shown[:], anyone = triage_stand_ins(author, label, missed_author, missed_kind, free)
            shown[shown < 0] = rng.integers(0, people, size=anyone)
        triage_heard(posts_heard, shown)

    >>> from socialsim.kernels import stream_handle
    >>> shown, heard = np.empty(2, np.int64), np.zeros(9, np.int32)
    >>> triage_listed(stream_handle(np.random.default_rng(0)), np.array([3, -1]),
    ...     np.zeros(2, np.int8), np.array([7]), np.zeros(1, np.int8), 9, heard, shown)
    >>> shown.tolist(), heard[[3, 7]].tolist()
    ([3, 7], [1, 1])
    """
    shown[:] = author
    if np.any(author < 0):
        rng = generator_of(handle)
        free = triage_missed_free(author, missed_author)
        if free.size > 1:  # one or none draws nothing; numba's shuffle reads past an empty one
            rng.shuffle(free)
        listed, anyone = triage_stand_ins(author, label, missed_author, missed_kind, free)
        drawn = rng.integers(0, people, anyone)
        j = 0
        for i in range(listed.size):
            if listed[i] < 0:
                shown[i] = drawn[j]
                j += 1
            else:
                shown[i] = listed[i]
    triage_heard(posts_heard, shown)


@njit(cache=True)
def triage_items(
    waiting: tuple,
    label: np.ndarray,
    tagged: np.ndarray,
    arrival: np.ndarray,
    shown: np.ndarray,
    people: tuple,
    out: tuple,
) -> None:  # pragma: no cover
    """Fill the columns of the policy's :class:`~socialsim.brand.observation.Items`, one
    entry per item, into the blocks ``out`` (arrays given rather than returned, which costs
    numba a Python call each): ``label``, ``flags`` (rows ``tagged, waiting``), ``hours``
    (rows ``arrival, key``), ``counts`` (rows ``audience, interactions, posts``) and
    ``last_engaged``.

    The waiting items first, from the waiting queue's ``(wide, narrow)`` blocks
    (:class:`~socialsim.brand.care_team.Queue`), then today's: ``label``, ``tagged``,
    ``arrival`` and ``shown``, the person each lists; the listed people's metadata comes from
    ``people``, everyone's ``out_degree, responses_received, unsolicited_received,
    posts_heard, last_engaged``. Equal to this numpy
    (:func:`socialsim.brand.observation.observe`), with ``w`` waiting items in ``queue`` and
    ``cat(a, b) = concatenate([a, b])``::

        who = cat(queue.shown, shown); is_waiting = arange(w + shown.size) < w
        cat(queue.label, label), cat(queue.tagged, tagged), is_waiting,
        cat(queue.arrival, arrival), cat(queue.key, full(shown.size, nan)),
        out_degree[who].astype(int64), responses_received[who].astype(int64) +
        unsolicited_received[who], posts_heard[who].astype(int64), last_engaged[who]
    """
    wide, narrow = waiting
    waiting_label, waiting_tagged = narrow[1].view(np.int8), narrow[6].view(np.bool_)
    waiting_arrival, waiting_key = wide[2].view(np.float64), wide[3].view(np.float64)
    out_degree, responses, unsolicited, posts_heard, last_engaged = people
    out_label, flags, hours, counts, out_last_engaged = out
    w = waiting_label.size
    for i in range(w):
        out_label[i], flags[0, i], flags[1, i] = waiting_label[i], waiting_tagged[i], True
        hours[0, i], hours[1, i] = waiting_arrival[i], waiting_key[i]
    for i in range(w, out_label.size):
        out_label[i], flags[0, i], flags[1, i] = label[i - w], tagged[i - w], False
        hours[0, i], hours[1, i] = arrival[i - w], np.nan
    for i in range(out_label.size):
        person = wide[1, i] if i < w else shown[i - w]
        counts[0, i] = out_degree[person]
        counts[1, i] = np.int64(responses[person]) + np.int64(unsolicited[person])
        counts[2, i] = posts_heard[person]
        out_last_engaged[i] = last_engaged[person]


@njit(cache=True)
def triage_queued(
    key: np.ndarray,
    answer: np.ndarray,
    how: np.ndarray,
    routed: np.ndarray,
    sends_tagged: bool,
    flagged: tuple,
    shown: np.ndarray,
    waiting: tuple,
    today: tuple,
) -> bool:  # pragma: no cover
    """The policy's decision written into the queue: the waiting items' new priority and
    handling, and today's items as queue blocks; whether it answers all of today's items.

    ``key``, ``answer`` and ``how`` are the decision's, one per item, waiting ones first;
    ``routed`` the tier the policy gives each item (one per item), or empty for the team's
    rule, which sends the complaints tagged as needing an expert to the experts if
    ``sends_tagged`` (:func:`~socialsim.brand.routing.sends_tagged`); ``flagged`` today's
    items' columns (``author, kind, label, arrival, complex, tagged`` of ``day.flagged``) and
    ``shown`` the person each lists. ``waiting`` is the waiting queue's ``(wide, narrow)``
    blocks, changed in place, and ``today`` the blocks of today's items, of shapes (5, m) and
    (7, m), filled (:class:`~socialsim.brand.care_team.Queue`'s rows). Equal to this numpy
    (:func:`socialsim.brand.agent.triage`), with ``w`` waiting items and ``queue`` and
    ``new`` the queues of these blocks::

        queue.key, queue.how = key[:w], how[:w]
        tier = routed[w:] if routed.size else route(label, tagged, routing, experts)
        new = Queue(*flagged, key=key[w:], tier=tier, ready=arrival, outcome=0,
                    shown=shown, how=how[w:])
        return answer[w:].all()

    >>> queue = (np.zeros((5, 1), np.int64), np.zeros((7, 1), np.uint8))
    >>> new = (np.empty((5, 2), np.int64), np.empty((7, 2), np.uint8))
    >>> flagged = (np.array([3, -1]), np.array([0, -1], np.int8), np.zeros(2, np.int8),
    ...            np.array([9.0, 10.0]), np.zeros(2, bool), np.array([True, False]))
    >>> triage_queued(np.array([5.0, 1.0, 2.0]), np.array([True, True, False]),
    ...     np.array([1, 2, 3], np.uint8), np.empty(0, np.int8), True, flagged,
    ...     np.array([3, 8]), queue, new)
    False
    >>> queue[0][3].view(np.float64).tolist(), new[0][1].tolist(), new[1][:3].tolist()
    ([5.0], [3, 8], [[0, 255], [0, 0], [1, 0]])
    """
    author, kind, label, arrival, complex_, tagged = flagged
    waiting_key, waiting_how = waiting[0][3].view(np.float64), waiting[1][4]
    w = waiting_key.size
    for i in range(w):
        waiting_key[i], waiting_how[i] = key[i], how[i]
    wide, narrow = today
    new_arrival, new_key = wide[2].view(np.float64), wide[3].view(np.float64)
    new_ready, new_tier = wide[4].view(np.float64), narrow[2].view(np.int8)
    everything = True
    for i in range(shown.size):
        wide[0, i], wide[1, i] = author[i], shown[i]
        new_arrival[i] = new_ready[i] = arrival[i]
        new_key[i] = key[w + i]
        if routed.size:
            new_tier[i] = routed[w + i]
        else:
            new_tier[i] = sends_tagged and tagged[i] and label[i] == 0
        narrow[0, i], narrow[1, i] = kind[i], label[i]  # int8 to uint8: the same bits
        narrow[3, i], narrow[4, i] = 0, how[w + i]
        narrow[5, i], narrow[6, i] = complex_[i], tagged[i]
        everything = everything and answer[w + i]
    return everything
