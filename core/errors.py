"""Errors that carry a translatable key, so a page can explain bad input in the reader's language.

Core stays language-neutral: it raises ``InputError(key, message, **params)``.  The English
``message`` is for programmers and logs; the UI looks up ``errors.<key>`` in the locale files
and formats it with ``params``.  ``InputError`` is a ``ValueError``, so callers that only know
the standard library still catch it.
"""
from __future__ import annotations


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
