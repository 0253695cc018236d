"""Parameter sweeps: a base scenario, the parameters to vary, a design, replicates and seeds.

A :class:`Sweep` names the base scenario, the parameters to vary (dotted scenario keys, each
over a :class:`~socialsim.studies.designs.Range` or :class:`~socialsim.studies.designs.Levels`), the design,
the replicates per point, the seed and what to keep. It is written as a TOML file::

    [sweep]
    design = "lhs"          # grid, lhs, sobol, saltelli, morris
    samples = 64            # points (lhs, sobol), N (saltelli), trajectories (morris)
    replicates = 4
    seed = 2026
    keep = "final"          # or "trajectories": also every run's daily KPIs
    scenario = "base.toml"  # optional, relative to this file; default: the built-in scenario

    [base]                  # changes to the base scenario, as in a scenario file
    graph.n = 2000

    [parameters]
    "wom.negativity" = { low = 0.5, high = 3.0 }
    "recruitment.q" = { low = 0.005, high = 0.05, log = true }
    "graph.kind" = ["barabasi_albert", "watts_strogatz"]

or built in Python, and run by :func:`socialsim.studies.runner.sweep` (``socialsim sweep`` on the
command line). Everything is validated when the sweep is built, every design point included,
so a bad sweep fails in one line before any run.

Seeds. Run ``(point, replicate)`` gets the root seed sequence
``SeedSequence(seed).spawn(replicates)[replicate]`` (``seeds = "common"``, the default), so
every point of a replicate shares its random numbers: differences between points are the
parameters' doing, not noise (common random numbers). With ``seeds = "independent"`` it gets
``SeedSequence(seed).spawn(replicates)[replicate].spawn(n_points)[point]``. Either way a run's
numbers depend on the sweep seed and its position only, so the same sweep gives identical
numbers serially, on a process pool or on a Dask cluster, with any number of workers. The
design's own draws (Latin hypercube cells, scrambling) come from ``SeedSequence(seed)``
itself, whose state is independent of its children's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from socialsim.brand.policies.protocol import describe
from socialsim.constraints import (
    Boolean,
    ConfigError,
    Interval,
    Options,
    Text,
    check_tables,
    did_you_mean,
    param,
    read_toml,
)
from socialsim.kpis import KPIS
from socialsim.model import EngagementModel
from socialsim.scenario import PARAMETERS, PATHS, Scenario, missing_files, resolve_paths
from socialsim.studies.designs import (
    Design,
    DesignSettings,
    Factor,
    Range,
    design_size,
    make_design,
    parse_factor,
    python_rows,
)
from socialsim.studies.experiment import KPI_NAMES

__all__ = ["MAX_RUNS", "Run", "Sweep", "SweepSettings"]

_FACTOR_KEYS = frozenset(("low", "high", "num", "log", "levels"))
TABLES = {
    "sweep": "settings (design, samples, replicates ...)",
    "base": "scenario overrides",
    "parameters": "parameters to vary",
}

MAX_RUNS = 1_000_000
"""Most runs (design points × replicates) a sweep may have. A store keeps a file per run, and
the sweep builds and checks every point's scenario first (about 0.1 ms each), so a million
runs is hours of computing at the very least; more is almost surely a typo."""


@dataclass(frozen=True)
class SweepSettings(DesignSettings):
    """The ``[sweep]`` table: how the design is drawn and run, validated like a scenario.

    The design's own settings (``design``, ``samples``, ``second_order``, ``num_levels``)
    are those of :class:`~socialsim.studies.designs.DesignSettings`.
    """

    section: ClassVar[str] = "sweep"
    replicates: int = param(
        1,
        Interval(1, MAX_RUNS, integer=True),
        "Runs per design point, each with its own seed; at most MAX_RUNS runs in all.",
    )
    seed: int = param(20261123, Interval(0, None, integer=True), "Root of every random draw.")
    seeds: str = param(
        "common",
        Options(("common", "independent")),
        "'common': a replicate's seed is shared by every point (common random numbers); "
        "'independent': every run has its own.",
    )
    keep: str = param(
        "final",
        Options(("final", "trajectories")),
        "'final': one number per KPI and run (socialsim.kpis.per_run); 'trajectories': also "
        "its daily KPIs.",
    )
    kpis: tuple[str, ...] = param(tuple(KPIS), KPI_NAMES, "KPIs to keep.")

    def _check_together(self) -> None:
        super()._check_together()
        if self.seed >= 2**63:  # the store keeps seeds as int64
            raise ConfigError("sweep.seed", self.seed, "an int in [0, 2**63)")


@dataclass(frozen=True)
class Run:
    """One run of a sweep: a design point, a replicate, its parameter values and seed.

    ``run_id`` names its file in the store: ``p<point>-r<replicate>``, zero-padded.
    """

    run_id: str
    point: int
    replicate: int
    values: dict[str, Any]
    seed: int
    spawn_key: tuple[int, ...]

    def seed_sequence(self) -> np.random.SeedSequence:
        """The run's root seed sequence (hand it to :class:`EngagementModel` as ``rng``)."""
        return np.random.SeedSequence(self.seed, spawn_key=self.spawn_key)


class Sweep:
    """A parameter sweep: base scenario, parameters and their variation, design and seeds.

    Parameters
    ----------
    parameters : mapping of str to Range, Levels, list or table
        The parameters to vary, by dotted scenario key: a list of levels, or a range
        ``{"low": ..., "high": ...}`` (optionally ``"num"`` levels for a grid, ``"log": True``).
        Ranges of integer parameters (``graph.n``) give integers; see :mod:`socialsim.studies.designs`.
    scenario : Scenario, optional
        The base scenario the parameters change; the built-in default when omitted.
    source : str or Path, optional
        The sweep file it was read from (a store keeps a copy).
    **settings
        The ``[sweep]`` table of a sweep file (:class:`SweepSettings`): ``design`` ("grid",
        "lhs", "sobol", "saltelli", "morris"), ``samples``, ``replicates``, ``seed``, ``seeds``
        ("common" or "independent"), ``keep`` ("final" or "trajectories"), ``kpis``,
        ``second_order`` (saltelli), ``num_levels`` (morris).

    Attributes
    ----------
    parameters : dict of str to Range or Levels
        As validated (integer parameters' ranges marked ``integer``).
    scenario : Scenario
        The base scenario.
    settings : SweepSettings
        The validated settings.
    design : Design
        The design points, values checked against the scenario's constraints.
    source : Path or None
        The file the sweep was read from.

    Examples
    --------
    >>> from socialsim import Scenario
    >>> s = Sweep(
    ...     {"wom.negativity": {"low": 0.5, "high": 3.0}, "graph.n": {"low": 200, "high": 400}},
    ...     scenario=Scenario().replace({"run.days": 10}),
    ...     design="lhs",
    ...     samples=8,
    ...     replicates=2,
    ...     seed=1,
    ... )
    >>> s.n_runs, s.design.values.dtypes.astype(str).tolist()
    (16, ['float64', 'int64'])
    >>> run = s.runs()[9]
    >>> run.run_id, run.point, run.replicate
    ('p000001-r01', 1, 1)
    >>> run.seed_sequence().spawn_key == np.random.SeedSequence(1).spawn(2)[1].spawn_key
    True
    >>> Sweep({"wom.negativity": {"low": -1, "high": 3}})
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'wom.negativity' parameter must be a float in [0, 10]. Got -1 instead. (the low end of the sweep's range for 'wom.negativity')
    """

    def __init__(
        self,
        parameters: Mapping[str, Any],
        *,
        scenario: Scenario | None = None,
        source: str | Path | None = None,
        **settings: Any,
    ) -> None:
        for key, value in settings.items():
            if key not in SweepSettings.__dataclass_fields__:
                known = list(SweepSettings.__dataclass_fields__)
                raise ConfigError(f"sweep.{key}", value, "a known key", did_you_mean(key, known))
        self.settings = SweepSettings(**settings)
        self.scenario = scenario if scenario is not None else Scenario()
        if not isinstance(self.scenario, Scenario):
            raise TypeError(
                f"The 'scenario' parameter must be a Scenario. Got {type(scenario).__name__} "
                "instead."
            )
        self.source = Path(source) if source is not None else None
        if not isinstance(parameters, Mapping) or not parameters:
            raise ConfigError("parameters", parameters, "a table of at least one parameter to vary")
        self.parameters: dict[str, Factor] = {
            name: self._check_factor(name, spec) for name, spec in parameters.items()
        }
        s = self.settings
        _check_size(s, design_size(s, self.parameters))
        design = make_design(
            s.design,
            self.parameters,
            samples=s.samples,
            seed=np.random.SeedSequence(s.seed),
            second_order=s.second_order,
            num_levels=s.num_levels,
        )
        self.design: Design = dataclasses.replace(design, values=self._check_points(design.values))

    # ------------------------------------------------------------------ building
    @classmethod
    def from_toml(cls, path: str | Path) -> Sweep:
        """Read a sweep file; ``sweep.scenario`` is read relative to it.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.toml"
        >>> _ = f.write_text('[sweep]\\ndesign = "grid"\\n[parameters]\\n"wom.negativity" = [1, 2]\\n')
        >>> Sweep.from_toml(f).design.values["wom.negativity"].tolist()
        [1.0, 2.0]
        """
        path = Path(path)
        data = read_toml(path, "sweep")
        return cls.from_dict(data, base_dir=path.parent, source=path)

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        base_dir: str | Path | None = None,
        source: str | Path | None = None,
    ) -> Sweep:
        """Build from the tables of a sweep file: ``sweep``, ``base`` and ``parameters``.

        ``base`` may also be a flat table of every scenario parameter (as in
        :meth:`to_dict`), so a sweep round-trips through its dictionary.
        """
        check_tables(data, TABLES)
        settings = dict(data.get("sweep", {}))
        scenario_file = settings.pop("scenario", None)
        if scenario_file is None:
            scenario = Scenario()
        else:
            scenario_path = Path(Text().check("sweep.scenario", scenario_file))
            if base_dir is not None and not scenario_path.is_absolute():
                scenario_path = Path(base_dir) / scenario_path
            scenario = Scenario.from_toml(scenario_path)
        base = data.get("base", {})
        parameters = _factor_tables(data.get("parameters", {}))
        if base_dir is not None:  # file names are relative to the sweep file
            base = resolve_paths(base, base_dir)
            for name in PATHS:
                if isinstance(parameters.get(name), list):
                    levels = [{name: level} for level in parameters[name]]
                    parameters[name] = [resolve_paths(c, base_dir)[name] for c in levels]
        return cls(parameters, scenario=scenario.replace(base), source=source, **settings)

    def _check_factor(self, name: str, spec: Any) -> Factor:
        if name == "run.seed":
            raise ConfigError(
                "parameters.run.seed",
                spec,
                "left out: the sweep's seed and replicates seed every run",
            )
        if name not in PARAMETERS:
            raise ConfigError(
                f"parameters.{name}",
                spec,
                "a scenario parameter (dotted key)",
                did_you_mean(name, PARAMETERS),
            )
        factor = parse_factor(name, spec)
        constraint = PARAMETERS[name].metadata["constraint"]
        if isinstance(factor, Range):
            if not isinstance(constraint, Interval):
                raise ConfigError(
                    f"parameters.{name}",
                    factor.to_dict(),
                    f"a list of levels ({name} is {constraint.describe()}, not a number)",
                )
            factor = dataclasses.replace(factor, integer=constraint.integer)
            checks = [(factor.low, "the low end"), (factor.high, "the high end")]
            where = "of the sweep's range"
        else:
            checks = [(v, "one") for v in factor.values]
            where = "of the sweep's levels"
        for value, what in checks:
            try:
                self.scenario.replace({name: value})
            except ConfigError as error:
                raise _located(error, f"({what} {where} for '{name}')") from None
        return factor

    def _check_points(self, values: pd.DataFrame) -> pd.DataFrame:
        """Build every point's scenario once, so a bad combination fails before any run, and
        return the values as the scenario holds them (levels ``[1, 2]`` of a float are floats)."""
        names = list(values.columns)
        checked: list[list[Any]] = []
        files: set[tuple[str, str, str]] = set()  # the files named, checked once each
        for point, row in enumerate(python_rows(values)):
            overrides = dict(zip(names, row, strict=True))
            try:
                scenario = self.scenario.replace(overrides)
            except ConfigError as error:
                raise _located(error, f"(at design point {point}: {overrides})") from None
            flat = scenario.flat()
            checked.append([flat[name] for name in names])
            named = (flat["graph.kind"], flat["graph.path"], flat["graph.attributes"])
            if named not in files:
                files.add(named)
                for key, path in missing_files(scenario).items():
                    raise ConfigError(key, path, "an existing file", f"(at design point {point})")
        frame = pd.DataFrame(checked, columns=names, index=values.index)
        return frame.astype({name: _PANDAS[_column_type(name)] for name in names})

    # ------------------------------------------------------------------ reading
    @property
    def n_runs(self) -> int:
        """Design points times replicates."""
        return self.design.n_points * self.settings.replicates

    def runs(self) -> list[Run]:
        """Every run, replicate by replicate: an interrupted sweep has whole replicates first."""
        rows = python_rows(self.design.values)
        return [
            self._run(point, replicate, row)
            for replicate in range(self.settings.replicates)
            for point, row in enumerate(rows)
        ]

    def _run(self, point: int, replicate: int, row: tuple[Any, ...]) -> Run:
        s = self.settings
        return Run(
            run_id=f"p{point:06d}-r{replicate:02d}",
            point=point,
            replicate=replicate,
            values=dict(zip(self.design.names, row, strict=True)),
            seed=s.seed,
            spawn_key=(replicate,) if s.seeds == "common" else (replicate, point),
        )

    def model(self, point: int, replicate: int = 0) -> EngagementModel:
        """A fresh model of one run, with its scenario and seed, to step or inspect.

        Examples
        --------
        >>> from socialsim import Scenario
        >>> s = Sweep({"wom.negativity": [1.0, 2.0]}, scenario=Scenario().replace({"graph.n": 200}))
        >>> s.model(1).scenario.wom.negativity
        2.0
        """
        row = python_rows(self.design.values.iloc[[point]])[0]
        run = self._run(point, replicate, row)
        return EngagementModel(self.scenario.replace(run.values), rng=run.seed_sequence())

    def to_dict(self) -> dict[str, Any]:
        """The sweep as JSON-ready tables (``base`` is every scenario parameter, flat).

        A base scenario that follows a policy object (:meth:`Scenario.with_policy`) adds
        ``base_policy``, the policy's record (:func:`~socialsim.brand.policies.describe`):
        it is what a store checks to refuse runs of another policy, and it names the object
        without holding it, so :meth:`from_dict` refuses it.

        >>> s = Sweep({"wom.negativity": [1.0, 2.0]}, replicates=3)
        >>> Sweep.from_dict(s.to_dict()).to_dict() == s.to_dict()
        True
        >>> from socialsim.brand.policies import preset
        >>> s = Sweep({"wom.negativity": [1.0]}, scenario=Scenario().with_policy(preset("ignore")))
        >>> s.to_dict()["base_policy"]["name"]
        'ignore'
        """
        settings = dataclasses.asdict(self.settings)
        settings["kpis"] = list(settings["kpis"])
        data = {
            "sweep": settings,
            "base": self.scenario.flat(),
            "parameters": {name: f.to_dict() for name, f in self.parameters.items()},
        }
        # Not a parameter, so not in flat(); only when set, so a store started without one
        # (before the policy was recorded, too) still takes the same sweep.
        if self.scenario.policy_object is not None:
            data["base_policy"] = describe(self.scenario.policy_object)
        return data

    def __repr__(self) -> str:
        s = self.settings
        return (
            f"Sweep({list(self.parameters)}, design={s.design!r}, points={self.design.n_points}, "
            f"replicates={s.replicates}, seed={s.seed})"
        )


_PANDAS: dict[str, Any] = {"int64": np.int64, "float64": np.float64, "bool": bool, "string": object}


def _column_type(name: str) -> str:
    constraint = PARAMETERS[name].metadata["constraint"]
    if isinstance(constraint, Interval):
        return "int64" if constraint.integer else "float64"
    return "bool" if isinstance(constraint, Boolean) else "string"


def _check_size(settings: SweepSettings, points: int) -> None:
    """Refuse a sweep of more than :data:`MAX_RUNS` runs before its design is drawn."""
    if points > MAX_RUNS:
        raise ConfigError(
            "sweep.design",
            settings.design,
            f"a design of at most {MAX_RUNS:,} points in a sweep",
            f"This one has {points:,}.",
        )
    if points * settings.replicates > MAX_RUNS:
        raise ConfigError(
            "sweep.replicates",
            settings.replicates,
            f"an int <= {MAX_RUNS // points:,} for a design of {points:,} points (a sweep has "
            f"at most {MAX_RUNS:,} runs)",
        )


def _located(error: ConfigError, where: str) -> ConfigError:
    """The same error, saying which part of the sweep caused it."""
    return ConfigError(
        error.key, error.value, error.allowed, " ".join(filter(None, [error.hint, where]))
    )


def _factor_tables(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted parameter names from a ``[parameters]`` table, whether keys are quoted
    (``"wom.negativity" = ...``) or dotted (``wom.negativity = ...``, which TOML nests)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value and not set(value) & _FACTOR_KEYS:
            out.update(_factor_tables(value, name + "."))
        else:
            out[name] = value
    return out
