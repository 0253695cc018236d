"""The dashboard in a real browser: headless Chromium (Debian's) driven by Selenium.

The app is started as a user starts it (``socialsim dashboard SCENARIO --port 0``) on
127.0.0.1; the test loads the page, changes a lever, steps, and checks that the KPI plot and
the table follow, that the network picture is drawn, that a canned experiment loads, and that
every request the page made went to the app itself. A screenshot is saved under the test's
temporary folder (and to ``$SOCIALSIM_SCREENSHOT`` when set).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Flags that keep Chromium off the network on its own account (updates, sync, first-run
# pings): without them a closed network refuses its connections at every start.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1500,2300",
)


def _missing() -> str:
    if find_spec("solara") is None:
        return "the dashboard extra is not installed (pip install -e '.[dashboard]')"
    if find_spec("selenium") is None:
        return "selenium is not installed (pip install selenium)"
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        return (
            f"no browser: {CHROMIUM} and {CHROMEDRIVER} come from Debian's chromium and "
            "chromium-driver packages (apt-get install -y chromium chromium-driver)"
        )
    return ""


if _missing():
    pytest.skip(_missing(), allow_module_level=True)

from PIL import Image  # noqa: E402  (matplotlib's dependency; only needed past the skip)
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ASSETS = Path(sys.prefix, "share", "solara", "cdn")  # where solara-assets puts its files
COMMAND = "from socialsim.cli import main; main()"  # `socialsim`, with this interpreter


@contextlib.contextmanager
def serving(folder: Path, *args: str):
    """``socialsim dashboard ARGS --port 0`` in ``folder``: its URL, start time and folder."""
    cached = set(ASSETS.rglob("*"))
    started = time.perf_counter()
    log = folder / "server.log"
    process = subprocess.Popen(
        [sys.executable, "-c", COMMAND, "dashboard", *args, "--port", "0"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    try:
        line = process.stdout.readline()  # the address, printed once the port is bound
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, f"no address in {line!r}: {log.read_text()}"
        yield {"url": match[0], "started": started, "folder": folder}
    finally:
        process.terminate()
        process.wait(timeout=30)
    # Nothing was fetched from outside: the server would have logged a failure, or added a
    # file to the assets it serves (Solara caches what it fetches beside them).
    assert "Could not load URL" not in log.read_text()
    assert set(ASSETS.rglob("*")) == cached


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The dashboard on a small scenario file, started from the command line."""
    folder = tmp_path_factory.mktemp("dashboard")
    # Both sides post twice a day (the content calendar), so brand posts show in the picture.
    (folder / "small.toml").write_text(
        "[graph]\nn = 1500\n\n[run]\ndays = 60\n\n[policy]\nposts_per_day = 2.0\n"
    )
    with serving(folder, "small.toml") as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, condition, timeout: float = 60):
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)


def day(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, ".socialsim-day").text


def picture(element) -> Image.Image:
    return Image.open(io.BytesIO(element.screenshot_as_png)).convert("RGB")


def latest(driver, kpi: str) -> list[str]:
    """A row of the table of today's values: the KPI, left, right, right - left."""
    rows = driver.find_elements(By.CSS_SELECTOR, ".socialsim-latest tr")
    for row in rows:
        cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        if cells and cells[0] == kpi:
            return cells
    raise AssertionError(f"no row for {kpi} in the table")


def test_the_page_loads_reacts_to_a_lever_and_fetches_nothing_from_outside(browser, app):
    browser.get(app["url"])
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".socialsim-day"))
    loaded = time.perf_counter() - app["started"]
    assert day(browser).startswith("Day 0 of 60"), day(browser)
    print(f"\ncommand to a working page: {loaded:.1f} s")

    # The network view renders: a canvas with the sampled people in several colours.
    network = wait_for(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".socialsim-network-0"))
    wait_for(browser, lambda d: len(picture(network).getcolors(1 << 16) or []) > 20)

    # The crisis switch: on, it starts a crisis a third into the run, for both sides.
    browser.find_element(By.CSS_SELECTOR, ".socialsim-crisis label").click()
    wait_for(
        browser,
        lambda d: "Crisis on day 20" in d.find_element(By.CSS_SELECTOR, ".socialsim-crisis").text,
    )
    assert browser.find_elements(By.CSS_SELECTOR, ".socialsim-crisis .v-slider")

    # A lever: side B's team from 2 to 6 people, typed as a teacher would.
    browser.find_element(By.CSS_SELECTOR, ".socialsim-tab-1").click()
    staff = wait_for(
        browser, lambda d: d.find_element(By.CSS_SELECTOR, ".lever-1-team-staff input")
    )
    staff.send_keys(Keys.CONTROL, "a")
    staff.send_keys("6", Keys.ENTER)
    fans = browser.find_element(By.CSS_SELECTOR, ".socialsim-kpi-fans")
    wait_for(browser, lambda d: fans.size["height"] > 100)
    time.sleep(0.5)  # the chart's first paint
    before = picture(fans)

    step = browser.find_element(By.XPATH, "//button[contains(., 'Step')]")
    for expected in range(1, 6):
        step.click()
        wait_for(browser, lambda d, n=expected: day(d).startswith(f"Day {n} of"))

    # The KPI plot has redrawn, and the table shows what the lever changed: six staff cost
    # three times what two do, on the same day, with the same people.
    wait_for(browser, lambda d: picture(fans).tobytes() != before.tobytes(), timeout=10)
    _, left, right, _ = latest(browser, "staff_cost")
    assert float(right.replace(",", "")) == 3 * float(left.replace(",", "")) > 0
    # Engagement is plotted by default, on both sides.
    for kpi in ("engaged_30d_share", "engagement_rate"):
        assert browser.find_elements(By.CSS_SELECTOR, f".socialsim-kpi-{kpi} canvas")
    assert all(float(value) > 0 for value in latest(browser, "engaged_30d_share")[1:3])

    # Play runs on its own until paused.
    browser.find_element(By.XPATH, "//button[contains(., 'Play')]").click()
    wait_for(browser, lambda d: int(day(d).split()[1]) >= 10, timeout=30)
    browser.find_element(By.XPATH, "//button[contains(., 'Pause')]").click()

    shot = app["folder"] / "dashboard.png"
    browser.save_screenshot(str(shot))
    assert Image.open(shot).size[0] >= 1000
    if os.environ.get("SOCIALSIM_SCREENSHOT"):
        shutil.copy(shot, os.environ["SOCIALSIM_SCREENSHOT"])
    print(f"screenshot: {shot}")

    # Workshop mode: the strategies a canned experiment names become the sides, its question
    # shows.
    browser.find_element(By.CSS_SELECTOR, ".socialsim-experiment .v-select__slot").click()
    option = wait_for(
        browser,
        lambda d: d.find_element(
            By.XPATH, "//div[contains(@class, 'v-list-item__title')][.='stay-out-or-answer']"
        ),
    )
    option.click()
    wait_for(
        browser,
        lambda d: (
            "Should a brand stay out" in d.find_element(By.CSS_SELECTOR, ".socialsim-question").text
        ),
    )
    wait_for(
        browser,
        lambda d: (
            "stay out of negatives"
            in d.find_element(By.CSS_SELECTOR, ".socialsim-tab-0").text.lower()
        ),
    )
    assert (
        browser.find_element(By.CSS_SELECTOR, ".socialsim-tab-1").text.lower() == "negatives-first"
    )
    assert day(browser) == "Day 0 of 180 · 1,500 people"  # the population size is kept
    # Its KPIs are plotted, a per-run rate and a priced one among them, and step with the sides.
    for kpi in ("churn_rate", "net_value"):
        wait_for(browser, lambda d, k=kpi: d.find_element(By.CSS_SELECTOR, f".socialsim-kpi-{k}"))
    net_value = browser.find_element(By.CSS_SELECTOR, ".socialsim-kpi-net_value")
    time.sleep(0.5)  # the chart's first paint
    before = picture(net_value)
    browser.find_element(By.XPATH, "//button[contains(., 'Step')]").click()
    wait_for(browser, lambda d: day(d).startswith("Day 1 of 180"))
    wait_for(browser, lambda d: picture(net_value).tobytes() != before.tobytes(), timeout=10)
    assert latest(browser, "churn_rate")[1] != "–"  # a value so far, not a missing one

    # Every request went to the app: same scheme-less origin, or data the page made itself.
    origin = urlsplit(app["url"]).netloc
    requests, failures = [], []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
        elif message["method"] == "Network.webSocketCreated":
            requests.append(message["params"]["url"])
        elif message["method"] == "Network.responseReceived":
            response = message["params"]["response"]
            if response["status"] >= 400:
                failures.append(f"{response['status']} {response['url']}")
    assert len(requests) > 10
    outside = [
        url
        for url in requests
        if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != origin
    ]
    assert not outside, outside
    assert not failures, failures  # a missing asset would send the server to the internet


def test_a_class_can_watch_both_sides_of_5000_fans_step_at_least_5_days_a_second(tmp_path, browser):
    # 16,700 people, of whom 30% (the default initial fan share) are fans: about 5,000 fans.
    (tmp_path / "long.toml").write_text("[run]\ndays = 3650\n")  # no end within the test
    with serving(tmp_path, "long.toml", "--people", "16700") as served:
        browser.get(served["url"])
        wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".socialsim-day"))
        print(
            f"\ncommand to a working page at 16,700 people: {time.perf_counter() - served['started']:.1f} s"
        )
        assert "16,700 people" in day(browser)
        # the fastest speed the slider offers: a click at the right end of its track
        track = browser.find_element(By.CSS_SELECTOR, ".socialsim-transport .v-slider")
        offset = track.size["width"] // 2 - 1
        ActionChains(browser).move_to_element_with_offset(track, offset, 0).click().perform()
        browser.find_element(By.XPATH, "//button[contains(., 'Play')]").click()
        wait_for(browser, lambda d: int(day(d).split()[1]) >= 1)
        first, started = int(day(browser).split()[1]), time.perf_counter()
        time.sleep(8)
        last, elapsed = int(day(browser).split()[1]), time.perf_counter() - started
        browser.find_element(By.XPATH, "//button[contains(., 'Pause')]").click()
    rate = (last - first) / elapsed
    print(f"both sides, redrawn live: {rate:.1f} simulated days a second")
    assert rate >= 5
