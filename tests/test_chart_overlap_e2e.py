"""Chart legends never cover an axis's tick labels or title (issue 12, item 8), read from each chart's SVG: every
page's first tab and every tab of the chapter pages, at 1920×1080 in presenter mode and at 390×844, in English."""
import pytest

from tests.test_sections import tab_names
from tools.localserver import local_only, url_name
from ui.frame import available_pages

pytestmark = pytest.mark.e2e

OVERLAPS_JS = """
() => {
  const boxes = (root, sel) => [...root.querySelectorAll(sel)].map(e => e.getBoundingClientRect())
      .filter(r => r.width > 0 && r.height > 0);
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const out = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot, n) => {
    const legends = boxes(plot, 'g.legend');
    const axes = boxes(plot, 'g.xtick text, g.ytick text, g[class*="xtick"] text, g[class*="ytick"] text, '
                           + '.g-xtitle text, .g-ytitle text, [class*="g-x"][class*="title"] text, '
                           + '[class*="g-y"][class*="title"] text');
    const title = (plot.querySelector('.gtitle') || {}).textContent || `chart ${n + 1}`;
    for (const l of legends) for (const a of axes) if (hit(l, a)) { out.push(title.slice(0, 60)); return; }
  });
  return out;
}
"""


def _cases():
    for pid, path, _ in available_pages():
        for view in ("projector", "phone"):
            yield pytest.param(pid, path, view, id=f"{pid}-{view}")


def _idle(page):
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=90_000)


@pytest.mark.parametrize("pid,path,view", list(_cases()))
def test_legends_leave_axes_readable(server, browser, pid, path, view):
    size = {"width": 1920, "height": 1080} if view == "projector" else {"width": 390, "height": 844}
    ctx = browser.new_context(viewport=size, has_touch=view == "phone")
    local_only(ctx)
    page = ctx.new_page()
    route = "" if path == "app.py" else url_name(path)
    query = "?lang=en" + ("&present=1" if view == "projector" else "")
    found = []
    try:
        tabs = tab_names(pid) or [None]
        for tab in tabs:
            page.goto(f"{server}/{route}{query}" + (f"&tab={tab}" if tab else ""), wait_until="domcontentloaded")
            page.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=90_000)
            _idle(page)
            page.wait_for_timeout(700)
            found += [f"{tab}: {title}" for title in page.evaluate(OVERLAPS_JS)]
    finally:
        ctx.close()
    assert not found, f"{pid} at {view} size: a legend covers axis labels in " + "; ".join(found)
