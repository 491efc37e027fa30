"""The step player: ⏮ ⏪ ▶/⏸ ⏩ ⏭ (one family of media symbols; play and next are distinct), a step slider and a speed, for any ``core.trace.Trace``.

Playing runs inside ``st.fragment(run_every=…)`` so only the player reruns on each tick, not the
whole page.  Buttons and the slider act through callbacks that mark the run as "touched"; a run
that nobody touched while playing is a timer tick and advances one step.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from core.trace import Step, Trace
from ui.frame import presenter, translator

SPEEDS = [0.5, 1.0, 2.0, 4.0]
BASE_INTERVAL = 1.6          # seconds per step at 1×
PRESENTER_FACTOR = 1.75      # presenter mode plays slower


def _keys(key: str) -> dict:
    return {name: f"_player_{key}_{name}" for name in ("index", "play", "speed", "touched", "size")}


def _set_index(k: dict, value: int, n: int) -> None:
    st.session_state[k["index"]] = max(0, min(n - 1, value))
    st.session_state[k["touched"]] = True


def _move(k: dict, delta: int, n: int) -> None:
    _set_index(k, st.session_state.get(k["index"], 0) + delta, n)
    st.session_state[k["play"]] = False


def _jump(k: dict, value: int, n: int) -> None:
    _set_index(k, value, n)
    st.session_state[k["play"]] = False


def _toggle(k: dict, n: int) -> None:
    playing = not st.session_state.get(k["play"], False)
    if playing and st.session_state.get(k["index"], 0) >= n - 1:
        st.session_state[k["index"]] = 0  # play again from the start
    st.session_state[k["play"]] = playing
    st.session_state[k["touched"]] = True


def _slid(k: dict, slider_key: str, n: int) -> None:
    """The step slider moved.  Its value may be missing when a widget state arrives for a fragment that has
    just been re-created (seen under load: ``KeyError: st.session_state has no key …_slider``): then the
    click is ignored and the player keeps its step."""
    value = st.session_state.get(slider_key)
    if not isinstance(value, int) or isinstance(value, bool):
        return
    index = st.session_state.get(k["index"], 0)
    if st.session_state.get(k["play"], False) and value - 1 in (index - 1, index):
        # while playing, a late echo of a step the player itself has just shown (the browser sends the slider's
        # old value with a timer tick, seen in presenter mode): not a move by the student, so the player goes on
        # instead of stepping back and stopping
        return
    _jump(k, value - 1, n)


def _touch(k: dict) -> None:
    st.session_state[k["touched"]] = True
    st.session_state[k["play"]] = False


def interval(speed: float) -> float:
    """Seconds between steps at ``speed`` (× 1.75 in presenter mode)."""
    base = BASE_INTERVAL * (PRESENTER_FACTOR if presenter() else 1.0)
    return base / max(speed, 0.25)


def step_player(trace: Trace, draw: Callable[[Step], None], key: str) -> int:
    """Draw a replayable player for ``trace``; ``draw(step)`` draws the current step's state.

    Returns the index of the step shown.  A new trace (different length) starts at step 1.
    """
    T = translator()
    n = len(trace)
    if n == 0:
        st.info(T("player.empty"))
        return 0
    k = _keys(key)
    if st.session_state.get(k["size"]) != n:  # a new run of the simulation: start over
        st.session_state[k["size"]] = n
        st.session_state[k["index"]] = 0
        st.session_state[k["play"]] = False
    st.session_state.setdefault(k["speed"], 1.0)
    playing = st.session_state.get(k["play"], False)
    every = interval(st.session_state[k["speed"]]) if playing else None

    @st.fragment(run_every=every)
    def _player() -> None:
        if st.session_state.get(k["play"], False) != playing:
            # play/pause changes the timer, which is fixed when the fragment is defined: rerun the page once
            st.rerun(scope="app")
        touched = st.session_state.pop(k["touched"], False)
        index = max(0, min(n - 1, int(st.session_state.get(k["index"], 0) or 0)))
        if st.session_state.get(k["play"], False) and not touched:
            if index >= n - 1:
                st.session_state[k["play"]] = False
                st.rerun(scope="app")  # stop the timer
            index += 1
            st.session_state[k["index"]] = index
        now_playing = st.session_state.get(k["play"], False)
        # a horizontal container keeps the buttons on one row on a phone too (columns would stack)
        row = st.container(horizontal=True, vertical_alignment="center", gap="small")
        row.button("⏮", key=f"{key}_first", help=T("player.first"), on_click=_jump, args=(k, 0, n),
                   disabled=index == 0)
        row.button("⏪", key=f"{key}_prev", help=T("player.prev"), on_click=_move, args=(k, -1, n),
                   disabled=index == 0)
        row.button(f"⏸ {T('player.pause')}" if now_playing else f"▶ {T('player.play')}",
                   key=f"{key}_play", type="primary", on_click=_toggle, args=(k, n), disabled=n == 1)
        row.button("⏩", key=f"{key}_next", help=T("player.next"), on_click=_move, args=(k, 1, n),
                   disabled=index >= n - 1)
        row.button("⏭", key=f"{key}_last", help=T("player.last"), on_click=_jump, args=(k, n - 1, n),
                   disabled=index >= n - 1)
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        if n > 1:
            st.session_state[f"{key}_slider"] = index + 1
            left.slider(T("player.step"), 1, n, key=f"{key}_slider", on_change=_slid, args=(k, f"{key}_slider", n))
        right.select_slider(T("player.speed"), options=SPEEDS, key=k["speed"], format_func=lambda s: f"{s:g}×")
        step = trace[index]
        st.info(f"**{T('player.position', i=index + 1, n=n)}** · {T(step.key, **step.params)}")
        draw(step)

    _player()
    return st.session_state.get(k["index"], 0)
