"""The classroom page in AppTest: join by code, a seat that survives a reload, a signed payment from the page,
the lecturer's PIN, the projector view, and bad links that end in a message."""
import os

import pytest

from core import classroom as cr
from tests.apptest import error_texts, raw_keys_on_screen, run_page, visible_texts

PAGE = "pages/7_classroom.py"


@pytest.fixture(scope="module")
def store():
    return cr.open_store(os.environ["FINTECH_LAB_DATABASE_URL"])


def _text(at) -> str:
    return "\n".join(visible_texts(at))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_start_page_both_languages(lang):
    at = run_page(PAGE, lang)
    assert not at.exception and not raw_keys_on_screen(at, lang)
    assert len(at.tabs) == 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_join_pay_and_rejoin(store, lang):
    code = store.create_room("9876", start_balance_fen=50_000)
    store.join(code, "bob")
    at = run_page(PAGE, lang, {"room": code})
    form_inputs = [t for t in at.text_input]
    assert form_inputs[0].value == code                      # the QR link fills the code in
    form_inputs[1].input("小红")
    [b for b in at.button if b.key is None or "FormSubmitter:cl_join" in str(b.id)][0].click().run()
    qp = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert qp["room"] == code and qp["seat"]
    token = qp["seat"]
    at.run()
    assert "小红" in _text(at) and not at.exception
    assert at.metric[0].value == "¥500.00"
    # the lecturer starts a payments round; the student pays bob from the page
    store.set_activity(code, "9876", "payments", True)
    at = run_page(PAGE, lang, {"room": code, "seat": token})   # a reload: same seat, same balance
    assert "小红" in _text(at)
    at.selectbox[0].set_value("bob")
    at.number_input[0].set_value(12.34)
    [b for b in at.button if "cl_pay" in str(b.id)][0].click().run()
    assert not at.exception and not error_texts(at)
    assert store.balances(code)["小红"] == 50_000 - 1_234 and store.balances(code)["bob"] == 50_000 + 1_234
    assert store.ledger_total(code) == 0
    # overdraft: refused with the reason, nothing posted
    at.number_input[0].set_value(10_000.0)
    [b for b in at.button if "cl_pay" in str(b.id)][0].click().run()
    assert at.warning and store.balances(code)["小红"] == 50_000 - 1_234


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lecturer_and_projector(store, lang):
    code = store.create_room("2468")
    store.join(code, "amy")
    at = run_page(PAGE, lang, {"room": code, "view": "lecturer"})
    assert not at.exception and at.text_input           # PIN asked
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert at.error                                     # wrong PIN: a message, no controls
    at.text_input[0].input("2468")
    at.button[0].click().run()
    at.run()
    assert not at.exception and code in _text(at)
    assert any("cl_start" in str(b.id) for b in at.button)
    at = run_page(PAGE, lang, {"room": code, "view": "projector"})
    assert not at.exception and not raw_keys_on_screen(at, lang)
    assert at.metric[0].value == "1"                    # one student joined
    assert "2468" not in _text(at)                      # nothing private on the projector


@pytest.mark.parametrize("params", [{"room": "inf"}, {"room": "ZZZZZZ", "view": "projector"},
                                    {"room": "ZZZZZZ", "seat": "x" * 5000}, {"room": "<b>x</b>", "view": "lecturer"},
                                    {"room": "1e309", "seat": "nan"}])
def test_bad_links_end_in_a_message(params):
    at = run_page(PAGE, "en", params)
    assert not at.exception and not raw_keys_on_screen(at, "en")


def test_nicknames_are_plain_text(store):
    """A nickname with Markdown or HTML shows as typed: never a link, bold text or a tag."""
    code = store.create_room("1357")
    nasty = "[x](http://e.vil)"
    seat = store.join(code, nasty)
    at = run_page(PAGE, "en", {"room": code, "seat": seat.token})
    mine = [m.value for m in at.markdown if "e\\.vil" in m.value]
    assert mine and "](http" not in mine[0]
    at = run_page(PAGE, "en", {"room": code})
    at.text_input[1].input(nasty)
    [b for b in at.button if "FormSubmitter:cl_join" in str(b.id)][0].click().run()
    assert at.error and "](http" not in at.error[0].value          # "already taken", escaped
