"""Sentences of a report, and saying each of them once.

An explanation gives the reasons for one effect; two effects decided by the same rule
(Huabei "likely cut, possibly stopped") share its sentence.  The report says it under
the first and leaves it out after, so a reader meets every sentence once."""

from __future__ import annotations

import re

# A sentence ends at a Chinese full stop, question or exclamation mark, or at an English
# one followed by a space (so "0.05%" and "e.g." inside a sentence do not end it).
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z0-9\"'“(])")


def sentences(text: str) -> list[str]:
    """`text`'s sentences, stripped, in order."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


class SaidOnce:
    """What a report has said so far; `fresh` gives what of a text is new."""

    def __init__(self, language: str) -> None:
        self.joiner = "" if language.startswith("zh") else " "  # Chinese, Simplified or Traditional
        self.said: set[str] = set()

    def fresh(self, text: str) -> str:
        """The sentences of `text` not said before (now said), joined; "" when none is new."""
        new = [sentence for sentence in sentences(text) if sentence not in self.said]
        self.said.update(new)
        return self.joiner.join(dict.fromkeys(new))
