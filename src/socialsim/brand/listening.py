"""Listening, the front end: the day's brand mentions, and what the system flags and labels.

Seed 003 puts the front end first: "the ability to listen and accurately identify the relevant
content", with a warning about an inaccurate one: "the odds of one getting past you are going
to climb as the volume goes up". A listening tool scans every post that mentions the brand; few
need action (references-brand.md §3: 5–10% are negative, up to about 35% with service
questions). So the day's mentions are the relevant posts (complaints, praise, needs: §7.3 of
docs/model.md) plus *chatter*, irrelevant mentions whose volume grows with the population:

    chatter ~ Poisson(listening.chatter_rate · people in the population
                      + listening.talk_mentions · people who talked about the brand yesterday)

The system catches each relevant post with probability ``listening.recall`` and flags each piece
of chatter with probability ``listening.false_positive_rate``: false positives grow with the
chatter, not with the relevant posts, so precision is an outcome that falls as chatter grows
(KPI ``listening_precision``). Each caught post is labelled with its true kind with probability
``listening.label_accuracy`` (one of the other two otherwise); a false positive gets a random
label. A complaint is *complex* (only an expert can fix it) with probability
``team.expert_share``, and the system tags the items it labels as complaints as needing an
expert: with probability ``a`` (the label accuracy) if they do, and ``(1 − a) s / (1 − s)`` if
they do not (``s`` the expert share; at most 1), so the tag is right as often as the labels
are and tags about as many complaints as need an expert.

Triage acts on labels and tags, never on the truth; reading each flagged item costs the care
team time (:mod:`socialsim.brand.care_team`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.brand.compiled_front import listening_heard
from socialsim.day import Counts, phase
from socialsim.kernels import stream_handle
from socialsim.posts import Flagged, Posts
from socialsim.scenario import Scenario

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["Flagged", "chatter_mean", "listening"]


def chatter_mean(day: Day) -> float:
    """Expected irrelevant mentions today (``listening.chatter_rate``, ``listening.talk_mentions``).

    Examples
    --------
    >>> from socialsim import EngagementModel, Scenario
    >>> from socialsim.day import Day
    >>> model = EngagementModel(Scenario().replace({"graph.n": 1000}), rng=1)
    >>> day = Day(1, model.scenario, model.graph, model.population, model.brand)
    >>> model.brand.talked = 40
    >>> chatter_mean(day)  # 0.005 a person, half of yesterday's 40 talkers
    25.0
    """
    params = day.scenario.listening
    return params.chatter_rate * len(day.population) + params.talk_mentions * day.brand.talked


@phase(
    "listening",
    kpis=("mentions", "posts_caught", "false_positives", "complaints_unheard"),
)
def listening(day: Day, rng: np.random.Generator) -> Counts:
    """Flag and label today's mentions, relevant posts (``day.posts``) and chatter, into ``day.flagged``.

    Examples
    --------
    >>> from socialsim import EngagementModel, Scenario
    >>> from socialsim.day import Day
    >>> perfect = Scenario().replace({"graph.n": 100, "listening.recall": 1.0,
    ...     "listening.false_positive_rate": 0.0, "listening.label_accuracy": 1.0})
    >>> model = EngagementModel(perfect, rng=1)
    >>> day = Day(1, model.scenario, model.graph, model.population, model.brand)
    >>> day.posts = Posts(author=np.arange(4), kind=np.array([0, 0, 1, 2], np.int8), hour=np.ones(4))
    >>> counts = listening(day, np.random.default_rng(0))
    >>> counts["posts_caught"], counts["false_positives"], counts["mentions"] > 4
    (4, 0, True)
    >>> day.flagged.author.tolist(), day.flagged.label.tolist()
    ([0, 1, 2, 3], [0, 0, 1, 2])
    """
    # A Poisson of mean 0 and a binomial of 0 trials take no numbers from the stream: on a day
    # without chatter, leaving them out changes no later draw.
    mean = chatter_mean(day)
    chatter = int(rng.poisson(mean)) if mean else 0
    false = int(rng.binomial(chatter, day.scenario.listening.false_positive_rate)) if chatter else 0
    unheard, posted = 0, len(day.posts)  # complaints unheard, posts
    if posted + false:
        day.flagged, day.unheard, unheard = _listen(day.posts, false, day.scenario, day.t, rng)
    return {
        "mentions": posted + chatter,
        "posts_caught": len(day.flagged) - false,  # the caught posts, then the false positives
        "false_positives": false,
        "complaints_unheard": unheard,
    }


def _listen(
    posts: Posts, false: int, scenario: Scenario, t: int, rng: np.random.Generator
) -> tuple[Flagged, Posts, int]:
    """The caught posts, then ``false`` false positives, with their labels and tags; the posts
    missed; and how many of those are complaints (:func:`listening_heard` draws and sorts)."""
    params, share, n = scenario.listening, float(scenario.team.expert_share), len(posts)
    # The tag's chance for an item that needs no expert keeps the tagged share at the true one.
    a = float(params.label_accuracy)
    stray = min(1.0, (1 - a) * share / (1 - share)) if share < 1 else 1.0
    # Room for every post caught, and for every post missed: the columns are views of it.
    flagged = [np.empty(n + false, dtype) for dtype in _FLAGGED]
    missed = [np.empty(n, dtype) for dtype in _POSTS]
    m, complaints = listening_heard(
        stream_handle(rng),
        posts.author,
        posts.kind,
        posts.hour,
        false,
        float(params.recall),
        share,
        a,
        stray,
        t,
        *flagged,
        *missed,
    )
    caught = Flagged(*[column[: m + false] for column in flagged])
    return caught, Posts(*[column[: n - m] for column in missed]), complaints


# The dtypes of Flagged's columns (author ... tagged) and of Posts' (author, kind, hour), as
# dtypes: np.empty looks a scalar type up at each call.
_FLAGGED = tuple(map(np.dtype, (np.int64, np.int8, np.int8, np.float64, np.bool_, np.bool_)))
_POSTS = tuple(map(np.dtype, (np.int64, np.int8, np.float64)))
