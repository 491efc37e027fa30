"""Self-checks (issue 11, item 5): every chapter page asks at least five questions, at least two of them ask the
student to predict an outcome of the page's simulation, and the right answer is not always in the same place."""
import re

import pytest

from core import blockchain, consensus, crossborder, defi, insurance, lending, payments, regulation
from tests.apptest import ROOT
from ui import i18n

PAGES = {"home": "app.py", "payments": "pages/1_payments.py", "lending": "pages/2_lending.py",
         "insurance": "pages/3_insurance.py", "blockchain": "pages/4_blockchain.py",
         "regulation": "pages/5_regulation.py", "bcfinance": "pages/6_blockchain_finance.py"}
PREDICT = {"en": "Predict", "zh": "先预测"}


def quiz_ids(page_id: str) -> list[str]:
    text = (ROOT / PAGES[page_id]).read_text(encoding="utf-8")
    found = re.search(rf'ui\.quiz\("{page_id}", \[([^\]]*)\]\)', text)
    assert found, f"{PAGES[page_id]} has no quiz"
    return re.findall(r'"([^"]+)"', found.group(1))


@pytest.mark.parametrize("page_id", sorted(PAGES))
def test_quiz_has_five_questions_two_predictions_and_varied_answers(page_id):
    ids = quiz_ids(page_id)
    assert len(ids) >= 5
    answers = []
    for lang in ("zh", "en"):
        cat = i18n.catalog(lang)
        predictions = 0
        for qid in ids:
            base = f"{page_id}.quiz.{qid}"
            options, answer = cat[f"{base}.options"], int(cat[f"{base}.answer"])
            assert 3 <= len(options) and 0 <= answer < len(options), base
            assert cat[f"{base}.explain"].strip()
            predictions += cat[f"{base}.question"].startswith(PREDICT[lang])
            if lang == "en":
                answers.append((answer, len(options)))
            else:
                assert int(i18n.catalog("en")[f"{base}.answer"]) == answer, base
        assert predictions >= 2, f"{page_id} ({lang}): {predictions} prediction questions"
    assert len({a for a, _ in answers}) >= 2, f"{page_id}: the right answer is always option {answers[0][0] + 1}"
    assert any(a == n - 1 for a, n in answers) or any(a == 0 for a, _ in answers)


def test_prediction_answer_keys_match_the_core_functions():
    """The numbers the new questions quote are what the pages' own functions compute."""
    from ui import draw_home
    fees = draw_home.remittance(200, 12)
    assert round(fees["digital"], 2) == 110.16 and round(fees["bank"], 2) == 175.20
    assert round(draw_home.remittance(400, 12)["digital"], 2) == 220.32
    assert fees["fees"].set_index("channel").loc["sdg_target", "fees_per_year_usd"] == pytest.approx(72.0)
    assert (payments.direct_links(115, 848), payments.switch_links(115, 848)) == (97_520, 963)
    assert crossborder.chain_cost(200, 4, 5, 3, 2, 0.02) == pytest.approx(0.115)
    assert crossborder.chain_cost(200, 2, 5, 3, 2, 0.02) == pytest.approx(0.085)
    assert round(lending.annuity_payment(100_000, 0.049, 240), 2) == 654.44
    assert round(lending.annuity_payment(100_000, 0.049, 120), 2) == 1055.77
    assert lending.equal_installment_schedule(100_000, 0.049, 240)["interest"].sum() == pytest.approx(57_067.15)
    assert lending.score_from_odds(25) == pytest.approx(580)
    assert insurance.ruin_probability_exponential(10, 0.3, 5) == pytest.approx(0.485, abs=5e-4)
    assert insurance.ruin_probability_exponential(20, 0.3, 5) == pytest.approx(0.306, abs=5e-4)
    assert insurance.loss_ratio_sd(40_000, 0.03, 12, 0.5) / insurance.loss_ratio_sd(10_000, 0.03, 12, 0.5) == \
        pytest.approx(0.5)
    txids = [blockchain.sha256_text(str(i)) for i in range(2048)]
    assert len(blockchain.merkle_proof(txids, 5)) == 11
    assert consensus.block_subsidy(1_050_000) == 156_250_000
    assert regulation.gdpr_max_fine(400_000_000) == regulation.gdpr_max_fine(200_000_000) == 20_000_000
    assert regulation.gdpr_max_fine(2_000_000_000, "gdpr_83_4") == 40_000_000
    assert defi.swap_output(1000, 1000, 200) == 166
    assert defi.impermanent_loss(2) == pytest.approx(-0.0572, abs=1e-4)
