"""Texts per language, keyed by code: rules and conclusions never carry sentences."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

CATALOG_DIR = Path(__file__).with_name("catalogs")
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


_MISSING: Any = object()


class Catalog:
    """The texts of one language.  Every text is reached through `lookup`: a path of
    table keys (a rule id such as `huabei.suspended` is one key of `[rules]`), a
    KeyError naming the path when there is no such entry.  `template` is a text entry,
    `text` a formatted one; the named helpers (`ui`, `effect`, `rule`, …) and
    `audit_text` are those, for their tables."""

    def __init__(self, language: str, data: dict[str, Any]):
        self.language = language
        self.data = data
        # audit_text's templates, by dotted key: a catalog's files are read once per
        # process, and its audit texts (timeline, why-not, what-if) are asked for many
        # times per advice.
        self.audit_templates: dict[str, str] = {}

    def lookup(self, *path: str, default: Any = _MISSING) -> Any:
        """The entry at `path` (a text, a list of texts or a table), or `default`."""
        node: Any = self.data
        try:
            for key in path:
                node = node[key]
        except (KeyError, TypeError, IndexError):
            if default is not _MISSING:
                return default
            raise self._missing(path) from None
        return node

    def template(self, *path: str) -> str:
        """The text at `path`, unformatted: `lookup`, for a text.  (The walk is written
        out again here: the report asks for a few hundred texts per advice.)"""
        node: Any = self.data
        try:
            for key in path:
                node = node[key]
        except (KeyError, TypeError, IndexError):
            raise self._missing(path) from None
        if type(node) is not str:
            raise KeyError(f"catalog {self.language}: {'.'.join(path)} is not a text")
        return node

    def _missing(self, path: tuple[str, ...]) -> KeyError:
        return KeyError(f"catalog {self.language}: no text for {'.'.join(path)}")

    def text(self, *path: str, **values: Any) -> str:
        """The text at `path` (`"batch", "err_x"`, …), formatted with `values` (so `{{`
        is a literal brace, as everywhere in the catalogs)."""
        return self.template(*path).format(**values)

    def rules_texts(self, rule_ids: Iterable[str]) -> list[str]:
        """Each rule's explanation, in order (a KeyError names a missing one)."""
        table = self.lookup("rules")
        try:
            return [table[rule_id] for rule_id in rule_ids]
        except KeyError:
            return [self.template("rules", rule_id) for rule_id in rule_ids]

    def likelihood(self, code: str) -> str:
        return self.template("likelihood", code)

    def topic(self, topic: str) -> str:
        return self.template("topics", topic)

    def effect(self, topic: str, code: str) -> str:
        return self.template("effects", topic, code)

    def action(self, code: str) -> str:
        return self.template("actions", code)

    def rule(self, rule_id: str) -> str:
        return self.template("rules", rule_id)

    def ui(self, key: str, **values: Any) -> str:
        return self.text("ui", key, **values)

    def interview(self, key: str, **values: Any) -> str:
        return self.text("interview", key, **values)

    @property
    def disclaimer(self) -> str:
        return self.template("meta", "disclaimer")


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    return language


def _merge(into: dict[str, Any], data: dict[str, Any], origin: Path, path: str = "") -> None:
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
    data: dict[str, Any] = {}
    for path in sorted((CATALOG_DIR / language).glob("*.toml")):
        with open(path, "rb") as handle:
            _merge(data, tomllib.load(handle), path)
    return Catalog(language, data)


def catalog_files() -> list[Path]:
    return [path for language in LANGUAGES for path in sorted((CATALOG_DIR / language).glob("*.toml"))]
