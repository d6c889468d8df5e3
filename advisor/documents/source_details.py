"""A cited source as the plan shows it: its title and its address."""

from __future__ import annotations


def describe_source(document: str, locator: str) -> tuple[str, str]:
    """(title, address) of the passage `locator` in `document` (either may be empty)."""
    return document, ""
