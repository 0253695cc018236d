"""Response policies as code: what the brand decides each day, on what it can see.

- :mod:`~socialsim.brand.policies.protocol`: :class:`Policy`, :class:`Decision`, :class:`Hire`;
  a policy is anything with ``decide(seen) -> Decision``.
- :mod:`~socialsim.brand.observation`: what ``seen`` holds, and what it leaves out.
- :mod:`~socialsim.brand.policies.presets`: the presets as :class:`Rules` policies, and the
  policy a scenario's ``[policy]`` section builds.
- :mod:`~socialsim.brand.policies.adaptive`: :class:`Surge`, :class:`CrisisSwitch`,
  :class:`WithinSLA`.
- :mod:`~socialsim.brand.policies.calendar`: :class:`ContentCalendar`, the brand's own posts
  (the ``broadcast`` preset is one).
- :mod:`~socialsim.brand.policies.registry`: policies by name, registered name or import path.

``docs/policies.md`` is the guide.
"""

from socialsim.brand.observation import Items, Observation, TeamView
from socialsim.brand.policies.adaptive import CrisisSwitch, Surge, WithinSLA
from socialsim.brand.policies.calendar import ContentCalendar
from socialsim.brand.policies.presets import Rules, from_params, preset
from socialsim.brand.policies.protocol import Decision, Hire, Policy, PolicyLike, describe
from socialsim.brand.policies.registry import by_path, resolve

__all__ = [
    "ContentCalendar",
    "CrisisSwitch",
    "Decision",
    "Hire",
    "Items",
    "Observation",
    "Policy",
    "PolicyLike",
    "Rules",
    "Surge",
    "TeamView",
    "WithinSLA",
    "by_path",
    "describe",
    "from_params",
    "preset",
    "resolve",
]
