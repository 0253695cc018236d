"""The brand's side: listen, triage, work the queue, respond.

:mod:`~socialsim.brand.listening` flags and labels posts, :mod:`~socialsim.brand.policy`
decides what to answer and in what order, :mod:`~socialsim.brand.care_team` works the queue in
hours, :mod:`~socialsim.brand.response` applies the effects of replies and outreach, and
:mod:`~socialsim.brand.agent` keeps the brand's state (its drafts of brand posts included) and
its triage, work and costs phases. The posts themselves are :mod:`socialsim.fans.content`.
"""
