"""The command line: runs, writes its files, and turns every bad input into one line and exit 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from socialsim import EngagementModel, Experiment, load_experiment, load_results
from socialsim.cli import main
from socialsim.studies.experiment import canned_experiments

SMALL = ["--set", "graph.n=300", "--days", "5", "--quiet"]


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_run_writes_kpis_figure_and_scenario(tmp_path):
    result = invoke("run", *SMALL, "--out", str(tmp_path), "--fans")
    assert result.exit_code == 0, result.output
    kpis = pd.read_csv(tmp_path / "kpis.csv")
    assert len(kpis) == 6 and kpis["fans"].iloc[0] > 0
    # Every daily KPI `socialsim kpis` lists: all but the ratios, which exist per run only.
    from socialsim.kpis import DECLARED
    from socialsim.kpis.declared import Summary

    daily = {k for k, d in DECLARED.items() if d.summary is not Summary.RATIO}
    assert daily <= set(kpis.columns) and kpis["total_cost"].iloc[1:].gt(0).all()
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
        (
            ["--set", "graph.kind=file", "--set", "graph.path=nowhere.txt"],
            "The 'graph.path' parameter must be an existing file. Got 'nowhere.txt' instead.",
        ),
        (
            ["--set", "graph.attributes=nowhere.csv"],
            "The 'graph.attributes' parameter must be an existing file.",
        ),
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


def test_every_reference_cited_is_in_docs_with_its_section():
    """A default's source ('references-brand.md §3') is one a user can open: the file is in
    docs/, as ``socialsim parameters`` says, and has the section cited."""
    import pathlib
    import re

    root = pathlib.Path(__file__).parents[1]
    assert "docs/references-brand.md" in invoke("parameters", "listening").output
    texts = [*root.glob("src/socialsim/**/*.py"), *root.glob("docs/*.md")]
    cited = {
        (name, section)
        for path in texts
        for name, section in re.findall(
            r"(references(?:-brand)?\.md)(?: ?§ ?(\d+))?", path.read_text(encoding="utf-8")
        )
    }
    assert ("references-brand.md", "3") in cited and ("references.md", "") in cited
    for name, section in cited:
        text = (root / "docs" / name).read_text(encoding="utf-8")
        assert not section or re.search(rf"^## {section}\. ", text, re.M), (name, section)


def test_a_sweep_without_its_out_folder_is_one_line_and_exit_2():
    # click 8.2+ took the explicit default None for a value given: a traceback followed
    result = CliRunner().invoke(main, ["sweep", "experiments/sweeps/nps-sobol.toml"])
    assert result.exit_code == 2 and "Missing option '--out'" in result.output
    assert "Traceback" not in result.output


def test_help_explains_every_option():
    result = invoke("run", "--help")
    for option in ("--set", "--seed", "--days", "--out", "--fans"):
        assert option in result.output


# ---------------------------------------------------------------------- the shared options
EXPERIMENT = (
    '[experiment]\nreplicates = 2\nseed = 1\ndays = 5\nkpis = ["nps"]\n[base]\ngraph.n = 200\n'
    '[strategies.ignore]\npolicy.name = "ignore"\n[strategies.answer]\npolicy.name = "respond-all"\n'
)
SWEEP = (
    '[sweep]\ndesign = "grid"\nkpis = ["fans"]\n[base]\ngraph.n = 200\nrun.days = 5\n'
    '[parameters]\n"wom.negativity" = [1.0, 2.0]\n'
)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "e.toml").write_text(EXPERIMENT)
    (tmp_path / "s.toml").write_text(SWEEP)
    return {"compare": str(tmp_path / "e.toml"), "sweep": str(tmp_path / "s.toml"), "run": None}


def command_line(command: str, files: dict, *args: str) -> list[str]:
    return [command, *([files[command]] if files[command] else []), *args]


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_every_command_that_runs_the_model_has_the_shared_options(command, files):
    text = invoke(*command_line(command, files, "--help")).output
    for option in ("--set KEY=VALUE", "--days", "--seed", "--out", "-q, --quiet"):
        assert option in text, option
    for option in ("-j, --jobs", "--scheduler", "--retry-failed"):
        assert (option in text) == (command != "run"), option


def test_compare_takes_set_days_seed_and_replicates(tmp_path, files):
    out = tmp_path / "out"
    result = invoke(
        *command_line("compare", files, "--set", "graph.n=150", "--days", "3", "--seed", "9"),
        *("--replicates", "1", "-j", "1", "--out", str(out), "-q"),
    )
    assert result.exit_code == 0 and result.output == ""
    spec = json.loads((out / "manifest.json").read_text())["comparison"]
    assert spec["base"]["graph.n"] == 150
    assert (spec["experiment"]["days"], spec["experiment"]["seed"]) == (3, 9)
    daily = pd.read_parquet(out / "daily.parquet")
    assert daily["day"].max() == 3 and len(daily) == 2 * 1 * 4
    assert (load_results(out)["seed"] == 9).all()


def test_a_sweep_says_how_to_read_its_runs(tmp_path, files):
    out = tmp_path / "out"
    result = invoke(*command_line("sweep", files, "--days", "2"), "-j", "1", "--out", str(out))
    assert result.exit_code == 0
    assert f"\nread them in Python: socialsim.load_results({str(out)!r})" in result.output


def test_sweep_takes_set_days_and_seed(tmp_path, files):
    out = tmp_path / "out"
    result = invoke(
        *command_line("sweep", files, "--set", "graph.n=150", "--days", "3", "--seed", "9"),
        *("-j", "1", "--out", str(out), "-q"),
    )
    assert result.exit_code == 0 and result.output == ""
    spec = json.loads((out / "manifest.json").read_text())["sweep"]
    assert (spec["base"]["graph.n"], spec["base"]["run.days"], spec["sweep"]["seed"]) == (150, 3, 9)
    assert (load_results(out)["seed"] == 9).all()


@pytest.mark.parametrize(
    ("command", "key", "who"),
    [
        ("compare", "policy.name=ignore", "strategy 'answer'"),
        ("compare", "run.days=9", "the --days option"),
        ("sweep", "wom.negativity=3", "the sweep's [parameters]"),
        ("sweep", "run.seed=3", "the --seed option"),
    ],
)
def test_set_refuses_what_the_study_sets_itself(tmp_path, files, command, key, who):
    result = CliRunner().invoke(
        main, command_line(command, files, "--set", key, "--out", str(tmp_path / "o"))
    )
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: The '--set' parameter must be a scenario parameter that the study does not set "
        f"itself. Got '{key}' instead. '{key.split('=')[0]}' is set by {who}."
    ]
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["compare", "sweep"])
def test_jobs_follow_one_rule(tmp_path, files, command):
    result = CliRunner().invoke(
        main, command_line(command, files, "-j", "-1", "--out", str(tmp_path / "o"))
    )
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: The 'jobs' parameter must be an int >= 1. Got -1 instead."
    )


# ---------------------------------------------------------------------- --out, Ctrl-C
def unwritable(tmp_path, where: str) -> Path:
    if where == "below a file":
        (tmp_path / "file").write_text("")
        return tmp_path / "file" / "out"
    if where == "under /proc":
        return Path("/proc/socialsim-out")
    if os.geteuid() == 0:
        pytest.skip("root writes to read-only folders")
    (tmp_path / "ro").mkdir(mode=0o555)
    return tmp_path / "ro" / "out"


@pytest.mark.parametrize("where", ["below a file", "under /proc", "read-only"])
@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_an_unwritable_out_fails_before_any_simulation(
    tmp_path, monkeypatch, files, command, where
):
    out = unwritable(tmp_path, where)
    built = []
    monkeypatch.setattr(EngagementModel, "__init__", lambda *args, **kwargs: built.append(1))
    result = CliRunner().invoke(main, command_line(command, files, *SMALL, "--out", str(out)))
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"Error: The 'out' parameter must be a folder that can be written. Got '{out}' instead. ("
    )
    assert built == []


def test_ctrl_c_stops_run_with_130_and_a_short_message(tmp_path, monkeypatch):
    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(EngagementModel, "run", interrupted)
    result = CliRunner().invoke(main, ["run", *SMALL, "--out", str(tmp_path / "o")])
    assert result.exit_code == 130
    assert result.output.strip().splitlines() == [
        "interrupted: nothing was written (a run's files are written when it ends)"
    ]
    assert list((tmp_path / "o").iterdir()) == []


# ---------------------------------------------------------------------- canned experiments
def test_experiments_show_prints_a_canned_experiment_to_copy(tmp_path):
    result = invoke("experiments", "show", "crisis")
    assert result.output == canned_experiments()["crisis"].read_text()
    (tmp_path / "mine.toml").write_text(result.output)
    copied, canned = Experiment.from_toml(tmp_path / "mine.toml"), load_experiment("crisis")
    assert (copied.strategies, copied.kpis) == (canned.strategies, canned.kpis)


CANNED = ", ".join(canned_experiments())


@pytest.mark.parametrize(
    "command",
    [
        ["compare", "{name}", "--out", "{out}"],
        ["experiments", "show", "{name}"],
        ["dashboard", "--experiment", "{name}", "--port", "0"],
    ],
)
@pytest.mark.parametrize(
    ("name", "hint"),
    # A hint only for a near miss, whatever its case.
    [
        ("crisys", " Did you mean 'crisis'?"),
        ("CRISIS", " Did you mean 'crisis'?"),
        ("nonsense", ""),
    ],
)
def test_an_unknown_experiment_name_lists_the_canned_ones(tmp_path, command, name, hint):
    out = tmp_path / "o"
    args = [arg.format(name=name, out=out) for arg in command]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    allowed = "an existing TOML file or " if command[0] != "experiments" else ""  # show: canned
    assert result.output.strip() == (
        f"Error: The 'experiment' parameter must be {allowed}one of the canned experiments: "
        f"{CANNED}. Got '{name}' instead.{hint}"
    )
    assert "crisis, culture-of-when" in CANNED  # the names, not an empty list
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "hint"), [("crisis.toml", " Did you mean 'crisis'?"), ("x.toml", "")]
)
def test_a_missing_experiment_file_is_named_with_the_canned_ones(tmp_path, monkeypatch, name, hint):
    monkeypatch.chdir(tmp_path)  # where no crisis.toml was copied out
    result = CliRunner().invoke(main, ["compare", name, "--out", "o"])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        "Error: The 'experiment' parameter must be an existing TOML file or one of the canned "
        f"experiments: {CANNED}. Got '{name}' instead.{hint}"
    )
    assert not (tmp_path / "o").exists()


def test_help_marks_out_required_only_where_a_command_has_no_default():
    def out_help(command: str) -> str:
        text = CliRunner().invoke(main, [command, "--help"], terminal_width=200).output
        return " ".join(text.split("--out", 1)[1].split("\n  -", 1)[0].split())

    assert "[required]" not in out_help("compare")  # it works out socialsim-compare/NAME
    assert "[required]" in out_help("sweep")


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--days", "1"],
        ["compare", "stay-out-or-answer", "--days", "1"],
        ["sweep", "experiments/sweeps/nps-sobol.toml"],
        ["calibrate", "experiments/calibration/observed.csv", "--params", "wom.negativity"],
    ],
    ids=lambda c: c[0],
)
def test_an_out_that_is_a_file_is_one_line_and_exit_2(tmp_path, command):
    import pathlib

    root = pathlib.Path(__file__).parents[1]
    command = [str(root / a) if a.startswith("experiments/") else a for a in command]
    afile = tmp_path / "afile"
    afile.write_text("kept")
    result = CliRunner().invoke(main, [*command, "--out", str(afile)])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (
        f"Error: The 'out' parameter must be a folder that can be written. Got {str(afile)!r} "
        "instead. (File exists)"
    )
    assert afile.read_text() == "kept"
