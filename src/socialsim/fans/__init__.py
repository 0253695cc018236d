"""The fans' processes, one module per process of the day.

:mod:`~socialsim.fans.experiences` (good and bad experiences, public posts),
:mod:`~socialsim.fans.advocacy` (advocates defend and help),
:mod:`~socialsim.fans.word_of_mouth` (fans talk), :mod:`~socialsim.fans.recruitment` (advocates
recruit, on :mod:`~socialsim.fans.cascade`), :mod:`~socialsim.fans.identification` (people who
identify with a fan feel what happens to them), :mod:`~socialsim.fans.loyalty` (memory) and
:mod:`~socialsim.fans.churn` (unhappy fans leave).
"""
