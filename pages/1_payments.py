"""Chapter 2 · Internet payments: lifecycle on a ledger, models and clearing, security, cross-border, future.

Only the open tab runs (``ui.sections``): each tab is a function below, in the order of the lesson.
"""
import time
from contextlib import contextmanager

import numpy as np
import streamlit as st

import ui
from ui import timeline
from core import biometrics, crypto, iot, payments
from core import crossborder as xborder  # the names risk and crossborder are this page's sections
from core import risk as fraud
from core.errors import InputError
# this script runs again on every rerun: its cached functions, tables and chart builders live in
# ui.draw_payments, imported once (a cache defined here would be re-created, and its source re-read, each rerun)
from ui import draw_payments as draw
from ui.draw_payments import (arrivals, bio_run, chain_steps, fact_rows, gcm_steps, label_col, live_trace, message_path,
                              rfc6238_check, risk_at, risk_cost_at, risk_stream, sealed, signed_order, stored_passwords)

T = ui.frame("payments")
ui.header("payments")


def intro(key: str) -> None:
    """A tab's explanation; in presenter mode it folds away so the projected screen stays short."""
    ui.explain(T(key), T("payments.explanation"))


@contextmanager
def refusal():
    """The platform refusing (a wrong or expired code, a bad ID, an overdraft, a tampered message) is the lesson
    working, not an app error: its translated reason as a warning.  Anything else goes on to ``ui.guard``."""
    try:
        yield
    except InputError as exc:
        if not T.has(f"errors.{exc.key}"):
            raise
        st.warning(T(f"errors.{exc.key}", **exc.params), icon="🛑")


def scenario_seed() -> int:
    """The payment scenario's seed, ``?seed=``: one control shown by the lifecycle, encryption and identity
    tabs (only one of them runs at a time), so keys, codes and order numbers agree across the three."""
    return st.slider(T("payments.seed"), 0, 9999, 42, key="seed", help=T("payments.seed_help"), **ui.BIND)


# ====================================================================== 1 lifecycle
def lifecycle() -> None:
    st.subheader(T("payments.life.heading"))
    intro("payments.life.intro")
    c1, c2, c3 = st.columns(3)
    id_number = c1.text_input(T("payments.life.id"), payments.SAMPLE_ID, max_chars=18, key="life_id",
                              persist_state="page", help=T("payments.life.id_help"))
    card = c2.text_input(T("payments.life.card"), payments.SAMPLE_CARD, max_chars=23, key="life_card",
                         persist_state="page", help=T("payments.life.card_help"))
    typed = c3.radio(T("payments.life.code"), ["correct", "wrong", "expired"], key="life_code", persist_state="page",
                     format_func=lambda o: T(f"payments.life.code_{o}"), help=T("payments.life.code_help"))
    # the amounts wait behind one click: on a phone the ledger comes within about a screen of the tab's top
    amounts = st.expander(T("payments.life.amounts"))
    c1, c2, c3, c4, c5 = amounts.columns(5)
    top_up = c1.number_input(T("payments.life.topup"), 1.0, 50_000.0, 1_000.0, 100.0, format="%.2f",
                             key="life_topup", persist_state="page", help=T("payments.life.topup_help"))
    pay = c2.number_input(T("payments.life.pay"), 0.01, 50_000.0, 388.0, 10.0, format="%.2f", key="life_pay",
                          persist_state="page", help=T("payments.life.pay_help"))
    refund = c3.number_input(T("payments.life.refund"), 0.01, 50_000.0, 88.0, 10.0, format="%.2f",
                             key="life_refund", persist_state="page", help=T("payments.life.refund_help"))
    fee_bp = c4.slider(T("payments.life.fee"), 0, 100, 60, key="fee", help=T("payments.life.fee_help"), **ui.BIND)
    limit = c5.number_input(T("payments.life.limit"), 100, 50_000, 20_000, 1_000, key="life_limit",
                            persist_state="page", help=T("payments.life.limit_help"))
    seed = scenario_seed()

    # the one-time code follows the wall clock, so this small trace (< 1 ms) is rebuilt, not cached
    now = int(time.time())
    secret = payments.otp_secret(seed)
    sent = crypto.totp(secret, now)
    code = {"correct": sent, "wrong": f"{(int(sent) + 137) % 1_000_000:06d}",
            "expired": crypto.totp(secret, now - 180)}[typed]
    trace = None
    with ui.guard():
        with refusal():
            trace = payments.lifecycle_trace(seed, id_number, card, code, now, 500_000, round(top_up * 100),
                                             round(pay * 100), round(refund * 100), fee_bp, int(limit) * 100)
    if trace is not None:     # a refusal replaces the picture: no earlier run stays on screen as if it were this one
        lifecycle_run(trace)
    try_it(seed, limit)


def lifecycle_run(trace) -> None:
    """The accepted scenario: the ledger player, what happened, its source and download."""
    ui.step_player(trace, draw.draw_ledger_step, key="pay_life")
    st.markdown(f"#### {T('payments.run_summary')}")     # the whole run, marked as such: the player reveals it
    final = trace.meta["platform"]
    settle = trace[5].params
    ui.what_happened(T("payments.life.happened", topup_fen=trace[3].params["amount_fen"],
                       pay_fen=trace[4].params["amount_fen"], fee_fen=settle["fee_fen"],
                       received_fen=settle["received_fen"], refund_fen=trace[6].params["amount_fen"],
                       reserve_fen=final.ledger.balance(payments.RESERVE),
                       customers_fen=final.customer_total(), postings=len(final.ledger.postings)))
    fact = fact_rows("payments_facts")["reserve_100pct"]
    ui.source_note(f"{fact[label_col()]} ({fact['date']}): {fact['source']}")
    ui.download_csv(payments.ledger_frame(final), "payments-ledger.csv", key="dl_life",
                    label=T("payments.life.download"))


def try_it(seed: int, limit: int) -> None:
    """The student's own books: one operation at a time, a refusal leaves them untouched."""
    st.markdown(f"#### {T('payments.try.heading')}")
    st.markdown(T("payments.try.intro"))
    # this visitor's own books (session state, not a shared cache): each operation replaces them with a copy
    if "pay_try" not in st.session_state:
        st.session_state["pay_try"] = payments.seeded_platform(seed, n_users=1, n_merchants=1,
                                                               daily_limit_fen=int(limit) * 100)
        st.session_state["pay_try_msg"] = None
    plat = st.session_state["pay_try"]
    c1, c2 = st.columns([1, 2])
    op = c1.radio(T("payments.try.op"), ["top_up", "pay", "settle", "refund", "withdraw"], key="try_op",
                  persist_state="page", format_func=lambda o: T(f"payments.try.op_{o}"),
                  help=T("payments.try.op_help"))
    amount = c1.number_input(T("payments.try.amount"), 0.0, 100_000.0, 100.0, 10.0, format="%.2f", key="try_amount",
                             persist_state="page", help=T("payments.try.amount_help"))
    b1, b2 = c1.columns(2)
    go_clicked = b1.button(T("payments.try.go"), key="try_go", type="primary", width="stretch")
    reset = b2.button(T("payments.try.reset"), key="try_reset", width="stretch")
    if reset:
        st.session_state["pay_try"] = payments.seeded_platform(seed, n_users=1, n_merchants=1,
                                                               daily_limit_fen=int(limit) * 100)
        st.session_state["pay_try_msg"] = None
        plat = st.session_state["pay_try"]
    if go_clicked:
        with ui.guard():
            trial = plat.copy()                       # work on a copy: a refusal leaves the books untouched
            fen = round(amount * 100)
            with refusal():
                if op == "top_up":
                    trial.top_up("u0", fen)
                elif op == "pay":
                    trial.pay("u0", "m0", fen)
                elif op == "settle":
                    trial.next_day()
                    trial.settle()
                elif op == "refund":
                    if not trial.payments:
                        raise InputError("payments_no_payment", "no payment to refund", pid=1)
                    trial.refund(trial.payments[-1].pid, fen)
                else:
                    trial.withdraw("u0", fen)
                st.session_state["pay_try"] = plat = trial
                st.session_state["pay_try_msg"] = (op, fen)
            if st.session_state.get("pay_try") is not trial:    # refused: the last success's message goes too
                st.session_state["pay_try_msg"] = None
    with c2:
        if st.session_state.get("pay_try_msg"):
            done, fen = st.session_state["pay_try_msg"]
            st.info(T(f"payments.try.done_{done}", amount_fen=fen))
        bal = plat.ledger.balances()
        st.dataframe(draw.try_balances_table(tuple(bal[a] for a in draw.TRY_ACCOUNTS), ui.lang()), hide_index=True,
                     width="stretch")
        chk = plat.checks()
        last = plat.payments[-1] if plat.payments else None
        st.markdown(("✅ " if chk["balanced"] and chk["reserve_ok"] else "❌ ") +
                    T("payments.try.status", reserve_fen=chk["reserve_fen"], customers_fen=chk["customers_fen"],
                      day=plat.day + 1, spent_fen=plat.spent_today("u0"), limit_fen=plat.daily_limit_fen,
                      postings=len(plat.ledger.postings)))
        if last:
            st.caption(T("payments.try.last_payment", pid=last.pid, amount_fen=last.amount_fen,
                         refunded_fen=last.refunded_fen,
                         settled=T("payments.try.yes") if last.settled else T("payments.try.no")))
    ui.takeaway(T("payments.life.takeaway"))


# ====================================================================== 2 models and clearing
def clearing() -> None:
    st.subheader(T("payments.clear.heading"))
    intro("payments.clear.intro")
    left, right = st.columns(2)
    left.markdown(T("payments.clear.four_party"))
    right.markdown(T("payments.clear.third_party"))
    model = st.radio(T("payments.clear.model"), ["four_party", "direct", "netsunion"], horizontal=True,
                     key="clear_model", persist_state="page", format_func=lambda m: T(f"payments.clear.model_{m}"),
                     help=T("payments.clear.model_help"))
    path_trace = message_path(model)
    ui.step_player(path_trace, draw.draw_path_step, key=f"pay_path_{model}")
    fact = fact_rows("payments_facts")
    cutover = fact["netsunion_cutover"]
    ui.source_note(f"{cutover[label_col()]} ({cutover['date']}): {cutover['source']}")

    st.markdown(f"#### {T('payments.clear.links_heading')}")
    c1, c2 = st.columns(2)
    n_inst = c1.slider(T("payments.clear.institutions"), 1, 300, 115, key="inst",
                       help=T("payments.clear.institutions_help"), **ui.BIND)
    n_banks = c2.slider(T("payments.clear.banks"), 1, 500, 424, key="banks",
                        help=T("payments.clear.banks_help"), **ui.BIND)
    nm, npm = payments.direct_links(n_inst, n_banks), payments.switch_links(n_inst, n_banks)
    m1, m2, m3 = st.columns(3)
    m1.metric(T("payments.clear.direct_links"), ui.num(nm))
    m2.metric(T("payments.clear.switch_links"), ui.num(npm))
    m3.metric(T("payments.clear.ratio"), f"{nm / npm:,.1f}×")
    # at most 10 of each are drawn: one picture for every count above 10
    n_show, m_show = min(n_inst, 10), min(n_banks, 10)
    g1, g2 = st.columns(2)
    with g1:
        ui.chart(draw.mesh_figure(n_show, m_show, False, T("payments.clear.mesh_title", n=n_show, m=m_show,
                                                           links=n_show * m_show)), key="clear_mesh")
    with g2:
        ui.chart(draw.mesh_figure(n_show, m_show, True, T("payments.clear.star_title", n=n_show, m=m_show,
                                                          links=n_show + m_show)), key="clear_star")
    st.caption(T("payments.clear.mesh_note"))
    connected = {y: (int(fact[f"netsunion_pis_{y}"]["value"]), int(fact[f"netsunion_banks_{y}"]["value"]))
                 for y in (2017, 2018)}
    markers = tuple((T("payments.clear.marker", year=y, n=n, m=m), n, m) for y, (n, m) in connected.items())
    ui.chart(draw.links_figure(n_inst, n_banks, markers), key="clear_links")
    ui.source_note(f"{fact['netsunion_banks_2018']['source']}; {fact['netsunion_banks_2017']['source']}")
    ui.what_happened(T("payments.clear.happened", n=n_inst, m=n_banks, nm=nm, npm=npm, ratio=nm / npm,
                       hops=len(path_trace), model=T(f"payments.clear.model_{model}")))
    ui.takeaway(T("payments.clear.takeaway"))


# ====================================================================== 3a encryption
def encryption() -> None:
    st.subheader(T("payments.enc.heading"))
    intro("payments.enc.intro")
    c1, c2, c3 = st.columns(3)
    enc_amount = c1.number_input(T("payments.enc.amount"), 0.01, 50_000.0, 100.0, 10.0, format="%.2f",
                                 key="enc_amount", persist_state="page", help=T("payments.enc.amount_help"))
    attack = c2.radio(T("payments.enc.attack"), ["none", "amount", "byte"], key="enc_attack", persist_state="page",
                      format_func=lambda a: T(f"payments.enc.attack_{a}"), help=T("payments.enc.attack_help"))
    seed = scenario_seed()
    message, box = sealed(seed, round(enc_amount * 100))
    byte_index = c3.slider(T("payments.enc.byte"), 0, len(message) - 1, 0, key="enc_byte", persist_state="page",
                           help=T("payments.enc.byte_help"), disabled=attack != "byte")
    ct = box["ciphertext"]
    digit_at = message.index(b'"amount_fen":') + len(b'"amount_fen":')
    if attack == "amount":
        target = ord("9") if message[digit_at] != ord("9") else ord("8")
        changed_at, xor = digit_at, message[digit_at] ^ target
    elif attack == "byte":
        changed_at, xor = byte_index, 0x01
    else:
        changed_at, xor = None, 0
    gcm = gcm_steps(seed, message, changed_at, xor or 1)
    tampered = gcm.meta["received"]
    st.markdown(f"**{T('payments.enc.plaintext')}**")
    st.code(message.decode(), language="json", wrap_lines=True)
    k1, k2 = st.columns(2)
    k1.markdown(f"**{T('payments.enc.key')}** `{box['key'].hex()}`")
    k2.markdown(f"**{T('payments.enc.nonce')}** `{box['nonce'].hex()}` · **{T('payments.enc.tag')}** "
                f"`{box['tag'].hex()}`")
    last = gcm[len(gcm) - 1]

    def draw_gcm(step) -> None:
        """The byte strips of this step; the bank's verdict and what happened only when the player reaches it."""
        draw.draw_bytes_step(step, changed_at if changed_at is not None else digit_at)
        if step is not last:
            st.caption(T("payments.enc.verdict_wait"))
            return
        accepted = None
        try:
            accepted = payments.receive_payment(box, tampered)
        except InputError as exc:     # a tamper caught is the lesson working: a warning, not an app error
            st.warning(T(f"errors.{exc.key}", **exc.params), icon="🛡️")
        if accepted is not None:
            st.success(T("payments.enc.accepted", amount_fen=accepted["amount_fen"], payee=accepted["payee"]),
                       icon="✅")
        else:
            naive = payments.unauthenticated_view(message, ct, tampered).decode("utf-8", errors="replace")
            st.markdown(f"**{T('payments.enc.naive')}**")
            st.code(naive, language="json", wrap_lines=True)
        ui.what_happened(T("payments.enc.happened", n=len(message), ct=len(ct), tag=len(box["tag"]) * 8,
                           result=T("payments.enc.result_ok") if accepted is not None
                           else T("payments.enc.result_refused")))

    ui.step_player(gcm, draw_gcm, key="pay_gcm")
    ui.takeaway(T("payments.enc.takeaway"))


# ====================================================================== 3b identity
def identity() -> None:
    st.subheader(T("payments.id.heading"))
    intro("payments.id.intro")
    seed = scenario_seed()

    st.markdown(f"#### {T('payments.id.pw_heading')}")
    c1, c2, c3 = st.columns(3)
    password = c1.text_input(T("payments.id.password"), "123456", max_chars=64, key="id_password",
                             persist_state="page", help=T("payments.id.password_help"))
    iterations = c2.select_slider(T("payments.id.iterations"), [1_000, 10_000, 100_000, 600_000], 100_000,
                                  key="id_iter", persist_state="page", help=T("payments.id.iterations_help"))
    alphabet = c3.radio(T("payments.id.alphabet"), [10, 26, 62, 94], index=0, key="id_alpha", horizontal=True,
                        persist_state="page", format_func=lambda a: T(f"payments.id.alpha_{a}"),
                        help=T("payments.id.alphabet_help"))
    length = c3.slider(T("payments.id.length"), 4, 12, 6, key="id_len", persist_state="page",
                       help=T("payments.id.length_help"))
    cost = {}
    with ui.guard():
        cost = {scheme: per_guess for scheme, _, _, per_guess in stored_passwords(password, seed, iterations)}
    if cost:
        st.dataframe(draw.password_table(password, seed, iterations, alphabet, length, ui.lang()), hide_index=True,
                     width="stretch")
        ui.download_csv(draw.password_table(password, seed, iterations, alphabet, length, ui.lang()).to_pandas(),
                        "payments-password-storage.csv", key="dl_pw")
        slow = tuple(sc for sc in payments.SCHEMES if sc != "plain")
        crack = tuple(max(payments.brute_force_seconds(alphabet, length, cost[sc]), 1e-3) for sc in slow)
        ui.chart(draw.crack_figure(slow, crack, length), key="id_crack")
        space = payments.keyspace(alphabet, length)
        ratio = cost["pbkdf2"] / max(cost["salted_sha256"], 1e-9)
        st.caption(T("payments.id.pw_note", space=space, iterations=iterations, ratio=ratio))

    st.markdown(f"#### {T('payments.id.otp_heading')}")
    st.markdown(T("payments.id.otp_intro"))
    otp_secret = payments.otp_secret(seed)

    live_clock = st.toggle(T("payments.id.otp_live"), False, key="id_otp_live", persist_state="page",
                           help=T("payments.id.otp_live_help"))

    @st.fragment(run_every=1 if live_clock else None)
    def otp_clock() -> None:
        t_now = int(time.time())
        left_s = crypto.totp_seconds_left(t_now)
        o1, o2 = st.columns([1, 2])
        o1.metric(T("payments.id.otp_code"), crypto.totp(otp_secret, t_now))
        o2.progress(left_s / 30, text=T("payments.id.otp_left", s=left_s))

    otp_clock()
    c1, c2 = st.columns([1, 2])
    entered = c1.text_input(T("payments.id.otp_enter"), "", max_chars=6, key="id_otp", persist_state="page",
                            help=T("payments.id.otp_enter_help"))
    if entered:
        with ui.guard():
            left_s = payments.verify_otp(otp_secret, entered, int(time.time()))
            c2.success(T("payments.id.otp_ok", s=left_s))
    checked = rfc6238_check()
    st.caption(T("payments.id.rfc", ok=sum(w == g for _, w, g in checked), n=len(checked),
                 detail=", ".join(f"T={t} → {g}" for t, _, g in checked)))

    st.markdown(f"#### {T('payments.id.sig_heading')}")
    c1, c2 = st.columns(2)
    sig_amount = c1.number_input(T("payments.id.sig_amount"), 0.01, 50_000.0, 100.0, 10.0, format="%.2f",
                                 key="sig_amount", persist_state="page", help=T("payments.id.sig_amount_help"))
    altered = c2.number_input(T("payments.id.sig_altered"), 0.01, 50_000.0, 100.0, 10.0, format="%.2f",
                              key="sig_altered", persist_state="page", help=T("payments.id.sig_altered_help"))
    order, received, signed, valid = signed_order(seed, round(sig_amount * 100), round(altered * 100))
    st.code(f"order     {order.decode()}\nreceived  {received.decode()}\n"
            f"pubkey    {signed['public_key'].hex()}\nsignature {signed['signature'].hex()}", language=None,
            wrap_lines=True)
    if valid:
        st.success(T("payments.id.sig_ok", amount_fen=round(altered * 100)))
    else:
        st.warning(T("payments.id.sig_bad", signed_fen=round(sig_amount * 100), got_fen=round(altered * 100)))
    verdict = T("payments.id.valid_yes") if valid else T("payments.id.valid_no")
    if "pbkdf2" in cost and "salted_sha256" in cost:
        ui.what_happened(T("payments.id.happened", iterations=iterations,
                           ratio=cost["pbkdf2"] / max(cost["salted_sha256"], 1e-9),
                           siglen=len(signed["signature"]), valid=verdict))
    else:                                  # the password was refused: report the signature only
        ui.what_happened(T("payments.id.happened_sig", siglen=len(signed["signature"]), valid=verdict))
    ui.takeaway(T("payments.id.takeaway"))


# ====================================================================== 3c risk monitoring
def risk() -> None:
    st.subheader(T("payments.risk.heading"))
    intro("payments.risk.intro")
    c1, c2, c3, c4 = st.columns(4)
    # sliders, not number inputs: Streamlit 1.67 crashes on a URL-bound integer number input given ?rseed=inf
    r_seed = c1.slider(T("payments.seed"), 0, 9999, 7, key="rseed", help=T("payments.seed_help"), **ui.BIND)
    n_cust = c2.slider(T("payments.risk.customers"), 50, 2000, 300, 50, key="cust",
                       help=T("payments.risk.customers_help"), **ui.BIND)
    days = c3.slider(T("payments.risk.days"), 1, 14, 7, key="days", help=T("payments.risk.days_help"), **ui.BIND)
    attacks = c4.slider(T("payments.risk.attacks"), 0, 200, 40, key="attacks",
                        help=T("payments.risk.attacks_help"), **ui.BIND)
    with st.expander(T("payments.risk.weights")):
        st.markdown(T("payments.risk.weights_intro"))
        wcols = st.columns(3)
        weights = {r.name: wcols[i % 3].slider(T(f"payments.risk.rule.{r.name}"), 0, 60, r.weight, 5,
                                                key=f"risk_w_{r.name}", persist_state="page",
                                                help=T(f"payments.risk.rule_help.{r.name}"))
                   for i, r in enumerate(fraud.DEFAULT_RULES)}
    max_score = sum(weights.values())
    threshold = st.slider(T("payments.risk.threshold"), 0, 170, 50, 5, key="thr",
                          help=T("payments.risk.threshold_help"), **ui.BIND)

    scenario = (int(r_seed), n_cust, days, attacks)
    w = draw.weights_key(weights)
    n_payments = len(risk_stream(*scenario))
    view = risk_at(*scenario, w, threshold)
    conf, fraud_n = view["conf"], view["fraud_n"]
    m = st.columns(5)
    m[0].metric(T("payments.risk.m_payments"), ui.num(n_payments))
    m[1].metric(T("payments.risk.m_alerts"), ui.num(conf["alerts"]))
    m[2].metric(T("payments.risk.m_precision"), "—" if np.isnan(conf["precision"]) else ui.pct(conf["precision"]))
    m[3].metric(T("payments.risk.m_recall"), "—" if np.isnan(conf["recall"]) else ui.pct(conf["recall"]))
    m[4].metric(T("payments.risk.m_missed"), ui.num(conf["fn"]))
    left, right = st.columns(2)
    with left:
        ui.chart(draw.confusion_figure(conf["tp"], conf["fn"], conf["fp"], conf["tn"]), key="risk_matrix")
    with right:
        ui.chart(draw.sweep_figure(scenario, w, threshold), key="risk_sweep")
    st.markdown(T("payments.risk.per_pattern") + " " + " · ".join(
        T("payments.risk.pattern_line", name=T(f"payments.risk.pattern.{p}"), caught=caught, total=total)
        for p, caught, total in view["per_pattern"]))

    st.markdown(f"#### {T('payments.risk.cost_heading')}")
    c1, c2 = st.columns([1, 3])
    # a slider, like the seed above: a URL-bound integer number input crashes on ?review=inf (Streamlit 1.67)
    review = c1.slider(T("payments.risk.review_cost"), 0, 500, 20, 5, key="review",
                             help=T("payments.risk.review_cost_help"), **ui.BIND)
    cost_at = risk_cost_at(*scenario, w, int(review), threshold)
    here, best = cost_at["here"], cost_at["best"]
    with c1:
        st.metric(T("payments.risk.cost_here"), ui.yuan(here["total"]))
        st.metric(T("payments.risk.cost_best", t=int(best["threshold"])), ui.yuan(best["total"]))
    with c2:
        ui.chart(draw.risk_cost_figure(scenario, w, int(review), threshold), key="risk_cost")
    st.caption(T("payments.risk.cost_text", t=threshold, review_yuan=here["review_cost"], loss=here["fraud_loss"],
                 best=int(best["threshold"]), best_total=best["total"], per=int(review)))

    st.markdown(f"#### {T('payments.risk.queue')}")
    queue = draw.alert_table(*scenario, w, threshold, ui.lang())
    if queue is None:
        st.info(T("payments.risk.no_alerts"))
    else:
        st.dataframe(queue, hide_index=True, width="stretch")

    st.markdown(f"#### {T('payments.risk.live')}")
    live = live_trace(*scenario, w, threshold)

    def draw_live(step) -> None:
        history = step.state["history"]
        l1, l2 = st.columns([2, 3])
        with l1:
            ui.chart(draw.live_figure(*(tuple(h[col] for h in history) for col in ("seen", "tp", "fp", "fn")),
                                      step.state["total"]))
        with l2:
            st.markdown(f"**{T('payments.risk.live_latest')}**")
            index = next(i for i, s in enumerate(live) if s is step)
            latest = draw.live_alert_table(*scenario, w, threshold, index, ui.lang())
            if latest is None:
                st.caption(T("payments.risk.no_alerts"))
            else:
                st.dataframe(latest, hide_index=True, width="stretch")

    ui.step_player(live, draw_live, key="pay_risk_live")
    if conf["alerts"] == 0:
        ui.what_happened(T("payments.risk.happened_none", n=n_payments, fraud=fraud_n, threshold=threshold,
                           max_score=max_score))
    else:
        ui.what_happened(T("payments.risk.happened", n=n_payments, fraud=fraud_n, threshold=threshold,
                           alerts=conf["alerts"], tp=conf["tp"], fp=conf["fp"], fn=conf["fn"],
                           precision=0.0 if np.isnan(conf["precision"]) else conf["precision"],
                           recall=0.0 if np.isnan(conf["recall"]) else conf["recall"], max_score=max_score))
    ui.source_note(T("payments.risk.source"))
    ui.download_csv(draw.risk_download(*scenario, w, threshold), "payments-risk-stream.csv", key="dl_risk",
                    label=T("payments.risk.download"))
    ui.takeaway(T("payments.risk.takeaway"))


# ====================================================================== 4 cross-border
def crossborder() -> None:
    st.subheader(T("payments.xb.heading"))
    intro("payments.xb.intro")
    c1, c2, c3, c4 = st.columns(4)
    hops = c1.slider(T("payments.xb.hops"), 0, 6, 2, key="hops", help=T("payments.xb.hops_help"), **ui.BIND)
    sender_fee = c2.slider(T("payments.xb.sender_fee"), 0.0, 30.0, 5.0, 0.5, key="xb_sfee", persist_state="page",
                           help=T("payments.xb.sender_fee_help"))
    hop_fee = c3.slider(T("payments.xb.hop_fee"), 0.0, 30.0, 3.0, 0.5, key="xb_hfee", persist_state="page",
                        help=T("payments.xb.hop_fee_help"))
    fx = c4.slider(T("payments.xb.fx"), 0.0, 5.0, 2.0, 0.1, key="xb_fx", persist_state="page",
                   help=T("payments.xb.fx_help"))
    # the second row waits behind one click: on a phone the chain comes within about a screen of the tab's top
    c1, c2, c3, c4 = st.expander(T("payments.xb.more")).columns(4)
    recv_fee = c1.slider(T("payments.xb.receiver_fee"), 0.0, 30.0, 2.0, 0.5, key="xb_rfee", persist_state="page",
                         help=T("payments.xb.receiver_fee_help"))
    leg_min = c2.slider(T("payments.xb.leg_minutes"), 1, 240, 20, key="xb_leg", persist_state="page",
                        help=T("payments.xb.leg_minutes_help"))
    cutoff = c3.slider(T("payments.xb.cutoff"), 0, 50, 10, key="xb_cutoff", persist_state="page",
                       help=T("payments.xb.cutoff_help"))
    dlt_fee = c4.slider(T("payments.xb.ledger_fee"), 0.0, 10.0, 1.0, 0.5, key="xb_lfee", persist_state="page",
                        help=T("payments.xb.ledger_fee_help"))
    amount_usd = 200.0
    chain = chain_steps(amount_usd, hops, sender_fee, hop_fee, recv_fee, fx / 100, leg_min / 60)
    ui.step_player(chain, draw.draw_chain_step, key="pay_xb_chain")

    chain_pct = xborder.chain_cost(amount_usd, hops, sender_fee, hop_fee, recv_fee, fx / 100)
    ledger_pct = xborder.ledger_cost(amount_usd, dlt_fee, fx / 100)
    within1, within24, median_h = arrivals(leg_min, cutoff)[hops]
    left, right = st.columns(2)
    with left:
        ui.chart(draw.xb_cost_figure(amount_usd, hops, sender_fee, hop_fee, recv_fee, fx / 100, ledger_pct),
                 key="xb_cost")
    with right:
        ui.chart(draw.xb_speed_figure(hops, leg_min, cutoff), key="xb_speed")
    xb = fact_rows("crossborder")
    ui.what_happened(T("payments.xb.happened", hops=hops, legs=hops + 1, cost=chain_pct, cost_usd=chain_pct * amount_usd,
                       within1=within1, within24=within24, median=median_h, ledger=ledger_pct,
                       wb=float(xb["wb_global_avg_q3_2025"]["value"]) / 100,
                       target=float(xb["g20_speed_1h"]["value"]) / 100))
    with st.expander(T("payments.xb.facts")):
        st.dataframe(draw.crossborder_fact_table(ui.lang()), hide_index=True, width="stretch")
        ui.download_csv(draw.crossborder_fact_table(ui.lang()).to_pandas(), "payments-crossborder-facts.csv",
                        key="dl_xb")
    st.caption(T("payments.xb.model_note"))
    ui.takeaway(T("payments.xb.takeaway"))


# ====================================================================== 5 future payments
def future() -> None:
    st.subheader(T("payments.bio.heading"))
    intro("payments.bio.intro")
    c1, c2, c3, c4 = st.columns(4)
    # a slider, not a number input: Streamlit 1.67 crashes on a URL-bound integer number input given ?bseed=inf
    b_seed = c1.slider(T("payments.seed"), 0, 9999, 11, key="bseed", help=T("payments.seed_help"), **ui.BIND)
    dprime = c2.slider(T("payments.bio.separation"), 0.5, 6.0, 3.0, 0.1, key="dprime",
                       help=T("payments.bio.separation_help"), **ui.BIND)
    spread = c3.slider(T("payments.bio.spread"), 0.5, 2.0, 1.0, 0.1, key="bio_spread", persist_state="page",
                       help=T("payments.bio.spread_help"))
    bio_t = c4.slider(T("payments.bio.threshold"), 0.0, 100.0, 55.0, 0.5, key="bthr",
                      help=T("payments.bio.threshold_help"), **ui.BIND)

    scenario = (int(b_seed), float(dprime), float(spread))
    sc, (eer_t, eer), curve = bio_run(*scenario)
    far_v, frr_v = biometrics.far(sc["impostor"], bio_t), biometrics.frr(sc["genuine"], bio_t)
    m = st.columns(4)
    m[0].metric(T("payments.bio.far"), ui.pct(far_v, 2))
    m[1].metric(T("payments.bio.frr"), ui.pct(frr_v, 2))
    m[2].metric(T("payments.bio.eer"), ui.pct(eer, 2))
    m[3].metric(T("payments.bio.eer_t"), ui.num(eer_t, 1))
    left, right = st.columns(2)
    with left:
        ui.chart(draw.bio_dist_figure(*scenario, bio_t), key="bio_dist")
    with right:
        ui.chart(draw.bio_det_figure(*scenario, bio_t), key="bio_det")
    ui.what_happened(T("payments.bio.happened", t=bio_t, far=far_v, frr=frr_v, per_million=far_v * 1e6,
                       per_thousand=frr_v * 1000, eer=eer, eer_t=eer_t))
    ui.source_note(T("payments.bio.source"))
    st.markdown(f"#### {T('payments.future.heading')}")
    n1, n2 = st.columns(2)
    with n1.container(border=True):
        st.markdown(T("payments.future.iot"))
        ui.source_note(T("payments.future.iot_source"))
    with n2.container(border=True):
        st.markdown(T("payments.future.chain"))
        ui.source_note(T("payments.future.chain_source"))
    ui.download_csv(curve, "payments-biometric-far-frr.csv",
                    key="dl_bio", label=T("payments.bio.download"))
    ui.takeaway(T("payments.bio.takeaway"))


# ====================================================================== 6 IoT payment
def iot_payment() -> None:
    st.subheader(T("payments.iot.heading"))
    intro("payments.iot.intro")
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        seed = scenario_seed()
    per_tx = c2.slider(T("payments.iot.per_tx"), 10, 500, 100, 10, key="iot_tx", help=T("payments.iot.per_tx_help"),
                       **ui.BIND)
    daily = c3.slider(T("payments.iot.daily"), 10, 1000, 150, 10, key="iot_day", help=T("payments.iot.daily_help"),
                      **ui.BIND)
    balance = c4.slider(T("payments.iot.balance"), 0, 2000, 300, 10, key="iot_bal", help=T("payments.iot.balance_help"),
                        **ui.BIND)
    t1, t2, t3 = st.columns(3)
    stolen = t1.toggle(T("payments.iot.stolen"), True, key="iot_stolen", persist_state="page",
                       help=T("payments.iot.stolen_help"))
    replay = t2.toggle(T("payments.iot.replay"), True, key="iot_replay", persist_state="page",
                       help=T("payments.iot.replay_help"))
    forge = t3.toggle(T("payments.iot.forge"), True, key="iot_forge", persist_state="page",
                      help=T("payments.iot.forge_help"))
    trace = None
    with ui.guard():
        trace = draw.iot_run(int(seed), int(per_tx) * 100, int(daily) * 100, int(balance) * 100, stolen, replay, forge)
    if trace is None:
        return
    meta = trace.meta
    rows = draw.iot_rows(trace)
    st.caption(T("payments.iot.key_line", device=meta["device"], pubkey=meta["public_key"]))
    ui.step_player(trace, lambda step: draw.draw_iot_step(step, rows, meta["daily_limit_fen"],
                                                          meta["per_tx_limit_fen"]), key="pay_iot")
    st.markdown(f"#### {T('payments.run_summary')}")

    s = iot.summary(trace)
    counts = tuple((r, s["by_reason"][r]) for r in iot.REASONS)
    left, right = st.columns([2, 3])
    with left:
        ui.chart(draw.iot_reason_figure(counts), key="iot_reasons")
    with right:
        st.markdown(f"**{T('payments.iot.table_heading')}**")
        st.dataframe(draw.iot_table(rows, ui.lang()), hide_index=True, width="stretch", height=360)
    by = s["by_reason"]
    ui.what_happened(T("payments.iot.happened", orders=s["orders"], accepted=by["accepted"],
                       accepted_fen=s["accepted_fen"], refused=s["refused"], signature=by["signature"],
                       counter=by["counter"], revoked=by["not_revoked"], limits=by["per_tx"] + by["daily"],
                       balance=by["balance"], wallet_start_fen=s["wallet_start_fen"],
                       wallet_end_fen=s["wallet_end_fen"], total_fen=s["total_end_fen"]))
    ui.source_note(T("payments.iot.source"))
    ui.download_csv(iot.run_frame(trace), "payments-iot-orders.csv", key="dl_iot", label=T("payments.iot.download"))
    ui.takeaway(T("payments.iot.takeaway"))


# ====================================================================== 7 history and outlook
def history() -> None:
    st.subheader(T("payments.hist.heading"))
    intro("payments.hist.intro")
    view = timeline.show("payments_history", draw.HIST_AREAS, prefix="payments.hist", key="pay_hist",
                         years_param="pyears")
    if view is None:
        return
    start, end = view["start"], view["end"]
    ui.chart(draw.history_figure(start, end), key="hist_adoption")
    numbers = draw.history_numbers(start, end)
    if "users_online" in numbers and "nonbank_txn" in numbers:
        d0, u0, d1, u1, u1_lower = numbers["users_online"]
        t0, n0, t1, n1, _ = numbers["nonbank_txn"]
        ui.what_happened(T("payments.hist.happened", start=start, end=end, shown=len(view["shown"]),
                           d0=d0, u0=draw.hist_people(u0), d1=d1, u1=draw.hist_people(u1, u1_lower),
                           growth=T("payments.hist.growth_at_least" if u1_lower else "payments.hist.growth", ratio=u1 / u0),
                           t0=t0, n0=draw.hist_payments(n0), t1=t1, n1=draw.hist_payments(n1), txn_ratio=n1 / n0))
    elif "newest" in numbers:
        date, title_zh, title_en = numbers["newest"]
        ui.what_happened(T("payments.hist.happened_some", start=start, end=end, shown=len(view["shown"]), date=date,
                           title=title_zh if ui.lang() == "zh" else title_en))
    else:
        ui.what_happened(T("payments.hist.happened_none", start=start, end=end, shown=len(view["shown"])))
    ui.source_note(T("payments.hist.source"))
    ui.download_csv(view["download"], "payments-history.csv", key="dl_hist", label=T("payments.hist.download"))
    st.markdown(f"#### {T('payments.hist.outlook_heading')}")
    st.markdown(T("payments.hist.outlook"))
    ui.takeaway(T("payments.hist.takeaway"))


# which tab teaches each heading of the course deck's chapter 2 (any of the listed tabs counts)
DECK_MAP = {"history": ("history",), "register": ("lifecycle",), "topup": ("lifecycle",), "settle": ("lifecycle",),
            "encryption": ("encryption",), "identity": ("identity",), "risk": ("risk",),
            "face": ("future",), "blockchain": ("crossborder", "future"), "iot": ("iot",)}


def chapter_map() -> None:
    """Chapter 2 in one look: for each heading of the course deck, the student names the tab that showed it."""
    st.subheader(f"🧭 {T('payments.map.heading')}")
    st.markdown(T("payments.map.intro"))
    tabs = ["lifecycle", "clearing", "encryption", "identity", "risk", "crossborder", "future", "iot", "history"]
    right = 0
    cols = st.columns(2)
    for n, (heading, answers) in enumerate(DECK_MAP.items()):
        with cols[n % 2]:
            # options are indices, as in ui.quiz: a choice is the same in both languages
            picked = st.selectbox(T(f"payments.map.q.{heading}"), list(range(len(tabs))), index=None,
                                  key=f"chmap_{heading}", format_func=lambda i: T(f"payments.tab.{tabs[i]}"),
                                  placeholder=T("payments.map.pick"))
            if picked is None:
                continue
            if tabs[picked] in answers:
                right += 1
                st.caption(f"✅ {T(f'payments.map.why.{heading}')}")
            else:
                st.caption(f"❌ {T('payments.map.wrong', tab=T(f'payments.tab.{answers[0]}'))} "
                           f"{T(f'payments.map.why.{heading}')}")
    st.caption(T("payments.map.score", right=right, total=len(DECK_MAP)))


ui.sections("payments", {"lifecycle": lifecycle, "clearing": clearing, "encryption": encryption,
                         "identity": identity, "risk": risk, "crossborder": crossborder,
                         "future": future, "iot": iot_payment, "history": history})

st.divider()
chapter_map()
ui.quiz("payments", ["q1", "q2", "q3", "q4", "q5", "q6", "q7"])
if "pay_try" in st.session_state:   # the student's own "try it" books, once the lifecycle tab has opened them
    ui.download_csv(payments.ledger_frame(st.session_state["pay_try"]), "payments-try-ledger.csv",
                    key="dl_try", label=T("payments.try.download"))
ui.references("payments")
