"""The step player on the home page: forward, back, jump, play state, message in the reader's language."""
from tests.apptest import run_page


def _message(at):
    return [i.value for i in at.info if "·" in str(i.value)][0]


def test_player_steps_forward_back_and_jumps():
    at = run_page("app.py", "en")
    assert _message(at).startswith("**Step 1 of")
    at.button(key="timeline_next").click().run()
    assert _message(at).startswith("**Step 2 of")
    at.button(key="timeline_last").click().run()
    total = int(_message(at).split(" of ")[1].split("**")[0])
    assert total >= 25 and _message(at).startswith(f"**Step {total} of {total}")
    at.button(key="timeline_prev").click().run()
    assert _message(at).startswith(f"**Step {total - 1} of")
    at.button(key="timeline_first").click().run()
    assert _message(at).startswith("**Step 1 of")


def test_player_message_is_translated_with_numbers():
    zh = run_page("app.py", "zh")
    msg = _message(zh)
    assert msg.startswith("**第 1 /") and msg.count("1/") + msg.count("1 /") == 1   # the counter once, not twice


def test_play_toggles_and_a_new_trace_restarts():
    at = run_page("app.py", "en")
    at.button(key="timeline_play").click().run()
    assert "Pause" in at.button(key="timeline_play").label
    at.button(key="timeline_play").click().run()
    assert "Play" in at.button(key="timeline_play").label
    at.button(key="timeline_next").click().run()
    at.multiselect(key="hist_categories").set_value(["lending"]).run()  # fewer milestones → new trace
    assert _message(at).startswith("**Step 1 of")


def test_empty_filter_warns_instead_of_failing():
    at = run_page("app.py", "en")
    at.multiselect(key="hist_categories").set_value([]).run()
    assert not at.exception
    assert any("No milestone" in w.value for w in at.warning)


def _slider_state_gone():
    import streamlit as st

    from ui.player import _keys, _slid

    k = _keys("demo")
    st.session_state[k["index"]] = 2
    _slid(k, "demo_slider", 5)            # a widget event for a fragment just re-created: its state is gone
    st.session_state["demo_slider"] = "?"  # or holds something that is not a step
    _slid(k, "demo_slider", 5)
    st.write(f"index={st.session_state[k['index']]}")


def test_slider_callback_without_its_state_keeps_the_step():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_slider_state_gone).run()
    assert not at.exception
    assert at.markdown[0].value == "index=2"


def test_the_step_slider_moves_the_player():
    at = run_page("app.py", "en")
    at.slider(key="timeline_slider").set_value(4).run()
    assert not at.exception
    assert _message(at).startswith("**Step 4 of")


def _stale_echo_while_playing():
    import streamlit as st

    from ui.player import _keys, _slid

    k = _keys("demo")
    st.session_state[k["index"]] = 3
    st.session_state[k["play"]] = True
    st.session_state["demo_slider"] = 3       # the browser's late echo of step 3 (shown before step 4)
    _slid(k, "demo_slider", 8)
    echo = (st.session_state[k["index"]], st.session_state[k["play"]])
    st.session_state["demo_slider"] = 7       # a real move by the student
    _slid(k, "demo_slider", 8)
    st.write(f"echo={echo} move={(st.session_state[k['index']], st.session_state[k['play']])}")


def test_a_stale_slider_value_while_playing_neither_steps_back_nor_stops():
    """Regulation ① in presenter mode: a tick carried the slider's old value and the player stepped back and
    stopped.  An echo of the step just shown is ignored; a real move still jumps and pauses."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_stale_echo_while_playing).run()
    assert not at.exception
    assert at.markdown[0].value == "echo=(3, True) move=(6, False)"
