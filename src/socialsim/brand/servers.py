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

import heapq

import numpy as np

from socialsim.kernels import njit

__all__ = ["serve"]


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
    start, end = float(shift[0]), float(shift[1])
    busy = np.asarray(busy, dtype=np.float64)
    ready, key, arrival, service = (
        np.asarray(a, dtype=np.float64) for a in (ready, key, arrival, service)
    )
    if staff == 0 or ready.size == 0 or end <= start:
        return np.full(ready.size, np.nan), busy[busy > start].tolist()
    # Items ready when the shift starts are taken in priority order from a sorted list; later
    # ones join a heap as they arrive.
    early = np.flatnonzero(ready <= start)
    early = early[np.lexsort((early, arrival[early], key[early]))]
    late = np.flatnonzero(ready > start)
    late = late[np.argsort(ready[late], kind="stable")]
    begin, pending = _serve(ready, key, arrival, service, early, late, start, end, int(staff), busy)
    return begin, pending.tolist()


@njit(cache=True)
def _serve(ready, key, arrival, service, early, late, start, end, staff, busy):  # pragma: no cover
    """The event loop of :func:`serve` (compiled: it runs once per item handled)."""
    begin = np.full(ready.size, np.nan)
    pending = [start]  # servers busy until then; typed by its first entry
    pending.pop()
    for free in busy:
        if free > start:
            heapq.heappush(pending, free)
    waiting = [(key[0], arrival[0], 0)]
    waiting.pop()
    idle = staff - len(pending)  # below 0 when fewer people are on than are still busy
    first = nxt = 0
    t = start
    while True:
        if idle <= 0:
            t = max(t, pending[0])
        if first == early.size and len(waiting) == 0:
            if nxt == late.size:
                break
            t = max(t, ready[late[nxt]])
        if t >= end:
            break
        while len(pending) > 0 and pending[0] <= t:
            heapq.heappop(pending)
            idle += 1
        if idle <= 0:
            continue
        while nxt < late.size and ready[late[nxt]] <= t:
            j = late[nxt]
            heapq.heappush(waiting, (key[j], arrival[j], j))
            nxt += 1
        take_waiting = len(waiting) > 0
        if take_waiting and first < early.size:
            e = early[first]
            take_waiting = waiting[0] < (key[e], arrival[e], e)
        if take_waiting:
            j = heapq.heappop(waiting)[2]
        else:
            j = early[first]
            first += 1
        begin[j] = t
        idle -= 1
        heapq.heappush(pending, t + service[j])
    return begin, np.array(pending, dtype=np.float64)
