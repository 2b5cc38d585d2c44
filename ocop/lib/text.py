"""Vietnamese text helpers: accent folding and slugs."""

import re
import unicodedata


def unaccent(text: str) -> str:
    """'Bánh mật Đồi Ngô' -> 'Banh mat Doi Ngo' (đ/Đ do not decompose, so they are mapped first)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def vn_slugify(text: str) -> str:
    """'Đồi Ngô' -> 'doi-ngo'."""
    ascii_text = unaccent(text).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
