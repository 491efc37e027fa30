"""The chapter check at the end of a page's last tab: a few questions that tie the chapter's headings to the
tabs where the student worked with them (issue 14, item 7).

Same shape as ``ui.quiz`` (questions, options, answer, explanation from the locale), but under
``<page>.check``: ``title``, ``intro``, ``done`` and one table per question id with ``question``, ``options``
(array), ``answer`` (0-based, the same in both languages) and ``explain``.  Each answer is kept while the
student visits other tabs (``persist_state="page"``).
"""
from __future__ import annotations

import streamlit as st

from ui.frame import translator


def chapter_check(page_id: str, ids: list[str]) -> int:
    """Draw the check of ``page_id`` and return how many of its questions are answered correctly."""
    T = translator()
    base = f"{page_id}.check"
    st.divider()
    st.markdown(f"#### 🧩 {T(f'{base}.title')}")
    st.markdown(T(f"{base}.intro"))
    right = 0
    for n, qid in enumerate(ids, start=1):
        key = f"{base}.{qid}"
        options = T.list(f"{key}.options")
        answer = int(T.raw(f"{key}.answer", 0))
        choice = st.radio(f"{n}. {T(f'{key}.question')}", list(range(len(options))), index=None,
                          format_func=lambda i, o=options: o[i], key=f"check_{page_id}_{qid}",
                          persist_state="page")
        if choice is not None:
            right += verdict(choice == answer, options[answer], T(f"{key}.explain"))
    score(right, len(ids), T(f"{base}.done"))
    return right


def verdict(correct: bool, answer: str, explain: str) -> int:
    """Instant feedback on one answer (the right answer named when it was missed); 1 if correct, else 0."""
    T = translator()
    if correct:
        st.success(f"✅ {T('common.quiz_right')} {explain}")
        return 1
    st.error(f"❌ {T('common.quiz_wrong', answer=answer)} {explain}")
    return 0


def score(right: int, total: int, done: str) -> None:
    """The score so far, and the closing line once every answer is right."""
    st.caption(translator()("common.quiz_score", right=right, total=total))
    if right == total:
        st.info(done, icon="🎓")
