"""A comparison keeps every finished run: Ctrl-C, SIGKILL, failures and a Dask cluster leave it
resumable, and the resumed comparison equals an uninterrupted one to the last digit."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from socialsim import EngagementModel, Scenario, load_results
from socialsim.brand.policies import Decision, Policy
from socialsim.cli import main
from socialsim.constraints import ConfigError
from socialsim.studies import runner as runner_module
from socialsim.studies import workers
from socialsim.studies.compare import Comparison, IncompleteComparison, compare, study
from socialsim.studies.experiment import Experiment
from socialsim.studies.runner import run_study
from socialsim.studies.store import ResultsStore

COMMAND = [sys.executable, "-c", "from socialsim.cli import main; main()"]


def experiment_file(folder: Path, replicates: int = 6, days: int = 8, n: int = 200) -> Path:
    path = folder / "experiment.toml"
    path.write_text(
        f'[experiment]\nreplicates = {replicates}\nseed = 4\ndays = {days}\nkpis = ["nps", "fans"]\n'
        f'[base]\ngraph.n = {n}\n[strategies.ignore]\npolicy.name = "ignore"\n'
        '[strategies.answer]\npolicy.name = "respond-all"\n'
    )
    return path


@pytest.fixture(scope="module")
def file(tmp_path_factory) -> Path:
    return experiment_file(tmp_path_factory.mktemp("experiment"))


@pytest.fixture(scope="module")
def reference(file) -> Comparison:
    """The comparison run in one go, in this process."""
    return compare(Experiment.from_toml(file), jobs=1, progress=False)


def stored(out: Path) -> int:
    return len(ResultsStore(out).status()) if (out / "manifest.json").is_file() else 0


def wait_for(process: subprocess.Popen, out: Path, runs: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and stored(out) < runs:
        time.sleep(0.05)
    assert process.poll() is None, "the command ended before it could be stopped"


def stamps(out: Path) -> dict[str, int]:
    """Modification times of the stored runs; a killed writer's hidden temporary is not one."""
    return {
        f.name: f.stat().st_mtime_ns for f in (out / "runs").iterdir() if not f.name.startswith(".")
    }


# ---------------------------------------------------------------------- in this process
def test_ctrl_c_keeps_finished_runs_and_the_same_call_finishes_them(
    tmp_path, monkeypatch, file, reference
):
    write = ResultsStore.write

    def four_then_ctrl_c(store, record, trajectory=None):
        if stored(store.path) == 4:
            raise KeyboardInterrupt  # as if pressed while the fifth run is being stored
        write(store, record, trajectory)

    monkeypatch.setattr(ResultsStore, "write", four_then_ctrl_c)
    experiment = Experiment.from_toml(file)
    with pytest.raises(KeyboardInterrupt):
        compare(experiment, out=tmp_path, jobs=1, progress=False)
    monkeypatch.undo()
    assert stored(tmp_path) == 4
    report = run_study(study(experiment), tmp_path, jobs=1, progress=False)
    assert (report.skipped, report.completed, report.failed) == (4, 8, 0)
    pd.testing.assert_frame_equal(Comparison.load(tmp_path).daily, reference.daily)


def test_failed_runs_are_recorded_kept_failed_and_retried(tmp_path, monkeypatch, file, reference):
    class Flaky(EngagementModel):
        def __init__(self, scenario, **kwargs):
            if scenario.policy.name == "respond-all":
                raise RuntimeError("flaky\nrun")
            super().__init__(scenario, **kwargs)

    monkeypatch.setattr(workers, "EngagementModel", Flaky)
    experiment = Experiment.from_toml(file)
    message = (
        r"^6 of 12 runs of 'experiment' finished and 6 failed; the first: RuntimeError: "
        r"flaky run\. Every run that finished is stored in .+; run the comparison again with "
        r"--retry-failed \(retry_failed=True\) once the cause is fixed\.$"
    )
    with pytest.raises(IncompleteComparison, match=message):
        compare(experiment, out=tmp_path, jobs=1, progress=False)
    runs = load_results(tmp_path)
    assert runs.groupby("strategy")["status"].unique().map(list).to_dict() == {
        "answer": ["failed"],
        "ignore": ["ok"],
    }
    monkeypatch.undo()
    with pytest.raises(IncompleteComparison):  # failed runs stay failed without retry_failed
        compare(experiment, out=tmp_path, jobs=1, progress=False)
    result = compare(experiment, out=tmp_path, jobs=1, retry_failed=True, progress=False)
    pd.testing.assert_frame_equal(result.daily, reference.daily)


def test_replicate_r_of_every_strategy_shares_its_seed_in_the_store(tmp_path, file):
    run_study(study(Experiment.from_toml(file)), tmp_path, jobs=1, progress=False)
    runs = load_results(tmp_path)
    assert len(runs) == 12 and (runs["seed"] == 4).all()
    keys = runs.groupby("replicate")["spawn_key"].agg(lambda keys: {tuple(k) for k in keys})
    assert keys.to_dict() == {r: {(r,)} for r in range(6)}


def test_a_store_refuses_another_comparison_and_a_sweep_refuses_it(tmp_path, file):
    experiment = Experiment.from_toml(file)
    run_study(study(experiment.with_replicates(1)), tmp_path, jobs=1, progress=False)
    result = CliRunner().invoke(main, ["compare", str(file), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: The 'out' parameter must be a new folder, or the store of this same comparison. "
        f"Got '{tmp_path}' instead. It holds a different comparison (experiment.replicates was "
        "1, now 6); use another --out, or the comparison it was started with."
    ]


class AnswerAll(Policy):
    """Answers every item, or none: two of them differ in one parameter alone."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer

    def decide(self, seen):
        return Decision(answer=self.answer)


def test_a_store_refuses_a_comparison_whose_base_follows_another_policy_object(tmp_path):
    def experiment(policy: Policy | None) -> Experiment:
        base = Scenario().replace({"graph.n": 200})
        base = base if policy is None else base.with_policy(policy)
        strategies = {"one": {"team.staff": 1}, "three": {"team.staff": 3}}
        return Experiment(strategies, base=base, days=3, replicates=1, kpis=("nps",))

    first = compare(experiment(AnswerAll(answer=False)), out=tmp_path, jobs=1, progress=False)
    changes = {
        "base_policy.parameters.answer was False, now True": AnswerAll(answer=True),
        "base_policy.class was 'test_compare_resume:AnswerAll', now '(unset)'": None,
    }
    for change, policy in changes.items():
        with pytest.raises(ConfigError, match=re.escape(f"a different comparison ({change}")):
            compare(experiment(policy), out=tmp_path, jobs=1, progress=False)
    # An equal policy, built anew (as a new process would), reads the runs back.
    again = compare(experiment(AnswerAll(answer=False)), out=tmp_path, jobs=1, progress=False)
    pd.testing.assert_frame_equal(again.daily, first.daily)
    # A store started before the base's policy was recorded says why it is refused.
    manifest = tmp_path / "manifest.json"
    stored = json.loads(manifest.read_text())
    del stored["comparison"]["base_policy"]
    manifest.write_text(json.dumps(stored))
    with pytest.raises(ConfigError, match="recorded the base's policy object has none"):
        compare(experiment(AnswerAll(answer=False)), out=tmp_path, jobs=1, progress=False)


# ---------------------------------------------------------------------- the command
@pytest.mark.slow
def test_a_killed_compare_command_resumes_without_recomputing(tmp_path, file, reference):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*COMMAND, "compare", str(file), "--out", str(out), "-j", "1", "--quiet"]
    )
    try:
        wait_for(process, out, 3)
        process.send_signal(signal.SIGKILL)  # no chance to tidy up
    finally:
        process.wait()
    before, kept = stored(out), stamps(out)
    assert 3 <= before < 12
    result = CliRunner().invoke(main, ["compare", str(file), "--out", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert f"12 runs: {before} already stored, {12 - before} finished and 0 failed now" in (
        result.output
    )
    assert {name: stamps(out)[name] for name in kept} == kept  # stored runs were not redone
    assert not [f.name for f in (out / "runs").iterdir() if f.name.startswith(".")]  # tidied
    pd.testing.assert_frame_equal(Comparison.load(out).daily, reference.daily)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "daily.parquet"), reference.daily)


@pytest.mark.slow
def test_ctrl_c_stops_compare_with_130_and_says_what_is_kept(tmp_path, file, reference):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*COMMAND, "compare", str(file), "--out", str(out), "-j", "2", "--quiet"],
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(process, out, 2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    lines = err.strip().splitlines()
    match = re.fullmatch(
        r"interrupted: (\d+) of 12 runs are stored in (.+); run the same command again to "
        r"finish the rest",
        lines[-1],
    )
    assert len(lines) == 1 and match and match.group(2) == str(out), err
    assert int(match.group(1)) == sum(s == "ok" for s in ResultsStore(out).status().values())
    result = CliRunner().invoke(main, ["compare", str(file), "--out", str(out), "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(Comparison.load(out).daily, reference.daily)


@pytest.mark.slow
def test_a_killed_compare_on_a_dask_cluster_resumes_on_another(tmp_path, dask_client):
    file = experiment_file(tmp_path, replicates=10, days=20, n=300)
    experiment = Experiment.from_toml(file)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*COMMAND, "compare", str(file), "--out", str(out), "--scheduler", "local", "-j", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the cluster's workers die with it
    )
    try:
        wait_for(process, out, 3)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    before = stored(out)
    assert 3 <= before < 20
    report = run_study(study(experiment), out, executor=dask_client, progress=False)
    assert (report.skipped, report.completed) == (before, 20 - before)
    reference = compare(experiment, jobs=1, progress=False)
    pd.testing.assert_frame_equal(Comparison.load(out).daily, reference.daily)


@pytest.mark.slow
@pytest.mark.parametrize("robust", [[], ["--robust", "2"]])
def test_the_command_holds_its_store_until_the_report_is_written(tmp_path, monkeypatch, robust):
    """Between its runs and its report (and its robust runs) the command keeps the store: a
    second compare into the same folder then is refused, instead of taking the store (or the
    robust one) first and making this command fail on its own store after all its runs."""
    source = experiment_file(tmp_path, replicates=2, days=3)
    out = tmp_path / "out"
    tries = []
    from_store = Comparison.from_store.__func__

    def read_and_try_the_store(cls, experiment, store):
        try:
            with runner_module.open_store(study(experiment), out):
                tries.append("got in")
        except ConfigError as error:
            tries.append(str(error))
        return from_store(cls, experiment, store)

    monkeypatch.setattr(Comparison, "from_store", classmethod(read_and_try_the_store))
    command = ["compare", str(source), "--out", str(out), "-j", "1", "--quiet", *robust]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert tries and all("no other sweep or comparison is writing" in t for t in tries), tries
    assert (out / "report.html").is_file()


@pytest.mark.parametrize(
    ("options", "error"),
    [({"jobs": 0}, ConfigError), ({"executor": object(), "jobs": 1}, ValueError)],
)
def test_bad_run_options_leave_no_store(tmp_path, file, options, error):
    with pytest.raises(error):
        compare(Experiment.from_toml(file), out=tmp_path / "o", progress=False, **options)
    assert not (tmp_path / "o").exists()


def test_a_comparison_stored_with_a_strategys_unused_seed_still_loads(tmp_path):
    # Stores made before a strategy's run.seed was refused may hold one: it was never used.
    experiment = Experiment(
        {"a": {}, "b": {"team.staff": 3}},
        base=Scenario().replace({"graph.n": 200}),
        days=2,
        replicates=1,
        kpis=("nps",),
    )
    first = compare(experiment, out=tmp_path, jobs=1, progress=False)
    manifest = tmp_path / "manifest.json"
    stored = json.loads(manifest.read_text())
    stored["comparison"]["strategies"]["b"]["run.seed"] = 7
    manifest.write_text(json.dumps(stored))
    pd.testing.assert_frame_equal(Comparison.load(tmp_path).daily, first.daily)
