"""What fans post in public about the brand on a given day: the material the brand listens to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

__all__ = ["PostKind", "Posts"]


class PostKind(IntEnum):
    """The kinds of post a listening system can hear."""

    COMPLAINT = 0
    PRAISE = 1
    NEED = 2


@dataclass(eq=False)
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
    def gather(cls, groups: dict[PostKind, np.ndarray], hour_of: np.ndarray) -> Posts:
        """Collect the authors of each kind of post; ``hour_of`` gives every fan's hour today."""
        author = np.concatenate([groups[k] for k in PostKind]).astype(np.int64)
        kind = np.concatenate([np.full(groups[k].size, k, dtype=np.int8) for k in PostKind])
        return cls(author=author, kind=kind, hour=hour_of[author])

    def __len__(self) -> int:
        return int(self.author.size)

    def of_kind(self, kind: PostKind) -> np.ndarray:
        """Authors of the posts of one kind."""
        return self.author[self.kind == kind]

    def count(self, kind: PostKind) -> int:
        """How many posts of one kind."""
        return int(np.count_nonzero(self.kind == kind))
