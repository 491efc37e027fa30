"""Page anatomy (issue 11, item 7): every tab of every chapter page says "what just happened" with this run's
numbers, in both languages.  Tabs are opened by their link name (``?tab=<name>``), as a student's link does."""
import pytest

from tests.apptest import happened_texts, run_page
from tests.test_sections import tab_names
from ui import i18n
from ui.frame import PAGES

CHAPTERS = {"home", "payments", "lending", "insurance", "blockchain", "regulation", "bcfinance"}
CASES = [(pid, path, name) for pid, path, _ in PAGES if pid in CHAPTERS for name in tab_names(pid)]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("pid,path,name", CASES, ids=[f"{pid}:{name}" for pid, _, name in CASES])
def test_every_tab_says_what_just_happened(pid, path, name, lang):
    at = run_page(path, lang, params={"tab": name})
    assert not at.exception, [e.value for e in at.exception]
    boxes = happened_texts(at)
    if not boxes:  # a replay says what happened at its last step: play it to the end, as the class does
        for button in [b for b in at.button if str(b.key or "").endswith("_last")]:
            button.click()
        at.run()
        boxes = happened_texts(at)
    assert boxes, f"{pid}?tab={name} ({lang}) has no 'what just happened' box"
    assert all(any(ch.isdigit() for ch in box) for box in boxes), f"{pid}?tab={name}: a box quotes no number: {boxes}"
    marks = [i18n.catalog(lg)["common.takeaway"] for lg in i18n.LANGS]
    assert any(any(m in str(e.value) for m in marks) for e in at.markdown), f"{pid}?tab={name} ({lang}) has no takeaway"


#: downloads every tab of a page shows (the page's run summary, the student's own books), not the tab's table
PAGE_LEVEL = ("summary", "dl_try")


@pytest.mark.parametrize("pid,path,name", CASES, ids=[f"{pid}:{name}" for pid, _, name in CASES])
def test_a_tab_that_shows_a_table_offers_it_as_csv(pid, path, name):
    at = run_page(path, "en", params={"tab": name})
    assert not at.exception, [e.value for e in at.exception]
    if not (len(at.dataframe) or len(at.table)):
        return
    own = [e.proto.id for e in at.get("download_button") if not any(p in e.proto.id for p in PAGE_LEVEL)]
    assert own, f"{pid}?tab={name} shows a table but offers no CSV of it"
