"""A shift of identical servers working a priority queue: the care team's clock.

:func:`serve` is a discrete-event simulation of ``c`` servers (the people of one tier) during
one working shift. Items become available at their ready times; whenever a server is free, it
starts the available item of lowest priority key (ties by arrival, then by position) and is
busy for that item's service time. Service is non-preemptive: an item started before the shift
ends is finished, in overtime if need be, and a server still busy when the next shift starts
is free only once done (``busy``). With Poisson arrivals, one priority and exponential service
this is the M/M/c queue of Erlang C; with a fixed service time, M/D/c.

Idle servers are a count, not a list, and only busy ones have an entry: a shift costs its
items, whatever the team's size (a million people answer a hundred posts as fast as two do).
"""

from __future__ import annotations

import numpy as np

from socialsim.kernels import njit, stably_sorted

__all__ = ["serve", "shift_starts"]


def serve(
    ready: np.ndarray,
    key: np.ndarray,
    arrival: np.ndarray,
    service: np.ndarray,
    shift: tuple[float, float],
    staff: int,
    busy: list[float],
) -> tuple[np.ndarray, list[float]]:
    """When each item is started during one shift (NaN if it is not).

    Parameters
    ----------
    ready : numpy.ndarray of float64, shape (n,)
        Hour from which each item can be started.
    key : numpy.ndarray of float64, shape (n,)
        Priority, lower first.
    arrival : numpy.ndarray of float64, shape (n,)
        Breaks ties of priority, earlier first (then the position breaks them).
    service : numpy.ndarray of float64, shape (n,)
        Hours each item keeps a server busy.
    shift : (float, float)
        The hours the servers start items in, ``[start, end)``.
    staff : int
        Servers on the shift.
    busy : list of float
        Hours at which servers still busy from earlier shifts become free.

    Returns
    -------
    begin : numpy.ndarray of float64, shape (n,)
        Hour each item was started; NaN for the items left waiting.
    busy : list of float
        Hours at which the servers still busy after the last start become free, for the next
        shift.

    Examples
    --------
    Two people from 9:00 to 10:00; three half-hour items ready at 8:00, the third most urgent:

    >>> begin, busy = serve(np.full(3, 8.0), np.array([1.0, 1.0, 0.0]), np.zeros(3),
    ...                     np.full(3, 0.5), (9.0, 10.0), 2, [])
    >>> begin.tolist(), sorted(busy)
    ([9.0, 9.5, 9.0], [10.0])
    """
    begin, pending = shift_starts(
        *(np.asarray(a, dtype=np.float64) for a in (ready, key, arrival, service)),
        float(shift[0]),
        float(shift[1]),
        int(staff),
        np.asarray(busy, dtype=np.float64),
    )
    return begin, pending.tolist()


@njit(cache=True)
def shift_starts(ready, key, arrival, service, start, end, staff, busy):  # pragma: no cover
    """:func:`serve` on arrays (``busy`` too, in and out), for compiled callers: the care team's.

    Items ready when the shift starts are taken in priority order from a sorted list (numpy's
    ``lexsort((position, arrival, key))``: stable sorts by arrival, then by key); later ones
    join a heap as they arrive, in the order of their ready times (a stable ``argsort``).
    """
    if staff == 0 or ready.size == 0 or end <= start:
        return np.full(ready.size, np.nan), busy[busy > start]
    early = stably_sorted(stably_sorted(np.flatnonzero(ready <= start), arrival), key)
    late = stably_sorted(np.flatnonzero(ready > start), ready)
    return _serve(ready, key, arrival, service, early, late, start, end, staff, busy)


@njit(cache=True)
def _serve(ready, key, arrival, service, early, late, start, end, staff, busy):  # pragma: no cover
    """The event loop of :func:`serve`, on the items ready at the start (``early``, in order)
    and the later ones (``late``, by ready time)."""
    begin = np.full(ready.size, np.nan)
    pending = np.empty((busy.size + ready.size, 3))  # when busy servers are free: (hour, 0, 0)
    waiting = np.empty((ready.size, 3))  # items that came during the shift: (key, arrival, j)
    n_pending = n_waiting = 0
    for free in busy:
        if free > start:
            n_pending = _push(pending, n_pending, free, 0.0, 0.0)
    idle = staff - n_pending  # below 0 when fewer people are on than are still busy
    first = nxt = 0
    t = start
    while True:
        if idle <= 0:
            t = max(t, pending[0, 0])
        if first == early.size and n_waiting == 0:
            if nxt == late.size:
                break
            t = max(t, ready[late[nxt]])
        if t >= end:
            break
        while n_pending > 0 and pending[0, 0] <= t:
            n_pending = _pop(pending, n_pending)
            idle += 1
        if idle <= 0:
            continue
        while nxt < late.size and ready[late[nxt]] <= t:
            j = late[nxt]
            n_waiting = _push(waiting, n_waiting, key[j], arrival[j], j)
            nxt += 1
        take_waiting = n_waiting > 0
        if take_waiting and first < early.size:
            e = early[first]
            take_waiting = _less(waiting[0, 0], waiting[0, 1], waiting[0, 2], key[e], arrival[e], e)
        if take_waiting:
            j = int(waiting[0, 2])
            n_waiting = _pop(waiting, n_waiting)
        else:
            j = early[first]
            first += 1
        begin[j] = t
        idle -= 1
        n_pending = _push(pending, n_pending, t + service[j], 0.0, 0.0)
    return begin, pending[:n_pending, 0].copy()


# Binary heaps of (a, b, c) entries in the first `size` rows of an array: heapq's algorithm
# (push: sift the new entry up; pop: move the last entry to the top and sift it down), so
# entries come out in the order heapq's would give them.


@njit(cache=True)
def _less(a0, a1, a2, b0, b1, b2):  # pragma: no cover
    """``(a0, a1, a2) < (b0, b1, b2)`` as tuples compare: at the first entries that differ."""
    if a0 != b0:
        return a0 < b0
    if a1 != b1:
        return a1 < b1
    return a2 < b2


@njit(cache=True)
def _push(heap, size, a, b, c):  # pragma: no cover
    """``heapq.heappush`` of the entry (a, b, c); returns the new size."""
    _settle(heap, size, a, b, c)
    return size + 1


@njit(cache=True)
def _pop(heap, size):  # pragma: no cover
    """``heapq.heappop`` of the first entry (read it before); returns the new size."""
    size -= 1
    a, b, c = heap[size, 0], heap[size, 1], heap[size, 2]
    if size == 0:
        return 0
    pos, child = 0, 1
    while child < size:  # the smaller child moves up, to a leaf
        right = child + 1
        if right < size and not _less(
            heap[child, 0],
            heap[child, 1],
            heap[child, 2],
            heap[right, 0],
            heap[right, 1],
            heap[right, 2],
        ):
            child = right
        heap[pos, 0], heap[pos, 1], heap[pos, 2] = heap[child, 0], heap[child, 1], heap[child, 2]
        pos, child = child, 2 * child + 1
    _settle(heap, pos, a, b, c)
    return size


@njit(cache=True)
def _settle(heap, pos, a, b, c):  # pragma: no cover
    """Put (a, b, c) at ``pos`` or above it, moving larger parents down (heapq's _siftdown)."""
    while pos > 0:
        parent = (pos - 1) >> 1
        if not _less(a, b, c, heap[parent, 0], heap[parent, 1], heap[parent, 2]):
            break
        heap[pos, 0], heap[pos, 1], heap[pos, 2] = heap[parent, 0], heap[parent, 1], heap[parent, 2]
        pos = parent
    heap[pos, 0], heap[pos, 1], heap[pos, 2] = a, b, c
