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

from dataclasses import dataclass

import numpy as np

from socialsim.posts import PostKind, Posts
from socialsim.scenario import ListeningParams

__all__ = ["Flagged", "listen"]

NOT_RELEVANT = -1
"""Kind (and author) of a false positive."""


@dataclass(eq=False)
class Flagged:
    """The posts listening flagged today.

    Attributes
    ----------
    author : int64
        Who posted; -1 for a false positive.
    kind : int8
        True :class:`~socialsim.posts.PostKind`; -1 for a false positive.
    label : int8
        The kind listening assigned.
    arrival : float64
        When the post appeared, in hours since the start of day 1.
    """

    author: np.ndarray
    kind: np.ndarray
    label: np.ndarray
    arrival: np.ndarray

    def __len__(self) -> int:
        return int(self.author.size)


def listen(
    posts: Posts, params: ListeningParams, day: int, *, seed: np.random.Generator
) -> Flagged:
    """Flag and label today's posts.

    Examples
    --------
    >>> from socialsim.scenario import ListeningParams
    >>> posts = Posts(author=np.arange(4), kind=np.array([0, 0, 1, 2], np.int8), hour=np.ones(4))
    >>> flagged = listen(posts, ListeningParams(recall=1.0, precision=1.0, label_accuracy=1.0), 1, seed=np.random.default_rng(0))
    >>> flagged.author.tolist(), flagged.label.tolist()
    ([0, 1, 2, 3], [0, 0, 1, 2])
    """
    caught = seed.random(len(posts)) < params.recall
    author, kind, hour = posts.author[caught], posts.kind[caught], posts.hour[caught]
    n_false = int(seed.poisson(author.size * (1 - params.precision) / params.precision))
    # A wrong label is one of the other two kinds: shift the kind by 1 or 2, modulo 3.
    wrong = seed.random(author.size) >= params.label_accuracy
    shift = np.where(wrong, seed.integers(1, 3, size=author.size), 0)
    label = ((kind + shift) % len(PostKind)).astype(np.int8)
    return Flagged(
        author=np.concatenate([author, np.full(n_false, NOT_RELEVANT)]).astype(np.int64),
        kind=np.concatenate([kind, np.full(n_false, NOT_RELEVANT)]).astype(np.int8),
        label=np.concatenate([label, seed.integers(0, len(PostKind), size=n_false)]).astype(
            np.int8
        ),
        arrival=24.0 * (day - 1) + np.concatenate([hour, 24.0 * seed.random(n_false)]),
    )
