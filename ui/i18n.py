"""Locale catalogues and message formatting for 中文 / English.

Catalogues live in ``data/locales``: ``zh.toml`` / ``en.toml`` (frame, home page, shared errors)
plus one pair per page, ``<page>.zh.toml`` / ``<page>.en.toml``.  All files of a language are
deep-merged into one flat dict of dotted keys; a key defined twice is an error.

Messages are ``str.format`` templates with extra format specs (``money``, ``yuan``, ``num``,
``pct``, ``big``) so that every number is written the way the reader's language writes it.
This module does not import streamlit: tests and core-side tools can use it directly.
"""
from __future__ import annotations

import math
import string
import tomllib
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "data" / "locales"
LANGS = ("zh", "en")
DEFAULT_LANG = "en"

#: keys that were asked for but are missing (tests assert this stays empty)
MISSING: set[str] = set()


def locale_files(lang: str) -> list[Path]:
    """The catalogue files of one language: the main file first, then the page files."""
    return [LOCALE_DIR / f"{lang}.toml"] + sorted(LOCALE_DIR.glob(f"*.{lang}.toml"))


def _flatten(tree: dict, prefix: str, out: dict, origin: str) -> None:
    for name, value in tree.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            _flatten(value, key + ".", out, origin)
        else:
            if key in out:
                raise ValueError(f"locale key {key!r} defined twice ({origin})")
            out[key] = value


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict:
    """All messages of ``lang`` as a flat ``{dotted.key: value}`` dict."""
    out: dict = {}
    for path in locale_files(lang):
        if path.exists():
            with path.open("rb") as handle:
                _flatten(tomllib.load(handle), "", out, path.name)
    return out


def normalize_lang(value) -> str | None:
    """'zh', 'zh-CN', 'zh_TW', 'en-US' … → 'zh' / 'en'; anything else → None."""
    if not isinstance(value, str):
        return None
    head = value.strip().lower().replace("_", "-").split("-")[0]
    return head if head in LANGS else None


# ------------------------------------------------------------------ number formatting
def format_num(x, lang: str, digits: int = 0) -> str:
    """A number with thousands separators (both languages group by three in running text)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{x:,.{digits}f}"


def format_yuan(yuan: float, lang: str, digits: int = 2) -> str:
    """Money in yuan: ¥1,234.56 (negative as −¥1,234.56)."""
    sign = "−" if yuan < 0 else ""
    return f"{sign}¥{abs(yuan):,.{digits}f}"


def format_money(fen: int, lang: str) -> str:
    """Integer fen → ¥ yuan with two decimals, computed exactly with integers."""
    fen = int(fen)
    sign = "−" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def format_pct(fraction: float, lang: str, digits: int = 1) -> str:
    """A fraction as a percentage: 0.1234 → 12.3%."""
    if fraction is None or (isinstance(fraction, float) and not math.isfinite(fraction)):
        return "—"
    return f"{fraction * 100:.{digits}f}%"


def format_big(x: float, lang: str) -> str:
    """Large counts in words: Chinese 万 / 亿, English thousand / million / billion / trillion."""
    if x is None:
        return "—"
    a = abs(x)
    if lang == "zh":
        for unit, size in (("万亿", 1e12), ("亿", 1e8), ("万", 1e4)):
            if a >= size:
                return f"{x / size:,.{_digits(a / size)}f} {unit}"
        return f"{x:,.0f}"
    for unit, size in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6), ("thousand", 1e3)):
        if a >= size:
            return f"{x / size:,.{_digits(a / size)}f} {unit}"
    return f"{x:,.0f}"


def _digits(v: float) -> int:
    return 0 if v >= 100 else (1 if v >= 10 else 2)


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def format_field(self, value, spec: str):
        lang = self.lang
        if spec == "money":
            return format_money(value, lang)
        if spec == "yuan":
            return format_yuan(value, lang)
        if spec in ("num", "num0", "num1", "num2", "num3"):
            return format_num(value, lang, int(spec[3:] or 0))
        if spec in ("pct", "pct0", "pct1", "pct2"):
            return format_pct(value, lang, int(spec[3:] or 1))
        if spec == "big":
            return format_big(value, lang)
        return super().format_field(value, spec)


def translate(lang: str, key: str, **params) -> str:
    """The message ``key`` in ``lang``, formatted with ``params``; a missing key returns the key itself."""
    cat = catalog(lang)
    if key not in cat:
        MISSING.add(f"{lang}:{key}")
        return key
    text = cat[key]
    if not isinstance(text, str):
        return str(text)
    if not params:
        return text
    try:
        return _Formatter(lang).format(text, **params)
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        MISSING.add(f"{lang}:{key} (format: {exc})")
        return text


class Translator:
    """``T(key, **params)`` for one language; ``T.list(key)`` for arrays; ``T.raw(key)`` for any value."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, key: str, **params) -> str:
        return translate(self.lang, key, **params)

    def raw(self, key: str, default=None):
        cat = catalog(self.lang)
        if key not in cat:
            MISSING.add(f"{self.lang}:{key}")
            return default
        return cat[key]

    def list(self, key: str) -> list:
        value = self.raw(key, [])
        return list(value) if isinstance(value, list) else [value]

    def has(self, key: str) -> bool:
        return key in catalog(self.lang)
