"""The notebooks run from top to bottom (at reduced size, ``SOCIALSIM_QUICK=1``), so they never rot."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"


def execute(name: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a notebook in ``folder``; return the text of all its outputs."""
    monkeypatch.setenv("SOCIALSIM_QUICK", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        "commit the notebook with its outputs stripped"
    )
    NotebookClient(notebook, timeout=300, resources={"metadata": {"path": folder}}).execute()
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    return "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs
    )


@pytest.mark.slow
def test_what_if_notebook_compares_a_new_strategy_and_writes_its_report(tmp_path, monkeypatch):
    text = execute("01_what_if.ipynb", tmp_path, monkeypatch)
    assert "private-fix-4-staff" in text
    report = tmp_path / "what-if-output" / "report.html"
    assert "data:image/png;base64" in report.read_text(encoding="utf-8")


@pytest.mark.slow
def test_sweep_notebook_runs_resumes_and_fills_its_stores(tmp_path, monkeypatch):
    text = execute("02_parameter_sweep.ipynb", tmp_path, monkeypatch)
    assert "44 runs: 0 already stored, 44 finished" in text  # 4 trajectories x 11 points
    assert "44 already stored" in text  # the second call resumes and finds nothing to do
    assert "ST_conf" in text and "mu_star_conf" in text
    assert len(list((tmp_path / "sweep-output" / "sobol" / "runs").iterdir())) == 8 * 5
