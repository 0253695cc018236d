"""The command line: runs, writes its files, and turns every bad input into one line and exit 2."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from socialsim.cli import main

SMALL = ["--set", "graph.n=300", "--days", "5", "--quiet"]


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_run_writes_kpis_figure_and_scenario(tmp_path):
    result = invoke("run", *SMALL, "--out", str(tmp_path), "--fans")
    assert result.exit_code == 0, result.output
    kpis = pd.read_csv(tmp_path / "kpis.csv")
    assert len(kpis) == 6 and kpis["fans"].iloc[0] > 0
    assert (tmp_path / "kpis.png").stat().st_size > 10_000
    assert len(pd.read_csv(tmp_path / "fans.csv")) == 300
    assert '"n": 300' in (tmp_path / "scenario.json").read_text()


def test_run_prints_a_summary(tmp_path):
    result = invoke("run", "--set", "graph.n=300", "--days", "5", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert "300 people, 5 days" in result.output
    assert "nps" in result.output and "new_fans_referred" in result.output


def test_same_seed_same_csv(tmp_path):
    invoke("run", *SMALL, "--seed", "3", "--out", str(tmp_path / "a"))
    invoke("run", *SMALL, "--seed", "3", "--out", str(tmp_path / "b"))
    assert (tmp_path / "a" / "kpis.csv").read_text() == (tmp_path / "b" / "kpis.csv").read_text()


def test_scenario_file_and_set_combine(tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text("[graph]\nn = 250\n[wom]\nnegativity = 2.5\n")
    result = invoke("run", str(scenario), "--set", "run.days=3", "--quiet", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert len(pd.read_csv(tmp_path / "kpis.csv")) == 4
    assert '"negativity": 2.5' in (tmp_path / "scenario.json").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--set", "wom.negativity=-1"],
            "The 'wom.negativity' parameter must be a float in [0, 10]",
        ),
        (["--set", "wom.negatvity=1"], "Did you mean 'wom.negativity'?"),
        (["--set", "novalue"], "The '--set' option must be KEY=VALUE"),
        (["--days", "0"], "The 'run.days' parameter must be an int in [1, 36500]"),
        (["missing.toml"], "missing.toml"),
        (["--set", "graph.kind=file", "--set", "graph.path=nowhere.txt"], "nowhere.txt"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    result = CliRunner().invoke(main, ["run", *args, "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_parameters_lists_defaults_ranges_and_meaning():
    result = invoke("parameters", "wom")
    assert "wom.negativity = 1.5" in result.output and "a float in [0, 10]" in result.output
    assert "graph.n" not in result.output
    assert CliRunner().invoke(main, ["parameters", "zzz"]).exit_code == 2


def test_help_explains_every_option():
    result = invoke("run", "--help")
    for option in ("--set", "--seed", "--days", "--out", "--fans"):
        assert option in result.output
