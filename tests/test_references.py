"""References (issue 11, item 6): every page ends with its sources as links, from data/references.csv."""
import re
from urllib.parse import urlparse

import pandas as pd
import pytest

from tests.apptest import ROOT, run_page
from ui import i18n
from ui.frame import PAGES

TABLE = pd.read_csv(ROOT / "data" / "references.csv", dtype=str, keep_default_na=False)
#: the pages that end with their references (the classroom is a room, not a chapter)
REFERENCED = [(pid, path) for pid, path, _ in PAGES if pid != "classroom"]


def test_table_has_its_columns_and_known_kinds():
    assert {"page", "kind", "title_zh", "title_en", "url", "date", "accessed", "source"} <= set(TABLE.columns)
    assert set(TABLE["kind"]) <= {"fact", "formula", "data"}
    assert set(TABLE["page"]) <= {pid for pid, _, _ in PAGES}
    assert not TABLE.duplicated(["page", "url", "title_en"]).any()


@pytest.mark.parametrize("pid,path", REFERENCED)
def test_every_page_has_three_references_with_both_titles_and_https_links(pid, path):
    rows = TABLE[TABLE["page"] == pid]
    assert len(rows) >= 3, f"{pid}: {len(rows)} references"
    for row in rows.itertuples():
        assert row.title_zh.strip() and row.title_en.strip(), row
        assert "[" not in row.title_en + row.title_zh and "]" not in row.title_en + row.title_zh
        url = urlparse(row.url)
        assert url.scheme == "https" and "." in url.netloc and not re.search(r"\s", row.url), row.url
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", row.date) or not row.date, row.date
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.accessed), row.accessed


@pytest.mark.parametrize("pid,path", REFERENCED)
def test_page_ends_with_its_references_call(pid, path):
    text = (ROOT / path).read_text(encoding="utf-8")
    call = f'\nui.references("{pid}")'
    assert text.count(call) == 1, f"{path} does not end with its references"
    assert text.index(call) > max(text.rfind("\nui.sections("), text.rfind("\nui.quiz(")), f"{path}: references not at the end"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_references_are_drawn_folded_with_their_links(lang):
    at = run_page("pages/4_blockchain.py", lang)
    assert not at.exception
    title = i18n.catalog(lang)["references.title"]
    boxes = [e for e in at.expander if title in e.label]
    assert len(boxes) == 1
    text = " ".join(str(m.value) for m in boxes[0].markdown)
    assert "(https://bitcoin.org/bitcoin.pdf)" in text and "(https://www.rfc-editor.org/rfc/rfc6979)" in text
    expected = "中本聪" if lang == "zh" else "Nakamoto"
    assert expected in text
