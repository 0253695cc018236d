"""Fixtures shared by test modules."""

from __future__ import annotations

import pytest


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
