"""The compact Advice of `batch --detail compact`: what a data team joins and counts.

Per line: the codes and likelihoods per topic with `by_debt`, the actions in order with
their debts, the rules that fired (first firing first), `as_of` and `ruleset_version` —
no texts, no sources, no trace.  It is a projection of the full Advice
(`compact_of_advice`), and the batch builds it straight from the engine's firings
(`compact_advice`) without writing a text: in a 1–3-debt `advise()` the texts, the
trace and the full model were more than half the time (benchmarks/batch_scale.py).
tests/test_batch_scale.py checks that both ways give the same bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from advisor.models import Advice
from credit_advisor.facts.enums import Likelihood

DETAILS = ("full", "compact")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CompactEffect(_Out):
    code: str
    likelihood: Likelihood = Field(description="the strongest likelihood concluded (the full Advice's effect)")
    # A map, not the full Advice's list of objects: the same facts in a third of the bytes.
    by_debt: dict[str, Likelihood] = Field(
        default_factory=dict,
        description='per contributing debt (its index as text: "0", "1", …, in index order) the strongest '
        "likelihood its own rules concluded: the full Advice's by_debt without the rules (every rule that "
        "fired is in `rules`); empty when only person-level rules concluded the effect",
    )


class CompactAction(_Out):
    code: str
    debts: list[int] = Field(default_factory=list, description="indices of the debts concerned, most urgent first")


class CompactAdvice(_Out):
    detail: Literal["compact"] = "compact"
    as_of: date
    ruleset_version: str
    topics: dict[str, list[CompactEffect]] = Field(
        description="per topic, its effects in the full Advice's order (strongest first)"
    )
    actions: list[CompactAction] = Field(description="in priority order (the first is priority 1)")
    rules: list[str] = Field(description="every rule that fired, once, in order of first firing")


class Problem(_Out):
    field: str = Field(description='the field, "(input)" for the line as a whole, "(internal)" for a bug')
    message: str = Field(description="what is wrong and what is allowed, in the run's language")


class ErrorBody(_Out):
    kind: Literal["invalid_input", "internal"]
    problems: list[Problem]


class CompactAdviceRecord(_Out):
    """One output line for a line that got its advice."""

    line: int = Field(ge=1, description="the physical line number of the input (1-based, blank lines counted)")
    advice: CompactAdvice


class ErrorRecord(_Out):
    """One output line for a line that got none (same in full and compact output)."""

    line: int = Field(ge=1)
    error: ErrorBody


def compact_record_schema() -> dict:
    """The JSON Schema of one line of `batch --detail compact` output."""
    schema = TypeAdapter(CompactAdviceRecord | ErrorRecord).json_schema()
    schema["title"] = "credit-advisor batch --detail compact: one output line"
    return schema


def _json(model: CompactAdvice) -> bytes:
    return model.__pydantic_serializer__.to_json(model)


def compact_of_advice(advice: Advice) -> CompactAdvice:
    """The compact form of a full Advice (the reference the fast path is checked against)."""
    return CompactAdvice.model_validate(
        {
            "as_of": advice.as_of,
            "ruleset_version": advice.ruleset_version,
            "topics": {
                topic: [
                    {
                        "code": e.code,
                        "likelihood": e.likelihood,
                        "by_debt": {str(d.debt): d.likelihood for d in e.by_debt},
                    }
                    for e in block.effects
                ]
                for topic, block in advice.topics.items()
            },
            "actions": [{"code": a.code, "debts": a.debts} for a in advice.actions],
            "rules": list(dict.fromkeys(entry.rule for entry in advice.trace)),
        }
    )


def compact_advice(situation) -> CompactAdvice:
    """The compact Advice of a validated Situation, straight from the firings: the same
    grouping and order as `aggregate.build_advice` (its groups are used), no texts."""
    from advisor.analysis import aggregate
    from advisor.api import ruleset_version
    from advisor.engine.core import cyclic_gc_paused, engine
    from credit_advisor.facts.enums import ACTION_CODES, STRENGTH
    from credit_advisor.facts.kb import Action, Effect
    from credit_advisor.facts.situation import dated

    situation = dated(situation)
    with cyclic_gc_paused():
        firings = engine().consult(situation)
        effects: dict[tuple[str, str], aggregate._Group] = {}
        actions: dict[str, aggregate._Group] = {}
        fired: dict[str, None] = {}
        for seq, rule, _salience, _matched, declared in firings:
            fired[rule] = None
            for fact in declared:
                kind = type(fact)
                # No upstream rules: they only feed the texts and by_debt's rules, which compact leaves out.
                if kind is Effect:
                    key = (fact["topic"], fact["code"])
                    group = effects.get(key) or effects.setdefault(key, aggregate._Group())
                    group.add(-STRENGTH[fact["likelihood"]], seq, rule, fact["debt"], ())
                elif kind is Action:
                    group = actions.get(fact["code"]) or actions.setdefault(fact["code"], aggregate._Group())
                    group.add(fact["rank"], seq, rule, fact["debt"], ())
        del firings
    topics: dict[str, list[dict]] = {}
    for topic, codes in aggregate.TOPICS:
        found = [(code, effects[(topic, code)]) for code in codes if (topic, code) in effects]
        if not found:
            raise RuntimeError(f"no rule concluded anything for topic {topic}: the rule base has a gap")
        found.sort(key=lambda item: (item[1].best_order, codes.index(item[0])))
        topics[topic] = [
            {"code": code, "likelihood": Likelihood.of_strength(-group.best_order), "by_debt": _by_debt(group)}
            for code, group in found
        ]
    ordered = sorted(actions.items(), key=lambda item: (item[1].best_order, ACTION_CODES.index(item[0])))
    return CompactAdvice.model_validate(
        {
            "as_of": situation.as_of,
            "ruleset_version": ruleset_version(),
            "topics": topics,
            "actions": [{"code": code, "debts": _debts_most_urgent_first(group)} for code, group in ordered],
            "rules": list(fired),
        }
    )


def _debts_most_urgent_first(group) -> list[int]:
    """An action's debts as `aggregate.build_advice` orders them."""
    return sorted(group.debts, key=lambda debt: (group.debts[debt], debt))


def _by_debt(group) -> dict[str, Likelihood]:
    """Each contributing debt (index order) with its own strongest likelihood, as `_Group.attribution`."""
    return {str(debt): Likelihood.of_strength(-order) for debt, order in sorted(group.debts.items())}


def compact_json(situation) -> bytes:
    return _json(compact_advice(situation))


def compact_json_of_advice(advice: Advice) -> bytes:
    return _json(compact_of_advice(advice))
