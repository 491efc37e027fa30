"""What a student types as a secret stays in their session.

A password (stored as plaintext by the "plain" scheme), a private key and a message to sign must never sit
in a cache shared by every visitor (``st.cache_data``/``st.cache_resource``): another student could then
tell from the time a page takes whether someone already typed the same password (a cache hit is fast).
Two checks: (1) after one session typed secrets, no process-wide Streamlit cache holds them (with a
positive control: the same search does find a secret put in a shared cache); (2) a second session typing
the same password does the work again — it cannot hit anything the first session left behind.
"""
from __future__ import annotations

import pickle

from streamlit.runtime.caching import cache_data_api, cache_resource_api
from streamlit.testing.v1 import AppTest

from core import payments
from tests.apptest import run_page

PASSWORD = "Tr0ub4dor&3-secret-of-A"
KEY_HEX = "c0ffee1234567890abcdef"
MESSAGE = "Pay Mallory 7 BTC, signed by A"


def _contains(obj, needles: tuple[bytes, ...], seen: dict, depth: int = 0) -> bool:
    """True if ``obj`` (walked through containers and object attributes) holds any of ``needles``.

    ``seen`` maps id → object: keeping the objects alive keeps their ids from being reused by temporaries."""
    if id(obj) in seen or depth > 12:
        return False
    seen[id(obj)] = obj
    if isinstance(obj, str):
        return any(n in obj.encode("utf-8", "replace") for n in needles)
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return any(n in bytes(obj) for n in needles)
    if isinstance(obj, (int, float, bool, type(None))):
        return False
    if isinstance(obj, dict):
        return any(_contains(k, needles, seen, depth + 1) or _contains(v, needles, seen, depth + 1)
                   for k, v in list(obj.items()))
    if isinstance(obj, (list, tuple, set, frozenset)):
        return any(_contains(v, needles, seen, depth + 1) for v in list(obj))
    module = type(obj).__module__ or ""
    if module.startswith(("pandas", "pyarrow", "numpy", "plotly")):
        try:
            return any(n in pickle.dumps(obj) for n in needles)
        except Exception:  # noqa: BLE001 - unpicklable: look at its text
            return any(n in repr(obj).encode() for n in needles)
    if module.startswith(("threading", "_thread")):
        return False
    fields = dict(getattr(obj, "__dict__", {}) or {})
    for slot in getattr(type(obj), "__slots__", ()) or ():
        if hasattr(obj, slot):
            fields[slot] = getattr(obj, slot)
    if hasattr(obj, "items") and callable(obj.items):          # cachetools' caches are mappings
        try:
            fields["_items"] = list(obj.items())
        except Exception:  # noqa: BLE001
            pass
    return any(_contains(v, needles, seen, depth + 1) for v in fields.values())


def shared_caches_hold(*secrets: str) -> bool:
    """True if any process-wide (global-scope) st.cache_data/st.cache_resource entry holds one of ``secrets``."""
    needles = tuple(s.encode("utf-8") for s in secrets)
    seen: dict = {}
    for api, name in ((cache_data_api, "_data_caches"), (cache_resource_api, "_resource_caches")):
        caches = getattr(getattr(api, name), "_function_caches")
        if _contains(caches.get(None, {}), needles, seen):
            return True
    return False


def _leaky_app():
    import streamlit as st

    @st.cache_resource(max_entries=2)
    def remember(text: str) -> str:
        return f"stored:{text}"

    @st.cache_data(max_entries=2)
    def remember_copy(text: str) -> str:
        return f"copied:{text}"

    remember("positive-control-secret-42")
    remember_copy("positive-control-secret-43")


def test_the_search_finds_a_secret_put_in_a_shared_cache():
    AppTest.from_function(_leaky_app).run()
    assert shared_caches_hold("positive-control-secret-42")        # st.cache_resource
    assert shared_caches_hold("positive-control-secret-43")        # st.cache_data (pickled)


def test_typed_password_key_and_message_stay_out_of_every_shared_cache():
    at = run_page("pages/1_payments.py", "en", params={"tab": "identity"})
    at.text_input(key="id_password").set_value(PASSWORD).run()
    assert not at.exception
    assert at.dataframe                                # the table of stored forms was made
    bc = run_page("pages/4_blockchain.py", "en", params={"tab": "keys"})
    bc.text_input(key="bc_key_hex").set_value(KEY_HEX).run()
    bc.text_input(key="bc_sign_msg").set_value(MESSAGE)
    bc.text_input(key="bc_check_msg").set_value(MESSAGE).run()
    assert not bc.exception and not bc.error          # the signature verifies
    assert not shared_caches_hold(PASSWORD, KEY_HEX.rjust(64, "0"), MESSAGE)


def test_a_second_session_typing_the_same_password_does_the_work_again(monkeypatch):
    """Session B cannot hit anything session A computed: its hashing of the same password really runs."""
    calls: list[str] = []
    real = payments.store_password

    def counting(password, *args, **kwargs):
        calls.append(password)
        return real(password, *args, **kwargs)

    monkeypatch.setattr(payments, "store_password", counting)
    a = run_page("pages/1_payments.py", "en", params={"tab": "identity"})
    a.text_input(key="id_password").set_value(PASSWORD).run()
    assert not a.exception
    in_a = calls.count(PASSWORD)
    assert in_a >= len(payments.SCHEMES)             # every scheme stored it for session A
    a.run()                                            # A's own rerun is served from A's session memo
    assert calls.count(PASSWORD) == in_a
    b = run_page("pages/1_payments.py", "en", params={"tab": "identity"})
    b.text_input(key="id_password").set_value(PASSWORD).run()
    assert not b.exception
    assert calls.count(PASSWORD) == 2 * in_a           # B hashed it itself: no shared result, no timing signal


def test_typed_hash_and_merkle_texts_are_worked_out_in_each_session(monkeypatch):
    """Texts typed on the blockchain page (hash tab, Merkle tab) are not shared either: a second session typing
    the same text computes it again, and the Merkle tree holding it is in no shared cache."""
    from core import blockchain

    typed_hash, typed_tx = "my-own-text-typed-by-A-1729", "Alice → Mallory 999 BTC by A"
    samples: list[str] = []
    real = blockchain.avalanche_sample
    monkeypatch.setattr(blockchain, "avalanche_sample", lambda text, *a: samples.append(text) or real(text, *a))
    for _ in ("A", "B"):
        at = run_page("pages/4_blockchain.py", "en")                    # the hash tab
        at.text_input(key="bc_hash_a").set_value(typed_hash).run()
        assert not at.exception and at.session_state["bc_hash_a"] == typed_hash
    assert samples.count(typed_hash) == 2                               # once per session, never shared
    mk = run_page("pages/4_blockchain.py", "en", params={"tab": "merkle"})
    text_key = next(w.key for w in mk.text_input if w.key.startswith("bc_mk_text_"))
    mk.text_input(key=text_key).set_value(typed_tx).run()
    assert not mk.exception
    assert not shared_caches_hold(typed_hash, typed_tx)
