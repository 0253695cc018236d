"""The network: who sees whose posts.

:mod:`~socialsim.network.graph` holds the CSR social graph, :mod:`~socialsim.network.generators`
builds synthetic ones, :mod:`~socialsim.network.loaders` reads real ones from files and
:mod:`~socialsim.network.inputs` checks what every graph handed in must be.
"""
