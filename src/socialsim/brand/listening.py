"""Listening, the front end: what the brand hears of the day's posts, and how it labels them.

Seed 003 puts the front end first: "the ability to listen and accurately identify the relevant
content." A listening system with recall ``r`` catches each relevant post (a complaint, praise
or a need) with probability ``r``. Its precision ``π`` is the share of what it flags that is
relevant, so for ``C`` caught posts it also flags about ``C (1 − π) / π`` irrelevant ones (drawn
from a Poisson law): false positives with no author to help, which still take a slot of staff
time. Each flagged post gets a label; a caught post is labelled with its true kind with
probability ``a`` (``listening.label_accuracy``) and with one of the other two kinds otherwise,
and a false positive gets a random label. Triage acts on labels, so a mislabelled complaint
can be thanked for its praise (:mod:`socialsim.brand.response`).

As volume climbs (a growing fan base, a crisis), false positives grow with it, and an
inaccurate front end floods a fixed team: the chocolate conveyor belt of seed 003.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from socialsim.day import Counts, phase
from socialsim.posts import NOT_RELEVANT, Flagged, PostKind, Posts
from socialsim.scenario import ListeningParams

if TYPE_CHECKING:
    from socialsim.day import Day

__all__ = ["Flagged", "listening"]


@phase("listening", kpis=("posts_caught", "false_positives", "complaints_unheard"))
def listening(day: Day, rng: np.random.Generator) -> Counts:
    """Flag and label today's posts (``day.posts``) into ``day.flagged``.

    Examples
    --------
    >>> from socialsim.day import Day
    >>> from socialsim.scenario import Scenario
    >>> perfect = Scenario().replace({"listening.recall": 1.0, "listening.precision": 1.0,
    ...                               "listening.label_accuracy": 1.0})
    >>> day = Day(1, perfect, None, None, None)
    >>> day.posts = Posts(author=np.arange(4), kind=np.array([0, 0, 1, 2], np.int8), hour=np.ones(4))
    >>> listening(day, np.random.default_rng(0))
    {'posts_caught': 4, 'false_positives': 0, 'complaints_unheard': 0}
    >>> day.flagged.author.tolist(), day.flagged.label.tolist()
    ([0, 1, 2, 3], [0, 0, 1, 2])
    """
    if len(day.posts) == 0:  # a quiet day: nothing to hear, so nothing heard by mistake either
        return {"posts_caught": 0, "false_positives": 0, "complaints_unheard": 0}
    day.flagged = _listen(day.posts, day.scenario.listening, day.t, rng)
    relevant = int(np.count_nonzero(day.flagged.author >= 0))
    heard = int(np.count_nonzero(day.flagged.kind == PostKind.COMPLAINT))
    return {
        "posts_caught": relevant,
        "false_positives": len(day.flagged) - relevant,
        "complaints_unheard": day.posts.count(PostKind.COMPLAINT) - heard,
    }


def _listen(posts: Posts, params: ListeningParams, t: int, rng: np.random.Generator) -> Flagged:
    caught = rng.random(len(posts)) < params.recall
    author, kind, hour = posts.author[caught], posts.kind[caught], posts.hour[caught]
    n_false = int(rng.poisson(author.size * (1 - params.precision) / params.precision))
    # A wrong label is one of the other two kinds: shift the kind by 1 or 2, modulo 3.
    wrong = rng.random(author.size) >= params.label_accuracy
    shift = np.where(wrong, rng.integers(1, 3, size=author.size), 0)
    label = ((kind + shift) % len(PostKind)).astype(np.int8)
    return Flagged(
        author=np.concatenate([author, np.full(n_false, NOT_RELEVANT)]).astype(np.int64),
        kind=np.concatenate([kind, np.full(n_false, NOT_RELEVANT)]).astype(np.int8),
        label=np.concatenate([label, rng.integers(0, len(PostKind), size=n_false)]).astype(np.int8),
        arrival=24.0 * (t - 1) + np.concatenate([hour, 24.0 * rng.random(n_false)]),
    )
