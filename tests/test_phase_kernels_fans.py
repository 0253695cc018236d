"""The fans' and the graph's compiled kernels against the numpy they replace, bit for bit.

Experiences, word of mouth, recruitment's cascade, defence and help, churn, escalation, depth,
``Population.shift`` and the Barabási–Albert generator. Same seed, same numbers: a kernel that
rounds once differently changes every run after it, so each is compared with its numpy version
on random inputs, ties and edge cases included.
"""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from socialsim import EngagementModel, Scenario
from socialsim.chance import Arrivals, at_least_once, exponential, hazard
from socialsim.day import Day
from socialsim.fans import identification
from socialsim.fans.advocacy import (
    advocacy_answered,
    advocacy_drawn,
    defence_felt,
    help_given,
    praise_seen_felt,
)
from socialsim.fans.cascade import (
    cascade_arc_count,
    cascade_arcs,
    cascade_positions,
    cascade_reached,
    cascade_successes,
    fire,
)
from socialsim.fans.churn import _constants, churn, churn_fans, churn_leave
from socialsim.fans.depth import depth_day, depth_deepen
from socialsim.fans.escalation import (
    escalation_reached,
    escalation_reshares,
)
from socialsim.fans.experiences import experiences_outcomes, experiences_uniforms
from socialsim.fans.identification import (
    _arcs_by_block,
    _block_buffers,
    _block_sums,
    _next_arc,
    arcs,
    listener_blocks,
    spread,
)
from socialsim.fans.recruitment import (
    recruitment_cascade,
    recruitment_drawn,
    recruitment_external,
    recruitment_join,
    recruitment_pitchers,
)
from socialsim.fans.word_of_mouth import (
    word_of_mouth_day,
    word_of_mouth_feel,
    word_of_mouth_heard,
    word_of_mouth_tanh,
)
from socialsim.interactions import BRAND_SEES, Channel, InteractionLog, Kind
from socialsim.kernels import stream_handle
from socialsim.network.generators import barabasi_albert, barabasi_albert_far_ends
from socialsim.network.graph import MAX_NODES, SocialGraph, distinct, sum_by
from socialsim.population import DETRACTOR, PROMOTER, Population, _shift
from socialsim.posts import PostKind, Posts
from socialsim.scenario import PopulationParams


@pytest.mark.parametrize("seed", range(20))
def test_shift_equals_add_at_then_clip(seed):
    # Repeated indices add up in their order, then the scale's bounds apply, as numpy did.
    rng = np.random.default_rng(seed)
    n, k = 50, int(rng.integers(0, 120))
    loyalty, depth = rng.uniform(0, 10, n), rng.random(n) * (seed % 2)
    who, delta = rng.integers(0, n, k), rng.normal(0, 3, k)
    damping = float(rng.random())
    expected = loyalty.copy()
    np.add.at(expected, who, delta * (1.0 - damping * depth[who]))
    expected[who] = np.clip(expected[who], 0.0, 10.0)
    _shift(loyalty, depth, who, delta, damping)
    assert loyalty.tobytes() == expected.tobytes()


@pytest.mark.parametrize("seed", range(20))
def test_escalation_reached_equals_the_distinct_audience(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 300))
    graph = barabasi_albert(n, int(rng.integers(1, 4)), seed=rng)
    authors, who = rng.choice(n, int(rng.integers(0, 10))), rng.choice(n, int(rng.integers(0, 5)))
    reached = rng.choice(n, int(rng.integers(0, 30)))
    audience = graph.indices[graph.arcs_from(np.concatenate([authors, who]))]
    expected = distinct(np.concatenate([audience, reached]), n).size
    table = rng.integers(-5, 50, n)  # stale scratch
    assert escalation_reached(graph.indptr, graph.indices, authors, who, reached, table) == expected


@pytest.mark.parametrize("seed", range(20))
def test_depth_deepen_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n, rows = 300, int(rng.integers(0, 120))
    person, kind = rng.integers(0, n // int(rng.integers(1, 30)), rows), rng.integers(0, 10, rows)
    first = int(rng.integers(0, rows + 1))
    last = int(rng.integers(first, rows + 1))
    two_way, gain = rng.random(10) < 0.4, float(rng.random())
    depth = rng.random(n) * (rng.random(n) < 0.7)
    table = rng.integers(-5, rows + 5, n)  # stale scratch
    expected = depth.copy()
    at = np.arange(first, last)
    answered = person[at][two_way[kind[at]]]
    people, times = sum_by(answered, np.ones(answered.size), n)
    expected[people] = 1.0 - (1.0 - expected[people]) * (1.0 - gain) ** times
    deepest = depth_deepen(person, kind.astype(np.int8), first, last, two_way, depth, gain, table)
    assert depth.tobytes() == expected.tobytes()
    assert deepest == expected[people].max(initial=0.0)


@pytest.mark.parametrize("seed", range(20))
def test_barabasi_albert_far_ends_equal_pointer_jumping(seed):
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(1, 6)), int(rng.integers(8, 400))
    n_edges = m * (n - m)
    src = np.concatenate([np.zeros(m, np.int64), np.repeat(np.arange(m + 1, n), m)])
    tgt = np.concatenate([np.arange(1, m + 1), np.full(n_edges - m, -1)])
    entry = rng.integers(0, 2 * m * (src[m:] - m))
    expected = tgt.copy()
    edge, copies = entry >> 1, (entry & 1).astype(bool)
    new_tgt = expected[m:]
    new_tgt[~copies] = src[edge[~copies]]
    pending = np.flatnonzero(copies) + m
    pointer = np.zeros(n_edges, dtype=np.int64)
    pointer[pending] = edge[copies]
    resolved = np.ones(n_edges, dtype=bool)
    resolved[pending] = False
    while pending.size:
        ahead = pointer[pending]
        done = resolved[ahead]
        finished = pending[done]
        expected[finished] = expected[ahead[done]]
        pending, ahead = pending[~done], ahead[~done]
        pointer[pending] = pointer[ahead]
        resolved[finished] = True
    barabasi_albert_far_ends(src, tgt, entry, m)
    assert tgt.tolist() == expected.tolist()


def experiences_numpy(lived, e, post_e, hour, had, bad_hazard, effects, praise_hazard, *rest):
    """The numpy version of the experiences' outcomes (before they were compiled)."""
    needs, need_hour, status, activity, propensity, loyalty, depth, damping, posts_made = rest
    fan = status[lived] == 1
    bad_hazard = np.broadcast_to(bad_hazard, lived.shape)  # one for everyone, or each's own
    lived, e, post_e, hour, bad_hazard = (x[fan] for x in (lived, e, post_e, hour, bad_hazard))
    if had.size:
        keep = e < had[fan]
        lived, e, post_e, hour, bad_hazard = (x[keep] for x in (lived, e, post_e, hour, bad_hazard))
    was_bad = e < bad_hazard
    bad, good = lived[was_bad], lived[~was_bad]
    for who, delta in ((bad, effects[0]), (good, effects[1])):
        _shift(loyalty, depth, who, np.full(who.size, delta), damping)
    complains = post_e[was_bad] < activity[bad] * propensity[bad] * effects[2]
    praises = post_e[~was_bad] < activity[good] * praise_hazard
    listening = status[needs] != 2
    posts = Posts.gather(
        {
            PostKind.COMPLAINT: (bad[complains], 24.0 * hour[was_bad][complains]),
            PostKind.PRAISE: (good[praises], 24.0 * hour[~was_bad][praises]),
            PostKind.NEED: (needs[listening], 24.0 * need_hour[listening]),
        }
    )
    np.add.at(posts_made, posts.author, 1)
    counts = (good.size, bad.size, complains.sum(), praises.sum(), listening.sum())
    return posts, tuple(int(c) for c in counts)


@pytest.mark.parametrize("seed", range(30))
def test_experiences_outcomes_equal_their_numpy_version(seed):
    # The kernels draw what the phase drew with numpy, from one seed: the candidates, their
    # posting and hour uniforms (experiences_uniforms), then the needs and their hours
    # (experiences_outcomes); each draw of events along the line, or for everyone.
    rng = np.random.default_rng(seed)
    people = 300
    state = (
        rng.integers(0, 3, people).astype(np.int8),
        rng.lognormal(0.0, 1.0, people) * (rng.random(people) < 0.9),
        rng.uniform(0.5, 3.0, people),
        rng.uniform(0.0, 10.0, people).round(int(seed % 2)),
        rng.random(people) * (seed % 2),
        float(rng.random()),
    )
    anyone, by_activity = Arrivals.of(np.ones(people)), Arrivals.of(state[1])
    lived_at = hazard(float(rng.uniform(0.01, 0.1) if seed % 4 else rng.uniform(0.2, 0.4)))
    needs_at = hazard(float(rng.uniform(0.0, 0.03) if seed % 3 else rng.uniform(0.3, 0.5)))
    theirs, ours = np.random.default_rng(seed + 100), np.random.default_rng(seed + 100)
    lived, e = anyone.draw(lived_at, seed=theirs)
    post_e, hour = (
        exponential(theirs.random(lived.size, dtype=np.float32)),
        theirs.random(lived.size),
    )
    needs, _ = by_activity.draw(needs_at, seed=theirs)
    need_hour = theirs.random(needs.size)
    n = lived.size
    episode = seed % 3 == 0  # each candidate's own hazards
    hazards = rng.uniform(0.0, 0.3, (2, n if episode else 1))
    had = hazards.sum(axis=0) if episode else np.empty(0)
    effects = [-rng.uniform(0, 3), rng.uniform(0, 1), hazard(float(rng.random()))]
    praise_hazard = hazard(float(rng.random()))
    numpy_args = (lived, e, post_e, hour, had, hazards[0], effects, praise_hazard, needs, need_hour)
    expected_made = rng.integers(0, 5, people).astype(np.int32)
    made, loyalty = expected_made.copy(), state[3].copy()
    posts, counts = experiences_numpy(*numpy_args, *state, expected_made)

    fans, fans_e, uniforms = experiences_uniforms(anyone.events(lived_at, seed=ours), state[0])
    fan = state[0][lived] == 1  # the kernels take the fans alone, and their hazards
    assert fans.tolist() == lived[fan].tolist() and fans_e.tobytes() == e[fan].tobytes()
    np.log1p(uniforms[0], out=uniforms[0])
    assert (-uniforms[0]).tobytes() == post_e[fan].tobytes()
    assert uniforms[1].tobytes() == hour[fan].tobytes()
    events = by_activity.events(needs_at, seed=ours)
    assert events[0] == bool(seed % 3)
    own = hazards[:, fan] if episode else hazards
    args = (fans, fans_e, uniforms, had[fan] if episode else had, own[0])
    args += (np.array([*effects, praise_hazard]),)
    got = experiences_outcomes(events, *args, *state[:3], loyalty, *state[4:], made)
    assert got[:5] == counts
    assert got[5].tolist() == posts.author.tolist()
    assert got[6].tolist() == posts.kind.tolist()
    assert got[7].tobytes() == posts.hour.tobytes()
    assert loyalty.tobytes() == state[3].tobytes()
    assert made.tolist() == expected_made.tolist()
    assert ours.random() == theirs.random()


@pytest.mark.parametrize("seed", range(6))
def test_the_spreads_walk_ahead_visits_the_senders_arcs_in_order(seed):
    # _spread asks for the entries of the arcs this walk visits: each of the senders' arcs
    # once, in the order the spread takes them (rows of no arcs, repeats and all), never past.
    rng = np.random.default_rng(seed)
    indptr = np.r_[0, np.cumsum(rng.integers(0, 4, 30))].astype(np.int64)
    senders = rng.integers(0, 30, int(rng.integers(0, 12)))
    expected = [arc for u in senders for arc in range(indptr[u], indptr[u + 1])]
    walk, (k, arc, end) = [], _next_arc(indptr, senders, -1, 0, 0)
    while k < senders.size:
        walk.append(arc)
        assert indptr[senders[k]] <= arc < end == indptr[senders[k] + 1]
        k, arc, end = _next_arc(indptr, senders, k, arc, end)
    assert walk == expected and k == senders.size


@pytest.mark.parametrize("seed", range(4))
def test_a_population_keeps_segments_in_the_narrowest_of_int8_and_int32(seed):
    # The spread reads segments at random for each arc, so the population keeps them in a
    # byte where they fit; the narrowing must not change which pairs share a segment.
    rng = np.random.default_rng(seed)
    n = 400
    graph = SocialGraph.from_edges(*rng.integers(0, n, (2, 2000)), n_nodes=n, directed=False)
    wide = rng.integers(-128, 128, n) if seed % 2 else rng.integers(0, 4, n)
    if seed % 2:
        wide[:2] = -128, 127  # both ends of a byte, always
    pop = Population.initialize(PopulationParams(), n, seed=rng, segment=wide)
    assert pop.segment.dtype == np.int8 and pop.segment.tolist() == wide.tolist()
    assert pop.to_frame(graph)["segment"].dtype == np.int32  # an export users compute with
    senders, values, cross = rng.integers(0, n, 60), rng.normal(size=60), float(rng.random())
    ours = spread(graph, senders, values, pop.segment, cross)
    theirs = spread(graph, senders, values, wide.astype(np.int32), cross)
    assert ours[0].tolist() == theirs[0].tolist() and ours[1].tobytes() == theirs[1].tobytes()
    beyond = wide.copy()
    beyond[int(rng.integers(0, n))] = (128, -129)[seed % 2]
    pop = Population.initialize(PopulationParams(), n, seed=rng, segment=beyond)
    assert pop.segment.dtype == np.int32 and pop.segment.tolist() == beyond.tolist()


def spread_in_blocks(graph, senders, values, segment, cross, bits):
    """The spread summed block by block, as word of mouth and defence do from a million people,
    each block's people and sums one after the other."""
    arcs_by_block = _arcs_by_block(*arcs(graph), senders, segment, bits)
    sums, heard, people, felt = _block_buffers(arcs_by_block, graph.n_nodes, bits)
    every_people, every_felt = [np.empty(0, np.int64)], [np.empty(0)]
    for b in range(arcs_by_block[2].size - 1):
        sums[:] = np.nan  # what a block's sums held before is of no account
        found = _block_sums(
            arcs_by_block, b, bits, values, segment, cross, sums, heard, people, felt
        )
        assert not heard.any()  # ready for the next block
        every_people.append(people[:found].copy())
        every_felt.append(felt[:found].copy())
    return np.concatenate(every_people), np.concatenate(every_felt)


@pytest.mark.parametrize("seed", range(16))
def test_a_spread_in_blocks_gives_each_listener_the_same_sum_in_increasing_order(seed):
    # The same listeners as the table's spread, each feeling the same sum to the last bit (a
    # listener's arcs are added in the same order, the first effect taken as it is: -0.0 stays
    # -0.0), in increasing order.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    weights = rng.uniform(0.1, 2.0, 1500) if seed % 2 else None
    graph = SocialGraph.from_edges(
        *rng.integers(0, n, (2, 1500)), n_nodes=n, directed=bool(seed % 3), weights=weights
    )
    senders = rng.integers(0, n, int(rng.integers(0, 80)))  # repeats and all
    values = rng.normal(size=senders.size)
    segment = rng.integers(-2, 2, n).astype((np.int8, np.int32)[seed % 3 == 0])
    cross = (0.0, float(rng.random()), 1.0)[seed % 3]  # 0: -0.0 from a negative value
    bits = (0, 1, 3, 16)[(seed // 2) % 4]
    people, felt = spread_in_blocks(graph, senders, values, segment, cross, bits)
    expected_people, expected_felt = spread(graph, senders, values, segment, cross)
    order, expected_order = np.argsort(people), np.argsort(expected_people)
    assert people[order].tolist() == expected_people[expected_order].tolist()
    assert felt[order].tobytes() == expected_felt[expected_order].tobytes()
    assert np.all(np.diff(people) > 0)


@pytest.mark.parametrize("seed", range(12))
def test_a_spread_over_short_rows_and_empty_last_rows_equals_numpys_sums(seed):
    # The walks ahead ask for rows and arcs up to 16 senders past the one summed. Rows of a
    # few arcs (two a person at most, on average) and a graph whose last people have none (a
    # row that starts at the arc count) take those asks to the end of every array;
    # test_kernel_bounds runs this with every read, prefetches included, bounds-checked.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 60))
    quiet = int(rng.integers(1, n))  # the last `quiet` people follow no one
    m = int(rng.integers(0, 2 * (n - quiet) + 1))
    weights = rng.uniform(0.1, 2.0, m) if seed % 2 else None
    graph = SocialGraph.from_edges(
        rng.integers(0, n - quiet, m), rng.integers(0, n, m), n_nodes=n, directed=True,
        weights=weights,
    )  # fmt: skip
    assert graph.indptr[n - quiet] == graph.indices.size  # the quiet rows start at the end
    senders = np.r_[rng.integers(0, n, int(rng.integers(0, 40))), n - 1]
    values, cross = rng.normal(size=senders.size), float(rng.random())
    segment = rng.integers(0, 2, n).astype(np.int8)
    listener, effect = [], []
    for value, u in zip(values, senders, strict=True):
        row = slice(graph.indptr[u], graph.indptr[u + 1])
        heard = graph.indices[row]
        tie = graph.weights[row] if seed % 2 else 1.0
        listener.append(heard)
        effect.append(value * np.where(segment[heard] == segment[u], 1.0, cross) * tie)
    listener = np.concatenate(listener)
    expected_people = np.unique(listener)
    expected_felt = np.bincount(listener, np.concatenate(effect), n)[expected_people]
    for people, felt in (
        spread(graph, senders, values, segment, cross),
        spread_in_blocks(graph, senders, values, segment, cross, bits=1),
    ):
        order = np.argsort(people)
        assert people[order].tolist() == expected_people.tolist()
        assert np.array_equal(felt[order], expected_felt)  # -0.0 == 0.0


@pytest.mark.parametrize("seed", range(2))
def test_a_run_in_blocks_moves_every_number_as_the_table_does(seed, monkeypatch):
    # Blocks pay from a million people (listener_blocks), up to the most a graph holds; a
    # small run made to take them, in blocks of 16 or 512 people, must repeat the table's run
    # to the last bit, word of mouth and defence included.
    assert [listener_blocks(s) for s in (999_999, 10**6, MAX_NODES)] == [0, 16, 16]
    scenario = Scenario().replace({"graph.n": 2000, "run.days": 40})
    table = EngagementModel(scenario, rng=seed)
    table.run()
    monkeypatch.setattr(identification, "_BLOCKS_FROM", 1)
    monkeypatch.setattr(identification, "_BLOCK_BITS", (4, 9)[seed])
    assert listener_blocks(2000) == (4, 9)[seed]  # what word of mouth and defence now take
    blocks = EngagementModel(scenario, rng=seed)
    blocks.run()
    assert table.kpis()[["wom_positive", "defences"]].sum().min() > 0  # both paths ran
    pd.testing.assert_frame_equal(blocks.kpis(), table.kpis(), check_exact=True)
    pd.testing.assert_frame_equal(blocks.fans(), table.fans(), check_exact=True)


def word_of_mouth_inputs(seed):
    """A random graph and population, and word of mouth's parameters, as the kernels take them."""
    rng = np.random.default_rng(seed)
    n = 1000
    ends = rng.integers(0, n, (2, 3000))
    weights = rng.uniform(0.1, 2.0, 3000) if seed % 2 else None
    graph = SocialGraph.from_edges(*ends, n_nodes=n, directed=bool(seed % 3), weights=weights)
    loyalty = rng.uniform(0.0, 10.0, n).round(int(seed % 2))
    loyalty[:5] = [PROMOTER, DETRACTOR, 0.0, 10.0, PROMOTER - 1e-12]  # the roles' edges
    status, churn_day = rng.integers(0, 3, n).astype(np.int8), rng.integers(-1, 40, n)
    activity, depth = rng.lognormal(0.0, 1.0, n), rng.random(n) * (seed % 4 != 0)
    segment = rng.integers(0, 3, n).astype(np.int8)  # as the population keeps it
    by_activity = Arrivals.of(activity)
    # 25 to 110 candidates drawn along the line, or (2.0) a draw for everyone.
    sparse = float(rng.uniform(0.2, 0.9)) * 0.125 * n / float(by_activity.start[-1])
    drawn_at = sparse if seed % 5 else 2.0
    hazards = hazard(np.r_[0.0, rng.uniform(0.0, 0.2, 4)])
    valence = np.array([0.0, 1.0, float(rng.uniform(0, 0.5)), -1.5, -1.5])
    boost, since, cross = float(rng.random()), int(rng.integers(0, 40)), float(rng.random())
    effect, cap = float(rng.uniform(0.01, 1)), float(rng.uniform(0.1, 2))
    people = (loyalty, status, churn_day, depth, segment)
    return graph, people, by_activity, drawn_at, hazards, valence, boost, since, cross, effect, cap


@pytest.mark.parametrize("seed", range(20))
def test_word_of_mouth_heard_equals_its_numpy_version(seed):
    # The candidates drawn inside the kernel (or, at a rate where a draw for everyone is
    # cheaper, handed in), then the roles, the talk test and the spread, as numpy did them.
    graph, people, by_activity, drawn_at, *parameters = word_of_mouth_inputs(seed)
    hazards, valence, boost, since, cross, effect, cap = parameters
    loyalty, status, churn_day, depth, segment = people
    n = graph.n_nodes
    ours, theirs = np.random.default_rng(seed + 100), np.random.default_rng(seed + 100)
    events = by_activity.events(drawn_at, seed=ours)
    assert events[0] == bool(seed % 5)
    got = word_of_mouth_heard(
        events, people, hazards, valence, boost, since, *arcs(graph), cross, effect, cap,
        np.empty(n, np.int64),
    )  # fmt: skip
    maybe, e = by_activity.draw(drawn_at, seed=theirs)
    k = maybe.size
    role = np.zeros(k, np.int8)
    fan = status[maybe] == 1
    role[fan] = 1 + (loyalty[maybe][fan] < PROMOTER) + (loyalty[maybe][fan] < DETRACTOR)
    role[(status[maybe] == 2) & (churn_day[maybe] >= since)] = 4
    rate = hazards[role] * (1.0 + boost * depth[maybe] * (role == 1))
    talks = e < by_activity.weights[maybe] * rate
    talkers, said = maybe[talks], valence[role[talks]]
    listeners, heard = spread(graph, talkers, said, segment, cross)
    assert got[0].tolist() == talkers.tolist()
    assert got[1].tolist() == listeners.tolist()
    assert got[2].tobytes() == (effect * heard / cap).tobytes()
    assert got[3:] == (np.count_nonzero(said > 0), np.count_nonzero(said < 0))
    assert ours.random() == theirs.random()


@pytest.mark.parametrize("seed", range(20))
def test_word_of_mouth_day_equals_heard_then_numpys_tanh_then_feel_at(seed):
    # Three days on one memo: filled on the first, or (64 slots) emptied again on most. Half
    # the seeds spread in blocks of 8 people, as a million people and more do in blocks of
    # 65,536: the listeners come in another order, and every loyalty must move exactly so.
    graph, people, by_activity, drawn_at, *parameters = word_of_mouth_inputs(seed)
    blocks = 3 * (seed % 4 >= 2)  # on weighted graphs and not
    hazards, valence, boost, since, cross, effect, cap = parameters
    damping = 0.4 * (seed % 3 != 0)
    memo = tiny_tanh_memo(64 if seed % 2 else 4096)
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    expected = copy.deepcopy(people)
    loyalty, status, _, depth, _ = expected
    for _ in range(3):
        talkers, listeners, heard, *counts = word_of_mouth_heard(
            by_activity.events(drawn_at, seed=theirs), expected, hazards, valence, boost, since,
            *arcs(graph), cross, effect, cap, np.empty(graph.n_nodes, np.int64),
        )  # fmt: skip
        moved = loyalty[listeners] + np.tanh(heard) * cap * (1.0 - damping * depth[listeners])
        stays = status[listeners] == 2
        loyalty[listeners] = np.where(stays, loyalty[listeners], np.clip(moved, 0.0, 10.0))
        got = word_of_mouth_day(
            by_activity.events(drawn_at, seed=ours), people, hazards, valence, boost, since,
            *arcs(graph), cross, effect, cap, damping, np.empty(graph.n_nodes, np.int64), blocks,
            memo,
        )  # fmt: skip
        assert got[0].tolist() == talkers.tolist() and list(got[1:]) == counts
        for column, expected_column in zip(people, expected, strict=True):
            assert column.tobytes() == expected_column.tobytes()
        assert ours.random() == theirs.random()


def tiny_tanh_memo(slots):
    """An empty memo for word_of_mouth_tanh of ``slots`` slots (the model's holds 8192)."""
    return np.empty(slots, np.uint64), np.empty(slots), np.zeros(slots, bool), np.zeros(1, np.int64)


def test_word_of_mouth_tanh_gives_numpys_tanh_of_every_value_bit_for_bit():
    # Day after day on one memo: values seen before, new ones, the memo filling up and
    # starting afresh, and days with more distinct values than it holds (each its own).
    rng = np.random.default_rng(0)
    memo = tiny_tanh_memo(64)
    few = np.array([0.0, -0.0, np.nan, 1.5, -0.25, 1e-300, np.inf, -np.inf, 20.0, 1e-9])
    for day in range(60):
        n = int(rng.integers(0, 200))
        kind = day % 4
        if kind == 0:
            values = rng.choice(few, n)
        elif kind == 1:  # a handful, nearly all seen on earlier days
            values = rng.integers(-8, 9, n) / 7.0
        elif kind == 2:  # too many for the memo
            values = rng.normal(0.0, 2.0, n)
        else:
            values = rng.integers(-40, 41, n) / 13.0
        which, felt = word_of_mouth_tanh(values, memo)
        assert which.dtype == np.int64 and which.size == n
        assert felt[which].tobytes() == np.tanh(values).tobytes()
        keys, kept, filled, count = memo
        assert count[0] == np.count_nonzero(filled) <= 32
        held = keys[filled].view(np.float64)
        assert kept[filled].tobytes() == np.tanh(held).tobytes()  # nothing kept without its tanh
        distinct = np.unique(values.view(np.uint64)).size
        assert (which.tolist() == list(range(n))) == (distinct > 32 and n > 0)


def test_numpys_tanh_of_a_value_does_not_depend_on_its_neighbours():
    # Word of mouth takes tanh once per distinct value heard, and keeps it for later days:
    # that equals tanh of every value only if numpy's (vectorised) tanh gives a value the same
    # bits wherever it stands.
    rng = np.random.default_rng(1)
    values = rng.normal(0.0, 2.0, 5_000) * rng.choice([1e-6, 0.1, 1.0, 10.0], 5_000)
    values = rng.choice(values, 20_000)
    distinct, which = np.unique(values, return_inverse=True)
    assert np.tanh(distinct)[which].tobytes() == np.tanh(values).tobytes()
    for start in range(8):  # other alignments and lengths
        part = values[start : start + 1_003]
        assert np.tanh(part).tobytes() == np.tanh(values)[start : start + 1_003].tobytes()
        for one in part[:5]:
            assert np.tanh(np.array([one])).tobytes() == np.tanh(one).tobytes()


@pytest.mark.parametrize("seed", range(10))
def test_word_of_mouth_feel_equals_feel_at_on_the_values_heard(seed):
    rng = np.random.default_rng(seed)
    n, k = 300, int(rng.integers(0, 200))
    loyalty, depth = rng.uniform(0.0, 10.0, n), rng.random(n)
    status = rng.integers(0, 3, n).astype(np.int8)
    listeners = rng.choice(n, k, replace=False)
    felt = np.tanh(rng.normal(0.0, 3.0, 12))
    which = rng.integers(0, felt.size, k)
    cap, damping = float(rng.uniform(0.1, 2.0)), float(rng.random()) * (seed % 3 != 0)
    expected = loyalty.copy()
    heard = felt[which]
    heard *= cap
    moved = expected[listeners] + heard * (1.0 - damping * depth[listeners])
    stays = status[listeners] == 2
    expected[listeners] = np.where(stays, expected[listeners], np.clip(moved, 0.0, 10.0))
    word_of_mouth_feel(loyalty, status, depth, listeners, which, felt, cap, damping)
    assert loyalty.tobytes() == expected.tobytes()


@pytest.mark.parametrize("seed", range(20))
def test_the_cascade_arithmetic_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    indptr = np.r_[0, np.cumsum(rng.integers(0, 6, 50))].astype(np.int64)
    senders = rng.integers(0, 50, int(rng.integers(0, 30)))
    starts = indptr[senders]
    lengths = indptr[senders + 1] - starts
    ends = np.cumsum(lengths)
    total = int(lengths.sum())
    assert cascade_arc_count(indptr, senders) == total
    # Chunks of geometric gaps, as drawn; the last one passes the end (or a huge gap does).
    last, fired = -1, []
    while True:
        gaps = rng.geometric(float(rng.uniform(0.05, 0.9)), int(rng.integers(1, 8)))
        gaps[rng.random(gaps.size) < 0.05] = np.iinfo(np.int64).max - 5
        expected = last + np.cumsum(np.minimum(gaps, total + 1))
        kept = cascade_positions(gaps, last, total)
        if expected[-1] >= total:
            assert kept >= 0
            assert gaps[:kept].tolist() == expected[expected < total].tolist()
            fired.extend(gaps[:kept].tolist())
            break
        assert kept == -1
        assert gaps.tolist() == expected.tolist()
        fired.extend(gaps.tolist())
        last = int(expected[-1])
    fired = np.array(fired, dtype=np.int64)
    owner = np.searchsorted(ends, fired, side="right")
    arcs = starts[owner] + (fired - (ends[owner] - lengths[owner]))
    indices = rng.integers(0, 40, int(indptr[-1])).astype(np.int32)
    reached = cascade_reached(indptr, indices, senders, fired.copy(), np.full(40, 3, np.int64))
    assert reached.tolist() == distinct(indices[arcs], 40).tolist()
    got = np.empty(fired.size, np.int64)
    cascade_arcs(indptr, senders, fired, got)
    assert got.tolist() == owner.tolist()
    assert fired.tolist() == arcs.tolist()


def random_graph(rng, n, seed):
    ends = rng.integers(0, n, (2, 3 * n))
    weights = rng.uniform(0.1, 2.0, 3 * n) if seed % 2 else None
    return SocialGraph.from_edges(*ends, n_nodes=n, directed=bool(seed % 3), weights=weights)


@pytest.mark.parametrize("seed", range(20))
def test_advocacy_kernels_equal_their_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n = 150
    graph = random_graph(rng, n, seed)
    expected = Population.initialize(PopulationParams(), n, seed=np.random.default_rng(seed))
    expected.status[:] = rng.integers(0, 3, n)
    expected.loyalty[:] = rng.uniform(6, 10, n).round(1)
    expected.depth[:] = rng.random(n) * (seed % 4 != 0)
    expected.max_depth, expected.damping = float(expected.depth.max()), float(rng.random())
    pop, boost = copy.deepcopy(expected), float(rng.uniform(0, 2))
    k = int(rng.integers(0, 40))  # a person may post twice
    posts = Posts(rng.integers(0, n, k), rng.integers(0, 3, k).astype(np.int8), rng.random(k))
    people = (pop.status, pop.loyalty, pop.depth)
    segment, cross = rng.integers(0, 3, n).astype(np.int8), float(rng.random())
    table = np.full(n, 7, np.int64)  # stale entries
    drawn, answered = {}, {}
    for kind in (PostKind.COMPLAINT, PostKind.NEED):
        authors = posts.author[posts.kind == kind]
        watcher = graph.indices[graph.arcs_from(authors)]
        advocate = (pop.status[watcher] == 1) & (pop.loyalty[watcher] >= PROMOTER)
        per_arc = advocate * (1.0 + boost * pop.depth[watcher])
        owner = np.repeat(np.arange(authors.size), graph.out_degree[authors])
        watching = np.bincount(owner, weights=per_arc, minlength=authors.size)
        p = float(rng.choice([rng.random(), 0.0, 1.0]))
        ours, theirs = np.random.default_rng(seed + 50), np.random.default_rng(seed + 50)
        room = rng.random(3 * k + 2)  # stale
        c = advocacy_drawn(
            stream_handle(ours), posts.author, posts.kind, int(kind), *arcs(graph)[:2], *people,
            boost, -float(hazard(p)), room,
        )  # fmt: skip
        u = theirs.random(authors.size)
        assert ours.random() == theirs.random()
        got = room[: 3 * c].reshape(3, c)
        assert got[0].tobytes() == u.tobytes() and got[1].tobytes() == watching.tobytes()
        with np.errstate(invalid="ignore"):  # 0 watching at hazard inf
            assert got[2].tobytes() == (watching * -hazard(p)).tobytes()
        np.expm1(got[2], out=got[2])
        drawn[kind], answered[kind] = room, u < at_least_once(p, watching)
        assert advocacy_answered(*got).tolist() == answered[kind].tolist()

    # defence: the complaints' onlookers feel them, damped where defended
    people_felt = (pop.loyalty, pop.status, pop.depth, pop.swing_damping)
    damped, effect = float(rng.random()), 0.2
    blocks = (0, 3)[seed % 4 >= 2]  # as from a million people, in blocks of 8
    defences = defence_felt(
        drawn[PostKind.COMPLAINT], posts.author, posts.kind, damped, effect,
        (arcs(graph), segment, cross, table, people_felt, blocks),
    )  # fmt: skip
    defended = answered[PostKind.COMPLAINT]
    harm = np.where(defended, damped, 1.0) * effect
    authors = posts.of_kind(PostKind.COMPLAINT)
    expected.feel_at(*spread(graph, authors, -harm, segment, cross))
    assert defences == np.count_nonzero(defended)
    assert pop.loyalty.tobytes() == expected.loyalty.tobytes()

    # help: the people helped, at their needs' hours, their loyalty shifted
    start = pop.log.reserve(5, k)  # each help logged
    helps = help_given(
        drawn[PostKind.NEED], posts.author, posts.kind, posts.hour, pop.loyalty, pop.depth,
        pop.swing_damping, 0.3, pop.log.buffers(), start, 5, pop.last_interaction,
        pop.last_engaged,
    )  # fmt: skip
    pop.log.wrote(5, helps)
    need, helped = posts.kind == PostKind.NEED, answered[PostKind.NEED]
    helpers = posts.author[need][helped]
    expected.shift(helpers, 0.3)
    expected.record(helpers, day=5, hour=posts.hour[need][helped], kind=Kind.HELP, channel=0)
    assert helps == helpers.size
    assert pop.loyalty.tobytes() == expected.loyalty.tobytes()
    for name in ("person", "day", "hour", "kind", "channel", "post"):
        assert pop.log.column(name).tobytes() == expected.log.column(name).tobytes(), name
    assert pop.last_interaction.tobytes() == expected.last_interaction.tobytes()
    assert pop.last_engaged.tobytes() == expected.last_engaged.tobytes()

    # praise seen: its onlookers feel it; what those still listening felt, in numpy's sum
    change = praise_seen_felt(
        posts.author, posts.kind, 0.1, (arcs(graph), segment, cross, table, people_felt, blocks),
    )  # fmt: skip
    onlookers, felt = spread(graph, posts.of_kind(PostKind.PRAISE), 0.1, segment, cross)
    listening = expected.status[onlookers] != 2
    expected.feel_at(onlookers, felt)
    assert change == float(felt[listening].sum())
    assert pop.loyalty.tobytes() == expected.loyalty.tobytes()


@pytest.mark.parametrize("seed", range(10))
def test_recruitment_join_equals_population_join_of_the_prospects(seed):
    # Against Population.join itself, every column compared: a join that came to change more
    # than status and join day would show here.
    rng = np.random.default_rng(seed)
    expected = Population.initialize(PopulationParams(), 100, seed=np.random.default_rng(seed))
    expected.status[:] = rng.integers(0, 3, 100)
    pop = copy.deepcopy(expected)
    who = rng.choice(100, int(rng.integers(0, 40)), replace=False)
    joining = who[expected.status[who] == 0]
    expected.join(joining, 60)
    assert recruitment_join(who, pop.status, pop.join_day, 60) == joining.size
    for name, column in vars(expected).items():
        if isinstance(column, np.ndarray):
            assert getattr(pop, name).tobytes() == column.tobytes(), name


@pytest.mark.parametrize("seed", range(20))
def test_churn_kernels_equal_their_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n = 200
    status, churn_day = rng.integers(0, 3, n).astype(np.int8), np.full(n, -1, np.int32)
    loyalty, depth = rng.uniform(0, 10, n), rng.random(n)
    # The candidates drawn in the kernel along the line, or (seed % 5 == 0) for everyone.
    anyone = Arrivals.of(np.ones(n))
    drawn_at = hazard(float(rng.uniform(0.01, 0.1))) if seed % 5 else 0.5
    ours, theirs = np.random.default_rng(seed + 100), np.random.default_rng(seed + 100)
    candidates, e = anyone.draw(drawn_at, seed=theirs)
    protected, protection = bool(seed % 2), float(rng.random())
    fan = status[candidates] == 1
    expected_fans, expected_e = candidates[fan], e[fan]
    sensitivity, reference = float(rng.uniform(0, 5)), float(rng.uniform(0, 10))
    events = anyone.events(drawn_at, seed=ours)
    assert events[0] == bool(seed % 5)
    drawn = churn_fans(events, status, loyalty, sensitivity, reference)
    assert ours.random() == theirs.random()
    assert drawn.shape == (3, expected_fans.size) and drawn.flags.c_contiguous
    out, e, fans = drawn
    assert fans.astype(np.int64).tolist() == expected_fans.tolist()
    assert e.tobytes() == expected_e.tobytes()
    exponent = sensitivity * (reference - loyalty[expected_fans])  # as churn_probability
    assert out.tobytes() == exponent.tobytes()

    # The phase's numpy between the kernels: -hazard(base_rate * exp(exponent)), in place.
    # (validated so that churn at loyalty 0 stays a probability: at most exp(-s * reference))
    base_rate = float(rng.random() if seed else 1.0) * np.exp(-sensitivity * reference)
    chance = hazard(base_rate * np.exp(exponent))
    minus_chance = out
    minus_base_rate = np.array(-base_rate)  # as the phase's _constants hold it
    np.log1p(
        np.multiply(np.exp(minus_chance, out=minus_chance), minus_base_rate, out=minus_chance),
        out=minus_chance,
    )
    assert (-minus_chance).tobytes() == chance.tobytes()
    expected = chance.copy()
    if protected:
        expected *= 1.0 - protection * depth[expected_fans]
    leaving = expected_fans[expected_e < expected]
    expected_status, expected_day = status.copy(), churn_day.copy()
    expected_status[leaving], expected_day[leaving] = 2, 9
    assert churn_leave(drawn, depth, protected, protection, status, churn_day, 9) == leaving.size
    assert status.tolist() == expected_status.tolist()
    assert churn_day.tolist() == expected_day.tolist()


@pytest.mark.parametrize("seed", range(10))
def test_recruitment_pitchers_are_the_advocates_among_the_talkers(seed):
    rng = np.random.default_rng(seed)
    pop = Population.initialize(PopulationParams(), 100, seed=np.random.default_rng(seed))
    pop.status[:] = rng.integers(0, 3, 100)
    pop.loyalty[:10] = [PROMOTER, PROMOTER - 1e-12, 10.0, 0.0, 9.5, 9.0, 8.99, 7.0, 9.0, 10.0]
    talkers = rng.integers(0, 100, int(rng.integers(0, 60)))  # repeats kept, in order
    got = recruitment_pitchers(talkers, pop.status, pop.loyalty)
    assert got.tolist() == talkers[pop.is_advocate(talkers)].tolist()


def successes_numpy(total, p, seed):
    """What cascade.py drew with numpy before its draws were compiled."""
    if total == 0 or p == 0.0:
        return np.empty(0, dtype=np.int64)
    chunks, last = [], -1
    while True:
        expected = (total - 1 - last) * p
        gaps = seed.geometric(p, size=int(expected + 5.0 * math.sqrt(expected) + 10))
        kept = cascade_positions(gaps, last, total)
        if kept >= 0:
            chunks.append(gaps[:kept])
            return np.concatenate(chunks)
        chunks.append(gaps)
        last = int(gaps[-1])


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("p", [0.0, 1e-300, 1e-18, 0.003, 0.02, 0.3, 1 / 3, 0.5, 1.0])
def test_cascade_successes_draw_what_numpy_drew(seed, p):
    # Both branches of numpy's geometric (inversion below 1/3, a search above) and the cap of
    # a gap an int64 cannot hold (tiny p), on rows short and long.
    total = [0, 1, 7, 150, 40_000][seed % 5]
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    got = cascade_successes(stream_handle(ours), total, p)
    expected = successes_numpy(total, p, theirs)
    assert got.dtype == expected.dtype and got.tolist() == expected.tolist()
    assert ours.random() == theirs.random()


def recruitment_numpy(talkers, one_chance, pitched, loyalty, graph, q, drawn, u, s, status, t, rng):
    """The cascade rule's day as recruitment.py wrote it in numpy (status, pitched changed)."""
    join_day = np.zeros(status.size, np.int32)
    pitchers = talkers[(status[talkers] == 1) & (loyalty[talkers] >= PROMOTER)]
    if one_chance:
        was = np.flatnonzero(pitched)
        pitched[was[~((status[was] == 1) & (loyalty[was] >= PROMOTER))]] = False
        pitchers = pitchers[~pitched[pitchers]]
        pitched[pitchers] = True
    starts = graph.indptr[pitchers]
    lengths = graph.indptr[pitchers + 1] - starts
    ends = np.cumsum(lengths)
    fired = successes_numpy(int(lengths.sum()), q, rng)
    owner = np.searchsorted(ends, fired, side="right")
    arcs = starts[owner] + (fired - (ends[owner] - lengths[owner]))
    social = distinct(graph.indices[arcs], status.size)
    external = recruitment_join(drawn[u < s], status, join_day, t)
    return recruitment_join(social, status, join_day, t), external, join_day


@pytest.mark.parametrize("seed", range(20))
def test_recruitment_cascade_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n = 300
    graph = random_graph(rng, n, seed)
    status, loyalty = rng.integers(0, 3, n).astype(np.int8), rng.uniform(6, 10, n)
    loyalty[:5] = PROMOTER
    pitched = rng.random(n) < 0.3
    talkers = rng.choice(n, int(rng.integers(0, 120)), replace=False)
    drawn = rng.choice(n, int(rng.integers(0, 40)), replace=False)
    e = rng.exponential(0.01, drawn.size)
    u, minus_u = -np.expm1(-e), np.expm1(-e)
    q, s, one_chance = [0.0, 0.02, 0.4, 1.0][seed % 4], 0.005, bool(seed % 3)
    expected_status, expected_pitched = status.copy(), pitched.copy()
    theirs = np.random.default_rng(seed + 100)
    args = (talkers, one_chance, expected_pitched, loyalty, graph, q, drawn, u, s)
    referred, external, expected_day = recruitment_numpy(*args, expected_status, 7, theirs)
    ours, join_day = np.random.default_rng(seed + 100), np.zeros(n, np.int32)
    got = recruitment_cascade(
        stream_handle(ours),
        *(talkers, one_chance, pitched, loyalty, graph.indptr, graph.indices, q),
        np.full(n, 5, np.int64),  # a scratch table holding stale values
        *(np.stack([minus_u, drawn.astype(np.float64)]), s, status, join_day, 7),
    )
    assert got == (referred, external)
    assert status.tobytes() == expected_status.tobytes()
    assert join_day.tobytes() == expected_day.tobytes()
    assert pitched.tobytes() == expected_pitched.tobytes()
    assert ours.random() == theirs.random()


def test_certain_churn_at_loyalty_0_churns_without_a_warning():
    # At its validated maximum, base_rate = exp(-sensitivity * reference) makes churn at
    # loyalty 0 certain (here exactly: hazard inf); the phase's log1p of -1 must stay silent.
    changes = {"graph.n": 300, "churn.sensitivity": 0.5, "churn.reference_loyalty": 6.0}
    scenario = Scenario().replace(changes | {"churn.base_rate": math.exp(-0.5 * 6.0)})
    model = EngagementModel(scenario, rng=2)
    pop = model.population
    fans = np.flatnonzero(pop.status == 1)
    assert _constants(scenario.churn)[0] == np.inf and fans.size > 5
    pop.loyalty[fans[:5]] = 0.0
    day = Day(1, scenario, model.graph, pop, model.brand)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        churn(day, np.random.default_rng(0))
    assert (pop.status[fans[:5]] == 2).all()


@pytest.mark.parametrize("seed", range(10))
def test_recruitment_external_joins_the_prospects_drawn_under_the_rate(seed):
    rng = np.random.default_rng(seed)
    status = rng.integers(0, 3, 100).astype(np.int8)
    drawn = rng.choice(100, int(rng.integers(0, 40)), replace=False)
    minus_u = np.expm1(-rng.exponential(0.01, drawn.size))
    s = float(rng.choice([0.0, 0.002, 0.01, 1.0]))
    expected_status, expected_day = status.copy(), np.zeros(100, np.int32)
    expected = recruitment_join(drawn[-minus_u < s], expected_status, expected_day, 4)
    join_day = np.zeros(100, np.int32)
    rows = np.stack([minus_u, drawn.astype(np.float64)])  # as recruitment_drawn gives them
    assert recruitment_external(rows, s, status, join_day, 4) == expected
    assert status.tobytes() == expected_status.tobytes()
    assert join_day.tobytes() == expected_day.tobytes()


def numpy_escalation(graph, posts, segment, cross, p, posts_made, rng):
    """The escalation phase's re-shares as numpy made them (before escalation_reshares)."""
    complaint = posts.kind == PostKind.COMPLAINT
    authors = posts.author[complaint]
    arousal = rng.random(authors.size)
    seen = np.zeros(segment.size, bool)
    seen[authors] = True
    found_who, found_hour = [np.empty(0, np.int64)], [np.empty(0)]
    frontier, level, when = authors, arousal, posts.hour[complaint]
    while frontier.size and p > 0:
        sender, target = fire(graph, frontier, p, seed=rng)
        if sender.size == 0:
            break
        draws = rng.random(sender.size)
        same = segment[frontier[sender]] == segment[target]
        keep = draws < level[sender] * np.where(same, 1.0, cross)
        target, first = np.unique(target[keep], return_index=True)
        sender = sender[keep][first]
        new = ~seen[target]
        target, sender = target[new], sender[new]
        if target.size == 0:
            break
        seen[target] = True
        start = when[sender]
        found_who.append(target)
        found_hour.append(start + (24.0 - start) * rng.random(target.size))
        frontier, level, when = target, level[sender], found_hour[-1]
    who, hour = np.concatenate(found_who), np.concatenate(found_hour)
    posts_made[who] += 1
    audience = graph.indices[graph.arcs_from(np.concatenate([authors, who]))]
    return who, hour, authors.size, distinct(audience, segment.size).size


@pytest.mark.parametrize("seed", range(40))
def test_escalation_reshares_equal_their_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 400))
    graph = (
        barabasi_albert(n, int(rng.integers(1, 6)), seed=rng)
        if seed % 3
        else (random_graph(rng, n, seed))
    )
    k = min(int(rng.integers(0, 40)), n)
    author = rng.choice(n, k, replace=bool(seed % 4 == 0))  # may complain twice
    posts = Posts(author, rng.integers(0, 3, k).astype(np.int8), rng.uniform(0, 24, k))
    segment, cross = rng.integers(0, 3, n).astype(np.int8), float(rng.random())
    p = float(rng.choice([0.0, 0.02, rng.random(), 0.5, 1.0]))
    made = rng.integers(0, 5, n)
    expected_made = made.copy()
    ours, theirs = np.random.default_rng(seed + 100), np.random.default_rng(seed + 100)
    table = rng.integers(-5, 50, n)  # stale scratch
    args = (graph.indptr, graph.indices, segment, cross, p, made, table)
    who, when = rng.integers(0, n, n), rng.random(n)  # stale room for the outputs
    got = escalation_reshares(
        stream_handle(ours), posts.author, posts.kind, posts.hour, *args, who, when
    )
    expected = numpy_escalation(graph, posts, segment, cross, p, expected_made, theirs)
    complaints, reshares, reached = got
    assert who[:reshares].tobytes() == expected[0].tobytes()
    assert when[:reshares].tobytes() == expected[1].tobytes()
    assert (complaints, reached) == expected[2:]
    assert made.tolist() == expected_made.tolist()
    assert ours.random() == theirs.random()


@pytest.mark.parametrize("seed", range(10))
def test_the_logs_compiled_append_and_records_stamps_equal_numpys_assignments(seed):
    # Each column as numpy's slice assignment would convert it (float64 hours to float32,
    # enum members and lists included), and the days as Population.record set them in numpy.
    rng = np.random.default_rng(seed)
    pop = Population.initialize(PopulationParams(), 40, seed=np.random.default_rng(seed))
    pop.log = InteractionLog(capacity=2)  # grows on the way
    names = ("person", "day", "hour", "kind", "channel", "post")
    expected = {name: np.empty(0, pop.log.column(name).dtype) for name in names}
    last_interaction, last_engaged = pop.last_interaction.copy(), pop.last_engaged.copy()
    for day in np.sort(rng.integers(0, 9, 12)).tolist():
        n = int(rng.integers(0, 7))
        who = rng.integers(0, 40, n)  # a person may repeat
        kind = [Kind(int(rng.integers(0, 10))), rng.integers(0, 10, n).astype(np.int8)][day % 2]
        values = {
            "person": who,
            "day": day,
            "hour": [rng.uniform(0, 24), rng.uniform(0, 24, n), rng.uniform(0, 24, n).tolist()][
                seed % 3
            ],
            "kind": kind,
            "channel": [Channel.SHARED, rng.integers(0, 4, n).astype(np.int8)][seed % 2],
            "post": [-1, np.int64(7), rng.integers(-1, 5, n).astype(np.int32)][day % 3],
        }
        pop.record(who, **{name: values[name] for name in names[1:]})
        for name in names:
            column = np.empty(n, expected[name].dtype)
            column[:] = values[name]
            expected[name] = np.concatenate([expected[name], column])
        last_interaction[who] = day
        last_engaged[who[np.isin(np.asarray(kind), BRAND_SEES) & np.ones(n, bool)]] = day
    for name in names:
        assert pop.log.column(name).tobytes() == expected[name].tobytes(), name
    assert pop.last_interaction.tolist() == last_interaction.tolist()
    assert pop.last_engaged.tolist() == last_engaged.tolist()


@pytest.mark.parametrize("seed", range(20))
def test_depth_day_equals_its_numpy_version(seed):
    rng = np.random.default_rng(seed)
    n, rows = 300, int(rng.integers(0, 120))
    person, kind = rng.integers(0, n, rows), rng.integers(0, 10, rows).astype(np.int8)
    first = int(rng.integers(0, rows + 1))
    last = int(rng.integers(first, rows + 1))
    two_way, gain = rng.random(10) < 0.4, float(rng.random())
    depth = rng.random(n) * (rng.random(n) < 0.7) * (seed % 4 != 0)  # or no one has depth
    status, engaged = rng.integers(0, 3, n).astype(np.int8), rng.integers(-1, 60, n)
    engaged = engaged.astype(np.int32)
    max_depth, keep, since = float(depth.max(initial=0.0)), float(rng.uniform(0.9, 1)), 30
    expected = depth.copy()
    at = np.arange(first, last)
    answered = person[at][two_way[kind[at]]]
    people, times = sum_by(answered, np.ones(answered.size), n)
    expected[people] = 1.0 - (1.0 - expected[people]) * (1.0 - gain) ** times
    expected_max = max(max_depth, expected[people].max(initial=0.0))
    expected *= keep
    fan = status == 1
    stage = np.searchsorted([1.0 / 3.0, 2.0 / 3.0], expected[fan], side="right")
    counts = (*np.bincount(stage, minlength=3).tolist(), int(np.sum(engaged[fan] >= since)))
    table = rng.integers(-5, rows + 5, n)  # stale scratch
    got = depth_day(
        person, kind, first, last, two_way, gain, table, depth, status, engaged, max_depth,
        keep, since,
    )  # fmt: skip
    assert got == (*counts, expected_max * keep)
    assert depth.tobytes() == expected.tobytes()


@pytest.mark.parametrize("seed", range(12))
def test_recruitment_drawn_equals_the_draw_negated(seed):
    # Along the line, for everyone, or at rate 0 (nobody).
    rng = np.random.default_rng(seed)
    anyone = Arrivals.of(np.ones(500))
    rate = [hazard(float(rng.uniform(0.001, 0.1))), 0.5, 0.0][seed % 3]
    ours, theirs = np.random.default_rng(seed + 100), np.random.default_rng(seed + 100)
    drawn, e = anyone.draw(rate, seed=theirs)
    events = anyone.events(rate, seed=ours)
    assert events[0] == (seed % 3 == 0)
    got = recruitment_drawn(events)
    assert got.shape == (2, drawn.size) and got.flags.c_contiguous
    minus_e, people = got
    assert people.astype(np.int64).tolist() == drawn.tolist()
    assert minus_e.tobytes() == np.negative(e).tobytes()
    assert ours.random() == theirs.random()


def test_numpys_log1p_of_a_value_does_not_depend_on_its_neighbours():
    # Experiences takes log1p of the fans' posting uniforms alone: that equals log1p of every
    # candidate's, then the fans', only if numpy's log1p gives a value the same bits wherever
    # it stands.
    rng = np.random.default_rng(2)
    values = -rng.random(20_000, dtype=np.float32).astype(np.float64)
    whole = np.log1p(values)
    keep = rng.random(values.size) < 0.3
    assert np.log1p(values[keep]).tobytes() == whole[keep].tobytes()
    for start in range(8):  # other alignments and lengths
        part = values[start : start + 1_003]
        assert np.log1p(part).tobytes() == whole[start : start + 1_003].tobytes()
