"""Generic widget fuzzer: every page, every bounded input pushed to its edges and to random values.

Per widget: its two edges, one at a time (min/max, first/last option, empty/oversized text).
Then three rounds that set every widget at once to a random value.  Any uncaught exception fails.
A number input without min and max fails too: every widget is bounded.
Only the open tab runs, so every tab of every page is fuzzed on its own (opened by ``?tab=<name>``).
Later pages and tabs are covered by simply existing.
"""
import random

import pytest

from tests.apptest import run_page
from tests.test_sections import tab_names
from ui.frame import available_pages

KINDS = ("number_input", "slider", "text_input", "text_area", "selectbox", "multiselect")
TEXTS = ["0", "-1", "abc", "中文 ＸＹＺ 🙂", "<b>bold</b><script>x</script>", "1e309", "NaN", " "]


def _ident(widget):
    return widget.key or widget.id


def _find(at, kind, ident):
    for widget in at.get(kind):
        if _ident(widget) == ident:
            return widget
    return None


def _number_bounds(widget):
    assert widget.proto.has_min and widget.proto.has_max, f"unbounded number input: {widget.label!r}"
    return widget.min, widget.max


def _is_int(lo, hi, value):
    return all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)) and (
        value is None or isinstance(value, int))


def _random_value(widget, lo, hi, rng):
    return rng.randint(lo, hi) if _is_int(lo, hi, widget.value) else rng.uniform(lo, hi)


def _edges(kind, widget):
    """Setters for a widget's two edges."""
    if kind == "number_input":
        lo, hi = _number_bounds(widget)
        return [lambda w: w.set_value(lo), lambda w: w.set_value(hi)]
    if kind == "slider":
        lo, hi = widget.min, widget.max
        if isinstance(widget.value, (tuple, list)):
            return [lambda w: w.set_range(lo, lo), lambda w: w.set_range(hi, hi)]
        return [lambda w: w.set_value(lo), lambda w: w.set_value(hi)]
    if kind in ("text_input", "text_area"):
        limit = widget.max_chars or 10_000
        return [lambda w: w.input(""), lambda w: w.input(("9" * 400)[:limit])]
    if kind == "selectbox":
        n = len(widget.options)
        return [lambda w: w.select_index(0), lambda w: w.select_index(n - 1)] if n else []
    if kind == "multiselect":
        return [lambda w: w.set_value([])]
    return []


def _randomise(kind, widget, rng):
    """Set ``widget`` to a random value of its domain (without running)."""
    if kind == "number_input":
        lo, hi = _number_bounds(widget)
        widget.set_value(_random_value(widget, lo, hi, rng))
    elif kind == "slider":
        lo, hi = widget.min, widget.max
        if not isinstance(lo, (int, float)) or isinstance(lo, bool):
            return
        a, b = sorted((_random_value(widget, lo, hi, rng), _random_value(widget, lo, hi, rng)))
        if isinstance(widget.value, (tuple, list)):
            widget.set_range(a, b)
        else:
            widget.set_value(a)
    elif kind in ("text_input", "text_area"):
        widget.input(rng.choice(TEXTS)[: widget.max_chars or 10_000])
    elif kind == "selectbox" and widget.options:
        widget.select_index(rng.randrange(len(widget.options)))


CASES = [(path, tab) for pid, path, _ in available_pages() for tab in tab_names(pid)]


@pytest.mark.parametrize("path,tab", CASES, ids=[f"{p}:{t}" for p, t in CASES])
def test_widgets_survive_edges_and_random_values(path, tab):
    rng = random.Random(20261122)
    at = run_page(path, "en", params={"tab": tab})
    assert not at.exception
    targets = [(kind, _ident(w)) for kind in KINDS for w in at.get(kind) if not w.disabled]
    tried = 0
    for kind, ident in targets:
        widget = _find(at, kind, ident)
        if widget is None:
            continue
        for setter in _edges(kind, widget):
            widget = _find(at, kind, ident)
            if widget is None or widget.disabled:
                break
            setter(widget)
            at.run()
            tried += 1
            assert not at.exception, f"{path}: {kind} {ident}: {[e.value for e in at.exception]}"
    for round_ in range(3):
        for kind, ident in targets:
            widget = _find(at, kind, ident)
            if widget is not None and not widget.disabled:
                _randomise(kind, widget, rng)
        at.run()
        tried += 1
        assert not at.exception, f"{path}: random round {round_}: {[e.value for e in at.exception]}"
    assert tried > 0 or not targets
