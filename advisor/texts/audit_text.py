"""Texts of the audit, why-not, what-if and timeline features: the `[audit]` table of
advisor/texts/catalogs/<lang>/audit.toml (same keys in both languages)."""

from __future__ import annotations

import json
from typing import Any

from advisor.texts.catalog import Catalog


def audit_text(text: Catalog, key: str, /, **values: Any) -> str:
    """The text at `audit.<key>` (a dotted path), formatted with `values`."""
    template = text.audit_templates.get(key)
    if template is None:
        template = text.audit_templates[key] = text.template("audit", *key.split("."))
    return template.format(**values) if values else template


def audit_text_or(text: Catalog, key: str, default: str | None = None, /, **values: Any) -> str | None:
    try:
        return audit_text(text, key, **values)
    except KeyError:
        return default


def value_key(value: Any) -> str:
    """The catalog key for a slot value: true/false/null or the code itself."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def shown(text: Catalog, value: Any) -> str:
    """A Situation value as a person reads it (null = don't know)."""
    if value is None:
        return audit_text(text, "words.null")
    if isinstance(value, bool):
        return audit_text(text, "words.true" if value else "words.false")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def join_or(text: Catalog, items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return audit_text(text, "words.list_sep").join(items[:-1]) + audit_text(text, "words.or") + items[-1]


def join_and(text: Catalog, items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return audit_text(text, "words.list_sep").join(items[:-1]) + audit_text(text, "words.and") + items[-1]


def debt_name(labels: list[str], debt: int) -> str:
    return labels[debt] if 0 <= debt < len(labels) else f"#{debt}"
