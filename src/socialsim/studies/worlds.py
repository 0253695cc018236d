"""Plausible worlds: values of the assumptions drawn from their priors, or from a posterior.

A world sets every assumption a scenario reads (each parameter declared with a prior,
:mod:`socialsim.assumptions`) to one plausible value; levers and fixed parameters keep the
scenario's values. :func:`draw_worlds` draws ``n`` of them as a Latin hypercube over the
priors (McKay, Beckman & Conover 1979; ``scipy.stats.qmc.LatinHypercube``), seeded, so that
each prior's range is cut into ``n`` equally likely strata and every stratum is used once.

A posterior from a calibration can replace the priors of the parameters it covers: a table
(Parquet: :func:`read_posterior`) with one column per parameter key, one row per draw and an
optional ``weight`` column. Its rows are drawn jointly, so correlations between fitted
parameters are kept, in proportion to their weights, by one more stratified column of the
same hypercube; the assumptions it does not cover still come from their priors.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from socialsim.assumptions import Lever, LogUniform, Triangular, Uniform, role
from socialsim.constraints import ConfigError, Interval, did_you_mean
from socialsim.scenario import PARAMETERS, Scenario

__all__ = [
    "MAX_WORLDS",
    "WORLDS",
    "Worlds",
    "draw_worlds",
    "held",
    "read_posterior",
    "varied",
]

MAX_WORLDS = 100_000
"""Most worlds one robust comparison may draw (each runs every strategy and replicate)."""
WORLDS = Interval(2, MAX_WORLDS, integer=True)
"""What ``--robust N`` may be: a hypercube of one stratum has no spread to speak of."""
WEIGHT = "weight"
"""The optional column of a posterior table that weighs its draws."""


@dataclass(frozen=True)
class Worlds:
    """``n`` plausible worlds and how they were drawn.

    Attributes
    ----------
    values : pandas.DataFrame
        One row per world (index 0 to n - 1), one column per varied assumption (dotted key),
        typed as the scenario holds it.
    priors : dict of str to Uniform, LogUniform or Triangular
        The assumptions drawn from their priors.
    posterior : tuple of str
        The assumptions drawn from posterior samples (empty without one).
    held : tuple of str
        Assumptions not varied: held at the scenario's value on request, or set by a strategy.
    seed : int
        Root of the hypercube's draws.
    digest : str or None
        SHA-256 of the posterior's values and weights: a store refuses to be completed with
        worlds drawn from another posterior.
    """

    values: pd.DataFrame
    priors: dict[str, Uniform | LogUniform | Triangular]
    posterior: tuple[str, ...] = ()
    held: tuple[str, ...] = ()
    seed: int = 0
    digest: str | None = field(default=None)

    @property
    def n(self) -> int:
        return len(self.values)

    def to_dict(self) -> dict[str, Any]:
        """How the worlds were drawn, JSON-ready (a robust study's store keeps it)."""
        return {
            "n": self.n,
            "seed": self.seed,
            "priors": {key: prior.to_dict() for key, prior in self.priors.items()},
            "posterior": list(self.posterior),
            "posterior_sha256": self.digest,
            "held": list(self.held),
        }


def held(hold: Iterable[str]) -> tuple[str, ...]:
    """The assumptions held at the base scenario's values, each once, in the order given.

    Raises
    ------
    ConfigError
        A single key given as a string, which would be taken for its characters.

    Examples
    --------
    >>> held(["wom.negativity", "wom.negativity"])
    ('wom.negativity',)
    >>> held("wom.negativity")
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'hold' parameter must be a list of assumptions (dotted keys), even of one. Got 'wom.negativity' instead.
    """
    if isinstance(hold, str):
        raise ConfigError("hold", hold, "a list of assumptions (dotted keys), even of one")
    return tuple(dict.fromkeys(hold))


def varied(
    base: Scenario, hold: Iterable[str] = ()
) -> dict[str, Uniform | LogUniform | Triangular]:
    """The assumptions a world varies in a scenario: every parameter with a prior that the
    scenario reads (a graph parameter of another graph kind is not read), less ``hold``.

    Raises
    ------
    ConfigError
        A held key that is not an assumption with a prior.

    Examples
    --------
    >>> keys = varied(Scenario())
    >>> "wom.negativity" in keys, "team.staff" in keys, "graph.k" in keys  # a lever; not read
    (True, False, False)
    >>> varied(Scenario(), hold=["team.staff"])
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'hold' parameter must be assumptions with a prior (socialsim parameters says which). Got 'team.staff' instead. It is a lever: the brand decides it.
    """
    flat = base.flat()
    kept = held(hold)
    for key in kept:
        _check_assumption("hold", key)
    return {
        key: prior
        for key in PARAMETERS
        if isinstance(prior := role(key), Uniform | LogUniform | Triangular)
        and prior.applies(flat)
        and key not in kept
    }


def draw_worlds(
    base: Scenario,
    n: int,
    seed: int,
    *,
    hold: Iterable[str] = (),
    posterior: pd.DataFrame | None = None,
) -> Worlds:
    """Draw ``n`` plausible worlds for a scenario: a seeded Latin hypercube over the priors.

    Parameters
    ----------
    base : Scenario
        The scenario whose assumptions vary (it decides which are read, e.g. by graph kind).
    n : int
        Worlds to draw, at least 2.
    seed : int
        Root of the draws: the hypercube uses ``numpy.random.default_rng(SeedSequence(seed))``,
        whose stream is independent of the replicates' ``SeedSequence(seed).spawn(...)``.
    hold : iterable of str, optional
        Assumptions to keep at the scenario's value in every world.
    posterior : pandas.DataFrame, optional
        Draws of some assumptions (:func:`read_posterior`) that replace their priors.

    Returns
    -------
    Worlds

    Raises
    ------
    ConfigError
        ``n`` out of range, a bad held key, a held key the posterior also gives, or nothing
        left to vary.

    Examples
    --------
    >>> worlds = draw_worlds(Scenario(), 4, seed=1)
    >>> worlds.n, worlds.values["churn.bitter_days"].dtype.name
    (4, 'int64')
    >>> strata = np.floor((worlds.values["wom.effect"] - 0.05) / 0.15 * 4)  # one world per quarter
    >>> sorted(strata.astype(int).tolist())
    [0, 1, 2, 3]
    """
    WORLDS.check("robust", n)
    hold = held(hold)
    from_posterior: list[str] = []
    if posterior is not None:
        from_posterior = [c for c in posterior.columns if c != WEIGHT]
        for key in from_posterior:
            if key in hold:
                raise ConfigError("hold", key, "an assumption the posterior does not give")
    priors = varied(base, (*hold, *from_posterior))
    if not priors and not from_posterior:
        raise ConfigError("hold", list(hold), "fewer assumptions: every one is held")
    from scipy.stats import qmc  # here: importing socialsim should not pay for scipy.stats

    rng = np.random.default_rng(np.random.SeedSequence(seed))
    unit = qmc.LatinHypercube(len(priors) + bool(from_posterior), seed=rng).random(n)
    columns = {
        key: prior.sample(unit[:, j], _integer(key))
        for j, (key, prior) in enumerate(priors.items())
    }
    digest = None
    if from_posterior:
        assert posterior is not None
        weights = _weights(posterior)
        rows = np.searchsorted(np.cumsum(weights) / weights.sum(), unit[:, -1], side="right")
        rows = np.minimum(rows, len(posterior) - 1)
        columns.update({key: posterior[key].to_numpy()[rows] for key in from_posterior})
        digest = _digest(posterior)
    order = [key for key in PARAMETERS if key in columns]
    values = pd.DataFrame({key: columns[key] for key in order})
    values.index.name = "world"
    return Worlds(values, priors, tuple(from_posterior), hold, seed, digest)


def read_posterior(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Posterior draws to draw worlds from, checked: a Parquet file or a DataFrame.

    One column per assumption (dotted key), one row per draw, and optionally ``weight`` (non-
    negative; draws are taken in proportion to it, equally without it). This is the format of
    a calibration's ``posterior.parquet``.

    Raises
    ------
    ConfigError
        An unreadable file, no rows, a column that is not an assumption with a prior, or a
        value that is missing, not a number or outside the parameter's constraint.

    Examples
    --------
    >>> read_posterior(pd.DataFrame({"wom.negativity": [1.0, 2.0], "weight": [0.5, 0.5]})).shape
    (2, 2)
    >>> read_posterior(pd.DataFrame({"wom.negatvity": [1.0]}))
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'priors' parameter must be columns named by assumptions with a prior, and 'weight'. Got 'wom.negatvity' instead. Did you mean 'wom.negativity'?
    """
    if isinstance(source, pd.DataFrame):
        table = source.reset_index(drop=True)
    elif not isinstance(source, str | os.PathLike):
        raise ConfigError(
            "priors", source, "a Parquet file of posterior draws (its path) or a DataFrame"
        )
    else:
        try:
            table = pd.read_parquet(source)
        except (OSError, ValueError) as error:
            raise ConfigError(
                "priors", str(source), "a Parquet file of posterior draws", f"({error})"
            ) from None
    if table.empty:
        raise ConfigError("priors", str(source), "a table with at least one draw")
    for key in table.columns:
        if key != WEIGHT:
            _check_assumption(
                "priors", key, "columns named by assumptions with a prior, and 'weight'"
            )
            for row, value in enumerate(table[key].tolist()):
                try:
                    PARAMETERS[key].metadata["constraint"].check(key, value)
                except ConfigError as error:
                    raise ConfigError(
                        error.key, error.value, error.allowed, f"(row {row} of the posterior)"
                    ) from None
    if WEIGHT in table.columns:
        _weights(table)
    return table


def _weights(table: pd.DataFrame) -> np.ndarray:
    if WEIGHT not in table.columns:
        return np.ones(len(table))
    weights = pd.to_numeric(table[WEIGHT], errors="coerce").to_numpy(dtype=float)
    if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
        raise ConfigError(
            "priors", "weight", "a 'weight' column of non-negative numbers, not all 0"
        )
    return weights


def _digest(table: pd.DataFrame) -> str:
    data = table.to_json(orient="split", double_precision=15).encode()
    return hashlib.sha256(data).hexdigest()


def _integer(key: str) -> bool:
    constraint = PARAMETERS[key].metadata["constraint"]
    return isinstance(constraint, Interval) and constraint.integer


def _check_assumption(
    what: str,
    key: Any,
    allowed: str = "assumptions with a prior (socialsim parameters says which)",
) -> None:
    """Refuse a key that is not a parameter declared with a prior, saying what it is."""
    if not isinstance(key, str) or key not in PARAMETERS:
        hint = did_you_mean(key, PARAMETERS) if isinstance(key, str) else ""
        raise ConfigError(what, key, allowed, hint)
    found = role(key)
    if isinstance(found, Lever):
        raise ConfigError(what, key, allowed, "It is a lever: the brand decides it.")
    if not isinstance(found, Uniform | LogUniform | Triangular):
        raise ConfigError(what, key, allowed, "It is fixed." if found else "It has no prior.")


def check_posterior_keys(posterior: pd.DataFrame, fixed: Mapping[str, str]) -> None:
    """Refuse posterior columns that a strategy sets (``fixed``: key -> who sets it)."""
    for key in posterior.columns:
        if key in fixed:
            raise ConfigError(
                "priors",
                key,
                "assumptions the strategies do not set",
                f"'{key}' is set by {fixed[key]}.",
            )
