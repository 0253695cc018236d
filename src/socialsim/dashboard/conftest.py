"""Doctests of the view need the optional ``dashboard`` extra; skip their modules without it."""

from importlib.util import find_spec

collect_ignore = [] if find_spec("solara") else ["app.py", "controls.py", "server.py", "views.py"]
