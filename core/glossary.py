"""The bilingual glossary (data/glossary.toml): load, check and search. Pure, no streamlit.

Each term has a Chinese and an English name, a short definition in both languages and the page and tab that
teach it (``page`` is a page id, ``tab`` its ``?tab=`` name)."""
from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "data" / "glossary.toml"
FIELDS = ("zh", "en", "def_zh", "def_en", "page", "tab")
MAX_QUERY = 60


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    zh: str
    en: str
    def_zh: str
    def_en: str
    page: str
    tab: str

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def definition(self, lang: str) -> str:
        return self.def_zh if lang == "zh" else self.def_en


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    """Every term, in file order; a missing or empty field raises ``InputError('glossary_bad_file')``."""
    with GLOSSARY.open("rb") as handle:
        raw = tomllib.load(handle).get("terms", [])
    out = []
    for n, row in enumerate(raw, start=1):
        if any(not isinstance(row.get(f), str) or not row[f].strip() for f in FIELDS):
            raise InputError("glossary_bad_file", f"glossary term {n} lacks a field", n=n)
        out.append(Term(*(row[f].strip() for f in FIELDS)))
    return tuple(out)


def fold(text: str) -> str:
    """Case- and width-insensitive form for searching (full-width letters and digits fold to ASCII)."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def search(query: str | None, page: str | None = None) -> list[Term]:
    """Terms whose name or definition, in either language, contains ``query`` (names first); all if empty.

    ``page`` keeps only the terms taught on that page.  Queries longer than 60 characters are cut."""
    q = fold((query or "")[:MAX_QUERY])
    pool = [t for t in terms() if page in (None, t.page)]
    if not q:
        return pool
    by_name = [t for t in pool if q in fold(t.zh) or q in fold(t.en)]
    by_text = [t for t in pool if t not in by_name and (q in fold(t.def_zh) or q in fold(t.def_en))]
    return by_name + by_text
