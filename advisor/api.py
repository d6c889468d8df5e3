"""`advise()`: a Situation in, an explained and sourced Advice out."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from advisor.analysis.aggregate import build_advice
from advisor.engine.core import Firing, cyclic_gc_paused, engine, registry
from advisor.models import Advice
from advisor.texts.catalog import DEFAULT_LANGUAGE, catalog, catalog_files, check_language
from advisor.validation import situation_from_data, situation_from_json
from credit_advisor.facts.parameters import PARAMETERS_FILE
from credit_advisor.facts.situation import Situation, dated
from credit_advisor.rules.registry import RuleMeta


@lru_cache(maxsize=1)
def rules_by_id() -> dict[str, RuleMeta]:
    return {meta.id: meta for meta in registry()}


@lru_cache(maxsize=1)
def ruleset_version() -> str:
    """A hash of the rule modules, the fact preparation, the parameters and the catalogs."""
    import credit_advisor.facts as facts_pkg
    import credit_advisor.rules as rules_pkg

    digest = hashlib.sha256()
    facts_dir = Path(facts_pkg.__file__).parent
    files = sorted(Path(rules_pkg.__file__).parent.glob("*.py")) + sorted(facts_dir.glob("*.py"))
    files.append(PARAMETERS_FILE)  # the knowledge's numbers and dates
    for path in files + catalog_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def rules_listing(lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Every rule's metadata and explanation (`credit-advisor rules --format json`, GET /rules)."""
    from credit_advisor.facts.situation import run_day

    check_language(lang)
    text = catalog(lang).on(run_day())  # no situation: the parameters of today
    rules = []
    for meta in rules_by_id().values():
        entry = meta.as_dict()
        entry["explanation"] = text.rule(meta.id)
        rules.append(entry)
    return {"ruleset_version": ruleset_version(), "rules": rules}


def json_schemas() -> dict[str, Any]:
    """The JSON Schemas of the input and the output (`credit-advisor schema`, GET /schema)."""
    return {"situation": Situation.model_json_schema(), "advice": Advice.model_json_schema()}


def advise(situation: Situation | dict[str, Any] | str | bytes, lang: str = DEFAULT_LANGUAGE) -> Advice:
    """Advice for a situation (a Situation, a dict or JSON text) in `lang` ("zh", "zh-Hant" or "en").

    Raises `SituationError` (a ValueError) naming every invalid field.
    """
    check_language(lang)
    if isinstance(situation, (str, bytes)):
        situation = situation_from_json(situation, lang)
    elif not isinstance(situation, Situation):
        situation = situation_from_data(situation, lang)
    return consultation(situation, lang, keep_firings=False)[0]


def consultation(situation: Situation, lang: str, keep_firings: bool) -> tuple[Advice, list[Firing] | None]:
    """One run of the engine and its Advice, with the cyclic collector paused; the
    firings too when `keep_firings` (why-not, what-if and the audit reason about them),
    else they die inside the pause."""
    situation = dated(situation)
    with cyclic_gc_paused():
        firings = engine().consult(situation)
        advice = build_advice(situation, firings, rules_by_id(), catalog(lang), ruleset_version())
        kept = firings if keep_firings else None
        del firings  # when not kept, the run's objects die here, inside the pause
    return advice, kept
