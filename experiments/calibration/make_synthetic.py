"""Make ``observed.csv``: what a brand would see if the model, with known values, were its world.

Run from the repository root::

    python experiments/calibration/make_synthetic.py

It runs ``scenario.toml`` with the values in :data:`TRUTH` (seed 2026) and reports what a brand
with 25,000 followers would observe over 90 days from 1 March 2026: its follower count and its
public complaints every day, and an NPS survey of 400 fans at the end of each month. Fitting the
file back (README.md) should find :data:`TRUTH` inside the 90% credible intervals.
"""

from pathlib import Path

from socialsim import Scenario
from socialsim.studies.observed import synthetic

HERE = Path(__file__).parent
TRUTH = {
    "experiences.bad_rate": 0.008,  # the default is 0.005
    "experiences.complaint_rate": 0.4,  # the default is 0.3
    "population.loyalty_mean": 7.8,  # the default is 8.3
}


def main() -> None:
    truth = Scenario.from_toml(HERE / "scenario.toml").replace(TRUTH)
    data = synthetic(
        truth,
        seed=2026,
        followers=25_000,
        daily=("followers", "complaints"),
        survey_days=(30, 60, 90),
        survey_n=400,
        start="2026-03-01",
    )
    data.to_csv(HERE / "observed.csv", index=False, float_format="%.6g")
    print(f"wrote {HERE / 'observed.csv'}: {len(data)} observations")


if __name__ == "__main__":
    main()
