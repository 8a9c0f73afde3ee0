"""The HTML report in a real browser: headless Chromium (Debian packages chromium and
chromium-driver) driven by Selenium.

Checks: no console error, no network request, charts with a size, sorting by a header,
filtering, a hostile tenant name shown as text. The screenshot is kept as a test artifact
(WXCC_ARTIFACTS, default the test's tmp dir); WXCC_UPDATE_SCREENSHOT=1 also copies it to
docs/report.png, which is how the committed picture is made.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from test_report import HOSTILE, make_portfolio

CHROMIUM = Path(os.environ.get("WXCC_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("WXCC_CHROMEDRIVER", "/usr/bin/chromedriver"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("browser"),  # one Chromium for the module's tests (tests/conftest.py)
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()), reason="needs chromium and chromium-driver"),
]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    """The report of a small portfolio, open in Chromium."""
    from click.testing import CliRunner

    work = tmp_path_factory.mktemp("browser")
    portfolio = make_portfolio(work / "tenants", count=8)
    report = work / "report.html"
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1795000000"
    try:
        code, _, err = run_cli(CliRunner(), "report", "--quiet", "--horizon", "120", str(portfolio), "-o", str(report))
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    assert code == 1 and err == ""
    driver = _chromium(work)
    try:
        driver.get("about:blank")  # leave the new-tab page, whose own loads are not ours
        driver.get_log("performance")  # and drop what the browser did before our page
        driver.get(report.as_uri())
        yield driver, report
    finally:
        driver.quit()


def _chromium(work: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",  # as root in a container, Chromium's sandbox cannot start
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1500",
        "--hide-scrollbars",
        f"--user-data-dir={tempfile.mkdtemp(dir=work, prefix='profile-')}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


def test_loads_without_console_errors_or_network_requests(page) -> None:
    driver, report = page
    assert driver.execute_script("return document.readyState") == "complete"
    assert [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    assert requests == [report.as_uri()]  # the page itself, and nothing else


def test_charts_render_with_a_size(page) -> None:
    from selenium.webdriver.common.by import By

    driver, _ = page
    charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert [c.get_attribute("id") for c in charts] == ["chart-findings", "chart-status", "chart-upcoming"]
    for chart in charts:
        assert chart.size["width"] > 100 and chart.size["height"] > 50
        bars = chart.find_elements(By.TAG_NAME, "rect")
        assert any(b.size["width"] > 10 for b in bars)
        assert chart.get_attribute("aria-labelledby")


def test_clicking_a_header_sorts_the_table(page) -> None:
    from selenium.webdriver.common.by import By

    driver, _ = page
    table = driver.find_element(By.ID, "tenants-table")
    errors_header = table.find_elements(By.CSS_SELECTOR, "thead th")[3]

    def errors_column() -> list[int]:
        return [int(r.find_elements(By.TAG_NAME, "td")[3].text) for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]

    before = errors_column()
    errors_header.find_element(By.TAG_NAME, "button").click()
    assert errors_column() == sorted(before) != before
    assert errors_header.get_attribute("aria-sort") == "ascending"
    errors_header.find_element(By.TAG_NAME, "button").click()
    assert errors_column() == sorted(before, reverse=True)
    assert errors_header.get_attribute("aria-sort") == "descending"


def test_filtering_hides_rows(page) -> None:
    from selenium.webdriver.common.by import By

    driver, _ = page
    table = driver.find_element(By.ID, "tenants-table")
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    box = driver.find_element(By.CSS_SELECTOR, "input[data-filter='tenants-table']")
    assert box.is_displayed()
    box.send_keys("invalid")
    visible = [r for r in rows if r.is_displayed()]
    assert len(visible) == 1 and "broken.json" in visible[0].text
    box.clear()
    box.send_keys(" ")  # an input event with an empty filter shows every row again
    assert all(r.is_displayed() for r in rows)


def test_hostile_tenant_name_renders_as_text(page) -> None:
    from selenium.webdriver.common.by import By

    driver, _ = page
    headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "section.tenant h3")]
    assert any(h.startswith(HOSTILE) for h in headings)
    assert driver.execute_script("return document.scripts.length") == 1
    assert driver.execute_script("return typeof window.alert") == "function"  # nothing replaced it


def test_screenshot(page) -> None:
    driver, _ = page
    driver.execute_script("window.scrollTo(0, 0)")
    artifacts = Path(os.environ.get("WXCC_ARTIFACTS") or tempfile.mkdtemp(prefix="wxcc-artifacts-"))
    artifacts.mkdir(parents=True, exist_ok=True)
    shot = artifacts / "report.png"
    assert driver.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    if os.environ.get("WXCC_UPDATE_SCREENSHOT") == "1":
        shutil.copy(shot, ROOT / "docs" / "report.png")
