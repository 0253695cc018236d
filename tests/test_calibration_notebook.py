"""The calibration notebook runs from top to bottom at reduced size (``SOCIALSIM_QUICK=1``)."""

import pandas as pd
import pytest
from test_notebooks import execute


@pytest.mark.slow
def test_calibration_notebook_fits_the_example_and_compares_strategies_under_the_posterior(
    tmp_path, monkeypatch
):
    text = execute("03_calibration.ipynb", tmp_path, monkeypatch)
    assert "population.loyalty_mean" in text and "90% interval" in text
    assert "negatives-first is better" in text
    posterior = pd.read_parquet(tmp_path / "calibration-output" / "posterior.parquet")
    assert list(posterior.columns) == [
        "experiences.bad_rate",
        "experiences.complaint_rate",
        "population.loyalty_mean",
        "weight",
    ]
