"""From firings to an Advice: per topic the strongest likelihood wins, every contributing
rule, debt and source is kept, calm effects stay, actions are merged and ordered.

Each effect names in `debts` only the debts whose own rules concluded its likelihood;
`by_debt` keeps every contributing debt with the likelihood its own rules gave."""

from __future__ import annotations

import json
from operator import itemgetter

from advisor import models
from advisor.analysis.overview import overview_items
from advisor.analysis.timeline import Concluded, timeline_entries
from advisor.engine.core import Firing
from advisor.engine.experta_door import CAPTURE, FACT_ID
from advisor.texts.catalog import Catalog
from advisor.texts.claims import written_for
from credit_advisor.facts.enums import (
    ACTION_CODES,
    ALIPAY_MICRO_LOANS,
    EFFECT_CODES,
    STRENGTH,
    Likelihood,
    Plan,
    Product,
    Topic,
)
from credit_advisor.facts.kb import PERSON, Action, Effect, OnReport, RecordStatus, RepairStatus
from credit_advisor.facts.situation import Situation, uses_product
from credit_advisor.rules.registry import RuleMeta

TOPICS = [(topic.value, EFFECT_CODES[topic]) for topic in Topic]
# A topic about one product a person may well not use (Weilidai): without a debt on it or a
# plan for it, its effects are what would happen if they used or applied for it.
# A product's own topic, with the debts and the plan that make it the person's product: an
# overdue on any Alipay micro-loan shows on the Huabei page (ALIPAY_MICRO_LOANS).
PRODUCT_TOPICS = {
    Topic.weilidai.value: (frozenset({Product.weilidai}), Plan.weilidai),
    Topic.huabei.value: (ALIPAY_MICRO_LOANS, Plan.huabei),
}
_OF_STRENGTH = {item.strength: item for item in Likelihood}
# What rules declare: findings and conclusions (a set: asked of every fact a firing holds).
CONCLUSIONS = frozenset({OnReport, RecordStatus, RepairStatus, Effect, Action})

# One contribution to a group: (order, seq, rule, upstream rules).  The order is
# -strength for an effect, the rank for an action: the lowest order is the strongest
# effect or the most urgent action.
Contribution = tuple[int, int, str, tuple[str, ...]]
_ORDER, _RULE = itemgetter(0), itemgetter(2)


def _rules_of(contributions: list[Contribution], only_order: int | None = None) -> list[str]:
    """The direct rules of `contributions` (those of `only_order` when given; strongest,
    then earliest first), then the rules whose findings they used."""
    if len(contributions) == 1:  # the usual case: one rule concluded it
        order, _, rule, upstream = contributions[0]
        if only_order is None or order == only_order:
            return [rule, *(up for up in dict.fromkeys(upstream) if up != rule)]
        return []
    chosen = sorted(c for c in contributions if only_order is None or c[0] == only_order)
    direct = list(dict.fromkeys(map(_RULE, chosen)))
    used = [rule for *_, up in chosen for rule in up]
    return direct + [rule for rule in dict.fromkeys(used) if rule not in direct]


class _Group:
    """Everything concluded about one effect code or one action code."""

    __slots__ = ("best_order", "contributions", "debts", "of_debt")

    def __init__(self) -> None:
        self.contributions: list[Contribution] = []
        self.debts: dict[int, int] = {}  # debt -> best order seen
        self.of_debt: dict[int, list[Contribution]] = {}  # debt -> its own contributions
        self.best_order = 10**9

    def add(self, order: int, seq: int, rule: str, debt: int, upstream: tuple[str, ...]) -> None:
        contribution = (order, seq, rule, upstream)
        self.contributions.append(contribution)
        self.best_order = min(self.best_order, order)
        if debt != PERSON:
            known = self.debts.get(debt)
            if known is None:
                self.debts[debt] = order
                self.of_debt[debt] = [contribution]
            else:
                self.of_debt[debt].append(contribution)
                if order < known:
                    self.debts[debt] = order

    def direct_rules(self) -> list[str]:
        return list(dict.fromkeys(map(_RULE, sorted(self.contributions))))

    def reasons(self) -> tuple[list[str], list[str]]:
        """The rules behind the strongest contributions (earliest first), and the rules
        whose findings they used (nearest first)."""
        chosen = sorted(c for c in self.contributions if c[0] == self.best_order)
        direct = list(dict.fromkeys(map(_RULE, chosen)))
        used = dict.fromkeys(rule for *_, upstream in chosen for rule in upstream)
        return direct, [rule for rule in used if rule not in direct]

    def attribution(self) -> tuple[list[int], list[models.DebtContribution]]:
        """The debts whose own strongest contribution is the group's (in index order), and
        per contributing debt, in index order, the strongest likelihood its own rules
        concluded with the rules behind it (direct first, then the findings they used)."""
        best = self.best_order
        at_best = []
        entries = []
        for debt, contributions in sorted(self.of_debt.items()):
            if len(contributions) == 1:  # the usual case: one rule concluded it for this debt
                order, _, rule, upstream = contributions[0]
                key: tuple = (debt, order, rule, upstream)
            else:
                order = self.debts[debt]
                key = (debt, order, tuple(_rules_of(contributions, order)))
            entry = _CONTRIBUTIONS.get(key)
            if entry is None:
                entry = _contribution(key, debt, order, _rules_of(contributions, order))
            entries.append(entry)
            if order == best:
                at_best.append(debt)
        return at_best, entries


# by_debt entries recur from one consultation to the next, and the models are frozen:
# one instance can sit in every Advice, which pydantic takes as it is instead of
# validating a dict again (a 20-debt advice has a few hundred).
_CONTRIBUTIONS: dict[tuple, models.DebtContribution] = {}


def _contribution(key: tuple, debt: int, order: int, rules: list[str]) -> models.DebtContribution:
    if len(_CONTRIBUTIONS) >= 4096:
        _CONTRIBUTIONS.clear()
    entry = _CONTRIBUTIONS[key] = models.DebtContribution(
        debt=debt, likelihood=Likelihood.of_strength(-order), rules=tuple(rules)
    )
    return entry


def _upstream(firing: Firing, declared_by: dict[int, Firing]) -> tuple[str, ...]:
    """Rules that declared the findings this firing matched, nearest first."""
    stack = [f for f in firing.matched if type(f) in CONCLUSIONS]
    found: list[str] = []
    seen: set[int] = set()
    while stack:
        fact = stack.pop(0)
        fact_id = fact[FACT_ID]
        if fact_id in seen or fact_id not in declared_by:
            continue
        seen.add(fact_id)
        origin = declared_by[fact_id]
        if origin.rule not in found:
            found.append(origin.rule)
        stack.extend(f for f in origin.matched if type(f) in CONCLUSIONS)
    return tuple(found)


_CITATION_MEMO: dict[tuple, tuple[dict[str, RuleMeta], list[models.Source]]] = {}
_SOURCE_MODELS: dict[object, models.Source] = {}


def _source_model(citation) -> models.Source:
    model = _SOURCE_MODELS.get(citation)
    if model is None:
        model = _SOURCE_MODELS[citation] = models.Source(document=citation.document, locator=citation.locator)
    return model


def _citations(rule_ids: list[str], registry: dict[str, RuleMeta], kind: str) -> list[models.Source]:
    """Each rule's sources (kind "sources") or the citations disputing one effect code
    (kind = that code), first seen first, once each, as Source data.

    The same rule lists recur from one consultation to the next; the registry
    (`api.rules_by_id`, built once) and its metadata are immutable, so the result is
    remembered per (registry, kind, rule ids)."""
    key = (id(registry), kind, *rule_ids)
    found = _CITATION_MEMO.get(key)
    if found is not None:
        return found[1]
    metas = [registry[rule_id] for rule_id in rule_ids]
    if kind == "sources":
        cited = (c for meta in metas for c in meta.sources)
    else:
        cited = (c for meta in metas for c in meta.conflicts.get(kind, ()))
    # Source models are frozen: one instance per citation can sit in every Advice, and
    # pydantic takes an instance as it is instead of building a new one.
    result = [_source_model(c) for c in dict.fromkeys(cited)]
    if len(_CITATION_MEMO) >= 4096:
        _CITATION_MEMO.clear()
    _CITATION_MEMO[key] = (registry, result)  # the registry stays referenced, so its id stays its own
    return result


def _sources(rule_ids: list[str], registry: dict[str, RuleMeta]) -> list[models.Source]:
    return _citations(rule_ids, registry, "sources")


def _conflicts(key: str, rule_ids: list[str], registry: dict[str, RuleMeta]) -> list[models.Source]:
    return _citations(rule_ids, registry, key)


def _explain(rule_ids: list[str], text: Catalog) -> str:
    return text.template("ui", "sentence_join").join(dict.fromkeys(text.rules_texts(rule_ids)))


def _effect_explanation(topic: str, likelihood: Likelihood, group: _Group, text: Catalog) -> str:
    """The reasons for an effect at its likelihood, each said once: the texts of the rules
    that concluded it, and of the findings of its own topic they used (a finding about
    the credit report explains the credit report; a Huabei effect is explained by the
    Huabei rule, which names its condition) — each only if written for that likelihood
    (advisor.texts.claims)."""
    direct, upstream = group.reasons()
    chosen = [rule for rule in direct if written_for(rule, likelihood)]
    chosen += [rule for rule in upstream if rule.split(".", 1)[0] == topic and written_for(rule, likelihood)]
    return _explain(chosen or direct, text)


# json.dumps builds a new encoder for every call with non-default options.
_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_JSON_MEMO: dict[tuple, str] = {}


def _declared_text(fact) -> str:
    """A declared fact as the trace shows it: `"<Class> f-<id> <json>"`.  The JSON of a
    conclusion's values recurs across consultations (only fact ids differ), so that
    text is remembered."""
    kind = type(fact)
    if kind in CONCLUSIONS:
        # The usual case: a conclusion whose id the fact list added after its slots, and
        # whose slot types are fixed when it is made (rules.base), so its values alone
        # are the key (1 and True cannot meet in one slot).
        items = tuple(dict.items(fact))
        last, fact_id = items[-1]
        if last == FACT_ID:
            key: tuple = (kind, items[:-1])
            text = _JSON_MEMO.get(key)
            if text is None:
                text = _remember_json(key, dict(key[1]))
            return f"{kind.__name__} f-{fact_id} {text}"
    values = _values(fact)
    slots = tuple(values.values())
    # The types too: 1 == True, but their JSON differs.
    key = (type(fact), tuple(values), slots, tuple(map(type, slots)))
    text = _JSON_MEMO.get(key)
    if text is None:
        text = _remember_json(key, values)
    return f"{fact_name(fact)} {text}"


def _remember_json(key: tuple, values: dict) -> str:
    if len(_JSON_MEMO) >= 4096:
        _JSON_MEMO.clear()
    text = _JSON_MEMO[key] = _COMPACT_JSON.encode(values)
    return text


def fact_name(fact) -> str:
    return f"{type(fact).__name__} f-{fact[FACT_ID]}"


def _values(fact) -> dict:
    # Declared facts carry one special slot, their id (experta's `__bind__` only ever
    # appears on patterns); our slots hold scalars, stored as they are.
    values = dict(fact)
    values.pop(FACT_ID, None)
    values.pop(CAPTURE, None)
    return values


def _collect(firings: list[Firing]) -> tuple[dict, dict, list[models.TraceEntry], Concluded]:
    """One pass over the firings: the groups of effects and of actions, the trace
    (entries made from the engine's data as they are), and what the timeline reads.  A
    fact matched by many firings is one MatchedFact; most declared facts are never
    matched."""
    concluded = Concluded()
    declared_by: dict[int, Firing] = {}
    effects: dict[tuple[str, str], _Group] = {}
    actions: dict[str, _Group] = {}
    matched_models: dict[int, models.MatchedFact] = {}
    trace = []
    entry_of = models.of_engine_data
    for firing in firings:
        seq, rule, salience, matched_facts, declared_facts = firing
        matched = []
        derived = False  # did the firing match a finding or conclusion (not input only)?
        for fact in matched_facts:
            if type(fact) in CONCLUSIONS:
                derived = True
            model = matched_models.get(fact[FACT_ID])
            if model is None:
                model = matched_models[fact[FACT_ID]] = models.of_engine_data(
                    models.MatchedFact, {"fact": fact_name(fact), "values": _values(fact)}
                )
            matched.append(model)
        declared = []
        upstream: tuple[str, ...] | None = None
        for fact in declared_facts:
            declared_by[fact[FACT_ID]] = firing
            declared.append(_declared_text(fact))
            kind = type(fact)
            if kind is Effect:
                if upstream is None:
                    upstream = _upstream(firing, declared_by) if derived else ()
                group = effects.get((fact["topic"], fact["code"]))
                if group is None:
                    group = effects[(fact["topic"], fact["code"])] = _Group()
                group.add(-STRENGTH[fact["likelihood"]], seq, rule, fact["debt"], upstream)
            elif kind is Action:
                if upstream is None:
                    upstream = _upstream(firing, declared_by) if derived else ()
                group = actions.get(fact["code"])
                if group is None:
                    group = actions[fact["code"]] = _Group()
                group.add(fact["rank"], seq, rule, fact["debt"], upstream)
            elif kind is RecordStatus:
                concluded.add_record(fact["debt"], fact["status"])
            elif kind is RepairStatus:
                concluded.add_repair(fact["debt"], fact["status"])
        trace.append(
            entry_of(
                models.TraceEntry,
                {"seq": seq, "rule": rule, "salience": salience, "matched": matched, "declared": declared},
            )
        )
    negative = effects.get(("credit_report", "negative_record"))
    if negative is not None:
        for debt, order in negative.debts.items():
            concluded.add_negative(debt, -order)
    return effects, actions, trace, concluded


def build_advice(
    situation: Situation,
    firings: list[Firing],
    registry: dict[str, RuleMeta],
    text: Catalog,
    ruleset_version: str,
) -> models.Advice:
    assert situation.as_of is not None, "build_advice takes a dated() situation"
    text = text.on(situation.as_of)  # the texts state the parameters of the advice's day
    effects, actions, trace, concluded = _collect(firings)
    topics: dict[str, dict] = {}
    for topic, codes in TOPICS:
        found = [(code, effects[(topic, code)]) for code in codes if (topic, code) in effects]
        found.sort(key=lambda item: (item[1].best_order, codes.index(item[0])))
        topic_effects = []
        for code, group in found:
            rule_ids = _rules_of(group.contributions)
            debts, by_debt = group.attribution()
            likelihood = _OF_STRENGTH[-group.best_order]
            topic_effects.append(
                {
                    "code": code,
                    "likelihood": likelihood,
                    "label": text.effect(topic, code),
                    # The reasons for the winning likelihood, so for the debts at it (and the
                    # person); weaker contributions stay in `rules` and `by_debt`.
                    "explanation": _effect_explanation(topic, likelihood, group, text),
                    "rules": rule_ids,
                    "sources": _sources(rule_ids, registry),
                    "conflicts": _conflicts(f"{topic}.{code}", rule_ids, registry),
                    "debts": debts,
                    "by_debt": by_debt,
                }
            )
        if not topic_effects:
            raise RuntimeError(f"no rule concluded anything for topic {topic}: the rule base has a gap")
        top = topic_effects[0]
        topics[topic] = {
            "if_used": _if_used(topic, situation),
            "title": text.topic(topic),
            "summary": text.ui("summary", effect=top["label"], likelihood=text.likelihood(top["likelihood"].value)),
            "effects": topic_effects,
        }

    labels = debt_labels(situation, text)
    ordered = sorted(actions.items(), key=lambda item: (item[1].best_order, ACTION_CODES.index(item[0])))
    advice_actions = []
    for priority, (code, group) in enumerate(ordered, start=1):
        rule_ids = _rules_of(group.contributions)
        advice_actions.append(
            {
                "code": code,
                "priority": priority,
                # Worded for the rules that advised it (the lender, the problem).
                "text": text.action_for(code, group.direct_rules()),
                # The action's own reasons; the findings behind them stay in `rules` for audit.
                "because": _explain(group.direct_rules(), text),
                "rules": rule_ids,
                "sources": _sources(rule_ids, registry),
                "debts": sorted(group.debts, key=lambda debt: (group.debts[debt], debt)),
            }
        )

    # Built as plain data and validated in one pass: pydantic-core checks the whole tree
    # faster than a model constructor call per effect, action and source.
    return models.Advice.model_validate(
        {
            "as_of": situation.as_of,
            "ruleset_version": ruleset_version,
            "language": text.language,
            "overview": overview_items(topics, advice_actions, text, labels),
            "topics": topics,
            "actions": advice_actions,
            "trace": trace,
            "warnings": situation_warnings(situation, text),
            "disclaimer": text.disclaimer,
            "debt_labels": labels,
            "timeline": timeline_entries(situation, concluded, text, labels),
        }
    )


def _if_used(topic: str, situation: Situation) -> bool:
    if topic not in PRODUCT_TOPICS:
        return False
    return not uses_product(situation, *PRODUCT_TOPICS[topic])


def debt_labels(situation: Situation, text: Catalog) -> list[str]:
    labels = []
    for index, debt in enumerate(situation.debts, start=1):
        labels.append(
            debt.label or text.ui("debt_default_label", n=index, product=text.ui(f"product_{debt.product.value}"))
        )
    return labels


def situation_warnings(situation: Situation, text: Catalog) -> list[str]:
    warnings = []
    for index, debt in enumerate(situation.debts):
        if debt.months_since_settled is not None and not debt.settled:
            warnings.append(text.ui("warn_months_not_settled", field=f"debts[{index}].months_since_settled"))
        if debt.settled and debt.overdue_days == 0 and debt.negotiation.value == "none":
            warnings.append(text.ui("warn_settled_never_overdue", field=f"debts[{index}].settled"))
        if debt.negotiation.value == "agreement_broken" and debt.overdue_days == 0:
            # Breaking an agreement is missing its payments: the two answers cannot both be right.
            warnings.append(
                text.ui(
                    "warn_broken_never_overdue",
                    field=f"debts[{index}].negotiation",
                    days=f"debts[{index}].overdue_days",
                )
            )
        if debt.reported.value == "yes" and debt.overdue_days == 0:
            warnings.append(text.ui("warn_reported_never_overdue", field=f"debts[{index}].reported"))
    return warnings
