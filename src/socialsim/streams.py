"""Named random streams, all derived from one seed.

Every purpose (building the graph, the fans' experiences, word of mouth ...) draws from its own
:class:`numpy.random.Generator`, the child of the run's root :class:`numpy.random.SeedSequence`
at a fixed position. Two runs that share a root seed therefore share every stream, whatever else
differs between them: this is what makes common random numbers work when strategies are
compared (the brand's choices do not shift the draws of the fans' experiences).
"""

from __future__ import annotations

import numpy as np

__all__ = ["STREAMS", "root_sequence", "spawn_streams"]

# Append only: a stream's position fixes its numbers, so reordering would change every result.
STREAMS: tuple[str, ...] = (
    "mesa",
    "graph",
    "population",
    "experiences",
    "advocacy",
    "wom",
    "recruitment",
    "churn",
    "listening",
    "team",
    "response",
)


def root_sequence(
    rng: int | np.random.SeedSequence | np.random.Generator,
) -> np.random.SeedSequence:
    """The root seed sequence of a run.

    Parameters
    ----------
    rng : int, numpy.random.SeedSequence or numpy.random.Generator
        A seed, a seed sequence (for example one of ``SeedSequence(seed).spawn(n)``, one per
        replicate), or a Generator, whose seed sequence is used.

    Examples
    --------
    >>> root_sequence(7).entropy
    7
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        return rng.bit_generator.seed_seq
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool) and rng >= 0:
        return np.random.SeedSequence(int(rng))
    raise TypeError(
        "The 'rng' parameter must be a non-negative int, a numpy.random.SeedSequence or a "
        f"numpy.random.Generator. Got {rng!r} instead."
    )


def spawn_streams(root: np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """One Generator per purpose in :data:`STREAMS`, at fixed child positions of ``root``.

    Examples
    --------
    >>> a = spawn_streams(np.random.SeedSequence(1))
    >>> b = spawn_streams(np.random.SeedSequence(1))
    >>> a["wom"].random() == b["wom"].random()
    True
    """
    return {
        name: np.random.default_rng(
            np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, position))
        )
        for position, name in enumerate(STREAMS)
    }
