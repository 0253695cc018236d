"""Options and fixtures shared by the test modules: ``--update-golden`` rewrites the
golden-number files; ``dask_client`` is a small local Dask cluster."""

from __future__ import annotations

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
