"""Amounts in Vietnamese words, as written on payment lists and vouchers: 150000000 → "Một trăm năm mươi triệu đồng".

Rules (the usual administrative style):
- units 1 after "mươi" (21, 31 …) read "mốt"; 4 after "mươi" reads "tư" (24 → "hai mươi tư"); 5 after a ten reads
  "lăm" (15 → "mười lăm", 25 → "hai mươi lăm"); 10-19 read "mười …";
- a zero ten inside a group before a unit reads "linh" (105 → "một trăm linh năm"; "lẻ" with ``odd_word="lẻ"``);
- a group after a higher group always says its hundreds ("một nghìn không trăm linh năm");
- groups are "nghìn", "triệu", "tỷ", and beyond a billion the groups repeat ("nghìn tỷ", "triệu tỷ").
"""

from decimal import Decimal

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUPS = ["", "nghìn", "triệu"]


def _three(number: int, *, full: bool, odd_word: str) -> list[str]:
    """Words for 0..999; ``full`` says the hundreds even when zero (a group after a higher one)."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(odd_word)
            words.append(DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens > 1 else "một")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _below_billion(number: int, *, leading: bool, odd_word: str) -> list[str]:
    """Words for 0..999,999,999; ``leading`` when nothing higher was said before."""
    groups = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        full = not (leading and not words)
        words += _three(group, full=full, odd_word=odd_word)
        if GROUPS[index]:
            words.append(GROUPS[index])
    return words


def number_to_words(number, *, odd_word: str = "linh") -> str:
    """A whole number in Vietnamese words (lower case): 21 → "hai mươi mốt", 1005 → "một nghìn không trăm linh năm"."""
    number = int(Decimal(number))
    if number < 0:
        return "âm " + number_to_words(-number, odd_word=odd_word)
    if number == 0:
        return DIGITS[0]
    parts = []
    while number:
        number, chunk = divmod(number, 1_000_000_000)
        parts.append(chunk)
    words: list[str] = []
    for index in range(len(parts) - 1, -1, -1):
        chunk = parts[index]
        if chunk:
            words += _below_billion(chunk, leading=not words, odd_word=odd_word)
        if index and words and (chunk or words[-1] != "tỷ"):
            words.append("tỷ")
    return " ".join(words)


def amount_in_words(amount, *, currency: str = "đồng", odd_word: str = "linh") -> str:
    """An amount of VND as written on a payment list: "Một trăm năm mươi triệu đồng" (capitalised, whole đồng)."""
    text = f"{number_to_words(amount, odd_word=odd_word)} {currency}".strip()
    return text[0].upper() + text[1:]
