"""Classroom games: a lecturer opens a room, students join from their phones with a code or QR, and the class
plays payments, a mining race and a P2P market on one shared double-entry ledger (core/classroom.py).

Views, chosen by the link:
  (none)                      join a room | lecturer: create or manage a room   (``ui.sections``)
  ?room=CODE&seat=TOKEN       a student's seat: wallet and the round being played (the link is the wallet)
  ?room=CODE&view=lecturer    the lecturer's controls (PIN asked once per session)
  ?room=CODE&view=projector   display only: join code, QR, count of students, live charts, no private data
"""
import secrets

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

import ui
from core import classroom as cr
from core import crypto, p2p
from core.errors import InputError
from ui import draw_classroom as draw

T = ui.frame("classroom")
STORE = draw.store(draw.database_url())
params = st.query_params
ROOM = cr.normalize_code(params.get("room", ""))[:cr.CODE_LENGTH]
VIEW = params.get("view", "")
TOKEN = params.get("seat", "")[:64]


def _pins() -> dict:
    return st.session_state.setdefault("_cl_pins", {})


def show_refusal(reason: str) -> None:
    """A refused action is a teaching outcome (an overdraft refused, a forged order caught), shown as such."""
    key = f"classroom.reason.{reason}"
    st.warning(T(key) if T.has(key) else T("classroom.reason.other", reason=reason), icon="🛑")


def account_label(name: str) -> str:
    """A payee as shown in a list (plain text there)."""
    return T(f"classroom.account.{name[1:]}") if name.startswith("#") else name


def account_md(name: str) -> str:
    """A payee inside a Markdown message: a nickname is escaped, never rendered."""
    return T(f"classroom.account.{name[1:]}") if name.startswith("#") else draw.plain(name)


def request_id(action: str) -> str:
    """The pending request id of an action: kept until the action is posted, so a double tap or a retry
    sends the same id and the server posts once."""
    key = f"_cl_rid_{action}"
    if key not in st.session_state:
        st.session_state[key] = secrets.token_hex(12)
    return st.session_state[key]


def posted(action: str, message: str, detail: str = "") -> None:
    """The action is on the ledger: a fresh request id for the next one, and the confirmation shown after the
    form is redrawn with that id (a tap on the old form, a double tap, then does nothing)."""
    st.session_state.pop(f"_cl_rid_{action}", None)
    st.session_state["_cl_flash"] = (message, detail)
    try:
        st.rerun(scope="fragment")   # a tap inside the seat's fragment redraws only the fragment
    except StreamlitAPIException:     # a full run of the page (the first one, or a test)
        st.rerun()


def flash() -> None:
    """The confirmation of the last posted action, once."""
    message, detail = st.session_state.pop("_cl_flash", ("", ""))
    if message:
        st.success(message, icon="✅")
    if detail:
        with st.expander(T("classroom.pay.signed")):
            st.code(detail, language=None)


# ================================================================== projector and lecturer board
def join_panel(code: str, big: bool) -> None:
    """Join code, QR of the join link and the link itself."""
    link = draw.join_link(code, ui.lang())
    left, right = st.columns([3, 2] if big else [2, 1])
    with left:
        size = "5rem" if big else "2.4rem"    # readable from the back row of a lecture hall
        st.markdown(f"<div style='font-size:1.4rem'>{T('classroom.join_code')}</div>"
                    f"<div style='font-size:{size};font-weight:700;letter-spacing:0.12em;line-height:1.1'>"
                    f"{code}</div>", unsafe_allow_html=True)   # the code is from CODE_ALPHABET only (checked)
        st.caption(T("classroom.join_hint"))
        st.code(link, language=None)
    with right:
        st.image(draw.qr_png(link), width=360 if big else 200, caption=T("classroom.qr_caption"))


def board(code: str, big: bool) -> None:
    """The live state of the room's activity: what the projector shows (no tokens, keys or PINs)."""
    room = STORE.room(code)
    if room is None:
        st.error(T("errors.classroom_unknown_room"))
        return
    seats = STORE.seats(code)
    ev = STORE.events(code)
    bal = STORE.balances(code)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(T("classroom.joined"), ui.num(len(seats)))
    c2.metric(T("classroom.activity_now"), T(f"classroom.activity.{room.activity}"))
    c3.metric(T("classroom.round"), f"{room.round_no} · " + T("classroom.round_open" if room.round_open
                                                               else "classroom.round_closed"))
    c4.metric(T("classroom.ledger_total"), ui.money(STORE.ledger_total(code)))
    if not room.is_open:
        st.info(T("classroom.room_closed"), icon="🔒")
    if room.activity == "payments":
        pays = ev[ev["kind"] == "pay"]
        flows = STORE.flows(code)
        if len(pays):
            a, b = st.columns(2)
            with a:
                ui.chart(draw.flow_figure(flows), key="cl_flows")
            with b:
                ui.chart(draw.payers_figure(ev), key="cl_payers")
        ui.what_happened(T("classroom.pay.happened", n=len(pays), total=int(pays["amount_fen"].sum()),
                           fees=int(pays["fee_fen"].sum()), issued=-bal.get(cr.BANK, 0), seats=len(seats),
                           merchant=bal.get(cr.MERCHANT, 0), fee_bps=room.settings["fee_bps"],
                           limit=room.settings["daily_limit_fen"]))
        if not room.round_open and len(pays):
            ui.takeaway(T("classroom.pay.debrief"))
    elif room.activity == "mining":
        chain = STORE.chain(code)
        shares = STORE.mining_shares(code)
        if len(chain) or len(shares):
            a, b = st.columns(2)
            with a:
                if len(chain):
                    ui.chart(draw.chain_figure(chain), key="cl_chain")
            with b:
                if len(shares):
                    ui.chart(draw.shares_figure(shares), key="cl_shares")
        tries = int(shares["tries"].sum()) if len(shares) else 0
        main = int(chain["main"].sum()) if len(chain) else 0
        ui.what_happened(T("classroom.mine.happened", blocks=main, stale=len(chain) - main, tries=tries,
                           bits=room.settings["bits"], expected=2 ** int(room.settings["bits"]),
                           reward=room.settings["reward_fen"], miners=int((shares["tries"] > 0).sum())
                           if len(shares) else 0))
        pace = STORE.tries_per_second(code)
        if room.round_open and pace > 0:
            st.caption(T("classroom.mine.pace", rate=pace, secs=2 ** int(room.settings["bits"]) / pace))
        if not room.round_open and main:
            ui.takeaway(T("classroom.mine.debrief"))
    elif room.activity == "p2p":
        loans = STORE.loans(code)
        orders = STORE.orders(code)
        if len(loans):
            ui.chart(draw.loans_figure(loans), key="cl_loans")
        done = loans[loans["status"] != "funded"]
        lent = int(done["amount"].sum())
        back = int(done["repaid"].sum() + done["covered"].sum())
        ui.what_happened(T("classroom.p2p.happened", borrow=int((orders["side"] == "borrow").sum()),
                           lend=int((orders["side"] == "lend").sum()), loans=len(loans),
                           funded=int(loans["amount"].sum()), reserve=bal.get(cr.RESERVE, 0),
                           defaults=int((loans["status"] == "default").sum()),
                           ret=(back - lent) / lent if lent else 0.0, shock=room.settings["shock"]))
        if len(done):
            ui.takeaway(T("classroom.p2p.debrief"))
    else:
        st.info(T("classroom.lobby"), icon="👋")


def projector(code: str) -> None:
    """?room=CODE&view=projector: join panel and the live board, refreshed every 3 s by a fragment."""
    if STORE.room(code) is None:
        st.error(T("errors.classroom_unknown_room"))
        return
    join_panel(code, big=True)

    @st.fragment(run_every=3)
    def live() -> None:
        board(code, big=True)

    live()


# ================================================================== lecturer
def create_room() -> None:
    st.subheader(T("classroom.create.heading"))
    st.markdown(T("classroom.create.intro"))
    with st.form("cl_create"):
        pin = st.text_input(T("classroom.pin"), type="password", max_chars=cr.PIN_MAX,
                            help=T("classroom.pin_help"))
        start = st.number_input(T("classroom.start_balance"), min_value=1.0, max_value=100_000.0, value=1_000.0,
                                step=100.0, format="%.2f")
        go = st.form_submit_button(T("classroom.create.button"), type="primary")
    if go:
        with ui.guard():
            code = STORE.create_room(pin, start_balance_fen=int(round(start * 100)))
            _pins()[code] = pin
            st.query_params.update({"room": code, "view": "lecturer"})
            st.rerun()


def manage_existing() -> None:
    st.subheader(T("classroom.manage.heading"))
    with st.form("cl_manage"):
        code = st.text_input(T("classroom.code"), max_chars=12, value=ROOM)
        pin = st.text_input(T("classroom.pin"), type="password", max_chars=cr.PIN_MAX)
        go = st.form_submit_button(T("classroom.manage.button"))
    if go:
        login(code, pin)


def login(code: str, pin: str) -> None:
    c = cr.normalize_code(code)
    if STORE.room(c) is None:
        st.error(T("errors.classroom_unknown_room"))
    elif STORE.check_pin(c, pin):
        _pins()[c] = pin
        st.query_params.update({"room": c, "view": "lecturer"})
        st.rerun()
    else:
        st.error(T("errors.classroom_bad_pin", wait=STORE.pin_locked_seconds(c)))


def lecturer_section() -> None:
    create_room()
    st.divider()
    manage_existing()


def lecturer(code: str) -> None:
    """The lecturer's controls for one room; actions need the room's PIN (kept in this session only)."""
    room = STORE.room(code)
    if room is None:
        st.error(T("errors.classroom_unknown_room"))
        return
    pin = _pins().get(code)
    if not pin:
        st.info(T("classroom.pin_needed"))
        with st.form("cl_pin"):
            typed = st.text_input(T("classroom.pin"), type="password", max_chars=cr.PIN_MAX)
            if st.form_submit_button(T("classroom.manage.button"), type="primary"):
                login(code, typed)
        return
    join_panel(code, big=False)
    st.page_link("pages/7_classroom.py", label=T("classroom.open_projector"), icon="📽️",
                  query_params={"room": code, "view": "projector", **ui.link_params()})
    with st.container(border=True):
        st.markdown(f"**{T('classroom.controls')}**")
        acts = list(cr.ACTIVITIES)
        act = st.radio(T("classroom.activity_pick"), acts, index=acts.index(room.activity), horizontal=True,
                       format_func=lambda a: T(f"classroom.activity.{a}"), key="cl_act")
        a, b, c = st.columns(3)
        with ui.guard():
            if a.button(T("classroom.start_round"), type="primary", key="cl_start", disabled=act == "lobby"):
                STORE.set_activity(code, pin, act, True)
                st.rerun()
            if b.button(T("classroom.stop_round"), key="cl_stop", disabled=not room.round_open):
                STORE.set_activity(code, pin, room.activity, False)
                st.rerun()
            if c.button(T("classroom.close" if room.is_open else "classroom.reopen"), key="cl_open"):
                STORE.set_open(code, pin, not room.is_open)
                st.rerun()
        settings(code, pin, room, act)
    board(code, big=False)
    downloads(code)
    with st.expander(T("classroom.reset.heading")):
        st.markdown(T("classroom.reset.text"))
        sure = st.checkbox(T("classroom.reset.confirm"), key="cl_reset_sure")
        if st.button(T("classroom.reset.button"), disabled=not sure, key="cl_reset"):
            with ui.guard():
                STORE.reset(code, pin)
                st.rerun()


def settings(code: str, pin: str, room: cr.Room, act: str) -> None:
    """The settings of the chosen activity, changed mid-game."""
    s = room.settings
    with st.form(f"cl_settings_{act}"):
        changes = {}
        if act == "payments":
            changes["fee_bps"] = st.slider(T("classroom.set.fee"), 0, 500, int(s["fee_bps"]), 10)
            changes["daily_limit_fen"] = int(round(st.number_input(
                T("classroom.set.limit"), 0.0, 1_000_000.0, s["daily_limit_fen"] / 100, 100.0) * 100))
        elif act == "mining":
            changes["bits"] = st.slider(T("classroom.set.bits"), 8, 24, int(s["bits"]), help=T("classroom.set.bits_help"))
            changes["reward_fen"] = int(round(st.number_input(
                T("classroom.set.reward"), 0.0, 10_000.0, s["reward_fen"] / 100, 10.0) * 100))
        elif act == "p2p":
            changes["shock"] = st.slider(T("classroom.set.shock"), 1.0, 5.0, float(s["shock"]), 0.5)
            changes["reserve_bps"] = st.slider(T("classroom.set.reserve"), 0, 1000, int(s["reserve_bps"]), 50)
            changes["max_loan_fen"] = int(round(st.number_input(
                T("classroom.set.max_loan"), 1.0, 1_000_000.0, s["max_loan_fen"] / 100, 100.0) * 100))
        saved = st.form_submit_button(T("classroom.set.save"), disabled=not changes)
    if saved and changes:
        with ui.guard():
            STORE.update_settings(code, pin, **changes)
            st.rerun()
    if act == "p2p":
        a, b = st.columns(2)
        with ui.guard():
            if a.button(T("classroom.p2p.match"), key="cl_match"):
                res = STORE.match(code, pin)
                st.success(T("classroom.p2p.matched", **res))
            if b.button(T("classroom.p2p.settle"), key="cl_settle"):
                res = STORE.settle(code, pin, seed=room.round_no)
                st.success(T("classroom.p2p.settled", **res))


def downloads(code: str) -> None:
    """Events, final balances and participation as CSV (built only when clicked)."""
    a, b, c = st.columns(3)
    with a:
        ui.download_csv(STORE.events(code), f"room-{code}-events.csv", key="cl_dl_events",
                        label=T("classroom.dl.events"))
    with b:
        bal = pd.DataFrame(sorted(STORE.balances(code).items()), columns=["account", "balance_fen"])
        ui.download_csv(bal, f"room-{code}-balances.csv", key="cl_dl_bal", label=T("classroom.dl.balances"))
    with c:
        ui.download_csv(STORE.participation(code), f"room-{code}-participation.csv", key="cl_dl_part",
                        label=T("classroom.dl.participation"))


# ================================================================== students
def join_section() -> None:
    st.subheader(T("classroom.join.heading"))
    st.markdown(T("classroom.join.intro"))
    with st.form("cl_join"):
        code = st.text_input(T("classroom.code"), value=ROOM, max_chars=12)
        nick = st.text_input(T("classroom.nickname"), max_chars=cr.NICK_MAX, help=T("classroom.nickname_help"))
        go = st.form_submit_button(T("classroom.join.button"), type="primary")
    if go:
        tries = st.session_state.get("_cl_join_fails", 0)
        if tries >= 10:             # a session guessing codes is slowed down
            st.error(T("classroom.join.too_many"))
            return
        try:
            seat = STORE.join(code, nick)
        except InputError as exc:
            if exc.key in ("classroom_unknown_room", "classroom_code"):
                st.session_state["_cl_join_fails"] = tries + 1
            params = {k: draw.plain(v) if k == "nick" else v for k, v in exc.params.items()}
            st.error(T(f"errors.{exc.key}", **params), icon="⚠️")
            return
        st.query_params.update({"room": seat.code, "seat": seat.token})
        st.rerun()


def student(code: str, token: str) -> None:
    """A student's seat: balance, the round being played, and the action it allows."""
    seat = STORE.rejoin(code, token)
    if seat is None:
        st.error(T("classroom.seat_unknown"))
        st.page_link("pages/7_classroom.py", label=T("classroom.join.again"), icon="🔁",
                     query_params={"room": code, **ui.link_params()})
        return
    st.markdown(T("classroom.you_are", nick=draw.plain(seat.nickname), code=seat.code, grade=seat.grade))
    st.caption(T("classroom.keep_link"))

    @st.fragment(run_every=5)
    def seat_view() -> None:
        room = STORE.room(code)
        bal = STORE.balances(code)
        flash()
        c1, c2 = st.columns(2)
        c1.metric(T("classroom.balance"), ui.money(bal.get(seat.nickname, 0)))
        c2.metric(T("classroom.activity_now"), T(f"classroom.activity.{room.activity}"))
        if not room.is_open:
            st.info(T("classroom.room_closed"), icon="🔒")
        elif not room.round_open or room.activity == "lobby":
            st.info(T("classroom.wait_round"), icon="⏳")
        elif room.activity == "payments":
            pay_form(seat, room, bal)
        elif room.activity == "mining":
            mine_panel(seat, room)
        elif room.activity == "p2p":
            p2p_panel(seat, room, bal)

    seat_view()
    with st.expander(T("classroom.wallet.heading")):
        st.markdown(T("classroom.wallet.text"))
        st.code(f"public key: {seat.public_key.hex()}\naddress:    {crypto.p2pkh_address(seat.public_key)}",
                language=None)


def pay_form(seat: cr.Seat, room: cr.Room, bal: dict) -> None:
    others = [n for n in STORE.seats(seat.code)["nickname"] if n != seat.nickname]
    rid = request_id("pay")
    with st.form(f"cl_pay_{rid}"):
        to = st.selectbox(T("classroom.pay.to"), [cr.MERCHANT] + others, format_func=account_label)
        amount = st.number_input(T("classroom.pay.amount"), min_value=0.01, max_value=1_000_000.0, value=10.0,
                                 step=1.0, format="%.2f")
        go = st.form_submit_button(T("classroom.pay.button"), type="primary")
    fee_bps, limit = room.settings["fee_bps"], room.settings["daily_limit_fen"]
    if fee_bps or limit:
        st.caption(T("classroom.pay.rules", fee_bps=fee_bps, limit=limit))
    if go:
        fen = int(round(amount * 100))
        order = cr.transfer_message(seat.code, seat.nickname, to, fen, rid)
        signature = crypto.sign(seat.private_key, order)
        if STORE.transfer(seat.code, seat.token, to, fen, rid, signature):
            posted("pay", T("classroom.pay.done", amount=fen, to=account_md(to), fee=fen * int(fee_bps) // 10_000),
                   order.decode("utf-8") + "\n\nsignature (DER): " + signature.hex())
        else:
            show_refusal(STORE.last_reason)


TRIES_PER_PRESS = 5_000


def mine_panel(seat: cr.Seat, room: cr.Room) -> None:
    bits = int(room.settings["bits"])
    tip, height, _ = STORE.tip(seat.code)
    st.markdown(T("classroom.mine.task", height=height + 1, tip=tip[:12], bits=bits, expected=2 ** bits,
                  n=TRIES_PER_PRESS))
    if st.button(T("classroom.mine.button", n=TRIES_PER_PRESS), type="primary", key="cl_mine"):
        start = secrets.randbelow(2 ** 40)
        nonce = cr.mine_try(seat.code, height + 1, tip, seat.nickname, bits, start, TRIES_PER_PRESS)
        tries = TRIES_PER_PRESS if nonce is None else nonce - start + 1
        rid = secrets.token_hex(12)
        if STORE.submit_block(seat.code, seat.token, tip, nonce, tries, rid):
            if nonce is None:
                st.info(T("classroom.mine.miss", n=tries), icon="🎲")
            else:
                h = cr.block_hash(seat.code, height + 1, tip, seat.nickname, nonce)
                won = STORE.tip(seat.code)[0] == h
                st.success(T("classroom.mine.won" if won else "classroom.mine.stale", height=height + 1,
                             nonce=nonce, hash=h[:16], tries=tries))
        else:
            show_refusal(STORE.last_reason)
    shares = STORE.mining_shares(seat.code)
    mine = shares[shares["nickname"] == seat.nickname]
    if len(mine):
        st.caption(T("classroom.mine.mine", tries=int(mine["tries"].iloc[0]), blocks=int(mine["blocks"].iloc[0])))


def p2p_panel(seat: cr.Seat, room: cr.Room, bal: dict) -> None:
    rate = p2p.grade_rates()[seat.grade]
    side = st.radio(T("classroom.p2p.side"), ["borrow", "lend"], horizontal=True, key="cl_side",
                    format_func=lambda s: T(f"classroom.p2p.side_{s}"))
    rid = request_id("order")
    with st.form(f"cl_order_{rid}"):
        if side == "borrow":
            st.markdown(T("classroom.p2p.borrow_text", grade=seat.grade, rate=rate,
                          pd=p2p.GRADE_PD[seat.grade], cap=room.settings["max_loan_fen"]))
            amount = st.number_input(T("classroom.p2p.amount"), 1.0, 1_000_000.0, 200.0, 50.0, format="%.2f")
            grades, min_rate = "ABCDE", 0.0
        else:
            st.markdown(T("classroom.p2p.lend_text"))
            amount = st.number_input(T("classroom.p2p.amount"), 1.0, 1_000_000.0, 300.0, 50.0, format="%.2f")
            grades = "".join(st.multiselect(T("classroom.p2p.grades"), p2p.GRADES, default=p2p.GRADES))
            min_rate = st.slider(T("classroom.p2p.min_rate"), 0.0, 0.36, 0.0, 0.01, format="%.2f")
        go = st.form_submit_button(T("classroom.p2p.button"), type="primary")
    if go:
        fen = int(round(amount * 100))
        fields = {"side": side, "amount_fen": fen, "grades": "".join(sorted(set(grades))) or "",
                  "min_rate": round(float(min_rate), 4)}
        signature = crypto.sign(seat.private_key, cr.order_message(seat.code, seat.nickname, "order", fields, rid))
        if STORE.place_order(seat.code, seat.token, side, fen, rid, signature, grades=fields["grades"] or "-",
                             min_rate=min_rate):
            posted("order", T("classroom.p2p.placed", amount=fen))
        else:
            show_refusal(STORE.last_reason)
    loans = STORE.loans(seat.code)
    mine = loans[(loans["borrower"] == seat.nickname) | (loans["lender"] == seat.nickname)]
    if len(mine):
        st.dataframe(mine.assign(amount=mine["amount"] / 100, repaid=mine["repaid"] / 100,
                                 covered=mine["covered"] / 100).rename(columns=lambda c: T(f"classroom.col.{c}")),
                     hide_index=True, width="stretch")


# ================================================================== the page
if ROOM and VIEW == "projector":
    projector(ROOM)
elif ROOM and VIEW == "lecturer":
    ui.header("classroom")
    lecturer(ROOM)
elif ROOM and TOKEN:
    student(ROOM, TOKEN)
else:
    ui.header("classroom")
    ui.sections("classroom", {"join": join_section, "lecturer": lecturer_section})
