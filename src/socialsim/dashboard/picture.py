"""A picture of the social graph a class can read: a few hundred people, laid out once.

The whole graph of thousands of people is a hairball on screen, so the dashboard draws a
connected sample of it (:func:`sample`), placed once by a force-directed layout, and only the
colours change from day to day (:func:`styles`): where each person stands with the brand, how
loyal they are, who posted today, who saw or engaged with a brand post today and who the
brand answered.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from socialsim.interactions import Kind
from socialsim.network.graph import SocialGraph
from socialsim.population import Population, Status
from socialsim.posts import PostKind, Posts

__all__ = ["KIND_COLOURS", "LEGEND", "Sample", "loyalty_colours", "sample", "styles"]

SAMPLE_SIZE = 300
"""People drawn: enough to show clusters and hubs, few enough to tell apart on a laptop screen."""
FANOUT = 6
"""Neighbours a sampled person brings in at most, so one hub does not fill the sample alone."""

PROSPECT_COLOUR = "#c7ccd1"
CHURNED_COLOUR = "#3b3b3b"
REPLY_COLOUR = "#7b2cbf"
SAW_COLOUR = "#e6ab02"
ENGAGED_COLOUR = "#e7298a"
KIND_COLOURS = {
    PostKind.COMPLAINT: "#d62728",
    PostKind.PRAISE: "#2ca02c",
    PostKind.NEED: "#1f77b4",
}
"""Ring colour of a person who posted today, by the kind of post."""
# ColorBrewer's 11-class red-yellow-green (Brewer 2002), one colour per loyalty point 0 .. 10:
# a diverging scale that reads the same in print, on a projector and for most colour-blind eyes.
_RAMP = np.array(
    [
        [int(code[i : i + 2], 16) for i in (1, 3, 5)]
        for code in (
            "#a50026", "#d73027", "#f46d43", "#fdae61", "#fee08b", "#ffffbf",
            "#d9ef8b", "#a6d96a", "#66bd63", "#1a9850", "#006837",
        )
    ],
    dtype=np.float64,
)  # fmt: skip


_BRAND_POST_ACTS = (Kind.LIKE, Kind.COMMENT, Kind.SHARE)


def loyalty_colours(loyalty: np.ndarray) -> list[str]:
    """The colour of each loyalty in [0, 10], interpolated between the ramp's eleven points.

    >>> loyalty_colours(np.array([0.0, 10.0, 9.5]))  # 9.5: halfway between #1a9850 and #006837
    ['#a50026', '#006837', '#0d8044']
    """
    levels = np.arange(_RAMP.shape[0], dtype=np.float64)
    rgb = np.column_stack([np.interp(loyalty, levels, _RAMP[:, c]) for c in range(3)])
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in np.rint(rgb).astype(int)]


LEGEND = (
    *(
        (f"fan, loyalty {level}", colour)
        for level, colour in zip(
            (10, 5, 0), loyalty_colours(np.array([10.0, 5.0, 0.0])), strict=True
        )
    ),
    ("prospect", PROSPECT_COLOUR),
    ("churned", CHURNED_COLOUR),
    *((f"ring: {kind.name.lower()}", colour) for kind, colour in KIND_COLOURS.items()),
    ("ring: saw a brand post", SAW_COLOUR),
    ("ring: liked, commented on or shared it", ENGAGED_COLOUR),
    ("ring: the brand replied", REPLY_COLOUR),
)
"""What the picture's colours mean, for its key."""


@dataclass(frozen=True, eq=False)
class Sample:
    """People drawn from a graph, the ties between them and where each is drawn.

    Attributes
    ----------
    nodes : numpy.ndarray of int64, shape (k,)
        The people drawn (graph node indices).
    edges : numpy.ndarray of int64, shape (m, 2)
        Ties between them, as positions into ``nodes`` (each tie once).
    xy : numpy.ndarray of float64, shape (k, 2)
        Layout coordinates, within the unit circle.
    """

    nodes: np.ndarray
    edges: np.ndarray
    xy: np.ndarray


def sample(graph: SocialGraph, size: int = SAMPLE_SIZE, *, seed: int = 0) -> Sample:
    """A connected sample of ``graph`` (a capped snowball) and its force-directed layout.

    Parameters
    ----------
    graph : SocialGraph
        The graph to draw from; ties are read in both directions.
    size : int, default 300
        People to draw (fewer if the graph is smaller).
    seed : int, default 0
        Seed of the start person, the order neighbours are taken in, and the layout.

    Returns
    -------
    Sample

    Notes
    -----
    A snowball from one random person, taking at most :data:`FANOUT` new neighbours from each
    person reached, restarted from another random person when a component runs out. The
    layout is networkx's ``spring_layout`` (Fruchterman & Reingold 1991).

    Examples
    --------
    >>> g = SocialGraph.from_edges(np.arange(99), np.arange(1, 100), n_nodes=100, directed=False)
    >>> s = sample(g, 20, seed=1)
    >>> s.nodes.size, s.xy.shape, len(s.edges) >= 19
    (20, (20, 2), True)
    """
    rng = np.random.default_rng(seed)
    size = min(size, graph.n_nodes)
    arcs = graph.to_scipy()
    ties = (arcs + arcs.T).tocsr()  # whose posts one sees, or who sees one's: a tie either way
    chosen: dict[int, None] = {}
    queue: deque[int] = deque()
    while len(chosen) < size:
        if not queue:
            left = np.setdiff1d(np.arange(graph.n_nodes), np.fromiter(chosen, dtype=np.int64))
            start = int(rng.choice(left))
            chosen[start] = None
            queue.append(start)
        person = queue.popleft()
        around = ties.indices[ties.indptr[person] : ties.indptr[person + 1]]
        fresh = [int(n) for n in rng.permutation(around) if int(n) not in chosen][:FANOUT]
        for neighbour in fresh[: size - len(chosen)]:
            chosen[neighbour] = None
            queue.append(neighbour)
    nodes = np.fromiter(chosen, dtype=np.int64, count=len(chosen))
    within = sp.triu(ties[nodes][:, nodes], k=1).tocoo()
    edges = np.column_stack([within.row, within.col]).astype(np.int64)
    drawn = nx.Graph()
    drawn.add_nodes_from(range(nodes.size))
    drawn.add_edges_from(edges.tolist())
    layout = nx.spring_layout(drawn, seed=seed)
    xy = np.array([layout[i] for i in range(nodes.size)], dtype=np.float64).reshape(-1, 2)
    return Sample(nodes=nodes, edges=edges, xy=_spread(xy))


def _spread(xy: np.ndarray) -> np.ndarray:
    """Centre the layout and scale it so that most people fill the picture.

    A few people hanging off the sample on one tie each land far out, and scaling to them
    would shrink everyone else into the middle: the 95th percentile of the distance from the
    centre goes to 0.9, and the few beyond the edge are pulled back onto it.
    """
    xy = xy - np.median(xy, axis=0)
    radius = np.hypot(xy[:, 0], xy[:, 1])
    reach = np.percentile(radius, 95) if radius.size else 0.0
    if reach == 0:
        return xy
    xy = xy * (0.9 / reach)
    radius = np.maximum(radius * (0.9 / reach), 1.0)
    return xy / radius[:, None]


def styles(
    drawn: Sample, population: Population, posts: Posts, answered: np.ndarray, *, day: int
) -> dict[str, list]:
    """How to draw each sampled person today.

    Parameters
    ----------
    drawn : Sample
        The people drawn.
    population : Population
        Everyone's status and loyalty.
    posts : Posts
        Today's posts.
    answered : numpy.ndarray of bool, shape (n_people,)
        Who the brand answered or contacted today.
    day : int
        Today (the model's day): who saw a brand post today (their last exposure) and who
        liked, commented on or shared one (the interaction log's rows of the day).

    Returns
    -------
    dict
        ``colour`` (fill: grey for prospects, dark for churned fans, red to green by loyalty
        0–10 for fans), ``ring`` (or ``None``) and ``status``, one entry per sampled person.
        The ring says what the person did today, the later in this list the stronger: saw a
        brand post, posted (by the post's kind), liked, commented on or shared a brand post
        (a comment is a post too), was answered by the brand.

    Examples
    --------
    >>> from socialsim.interactions import Channel
    >>> from socialsim.scenario import PopulationParams
    >>> pop = Population.initialize(PopulationParams(), 3, seed=np.random.default_rng(0))
    >>> pop.status[:] = [Status.FAN, Status.PROSPECT, Status.CHURNED]
    >>> pop.loyalty[0] = 10.0
    >>> drawn = Sample(np.arange(3), np.empty((0, 2), np.int64), np.zeros((3, 2)))
    >>> posts = Posts.gather({PostKind.COMPLAINT: (np.array([1]), np.array([9.0]))})
    >>> pop.exposure_day[2] = 4  # saw a brand post on day 4
    >>> s = styles(drawn, pop, posts, np.array([True, False, False]), day=4)
    >>> s["colour"][1:], s["ring"]
    (['#c7ccd1', '#3b3b3b'], ['#7b2cbf', '#d62728', '#e6ab02'])
    >>> pop.record(np.array([2]), day=4, hour=9.0, kind=Kind.LIKE, channel=Channel.SHARED, post=0)
    >>> styles(drawn, pop, posts, np.array([True, False, False]), day=4)["ring"][2]
    '#e7298a'
    """
    who = drawn.nodes
    status = population.status[who]
    fill = np.array(loyalty_colours(population.loyalty[who]))
    fill[status == Status.PROSPECT] = PROSPECT_COLOUR
    fill[status == Status.CHURNED] = CHURNED_COLOUR
    ring = np.full(who.size, None, dtype=object)
    ring[population.exposure_day[who] == day] = SAW_COLOUR
    position = {int(person): i for i, person in enumerate(who)}
    for author, kind in zip(posts.author.tolist(), posts.kind.tolist(), strict=True):
        if author in position:
            ring[position[author]] = KIND_COLOURS[PostKind(kind)]
    log = population.log
    rows = log.on_day(day)
    acts = rows[np.isin(log.column("kind")[rows], _BRAND_POST_ACTS)]
    ring[np.isin(who, log.column("person")[acts])] = ENGAGED_COLOUR
    ring[answered[who]] = REPLY_COLOUR
    return {
        "colour": fill.tolist(),
        "ring": ring.tolist(),
        "status": [Status(s).name.lower() for s in status],
    }
