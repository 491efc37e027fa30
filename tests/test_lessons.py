"""Lesson plans (data/lessons/*.toml): complete, 45 minutes, every step's tab exists and its link works."""
from __future__ import annotations

import math
import re
import tomllib

import pytest

from core import lessons
from core.errors import InputError
from tests.apptest import error_texts, raw_keys_on_screen, run_page
from ui.i18n import LANGS, _Formatter

LESSONS = lessons.all_lessons()
STEPS = [(lesson.lesson_id, i) for lesson in LESSONS for i in range(len(lesson.steps))]
WIDGETS = ("slider", "select_slider", "number_input", "selectbox", "radio", "text_input", "toggle", "checkbox")


def test_every_chapter_has_a_lesson():
    taught = {c for lesson in LESSONS for c in lesson.chapters}
    assert set(range(1, 8)) <= taught


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.lesson_id)
def test_lesson_fits_45_minutes(lesson):
    assert sum(s.minutes for s in lesson.steps) + lesson.closing_minutes <= 45
    assert lesson.minutes <= 45
    assert len(lesson.closing["zh"]) == len(lesson.closing["en"]) >= 1


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.lesson_id)
def test_every_step_tab_exists_and_texts_are_bilingual(lesson):
    for step in lesson.steps:
        assert lessons.tab_exists(step.page, step.tab), (step.page, step.tab)
        assert set(step.params) <= lessons.pages()[step.page].url_names[step.tab]
        for name in lessons.STEP_TEXTS:
            assert step.t(name, "zh").strip() and step.t(name, "en").strip()
        values = lessons.answer_values(step)
        for lang in LANGS:   # every number the expected answer quotes is computed
            _Formatter(lang).format(step.t("expect", lang), **values)
        assert all(not isinstance(v, float) or math.isfinite(v) for v in values.values())


def test_unknown_lesson_is_an_input_error():
    with pytest.raises(InputError) as err:
        lessons.load_lesson("no-such-lesson")
    assert err.value.key == "lesson_unknown"


def test_bad_files_are_caught():
    good = tomllib.loads((lessons.LESSON_DIR / "payments.toml").read_text(encoding="utf-8"))
    lessons.parse_lesson("payments", good)
    cases = []
    missing = dict(good)
    del missing["goal"]
    cases.append(missing)
    bad_tab = dict(good, steps=[dict(good["steps"][0], tab="nope")])
    cases.append(bad_tab)
    bad_param = dict(good, steps=[dict(good["steps"][0], params={"not_bound": 1})])
    cases.append(bad_param)
    too_long = dict(good, steps=[dict(s, minutes=20) for s in good["steps"]])
    cases.append(too_long)
    no_en = dict(good, title={"zh": "标题"})
    cases.append(no_en)
    for raw in cases:
        with pytest.raises(InputError) as err:
            lessons.parse_lesson("bad", raw)
        assert err.value.key == "lesson_bad_file"


def test_textbook_answers():
    """The answer keys quote the pages' own core functions: Nakamoto (2008) §11 and the ruin formula."""
    race = lessons.ANSWERS["race"]({"q": 0.3, "z": 5})
    assert race["p"] == pytest.approx(0.1773523, abs=1e-7)
    ruin = lessons.ANSWERS["ruin"]({"u": 10.0, "th": 0.3, "mu": 5.0})
    assert ruin["psi"] == pytest.approx(0.48486, abs=1e-5)
    links = lessons.ANSWERS["switch_links"]({"inst": 115, "banks": 424})
    assert (links["direct"], links["switch"]) == (115 * 424, 115 + 424)


def _widget_values(at) -> dict:
    out = {}
    for kind in WIDGETS:
        for w in at.get(kind):
            if getattr(w, "key", None):
                out[w.key] = w.value
    return out


def _same(value, wanted) -> bool:
    if isinstance(value, bool):
        return value == bool(wanted)
    if isinstance(value, (int, float)) and isinstance(wanted, (int, float)):
        return math.isclose(float(value), float(wanted), rel_tol=1e-9, abs_tol=1e-9)
    return str(value) == str(wanted)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("lesson_id,index", STEPS, ids=[f"{a}-{b + 1}" for a, b in STEPS])
def test_step_link_opens_its_tab_with_its_scenario(lesson_id, index, lang):
    lesson = lessons.load_lesson(lesson_id)
    step = lesson.steps[index]
    params = dict(step.query(), lesson=lesson_id, step=str(index + 1))
    at = run_page(lessons.pages()[step.page].path, lang, params)
    assert not at.exception, [e.value for e in at.exception]
    assert not error_texts(at), error_texts(at)
    assert not raw_keys_on_screen(at, lang)
    # the tab that is open is the step's tab (only the open section runs, so its controls are on screen)
    widgets = _widget_values(at)
    for name, wanted in step.params.items():
        if name in widgets:     # a bound control: Streamlit drops a value out of range, so it must equal the plan
            assert _same(widgets[name], wanted), (name, widgets[name], wanted)
        else:                   # a choice kept in the URL by hand (ui.url_value); a default value leaves the URL
            in_url = at.query_params.get(name)
            if in_url is None:
                defaults = at.session_state["_url_defaults"] if "_url_defaults" in at.session_state else {}
                assert name in defaults and _same(defaults[name], wanted), (name, wanted)
            else:
                assert in_url in (str(wanted), [str(wanted)]), (name, in_url)
    # the lesson panel shows this step
    texts = " ".join(str(m.value) for m in at.markdown) + " ".join(str(c.value) for c in at.caption)
    assert step.t("ask", lang) in texts


# ------------------------------------------------------------------ the lessons page, worksheets, slide map
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("tab", ["plans", "study", "worksheets", "slides"])
def test_lessons_page_tabs(tab, lang):
    at = run_page("pages/8_lessons.py", lang, {"tab": tab})
    assert not at.exception, [e.value for e in at.exception]
    assert not error_texts(at)
    assert not raw_keys_on_screen(at, lang)


def test_worksheet_for_an_unknown_lesson_says_so():
    at = run_page("pages/8_lessons.py", "en", {"tab": "worksheets", "lesson": "no-such-lesson"})
    assert not at.exception
    assert any("no-such-lesson" in str(w.value) for w in at.warning)


def test_unknown_lesson_on_a_page_says_so_and_the_page_goes_on():
    at = run_page("pages/4_blockchain.py", "zh", {"tab": "network", "lesson": "nope"})
    assert not at.exception
    assert any("nope" in str(w.value) for w in at.warning)
    assert at.get("plotly_chart")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l.lesson_id)
def test_worksheet_and_answer_key(lesson, lang):
    from ui.lesson import worksheet_html
    sheet = worksheet_html(lesson.lesson_id, lang).decode("utf-8")
    key = worksheet_html(lesson.lesson_id, lang, answer_key=True).decode("utf-8")
    assert sheet.count('class="task"') == key.count('class="task"') == len(lesson.steps)
    assert sheet.count('class="answer"') == len(lesson.steps) and 'class="key"' not in sheet
    for i, step in enumerate(lesson.steps):
        assert step.t("task", lang).replace("“", "").split("，")[0][:8] in sheet.replace("“", "")
        values = lessons.answer_values(step)
        if values:    # the key quotes the numbers core computed for the prepared scenario, not the template
            assert "{" not in key.split('class="key">')[i + 1].split("</div>")[0]
    assert "font-family" in sheet and ("Noto Sans CJK SC" in sheet)


def test_slide_map_tabs_exist():
    import csv
    rows = list(csv.DictReader((lessons.ROOT / "data" / "slide_map.csv").open(encoding="utf-8")))
    assert len(rows) >= 100
    for row in rows:
        assert lessons.tab_exists(row["page"], row["tab"]), row
        assert row["heading_zh"].strip() and row["heading_en"].strip()
    deck = (lessons.ROOT.parent / "shared" / "seeds" / "course-deck-internet-finance-technology.txt")
    if deck.exists():   # every deck heading with a name is in the map
        mapped = {r["heading_zh"] for r in rows}
        for line in deck.read_text(encoding="utf-8").splitlines():
            head = re.sub(r"^\d+\s*", "", line.lstrip("#").strip())     # "## 01 加密技术" → "加密技术"
            if line.startswith("#") and head and head != "目录":
                assert any(head in m for m in mapped), head


@pytest.mark.parametrize("lang", LANGS)
def test_speaker_notes_only_in_presenter_mode(lang):
    lesson = lessons.load_lesson("blockchain")
    step = lesson.steps[2]
    params = dict(step.query(), lesson="blockchain", step="3")
    notes = step.t("notes", lang)
    plain = run_page("pages/4_blockchain.py", lang, params)
    assert not any(notes in str(m.value) for m in plain.sidebar.markdown)
    shown = run_page("pages/4_blockchain.py", lang, dict(params, present="1"))
    assert not shown.exception
    assert any(notes in str(m.value) for m in shown.sidebar.markdown)
    # the expected answer quotes Nakamoto's formula for this scenario (q = 0.3, z = 6)
    assert any("0.1321" in str(m.value) for m in shown.sidebar.markdown)
    # self-study: the task for one person, no notes
    study = run_page("pages/4_blockchain.py", lang, dict(params, study="1"))
    assert any(step.t("task", lang) in str(m.value) for m in study.markdown)
    assert not any(notes in str(m.value) for m in study.sidebar.markdown)
