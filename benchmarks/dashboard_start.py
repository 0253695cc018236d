"""How long `socialsim dashboard` takes to start, and how fast it steps: a measurement.

From the launch of the command to: its address printed, the page served (HTTP 200 with the
app's page), and the first KPI plot drawn in headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium); then the server's CPU time. Timings are reported, never
asserted: on a shared machine the wall times follow the load (printed beside them).

    python benchmarks/dashboard_start.py                  # 5 launches of the plain command
    python benchmarks/dashboard_start.py --runs 3 -- --experiment crisis
    python benchmarks/dashboard_start.py --rate           # days a second at ~5,000 fans

``--rate`` steps both sides of a Workshop of 16,700 people (30% of them fans: ~5,000), in
this process, and times what a redraw reads; the browser test times the same through the page.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")
FLAGS += ("--no-first-run", "--disable-background-networking", "--window-size=1500,2300")
DRAWN = "return document.querySelectorAll('.socialsim-kpi canvas').length"


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far, user and system (Linux's /proc), threads included."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def launch(driver, args: list[str]) -> dict[str, float]:
    """One launch of ``socialsim dashboard ARGS --port 0``, timed until its first KPI plot."""
    started = time.perf_counter()
    command = [sys.executable, "-c", "from socialsim.cli import main; main()", "dashboard"]
    server = subprocess.Popen(
        [*command, *args, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = re.search(r"http://\S+/", server.stdout.readline())[0]
        printed = time.perf_counter() - started
        while True:
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    if response.status == 200 and "solara" in response.read().decode().lower():
                        break
            except OSError:
                time.sleep(0.02)
        served = time.perf_counter() - started
        driver.get(url)
        while driver.execute_script(DRAWN) == 0:
            time.sleep(0.02)
        drawn = time.perf_counter() - started
        cpu = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait()
    return {"printed": printed, "served": served, "drawn": drawn, "server_cpu": cpu}


def start_times(runs: int, args: list[str]) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        rows = []
        for _ in range(runs):
            load = os.getloadavg()[0]
            rows.append(launch(driver, args))
            print(
                "address {printed:.2f} s, page served {served:.2f} s, first KPI plot drawn "
                "{drawn:.2f} s, server CPU {server_cpu:.2f} s".format(**rows[-1])
                + f" (load average {load:.1f} on {os.cpu_count()} cores)"
            )
    finally:
        driver.quit()
    medians = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
    print("median: " + ", ".join(f"{key} {value:.2f} s" for key, value in medians.items()))


def step_rate(days: int = 60) -> None:
    from socialsim import Scenario
    from socialsim.dashboard.state import Workshop

    workshop = Workshop(Scenario().replace({"run.days": 3650}), people=16_700)
    workshop.step(5)  # the first days pay for compiling and caching
    for index in (0, 1):
        workshop.picture(index)
    started = time.perf_counter()
    workshop.step(days)
    stepped = time.perf_counter() - started
    started = time.perf_counter()
    for kpi in workshop.watch:
        workshop.series(kpi)
        workshop.latest(kpi)
    for index in (0, 1):
        workshop.picture(index)
    read = time.perf_counter() - started
    fans = workshop.latest("fans")[0]
    print(
        f"{fans:,.0f} fans on day {workshop.day}: both sides step {days / stepped:.1f} days a "
        f"second; a redraw reads the state in {read * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="launches to time")
    parser.add_argument("--rate", action="store_true", help="time the step rate instead")
    parser.add_argument("args", nargs="*", help="arguments of socialsim dashboard (after --)")
    options = parser.parse_args()
    if options.rate:
        step_rate()
    else:
        start_times(options.runs, options.args)


if __name__ == "__main__":
    main()
