"""Texts per language, keyed by code: rules and conclusions never carry sentences.

A text may name a dated parameter instead of restating its value (`$(overdue.short_max_days)`,
see advisor/texts/placeholders.py): such a text is only given out by a catalog for a day,
`catalog(lang).on(day)`, which fills it with the value in force that day.  The catalog
as read from the files gives every other text and refuses those (no `$(` ever reaches a
reader).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from credit_advisor.facts.parameters import parameters_on

from .placeholders import PlaceholderError, fill, placeholders

CATALOG_DIR = Path(__file__).with_name("catalogs")
LANGUAGES = ("zh", "zh-Hant", "en")
DEFAULT_LANGUAGE = "zh"
# A language whose catalogs are derived from another's, not written: Traditional Chinese
# is converted from the Simplified texts (advisor/texts/traditional.py).
DERIVED_FROM = {"zh-Hant": "zh"}


_MISSING: Any = object()
DAYS_REMEMBERED = 64  # catalogs filled for a day, per process: a batch has few distinct days


_ABSENT: Any = object()


class Catalog:
    """The texts of one language.  Every text is reached through `lookup`: a path of
    table keys (a rule id such as `huabei.suspended` is one key of `[rules]`), a
    KeyError naming the path when there is no such entry.  `template` is a text entry,
    `text` a formatted one; the named helpers (`ui`, `effect`, `rule`, …) and
    `audit_text` are those, for their tables.

    This is the catalog as written (`data`): a text with a parameter placeholder is
    refused with a `PlaceholderError`; `on(day)` gives the catalog for a day."""

    day: date | None = None

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
            error = self._missing(path)
            if default is not _MISSING and type(error) is KeyError:
                return default  # no such text; one that cannot be given out is never defaulted
            raise error from None
        return self._checked(path, node)

    def on(self, day: date) -> Catalog:
        """This language's catalog for `day`: every parameter placeholder filled with the
        value in force that day (remembered per language and day)."""
        return _catalog_on(self.language, day)

    def _checked(self, path: tuple[str, ...], node: Any) -> Any:
        """`node`, unless it is (or lists) a text this catalog cannot give out (a day's
        catalog has filled every placeholder, and gives out what it holds)."""
        for item in node if type(node) is list else (node,):
            if type(item) is str and "$(" in item:
                raise PlaceholderError(
                    f"catalog {self.language}: {'.'.join(path)} names a parameter: ask catalog(lang).on(day)"
                )
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
        return self._checked(path, node)

    def _missing(self, path: tuple[str, ...]) -> LookupError:
        return KeyError(f"catalog {self.language}: no text for {'.'.join(path)}")

    def text(self, *path: str, **values: Any) -> str:
        """The text at `path` (`"batch", "err_x"`, …), formatted with `values` (so `{{`
        is a literal brace, as everywhere in the catalogs)."""
        return self.template(*path).format(**values)

    def rules_texts(self, rule_ids: Iterable[str]) -> list[str]:
        """Each rule's explanation, in order (a KeyError names a missing one)."""
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


class DayCatalog(Catalog):
    """The texts of one language for one day: placeholders filled (`data`).  A text that
    cannot be filled that day (its parameter has no value then) is left out of `data`
    and refused with the reason when asked for.  Lookups are the catalog's own, without
    its `$(` test: this is the hot path of every advice."""

    def __init__(self, language: str, source: dict[str, Any], day: date):
        values, self.day = parameters_on(day), day
        self.unfilled: dict[tuple[Any, ...], PlaceholderError] = {}
        data = _filled(source, lambda text: fill(text, values, language), (), self.unfilled)
        super().__init__(language, data)

    def _checked(self, path: tuple[str, ...], node: Any) -> Any:
        return node

    def rules_texts(self, rule_ids: Iterable[str]) -> list[str]:
        table = self.data["rules"]
        try:
            return [table[rule_id] for rule_id in rule_ids]
        except KeyError:
            return [self.template("rules", rule_id) for rule_id in rule_ids]

    def _missing(self, path: tuple[str, ...]) -> LookupError:
        for where, error in self.unfilled.items():
            if path[: len(where)] == where:
                return PlaceholderError(f"catalog {self.language} on {self.day}: {'.'.join(path)}: {error}")
        return super()._missing(path)


def _filled(node: Any, fill_text: Any, path: tuple[Any, ...], unfilled: dict) -> Any:
    """`node` with each text that has placeholders filled; one that cannot be is left out
    (a list with one is left out whole) and its path noted in `unfilled`.  Tables and
    lists without placeholders are shared with the catalog as written."""
    if type(node) is dict:
        filled = {key: _filled(value, fill_text, (*path, key), unfilled) for key, value in node.items()}
        if all(filled[key] is value for key, value in node.items()):
            return node
        return {key: value for key, value in filled.items() if value is not _ABSENT}
    if type(node) is list:
        items = [_filled(item, fill_text, (*path, index), unfilled) for index, item in enumerate(node)]
        if any(item is _ABSENT for item in items):
            for index in range(len(items)):
                unfilled.pop((*path, index), None)
            unfilled[path] = PlaceholderError(f"{'.'.join(map(str, path))}: an item cannot be filled")
            return _ABSENT
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if type(node) is str and "$(" in node:
        try:
            return fill_text(node)
        except PlaceholderError as error:
            unfilled[path] = error
            return _ABSENT
    return node


@lru_cache(maxsize=DAYS_REMEMBERED)
def _catalog_on(language: str, day: date) -> Catalog:
    return DayCatalog(language, catalog(language).data, day)


def check_placeholders(data: dict[str, Any], origin: str) -> None:
    """Every placeholder in `data` is well formed and names a parameter (whatever the day)."""
    for node in _texts(data):
        if "$(" in node:
            try:
                placeholders(node)
            except PlaceholderError as error:
                raise ValueError(f"{origin}: {error}") from None


def _texts(node: Any) -> Iterable[str]:
    if type(node) is dict:
        for value in node.values():
            yield from _texts(value)
    elif type(node) is list:
        for item in node:
            yield from _texts(item)
    elif type(node) is str:
        yield node


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
    """The texts of one language: every TOML file of catalogs/<language>/, merged (a
    derived language: its source language's, converted)."""
    check_language(language)
    if language in DERIVED_FROM:
        from .traditional import traditional_data

        return Catalog(language, traditional_data(catalog(DERIVED_FROM[language]).data))
    data: dict[str, Any] = {}
    for path in sorted((CATALOG_DIR / language).glob("*.toml")):
        with open(path, "rb") as handle:
            table = tomllib.load(handle)
        check_placeholders(table, path.name)  # a misspelt parameter fails on any day
        _merge(data, table, path)
    return Catalog(language, data)


def catalog_files() -> list[Path]:
    """Every file the texts are made from (a derived language's reviewed overrides too)."""
    return [path for language in LANGUAGES for path in sorted((CATALOG_DIR / language).glob("*.toml"))]
