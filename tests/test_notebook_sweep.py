"""The parameter-sweep notebook runs from top to bottom (at reduced size), so it never rots."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "02_parameter_sweep.ipynb"


def test_sweep_notebook_runs_and_fills_its_stores(tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIALSIM_QUICK", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        "commit the notebook with its outputs stripped"
    )
    NotebookClient(notebook, timeout=300, resources={"metadata": {"path": tmp_path}}).execute()
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs
    )
    assert "44 runs: 0 already stored, 44 finished" in text  # 4 trajectories x 11 points
    assert "44 already stored" in text  # the second call resumes and finds nothing to do
    assert "ST_conf" in text and "mu_star_conf" in text
    assert len(list((tmp_path / "sweep-output" / "sobol" / "runs").iterdir())) == 8 * 5
