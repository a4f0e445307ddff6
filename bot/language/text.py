"""Text normalisation shared by lookup and language detection.

Papiamentu has two spellings (Bonaire/Curaçao "kuantu, haña, -shon" and Aruba
"cuanto, haya, -cion"), and people type without accents, so matching folds both
spellings and all diacritics onto one form.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
# Aruba writes a final -o where Bonaire/Curaçao write -u: cuanto / kuantu.
_FINAL_O = re.compile(r"o\b")

# Order matters: longer patterns first, and ñ becomes y before y becomes i.
_PAP_FOLDS: tuple[tuple[str, str], ...] = (
    ("cion", "shon"),
    ("sion", "shon"),
    ("ch", "sh"),
    ("qu", "k"),
    ("ca", "ka"),
    ("co", "ko"),
    ("cu", "ku"),
    ("ñ", "y"),
    ("y", "i"),
)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lowercase, fold Papiamentu spelling variants, strip accents."""
    text = text.lower()
    for old, new in _PAP_FOLDS:
        text = text.replace(old, new)
    return _FINAL_O.sub("u", strip_accents(text))


def words(text: str) -> list[str]:
    """The folded words of a text."""
    return _WORD.findall(fold(text))
