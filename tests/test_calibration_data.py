"""Observed data for calibration: reading, one-line errors, the series mapping, scaling and distance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from socialsim import ConfigError, EngagementModel, Scenario
from socialsim.cli import main
from socialsim.studies.calibration import calibrate
from socialsim.studies.observed import read_observed, synthetic
from socialsim.studies.priors import prior_for
from socialsim.studies.series import SERIES, nps_standard_error, series_values

TINY = Scenario().replace({"graph.n": 150, "run.days": 12})


def write(tmp_path, text: str, name: str = "data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_long_and_wide_forms_read_the_same_observations(tmp_path):
    long = write(tmp_path, "day,kpi,value,n\n0,nps,20,400\n5,nps,18,400\n5,complaints,30,\n")
    wide = write(tmp_path, "day,nps,nps_n,complaints\n0,20,400,\n5,18,400,30\n", "wide.csv")
    a, b = read_observed(long, followers=1000), read_observed(wide, followers=1000)
    pd.testing.assert_frame_equal(a.data, b.data)
    assert a.series == ("complaints", "nps") and a.last_day == 5
    # a survey's n gives its sampling error; a count without se waits for its pilot scale
    assert a.data.set_index("series")["measured"].to_dict() == {"complaints": False, "nps": True}


def test_dates_count_from_the_day_before_the_first_unless_a_start_is_given(tmp_path):
    path = write(tmp_path, "date,kpi,value\n2026-03-01,complaints,4\n2026-03-11,complaints,2\n")
    assert read_observed(path, followers=10).data["day"].tolist() == [1, 11]
    shifted = read_observed(path, followers=10, start="2026-02-20")
    assert shifted.data["day"].tolist() == [9, 19]


def test_followers_come_from_the_first_observed_follower_count(tmp_path):
    path = write(tmp_path, "day,followers,complaints\n1,20000,3\n2,20100,5\n")
    observed = read_observed(path)
    assert (observed.followers, observed.followers_day) == (20000.0, 1)


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        (
            "day,kpi,value\n1,complains,3\n",
            {"followers": 10},
            "The 'data.csv.complains' parameter must be a KPI or an observable series "
            "(docs/calibration.md). Got 'complains' instead. Did you mean 'complaints'?",
        ),
        ("day,nps\n1,12\n2,n/a\n", {}, "The 'data.csv.nps' parameter must be a number. Got 'n/a'"),
        (
            "day,kpi,value\n3,nps,10\n3,nps,12\n",
            {},
            "The 'data.csv.day' parameter must be unique within a series ('nps' is given 2 times)",
        ),
        ("day,nps\n-1,10\n", {}, "The 'data.csv.day' parameter must be an int >= 0. Got '-1'"),
        ("day,nps\n1.5,10\n", {}, "The 'data.csv.day' parameter must be an int >= 0"),
        ("when,nps\n1,10\n", {}, "must be a table with a 'day' or a 'date' column"),
        ("date,nps\nsoon,10\n", {}, "The 'data.csv.date' parameter must be a date. Got 'soon'"),
        ("day,complaints\n0,3\n", {"followers": 10}, "an int >= 1 for the daily series"),
        ("day,kpi,value,se\n1,nps,3,0\n", {}, "The 'data.csv.se' parameter must be a number > 0"),
        ("day,kpi,value,n\n1,nps,3,2.5\n", {}, "The 'data.csv.n' parameter must be an int >= 1"),
        ("day,kpi,value,n\n1,complaints,3,40\n", {"followers": 9}, "given only for a survey"),
        ("day,kpi,value,weight\n1,nps,3,1\n", {}, "in long form"),
        ("day,complaints\n1,3\n", {}, "The 'followers' parameter must be the brand's follower"),
        ("day,nps\n1,3\n", {"followers": -5}, "The 'followers' parameter must be a number > 0"),
        ("day,nps\n1,150\n", {}, "The 'data.csv.nps' parameter must be a float in [-100, 100]"),
        (
            "day,promoter_share,promoter_share_n\n1,1.5,100\n",
            {},
            "The 'data.csv.promoter_share' parameter must be a float in [0, 1]. Got 1.5 instead.",
        ),
        (
            "day,promoter_share,promoter_share_n\n1,45,100\n",
            {},
            "Got 45.0 instead. A share is a fraction: 45% is 0.45.",
        ),
        (
            "day,kpi,value\n1,complaints,3\n2,complaints,-2\n",
            {"followers": 10},
            "The 'data.csv.complaints' parameter must be a float >= 0. Got -2.0 instead.",
        ),
        ("day,mean_loyalty\n1,11\n", {}, "must be a float in [0, 10]. Got 11.0 instead."),
        ("day,engagement_rate\n1,-1\n", {}, "must be a float in [0, 100]. Got -1.0 instead."),
        (
            "day,nps\n1,\n2,\n",
            {},
            "The 'data.csv.nps' parameter must be a number on at least one day. Got nan instead.",
        ),
        ("day,nps\n", {}, "The 'data.csv.nps' parameter must be a number on at least one day."),
        ("day,kpi,value\n1,nps,\n", {}, "The 'data.csv.value' parameter must be a number on"),
        (
            "day,nps,nps_se\n1,10,\n2,12,\n3,,4\n",
            {},
            "The 'data.csv.nps_se' parameter must be a number > 0 on an observed day. Got nan",
        ),
        ("day,kpi,value,se\n1,nps,10,\n", {}, "The 'data.csv.se' parameter must be a number > 0"),
    ],
)
def test_bad_data_gets_one_line_errors(tmp_path, text, kwargs, message):
    with pytest.raises(ConfigError) as error:
        read_observed(write(tmp_path, text), **kwargs)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (
            pd.DataFrame({"day": [0, 10], "nps": [20.0, 11.0], "nps_se": np.nan}),
            "The 'data.nps_se' parameter must be a number > 0 on an observed day. Got nan instead.",
        ),
        (
            pd.DataFrame({"day": [0, 10], "nps": np.nan}),
            "The 'data.nps' parameter must be a number on at least one day. Got nan instead.",
        ),
        (
            pd.DataFrame({"day": [], "nps": []}),
            "The 'data.nps' parameter must be a number on at least one day. Got [] instead.",
        ),
    ],
)
def test_a_frame_column_without_a_number_is_an_error(frame, message):
    with pytest.raises(ConfigError) as error:
        read_observed(frame)
    assert str(error.value) == message


@pytest.mark.parametrize("seed", [-1, 1.5, 2**63, True])
def test_calibrate_refuses_a_seed_outside_the_range_of_run_seed(seed):
    data = pd.DataFrame({"day": [0, 10], "nps": [20.0, 11.0], "nps_se": 3.0})
    with pytest.raises(ConfigError, match=r"^The 'seed' parameter must be an int in \[0, 92"):
        calibrate(
            data,
            ["experiences.bad_rate"],
            method="optimize",
            scenario=TINY,
            seed=seed,
            trials=1,
            repeats=1,
            pilot=2,
            draws=1,
            progress=False,
        )


def test_unreadable_files_get_one_line_errors(tmp_path):
    with pytest.raises(ConfigError, match="must be an existing .csv or .parquet file"):
        read_observed(tmp_path / "missing.csv")
    with pytest.raises(ConfigError, match="must be a .csv or .parquet file"):
        read_observed(write(tmp_path, "x", "data.xlsx"))


def test_a_horizon_longer_than_the_run_is_an_error(tmp_path):
    observed = read_observed(write(tmp_path, "day,nps\n1,10\n90,12\n"))
    with pytest.raises(ConfigError, match=r"The 'run.days' parameter must be an int >= 90"):
        observed.check_horizon(60)
    observed.check_horizon(90)


def test_nps_standard_error_matches_the_spread_of_simulated_surveys():
    rng = np.random.default_rng(5)
    shares = np.array([0.42, 0.40, 0.18])  # promoters, passives, detractors
    draws = rng.multinomial(400, shares, size=20_000)
    nps = 100 * (draws[:, 0] - draws[:, 2]) / 400
    predicted = nps_standard_error(100 * (0.42 - 0.18), 400, passives=0.40)
    assert np.std(nps) == pytest.approx(predicted, rel=0.03)
    # without the passives' share, the largest error the NPS allows: never too small
    assert nps_standard_error(24, 400) > predicted


def test_counts_are_scaled_to_the_brand_and_scores_are_not(tmp_path):
    model = EngagementModel(TINY, rng=3)
    model.run()
    kpis = model.kpis()
    path = write(tmp_path, "day,followers,complaints,nps,mentions\n1,1000,1,10,2\n")
    daily = read_observed(path).trajectories(kpis)
    scale = 1000 / kpis["fans"].iloc[1]
    np.testing.assert_allclose(daily["complaints"], kpis["complaints"] * scale)
    np.testing.assert_allclose(daily["fans"], kpis["fans"] * scale)
    np.testing.assert_allclose(daily["nps"], kpis["nps"])
    mentions = kpis["complaints"] + kpis["praise"] + kpis["needs"]
    np.testing.assert_allclose(daily["mentions"], mentions * scale)


@pytest.mark.parametrize("name", ["fans", "nps", "mentions", "replies", "promoter_share"])
def test_series_values_sum_as_pandas_sums_the_selected_columns(name):
    # series_values gathers a series' KPIs column by column instead of selecting them as a
    # frame; the sum must stay pandas' to the bit (signed zeros, fractions, NaN, ints, floats)
    rng = np.random.default_rng(7)
    columns = {k: rng.normal(size=50) * 1e3 for k in SERIES[name].kpis}
    columns |= {k: rng.integers(0, 1000, 50) for k in ("fans", "complaints")}
    first = next(iter(columns))
    columns[first] = np.where(rng.random(50) < 0.3, -0.0, columns[first])
    columns[first][:3] = np.nan
    kpis = pd.DataFrame(columns)
    spec = SERIES[name]
    reference = kpis[list(spec.kpis)].to_numpy(dtype=np.float64).sum(axis=1)
    if spec.per is not None:
        total = kpis[spec.per].to_numpy(dtype=np.float64)
        reference = np.divide(reference, total, out=np.zeros_like(reference), where=total > 0)
    reference = reference * 3.7 if spec.scaled else reference
    got = series_values(name, kpis, 3.7)
    assert got.tobytes() == reference.tobytes()


def test_simulated_values_are_the_trajectories_on_the_observed_days(tmp_path):
    model = EngagementModel(TINY, rng=3)
    model.run()
    kpis = model.kpis()
    path = write(tmp_path, "day,followers,complaints,nps\n1,1000,1,10\n4,1010,0,\n9,,2,12\n")
    observed = read_observed(path)
    daily = observed.trajectories(kpis)
    simulated = observed.simulated(kpis)
    assert list(simulated) == ["complaints", "fans", "nps"]
    for name, values in simulated.items():
        days = observed.data.loc[observed.data["series"] == name, "day"].to_numpy()
        assert values.tobytes() == daily[name].to_numpy()[days].tobytes()


def test_distance_is_the_sum_of_squared_standardised_residuals(tmp_path):
    path = write(
        tmp_path, "day,kpi,value,se\n1,nps,10,2\n2,nps,14,\n2,complaints,5,\n3,complaints,1,\n"
    )
    observed = read_observed(path, followers=50)
    simulated = {"nps": np.array([12.0, 10.0]), "complaints": np.array([3.0, 2.0])}
    with pytest.raises(ValueError, match="no scale yet"):
        observed.distance(simulated)
    scaled = observed.with_scales({"nps": 4.0, "complaints": 1.0})
    # nps: (10-12)/2 and (14-10)/4; complaints as running totals: (5-3)/1 and (6-5)/1
    assert scaled.distance(simulated) == 1 + 1 + 4 + 1


def test_a_running_total_adds_up_the_daily_standard_errors(tmp_path):
    path = write(tmp_path, "day,kpi,value,se\n1,complaints,5,3\n2,complaints,1,4\n")
    observed = read_observed(path, followers=50)
    assert observed.data["sigma"].tolist() == [3.0, 5.0]
    assert observed.distance({"complaints": np.array([5.0, 6.0])}) == pytest.approx(1.0)


def test_pilot_scale_is_the_spread_across_runs_and_falls_back_when_nothing_moves(tmp_path):
    observed = read_observed(write(tmp_path, "day,nps\n1,10\n2,20\n"))
    runs = [{"nps": np.array([x, x + 1.0])} for x in (0.0, 10.0, 20.0)]
    scales = observed.pilot_scales([*runs, {}])  # {} is a rejected run
    assert scales["nps"] == pytest.approx(1.4826 * 10)
    still = observed.pilot_scales([{"nps": np.array([5.0, 5.0])}] * 3)
    assert still["nps"] == pytest.approx(np.std([10, 20], ddof=1))


def test_synthetic_data_reads_back_with_its_truth(tmp_path):
    data = synthetic(TINY, seed=4, followers=8000, survey_days=[6, 12], start="2026-01-01")
    path = tmp_path / "synthetic.csv"
    data.to_csv(path, index=False)
    observed = read_observed(path)
    assert observed.series == ("complaints", "fans", "nps") and observed.last_day == 12
    assert observed.followers == pytest.approx(8000, rel=0.1)
    again = synthetic(TINY, seed=4, followers=8000, survey_days=[6, 12], start="2026-01-01")
    pd.testing.assert_frame_equal(data, again)


@pytest.mark.parametrize(
    ("key", "bounds", "message"),
    [
        ("wom.negatvity", None, "Did you mean 'wom.negativity'?"),
        ("graph.n", None, "must be a real-valued parameter to fit"),
        ("team.max_wait_hours", None, "must be given bounds"),
        ("wom.negativity", (2, 1), "must be bounds LOW:HIGH with LOW < HIGH"),
        ("wom.negativity", (1, 12), "must be bounds inside its range (a float in [0, 10])"),
        ("wom.negativity", (1, 2, 3), "must be bounds (LOW, HIGH), a pair of numbers. Got (1, 2"),
        ("wom.negativity", ("1", "2"), "must be bounds (LOW, HIGH), a pair of numbers"),
        ("wom.negativity", 2, "must be bounds (LOW, HIGH), a pair of numbers. Got 2 instead."),
    ],
)
def test_priors_reject_what_cannot_be_fitted(key, bounds, message):
    with pytest.raises(ConfigError) as error:
        prior_for(key, bounds)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--params", "wom.negatvity"], "Did you mean 'wom.negativity'?"),
        (["--params", "wom.effect", "--bounds", "wom.effect=1"], "must be KEY=LOW:HIGH"),
        (["--params", "wom.effect", "--set", "run.days=3"], "must be an int >= 5"),
        (["--params", "wom.effect", "--jobs", "0"], "The 'jobs' parameter must be an int >= 1"),
        (["--params", "wom.effect", "--bounds", "wom.negativity=1:2"], "The 'bounds' parameter"),
    ],
)
def test_cli_errors_are_one_line_with_exit_code_2(tmp_path, args, message):
    data = write(tmp_path, "day,nps\n1,10\n5,12\n")
    result = CliRunner().invoke(main, ["calibrate", str(data), *args, "--quiet"])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
