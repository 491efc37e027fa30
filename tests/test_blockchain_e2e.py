"""Browser test of the blockchain page: mining shows live progress, finishes at the default
difficulty, and a long search at difficulty 6 can be stopped (the page stays responsive)."""
import pytest
from playwright.sync_api import expect

from tools.localserver import local_only
from ui import i18n

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_on_server(browser, server):
    """The session's shared Chromium and app server (tests/conftest.py)."""
    return browser, server


def _open_mining_tab(browser, base, lang, diff):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1400})
    local_only(ctx)
    page = ctx.new_page()
    page.goto(f"{base}/blockchain?lang={lang}&tab=mining&diff={diff}", wait_until="domcontentloaded")
    T = i18n.catalog(lang)
    # a cold server on a busy machine can take a while
    page.get_by_role("button", name=f"⛏️ {T['blockchain.mining.mine']}", exact=True).wait_for(timeout=180_000)
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=120_000)
    return ctx, page


@pytest.mark.parametrize("lang,stopped", [("en", "Stopped after"), ("zh", "次后停止")])
def test_mining_finishes_and_a_long_search_can_be_stopped(browser_on_server, lang, stopped):
    browser, base = browser_on_server
    T = i18n.catalog(lang)
    ctx, page = _open_mining_tab(browser, base, lang, 3)
    page.get_by_role("button", name=f"⛏️ {T['blockchain.mining.mine']}", exact=True).click()
    found = T["blockchain.mining.found"].split("**")[0].strip()
    page.get_by_text(found).first.wait_for(timeout=120_000)
    ctx.close()

    ctx, page = _open_mining_tab(browser, base, lang, 6)      # 16.7 million tries expected
    page.get_by_role("button", name=f"⛏️ {T['blockchain.mining.mine']}", exact=True).click()
    progress = T["blockchain.mining.best"].split("{")[0].strip()
    stop = page.get_by_role("button", name=f"⏹️ {T['blockchain.mining.stop']}", exact=True)
    expect(stop).to_be_enabled(timeout=60_000)                        # the search runs
    page.get_by_text(progress).first.wait_for(timeout=120_000)      # live progress while mining
    stop.click()
    assert stopped in T["blockchain.mining.stopped"]
    page.get_by_text(stopped).first.wait_for(timeout=60_000)
    expect(stop).to_be_disabled(timeout=60_000)                       # really stopped: no search runs
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=60_000)
    tries_text = page.locator('[data-testid="stProgress"]:visible').first.inner_text()
    assert any(ch.isdigit() for ch in tries_text)
    assert page.locator('[data-testid="stException"]').count() == 0
    ctx.close()
