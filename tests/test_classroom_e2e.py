"""The classroom in Chromium: a lecturer opens a room, a phone joins from the join link, the lecturer starts a
payments round, the phone pays the canteen with a signed order, reloads and is still the same seat, and the
projector shows the class with a ledger total of ¥0.00."""
import os
import re

import pytest
from playwright.sync_api import expect

from core import classroom as cr
from tools.localserver import local_only

pytestmark = pytest.mark.e2e


def _idle(page):
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=90_000)


def test_a_lesson_in_the_browser(server, browser):
    store = cr.open_store(os.environ["FINTECH_LAB_DATABASE_URL"])
    lecturer = browser.new_context(viewport={"width": 1920, "height": 1400})
    local_only(lecturer)
    lp = lecturer.new_page()
    lp.goto(f"{server}/classroom?lang=en&tab=lecturer", wait_until="domcontentloaded")
    lp.wait_for_selector('[role="tab"]', timeout=90_000)
    _idle(lp)
    lp.get_by_label("Lecturer PIN", exact=True).first.fill("7531")
    lp.get_by_role("button", name="Create the room").click()
    lp.wait_for_url(re.compile(r"view=lecturer"), timeout=60_000)
    _idle(lp)
    code = re.search(r"room=([A-Z0-9]{6})", lp.url).group(1)
    assert store.room(code) is not None

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    local_only(phone)
    pp = phone.new_page()
    pp.goto(f"{server}/classroom?room={code}&lang=zh", wait_until="domcontentloaded")   # what the QR code holds
    pp.get_by_label("昵称", exact=True).wait_for(timeout=90_000)
    pp.get_by_label("昵称", exact=True).fill("小明")
    pp.get_by_role("button", name="加入").click()
    pp.wait_for_url(re.compile(r"seat="), timeout=60_000)
    pp.get_by_text("¥1,000.00").first.wait_for(timeout=60_000)

    lp.locator('[data-testid="stRadio"] label').filter(has_text=re.compile(r"^Payments$")).click()
    start = lp.get_by_role("button", name="▶ Start a new round")
    expect(start).to_be_enabled(timeout=30_000)         # enabled once the rerun for "Payments" is drawn
    start.click()
    expect(lp.get_by_role("button", name="■ Stop the round (debrief)")).to_be_enabled(timeout=30_000)
    assert store.room(code).round_open and store.room(code).activity == "payments"

    pp.get_by_role("button", name="签名并付款").wait_for(timeout=30_000)   # the phone switches by itself
    amount = pp.get_by_label("金额（¥）")
    amount.fill("12.5")
    amount.press("Enter")                 # Enter submits the form, as the button does: one payment

    pp.get_by_text("¥987.50").first.wait_for(timeout=60_000)
    assert store.balances(code)["小明"] == 98_750 and store.ledger_total(code) == 0

    pp.reload()                                                   # a phone that slept: same seat, same money
    pp.get_by_text("¥987.50").first.wait_for(timeout=60_000)
    assert "小明" in pp.inner_text("body")

    proj = browser.new_context(viewport={"width": 1920, "height": 1080})
    local_only(proj)
    pr = proj.new_page()
    pr.goto(f"{server}/classroom?room={code}&view=projector&present=1&lang=en", wait_until="domcontentloaded")
    pr.get_by_text("Ledger total (Σ of all accounts)").wait_for(timeout=90_000)
    body = pr.inner_text("body")
    assert code in body and "¥0.00" in body and "7531" not in body
    for ctx in (lecturer, phone, proj):
        assert ctx.pages[0].locator('[data-testid="stException"]').count() == 0
        ctx.close()
