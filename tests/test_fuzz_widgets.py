"""Generic widget fuzzer: every page, every bounded input pushed to its edges and to random values.

Any uncaught exception fails.  A number input without min and max fails too: every widget is bounded.
Later pages are covered by simply existing in pages/.
"""
import random

import pytest

from tests.apptest import page_paths, run_page

KINDS = ("number_input", "slider", "text_input", "text_area", "selectbox", "multiselect")
TEXTS = ["", "0", "-1", "abc", "中文 ＸＹＺ 🙂", "<b>bold</b><script>x</script>", "1e309", "9" * 300]


def _ident(widget):
    return widget.key or widget.id


def _find(at, kind, ident):
    for widget in at.get(kind):
        if _ident(widget) == ident:
            return widget
    return None


def _values(kind, widget, rng):
    """Edge values first, then random ones, as callables that set the widget."""
    if kind == "number_input":
        assert widget.proto.has_min and widget.proto.has_max, f"unbounded number input: {widget.label!r}"
        lo, hi = widget.min, widget.max
        is_int = isinstance(lo, int) and isinstance(hi, int) and isinstance(widget.value, int)
        mid = rng.randint(lo, hi) if is_int else rng.uniform(lo, hi)
        return [lambda w: w.set_value(lo), lambda w: w.set_value(hi), lambda w: w.set_value(mid)]
    if kind == "slider":
        lo, hi = widget.min, widget.max
        if isinstance(lo, (int, float)) and not isinstance(lo, bool):
            mid = rng.randint(lo, hi) if isinstance(lo, int) and isinstance(hi, int) else rng.uniform(lo, hi)
        else:
            mid = lo
        if isinstance(widget.value, (tuple, list)):
            return [lambda w: w.set_range(lo, lo), lambda w: w.set_range(hi, hi), lambda w: w.set_range(lo, hi),
                    lambda w: w.set_range(min(lo, mid), max(lo, mid))]
        return [lambda w: w.set_value(lo), lambda w: w.set_value(hi), lambda w: w.set_value(mid)]
    if kind in ("text_input", "text_area"):
        limit = widget.max_chars or 10_000
        picks = TEXTS[:4] + [rng.choice(TEXTS[4:])]
        return [lambda w, t=t[:limit]: w.input(t) for t in picks]
    if kind == "selectbox":
        n = len(widget.options)
        if n == 0:
            return []
        return [lambda w: w.select_index(0), lambda w: w.select_index(n - 1),
                lambda w: w.select_index(rng.randrange(n))]
    if kind == "multiselect":
        return [lambda w: w.set_value([])]
    return []


@pytest.mark.parametrize("path", page_paths())
def test_widgets_survive_edges_and_random_values(path):
    rng = random.Random(20261122)
    at = run_page(path, "en")
    assert not at.exception
    targets = [(kind, _ident(w)) for kind in KINDS for w in at.get(kind) if not w.disabled]
    tried = 0
    for kind, ident in targets:
        widget = _find(at, kind, ident)
        if widget is None:
            continue
        for setter in _values(kind, widget, rng):
            widget = _find(at, kind, ident)
            if widget is None or widget.disabled:
                break
            setter(widget)
            at.run()
            tried += 1
            assert not at.exception, f"{path}: {kind} {ident}: {[e.value for e in at.exception]}"
    assert tried > 0 or not targets
