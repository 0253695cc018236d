"""The network: who sees whose posts.

:mod:`~socialsim.network.graph` holds the CSR social graph, :mod:`~socialsim.network.generators`
builds synthetic ones and :mod:`~socialsim.network.loaders` reads real ones from files.
"""
