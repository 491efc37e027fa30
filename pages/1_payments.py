"""Chapter 2 · Internet payments: lifecycle on a ledger, models and clearing, security, cross-border, future.

Only the open tab runs (``ui.sections``): each tab is a function below, in the order of the lesson.
"""
import time

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

import ui
from core import biometrics, crypto, payments
from core import crossborder as xborder  # the names risk and crossborder are this page's sections
from core import risk as fraud
from core.errors import InputError
from ui import draw_payments as draw

T = ui.frame("payments")
ui.header("payments")


# shared read-only by every visitor (never mutated), so a cache hit costs no copy
@st.cache_resource(show_spinner=False, max_entries=4)
def facts(name: str) -> pd.DataFrame:
    return payments.load_facts(name)


def intro(key: str) -> None:
    """A tab's explanation; in presenter mode it folds away so the projected screen stays short."""
    if ui.presenter():
        with st.expander(T("payments.explanation")):
            st.markdown(T(key))
    else:
        st.markdown(T(key))


def label_col() -> str:
    return "label_zh" if ui.lang() == "zh" else "label_en"


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
    c1, c2, c3, c4, c5 = st.columns(5)
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
    with ui.guard():
        trace = payments.lifecycle_trace(seed, id_number, card, code, now, 500_000, round(top_up * 100),
                                         round(pay * 100), round(refund * 100), fee_bp, int(limit) * 100)
        st.session_state["pay_life_trace"] = trace
    trace = st.session_state.get("pay_life_trace")
    if trace is None:   # the very first scenario was refused: show the sample one
        trace = payments.lifecycle_trace(seed, now=now)
    ui.step_player(trace, draw.draw_ledger_step, key="pay_life")
    final = trace.meta["platform"]
    settle = trace[5].params
    ui.what_happened(T("payments.life.happened", topup_fen=trace[3].params["amount_fen"],
                       pay_fen=trace[4].params["amount_fen"], fee_fen=settle["fee_fen"],
                       received_fen=settle["received_fen"], refund_fen=trace[6].params["amount_fen"],
                       reserve_fen=final.ledger.balance(payments.RESERVE),
                       customers_fen=final.customer_total(), postings=len(final.ledger.postings)))
    fact = facts("payments_facts").loc["reserve_100pct"]
    ui.source_note(f"{fact[label_col()]} ({fact['date']}): {fact['source']}")
    ui.download_csv(payments.ledger_frame(final), "payments-ledger.csv", key="dl_life",
                    label=T("payments.life.download"))

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
    with c2:
        if st.session_state.get("pay_try_msg"):
            done, fen = st.session_state["pay_try_msg"]
            st.info(T(f"payments.try.done_{done}", amount_fen=fen))
        bal = plat.ledger.balances()
        rows = [{T("payments.life.col_account"): draw.account_label(a.replace("u0", "user").replace("m0", "merchant")),
                 T("payments.try.col_balance"): ui.money(bal[a])}
                for a in ["u0.bank", "u0.wallet", "m0.wallet", "m0.bank", "reserve", "fee_income"]]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
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
@st.cache_resource(show_spinner=False, max_entries=4)
def message_path(model: str):
    """The message path of one payment model (a read-only trace shared by every visitor)."""
    return payments.message_path_trace(model)


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
    fact_table = facts("payments_facts")
    cutover = fact_table.loc["netsunion_cutover"]
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
    n_show, m_show = min(n_inst, 10), min(n_banks, 10)
    g1, g2 = st.columns(2)
    with g1:
        ui.chart(draw.mesh_figure(n_inst, n_banks, False, T("payments.clear.mesh_title", n=n_show, m=m_show,
                                                            links=n_show * m_show)), key="clear_mesh")
    with g2:
        ui.chart(draw.mesh_figure(n_inst, n_banks, True, T("payments.clear.star_title", n=n_show, m=m_show,
                                                           links=n_show + m_show)), key="clear_star")
    st.caption(T("payments.clear.mesh_note"))
    connected = {y: (int(fact_table.loc[f"netsunion_pis_{y}", "value"]),
                     int(fact_table.loc[f"netsunion_banks_{y}", "value"])) for y in (2017, 2018)}
    markers = [(T("payments.clear.marker", year=y, n=n, m=m), n, m) for y, (n, m) in connected.items()]
    ui.chart(draw.links_figure(n_inst, n_banks, markers), key="clear_links")
    ui.source_note(f"{fact_table.loc['netsunion_banks_2018', 'source']}; "
                   f"{fact_table.loc['netsunion_banks_2017', 'source']}")
    ui.what_happened(T("payments.clear.happened", n=n_inst, m=n_banks, nm=nm, npm=npm, ratio=nm / npm,
                       hops=len(path_trace), model=T(f"payments.clear.model_{model}")))
    ui.takeaway(T("payments.clear.takeaway"))


# ====================================================================== 3a encryption
@st.cache_data(show_spinner=False, max_entries=64)
def sealed(seed: int, amount_fen: int) -> tuple[bytes, dict]:
    """The payment order and its AES-GCM box (key, nonce, ciphertext, tag), derived from the seed."""
    message = payments.payment_message("user-1024", "shop-88", amount_fen, f"A{seed:04d}")
    return message, payments.encrypt_payment(seed, message)


@st.cache_data(show_spinner=False, max_entries=64)
def gcm_steps(seed: int, message: bytes, changed_at: int | None, xor: int):
    return payments.gcm_trace(seed, message, changed_at, xor)


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
    st.code(message.decode(), language="json")
    k1, k2 = st.columns(2)
    k1.markdown(f"**{T('payments.enc.key')}** `{box['key'].hex()}`")
    k2.markdown(f"**{T('payments.enc.nonce')}** `{box['nonce'].hex()}` · **{T('payments.enc.tag')}** "
                f"`{box['tag'].hex()}`")
    ui.step_player(gcm, draw.draw_bytes_step, key="pay_gcm")
    accepted = None
    with ui.guard():
        accepted = payments.receive_payment(box, tampered)
    if accepted is not None:
        st.success(T("payments.enc.accepted", amount_fen=accepted["amount_fen"], payee=accepted["payee"]))
    else:
        naive = payments.unauthenticated_view(message, ct, tampered).decode("utf-8", errors="replace")
        st.markdown(f"**{T('payments.enc.naive')}**")
        st.code(naive, language="json")
    ui.what_happened(T("payments.enc.happened", n=len(message), ct=len(ct), tag=len(box["tag"]) * 8,
                       result=T("payments.enc.result_ok") if accepted is not None else T("payments.enc.result_refused")))
    ui.takeaway(T("payments.enc.takeaway"))


# ====================================================================== 3b identity
@st.cache_data(show_spinner=False, max_entries=16)
def guess_cost(scheme: str, iters: int) -> float:
    return payments.seconds_per_guess(scheme, iters)


@st.cache_data(show_spinner=False, max_entries=256)
def stored(pw: str, scheme: str, salt: bytes, iters: int) -> str:
    return payments.store_password(pw, scheme, salt, iters)


@st.cache_data(show_spinner=False, max_entries=64)
def signed_order(seed: int, signed_fen: int, received_fen: int) -> tuple[bytes, bytes, dict, bool]:
    """The order as signed, the order as received, the key and signature, and whether it verifies."""
    order = payments.payment_message("user-1024", "shop-88", signed_fen, f"A{seed:04d}")
    received = payments.payment_message("user-1024", "shop-88", received_fen, f"A{seed:04d}")
    signed = payments.sign_order(seed, order)
    return order, received, signed, payments.verify_order(signed["public_key"], received, signed["signature"])


@st.cache_data(show_spinner=False, max_entries=1)
def rfc6238_check() -> list[tuple[int, str, str]]:
    """RFC 6238 appendix B test vectors (SHA-1, 8 digits): time, expected code, code computed here."""
    vectors = [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (2000000000, "69279037")]
    return [(t, want, crypto.totp(b"12345678901234567890", t, digits=8)) for t, want in vectors]


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
    salts = [payments.demo_key(seed, "salt-a"), payments.demo_key(seed, "salt-b")]

    def duration(seconds: float) -> str:
        if seconds < 120:
            return T("payments.id.duration", value=f"{seconds:,.1f}", unit_name=T("payments.id.unit_s"))
        if seconds < 3 * 86_400:
            return T("payments.id.duration", value=f"{seconds / 3600:,.1f}", unit_name=T("payments.id.unit_h"))
        if seconds < 730 * 86_400:
            return T("payments.id.duration", value=f"{seconds / 86_400:,.1f}", unit_name=T("payments.id.unit_d"))
        return T("payments.id.duration", value=f"{seconds / 31_557_600:,.0f}", unit_name=T("payments.id.unit_y"))

    rows, cost = [], {}
    with ui.guard():
        for scheme in payments.SCHEMES:
            a = stored(password, scheme, salts[0], iterations)
            b = stored(password, scheme, salts[1], iterations)
            # a salt does not change the work of one SHA-256, so both rows use one measurement
            cost[scheme] = guess_cost("salted_sha256" if scheme == "sha256" else scheme, iterations)
            seconds = payments.brute_force_seconds(alphabet, length, cost[scheme])
            rows.append({T("payments.id.col_scheme"): T(f"payments.id.scheme_{scheme}"),
                         T("payments.id.col_user_a"): a[:24] + ("…" if len(a) > 24 else ""),
                         T("payments.id.col_user_b"): b[:24] + ("…" if len(b) > 24 else ""),
                         T("payments.id.col_same"): "⚠️" if a == b else "—",
                         T("payments.id.col_guess"): f"{cost[scheme] * 1e6:,.1f} µs",
                         T("payments.id.col_crack"): T("payments.id.instant") if scheme == "plain" else duration(seconds)})
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        slow = [sc for sc in payments.SCHEMES if sc != "plain"]
        crack = [max(payments.brute_force_seconds(alphabet, length, cost[sc]), 1e-3) for sc in slow]
        marks = [(1, "s"), (3600, "h"), (86_400, "d"), (31_557_600, "y")]
        fig = go.Figure(go.Bar(x=[T(f"payments.id.scheme_{sc}") for sc in slow], y=crack,
                               marker_color=[ui.OKABE_ITO[5], ui.OKABE_ITO[1], ui.OKABE_ITO[2], ui.OKABE_ITO[0]],
                               text=[duration(v) for v in crack], textposition="outside"))
        fig.update_layout(height=320, yaxis=dict(type="log", tickvals=[m for m, _ in marks],
                                                 ticktext=[T(f"payments.id.tick_{u}") for _, u in marks]),
                          title=T("payments.id.crack_title", length=length))
        ui.chart(fig, key="id_crack")
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
# shared read-only across visitors (never mutated), so no per-run copy of the stream or its scores
@st.cache_resource(show_spinner=False, max_entries=8)
def risk_stream(seed_: int, n: int, d: int, a: int) -> pd.DataFrame:
    return fraud.generate_stream(seed_, n, d, a)


@st.cache_resource(show_spinner=False, max_entries=16)
def risk_scores(seed_: int, n: int, d: int, a: int, w: tuple) -> tuple[pd.Series, pd.DataFrame]:
    """Every payment's score under the rule weights ``w``, and precision/recall at every threshold."""
    stream = risk_stream(seed_, n, d, a)
    scores = fraud.score(stream, dict(w))
    return scores, fraud.threshold_sweep(stream["is_fraud"], scores, np.arange(0, 171, 5))


@st.cache_resource(show_spinner=False, max_entries=16)
def risk_costs(seed_: int, n: int, d: int, a: int, w: tuple, review: int) -> pd.DataFrame:
    stream = risk_stream(seed_, n, d, a)
    return fraud.cost_curve(stream, risk_scores(seed_, n, d, a, w)[0], float(review), np.arange(0, 171, 5))


@st.cache_resource(show_spinner=False, max_entries=8)
def live_trace(seed_: int, n: int, d: int, a: int, w: tuple, thr: int):
    return fraud.stream_trace(risk_stream(seed_, n, d, a), risk_scores(seed_, n, d, a, w)[0], thr, steps=24, tail=8)


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
    w = tuple(sorted(weights.items()))
    stream = risk_stream(*scenario)
    scores, sweep = risk_scores(*scenario, w)
    conf = fraud.confusion(stream["is_fraud"], scores, threshold)
    fraud_n = int(stream["is_fraud"].sum())
    m = st.columns(5)
    m[0].metric(T("payments.risk.m_payments"), ui.num(len(stream)))
    m[1].metric(T("payments.risk.m_alerts"), ui.num(conf["alerts"]))
    m[2].metric(T("payments.risk.m_precision"), "—" if np.isnan(conf["precision"]) else ui.pct(conf["precision"]))
    m[3].metric(T("payments.risk.m_recall"), "—" if np.isnan(conf["recall"]) else ui.pct(conf["recall"]))
    m[4].metric(T("payments.risk.m_missed"), ui.num(conf["fn"]))
    left, right = st.columns(2)
    with left:
        ui.chart(draw.confusion_figure(conf), key="risk_matrix")
    with right:
        fig = go.Figure()
        fig.add_trace(go.Scatter(x=sweep["threshold"], y=sweep["precision"] * 100, name=T("payments.risk.m_precision")))
        fig.add_trace(go.Scatter(x=sweep["threshold"], y=sweep["recall"] * 100, name=T("payments.risk.m_recall")))
        draw.reference_lines(fig, [(threshold, "", "dash", "#D55E00")], vertical=True)
        fig.update_layout(height=300, xaxis_title=T("payments.risk.threshold"), yaxis_title="%",
                          title=T("payments.risk.sweep_title"), legend=dict(orientation="h", y=-0.3))
        ui.chart(fig, key="risk_sweep")
    alerted = scores >= threshold
    per_pattern = (stream.assign(alert=alerted)[stream["is_fraud"] == 1].groupby("pattern")["alert"]
                   .agg(["sum", "count"]))
    st.markdown(T("payments.risk.per_pattern") + " " + " · ".join(
        T("payments.risk.pattern_line", name=T(f"payments.risk.pattern.{p}"), caught=int(r["sum"]), total=int(r["count"]))
        for p, r in per_pattern.iterrows()))

    st.markdown(f"#### {T('payments.risk.cost_heading')}")
    c1, c2 = st.columns([1, 3])
    # a slider, like the seed above: a URL-bound integer number input crashes on ?review=inf (Streamlit 1.67)
    review = c1.slider(T("payments.risk.review_cost"), 0, 500, 20, 5, key="review",
                             help=T("payments.risk.review_cost_help"), **ui.BIND)
    costs = risk_costs(*scenario, w, int(review))
    here = fraud.cost_curve(stream, scores, float(review), [threshold]).iloc[0]
    best = costs.loc[costs["total"].idxmin()]
    with c1:
        st.metric(T("payments.risk.cost_here"), ui.yuan(here["total"]))
        st.metric(T("payments.risk.cost_best", t=int(best["threshold"])), ui.yuan(best["total"]))
    with c2:
        fig = go.Figure()
        for col, colour in (("review_cost", ui.OKABE_ITO[1]), ("fraud_loss", ui.OKABE_ITO[5]), ("total", ui.OKABE_ITO[0])):
            fig.add_trace(go.Scatter(x=costs["threshold"], y=costs[col], name=T(f"payments.risk.cost_{col}"),
                                     line=dict(color=colour, width=3 if col == "total" else 2)))
        fig.add_trace(go.Scatter(x=[best["threshold"]], y=[best["total"]], mode="markers", showlegend=False,
                                 marker=dict(size=12, color=ui.OKABE_ITO[0], symbol="star"), hoverinfo="skip"))
        draw.reference_lines(fig, [(threshold, "", "dash", "#D55E00")], vertical=True)
        # log scale: a few large structured payments would otherwise flatten the interesting low region
        fig.update_layout(height=320, xaxis_title=T("payments.risk.threshold"), yaxis=dict(type="log", title="¥"),
                          legend=dict(orientation="h", y=-0.3))
        ui.chart(fig, key="risk_cost")
    st.caption(T("payments.risk.cost_text", t=threshold, review_yuan=here["review_cost"], loss=here["fraud_loss"],
                 best=int(best["threshold"]), best_total=best["total"], per=int(review)))

    st.markdown(f"#### {T('payments.risk.queue')}")
    queue = fraud.alert_queue(stream, scores, threshold, limit=12)

    def queue_table(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({
            T("payments.risk.col_tx"): frame["tx"],
            T("payments.risk.col_time"): [f"D{int(mi // 1440) + 1} {int(mi % 1440 // 60):02d}:{int(mi % 60):02d}"
                                          for mi in frame["minute"]],
            T("payments.risk.col_customer"): frame["customer"],
            T("payments.risk.col_amount"): [ui.yuan(a) for a in frame["amount"]],
            T("payments.risk.col_score"): frame["score"],
            T("payments.risk.col_rules"): [T("payments.risk.sep").join(T(f"payments.risk.rule.{r}") for r in rules) or "—"
                                           for rules in frame["rules"]],
            T("payments.risk.col_truth"): [T(f"payments.risk.pattern.{p}") for p in frame["pattern"]],
        })

    if queue.empty:
        st.info(T("payments.risk.no_alerts"))
    else:
        st.dataframe(queue_table(queue), hide_index=True, width="stretch")

    st.markdown(f"#### {T('payments.risk.live')}")
    live = live_trace(*scenario, w, threshold)

    def draw_live(step) -> None:
        hist = pd.DataFrame(step.state["history"])
        l1, l2 = st.columns([2, 3])
        with l1:
            fig = go.Figure()
            for col, colour in (("tp", ui.OKABE_ITO[2]), ("fp", ui.OKABE_ITO[1]), ("fn", ui.OKABE_ITO[5])):
                fig.add_trace(go.Scatter(x=hist["seen"], y=hist[col], mode="lines+markers", line=dict(color=colour),
                                         name=T(f"payments.risk.live_{col}")))
            fig.update_layout(height=300, xaxis=dict(range=[0, step.state["total"]], title=T("payments.risk.live_x")),
                              legend=dict(orientation="h", y=-0.3))
            ui.chart(fig)
        with l2:
            st.markdown(f"**{T('payments.risk.live_latest')}**")
            if step.state["latest"].empty:
                st.caption(T("payments.risk.no_alerts"))
            else:
                st.dataframe(queue_table(step.state["latest"]), hide_index=True, width="stretch")

    ui.step_player(live, draw_live, key="pay_risk_live")
    if conf["alerts"] == 0:
        ui.what_happened(T("payments.risk.happened_none", n=len(stream), fraud=fraud_n, threshold=threshold,
                           max_score=max_score))
    else:
        ui.what_happened(T("payments.risk.happened", n=len(stream), fraud=fraud_n, threshold=threshold,
                           alerts=conf["alerts"], tp=conf["tp"], fp=conf["fp"], fn=conf["fn"],
                           precision=0.0 if np.isnan(conf["precision"]) else conf["precision"],
                           recall=0.0 if np.isnan(conf["recall"]) else conf["recall"], max_score=max_score))
    ui.source_note(T("payments.risk.source"))
    ui.download_csv(stream.assign(score=scores, alert=alerted.astype(int)).drop(columns=["x", "y"]),
                    "payments-risk-stream.csv", key="dl_risk", label=T("payments.risk.download"))
    ui.takeaway(T("payments.risk.takeaway"))


# ====================================================================== 4 cross-border
@st.cache_resource(show_spinner=False, max_entries=64)
def chain_steps(amount_usd: float, hops: int, sender_fee: float, hop_fee: float, recv_fee: float, fx: float,
                leg_hours: float):
    return xborder.chain_trace(amount_usd, hops, sender_fee, hop_fee, recv_fee, fx, leg_hours)


@st.cache_data(show_spinner=False, max_entries=32)
def arrivals(leg: int, cut: int) -> list[tuple[float, float, float]]:
    """For 0–6 intermediaries: share credited within 1 h and within 24 h, and the median hours (Monte Carlo)."""
    out = []
    for k in range(7):
        h = xborder.arrival_hours(1, k, leg, cut / 100, 20_000)
        out.append((xborder.share_within(h, 1), xborder.share_within(h, 24), float(np.median(h))))
    return out


def crossborder() -> None:
    st.subheader(T("payments.xb.heading"))
    intro("payments.xb.intro")
    xb = facts("crossborder")
    c1, c2, c3, c4 = st.columns(4)
    hops = c1.slider(T("payments.xb.hops"), 0, 6, 2, key="hops", help=T("payments.xb.hops_help"), **ui.BIND)
    sender_fee = c2.slider(T("payments.xb.sender_fee"), 0.0, 30.0, 5.0, 0.5, key="xb_sfee", persist_state="page",
                           help=T("payments.xb.sender_fee_help"))
    hop_fee = c3.slider(T("payments.xb.hop_fee"), 0.0, 30.0, 3.0, 0.5, key="xb_hfee", persist_state="page",
                        help=T("payments.xb.hop_fee_help"))
    fx = c4.slider(T("payments.xb.fx"), 0.0, 5.0, 2.0, 0.1, key="xb_fx", persist_state="page",
                   help=T("payments.xb.fx_help"))
    c1, c2, c3, c4 = st.columns(4)
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
    by_hops = arrivals(leg_min, cutoff)
    within1, within24, median_h = by_hops[hops]
    ledger_within1 = 1.0      # one atomic update: seconds, no cut-off windows in this model
    ks = list(range(7))
    left, right = st.columns(2)
    with left:
        fig = go.Figure()
        fig.add_trace(go.Bar(x=ks, y=[xborder.chain_cost(amount_usd, k, sender_fee, hop_fee, recv_fee, fx / 100) * 100
                                      for k in ks], name=T("payments.xb.chain"), showlegend=False,
                             marker_color=[ui.OKABE_ITO[5] if k == hops else ui.OKABE_ITO[0] for k in ks]))
        draw.legend_lines(fig, [(ledger_pct * 100, f"{T('payments.xb.ledger')} {ledger_pct * 100:.1f}%", "solid",
                                 ui.OKABE_ITO[2])] + [
            (float(xb.loc[fid, "value"]), f"{xb.loc[fid, label_col()]} {xb.loc[fid, 'value']:g}%", dash, colour)
            for fid, dash, colour in (("wb_global_avg_q3_2025", "dot", "#000000"),
                                      ("g20_remittance_cost", "dash", ui.OKABE_ITO[3]),
                                      ("g20_retail_cost", "dashdot", ui.OKABE_ITO[4]))], (-0.5, 6.5))
        fig.update_layout(height=440, title=T("payments.xb.cost_title"), xaxis_title=T("payments.xb.hops"),
                          yaxis_title="%", legend=dict(orientation="h", y=-0.25, x=0))
        ui.chart(fig, key="xb_cost")
    with right:
        shares = [by_hops[k][0] * 100 for k in ks]
        fig = go.Figure()
        fig.add_trace(go.Bar(x=ks, y=shares, name=T("payments.xb.chain"), showlegend=False,
                             marker_color=[ui.OKABE_ITO[5] if k == hops else ui.OKABE_ITO[0] for k in ks]))
        draw.legend_lines(fig, [(ledger_within1 * 100, T("payments.xb.ledger"), "solid", ui.OKABE_ITO[2])] + [
            (float(xb.loc[fid, "value"]), f"{xb.loc[fid, label_col()]} {xb.loc[fid, 'value']:g}%", dash, colour)
            for fid, dash, colour in (("g20_speed_1h", "dash", ui.OKABE_ITO[3]),
                                      ("gpi_bank_1h_2024", "dot", "#000000"),
                                      ("gpi_customer_1h_2024", "dashdot", ui.OKABE_ITO[4]))], (-0.5, 6.5))
        fig.update_layout(height=440, title=T("payments.xb.speed_title"), xaxis_title=T("payments.xb.hops"),
                          yaxis_title="%", yaxis_range=[0, 105], legend=dict(orientation="h", y=-0.25, x=0))
        ui.chart(fig, key="xb_speed")
    ui.what_happened(T("payments.xb.happened", hops=hops, legs=hops + 1, cost=chain_pct, cost_usd=chain_pct * amount_usd,
                       within1=within1, within24=within24, median=median_h, ledger=ledger_pct,
                       wb=float(xb.loc["wb_global_avg_q3_2025", "value"]) / 100,
                       target=float(xb.loc["g20_speed_1h", "value"]) / 100))
    with st.expander(T("payments.xb.facts")):
        table = xb.reset_index()[[label_col(), "value", "unit", "period", "source"]]   # a new frame: xb is shared
        table.columns = [T("payments.xb.col_fact"), T("payments.xb.col_value"), T("payments.xb.col_unit"),
                         T("payments.xb.col_period"), T("common.source")]
        st.dataframe(table, hide_index=True, width="stretch")
    st.caption(T("payments.xb.model_note"))
    ui.takeaway(T("payments.xb.takeaway"))


# ====================================================================== 5 future payments
@st.cache_resource(show_spinner=False, max_entries=16)
def bio_run(seed_: int, d: float, s_: float):
    """Simulated genuine and impostor scores, the equal error rate and the FAR/FRR curve (shared read-only)."""
    scores_ = biometrics.simulate_scores(seed_, 5_000, 50_000, d, s_)
    return scores_, biometrics.equal_error_rate(scores_["genuine"], scores_["impostor"]), \
        biometrics.error_curve(scores_["genuine"], scores_["impostor"])


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

    sc, (eer_t, eer), curve = bio_run(int(b_seed), float(dprime), float(spread))
    far_v, frr_v = biometrics.far(sc["impostor"], bio_t), biometrics.frr(sc["genuine"], bio_t)
    m = st.columns(4)
    m[0].metric(T("payments.bio.far"), ui.pct(far_v, 2))
    m[1].metric(T("payments.bio.frr"), ui.pct(frr_v, 2))
    m[2].metric(T("payments.bio.eer"), ui.pct(eer, 2))
    m[3].metric(T("payments.bio.eer_t"), ui.num(eer_t, 1))
    left, right = st.columns(2)
    with left:
        fig = go.Figure()
        edges = np.linspace(0, 100, 101)
        for kind, colour in (("impostor", ui.OKABE_ITO[5]), ("genuine", ui.OKABE_ITO[0])):
            density, _ = np.histogram(sc[kind], bins=edges, density=True)
            fig.add_trace(go.Bar(x=edges[:-1] + 0.5, y=density, width=1.0, name=T(f"payments.bio.{kind}"),
                                 opacity=0.6, marker_color=colour))
        draw.reference_lines(fig, [(bio_t, "", "dash", "#000000")], vertical=True)
        fig.update_layout(barmode="overlay", bargap=0, height=340, xaxis_title=T("payments.bio.score"),
                          title=T("payments.bio.dist_title"), legend=dict(orientation="h", y=-0.25))
        ui.chart(fig, key="bio_dist")
    with right:
        fig = go.Figure()
        fig.add_trace(go.Scatter(x=biometrics.det_axes(curve["far"]), y=biometrics.det_axes(curve["frr"]),
                                 mode="lines", name="DET", line=dict(color=ui.OKABE_ITO[0])))
        fig.add_trace(go.Scatter(x=biometrics.det_axes([far_v]), y=biometrics.det_axes([frr_v]), mode="markers",
                                 marker=dict(size=14, color="#D55E00"), name=T("payments.bio.here")))
        fig.add_trace(go.Scatter(x=biometrics.det_axes([eer]), y=biometrics.det_axes([eer]), mode="markers",
                                 marker=dict(size=10, color=ui.OKABE_ITO[2], symbol="diamond"), name="EER"))
        ticks = [0.0001, 0.001, 0.01, 0.05, 0.2, 0.5]
        axis = dict(tickvals=list(biometrics.det_axes(ticks)), ticktext=[f"{t * 100:g}%" for t in ticks],
                    range=[float(biometrics.det_axes([0.00005])[0]), float(biometrics.det_axes([0.6])[0])])
        fig.update_layout(height=340, title=T("payments.bio.det_title"), xaxis=dict(title=T("payments.bio.far"), **axis),
                          yaxis=dict(title=T("payments.bio.frr"), **axis), legend=dict(orientation="h", y=-0.25))
        ui.chart(fig, key="bio_det")
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


ui.sections("payments", {"lifecycle": lifecycle, "clearing": clearing, "encryption": encryption,
                         "identity": identity, "risk": risk, "crossborder": crossborder,
                         "future": future})

st.divider()
ui.quiz("payments", ["q1", "q2", "q3", "q4", "q5"])
if "pay_try" in st.session_state:   # the student's own "try it" books, once the lifecycle tab has opened them
    ui.download_csv(payments.ledger_frame(st.session_state["pay_try"]), "payments-try-ledger.csv",
                    key="dl_try", label=T("payments.try.download"))
