"""Finding a policy: an object, a preset, a registered name, or (from Python) an import path.

Where a policy can come from, and who may ask for each:

==========================  ==========================================  =====================
given as                    example                                     from
==========================  ==========================================  =====================
a policy object             ``MyPolicy(threshold=2)``                   Python
a preset's name             ``"negatives-first"``                       Python, files
a registered name           ``"acme-vip"`` (an installed package's      Python, files
                            entry point in ``socialsim.policies``)
an import path              ``by_path("mypkg.policies:VIP")``           Python only
==========================  ==========================================  =====================

A configuration file (scenario, experiment, sweep) names presets and registered policies only,
through ``policy.name``: reading a file never imports a module it names. A registered entry
point may name a policy object, or a class (or function) called without arguments to make one.

Runs on a process pool or a Dask cluster get the policy by pickling: an object of a class that
its worker can import (defined in a module, not in a notebook cell or ``__main__``) travels as
is; :func:`by_path` makes a reference that travels as its path and is imported by the worker.
Dask pickles with cloudpickle, which also carries classes defined in a notebook.
"""

from __future__ import annotations

import copy
import importlib
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from socialsim.brand.policies.protocol import Decision, PolicyLike, describe
from socialsim.brand.policy import ENTRY_POINTS, PRESETS, registered
from socialsim.constraints import ConfigError, did_you_mean

if TYPE_CHECKING:
    from socialsim.brand.observation import Observation
    from socialsim.scenario import Scenario

__all__ = ["PolicyPath", "build", "by_path", "registered_policy", "resolve"]


def registered_policy(name: str) -> PolicyLike:
    """The policy an installed package registers as ``name`` (entry point group
    ``socialsim.policies``).

    Raises
    ------
    ConfigError
        No package registers that name, or what it registers is not a policy.
    """
    found = entry_points(group=ENTRY_POINTS, name=name)
    if not found:
        raise ConfigError(
            "policy.name", name, "a registered policy", did_you_mean(name, registered())
        )
    target = next(iter(found)).load()
    return _as_policy(target, f"the entry point '{name}'")


def by_path(path: str) -> PolicyPath:
    """A reference to the policy at ``"module:attribute"``, imported where it runs.

    The attribute is a policy object, or a class or function called without arguments to
    make one. From Python only: a file cannot ask for it.

    >>> ref = by_path("socialsim.brand.policies.presets:Rules")
    >>> ref.describe()["name"], ref.describe()["path"]
    ('custom', 'socialsim.brand.policies.presets:Rules')
    """
    module, _, attribute = path.partition(":")
    if not module or not attribute:
        raise ConfigError("policy", path, "an import path 'module:attribute'")
    return PolicyPath(path)


@dataclass(frozen=True)
class PolicyPath:
    """A policy referred to by its import path: pickles as the path, imports on first use."""

    path: str
    _loaded: list[PolicyLike] = field(default_factory=list, repr=False, compare=False)

    @property
    def policy(self) -> PolicyLike:
        """The policy itself, imported on first use."""
        if not self._loaded:
            module, _, attribute = self.path.partition(":")
            target: Any = importlib.import_module(module)
            for part in attribute.split("."):
                target = getattr(target, part)
            self._loaded.append(_as_policy(target, f"'{self.path}'"))
        return self._loaded[0]

    def decide(self, seen: Observation) -> Decision:
        return self.policy.decide(seen)

    def describe(self) -> dict[str, Any]:
        return {**describe(self.policy), "path": self.path}

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return PolicyPath, (self.path,)


def resolve(policy: PolicyLike | str) -> PolicyLike:
    """A policy from an object, a preset's or a registered name, or an import path.

    >>> resolve("negatives-first").order
    'negatives_first'
    >>> resolve("negatives-frist")
    Traceback (most recent call last):
    ...
    socialsim.constraints.ConfigError: The 'policy' parameter must be a policy object, a preset, a registered policy or an import path 'module:attribute'. Got 'negatives-frist' instead. Did you mean 'negatives-first'?
    """
    from socialsim.brand.policies.presets import preset

    if isinstance(policy, str):
        if policy in PRESETS:
            return preset(policy)
        if policy in registered():
            return registered_policy(policy)
        if ":" in policy:
            return by_path(policy)
        allowed = "a policy object, a preset, a registered policy or an import path"
        raise ConfigError(
            "policy",
            policy,
            f"{allowed} 'module:attribute'",
            did_you_mean(policy, (*PRESETS, *registered())),
        )
    return _as_policy(policy, "the policy")


def build(policy: PolicyLike | str | None, scenario: Scenario) -> PolicyLike:
    """The policy a run uses, as its own copy: ``policy`` if given, else the scenario's.

    A scenario's policy is the object it carries (:meth:`socialsim.Scenario.with_policy`),
    or the one its ``[policy]`` section describes. The copy keeps a policy's state, if it
    keeps any, from passing from one run to the next.
    """
    from socialsim.brand.policies.presets import from_params

    if policy is None:
        policy = scenario.policy_object
    chosen = from_params(scenario.policy) if policy is None else copy.deepcopy(resolve(policy))
    return on_alarm(chosen, scenario.reaction)


def on_alarm(policy: PolicyLike, reaction: Any) -> PolicyLike:
    """``policy`` wrapped in the reaction to the brand's alarm, when ``[reaction]`` sets one."""
    from socialsim.brand.policies.adaptive import OnAlarm

    r = reaction
    if not (r.surge_staff or r.order != "keep" or r.channel != "keep" or r.compensate):
        return policy
    return OnAlarm(policy, r.surge_staff, r.mode_days, r.order, r.channel, r.compensate)


def _as_policy(target: Any, what: str) -> PolicyLike:
    """``target`` if it is a policy, else what calling it without arguments makes."""
    # A class has a decide attribute too: it makes a policy, it is not one.
    if isinstance(target, type) or (not isinstance(target, PolicyLike) and callable(target)):
        target = target()
    if not isinstance(target, PolicyLike):
        raise ConfigError(
            "policy",
            repr(target),
            f"a policy (an object with decide(seen) -> Decision) from {what}",
        )
    return target
