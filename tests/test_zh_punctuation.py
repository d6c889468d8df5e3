"""Chinese texts use full-width punctuation (，；：（）？), as a Chinese reader expects; the
half-width forms stay only where they are not Chinese text: parameter placeholders
`$(…)`, format fields `{…}`, argparse's `%(…)s`, JSON keys (`"suggest": true`), option
values (`local:N`), numbers (1,024), command-line options (`--debt`), codes
(`debts.0.x`), clock times (22:00) and addresses."""

from __future__ import annotations

import re

import pytest
from test_catalogs import CJK, flatten, texts

# What is not Chinese text inside a Chinese sentence, and so keeps its own punctuation.
NOT_PROSE = re.compile(
    r"\b[A-Za-z]+:[A-Za-z0-9]+\b|\d{1,3}(?:,\d{3})+|\"[A-Za-z_]\w*\"\s*:|%\([^)]*\)[a-z]|\$\([^)]*\)|\{[^{}]*\}|\d:\d\d|https?://\S+|--?[a-z][\w-]*|\b[A-Za-z_]+\.[A-Za-z_.]+\b"
)
# "?" alone is the command a person types for "why"; after Chinese words it is a question mark.
HALF_WIDTH = re.compile(r"[,;:()]|(?<=[\u4e00-\u9fff”])\?")


def half_width_marks(text: str) -> list[str]:
    prose = NOT_PROSE.sub(" ", text)
    return HALF_WIDTH.findall(prose)


def zh_texts():
    for path, value in flatten(texts("zh").data).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and CJK.search(item):
                yield path, item


def test_every_chinese_text_uses_full_width_punctuation():
    offending = {path: text for path, text in zh_texts() if half_width_marks(text)}
    assert not offending, "half-width punctuation in Chinese texts (use ，；：（）？):\n" + "\n".join(
        f"  {path}: {text}" for path, text in sorted(offending.items())
    )


@pytest.mark.parametrize(
    "text, marks",
    [
        ("已触发:得出了这一结论({what})。", [":", "(", ")"]),
        ("{where}：没有这一项；可用：{allowed}", []),
        ("--debt {debt}：情况中有 {count} 笔债务", []),
        ("晚上22:00到早上8:00之间", []),
        ("%(prog)s：错误：%(message)s", []),
        ('或设置 "suggest": true', []),
        ("用 local:N 启动，每 1,024 行一块", []),
        ("为什么没有“{label}”?", ["?"]),
    ],
)
def test_the_check_tells_prose_from_codes_fields_and_times(text, marks):
    assert half_width_marks(text) == marks
