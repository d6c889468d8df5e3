"""Texts per language, keyed by code: rules and conclusions never carry sentences."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

CATALOG_DIR = Path(__file__).with_name("catalogs")
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


class Catalog:
    def __init__(self, language: str, data: dict):
        self.language = language
        self.data = data
        # audit_text's lookups, by dotted key: a catalog's files are read once per process
        # and its audit texts never change after.
        self.audit_templates: dict[str, str] = {}

    def _get(self, *path: str) -> str:
        node = self.data
        try:
            for key in path:
                node = node[key]
        except (KeyError, TypeError):
            raise KeyError(f"catalog {self.language}: no text for {'.'.join(path)}") from None
        return node

    def text(self, section: str, key: str, **values) -> str:
        """The text `key` of a catalog table (`[batch]`, `[ui]`, …), formatted with
        `values` (so `{{` is a literal brace, as everywhere in the catalogs)."""
        return self._get(section, key).format(**values)

    def rules_texts(self, rule_ids) -> list[str]:
        """Each rule's explanation, in order (a KeyError names a missing one)."""
        table = self.data.get("rules", {})
        try:
            return [table[rule_id] for rule_id in rule_ids]
        except KeyError:
            return [self.rule(rule_id) for rule_id in rule_ids]

    def likelihood(self, code: str) -> str:
        return self._get("likelihood", code)

    def topic(self, topic: str) -> str:
        return self._get("topics", topic)

    def effect(self, topic: str, code: str) -> str:
        return self._get("effects", topic, code)

    def action(self, code: str) -> str:
        return self._get("actions", code)

    def rule(self, rule_id: str) -> str:
        return self._get("rules", rule_id)

    def ui(self, key: str, **values) -> str:
        return self.text("ui", key, **values)

    @property
    def disclaimer(self) -> str:
        return self._get("meta", "disclaimer")


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return language


def _merge(into: dict, data: dict, origin: Path, path: str = "") -> None:
    for key, value in data.items():
        where = f"{path}.{key}" if path else key
        if key not in into:
            into[key] = value
        elif isinstance(into[key], dict) and isinstance(value, dict):
            _merge(into[key], value, origin, where)
        else:
            raise ValueError(f"catalog key {where} defined twice (again in {origin.name})")


@cache
def catalog(language: str = DEFAULT_LANGUAGE) -> Catalog:
    """The texts of one language: every TOML file of catalogs/<language>/, merged."""
    check_language(language)
    data: dict = {}
    for path in sorted((CATALOG_DIR / language).glob("*.toml")):
        with open(path, "rb") as handle:
            _merge(data, tomllib.load(handle), path)
    return Catalog(language, data)


def catalog_files() -> list[Path]:
    return [path for language in LANGUAGES for path in sorted((CATALOG_DIR / language).glob("*.toml"))]
