"""Browser tests: the real server on 127.0.0.1, every page in headless Chromium, in both languages.

Needs Debian's Chromium (`apt-get install chromium`, or any Chromium on PATH as `chromium`).
Screenshots go to artifacts/screenshots (ignored by git).  Only 127.0.0.1 is contacted.
"""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.apptest import page_paths
from tools.localserver import local_only, serve, url_name
from ui import i18n
from ui.frame import PAGES

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"


_url_path = url_name


def _context(browser, locale="en-US", width=1920, height=1080):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    local_only(ctx)
    return ctx


def _open(page, url):
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=90_000)
    page.wait_for_selector("h1", timeout=30_000)


def _title(lang, path):
    # a page's id is not always its URL name (pages/6_blockchain_finance.py is "bcfinance")
    pid = {p: i for i, p, _ in PAGES}.get(path) or _url_path(path)
    return i18n.catalog(lang)[f"{pid}.title"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", page_paths())
def test_every_page_opens_in_the_browser(server, browser, path, lang):
    ctx = _context(browser)
    page = ctx.new_page()
    try:
        _open(page, f"{server}/{_url_path(path)}?lang={lang}")
        expected = _title(lang, path)
        heading = page.locator("h1").first.inner_text()
        assert expected.split(" ", 1)[-1][:6] in heading, (heading, expected)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        body = page.locator("body").inner_text()
        assert "Traceback" not in body
        page.screenshot(path=str(SHOTS / f"{_url_path(path) or 'home'}-{lang}.png"), full_page=False)
    finally:
        ctx.close()


def test_browser_locale_picks_the_language_and_switch_flips_it(server, browser):
    ctx = _context(browser, locale="zh-CN")
    page = ctx.new_page()
    try:
        _open(page, server + "/")
        assert "互联网金融技术实验室" in page.locator("h1").first.inner_text()
        page.get_by_text("English", exact=True).click()
        page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').innerText.includes('FinTech Lab')",
                               timeout=30_000)
        assert "lang=en" in page.url
    finally:
        ctx.close()


def test_presenter_mode_enlarges_text_and_collapses_sidebar(server, browser):
    ctx = _context(browser)
    page = ctx.new_page()
    try:
        _open(page, server + "/?lang=en")
        normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
        _open(page, server + "/?lang=en&present=1")
        page.wait_for_function(  # the presenter style arrives with the page's first run
            f"parseFloat(getComputedStyle(document.querySelector('h1')).fontSize) > {normal * 1.2}", timeout=30_000)
        assert page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "true"
        page.screenshot(path=str(SHOTS / "home-en-presenter.png"))
    finally:
        ctx.close()


def test_phone_size_home_page(server, browser):
    ctx = _context(browser, width=390, height=844)
    page = ctx.new_page()
    try:
        _open(page, server + "/?lang=zh")
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(SHOTS / "home-zh-phone.png"))
    finally:
        ctx.close()


def test_deep_link_on_a_cold_server_opens_the_page_in_its_language(browser):
    """A fresh server whose very first request is a deep link (DESIGN.md: this broke with st.navigation)."""
    pages = [p for p in page_paths() if p != "app.py"]
    if not pages:
        pytest.skip("no chapter page yet")
    with serve() as cold:
        ctx = _context(browser)
        page = ctx.new_page()
        try:
            _open(page, f"{cold}/{_url_path(pages[0])}?lang=zh")
            assert _title("zh", pages[0]).split(" ", 1)[-1][:4] in page.locator("h1").first.inner_text()
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            ctx.close()


def test_step_player_autoplays_in_the_browser(server, browser):
    """Play runs in st.fragment(run_every=…): the step advances on its own, then pause stops it."""
    ctx = _context(browser)
    page = ctx.new_page()
    try:
        _open(page, server + "/?lang=en")
        info = page.locator('[data-testid="stAlertContentInfo"]').filter(has_text="Step ").first
        assert "Step 1 of" in info.inner_text()
        page.get_by_role("button", name="▶ Play").click()
        page.wait_for_function(
            "[...document.querySelectorAll('[data-testid=stAlertContentInfo]')]"
            ".some(e => /Step [3-9] of/.test(e.innerText))", timeout=30_000)
        page.get_by_role("button", name="⏸ Pause").click()
        page.get_by_role("button", name="▶ Play").wait_for(timeout=30_000)  # the timer is off
        frozen = int(info.inner_text().split("Step ")[1].split(" ")[0])
        page.get_by_role("button", name="⏩", exact=True).click()  # one step by hand: exactly one more
        page.wait_for_function(
            "[...document.querySelectorAll('[data-testid=stAlertContentInfo]')]"
            f".some(e => e.innerText.includes('Step {frozen + 1} of'))", timeout=30_000)
        assert page.get_by_role("button", name="▶ Play").count() == 1
    finally:
        ctx.close()


def _open_tab(page) -> str:
    return page.locator('[role="tab"][aria-selected="true"]').first.inner_text()




def test_a_lecturers_link_opens_the_tab_and_scenario_and_values_survive_tab_switches(server, browser):
    """Issue 8: ?tab=<stable name> plus bound scenario values open exactly that scenario; a control keeps
    its value across tab switches; a language switch keeps the tab."""
    ctx = _context(browser)
    page = ctx.new_page()
    try:
        _open(page, server + "/?lang=zh&tab=history&years=2005&years=2015")
        assert _open_tab(page).endswith(i18n.catalog("zh")["home.tab.history"].split(" ", 1)[-1])
        expect(page.locator(".st-key-years")).to_contain_text("2005", timeout=30_000)
        expect(page.locator('[data-testid="stAlertContentSuccess"]').first).to_contain_text("2015", timeout=30_000)
        happened = page.locator('[data-testid="stAlertContentSuccess"]').first.inner_text()
        assert "2005" in happened and "2015" in happened  # the run used the link's scenario
        _open(page, server + "/?lang=en&tab=traits")
        assert "Four traits" in _open_tab(page) or i18n.catalog("en")["home.tab.traits"] in _open_tab(page)
        box = page.locator(".st-key-cost_amount input")
        box.fill("750")
        box.press("Enter")
        page.get_by_text("Sending $750 ").first.wait_for(timeout=30_000)  # the run used the new value
        page.get_by_role("tab", name=i18n.catalog("en")["home.tab.areas"]).click()
        page.wait_for_url("**tab=areas**", timeout=30_000)
        page.locator(".st-key-cost_amount").wait_for(state="detached", timeout=30_000)  # hidden tab: not run
        page.get_by_role("tab", name=i18n.catalog("en")["home.tab.traits"]).click()
        page.wait_for_url("**tab=traits**", timeout=30_000)
        page.locator(".st-key-cost_amount input").wait_for(timeout=30_000)
        assert page.locator(".st-key-cost_amount input").input_value() == "750"
        page.get_by_text("中文", exact=True).click()
        page.wait_for_url("**lang=zh**", timeout=30_000)
        page.get_by_role("tab", name=i18n.catalog("zh")["home.tab.traits"]).wait_for(timeout=30_000)
        assert "tab=traits" in page.url
        assert i18n.catalog("zh")["home.tab.traits"] in _open_tab(page)
    finally:
        ctx.close()
