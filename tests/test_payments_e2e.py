"""Browser test of the payments page: a payment above the platform balance is refused with a translated
message and the books stay as they were; a tampered ciphertext is refused."""
import pytest

from tools.localserver import local_only

pytestmark = pytest.mark.e2e


def _idle(page):
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=90_000)


def test_overdraft_is_refused_and_tampering_fails_in_the_browser(server, browser):
    ctx = browser.new_context(viewport={"width": 1920, "height": 2400})
    local_only(ctx)
    page = ctx.new_page()
    page.goto(f"{server}/payments?lang=en", wait_until="domcontentloaded")
    page.wait_for_selector('[role="tab"]', timeout=90_000)
    _idle(page)
    books = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="postings").filter(
        has_text="business day").first
    status = books.inner_text()
    page.get_by_text("Pay the merchant", exact=True).click()
    _idle(page)
    amount = page.get_by_role("spinbutton", name="Amount (¥)", exact=True)
    amount.fill("50")
    amount.press("Enter")
    _idle(page)
    page.get_by_role("button", name="Post it").click()
    error = page.locator('[data-testid="stAlertContentWarning"]')     # a refusal is a lesson, not an app error
    error.first.wait_for(timeout=60_000)
    texts = error.all_inner_texts()
    assert any("Refused" in t and "Nothing was posted" in t for t in texts), texts
    assert books.inner_text() == status                                          # the books did not move
    assert page.locator('[data-testid="stException"]').count() == 0

    page.locator('[role="tab"]').nth(2).click()                                  # encryption
    _idle(page)
    page.get_by_text("raise the amount (change its first digit to 9)").click()
    _idle(page)
    page.get_by_role("button", name="⏭").first.click()                         # the verdict is the last step's
    _idle(page)
    error.first.wait_for(timeout=60_000)
    assert any("Authentication failed" in t for t in error.all_inner_texts())
    assert page.locator('[data-testid="stException"]').count() == 0
    ctx.close()
