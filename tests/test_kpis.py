"""KPI declarations, run summaries, rates, value and cost."""

from __future__ import annotations

import math

import llvmlite.binding
import numba
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from socialsim import EngagementModel, Scenario
from socialsim.cli import main
from socialsim.constraints import ConfigError
from socialsim.kpis import (
    DECLARED,
    KPIS,
    NEUTRAL,
    Kind,
    Kpi,
    Summary,
    better,
    per_run,
    state_kpis,
)
from socialsim.kpis.state import _tally
from socialsim.population import DETRACTOR, FAN, PROMOTER, PROSPECT, Population, Status
from socialsim.scenario import PopulationParams
from socialsim.value import CostParams, ValueParams, cost_per_nps_point, fan_value, value_and_cost


@pytest.fixture(scope="module")
def daily() -> pd.DataFrame:
    """A small run's daily KPIs, as the model records them."""
    model = EngagementModel(Scenario().replace({"graph.n": 400, "run.days": 20}), rng=3)
    model.run()
    return model.kpis()


def test_the_model_records_every_declared_daily_kpi_and_only_declared_ones(daily):
    recorded = [n for n, k in DECLARED.items() if not k.derived]
    assert list(KPIS) == recorded
    assert [c for c in daily.columns if c in recorded] == recorded
    others = set(daily.columns) - {"day", *recorded}  # derived ones, if the model adds them
    assert all(n in DECLARED and DECLARED[n].derived and not DECLARED[n].run_only for n in others)


def test_every_declared_kpi_is_computed_from_a_run_once_value_and_cost_are_added(daily):
    full = value_and_cost(daily, value=ValueParams(), cost=CostParams())
    daily_kpis = {n for n, k in DECLARED.items() if not k.run_only}
    assert daily_kpis <= set(full.columns)
    runs = per_run(full)
    assert set(runs.index) == set(DECLARED)


def test_value_and_cost_prices_and_derives_as_pandas_column_by_column_would(daily):
    # value_and_cost and derive work on arrays and add their columns at once; the frame must
    # be what copying the frame and setting each column with pandas gives, to the bit
    value, cost = ValueParams(), CostParams(content_per_broadcast=3.5, advocates_per_day=2.0)
    expected = daily.copy()
    running = (expected["day"] > 0).to_numpy(dtype=np.float64)
    expected["fan_value"] = running * fan_value(expected, value)
    expected["listening_cost"] = running * cost.listening_tool_per_day
    expected["content_cost"] = running * cost.content_per_broadcast * expected["broadcasts"]
    expected["advocates_cost"] = running * cost.advocates_per_day
    for kpi in DECLARED.values():
        if kpi.terms is not None and kpi.name not in expected.columns:
            expected[kpi.name] = sum(w * expected[n] for n, w in kpi.terms.items())
            if kpi.at_start is not None:
                start = expected["day"] == 0
                rows = expected.loc[start]
                expected.loc[start, kpi.name] = sum(w * rows[n] for n, w in kpi.at_start.items())
    got = value_and_cost(daily, value=value, cost=cost)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    again = value_and_cost(got, value=value, cost=cost)  # priced again, not twice
    assert sorted(again.columns) == sorted(got.columns)


@pytest.mark.parametrize("summary", [s for s in Summary if s is not Summary.RATIO])
def test_a_run_is_summed_up_as_pandas_reduces_its_columns(summary):
    # per_run reduces numpy arrays, not Series: the same numbers as pandas' reductions, to the
    # bit, for every column a run records (ints, floats with NaN days, -0.0, all NaN)
    from socialsim.kpis.summary import _summed_up

    rng = np.random.default_rng(11)
    floats = rng.normal(size=181) * 10.0 ** rng.integers(-3, 6, 181)
    floats[rng.random(181) < 0.2] = np.nan
    floats[rng.random(181) < 0.1] = -0.0
    columns = {
        "ints": rng.integers(-5, 10**6, 181),
        "floats": floats,
        "all_nan": np.full(181, np.nan),
        "objects": pd.Series(floats, dtype=object),
    }
    frame = pd.DataFrame(columns)
    for name in columns:
        kpi = Kpi(name, name, "A column.", "posts", Kind.FLOW, recorded_by="brand", summary=summary)
        column = frame[name]
        reference = {
            Summary.LAST: lambda c: c.iloc[-1],
            Summary.MEAN: lambda c: c.iloc[1:].mean(),
            Summary.MAX: lambda c: c.max(),
            Summary.TOTAL: lambda c: c.sum(),
        }[summary](column)
        got = _summed_up(frame, kpi, {})
        assert np.float64(got).tobytes() == np.float64(float(reference)).tobytes(), name


def test_a_rate_over_a_run_is_the_ratio_of_totals_not_the_mean_of_daily_ratios():
    # Day 1: 1 of 10 fans churns; day 2: 10 join and 9 churn. Daily ratios of churned to fans
    # exposed that day would average (10% + 90%) / 2 = 50%; the run's rate is 10 of 30.
    frame = pd.DataFrame(
        {
            "day": [0, 1, 2],
            "fans": [10, 19, 20],
            "churned_today": [0, 1, 9],
            "new_fans_referred": [0, 10, 10],
            "new_fans_external": [0, 0, 0],
            "new_fans_answered": [0, 0, 0],
        }
    )
    assert per_run(frame, ["churn_rate"])["churn_rate"] == pytest.approx(100 * 10 / 30)


def test_response_time_over_a_run_weighs_each_reply_the_same():
    # 1 reply after 10 hours on day 1, 9 replies after 1 hour each on day 2: 19 / 10 hours per
    # reply, where the mean of the daily means is 5.5.
    frame = pd.DataFrame(
        {
            "day": [0, 1, 2],
            "response_hours": [0.0, 10.0, 9.0],
            "responses_complaint": [0, 1, 9],
            "responses_praise": [0, 0, 0],
            "responses_need": [0, 0, 0],
            "botched": [0, 0, 0],
        }
    )
    assert per_run(frame, ["response_time_mean"])["response_time_mean"] == pytest.approx(1.9)


def test_more_churned_fans_can_be_a_lower_churn_rate():
    # The stay-out-or-answer case: answering brings more fans, so more of them churn in number
    # while a smaller share does.
    def run(churned: int, joined: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "day": [0, 1],
                "fans": [1000, 1000 + joined - churned],
                "churned": [0, churned],
                "churned_today": [0, churned],
                "new_fans_referred": [0, joined],
                "new_fans_external": [0, 0],
                "new_fans_answered": [0, 0],
            }
        )

    answer, stay_out = per_run(run(55, 300)), per_run(run(50, 100))
    assert answer["churned"] > stay_out["churned"]
    assert answer["churn_rate"] < stay_out["churn_rate"]
    assert better("churn_rate") == -1  # so the lower rate ranks better


def test_a_run_without_complaints_has_no_share_of_them():
    frame = pd.DataFrame(
        {"day": [0, 1], "complaints": [0, 0], "reshares": [0, 0], "missed_complaints": [0, 0]}
    )
    assert math.isnan(per_run(frame, ["complaints_dropped_share"])["complaints_dropped_share"])


def test_fans_exposed_over_a_run_are_the_last_fans_plus_those_lost(daily):
    runs = per_run(daily, ["fans_exposed", "fans", "churned_today", "churn_rate"])
    assert runs["fans_exposed"] == runs["fans"] + runs["churned_today"]
    assert runs["churn_rate"] == pytest.approx(100 * runs["churned_today"] / runs["fans_exposed"])


def test_neutral_kpis_have_no_direction_and_rates_costs_and_values_have_one():
    assert better("needs") == NEUTRAL
    assert DECLARED["needs"].direction == NEUTRAL
    for kpi in DECLARED.values():
        if kpi.kind in (Kind.RATE, Kind.COST, Kind.VALUE):
            assert kpi.direction != NEUTRAL, kpi.name


def test_a_kpi_whose_inputs_are_missing_names_them_and_where_they_come_from():
    frame = pd.DataFrame({"day": [0, 1], "complaints": [0, 3]})
    with pytest.raises(ValueError, match="complaints_unheard.*recorded by the model"):
        per_run(frame, ["complaints_unheard_share"])
    with pytest.raises(ConfigError, match="'kpi' parameter.*Did you mean 'churn_rate'"):
        per_run(frame, ["chrun_rate"])


def test_a_declaration_with_a_ratio_must_be_summed_up_as_one():
    with pytest.raises(ValueError, match="numerator and a denominator"):
        Kpi("x", "X", "A rate without terms.", "%", Kind.RATE)
    with pytest.raises(ValueError, match="exactly one origin"):
        Kpi("x", "X", "Both.", "posts", Kind.FLOW, recorded_by="brand", terms={"praise": 1})
    assert DECLARED["response_time_mean"].summary is Summary.RATIO


def test_value_of_a_hand_built_population():
    pop = Population.initialize(PopulationParams(), 7, seed=np.random.default_rng(0))
    pop.status[:] = [Status.FAN] * 5 + [Status.PROSPECT, Status.CHURNED]
    pop.loyalty[:] = [9.5, 9.0, 8.0, 6.0, 2.0, 10.0, 10.0]  # 2 promoters, 1 passive, 2 detractors
    params = ValueParams(promoter_per_day=2.0, passive_share=0.5, detractor_share=-0.25)
    assert fan_value(state_kpis(pop), params) == pytest.approx(2.0 * (2 + 0.5 - 0.5))


def test_net_value_is_value_minus_every_cost(daily):
    cost = CostParams(listening_tool_per_day=10.0, content_per_broadcast=5.0, advocates_per_day=1)
    full = value_and_cost(daily, value=ValueParams(), cost=cost)
    runs = per_run(full)
    days = int(daily["day"].iloc[-1])
    expected_cost = (
        daily["staff_cost"].sum() + days * (10.0 + 1.0) + 5.0 * daily["broadcasts"].sum()
    )
    assert runs["total_cost"] == pytest.approx(expected_cost)
    value = ValueParams().promoter_per_day * (
        daily["promoters"] + 0.7 * daily["passives"] + 0.3 * daily["detractors"]
    )
    assert runs["fan_value"] == pytest.approx(value.iloc[1:].sum())
    assert runs["net_value"] == pytest.approx(runs["fan_value"] - expected_cost)


def test_value_parameters_are_checked():
    with pytest.raises(ConfigError, match="'value.detractor_share' parameter must be a float <="):
        ValueParams(passive_share=0.5, detractor_share=0.6)
    with pytest.raises(ConfigError, match="'cost.listening_tool_per_day'"):
        CostParams(listening_tool_per_day=-1.0)


def test_cost_per_nps_point_is_undefined_when_nps_does_not_differ():
    assert cost_per_nps_point([200, 400], [31, 33], [100, 100], [30, 30]) == pytest.approx(100)
    assert math.isnan(cost_per_nps_point([200, 400], [31, 29], [100, 100], [30, 30]))


def test_the_kpis_command_lists_every_declared_kpi():
    result = CliRunner().invoke(main, ["kpis"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.splitlines()[1:]]
    assert listed == list(DECLARED)


@numba.njit(fastmath={"reassoc"})
def _tally_before(status, loyalty):  # pragma: no cover - compiled
    """The state tally as every golden run so far computed it (the detractors counted
    directly): the reference the tally must keep to the last bit."""
    fans = prospects = promoters = detractors = 0
    total = 0.0
    for i in range(status.size):
        fan = status[i] == FAN
        fans += fan
        prospects += status[i] == PROSPECT
        promoters += fan & (loyalty[i] >= PROMOTER)
        detractors += fan & (loyalty[i] < DETRACTOR)
        total += loyalty[i] * fan
    return fans, prospects, promoters, detractors, total


def _total_written_out(status: np.ndarray, loyalty: np.ndarray) -> float:
    """The fans' total loyalty in the tally's order: eight running sums, then the rest."""
    counted = loyalty * (status == FAN)
    lanes = counted.size - counted.size % 8 if counted.size >= 8 else 0
    total = 0.0
    if lanes:
        s = np.cumsum(counted[:lanes].reshape(-1, 8), axis=0)[-1]  # each lane in order
        total = ((s[4] + s[0]) + (s[6] + s[2])) + ((s[5] + s[1]) + (s[7] + s[3]))
    for value in counted[lanes:]:
        total += value
    return float(total)


# The order of the tally's sum is the compiler's: eight running sums where vectors hold four
# float64 (AVX2); a machine with AVX-512 sums in wider vectors, so only the last bits agree.
_EIGHT_LANES = not llvmlite.binding.get_host_cpu_features().get("avx512f", False)


def test_the_state_tally_counts_as_numpy_and_sums_loyalty_in_its_recorded_order():
    rng = np.random.default_rng(21)
    for n in [*range(40), 99, 1000, 10_007]:
        status = rng.integers(0, 3, n).astype(np.int8)
        # half-point loyalties land on the promoter and detractor thresholds themselves
        loyalty = rng.integers(0, 21, n) / 2.0 if n % 2 else rng.random(n) * 10
        got = _tally(status, loyalty)
        fan = status == FAN
        assert got[:4] == (
            np.count_nonzero(fan),
            np.count_nonzero(status == PROSPECT),
            np.count_nonzero(fan & (loyalty >= PROMOTER)),
            np.count_nonzero(fan & (loyalty < DETRACTOR)),
        )
        written_out = _total_written_out(status, loyalty)
        if _EIGHT_LANES:
            assert got[4] == written_out
        else:  # a rounding of each of the n additions apart at most
            assert abs(got[4] - written_out) <= n * np.finfo(float).eps * written_out
        assert got == _tally_before(status, loyalty)
        assert got == _tally(status.copy(), loyalty.copy())  # the same numbers every call
