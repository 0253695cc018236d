"""Options and fixtures shared by the test modules: ``--update-golden`` rewrites the
golden-number files; ``dask_client`` is a small local Dask cluster; ``empty_headings`` finds a
report's headings with nothing under them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/*.json from the current code instead of comparing with them "
        "(a deliberate change of the seeded numbers; say why in the commit message).",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether the golden-number files are to be rewritten rather than compared."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def dask_client():
    """A client of a two-worker LocalCluster of single-threaded processes (skips without Dask)."""
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _empty_headings(report: Path) -> list[str]:
    """The headings of ``report.md`` and ``report.html`` with nothing under them: followed at
    once by another heading, or by the end."""
    lines = [line for line in report.with_suffix(".md").read_text().splitlines() if line.strip()]
    found = [
        line
        for line, after in zip(lines, [*lines[1:], "# (the end)"], strict=True)
        if line.startswith("#") and after.startswith("#")
    ]
    page = report.with_suffix(".html").read_text()
    return found + re.findall(r"<h[1-6][^>]*>.*?</h[1-6]>(?=\s*(?:<h[1-6]|</body>|$))", page)


@pytest.fixture
def empty_headings() -> Callable[[Path], list[str]]:
    """The headings of a report (its path without suffix) with nothing under them."""
    return _empty_headings
