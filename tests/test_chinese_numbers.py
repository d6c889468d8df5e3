"""Numbers written in Chinese numerals, read by the one number parser (advisor.numbers)."""

from __future__ import annotations

import pytest

from advisor.numbers import chinese_number, with_arabic_numerals


@pytest.mark.parametrize(
    "text, value",
    [
        ("五", 5),
        ("零", 0),
        ("十", 10),
        ("十五", 15),
        ("一十", 10),
        ("四十", 40),
        ("四十五", 45),
        ("一百零八", 108),
        ("三百五", 350),  # spoken: 三百五十
        ("两千五", 2500),
        ("两千五百", 2500),
        ("三千零五", 3005),
        ("一千零五十", 1050),
        ("一万二", 12000),  # spoken: 一万二千
        ("一万二千", 12000),
        ("两万五", 25000),
        ("一万零五百", 10500),
        ("十万", 100_000),
        ("二十万五千", 205_000),
        ("一百万", 1_000_000),
        ("一亿两千万", 120_000_000),
        ("1万2", 12000),
    ],
)
def test_chinese_numerals_as_people_say_them(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    "text", ["", "万", "一二", "十十", "百千", "一百十", "一万一万", "一百零", "零零", "一零", "十a"]
)
def test_what_is_not_a_number_is_none(text):
    assert chinese_number(text) is None


def test_numerals_in_an_answer_become_digits_and_nothing_else_changes():
    assert with_arabic_numerals("四十天") == "40天"
    assert with_arabic_numerals("大概一万二元") == "大概12000元"
    assert with_arabic_numerals("两次") == "2次"
    # amounts the answer parser reads with its own multipliers stay as they are
    assert with_arabic_numerals("1.5万") == "1.5万"
    assert with_arabic_numerals("5万") == "5万"
    assert with_arabic_numerals("一二") == "一二"
    for long in ("一" * 4097, "万" * 4097, "千万" * 2048):  # an over-long answer: unchanged, at once
        assert with_arabic_numerals(long) == long
