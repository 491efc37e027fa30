"""Every page opens in both languages: no exception, no raw locale key, no missing message."""
import pytest

from tests.apptest import page_paths, raw_keys_on_screen, run_page
from ui import i18n


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", page_paths())
def test_page_renders_cleanly(path, lang):
    i18n.MISSING.clear()
    at = run_page(path, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page shows a title"
    assert raw_keys_on_screen(at, lang) == []
    assert {m for m in i18n.MISSING if m.startswith(lang)} == set()


def test_language_switch_flips_everything():
    at = run_page("app.py", "zh")
    assert "互联网金融技术实验室" in at.title[0].value
    at.sidebar.radio[0].set_value("en").run()
    assert "FinTech Lab" in at.title[0].value
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"


def test_unknown_lang_and_present_fall_back_quietly():
    at = run_page("app.py", "xx", params={"present": "maybe"})
    assert not at.exception
    assert "FinTech Lab" in at.title[0].value  # AppTest has no browser locale → English
    assert at.sidebar.toggle[0].value is False


def test_presenter_mode_from_url():
    at = run_page("app.py", "en", params={"present": "1"})
    assert at.sidebar.toggle[0].value is True
    assert any("presenter mode" in str(m.value) for m in at.markdown)


def test_menu_lists_only_existing_pages():
    from pathlib import Path

    from ui.frame import PAGES, available_pages
    root = Path(__file__).resolve().parent.parent
    shown = available_pages()
    assert shown[0][0] == "home"
    for pid, path, _ in PAGES:
        assert ((pid, path) in [(p, q) for p, q, _ in shown]) == (root / path).exists()
