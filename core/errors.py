"""Errors that carry a translatable key, so a page can explain bad input in the reader's language.

Core stays language-neutral: it raises ``InputError(key, message, **params)``.  The English
``message`` is for programmers and logs; the UI looks up ``errors.<key>`` in the locale files
and formats it with ``params``.  ``InputError`` is a ``ValueError``, so callers that only know
the standard library still catch it.
"""
from __future__ import annotations

import math


class InputError(ValueError):
    """A ValueError with a locale key (``errors.<key>``) and the numbers to show with it."""

    def __init__(self, key: str, message: str, **params):
        super().__init__(message)
        self.key = key
        self.params = params


def require(condition: bool, key: str, message: str, **params) -> None:
    """Raise ``InputError(key, message, **params)`` unless ``condition`` holds."""
    if not condition:
        raise InputError(key, message, **params)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) or type(value).__module__ == "numpy" \
        and hasattr(value, "dtype") and value.dtype.kind in "iuf"


def check_number(value, lo: float, hi: float, key: str = "out_of_range", what: str = "value"):
    """``value`` if it is a finite real number with lo ≤ value ≤ hi, else ``InputError(key, lo=, hi=)``.

    The domain check every public core function needs at its door: a NaN, ±inf, a 400-digit integer
    (which no float can hold) or a number beyond the model's range is refused with a key, never passed
    on to arithmetic that would divide by zero, overflow or run for hours."""
    ok = _is_number(value)
    if ok:
        try:
            ok = math.isfinite(float(value)) and lo <= value <= hi
        except OverflowError:  # an int too large for a float
            ok = False
    require(ok, key, f"{what} must be a finite number within {lo} … {hi}", lo=lo, hi=hi, value=str(value)[:40])
    return value


def check_count(value, lo: int, hi: int, key: str = "work_limit", what: str = "count") -> int:
    """``int(value)`` if it is a whole number lo ≤ value ≤ hi, else ``InputError(key, lo=, hi=)`` — the
    bound on the work a loop or an array of that size would take."""
    ok = (isinstance(value, int) and not isinstance(value, bool)) or (
        type(value).__module__ == "numpy" and hasattr(value, "dtype") and value.dtype.kind in "iu")
    require(ok and lo <= value <= hi, key, f"{what} must be a whole number within {lo} … {hi}", lo=lo, hi=hi,
            value=str(value)[:40])
    return int(value)
