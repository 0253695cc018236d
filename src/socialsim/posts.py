"""What fans post in public about the brand on a given day, and what the brand's listening flags."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

__all__ = ["NOT_RELEVANT", "Flagged", "PostKind", "Posts"]


class PostKind(IntEnum):
    """The kinds of post a listening system can hear."""

    COMPLAINT = 0
    PRAISE = 1
    NEED = 2


COMPLAINT, PRAISE, NEED = (int(kind) for kind in PostKind)
"""The kinds as plain ints, for compiled loops and array compares (numpy converts an IntEnum
member in each compare)."""


@dataclass(frozen=True, eq=False)
class Posts:
    """A day's posts, one entry per post.

    Attributes
    ----------
    author : numpy.ndarray of int64
        Who posted.
    kind : numpy.ndarray of int8
        A :class:`PostKind` value.
    hour : numpy.ndarray of float64
        Hour of the day the post appeared, in [0, 24).
    """

    author: np.ndarray
    kind: np.ndarray
    hour: np.ndarray

    @classmethod
    def gather(cls, groups: dict[PostKind, tuple[np.ndarray, np.ndarray]]) -> Posts:
        """Collect the posts of each kind from their ``(authors, hours)``.

        >>> posts = Posts.gather({PostKind.NEED: (np.array([4]), np.array([9.5]))})
        >>> posts.author.tolist(), posts.kind.tolist(), posts.hour.tolist()
        ([4], [2], [9.5])
        """
        empty = (np.empty(0, np.int64), np.empty(0))
        authors, hours = zip(*(groups.get(k, empty) for k in PostKind), strict=True)
        return cls(
            author=np.concatenate(authors).astype(np.int64),
            kind=np.repeat(np.array(list(PostKind), dtype=np.int8), [a.size for a in authors]),
            hour=np.concatenate(hours).astype(np.float64),
        )

    def __len__(self) -> int:
        return int(self.author.size)

    def of_kind(self, kind: PostKind) -> np.ndarray:
        """Authors of the posts of one kind."""
        return self.author[self.kind == kind]

    def count(self, kind: PostKind) -> int:
        """How many posts of one kind."""
        return int(np.count_nonzero(self.kind == kind))


NOT_RELEVANT = -1
"""Kind (and author) of a false positive."""
_COLUMNS = {
    "author": np.int64,
    "kind": np.int8,
    "label": np.int8,
    "arrival": np.float64,
    "complex": np.bool_,
    "tagged": np.bool_,
}


@dataclass(frozen=True, eq=False)
class Flagged:
    """The posts listening flagged today (:mod:`socialsim.brand.listening`).

    Attributes
    ----------
    author : int64
        Who posted; -1 for a false positive.
    kind : int8
        True :class:`PostKind`; -1 for a false positive.
    label : int8
        The kind listening assigned.
    arrival : float64
        When the post appeared, in hours since the start of day 1.
    complex : bool
        True for a complaint only an expert can fix (the world's truth, like ``kind``).
    tagged : bool
        Whether listening tagged it as needing an expert (what the brand sees).
    """

    author: np.ndarray
    kind: np.ndarray
    label: np.ndarray
    arrival: np.ndarray
    complex: np.ndarray
    tagged: np.ndarray

    @classmethod
    def empty(cls) -> Flagged:
        """Nothing flagged.

        >>> len(Flagged.empty()), Flagged.empty().label.dtype
        (0, dtype('int8'))
        """
        return cls(**{name: np.empty(0, dtype) for name, dtype in _COLUMNS.items()})

    def __len__(self) -> int:
        return int(self.author.size)
