"""Studies: many runs of the model and what they say.

:mod:`~socialsim.studies.experiment` (experiment files), :mod:`~socialsim.studies.compare`
(strategies on common random numbers), :mod:`~socialsim.studies.sweeps` and
:mod:`~socialsim.studies.designs` (parameter sweeps), :mod:`~socialsim.studies.runner` and
:mod:`~socialsim.studies.store` (running them, resumably), :mod:`~socialsim.studies.sensitivity`
(Sobol and Morris indices) and :mod:`~socialsim.studies.plotting`.
"""
