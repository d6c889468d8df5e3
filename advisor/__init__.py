"""credit-advisor's public API.

    from advisor import advise, Situation
    advice = advise(Situation(debts=[...]), lang="en")

Names are imported on first use, so `import advisor` stays cheap for tools that only
need the models or the command line.
"""

from __future__ import annotations

__all__ = ["Advice", "Situation", "SituationError", "advise", "ruleset_version"]

_WHERE = {
    "advise": ("advisor.api", "advise"),
    "ruleset_version": ("advisor.api", "ruleset_version"),
    "Advice": ("advisor.models", "Advice"),
    "Situation": ("credit_advisor.facts.situation", "Situation"),
    "SituationError": ("advisor.validation", "SituationError"),
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'advisor' has no attribute {name!r}")
    import importlib

    module, attribute = _WHERE[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
