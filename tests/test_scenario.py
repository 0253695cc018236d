"""The configuration: validation, errors worded one way, TOML, dotted overrides."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from click.testing import CliRunner

from socialsim import ConfigError, Scenario
from socialsim.brand.policy import PolicyName
from socialsim.cli import main
from socialsim.constraints import Boolean, Interval, Options, Subset, Text
from socialsim.scenario import PARAMETERS, RETIRED, SECTIONS, parse_value


def test_defaults_are_valid_and_every_parameter_is_declared():
    flat = Scenario().flat()
    assert set(flat) == set(PARAMETERS)
    for key, declaration in PARAMETERS.items():
        assert declaration.metadata["doc"], key
        assert declaration.metadata["source"], key
        # the declared constraint accepts the default it ships with
        declaration.metadata["constraint"].check(key, flat[key])


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("wom.negativity", -1.0, "a float in [0, 10]"),
        ("wom.negativity", "high", "a float in [0, 10]"),
        ("graph.n", 10.5, "an int in [2, 2147483647]"),
        ("graph.n", True, "an int in [2, 2147483647]"),
        ("recruitment.q", 1.5, "a float in [0, 1]"),
        ("recruitment.q", float("nan"), "a float in [0, 1]"),
        ("loyalty.memory_days", 0, "a float > 0"),
        ("recruitment.one_chance", 1, "a bool (true or false)"),
    ],
)
def test_bad_values_name_key_value_and_allowed(key, value, allowed):
    with pytest.raises(ConfigError) as caught:
        Scenario().replace({key: value})
    message = str(caught.value)
    assert message.startswith(f"The '{key}' parameter must be {allowed}. Got ")
    assert repr(value) in message
    assert caught.value.key == key


def test_unknown_key_suggests_the_closest():
    with pytest.raises(ConfigError, match=r"Did you mean 'wom.negativity'\?"):
        Scenario().replace({"wom.negatvity": 2})
    with pytest.raises(ConfigError, match="'nonsense.key' parameter must be a known key") as far:
        Scenario().replace({"nonsense.key": 2})
    assert str(far.value).endswith("Got 2 instead. 'socialsim parameters' lists the known keys.")


def test_unknown_option_suggests_the_closest():
    with pytest.raises(ConfigError, match=r"Did you mean 'threshold'\?"):
        Scenario().replace({"recruitment.rule": "treshold"})


def test_nothing_is_clamped_cross_field_limits_raise():
    with pytest.raises(ConfigError, match="experiences.good_rate"):
        Scenario().replace({"experiences.good_rate": 0.7, "experiences.bad_rate": 0.5})
    with pytest.raises(ConfigError, match="population.loyalty_sd"):
        Scenario().replace({"population.loyalty_mean": 9.5, "population.loyalty_sd": 2.5})
    with pytest.raises(ConfigError, match="churn.base_rate"):
        Scenario().replace({"churn.base_rate": 0.5})
    with pytest.raises(ConfigError, match="graph.m"):
        Scenario().replace({"graph.n": 5, "graph.m": 5})
    with pytest.raises(ConfigError, match="graph.path"):
        Scenario().replace({"graph.kind": "file"})


def test_replace_returns_a_new_validated_scenario_and_scenarios_are_immutable():
    base = Scenario()
    changed = base.replace({"wom.negativity": 2, "graph": {"n": 500}})
    assert changed.wom.negativity == 2.0 and isinstance(changed.wom.negativity, float)
    assert changed.graph.n == 500
    assert base.wom.negativity == 1.5 and base.graph.n == 10_000
    with pytest.raises(dataclasses.FrozenInstanceError):
        changed.wom.negativity = 3.0  # type: ignore[misc]


def test_sections_validate_when_built_directly():
    wom_section = next(s for s in SECTIONS if s.section == "wom")
    with pytest.raises(ConfigError, match="'wom.effect'"):
        wom_section(effect=-0.1)


def test_from_toml_reads_sections_and_resolves_relative_paths(tmp_path):
    (tmp_path / "edges.txt").write_text("0 1\n")
    path = tmp_path / "s.toml"
    path.write_text(
        '[graph]\nkind = "file"\npath = "edges.txt"\n\n[wom]\nnegativity = 2\n[run]\ndays = 30\n'
    )
    scenario = Scenario.from_toml(path)
    assert scenario.wom.negativity == 2.0
    assert scenario.run.days == 30
    assert scenario.graph.path == str(tmp_path / "edges.txt")
    assert scenario.population == Scenario().population


def test_from_toml_errors_name_the_file(tmp_path):
    with pytest.raises(ConfigError, match="missing.toml"):
        Scenario.from_toml(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[wom\nnegativity = 2")
    with pytest.raises(ConfigError, match=re.escape(repr(str(broken)))):
        Scenario.from_toml(broken)
    typo = tmp_path / "typo.toml"
    typo.write_text("[wom]\nnegatvity = 2\n")
    with pytest.raises(ConfigError, match="wom.negatvity"):
        Scenario.from_toml(typo)


_SCENARIO = "[graph]\nn = 500\n"
_EXPERIMENT = '[experiment]\nreplicates = 2\n[strategies.a]\npolicy.name = "ignore"\n'
_SWEEP = '[sweep]\ndesign = "grid"\n[parameters]\n"wom.negativity" = [1.0, 2.0]\n'


@pytest.mark.parametrize(
    ("command", "text", "said"),
    [
        ("run", _EXPERIMENT, "an experiment file: run it with `socialsim compare`."),
        ("run", _SWEEP, "a sweep file: run it with `socialsim sweep`."),
        ("compare", _SCENARIO, "a scenario file: run it with `socialsim run`."),
        ("compare", _SWEEP, "a sweep file: run it with `socialsim sweep`."),
        ("sweep", _EXPERIMENT, "an experiment file: run it with `socialsim compare`."),
        ("sweep", _SCENARIO, "a scenario file: run it with `socialsim run`."),
    ],
)
def test_a_file_of_another_kind_is_named_with_the_command_that_runs_it(
    tmp_path, command, text, said
):
    path = tmp_path / "file.toml"
    path.write_text(text)
    result = CliRunner().invoke(main, [command, str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()  # one line, not the file's whole table
    assert line.endswith(f"It looks like {said}")
    assert "{" not in line


def test_a_value_whose_repr_spans_lines_is_shown_on_one():
    import pandas as pd

    with pytest.raises(ConfigError) as caught:
        Scenario().replace({"graph.n": pd.Series([200, 300])})
    assert "\n" not in str(caught.value)
    assert "Got a Series (0 200 1 300 dtype: int64) instead." in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        Scenario().replace({"graph.n": np.arange(100)})
    assert "Got a ndarray (array([ 0, 1, 2, " in str(caught.value) and "99])) instead" in str(
        caught.value
    )


def test_numpy_strings_are_kept_as_python_ones():
    flat = Scenario().replace({"graph.kind": np.str_("erdos_renyi")}).flat()
    assert type(flat["graph.kind"]) is str


def test_a_str_enum_member_is_kept_as_its_value():
    import enum

    class Kind(str, enum.Enum):  # noqa: UP042 (not StrEnum: its str() is already the value)
        ER = "erdos_renyi"

    flat = Scenario().replace({"graph.kind": Kind.ER, "graph.path": Kind.ER}).flat()
    assert [(flat[k], type(flat[k])) for k in ("graph.kind", "graph.path")] == [
        ("erdos_renyi", str)
    ] * 2


def test_round_trip_through_nested_tables():
    scenario = Scenario().replace({"wom.negativity": 2.5, "recruitment.rule": "bass"})
    assert Scenario.from_dict(scenario.to_dict()) == scenario


def test_parse_value_reads_numbers_booleans_and_strings():
    assert parse_value("3") == 3
    assert parse_value("0.25") == 0.25
    assert parse_value("false") is False
    assert parse_value('"quoted"') == "quoted"
    assert parse_value("negatives-first") == "negatives-first"


# ---------------------------------------------------------------------- every parameter
def invalid_values(constraint) -> list:
    """Values the declaration refuses: out of range on each side, of the wrong type, unknown."""
    if isinstance(constraint, Interval):
        values = ["text", True, float("nan"), float("inf")]
        if constraint.integer:
            values.append(1.5)
        if constraint.low is not None:
            values.append(
                constraint.low - 1 if constraint.closed in ("both", "left") else constraint.low
            )
        if constraint.high is not None:
            values.append(
                constraint.high + 1 if constraint.closed in ("both", "right") else constraint.high
            )
        return values
    if isinstance(constraint, Options | PolicyName):
        return ["no-such-option", 3]
    if isinstance(constraint, Boolean):
        return [1, "yes"]
    if isinstance(constraint, Text):
        return [5, ["a"]]
    if isinstance(constraint, Subset):
        return [constraint.values[0], ["no-such-option"], 5]
    raise AssertionError(f"no invalid values for {constraint!r}")


def as_toml(value) -> str:
    """A value as --set reads it (TOML)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(as_toml(v) for v in value) + "]"
    return repr(value)


CASES = [
    (key, value)
    for key, declaration in PARAMETERS.items()
    for value in invalid_values(declaration.metadata["constraint"])
]


@pytest.mark.parametrize(("key", "value"), CASES, ids=[f"{k}={v!r}" for k, v in CASES])
def test_every_parameter_refuses_every_kind_of_bad_value_in_one_line(key, value):
    with pytest.raises(ConfigError) as caught:
        Scenario().replace({key: value})
    message = str(caught.value)
    assert message.startswith(f"The '{key}' parameter must be ") and "\n" not in message
    result = CliRunner().invoke(main, ["run", "--set", f"{key}={as_toml(value)}", "--quiet"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and f"The '{key}' parameter must be" in result.output


@pytest.mark.parametrize("key", sorted(RETIRED))
def test_a_retired_key_says_what_replaced_it(key):
    with pytest.raises(ConfigError) as raised:
        Scenario().replace({key: 1})
    message = str(raised.value)
    assert message.startswith(f"The '{key}' parameter must be a known key.")
    assert RETIRED[key] in message and "Did you mean" not in message
    named = re.findall(r"'([a-z_]+\.[a-z_]+)'", RETIRED[key])
    assert named and all(name in PARAMETERS for name in named)  # the hints name real keys


@pytest.mark.parametrize("sensitivity", [0.25, 0.5, 0.9, 3.3])
@pytest.mark.parametrize("reference", [6.0, 7.0, 7.3, 9.9])
def test_the_largest_base_rate_accepted_keeps_churn_at_loyalty_0_a_probability(
    sensitivity, reference
):
    # The bound exp(-s·L) alone can round so that the model's base_rate * exp(s·L) is a hair
    # above 1 (at s 0.25, L 7 among others): churn's highest hazard is then nan and its draw
    # asks for a number for everyone.
    from socialsim.fans.churn import churn_probability
    from socialsim.scenario import ChurnParams

    together = {"sensitivity": sensitivity, "reference_loyalty": reference}
    largest = ChurnParams(base_rate=0.0, **together)._largest_base_rate()
    accepted = ChurnParams(base_rate=largest, **together)
    assert churn_probability(np.zeros(1), accepted)[0] <= 1.0
    with pytest.raises(ConfigError, match="churn.base_rate"):
        ChurnParams(base_rate=float(np.nextafter(largest, 1.0)), **together)
