"""The brand's side: listen, triage, work the queue, respond.

:mod:`~socialsim.brand.listening` scans the day's mentions and flags and labels posts,
:mod:`~socialsim.brand.policy` decides what to answer and in what order,
:mod:`~socialsim.brand.routing` which tier each item waits for, :mod:`~socialsim.brand.care_team`
works the queue in hours with two tiers of people (:mod:`~socialsim.brand.servers`),
:mod:`~socialsim.brand.response` applies the effects of replies and outreach, and
:mod:`~socialsim.brand.agent` keeps the brand's state (its drafts of brand posts included) and
its triage, work and costs phases. The posts themselves are :mod:`socialsim.fans.content`.
"""
