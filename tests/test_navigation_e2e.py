"""Back leaves a page in one press: switching tabs and moving controls on a page never adds a browser-history
entry (ui.frame's HISTORY_JS), while going to another page does."""
import pytest

from tools.localserver import local_only, url_name
from ui.frame import available_pages

pytestmark = pytest.mark.e2e


def _idle(page):
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=90_000)


@pytest.mark.parametrize("path", [p for _, p, _ in available_pages() if p != "app.py"])
def test_back_leaves_the_page_in_one_press(server, browser, path):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    local_only(ctx)
    page = ctx.new_page()
    page.goto(f"{server}/?lang=en", wait_until="domcontentloaded")
    _idle(page)
    page.goto(f"{server}/{url_name(path)}?lang=en", wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=90_000)
    _idle(page)
    before = page.evaluate("history.length")
    tabs = page.locator('[role="tab"]')
    for i in range(1, min(3, tabs.count())):
        tabs.nth(i).click()
        _idle(page)
        page.wait_for_timeout(300)
    slider = page.locator('[role="slider"]')
    if slider.count():
        slider.first.focus()
        slider.first.press("ArrowRight")
        _idle(page)
        page.wait_for_timeout(300)
    assert page.evaluate("history.length") == before, "an in-page action pushed a history entry"
    page.go_back(wait_until="domcontentloaded")
    page.wait_for_timeout(500)
    assert url_name(path) not in page.url.split("?")[0].rsplit("/", 1)[-1] or page.url.split("?")[0].endswith("/")
    ctx.close()
