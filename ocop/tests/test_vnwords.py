"""Amounts in Vietnamese words."""

from decimal import Decimal

import pytest

from ocop.lib.vnwords import amount_in_words, number_to_words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (1, "một"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (55, "năm mươi lăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (115, "một trăm mười lăm"),
        (121, "một trăm hai mươi mốt"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm linh năm"),
        (1010, "một nghìn không trăm mười"),
        (1234, "một nghìn hai trăm ba mươi tư"),
        (20_000_000, "hai mươi triệu"),
        (50_000_000, "năm mươi triệu"),
        (150_000_000, "một trăm năm mươi triệu"),
        (190_000_000, "một trăm chín mươi triệu"),
        (200_500_000, "hai trăm triệu năm trăm nghìn"),
        (1_000_001, "một triệu không trăm linh một"),
        (1_000_000_000, "một tỷ"),
        (2_500_000_000, "hai tỷ năm trăm triệu"),
        (1_000_000_005, "một tỷ không trăm linh năm"),
        (1_000_000_000_000, "một nghìn tỷ"),
        (3_000_021_000_000, "ba nghìn tỷ không trăm hai mươi mốt triệu"),
    ],
)
def test_number_to_words(number, words):
    assert number_to_words(number) == words


def test_le_is_the_alternative_odd_word():
    assert number_to_words(305, odd_word="lẻ") == "ba trăm lẻ năm"


def test_amount_in_words_is_capitalised_with_the_currency_and_takes_decimals():
    assert amount_in_words(Decimal("150000000")) == "Một trăm năm mươi triệu đồng"
    assert amount_in_words(Decimal("0")) == "Không đồng"
    assert amount_in_words(Decimal("60000000.00")) == "Sáu mươi triệu đồng"


def test_negative_amounts_say_so():
    assert number_to_words(-21) == "âm hai mươi mốt"
