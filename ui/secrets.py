"""Work on what a student types as a secret (a password, a private key, a message to sign) stays in that
student's session.

``st.cache_data``/``st.cache_resource`` are shared by every visitor of the server: a result cached under a
typed password would sit in the process (the "plain" scheme even stores the password itself), and the
time a second student waits would tell them whether someone already typed the same password (a cache hit
is fast).  ``@session_memo`` keeps a small memo in ``st.session_state`` instead: a student's own reruns are
still fast, nobody else can hit or time it, and it goes when the session ends.
"""
from __future__ import annotations

from collections import OrderedDict
from functools import wraps

import streamlit as st

_PREFIX = "_session_memo_"


def session_memo(fn=None, *, max_entries: int = 8):
    """Memoise ``fn`` per session (never across sessions): at most ``max_entries`` results, oldest dropped.

    Arguments must be hashable.  An exception is not memoised (the next call tries again)."""
    def wrap(func):
        name = f"{_PREFIX}{func.__module__}.{func.__qualname__}"

        @wraps(func)
        def memo(*args, **kwargs):
            key = (args, tuple(sorted(kwargs.items())))
            store = st.session_state.get(name)
            if not isinstance(store, OrderedDict):
                store = OrderedDict()
                st.session_state[name] = store
            if key in store:
                store.move_to_end(key)
                return store[key]
            value = func(*args, **kwargs)
            store[key] = value
            while len(store) > max_entries:
                store.popitem(last=False)
            return value

        memo.session_key = name
        return memo

    return wrap(fn) if fn is not None else wrap
