"""Compiled kernels of the brand's back end (replies, onlookers, costs), equal bit for bit to
the numpy they replace; the care team's day is :mod:`socialsim.brand.compiled_work`.

As in :mod:`socialsim.brand.compiled`: at workshop size a day answers a few dozen items, where
each numpy call costs its fixed overhead rather than its work, so one loop replaces the dozens
of calls of the replies' bookkeeping or of the onlookers' total (docs/performance.md, section
6). Each kernel is named after its phase and its docstring gives the numpy it replaces;
``tests/test_phase_kernels_brand.py`` compares the two. A kernel's draws are the phase's own
numpy draws, made inside it in the same order (:func:`~socialsim.kernels.generator_of`); every
``np.exp`` stays numpy's, between kernels; the day's sums are numpy's own, in its order
(:func:`~socialsim.brand.compiled.numpy_sum`).
"""

from __future__ import annotations

import numpy as np

from socialsim.brand.compiled import numpy_sum, replies_change, replies_unheard
from socialsim.fans.identification import _spread
from socialsim.interactions import interactions_row
from socialsim.kernels import generator_of, njit, prefetch
from socialsim.network.csr import sums_of
from socialsim.population import _AHEAD, CHURNED, _feel_at, _shift

__all__ = [
    "costs_labels",
    "onlookers_day",
    "onlookers_felt",
    "onlookers_seen",
    "replies_answer",
    "replies_day",
    "replies_due",
    "replies_ignored",
]


@njit(cache=True)
def replies_due(
    author: np.ndarray,
    outcome: np.ndarray,
    delay: np.ndarray,
    hours: tuple[float, float],
    replied: np.ndarray,
    late: np.ndarray,
) -> tuple[int, int]:  # pragma: no cover
    """Which handled items got a reply, into ``replied``, and the exponents of each one's
    lateness and speed factor, into ``late`` (shape (2, n)), ``hours`` holding
    ``team.fix_patience_hours`` and ``response.speed_hours``; returns how many got a reply
    and how many were false positives. The exponents' ``np.exp`` stays numpy's, one call for
    both (:func:`replies_answer`). Equal to, without its warning of an overflow (a tiny time
    constant gives −inf, whose exp, 0, is right)::

        replied[:] = (author >= 0) & (outcome <= FOLLOWED)   # Queue.replied
        late[0], late[1] = -delay / hours[0], -delay / hours[1]
        count_nonzero(replied), count_nonzero(author < 0)
    """
    answered = false_positives = 0
    for i in range(author.size):
        replied[i] = author[i] >= 0 and outcome[i] <= 1
        answered += replied[i]
        false_positives += author[i] < 0
    for k in range(2):
        for i in range(delay.size):
            late[k, i] = -delay[i] / hours[k]
    return answered, false_positives


@njit(cache=True)
def replies_answer(handled, replied, late, u, rates, gains, people, squeaky, t):  # pragma: no cover
    """Each reply's change of its author's loyalty, with the day's records of the replies.

    ``handled`` holds the day's handled items' ``author, kind, outcome, how, complex, tier,
    arrival, response time``, ``replied`` marks those that got a reply (``Queue.replied``),
    ``late`` the ``np.exp`` of :func:`replies_due`, ``rates`` the ``policy.fix_rate``,
    ``team.frontline_skill`` and ``response.speed_floor``; ``u`` the fix draws (one per
    reply), ``gains`` as for :func:`replies_change`; ``people`` holds everyone's
    ``responses_received, last_contact, complaint_propensity`` (changed here) and ``status``.
    Equal to this numpy, on ``a = author[replied]`` and likewise for the other columns::

        chance = fix_rate * fix_chance(handled, response_time, team)
        speed = speed_factor(response_time, response)
        fits = outcome == ANSWERED
        fixed = (u < chance) & ((how & FIX) > 0)
        change, tally = replies_change(kind, fits, fixed, (how & COMPENSATE) > 0, complex,
                                       speed, gains)
        np.add.at(responses_received, a, 1); last_contact[a] = t
        np.add.at(complaint_propensity, a[fits & (kind == COMPLAINT)], squeaky)
        asked = a[fits & (kind == NEED)]; asked = asked[status[asked] == PROSPECT]
        public = (how & PRIVATE) == 0
        amplified = public & ((how & AMPLIFY) > 0) & fits & (kind == PRAISE)

    returning ``a, change, tally, float(change.sum())``, the log's ``hour`` (``arrival +
    response time − 24 (t − 1)``), ``kind`` (``where(fits, REPLY, BOTCHED)``) and
    ``channel`` (``where(public, PUBLIC, PRIVATE)``), ``asked``, ``(a[public],
    change[public])`` and ``(a[amplified], change[amplified])``.
    """
    author, kind, outcome, how, complex_, tier, arrival, response = handled
    received, contact, propensity, status = people
    fix_rate, skill, floor = rates
    which = np.flatnonzero(replied)
    chance, speed = np.empty(which.size), np.empty(which.size)
    for r in range(which.size):
        i = which[r]
        # fix_chance: an expert's falls with the wait, the frontline's is its skill
        fixing = late[0, i] if tier[i] == 1 else (skill if complex_[i] else 1.0)
        chance[r] = fix_rate * fixing
        speed[r] = floor + (1 - floor) * late[1, i]
    a, kind, how = author[replied], kind[replied], how[replied]
    fits = outcome[replied] == 0
    fixed = (u < chance) & ((how & 2) > 0)
    compensated = (how & 4) > 0
    change, tally = replies_change(kind, fits, fixed, compensated, complex_[replied], speed, gains)
    for i in range(a.size):
        received[a[i]] += 1
        contact[a[i]] = t
        if fits[i] and kind[i] == 0:
            propensity[a[i]] += squeaky
    hour = arrival[replied] + response[replied] - 24.0 * (t - 1)
    logged = np.where(fits, np.int8(6), np.int8(7))  # Kind.REPLY, Kind.BOTCHED
    public = (how & 1) == 0
    channel = np.where(public, np.int8(0), np.int8(1))  # Channel.PUBLIC, Channel.PRIVATE
    asked = a[fits & (kind == 2)]
    asked = asked[status[asked] == 0]
    amplified = public & ((how & 8) > 0) & fits & (kind == 1)
    seen = (a[public], change[public])
    return (
        a,
        change,
        tally,
        numpy_sum(change),
        (hour, logged, channel),
        asked,
        seen,
        (
            a[amplified],
            change[amplified],
        ),
    )


@njit(cache=True)
def replies_ignored(posts, queued, handled, missed, penalty):  # pragma: no cover
    """The authors of the day's unanswered complaints, how many were dismissed, and what each
    loses.

    ``posts``, ``queued``, ``handled`` and ``missed`` hold the ``author, kind`` of today's
    posts and of the items that joined the queue today, were handled and were dropped
    (``handled`` its ``outcome`` too). Equal to::

        dismissed = handled_author[(handled_outcome == DISMISSED) & (handled_kind == COMPLAINT)]
        posted = posts_author[posts_kind == COMPLAINT]
        unheard = replies_unheard(posted, queued_author[queued_kind == COMPLAINT])
        ignored = concatenate([unheard, dismissed, missed_author[missed_kind == COMPLAINT]])
        change = full(ignored.size, -penalty)

    returning ``ignored, dismissed.size, change, float(change.sum())``.
    """
    dismissed = handled[0][(handled[2] == 2) & (handled[1] == 0)]
    unheard = replies_unheard(posts[0][posts[1] == 0], queued[0][queued[1] == 0])
    dropped = missed[0][missed[1] == 0]
    ignored = np.concatenate((unheard, dismissed, dropped))
    change = np.full(ignored.size, -penalty)
    return ignored, dismissed.size, change, numpy_sum(change)


@njit(cache=True)
def replies_day(
    handle, handled, late, replied, others, people, rates, gains, t, log
):  # pragma: no cover
    """The replies phase after its ``np.exp``: each reply's effect on its author, the needs
    answered that win a prospect, and the unanswered complaints, with their draws; each reply
    logged.

    ``handled`` holds the day's handled items' blocks (:class:`~socialsim.brand.care_team.
    Queue`) and response times; ``late`` and ``replied`` are :func:`replies_due`'s (``late``
    after its ``np.exp``); ``others`` the ``author, kind`` of today's posts and the blocks of
    the items queued today and of those missed; ``people`` everyone's ``loyalty, depth,
    responses_received, last_contact, complaint_propensity, status, join_day``; ``rates``
    ``policy.fix_rate``, ``team.frontline_skill``, ``response.speed_floor``,
    ``squeaky_wheel``, ``need_conversion``, ``ignored_penalty`` and the population's damping
    (0 when everyone is shallow); ``gains`` as for :func:`replies_change`, a tuple; ``log``
    the interaction log's buffers (:meth:`~socialsim.interactions.InteractionLog.buffers`),
    the first row to write (room reserved for a row per handled item) and everyone's
    ``last_interaction, last_engaged``. Equal to, with ``draw`` the phase's Generator::

        a, change, tally, total, (hour, kind, channel), asked, seen, amplified = replies_answer(
            handled, replied, late, draw.random(count_nonzero(replied)), rates[:3], gains,
            people[2:6], squeaky, t)
        population.shift(a, change)
        population.record(a, day=t, hour=hour, kind=kind, channel=channel)
        won = asked[draw.random(asked.size) < need_conversion]; population.join(won, t)
        ignored, dismissed, lost, lost_total = replies_ignored(posts, queued, handled, missed,
                                                               ignored_penalty)
        population.shift(ignored, lost)   # if ignored.size; total += lost_total likewise

    returning the rows logged (``a.size``), what the onlookers see (``a[public],
    change[public]`` followed by ``ignored, lost``), the amplified pair, ``tally`` followed
    by ``dismissed`` and ``won.size``, and ``total``.
    """
    loyalty, depth, received, contact, propensity, status, join_day = people
    fix_rate, skill, floor, squeaky, conversion, penalty, damping = rates
    author, kind = handled[0][0], handled[1][0].view(np.int8)
    outcome = handled[1][3].view(np.int8)
    how, complex_, tier = handled[1][4], handled[1][5].view(np.bool_), handled[1][2].view(np.int8)
    columns = (author, kind, outcome, how, complex_, tier, handled[0][2].view(np.float64))
    rng = generator_of(handle)
    u = np.empty(np.count_nonzero(replied))
    for i in range(u.size):
        u[i] = rng.random()
    a, change, tally, total, record, asked, seen, amplified = replies_answer(
        (*columns, handled[2]),
        replied,
        late,
        u,
        (fix_rate, skill, floor),
        np.array(gains),
        (received, contact, propensity, status),
        squeaky,
        t,
    )
    _shift(loyalty, depth, a, change, damping)
    columns, start, last_interaction, last_engaged = log
    hour, logged, channel = record
    for i in range(a.size):  # Population.record's rows, as a kernel that logs as it goes
        interactions_row(
            *(columns, start + i, a[i], t, hour[i], logged[i], channel[i], -1),
            *(last_interaction, last_engaged),
        )
    won = 0
    for i in range(asked.size):
        if rng.random() < conversion:
            status[asked[i]] = 1  # population.FAN
            join_day[asked[i]] = t
            won += 1
    posts, queued, missed = others
    ignored, dismissed, lost, lost_total = replies_ignored(
        posts,
        (queued[0][0], queued[1][0].view(np.int8)),
        (author, kind, outcome),
        (missed[0][0], missed[1][0].view(np.int8)),
        penalty,
    )
    if ignored.size:
        _shift(loyalty, depth, ignored, lost, damping)
        total += lost_total
    seen = (np.concatenate((seen[0], ignored)), np.concatenate((seen[1], lost)))
    counts = (tally[0], tally[1], tally[2], tally[3], tally[4], tally[5], tally[6], tally[7])
    return a.size, seen, amplified, (*counts, dismissed, won), total


@njit(cache=True)
def onlookers_felt(people, felt, status, table):  # pragma: no cover
    """What each onlooker felt in all, and the total felt by those still listening.

    ``people`` and ``felt`` are the day's pieces of what people felt, one after the other;
    ``status`` everyone's, ``table`` a scratch table of ``len(status)`` entries. Equal to::

        people, felt = sum_by(people, felt, len(status))
        people, felt, float(felt[status[people] != CHURNED].sum())
    """
    people, felt = sums_of(people, felt, table)
    listening = np.empty(people.size)
    count = 0
    for k in range(people.size):
        if k + _AHEAD < people.size:  # at ten million people, each status is a cache miss
            prefetch(status, people[k + _AHEAD])
        if status[people[k]] != CHURNED:
            listening[count] = felt[k]
            count += 1
    return people, felt, numpy_sum(listening[:count])


@njit(cache=True)
def onlookers_seen(graph, authors, change, share, segment, cross, table):  # pragma: no cover
    """What the audiences of the day's public interactions feel, and how many they are.

    ``graph`` is the graph's :func:`~socialsim.fans.identification.arcs`, ``authors`` and
    ``change`` the interactions' (``day.seen``), ``share`` the onlookers' share of the
    authors' change, ``segment`` everyone's, ``cross`` ``identification.cross_segment`` and
    ``table`` a scratch table of one entry per person. Equal to::

        people, felt = spread(graph, authors, share * change, segment, cross)
        people, felt, int(graph.out_degree[authors].sum())
    """
    indptr = graph[0]
    audience = 0
    for u in authors:
        audience += indptr[u + 1] - indptr[u]
    people, felt = _spread(*graph, authors, share * change, segment, cross, table)
    return people, felt, audience


@njit(cache=True)
def onlookers_day(graph, seen, extra, people, damping, cross, table):  # pragma: no cover
    """The onlookers phase after its draws: what the audiences of the day's public
    interactions and the people reached by amplified ones feel, summed by person and felt.

    ``graph`` is the graph's :func:`~socialsim.fans.identification.arcs`, ``seen`` the public
    interactions' authors and changes (``day.seen``; none when the onlookers' share is 0) and
    that ``share``, ``extra`` the amplified interactions' people and what they feel, ``people``
    everyone's ``segment, status, loyalty`` (moved here) and ``depth``, ``damping`` the
    population's (0 when everyone is shallow). Equal to::

        pieces = [onlookers_seen(graph, authors, change, share, segment, cross, table)[:2]]
        pieces += [extra]   # each only if it has people: seen's if it has authors
        people, felt, total = onlookers_felt(concatenate(people), concatenate(felt), status,
                                             table)
        population.feel_at(people, felt)

    returning ``total`` (0.0 with no piece) and the audience of the public interactions.
    """
    authors, change, share = seen
    segment, status, loyalty, depth = people
    people_, felt = extra
    audience = 0
    if authors.size:
        people_, felt, audience = onlookers_seen(
            graph, authors, change, share, segment, cross, table
        )
        if extra[0].size:
            people_ = np.concatenate((people_, extra[0]))
            felt = np.concatenate((felt, extra[1]))
    elif not extra[0].size:
        return 0.0, audience
    people_, felt, total = onlookers_felt(people_, felt, status, table)
    _feel_at(loyalty, status, depth, people_, felt, damping)
    return total, audience


@njit(cache=True)
def costs_labels(label: np.ndarray) -> tuple[int, int, int]:  # pragma: no cover
    """How many of the day's flagged items listening labelled a complaint, praise and a need:
    ``tuple(np.bincount(label, minlength=3))`` for labels in 0..2 (a tuple of three numbers
    where numpy's call and its array cost several times the count).

    >>> costs_labels(np.array([2, 0, 2], np.int8))
    (1, 0, 2)
    """
    counts = [0, 0, 0]
    for k in label:
        counts[k] += 1
    return counts[0], counts[1], counts[2]
