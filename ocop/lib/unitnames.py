"""Names of administrative units compared as people write them: kind words ("Xã", "Huyện"), accents, case, spaces.

Kept apart from ``ocop.units`` (which reads the models) so that the models can use it.
"""

import re
import unicodedata

from ocop.enums import UnitKind
from ocop.lib.text import unaccent

# The words an address puts before a unit's name, as written (accents tell "Phường" from the name "Phương Sơn").
KIND_BY_LABEL = {
    "xã": UnitKind.COMMUNE,
    "thị trấn": UnitKind.TOWNSHIP,
    "phường": UnitKind.WARD,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}
_PREFIXES = ("thành phố", "thị trấn", "thị xã", "đặc khu", "xã", "phường", "huyện", "quận", "tỉnh")
_PREFIX_RE = re.compile(r"^(?:" + "|".join(p.replace(" ", r"\s+") for p in _PREFIXES) + r")\s+")
_ASCII_PREFIX_RE = re.compile(r"^(?:" + "|".join(unaccent(p).replace(" ", r"\s+") for p in _PREFIXES) + r")\s+")


def fold(text: str) -> str:
    """ "  Thanh  LÂM " -> "thanh lam"."""
    return " ".join(unaccent(text or "").lower().split())


def unit_key(name: str) -> str:
    """ "Xã Thanh Lâm" / "thanh lam" / "THANH  LÂM" -> "thanh lam": without the kind word, accents, case or extra
    spaces. The kind word is recognised with its accents ("Phường 1" -> "1", but "Phương Sơn" stays); in text typed
    without accents "xa thanh lam" -> "thanh lam" (``former_keys`` also tries the text whole)."""
    text = " ".join(unicodedata.normalize("NFC", name or "").lower().split())
    pattern = _ASCII_PREFIX_RE if text.isascii() else _PREFIX_RE
    return fold(pattern.sub("", text, count=1) or text)


def former_keys(name: str) -> list[str]:
    """The keys a typed name may stand for, the likeliest first: whole, without a kind word written with its
    accents, without one written without ("Xa Thanh Lâm")."""
    text = " ".join(unicodedata.normalize("NFC", name or "").lower().split())
    ascii_stripped = _ASCII_PREFIX_RE.sub("", fold(text), count=1)
    return [key for key in dict.fromkeys([fold(text), unit_key(text), ascii_stripped]) if key]


def split_kind(full_name: str) -> tuple[str, str]:
    """ "Xã Bảo Đài" -> ("xa", "Bảo Đài"); "Thị trấn Đồi Ngô" -> ("thi_tran", "Đồi Ngô"); no kind word -> commune."""
    words = unicodedata.normalize("NFC", full_name).split()
    for size in (2, 1):
        label = " ".join(words[:size]).lower()
        if label in KIND_BY_LABEL and len(words) > size:
            return KIND_BY_LABEL[label], " ".join(words[size:])
    return UnitKind.COMMUNE, " ".join(words)
