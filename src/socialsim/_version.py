"""The version of socialsim: the one place it is written (pyproject.toml reads it from here).

A module of its own, so that ``socialsim --version`` and ``socialsim.__version__`` need no
package metadata lookup (importlib.metadata costs about a third of the command line's start).
"""

__version__ = "0.1.0"
