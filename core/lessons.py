"""Lesson plans as data: 45-minute lessons, one file each in ``data/lessons/<id>.toml``.

A lesson is a list of steps; each step opens one tab of one page with a prepared scenario (the URL values of the
tab's bound controls), says what to ask the class, what answer to expect and what the lecturer should say.
Both languages live in the same file (``title.zh`` / ``title.en`` …).  This module is pure: it reads the files,
checks them against the pages' sources (which tabs exist, which URL names a tab binds) and computes the answer key
of a worksheet with the same ``core`` functions the pages call.  No streamlit here.

File shape (TOML)::

    chapters = [2]                      # course chapters it teaches (0 = the article)
    order = 20                          # position in the list of lessons
    closing_minutes = 5                 # the closing discussion (counted in the 45 minutes)
    title.zh = "…"   title.en = "…"
    goal.zh = "…"    goal.en = "…"
    closing.zh = ["…", …]   closing.en = ["…", …]      # closing discussion questions
    [[steps]]
    page = "payments"   tab = "clearing"   minutes = 8
    params = { inst = 115, banks = 424 }                # URL values of the tab's bound controls
    answer = "switch_links"                             # optional: a name in ANSWERS (worksheet answer key)
    title.zh/en, ask.zh/en (to the class), task.zh/en (for one student), expect.zh/en (expected answer,
    may quote the answer's numbers as {name:spec}), notes.zh/en (speaker notes)
"""
from __future__ import annotations

import ast
import math
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
LESSON_DIR = ROOT / "data" / "lessons"
LANGS = ("zh", "en")
LESSON_MINUTES = 45
STEP_TEXTS = ("title", "ask", "task", "expect", "notes")
LESSON_TEXTS = ("title", "goal")


# ------------------------------------------------------------------ the pages, read from their sources
@dataclass(frozen=True)
class PageInfo:
    """A page as the lessons see it: its id, script path, tabs in order and the URL names each tab binds."""

    page_id: str
    path: str
    tabs: tuple[str, ...]
    url_names: dict = field(default_factory=dict)   # tab -> frozenset of URL parameter names
    labels: dict = field(default_factory=dict)      # URL parameter name -> locale key of its control's label


def _call_name(node: ast.Call) -> str:
    return ast.unparse(node.func)


def _bound_names(fn: ast.AST) -> set[str]:
    """URL names bound inside ``fn``: ``key="x", **ui.BIND`` widgets and ``ui.url_value("x", …)``."""
    names: set[str] = set()
    for node in ast.walk(fn):
        if not isinstance(node, ast.Call):
            continue
        if _call_name(node) == "ui.url_value" and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
        kws = {k.arg: k.value for k in node.keywords}
        has_bind = any(k.arg is None and ast.unparse(k.value) == "ui.BIND" for k in node.keywords)
        if has_bind and isinstance(kws.get("key"), ast.Constant):
            names.add(str(kws["key"].value))
    return names


def _labels(tree: ast.AST) -> dict:
    """URL name -> locale key of the bound control's label (its first argument ``T("<key>")``)."""
    out = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        kws = {k.arg: k.value for k in node.keywords}
        has_bind = any(k.arg is None and ast.unparse(k.value) == "ui.BIND" for k in node.keywords)
        label = node.args[0]
        if (has_bind and isinstance(kws.get("key"), ast.Constant) and isinstance(label, ast.Call)
                and ast.unparse(label.func) == "T" and label.args and isinstance(label.args[0], ast.Constant)):
            out.setdefault(str(kws["key"].value), str(label.args[0].value))
        # a choice kept in the URL by hand: widget(T("<key>"), …, ui.url_value("<name>", …), …)
        if isinstance(label, ast.Call) and ast.unparse(label.func) == "T" and label.args \
                and isinstance(label.args[0], ast.Constant):
            for inner in ast.walk(node):
                if (inner is not node and isinstance(inner, ast.Call) and ast.unparse(inner.func) == "ui.url_value"
                        and inner.args and isinstance(inner.args[0], ast.Constant)):
                    out.setdefault(str(inner.args[0].value), str(label.args[0].value))
    return out


def scan_page(path: Path) -> PageInfo | None:
    """Read a page script's ``ui.frame("<id>")`` and ``ui.sections("<id>", {...})`` without running it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    page_id, tabs, section_fns = None, [], {}
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    assigned = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) == "ui.frame" and node.args:
            page_id = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
        if isinstance(node, ast.Call) and _call_name(node) == "ui.sections" and len(node.args) >= 2:
            mapping = node.args[1]
            if isinstance(mapping, ast.Name):
                mapping = assigned.get(mapping.id)
            if isinstance(mapping, ast.Dict):
                for k, v in zip(mapping.keys, mapping.values):
                    if isinstance(k, ast.Constant):
                        tabs.append(str(k.value))
                        section_fns[str(k.value)] = v.id if isinstance(v, ast.Name) else None
    if page_id is None or not tabs:
        return None
    # names bound at module level (above the tabs, e.g. a page-wide seed) belong to every tab
    top = set()
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top |= _bound_names(node)
    url_names = {}
    for tab in tabs:
        names = set(top)
        fn = functions.get(section_fns.get(tab) or "")
        if fn is not None:
            names |= _bound_names(fn)
            # one level of helpers called by the section (e.g. a shared seed slider)
            for node in ast.walk(fn):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
                    names |= _bound_names(functions[node.func.id])
        url_names[tab] = frozenset(names)
    return PageInfo(page_id, path.relative_to(ROOT).as_posix(), tuple(tabs), url_names, _labels(tree))


@lru_cache(maxsize=1)
def pages() -> dict[str, PageInfo]:
    """Every page with tabs: ``{page_id: PageInfo}``, home first, then ``pages/*.py`` in menu order."""
    out: dict[str, PageInfo] = {}
    for path in [ROOT / "app.py"] + sorted((ROOT / "pages").glob("*.py")):
        info = scan_page(path)
        if info is not None:
            out[info.page_id] = info
    return out


def tab_exists(page_id: str, tab: str) -> bool:
    """True if ``page_id`` is a page with a tab named ``tab`` (its ``?tab=`` name)."""
    info = pages().get(page_id)
    return info is not None and tab in info.tabs


# ------------------------------------------------------------------ lessons
@dataclass(frozen=True)
class Step:
    """One step of a lesson: a tab with its scenario and what to say about it."""

    page: str
    tab: str
    minutes: int
    params: dict
    text: dict            # name -> {"zh": str, "en": str}
    answer: str | None = None

    def t(self, name: str, lang: str) -> str:
        """The step's text ``name`` (title, ask, task, expect, notes) in ``lang``."""
        return self.text[name][lang]

    def query(self) -> dict:
        """The URL parameters that open this step: its tab and its scenario values (as strings)."""
        out = {"tab": self.tab}
        out.update({k: _url_text(v) for k, v in self.params.items()})
        return out


@dataclass(frozen=True)
class Lesson:
    """A 45-minute lesson plan."""

    lesson_id: str
    chapters: tuple[int, ...]
    order: int
    text: dict            # title, goal -> {lang: str}
    steps: tuple[Step, ...]
    closing: dict         # lang -> list of questions
    closing_minutes: int = 5

    def t(self, name: str, lang: str) -> str:
        return self.text[name][lang]

    @property
    def minutes(self) -> int:
        """Planned minutes: the steps' plus the closing discussion's."""
        return sum(s.minutes for s in self.steps) + self.closing_minutes

    def start_minute(self, index: int) -> int:
        """Minute of the lesson at which step ``index`` (0-based) begins."""
        return sum(s.minutes for s in self.steps[:index])


def _url_text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return repr(value)   # 4.0 stays "4.0": a float widget's URL value
    return str(value)


def _bilingual(raw: dict, name: str, where: str) -> dict:
    value = raw.get(name)
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang].strip()
                                          for lang in LANGS):
        raise InputError("lesson_bad_file", f"{where}: '{name}' needs non-empty zh and en texts", where=where,
                         name=name)
    return {lang: value[lang].strip() for lang in LANGS}


def parse_lesson(lesson_id: str, raw: dict) -> Lesson:
    """Build a Lesson from a parsed TOML dict; a missing key or an unknown tab raises ``InputError``."""
    where = f"lesson {lesson_id}"
    text = {name: _bilingual(raw, name, where) for name in LESSON_TEXTS}
    closing = raw.get("closing")
    if not isinstance(closing, dict) or any(not isinstance(closing.get(lang), list) or not closing[lang]
                                            for lang in LANGS):
        raise InputError("lesson_bad_file", f"{where}: 'closing' needs zh and en lists", where=where,
                         name="closing")
    chapters = raw.get("chapters")
    if not isinstance(chapters, list) or not all(isinstance(c, int) and 0 <= c <= 7 for c in chapters):
        raise InputError("lesson_bad_file", f"{where}: 'chapters' must list 0–7", where=where, name="chapters")
    steps = []
    for n, rs in enumerate(raw.get("steps") or [], start=1):
        here = f"{where} step {n}"
        page, tab = rs.get("page"), rs.get("tab")
        if not tab_exists(page, tab):
            raise InputError("lesson_bad_file", f"{here}: no tab {tab!r} on page {page!r}", where=here, name="tab")
        minutes = rs.get("minutes")
        if not isinstance(minutes, int) or not 1 <= minutes <= LESSON_MINUTES:
            raise InputError("lesson_bad_file", f"{here}: minutes must be 1–45", where=here, name="minutes")
        params = rs.get("params", {})
        allowed = pages()[page].url_names[tab]
        unknown = sorted(set(params) - allowed - {"tab"})
        if unknown or "tab" in params:
            raise InputError("lesson_bad_file", f"{here}: {unknown or ['tab']} not bound on {page}/{tab} "
                             f"(bound: {sorted(allowed)})", where=here, name="params")
        answer = rs.get("answer")
        if answer is not None and answer not in ANSWERS:
            raise InputError("lesson_bad_file", f"{here}: unknown answer {answer!r}", where=here, name="answer")
        steps.append(Step(page, tab, minutes, dict(params), {k: _bilingual(rs, k, here) for k in STEP_TEXTS},
                          answer))
    if not steps:
        raise InputError("lesson_bad_file", f"{where}: no steps", where=where, name="steps")
    closing_minutes = raw.get("closing_minutes", 5)
    if not isinstance(closing_minutes, int) or not 0 <= closing_minutes <= LESSON_MINUTES:
        raise InputError("lesson_bad_file", f"{where}: closing_minutes must be 0–45", where=where, name="minutes")
    lesson = Lesson(lesson_id, tuple(chapters), int(raw.get("order", 99)), text, tuple(steps),
                    {lang: [str(q) for q in closing[lang]] for lang in LANGS}, closing_minutes)
    if lesson.minutes > LESSON_MINUTES:
        raise InputError("lesson_bad_file", f"{where}: {lesson.minutes} minutes > 45", where=where, name="minutes")
    return lesson


def lesson_ids() -> list[str]:
    """Ids of the lesson files, in the lessons' ``order``."""
    return [lesson.lesson_id for lesson in all_lessons()]


@lru_cache(maxsize=1)
def all_lessons() -> tuple[Lesson, ...]:
    """Every lesson in ``data/lessons``, sorted by ``order`` then id."""
    out = []
    for path in sorted(LESSON_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            out.append(parse_lesson(path.stem, tomllib.load(handle)))
    return tuple(sorted(out, key=lambda l: (l.order, l.lesson_id)))


def load_lesson(lesson_id) -> Lesson:
    """The lesson ``lesson_id``; an unknown id raises ``InputError('lesson_unknown')``."""
    for lesson in all_lessons():
        if lesson.lesson_id == lesson_id:
            return lesson
    raise InputError("lesson_unknown", f"no lesson {lesson_id!r}", lesson=str(lesson_id)[:40])


def lessons_for_page(page_id: str) -> list[Lesson]:
    """Lessons with at least one step on ``page_id``."""
    return [l for l in all_lessons() if any(s.page == page_id for s in l.steps)]


def current_step(lesson: Lesson, page_id: str, tab: str | None, wanted: int | None = None) -> int | None:
    """Index of the step shown on ``page_id``/``tab``: step ``wanted`` (0-based) if it is on this tab, else the
    first step on this tab, else None (the tab is not part of the lesson)."""
    if wanted is not None and 0 <= wanted < len(lesson.steps):
        s = lesson.steps[wanted]
        if s.page == page_id and s.tab == tab:
            return wanted
    for i, s in enumerate(lesson.steps):
        if s.page == page_id and s.tab == tab:
            return i
    return None


# ------------------------------------------------------------------ answer keys: the pages' own core functions
def _payments_fee(p: dict) -> dict:
    """Merchant fee on the sample ¥388.00 payment: fee = round(amount · bp / 10,000) fen (lifecycle_trace)."""
    from core import payments
    trace = payments.lifecycle_trace(int(p.get("seed", 42)), fee_bp=int(p["fee"]))
    settle = trace[5].params
    return {"pay": trace[4].params["amount_fen"], "fee_fen": settle["fee_fen"], "received": settle["received_fen"]}


def _switch_links(p: dict) -> dict:
    """N × M direct links against N + M through a switch (payments.direct_links / switch_links)."""
    from core import payments
    n, m = int(p["inst"]), int(p["banks"])
    nm, npm = payments.direct_links(n, m), payments.switch_links(n, m)
    return {"direct": nm, "switch": npm, "ratio": nm / npm}


def _crossborder(p: dict) -> dict:
    """Cost share of a $200 correspondent chain with the page's default fees (crossborder.chain_cost)."""
    from core import crossborder
    hops = int(p["hops"])
    cost = crossborder.chain_cost(200.0, hops, 5.0, 3.0, 2.0, 0.02)
    return {"hops": hops, "legs": hops + 1, "cost": cost, "cost_usd": cost * 200.0,
            "ledger": crossborder.ledger_cost(200.0, 1.0, 0.02)}


def _biometric_eer(p: dict) -> dict:
    """Theoretical equal error rate Φ(−d′/2) for the separation d′ (biometrics.theoretical_eer)."""
    from core import biometrics
    return {"dprime": float(p["dprime"]), "eer": biometrics.theoretical_eer(float(p["dprime"]))}


def _loan_cost(p: dict) -> dict:
    """Equal-installment payment and true annual cost with fees (lending.annuity_payment / borrower_cost)."""
    from core import lending
    principal, rate, months = float(p["p"]), float(p["r"]) / 100, int(p["n"])
    up, mf = float(p.get("up", 3.0)) / 100, float(p.get("mf", 0.2)) / 100
    cost = lending.borrower_cost(principal, rate, months, up, mf)
    plain = lending.borrower_cost(principal, rate, months, 0.0, 0.0)
    return {"payment": lending.annuity_payment(principal, rate, months), "apr": cost["apr"], "ear": cost["ear"],
            "plain_ear": plain["ear"], "interest": plain["total_interest"]}


def _micro_premium(p: dict) -> dict:
    """Pure premium p·s and the expected-value premium (1 + θ)·p·s (insurance.micro_premium)."""
    from core import insurance
    prob, cost = float(p["p"]) / 100, float(p["cost"])
    mean, var, sd = insurance.bernoulli_loss_moments(prob, cost)
    loading = 0.3   # the page's default loading θ for the expected-value principle
    return {"mean": mean, "sd": sd, "premium": insurance.micro_premium("expected_value", prob, cost, loading),
            "loading": loading}


def _ruin(p: dict) -> dict:
    """Exact ruin probability ψ(u) = exp(−θu/((1+θ)μ))/(1+θ) (insurance.ruin_probability_exponential)."""
    from core import insurance
    u, theta, mu = float(p["u"]), float(p["th"]), float(p["mu"])
    return {"psi": float(insurance.ruin_probability_exponential(u, theta, mu)),
            "psi0": float(insurance.ruin_probability_exponential(0.0, theta, mu)),
            "R": insurance.adjustment_coefficient_exponential(theta, mu)}


def _delay(p: dict) -> dict:
    """P(delay ≥ threshold) = p · exp(−threshold/mean) and the fair premium (insurance.delay_probability)."""
    from core import insurance
    thr, pl, ml = int(p.get("thr", 120)), float(p.get("pl", 35)) / 100, float(p.get("ml", 100))
    prob = insurance.delay_probability(thr, pl, ml)
    payout = int(p.get("po", 200))
    return {"prob": prob, "fair": prob * payout, "payout": payout, "thr": thr}


def _expected_tries(p: dict) -> dict:
    """Expected tries 16^d to find a hash with d leading hex zeros (blockchain.expected_tries)."""
    from core import blockchain
    d = int(p["diff"])
    return {"d": d, "tries": blockchain.expected_tries(d), "tries_next": blockchain.expected_tries(d + 1)}


def _chain_work(p: dict) -> dict:
    """Work to re-mine the blocks after an edit: 16^d per block (blockchain.expected_tries)."""
    from core import blockchain
    d, blocks = int(p["cdiff"]), int(p["blocks"])
    return {"d": d, "blocks": blocks, "per_block": blockchain.expected_tries(d),
            "all": blockchain.expected_tries(d) * (blocks - 1)}


def _race(p: dict) -> dict:
    """The double-spend race: Nakamoto's §11 approximation P(q, z) (blockchain.attacker_success_probability), the
    exact race (consensus.exact_race_probability, Rosenfeld 2014) and the confirmations each needs for < 0.1 %."""
    from core import blockchain, consensus
    q, z = float(p["q"]), int(p["z"])
    need = 0
    while consensus.exact_race_probability(q, need) >= 0.001:
        need += 1
    return {"q": q, "z": z, "p": blockchain.attacker_success_probability(q, z),
            "exact": consensus.exact_race_probability(q, z), "zmin": blockchain.min_confirmations(q),
            "zmin_exact": need}


def _merkle(p: dict) -> dict:
    """A Merkle proof needs one sibling per level: ⌈log₂ n⌉ hashes for n transactions (blockchain.merkle_proof)."""
    from core import blockchain
    n = int(p["ntx"])
    txids = [blockchain.toy_txid(f"tx{i}") for i in range(n)]
    return {"n": n, "proof": len(blockchain.merkle_proof(txids, 0)), "levels": len(blockchain.merkle_levels(txids))}


def _supply(p: dict) -> dict:
    """Bitcoin's supply by the halving rule (consensus.supply_schedule / supply_at)."""
    from core import consensus
    total = consensus.supply_at(10 ** 8) / 1e8
    return {"first_era": 210_000 * 50, "total": total, "after4": consensus.supply_at(4 * 210_000) / 1e8 / total}


def _aml_line(p: dict) -> dict:
    """The cash reporting line of the chosen regime (aml.cash_line) and the day's reports (aml.simulate_day)."""
    from core import aml
    regime = str(p.get("areg", "cn"))
    result = aml.simulate_day(int(p.get("an", 60)), float(p.get("ash", 10)) / 100, int(p.get("aseed", 2017)),
                              regime)
    s = result.summary()
    return {"line": aml.cash_line(regime) / 100, "daily": s["daily_reports"], "single": s["single_reports"],
            "structurers": s["structurers"], "caught_daily": s["caught_daily"], "caught_single": s["caught_single"]}


def _amm(p: dict) -> dict:
    """Constant-product swap of 10 % of the X reserve (defi.swap_output / price_impact) and the impermanent loss
    2√r/(1+r) − 1 for the price move r (defi.impermanent_loss)."""
    from core import defi
    rx, ry, fee = int(p.get("rx", 100_000)), int(p.get("ry", 700_000)), int(p.get("fee", 30))
    trade = rx // 10
    return {"trade": trade, "out": defi.swap_output(rx, ry, trade, fee), "spot_out": trade * ry / rx,
            "impact": defi.price_impact(rx, ry, trade, fee), "move": float(p.get("move", 2.0)),
            "il": defi.impermanent_loss(float(p.get("move", 2.0)))}


def _channels(p: dict) -> dict:
    """Sales channels at premium P and margin m with the page's starting channels (channels.funnel): how many make
    money, and the break-even premium of the cheapest and the dearest way to sell."""
    from core import channels
    premium, margin = float(p.get("cprem", 300.0)), float(p.get("cmar", 5)) / 100
    df = channels.funnel(channels.DEFAULTS, premium, margin).set_index("channel")
    return {"premium": premium, "winners": int((df["result_per_policy"] > 0).sum()),
            "embedded_cost": float(df.loc["embedded", "cost_per_policy"]),
            "agent_cost": float(df.loc["agent", "cost_per_policy"]),
            "embedded_be": float(df.loc["embedded", "break_even_premium"]),
            "agent_be": float(df.loc["agent", "break_even_premium"])}


#: answer computers a step may name; each takes the step's params and returns named numbers
ANSWERS = {
    "payments_fee": _payments_fee, "switch_links": _switch_links, "crossborder": _crossborder,
    "biometric_eer": _biometric_eer, "loan_cost": _loan_cost, "micro_premium": _micro_premium, "ruin": _ruin,
    "delay": _delay, "expected_tries": _expected_tries, "chain_work": _chain_work, "race": _race,
    "merkle": _merkle, "supply": _supply, "aml_line": _aml_line, "amm": _amm, "channels": _channels,
}


def answer_values(step: Step) -> dict:
    """The answer key numbers of a step (computed by core for its prepared scenario); {} if it has none."""
    if step.answer is None:
        return {}
    values = ANSWERS[step.answer](step.params)
    return {k: (float(v) if isinstance(v, float) and math.isfinite(v) else v) for k, v in values.items()}
