"""Why not: for a conclusion (`topic.code`, `action.code` or `finding.on_report`), the
rules that could conclude it and, for each, the conditions the situation does not meet.

Computed from the rules' compiled conditions (advisor.engine.compiled: the same
representation the engine's matcher runs on) evaluated against the facts of an actual run (the situation's facts plus every finding and conclusion the
rules declared).  A failing slot is mapped back to the Situation fields it comes from
(`SLOT_FIELDS`, derived from the fact schema, credit_advisor.facts.schema) and put in words
from the `[audit.values]` and `[audit.sets]` tables of the catalogs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.engine.compiled import Branch, CompiledRule, Literal, Negation, Not, Pattern, allowed, variable
from advisor.engine.core import Firing
from advisor.models import Advice
from advisor.texts.audit_text import audit_text, audit_text_or, debt_name, join_and, join_or, shown, value_key
from advisor.texts.catalog import Catalog, catalog
from credit_advisor.facts.enums import ACTION_CODES, EFFECT_CODES, STRENGTH, Likelihood, Topic
from credit_advisor.facts.experta_compat import Fact
from credit_advisor.facts.kb import PERSON
from credit_advisor.facts.schema import INPUT_FACTS, TEMPLATES, Template
from credit_advisor.facts.situation import Debt, Situation


def _why_not_field(template: Template, name: str) -> str:
    """A schema field as why-not names it: a debt's own attribute on a per-debt fact
    (`product`), `debts[].X` for a person slot computed over every debt; a Situation
    field (`as_of`) as it is."""
    if template.source == "debt":
        return name.removeprefix("debts.")
    return name.replace("debts.", "debts[].", 1)


# Derived from the fact schema (credit_advisor.facts.schema): each slot the rules can
# test, its possible values (to turn a constraint into the set of values it accepts),
# the Situation fields it is computed from, and the key slots that say which fact a
# pattern is about (not conditions on it).
SLOT_DOMAINS: dict[str, dict[str, tuple]] = {
    name: {slot.name: slot.values for slot in t.slots if not slot.key and slot.values is not None}
    for name, t in TEMPLATES.items()
}
SLOT_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    name: {slot.name: tuple(_why_not_field(t, f) for f in slot.fields) for slot in t.computed}
    for name, t in TEMPLATES.items()
    if t.input
}
KEY_SLOTS: dict[str, tuple[str, ...]] = {
    name: tuple(slot.name for slot in t.slots if slot.key and slot.name != "rule")
    for name, t in TEMPLATES.items()
    if any(slot.key for slot in t.slots)
}


class TargetError(ValueError):
    """The why-not target is not a known conclusion; `allowed` lists what is."""

    def __init__(self, target: str, allowed: list[str]):
        self.target = target
        self.allowed = allowed
        super().__init__(f"unknown conclusion {target!r}; allowed: {', '.join(allowed)}")


def all_targets() -> list[str]:
    targets = [f"{topic.value}.{code}" for topic in Topic for code in EFFECT_CODES[topic]]
    targets += [f"action.{code}" for code in ACTION_CODES]
    return targets + ["finding.on_report"]


def parse_target(target: str) -> tuple[str, str, str]:
    """(kind, topic, code): kind is effect, action or finding."""
    raw = target.strip()
    if "." not in raw and raw in ACTION_CODES:
        raw = f"action.{raw}"
    head, _, code = raw.partition(".")
    if head == "action" and code in ACTION_CODES:
        return "action", "action", code
    if head == "finding" and code == "on_report":
        return "finding", "finding", code
    if head in {t.value for t in Topic} and code in EFFECT_CODES[Topic(head)]:
        return "effect", head, code
    raise TargetError(target, all_targets())


# --- the result -------------------------------------------------------------------------


@dataclass
class Failure:
    kind: str  # slot | missing | blocked | no_debts | test
    fact: str
    text: str
    slot: str | None = None
    debt: int | None = None
    fields: list[dict] = field(default_factory=list)
    current: object = None
    needs: list = field(default_factory=list)
    by: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        out: dict[str, object] = {"kind": self.kind, "fact": self.fact, "text": self.text}
        if self.slot is not None:
            out["slot"] = self.slot
        if self.debt is not None:
            out["debt"] = self.debt
        if self.fields:
            out["fields"] = self.fields
        if self.kind == "slot":
            out["current"] = self.current
        if self.needs:
            out["needs"] = self.needs
        if self.by:
            out["by"] = self.by
        return out


@dataclass
class SubjectResult:
    debt: int | None  # None: the rule is about the person as a whole
    label: str
    failures: list[Failure]

    def as_dict(self) -> dict:
        return {"debt": self.debt, "label": self.label, "failures": [f.as_dict() for f in self.failures]}


@dataclass
class AlternativeResult:
    index: int
    of: int
    subjects: list[SubjectResult]

    def as_dict(self) -> dict:
        return {"alternative": self.index, "of": self.of, "subjects": [s.as_dict() for s in self.subjects]}


@dataclass
class RuleResult:
    rule: str
    explanation: str
    verdict: str  # concluded | outweighed | other_debt | not_met | met
    text: str
    concluded: list[dict] = field(default_factory=list)
    alternatives: list[AlternativeResult] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "verdict": self.verdict,
            "text": self.text,
            "explanation": self.explanation,
            "concluded": self.concluded,
            "alternatives": [a.as_dict() for a in self.alternatives],
        }


@dataclass
class WhyNot:
    target: str
    kind: str
    label: str
    language: str
    concluded: bool
    status: str
    rules: list[RuleResult]
    debt: int | None = None
    likelihood: str | None = None
    debts: list[int] = field(default_factory=list)
    debt_labels: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "target": self.target,
            "kind": self.kind,
            "label": self.label,
            "language": self.language,
            "debt": self.debt,
            "concluded": self.concluded,
            "likelihood": self.likelihood,
            "debts": self.debts,
            "status": self.status,
            "rules": [r.as_dict() for r in self.rules],
            "debt_labels": self.debt_labels,
        }


# --- words for slots and patterns ---------------------------------------------------------


class Words:
    """Plain words for slot values, constraints and facts, in one language."""

    def __init__(self, text: Catalog, situation: Situation, labels: list[str]):
        self.text = text
        self.situation = situation
        self.labels = labels

    def t(self, key: str, /, **values) -> str:
        return audit_text(self.text, key, **values)

    def who(self, debt: int | None) -> str:
        if debt is None or debt == PERSON:
            return self.t("whynot.person")
        return self.t("whynot.debt_ref", index=debt, label=debt_name(self.labels, debt))

    def value(self, kind: str, slot: str, value) -> str:
        if slot == "likelihood":
            return self.text.likelihood(str(value))
        found = audit_text_or(self.text, f"values.{kind}.{slot}.{value_key(value)}")
        return found if found is not None else shown(self.text, value)

    def needed(self, kind: str, slot: str, values: list) -> str:
        if not values:
            return self.t("whynot.impossible")
        domain = SLOT_DOMAINS.get(kind, {}).get(slot)
        if domain is not None and len(values) == len(domain):
            return self.t("whynot.anything")
        key = "|".join(value_key(v) for v in values)
        found = audit_text_or(self.text, f"sets.{kind}.{slot}.{key}")
        if found is not None:
            return found
        return join_or(self.text, [self.value(kind, slot, v) for v in values])

    def field_values(self, kind: str, slot: str, debt: int | None) -> list[dict]:
        """The Situation fields (path and value) behind a slot of an input fact."""
        out = []
        situation = self.situation
        for name in SLOT_FIELDS.get(kind, {}).get(slot, ()):
            if (
                kind == "DebtFact"
                and name in Debt.model_fields
                and debt is not None
                and 0 <= debt < len(situation.debts)
            ):
                raw = getattr(situation.debts[debt], name)
                out.append({"field": f"debts[{debt}].{name}", "value": _plain(raw)})
            elif name == "debts":
                out.append({"field": "debts", "value": len(situation.debts)})
            elif name.startswith("debts[]."):
                every = name.removeprefix("debts[].")
                out.append({"field": name, "value": [_plain(getattr(d, every)) for d in situation.debts]})
            elif name == "plans":
                out.append({"field": "plans", "value": [p.value for p in situation.plans]})
            elif name.startswith("collection."):
                out.append({"field": name, "value": _plain(getattr(situation.collection, name.split(".", 1)[1]))})
            else:
                out.append({"field": name, "value": _plain(getattr(situation, name))})
        return out

    def fields_phrase(self, fields: list[dict]) -> str:
        return join_and(
            self.text, [self.t("whynot.field_is", field=f["field"], value=shown(self.text, f["value"])) for f in fields]
        )

    def rule_ref(self, fact: Fact) -> str:
        rule = fact.get("rule")
        return self.t("whynot.by_rule", rule=rule) if rule else ""

    def fact_phrase(self, fact: Fact) -> str:
        """A derived fact (finding or conclusion) in words."""
        kind = type(fact).__name__
        if kind == "OnReport":
            return self.t(
                "whynot.fact_on_report",
                who=self.who(fact["debt"]),
                likelihood=self.text.likelihood(fact["likelihood"]),
                by=self.rule_ref(fact),
            )
        if kind == "Effect":
            return self.t(
                "whynot.fact_effect",
                label=self.text.effect(fact["topic"], fact["code"]),
                likelihood=self.text.likelihood(fact["likelihood"]),
                who=self.who(fact["debt"]),
                by=self.rule_ref(fact),
            )
        if kind == "Action":
            return self.t("whynot.fact_action", code=fact["code"], who=self.who(fact["debt"]), by=self.rule_ref(fact))
        return kind

    def pattern_phrase(self, pattern: Pattern, bindings: dict) -> str:
        """What a pattern asks for, in words (for missing and blocking facts)."""
        kind = pattern.kind
        conditions: list[str] = []
        literal = {k: c.value for k, c in pattern.slots if isinstance(c, Literal)}
        for slot, constraint in pattern.slots:
            if slot in KEY_SLOTS.get(kind, ()) or slot in ("rule",):
                continue
            domain = SLOT_DOMAINS.get(kind, {}).get(slot)
            if domain is None:
                continue
            values = allowed(constraint, domain)
            if len(values) == len(domain):
                continue
            conditions.append(self.needed(kind, slot, values))
        where = join_and(self.text, conditions)
        if kind == "OnReport":
            who = self.who(_bound(pattern, "debt", bindings))
            return self.t("whynot.pattern_on_report", who=who, conditions=where or self.t("whynot.anything"))
        if kind == "Effect":
            topic = literal.get("topic")
            code = literal.get("code")
            if topic and code:
                what = self.t("whynot.quoted", text=self.text.effect(topic, code))
            elif topic:
                what = self.t("whynot.any_effect_of", topic=self.text.topic(topic))
            else:
                what = self.t("whynot.any_effect")
            debt = _bound(pattern, "debt", bindings)
            who = self.t("whynot.for_who", who=self.who(debt)) if pattern.constraint("debt") is not None else ""
            in_words = self.t("whynot.conditions", conditions=where) if where else ""
            return self.t("whynot.pattern_effect", what=what, conditions=in_words, who=who)
        if kind == "Action":
            return self.t("whynot.pattern_action", code=literal.get("code", "?"))
        if kind == "PlanFact":
            return self.t("whynot.pattern_plan", conditions=where or self.t("whynot.any_plan"))
        if kind == "DebtFact" and _other_debt(pattern):
            return self.t("whynot.other_debt", conditions=where or self.t("whynot.anything"))
        return where or kind


def _plain(value):
    if hasattr(value, "value") and not isinstance(value, (int, float, str, bool)):
        return value.value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _other_debt(pattern: Pattern) -> bool:
    """`debt=~…`: the pattern is about another debt than the one in question."""
    return isinstance(pattern.constraint("debt"), Not)


def _bound(pattern: Pattern, slot: str, bindings: dict):
    """The value a slot stands for: its variable's value, or its literal."""
    constraint = pattern.constraint(slot)
    if constraint is None:
        return None
    name = variable(constraint)
    if name is not None:
        return bindings.get(name)
    return constraint.value if isinstance(constraint, Literal) else None


# --- evaluation -----------------------------------------------------------------------------


def _anchor(branch: Branch) -> tuple[str | None, bool]:
    """The variable that names the debt in this branch, and whether a DebtFact binds it."""
    for debt_fact_only in (True, False):
        for pattern in branch.patterns:
            if debt_fact_only and pattern.kind != "DebtFact":
                continue
            constraint = pattern.constraint("debt")
            name = variable(constraint) if constraint is not None else None
            if name:
                return name, debt_fact_only
    return None, False


def _candidates(pattern: Pattern, facts: list[Fact], bindings: dict) -> list[Fact]:
    """The facts of the pattern's type that are about what it asks (its key slots meet it)."""
    keys = [(slot, c) for slot, c in pattern.slots if slot in KEY_SLOTS.get(pattern.kind, ())]
    of_type: list[Fact] = [fact for fact in facts if type(fact) is pattern.fact_type]
    return [fact for fact in of_type if all(pattern.slot_admits(s, c, fact, bindings) is not None for s, c in keys)]


def _positive_failures(pattern: Pattern, facts: list[Fact], bindings: dict, words: Words) -> list[Failure]:
    kind = pattern.kind
    debt = _bound(pattern, "debt", bindings)
    candidates = _candidates(pattern, facts, bindings)
    if kind == "PlanFact":
        plan = pattern.constraint("plan")
        values = allowed(plan, SLOT_DOMAINS["PlanFact"]["plan"]) if plan is not None else []
        fields = words.field_values("PlanFact", "plan", None)
        needs = words.pattern_phrase(pattern, bindings)
        text = words.t("whynot.failure_slot", subject=words.fields_phrase(fields), current="", needs=needs)
        return [
            Failure("slot", kind, _tidy(text), slot="plan", fields=fields, current=fields[0]["value"], needs=values)
        ]
    if not candidates:
        if kind == "DebtFact" and _other_debt(pattern):
            text = words.t("whynot.failure_no_other_debt", needs=words.pattern_phrase(pattern, bindings))
            return [Failure("missing", kind, text)]
        if kind == "DebtFact":
            return [Failure("no_debts", kind, words.t("whynot.failure_no_debt"), debt=debt)]
        text = words.t("whynot.failure_missing", needs=words.pattern_phrase(pattern, bindings))
        return [Failure("missing", kind, text, debt=debt if debt != PERSON else None)]
    failures: list[Failure] = []
    for fact in candidates:
        for slot, constraint in pattern.slots:
            if slot in KEY_SLOTS.get(kind, ()):
                continue
            if pattern.slot_admits(slot, constraint, fact, bindings) is not None:
                continue
            domain = SLOT_DOMAINS.get(kind, {}).get(slot, ())
            values = allowed(constraint, domain)
            current = fact.get(slot)
            needs = words.needed(kind, slot, values)
            if kind in INPUT_FACTS:
                fields = words.field_values(kind, slot, fact.get("debt"))
                subject = words.fields_phrase(fields)
                current_words = words.value(kind, slot, current)
                by = []
            else:
                fields = []
                subject = words.fact_phrase(fact)
                current_words = words.value(kind, slot, current)
                by = [fact["rule"]] if fact.get("rule") else []
            if kind in INPUT_FACTS:
                text = words.t("whynot.failure_slot", subject=subject, current=current_words, needs=needs)
            else:
                text = words.t("whynot.failure_derived", subject=subject, needs=needs)
            failures.append(
                Failure(
                    "slot",
                    kind,
                    _tidy(text),
                    slot=slot,
                    debt=fact.get("debt") if fact.get("debt", PERSON) != PERSON else None,
                    fields=fields,
                    current=_plain(current),
                    needs=[_plain(v) for v in values],
                    by=by,
                )
            )
    return failures


def _blocked(negation: Negation, facts: list[Fact], bindings: dict, words: Words) -> list[Failure]:
    """The negation's failure, if facts block it: they are named, with the rules that made them."""
    blockers: list[Fact] = []
    for fact in negation.blockers(facts, bindings):
        if fact not in blockers:
            blockers.append(fact)
    if not blockers:
        return []
    first = negation.pattern
    kind = first.kind
    if kind in INPUT_FACTS:
        phrases = []
        for fact in blockers:
            fields: list[dict] = []
            for slot, _ in first.slots:
                if slot not in KEY_SLOTS.get(kind, ()):
                    fields += [f for f in words.field_values(kind, slot, fact.get("debt")) if f not in fields]
            phrases.append(words.fields_phrase(fields) if fields else words.who(fact.get("debt")))
        subject = join_and(words.text, phrases)
    else:
        subject = join_and(words.text, [words.fact_phrase(f) for f in blockers])
    text = words.t("whynot.failure_blocked", subject=subject, needs=words.pattern_phrase(first, bindings))
    debt = _bound(first, "debt", bindings)
    return [
        Failure(
            "blocked",
            kind,
            _tidy(text),
            debt=debt if debt not in (None, PERSON) else None,
            by=[f["rule"] for f in blockers if f.get("rule")],
        )
    ]


def _first_match(pattern: Pattern, facts: list[Fact], bindings: dict) -> dict | None:
    for fact in facts:
        found = pattern.match(fact, bindings)
        if found is not None:
            return dict(found)
    return None


def failures(branch: Branch, facts: list[Fact], bindings: dict, words: Words) -> list[Failure]:
    """The conditions of one branch that fail under `bindings` (positive patterns in
    order, each binding what it can; then the negations, with what the positives bound)."""
    out: list[Failure] = []
    current = dict(bindings)
    for pattern in branch.patterns:
        if pattern.initial:  # experta's InitialFact: always there
            continue
        found = _first_match(pattern, facts, current)
        if found is not None:
            current = found
        else:
            out.extend(_positive_failures(pattern, facts, current, words))
    for negation in branch.negations:
        out.extend(_blocked(negation, facts, current, words))
    seen: set[str] = set()
    unique = []
    for failure in out:
        if failure.text not in seen:
            seen.add(failure.text)
            unique.append(failure)
    return unique


def _tidy(text: str) -> str:
    return " ".join(text.replace(" ;", ";").replace(" ,", ",").split())


def declares(fact: Fact, kind: str, topic: str, code: str) -> bool:
    """Whether a declared fact is the conclusion `kind` (effect, action, finding) names."""
    name = type(fact).__name__
    if kind == "effect":
        return name == "Effect" and fact["topic"] == topic and fact["code"] == code
    if kind == "action":
        return name == "Action" and fact["code"] == code
    return name == "OnReport"


def _conclusion(fact: Fact, kind: str) -> dict:
    debt = fact["debt"]
    out: dict = {"debt": None if debt == PERSON else debt}
    if kind == "action":
        out["rank"] = fact["rank"]
    else:
        out["likelihood"] = fact["likelihood"]
    return out


def explain_rule(
    rule: CompiledRule,
    kind: str,
    topic: str,
    code: str,
    facts: list[Fact],
    firings: list[Firing],
    words: Words,
    final_likelihood: str | None,
    only_debt: int | None,
) -> RuleResult:
    meta = rule.meta
    text = words.text
    declared = [fact for f in firings if f.rule == meta.id for fact in f.declared if declares(fact, kind, topic, code)]
    concluded = [_conclusion(fact, kind) for fact in declared]
    concluded = [dict(t) for t in dict.fromkeys(tuple(sorted(c.items(), key=lambda i: i[0])) for c in concluded)]
    debts_in_situation = list(range(len(words.situation.debts)))
    if only_debt is not None:
        debts_in_situation = [only_debt]

    alternatives = rule.branches
    met_subjects: set = set()
    per_alternative: list[tuple[int, Branch, list[int | None]]] = []
    for index, alternative in enumerate(alternatives, start=1):
        anchor, by_debt_fact = _anchor(alternative)
        if anchor is None:
            subjects: list[int | None] = [None]
        else:
            subjects = [*debts_in_situation, *([] if by_debt_fact else [PERSON])]
        per_alternative.append((index, alternative, subjects))
        for subject in subjects:
            bindings = {} if anchor is None else {anchor: subject}
            if next(alternative.solutions(facts, bindings), None) is not None:
                met_subjects.add(subject)

    results: list[AlternativeResult] = []
    for index, alternative, subjects in per_alternative:
        anchor, _ = _anchor(alternative)
        rows = []
        for subject in subjects:
            if subject in met_subjects:
                continue
            bindings = {} if anchor is None else {anchor: subject}
            found = failures(alternative, facts, bindings, words)
            if not found:
                continue
            label = words.who(subject) if subject is not None else words.t("whynot.person")
            rows.append(SubjectResult(debt=None if subject in (None, PERSON) else subject, label=label, failures=found))
        if anchor is not None and not subjects:
            rows.append(
                SubjectResult(
                    debt=None,
                    label=words.t("whynot.person"),
                    failures=[Failure("no_debts", "DebtFact", words.t("whynot.failure_no_debt"))],
                )
            )
        if rows:
            results.append(AlternativeResult(index=index, of=len(alternatives), subjects=rows))

    concluded_debts = {c["debt"] for c in concluded}
    if concluded:
        strongest = max((STRENGTH.get(c.get("likelihood", ""), 0) for c in concluded), default=0)
        what = join_and(text, [_concluded_phrase(c, kind, words) for c in concluded])
        if only_debt is not None and only_debt not in concluded_debts and None not in concluded_debts:
            verdict = "other_debt"
            line = words.t("whynot.verdict_other_debt", what=what, who=words.who(only_debt))
        elif kind != "action" and final_likelihood and strongest and strongest < STRENGTH[final_likelihood]:
            verdict = "outweighed"
            line = words.t("whynot.verdict_outweighed", what=what, final=text.likelihood(final_likelihood))
        elif kind != "action" and strongest == Likelihood.unlikely.strength:
            verdict = "concluded_unlikely"
            line = words.t("whynot.verdict_unlikely", what=what)
        else:
            verdict = "concluded"
            line = words.t("whynot.verdict_concluded", what=what)
        if verdict != "other_debt" and results:
            line += words.t("whynot.verdict_not_for_others")
    elif met_subjects:
        verdict = "met"
        line = words.t("whynot.verdict_met")
    else:
        verdict = "not_met"
        line = words.t("whynot.verdict_not_met", ways=len(alternatives))
    return RuleResult(
        rule=meta.id,
        explanation=text.rule(meta.id),
        verdict=verdict,
        text=line,
        concluded=concluded,
        alternatives=results,
    )


def _concluded_phrase(conclusion: dict, kind: str, words: Words) -> str:
    who = words.who(conclusion["debt"])
    if kind == "action":
        return words.t("whynot.concluded_action", who=who, rank=conclusion["rank"])
    return words.t("whynot.concluded_effect", who=who, likelihood=words.text.likelihood(conclusion["likelihood"]))


def why_not(
    situation: Situation,
    target: str,
    lang: str = "zh",
    debt: int | None = None,
    run: tuple[Advice, list[Firing]] | None = None,
) -> WhyNot:
    """Why `target` is (or is not) concluded for `situation`, rule by rule."""
    from advisor.api import rules_by_id
    from advisor.engine.consult import final_facts
    from advisor.engine.consult import run as consult_run
    from advisor.engine.core import engine

    kind, topic, code = parse_target(target)
    if debt is not None and not 0 <= debt < len(situation.debts):
        raise TargetError(f"--debt {debt}", [str(i) for i in range(len(situation.debts))])
    advice, firings = run if run is not None else consult_run(situation, lang)
    text = catalog(lang).on(advice.as_of)  # the words of the advice's day
    facts = final_facts(situation, firings)
    words = Words(text, situation, advice.debt_labels)
    canonical = f"{topic}.{code}"
    rules = {r.id: r for r in engine().rules}
    candidates = [rules[m.id] for m in rules_by_id().values() if canonical in m.concludes and m.id in rules]

    # How the conclusion stands in the advice.
    likelihood = None
    debts: list[int] = []
    concluded = False
    status_parts: list[str] = []
    if kind == "effect":
        label = text.effect(topic, code)
        block = advice.topics[topic]
        found = next((e for e in block.effects if e.code == code), None)
        if found is not None:
            concluded = True
            likelihood = found.likelihood.value
            debts = list(found.debts)
            status_parts.append(
                words.t(
                    "whynot.status_concluded",
                    likelihood=text.likelihood(likelihood),
                    who=_who_list(words, debts),
                    rules=", ".join(found.rules),
                )
            )
            top = block.effects[0]
            if top.code != code:
                status_parts.append(
                    words.t(
                        "whynot.status_not_headline",
                        headline=top.label,
                        likelihood=text.likelihood(top.likelihood.value),
                    )
                )
        else:
            status_parts.append(words.t("whynot.status_not_concluded"))
    elif kind == "action":
        label = text.action(code)
        found_action = next((a for a in advice.actions if a.code == code), None)
        if found_action is not None:
            concluded = True
            debts = list(found_action.debts)
            status_parts.append(
                words.t(
                    "whynot.status_action",
                    priority=found_action.priority,
                    who=_who_list(words, debts),
                    rules=", ".join(found_action.rules),
                )
            )
        else:
            status_parts.append(words.t("whynot.status_not_concluded"))
    else:
        label = words.t("whynot.finding_label")
        reports = [f for f in facts if type(f).__name__ == "OnReport"]
        if reports:
            concluded = True
            debts = sorted({f["debt"] for f in reports})
            status_parts.append(join_and(text, [words.fact_phrase(f) for f in reports]))
        else:
            status_parts.append(words.t("whynot.status_not_concluded"))
    if debt is not None and concluded and kind != "finding" and debts and debt not in debts:
        status_parts.append(words.t("whynot.status_not_for_debt", who=words.who(debt)))
    if not candidates:
        status_parts.append(words.t("whynot.no_candidates"))

    results = [explain_rule(rule, kind, topic, code, facts, firings, words, likelihood, debt) for rule in candidates]
    return WhyNot(
        target=canonical,
        kind=kind,
        label=label,
        language=lang,
        concluded=concluded,
        status=" ".join(status_parts),
        rules=results,
        debt=debt,
        likelihood=likelihood,
        debts=debts,
        debt_labels=list(advice.debt_labels),
    )


def _who_list(words: Words, debts: list[int]) -> str:
    if not debts:
        return words.t("whynot.person")
    return join_and(words.text, [words.who(d) for d in debts])


# --- the text view --------------------------------------------------------------------------

VERDICT_STYLE = {
    "concluded": ("green", "✓"),
    "concluded_unlikely": ("yellow", "~"),
    "outweighed": ("yellow", "~"),
    "other_debt": ("yellow", "~"),
    "met": ("yellow", "?"),
    "not_met": ("red", "✗"),
}


def render_why_not(result: WhyNot, console) -> None:
    from rich.text import Text

    from advisor.ui.prose import Prose, hanging

    text = catalog(result.language)
    t = lambda key, **v: audit_text(text, key, **v)
    console.print(Prose(Text(t("whynot.title", label=result.label, target=result.target), style="bold")))
    console.print(Prose(Text(result.status, style="green" if result.concluded else "yellow")))
    console.print(Prose(Text(t("whynot.candidates", n=len(result.rules)), style="dim")))
    for rule in result.rules:
        style, mark = VERDICT_STYLE.get(rule.verdict, ("white", "·"))
        head = Text(rule.rule, style="bold")
        head.append(" — ")
        head.append(rule.text, style=style)
        # Every line keeps its indent when it wraps: the mark's column, then the words'.
        console.print(hanging(Text(mark, style=style), head))
        console.print(hanging("", Text(rule.explanation, style="dim italic"), indent=2))
        for alternative in rule.alternatives:
            indent = 2
            if alternative.of > 1:
                console.print(
                    hanging("", Text(t("whynot.alternative", n=alternative.index, of=alternative.of), style="bold"), 2)
                )
                indent = 4
            for subject in alternative.subjects:
                console.print(hanging("", Text(f"{subject.label}:", style="cyan"), indent))
                for failure in subject.failures:
                    console.print(hanging(Text("✗", style="red"), failure.text, indent + 2))
