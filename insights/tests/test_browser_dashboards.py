"""Journeys in headless Chromium on the demo: the office reads the dashboard (charts drawn from JSON, no inline
script), follows a figure to the list behind it, and downloads a report; the commune official's home puts the
dossier to finish first; everything fits a 360-px phone."""

import re

import pytest

from ocop import demo


@pytest.fixture
def demo_data(transactional_db, settings):
    settings.DEBUG = True
    return demo.seed_all()


def _login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "ocop-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=work-card]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_reads_the_dashboard_and_follows_a_figure(demo_data, live_server, page, screenshot):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, live_server.url, "phongnn")
    page.click("[data-testid=dashboard-link]")
    page.wait_for_selector("canvas[data-drawn]")
    page.select_option("#id_year", "2024")
    page.click("[data-testid=year-form] button[type=submit]")
    page.wait_for_url(re.compile(r"year=2024"))
    page.wait_for_selector("[data-charts-done]")  # drawn one per idle period, after the first paint
    assert page.locator("canvas[data-drawn]").count() == 6  # every chart drawn by the static script
    assert page.locator("[data-testid=funnel-recognised]").inner_text() == "5"
    assert "200.000.000 ₫" in page.locator("[data-testid=money]").locator("xpath=..").inner_text()
    screenshot(page, "dashboard-2024-desktop")

    page.click("[data-testid=funnel-recognised]")
    page.wait_for_url(re.compile(r"/ho-so/\?.*outcome=recognised"))
    rows = page.locator("table tbody tr")
    assert rows.count() == 5
    assert errors == [] or all("favicon" in e or "404" in e for e in errors), errors

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/bang-dieu-khien/?year=2024")
    page.wait_for_selector("[data-charts-done]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # No axis label is cut: each category's label is drawn whole (wrapped onto lines), as in the table beside it.
    labels = page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-drawn]')].flatMap((canvas) => {
          const chart = Chart.getChart(canvas);
          const axis = chart.options.indexAxis === 'y' ? chart.scales.y : chart.scales.x;
          return axis.ticks.map((tick, i) => ({
            shown: [].concat(tick.label).join(' '), full: String(chart.data.labels[i]),
          }));
        })"""
    )
    assert labels and all(label["shown"] == label["full"] for label in labels), labels
    # Chart.js is fetched by the dashboard's script after the first paint, not by a tag that blocks the page.
    assert page.locator("script[src*=chart]").count() == 1
    assert page.locator("script[src*=chart]").evaluate("s => s.parentNode.tagName") == "HEAD"
    screenshot(page, "dashboard-2024-phone")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_commune_home_puts_the_draft_first_on_a_phone(demo_data, live_server, browser, screenshot):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    page = context.new_page()
    _login(page, live_server.url, "xa-thanh-lam")
    first = page.locator("main section").first
    assert first.get_attribute("data-testid") == "tasks"
    task = page.locator("[data-testid=task]").first
    assert "Bánh gio Thanh Lâm" in task.inner_text()
    assert "còn 21 ngày" in task.inner_text()
    assert "Còn thiếu:" in task.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "home-commune-tasks-phone")
    task.locator("a").first.click()
    page.wait_for_url(re.compile(r"/ho-so/\d+/"))
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("username", ["hoidong1", "taichinh", "thuky"])
def test_homes_and_reports_fit_a_phone(demo_data, live_server, browser, screenshot, username):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1)
    page = context.new_page()
    _login(page, live_server.url, username)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if username == "hoidong1":
        assert page.locator("[data-testid=sheet-to-score]").count() == 2
        assert "Đã nộp 0/2 phiếu" in page.locator("[data-testid=sheets-done]").inner_text()
    if username == "thuky":
        page.goto(f"{live_server.url}/bao-cao/?year=2024")
        assert page.locator("[data-testid=report-list] .list-group-item").count() == 5  # 3 reports + 2 rounds
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"insights-{username}-phone")
    context.close()
