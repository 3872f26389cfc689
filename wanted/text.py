"""Folding of Vietnamese text for search: no case, no diacritics, đ is d."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(value: str) -> str:
    """Return lower-case ASCII words of the text, single-spaced ("Đỗ Hùng" → "do hung")."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.lower()).strip()


def search_text(name: str, aliases: list[str]) -> str:
    """Build the searchable text of a name and its aliases, each word after a space."""
    words = " ".join(fold(part) for part in [name, *aliases] if part)
    return f" {words} "
