"""Named random streams, all derived from one seed.

Every purpose (building the graph, drawing the population, and each phase of the day) draws
from its own :class:`numpy.random.Generator`. A stream's seed is the run's root
:class:`numpy.random.SeedSequence` extended by a key computed from the stream's *name*, not
from a position in a list, so:

- two runs that share a root seed share every stream, whatever else differs between them:
  this is what makes common random numbers work when strategies are compared (the brand's
  choices do not shift the draws of the fans' experiences);
- adding a phase, removing one, reordering them or adding a draw inside one phase leaves every
  other stream's numbers unchanged; two branches that each add a phase do not disturb each
  other.

What ``rng`` means (:func:`root_sequence`): an int, a seed sequence or a Generator fixes the
numbers; ``None`` asks for fresh entropy, as :func:`numpy.random.default_rng` and
:class:`mesa.Model` do, drawn as an int (:func:`fresh_seed`) so the run can record it and be
repeated by passing it back.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Iterable

import numpy as np

from socialsim.constraints import ConfigError, Interval

__all__ = ["SEED", "SETUP_STREAMS", "fresh_seed", "root_sequence", "spawn_streams", "stream_key"]

SEED = Interval(0, 2**63 - 1, integer=True)
"""What a root seed given as an int may be (``run.seed``, ``rng``): 63 bits, the int64 that
TOML files, Parquet and CSV readers and results stores keep, so a recorded seed reads back."""

_RNG = f"{SEED.describe()}, a numpy.random.SeedSequence, a numpy.random.Generator or None"

SETUP_STREAMS: tuple[str, ...] = ("mesa", "graph", "population")
"""Streams used while the model is built; each phase of the day adds its own (its name)."""


def fresh_seed() -> int:
    """A new root seed from the operating system's entropy, in [0, 2^63).

    63 bits fit the int64 of TOML files, Parquet and CSV readers, so a recorded seed can be
    written into ``run.seed`` or passed to ``--seed``; two runs draw the same one with
    probability about ``k² / 2^64`` among ``k`` runs. ``secrets`` reads the operating system,
    so processes forked from one parent still draw different seeds.

    >>> 0 <= fresh_seed() < 2**63
    True
    """
    return secrets.randbits(63)


def root_sequence(
    rng: int | np.random.SeedSequence | np.random.Generator | None,
) -> np.random.SeedSequence:
    """The root seed sequence of a run.

    Parameters
    ----------
    rng : int, numpy.random.SeedSequence, numpy.random.Generator or None
        A seed, a seed sequence (for example one of ``SeedSequence(seed).spawn(n)``, one per
        replicate), a Generator, whose seed sequence is used, or None for a fresh seed
        (:func:`fresh_seed`).

    Raises
    ------
    ConfigError
        For an int outside :data:`SEED`, the range ``run.seed`` allows: a larger seed
        would be recorded, then fail to fit the int64 the seed is kept as.
    TypeError
        For anything else (a bool, a float ...).

    Examples
    --------
    >>> root_sequence(7).entropy
    7
    >>> root_sequence(None).entropy != root_sequence(None).entropy
    True
    """
    if rng is None:
        return np.random.SeedSequence(fresh_seed())
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        return rng.bit_generator.seed_seq
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        try:
            return np.random.SeedSequence(SEED.check("rng", rng))
        except ConfigError:
            big = rng > SEED.high
            hint = "A larger seed can be passed as numpy.random.SeedSequence(seed)." if big else ""
            raise ConfigError("rng", rng, _RNG, hint) from None
    raise TypeError(f"The 'rng' parameter must be {_RNG}. Got {rng!r} instead.")


def stream_key(name: str) -> int:
    """The spawn-key word of a stream: the CRC-32 of its name, the same in every process.

    >>> stream_key("wom") == stream_key("wom") != stream_key("churn")
    True
    """
    return zlib.crc32(name.encode())


def spawn_streams(
    root: np.random.SeedSequence, names: Iterable[str]
) -> dict[str, np.random.Generator]:
    """One Generator per name, seeded by ``root`` extended with the name's :func:`stream_key`.

    Raises
    ------
    ValueError
        If two names repeat or share a key, since they would draw the same numbers.

    Examples
    --------
    >>> a = spawn_streams(np.random.SeedSequence(1), ["wom", "churn"])
    >>> b = spawn_streams(np.random.SeedSequence(1), ["churn", "wom", "new phase"])
    >>> a["wom"].random() == b["wom"].random()
    True
    """
    names = tuple(names)
    keys = {stream_key(name) for name in names}
    if len(keys) != len(names):
        raise ValueError(f"The stream names must be distinct, with distinct keys. Got {names}.")
    return {
        name: np.random.default_rng(
            np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, stream_key(name)))
        )
        for name in names
    }
