"""Options of the test suite: ``--update-golden`` rewrites the golden-number files."""

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
