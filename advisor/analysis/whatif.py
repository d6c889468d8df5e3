"""What if: the advice for a changed situation beside the current one, the differences,
and (`suggest`) the changes within the person's power ranked by how much they improve
the outlook.

The outlook
-----------
`outlook(advice)` counts what the rules concluded, from the declared Effect facts of the
trace: each harmful effect once per subject (each debt, or the person as a whole) at
the strongest likelihood concluded for that subject, counted per likelihood, strongest
first; and the calm effects concluded.  Which effect is harmful is the rules' own
`harmful` slot.  Two outlooks compare lexicographically: fewer certain harms is better
whatever else happens, then fewer likely ones, then possible, then unlikely; then more
calm effects.  No weights: the ranking says only what the rules concluded, in the
order of the likelihoods (`Likelihood`).

The candidate changes use the dated parameters for the Situation's `as_of`: the
inquiry count that is fine (`inquiries.few_max`) and the marks after settlement
(`record.clean_months`, `record.good_record_months`, `record.retention_months`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor.models import Advice
from advisor.numbers import whole_number
from advisor.texts.audit_text import audit_text, debt_name, shown
from advisor.texts.catalog import Catalog, catalog
from advisor.texts.sanitise import visible
from credit_advisor.facts.bands import hardship_kind
from credit_advisor.facts.enums import EFFECT_CODES, HARMLESS_CODES, STRENGTH, Likelihood, Negotiation, Topic
from credit_advisor.facts.parameters import ParameterError, Value, parameters_on, value_on
from credit_advisor.facts.situation import Collection, Debt, Situation, dated

# Months since settlement worth waiting for: six clean months (R6), two years of good
# record (C8), the record's five years (E4).
WAIT_MARKS = ("record.clean_months", "record.good_record_months", "record.retention_months")
# `credit_inquiries_6m` counts the last six months: after that long without applying, it is 0.
STOP_APPLYING_MONTHS = 6
KIND_ORDER = ("settle", "negotiate", "stop_applying", "hardship_proof", "wait")


class ChangeError(ValueError):
    """A --set that cannot be applied; `problems` are (path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))


# --- changing a situation ----------------------------------------------------------------------


def parse_assignment(raw: str, lang: str = "zh") -> tuple[str, Any]:
    """`path=value`: the value is JSON when it parses as JSON, else a string.  The JSON is
    read by the one bounded reader (advisor.validation.json_from_text): a 5,000-digit
    number, 100,000 nested brackets or a key given twice is refused, as `advise` refuses it."""
    from advisor.validation import NotJson, SituationError, json_from_text

    path, sep, value = raw.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ChangeError([(raw, "expected PATH=VALUE, e.g. debts.0.settled=true")])
    try:
        parsed = json_from_text(value, lang)
    except NotJson:
        parsed = value
    except SituationError as error:
        raise ChangeError([(path, message) for _, message in error.problems]) from None
    return path, parsed


# Which fields of which model nest further: ("list", item model or None) or ("model", model).
NESTED = {
    (Situation, "debts"): ("list", Debt),
    (Situation, "collection"): ("model", Collection),
    (Situation, "plans"): ("list", None),
}


def apply_changes(data: dict, changes: list[tuple[str, Any]], lang: str = "zh") -> dict:
    """A deep copy of `data` (a Situation as JSON) with each change applied.

    Paths are dotted: `debts.0.settled`, `credit_inquiries_6m`, `collection.contacts_harassed`,
    `plans`.  A list index may be the list's length, to add an item."""
    text = catalog(lang)
    t = lambda key, **v: audit_text(text, key, **v)
    result = copy.deepcopy(data)
    for path, value in changes:
        parts = path.split(".")
        node: Any = result
        model: Any = Situation
        i = 0
        while True:
            part, last = parts[i], i == len(parts) - 1
            where = ".".join(parts[: i + 1])
            allowed_fields = list(model.model_fields)
            if part not in allowed_fields:
                raise ChangeError([(path, t("whatif.err_field", where=where, allowed=", ".join(allowed_fields)))])
            if last:
                node[part] = value
                break
            kind, inner = NESTED.get((model, part), (None, None))
            if kind is None:
                raise ChangeError([(path, t("whatif.err_not_container", where=where))])
            if kind == "model":
                if not isinstance(node.get(part), dict):
                    node[part] = {}
                node, model, i = node[part], inner, i + 1
                continue
            items = node.get(part)
            if not isinstance(items, list):
                items = node[part] = []
            i += 1
            index, last = parts[i], i == len(parts) - 1
            where = ".".join(parts[: i + 1])
            appendable = last or inner is not None
            position_given = whole_number(index)  # never raises: "²", "፩" or 5,000 digits are not an index
            if (
                position_given is None
                or position_given > len(items)
                or (position_given == len(items) and not appendable)
            ):
                allowed = f"0–{len(items) - 1}" if items else ""
                extra = t("whatif.to_append", index=len(items))
                raise ChangeError(
                    [(path, t("whatif.err_index", where=where, allowed=", ".join(filter(None, [allowed, extra]))))]
                )
            position = position_given
            if last:
                if position == len(items):
                    items.append(value)
                else:
                    items[position] = value
                break
            if inner is None:
                raise ChangeError([(path, t("whatif.err_not_container", where=where))])
            if position == len(items):
                items.append({})
            if not isinstance(items[position], dict):
                items[position] = {}
            node, model, i = items[position], inner, i + 1
    return result


def changed_situation(situation: Situation, changes: list[tuple[str, Any]], lang: str = "zh") -> Situation:
    """The situation with the changes applied, validated (SituationError names the field)."""
    from advisor.validation import situation_from_data

    return situation_from_data(apply_changes(situation.model_dump(mode="json"), changes, lang), lang)


def _get(data: Any, path: str) -> Any:
    node = data
    for part in path.split("."):
        if isinstance(node, list):
            index = whole_number(part)
            if index is None or index >= len(node):
                return None
            node = node[index]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


# --- comparing two advices ----------------------------------------------------------------------


def _by_subject(advice: Advice) -> tuple[dict[tuple[str, int], str], set[tuple[str, int]]]:
    """The strongest likelihood of each harmful effect per subject (a debt, or -1 = the
    person), and the calm effects per subject, from the Effect facts the rules declared."""
    from advisor.engine.consult import declared_facts

    harmful: dict[tuple[str, int], str] = {}
    calm: set[tuple[str, int]] = set()
    for entry in advice.trace:
        for kind, values in declared_facts(entry):
            if kind != "Effect":
                continue
            key = (f"{values['topic']}.{values['code']}", values.get("debt", -1))
            if not values.get("harmful"):
                calm.add(key)
            elif key not in harmful or STRENGTH[values["likelihood"]] > STRENGTH[harmful[key]]:
                harmful[key] = values["likelihood"]
    return harmful, calm


def harm_by_subject(advice: Advice) -> dict[tuple[str, int], str]:
    """The strongest likelihood of each harmful effect per debt (-1 = the person)."""
    return _by_subject(advice)[0]


@dataclass(frozen=True)
class Outlook:
    """What the rules concluded, counted: harmful effects per subject by likelihood
    (strongest first, in `Likelihood`'s order), and calm effects."""

    harmful: tuple[int, ...]
    calm: int

    def key(self) -> tuple[int, ...]:
        """Lower is better: fewer harms at the strongest likelihood first, then more calm."""
        return (*self.harmful, -self.calm)

    def as_dict(self) -> dict[str, Any]:
        return {
            "harmful": {item.value: count for item, count in zip(Likelihood, self.harmful, strict=True)},
            "calm": self.calm,
        }


def outlook(advice: Advice) -> Outlook:
    harmful, calm = _by_subject(advice)
    counts = {item: 0 for item in Likelihood}
    for likelihood in harmful.values():
        counts[Likelihood(likelihood)] += 1
    return Outlook(harmful=tuple(counts.values()), calm=len(calm))


def verdict(before: Outlook, after: Outlook) -> str:
    """`better`, `worse` or `same`: the outlooks compared lexicographically."""
    if after.key() < before.key():
        return "better"
    return "worse" if after.key() > before.key() else "same"


def _strengths(by_debt: list[tuple[int, str]]) -> tuple[int, ...]:
    """Contributions counted per likelihood, strongest first (compared like outlooks)."""
    counts = {item: 0 for item in Likelihood}
    for _, likelihood in by_debt:
        counts[Likelihood(likelihood)] += 1
    return tuple(counts.values())


def _direction(topic: str, code: str, before: str | None, after: str | None) -> str:
    calm = code in HARMLESS_CODES[Topic(topic)]
    b = STRENGTH[before] if before else 0
    a = STRENGTH[after] if after else 0
    if a == b:
        return "same"
    if calm:
        return "better" if a > b else "worse"
    return "worse" if a > b else "better"


def compare(before: Advice, after: Advice) -> dict:
    """The differences between two advices: per topic the effects whose likelihood
    changed, appeared or disappeared, actions added or removed, timeline changes."""
    topics = {}
    for topic in Topic:
        old = {e.code: e for e in before.topics[topic.value].effects}
        new = {e.code: e for e in after.topics[topic.value].effects}
        changes = []
        for code in EFFECT_CODES[topic]:
            b, a = old.get(code), new.get(code)
            if b is None and a is None:
                continue
            lb = b.likelihood.value if b else None
            la = a.likelihood.value if a else None
            # Each contributing debt with its own likelihood: a debt that stops contributing,
            # or contributes more weakly, is a difference even when the effect's likelihood stays.
            db = [(x.debt, x.likelihood.value) for x in b.by_debt] if b else []
            da = [(x.debt, x.likelihood.value) for x in a.by_debt] if a else []
            if lb == la and db == da:
                continue
            if b is None:
                change = "appeared"
            elif a is None:
                change = "disappeared"
            elif a.likelihood != b.likelihood:
                change = "stronger" if a.likelihood.strength > b.likelihood.strength else "weaker"
            else:
                change = "debts"
            direction = _direction(topic.value, code, lb, la)
            if change == "debts":
                calm = code in HARMLESS_CODES[topic]
                weaker, stronger = _strengths(da) < _strengths(db), _strengths(da) > _strengths(db)
                if weaker or stronger:
                    direction = ("worse" if weaker else "better") if calm else ("better" if weaker else "worse")
            changes.append(
                {
                    "code": code,
                    "label": a.label if a is not None else b.label if b is not None else "",
                    "change": change,
                    "direction": direction,
                    "before": lb,
                    "after": la,
                    "debts_before": [debt for debt, _ in db],
                    "debts_after": [debt for debt, _ in da],
                    "by_debt_before": [{"debt": debt, "likelihood": level} for debt, level in db],
                    "by_debt_after": [{"debt": debt, "likelihood": level} for debt, level in da],
                }
            )
        head_b = before.topics[topic.value].effects[0]
        head_a = after.topics[topic.value].effects[0]
        if changes or head_b.code != head_a.code:
            topics[topic.value] = {
                "headline_before": {"code": head_b.code, "likelihood": head_b.likelihood.value, "label": head_b.label},
                "headline_after": {"code": head_a.code, "likelihood": head_a.likelihood.value, "label": head_a.label},
                "effects": changes,
            }
    old_actions = {a.code: a for a in before.actions}
    new_actions = {a.code: a for a in after.actions}
    actions = {
        "added": [
            {"code": c, "text": a.text, "priority": a.priority} for c, a in new_actions.items() if c not in old_actions
        ],
        "removed": [
            {"code": c, "text": a.text, "priority": a.priority} for c, a in old_actions.items() if c not in new_actions
        ],
    }
    timeline = []
    old_t = {t.debt: t for t in before.timeline}
    for entry in after.timeline:
        previous = old_t.get(entry.debt)
        if previous is None:
            timeline.append({"debt": entry.debt, "before": None, "after": entry.summary})
            continue
        left = previous.model_dump(exclude={"summary"})
        right = entry.model_dump(exclude={"summary"})
        if left != right:
            timeline.append({"debt": entry.debt, "before": previous.summary, "after": entry.summary})
    outlook_before, outlook_after = outlook(before), outlook(after)
    return {
        "topics": topics,
        "actions": actions,
        "timeline": timeline,
        "outlook_before": outlook_before.as_dict(),
        "outlook_after": outlook_after.as_dict(),
        "verdict": verdict(outlook_before, outlook_after),
    }


@dataclass
class WhatIf:
    language: str
    changes: list[dict]
    before: Advice
    after: Advice
    differences: dict

    def as_dict(self, include_advices: bool = True) -> dict:
        out = {"language": self.language, "changes": self.changes, "differences": self.differences}
        if include_advices:
            out["before"] = self.before.model_dump(mode="json", exclude={"trace"})
            out["after"] = self.after.model_dump(mode="json", exclude={"trace"})
        return out


def what_if(situation: Situation, changes: list[tuple[str, Any]], lang: str = "zh") -> WhatIf:
    from advisor.api import advise

    new_situation = changed_situation(situation, changes, lang)
    before = advise(situation, lang=lang)
    after = advise(new_situation, lang=lang)
    old_data = situation.model_dump(mode="json")
    new_data = new_situation.model_dump(mode="json")
    listed = [{"path": p, "before": _get(old_data, p), "after": _get(new_data, p)} for p, _ in changes]
    return WhatIf(language=lang, changes=listed, before=before, after=after, differences=compare(before, after))


# --- suggestions -----------------------------------------------------------------------------------


@dataclass
class Candidate:
    kind: str  # settle | negotiate | stop_applying | hardship_proof | wait
    changes: list[tuple[str, Any]]
    debt: int | None = None
    months: int | None = None
    mark: int | None = None
    few: int | None = None  # stop_applying: the inquiry count that is fine (inquiries.few_max)


def _whole(values: Mapping[str, Value], name: str) -> int:
    """A parameter that is a count (of months, of inquiries)."""
    value = value_on(dict(values), name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"parameter {name!r} is not a whole number: {value!r}")
    return value


def candidates(situation: Situation) -> list[Candidate]:
    """The changes within the person's power, generated from the situation."""
    day = dated(situation).as_of
    assert day is not None  # dated() fills it
    values = parameters_on(day)
    out: list[Candidate] = []
    for index, debt in enumerate(situation.debts):
        if debt.active_overdue:
            out.append(
                Candidate(
                    "settle", [(f"debts.{index}.settled", True), (f"debts.{index}.months_since_settled", 0)], debt=index
                )
            )
            if debt.negotiation in (Negotiation.none, Negotiation.in_progress):
                out.append(
                    Candidate(
                        "negotiate", [(f"debts.{index}.negotiation", Negotiation.agreement_honored.value)], debt=index
                    )
                )
    few = _whole(values, "inquiries.few_max")
    if situation.credit_inquiries_6m is not None and situation.credit_inquiries_6m > few:
        out.append(Candidate("stop_applying", [("credit_inquiries_6m", 0)], months=STOP_APPLYING_MONTHS, few=few))
    if (
        hardship_kind(situation.hardship) == "objective"  # the causes a proof can rest on (E6)
        and situation.hardship_proof is not True
        and any(d.overdue for d in situation.debts)
    ):
        out.append(Candidate("hardship_proof", [("hardship_proof", True)]))
    settled = [
        (i, d.months_since_settled)
        for i, d in enumerate(situation.debts)
        if d.settled and d.overdue and d.months_since_settled is not None
    ]
    seen_waits: set[int] = set()
    for mark in (_whole(values, name) for name in WAIT_MARKS):
        behind = [m for _, m in settled if m < mark]
        if not behind:
            continue
        wait = mark - min(behind)
        if wait in seen_waits:
            continue
        seen_waits.add(wait)
        changes = [(f"debts.{i}.months_since_settled", m + wait) for i, m in settled]
        out.append(Candidate("wait", changes, months=wait, mark=mark))
    return out


def describe(candidate: Candidate, text: Catalog, labels: list[str], first: list[dict] | None = None) -> str:
    debt = debt_name(labels, candidate.debt) if candidate.debt is not None else ""
    # Settling a debt whose advice says to pay only the lawful amount first is worded so:
    # "in full" would contradict the step it comes after.
    lawful = any(step["code"] == "pay_lawful_amount_only" for step in first or ())
    return audit_text(
        text,
        "whatif.suggest_settle_lawful" if lawful else f"whatif.suggest_{candidate.kind}",
        debt=debt,
        months=candidate.months or 0,
        mark=candidate.mark or 0,
        few=candidate.few or 0,
    )


@dataclass
class Suggestion:
    rank: int
    kind: str
    debt: int | None
    months: int | None
    description: str
    changes: list[dict]
    verdict: str
    outlook_after: dict
    differences: dict

    def as_dict(self) -> dict:
        return {
            "rank": self.rank,
            "kind": self.kind,
            "debt": self.debt,
            "months": self.months,
            "description": self.description,
            "changes": self.changes,
            "verdict": self.verdict,
            "outlook_after": self.outlook_after,
            "differences": self.differences,
        }


@dataclass
class Suggestions:
    language: str
    outlook_before: dict
    suggestions: list[Suggestion] = field(default_factory=list)
    debt_labels: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "language": self.language,
            "outlook_before": self.outlook_before,
            "suggestions": [s.as_dict() for s in self.suggestions],
        }


def _steps_first(before: Advice, candidate: Candidate, differences: dict) -> list[dict]:
    """The steps a settle change would skip: actions about its debt that the advice ranks
    before paying (checking what is lawfully owed, calling the police, negotiating first)
    and that settling would make disappear.  They are not "no longer needed" but to do
    first: moved from the differences' `removed` to `first`, and returned."""
    differences["actions"].setdefault("first", [])
    if candidate.kind != "settle" or candidate.debt is None:
        return []
    ranked = {action.code: action for action in before.actions}
    settle = ranked.get("settle_overdue")
    if settle is None:
        return []
    removed = differences["actions"]["removed"]
    first = [
        action
        for action in removed
        if action["priority"] < settle.priority and candidate.debt in ranked[action["code"]].debts
    ]
    differences["actions"]["removed"] = [action for action in removed if action not in first]
    differences["actions"]["first"] = first
    return first


def suggest(situation: Situation, lang: str = "zh") -> Suggestions:
    """Every candidate change, applied alone, ranked by the outlook after it (best first;
    equal outlooks in KIND_ORDER, then in the order the candidates were found)."""
    from advisor.api import advise

    before = advise(situation, lang=lang)
    text = catalog(lang).on(before.as_of)
    before_outlook = outlook(before)
    old_data = situation.model_dump(mode="json")
    scored = []
    for order, candidate in enumerate(candidates(situation)):
        new_situation = changed_situation(situation, candidate.changes, lang)
        after = advise(new_situation, lang=lang)
        differences = compare(before, after)
        first = _steps_first(before, candidate, differences)
        new_data = new_situation.model_dump(mode="json")
        listed = [{"path": p, "before": _get(old_data, p), "after": _get(new_data, p)} for p, _ in candidate.changes]
        # A change that skips steps the advice puts before it ranks after those that skip none.
        key = (bool(first), outlook(after).key(), KIND_ORDER.index(candidate.kind), order)
        scored.append((key, candidate, listed, differences))
    scored.sort(key=lambda item: item[0])
    result = Suggestions(language=lang, outlook_before=before_outlook.as_dict(), debt_labels=list(before.debt_labels))
    for rank, (_, candidate, listed, differences) in enumerate(scored, start=1):
        result.suggestions.append(
            Suggestion(
                rank=rank,
                kind=candidate.kind,
                debt=candidate.debt,
                months=candidate.months,
                description=describe(candidate, text, before.debt_labels, differences["actions"]["first"]),
                changes=listed,
                verdict=differences["verdict"],
                outlook_after=differences["outlook_after"],
                differences=differences,
            )
        )
    return result


# --- the text views ---------------------------------------------------------------------------------
# In plain words: a change names the debt as the interview does (债务1, or the person's own
# label) and the question and answers as the interview words them, never a path or a code;
# an effect whose likelihood stays but whose debts change says which debts it no longer
# (or now also) concerns.

DIRECTION_STYLE = {"better": ("green", "▼"), "worse": ("bold red", "▲"), "same": ("white", "=")}


def change_words(change: dict, text: Catalog, labels: list[str]) -> str:
    """One applied change (`path`, `before`, `after`) in the interview's words; a path
    no question asks about is shown as given."""
    from advisor.ui.questions import FIELD_QUESTIONS, format_value

    parts = change["path"].split(".")
    debt = None
    if parts[0] == "debts" and len(parts) == 3 and whole_number(parts[1]) is not None:
        debt, field_name = whole_number(parts[1]), f"debts.{parts[2]}"
    else:
        field_name = change["path"]
    question = FIELD_QUESTIONS.get(field_name)
    if question is None:
        return visible(f"{change['path']}: {shown(text, change['before'])} → {shown(text, change['after'])}")
    lang = text.language
    try:
        before, after = (format_value(question, change[side], lang) for side in ("before", "after"))
    except (KeyError, LookupError, TypeError, ValueError):  # a value no option names: as given
        before, after = shown(text, change["before"]), shown(text, change["after"])
    label = text.template("interview", "q", question.id, "label")
    words = audit_text(text, "whatif.change_words", field=label, before=before, after=after)
    if debt is None:
        return visible(words)
    return visible(audit_text(text, "whatif.change_of_debt", debt=debt_name(labels, debt), change=words))


def _debts_words(entries: list[dict], text: Catalog, labels: list[str]) -> str:
    return audit_text(text, "words.list_sep").join(debt_name(labels, entry["debt"]) for entry in entries)


def _by_debt_words(change: dict, text: Catalog, labels: list[str]) -> str:
    """How the debts an effect concerns changed, its likelihood staying: which debts it no
    longer concerns, which it now concerns, and whose own likelihood moved."""
    before = {entry["debt"]: entry["likelihood"] for entry in change["by_debt_before"]}
    after = {entry["debt"]: entry["likelihood"] for entry in change["by_debt_after"]}
    parts = []
    gone = [{"debt": d} for d in before if d not in after]
    new = [{"debt": d} for d in after if d not in before]
    if gone:
        parts.append(audit_text(text, "whatif.debts_gone", debts=_debts_words(gone, text, labels)))
    if new:
        parts.append(audit_text(text, "whatif.debts_new", debts=_debts_words(new, text, labels)))
    for debt, level in before.items():
        if debt in after and level != after[debt]:
            parts.append(
                audit_text(
                    text,
                    "whatif.debt_moved",
                    debt=debt_name(labels, debt),
                    before=text.likelihood(level),
                    after=text.likelihood(after[debt]),
                )
            )
    return audit_text(text, "whatif.clause_sep").join(parts)


def difference_items(differences: dict, text: Catalog, labels: list[str]) -> list[tuple[str, str, str]]:
    """The differences as (marker, words, style), each with a word for its direction."""
    t = lambda key, **v: audit_text(text, key, **v)
    items: list[tuple[str, str, str]] = []
    for topic, block in differences["topics"].items():
        for change in block["effects"]:
            style, mark = DIRECTION_STYLE[change["direction"]]
            what = t("whatif.effect_name", topic=text.topic(topic), label=change["label"])
            if change["change"] == "appeared":
                words = t("whatif.effect_appeared", effect=what, after=text.likelihood(change["after"]))
            elif change["change"] == "disappeared":
                words = t("whatif.effect_disappeared", effect=what, before=text.likelihood(change["before"]))
            elif change["change"] == "debts":
                words = t(
                    "whatif.effect_debts",
                    effect=what,
                    likelihood=text.likelihood(change["after"]),
                    debts=_by_debt_words(change, text, labels),
                )
            else:
                words = t(
                    "whatif.effect_moved",
                    effect=what,
                    before=text.likelihood(change["before"]),
                    after=text.likelihood(change["after"]),
                )
            items.append((mark, t("whatif.tagged", tag=t(f"whatif.dir_{change['direction']}"), words=words), style))
    for action in differences["actions"]["added"]:
        items.append(("+", t("whatif.tagged", tag=t("whatif.action_added"), words=action["text"]), "cyan"))
    for action in differences["actions"].get("first", []):
        items.append(("!", t("whatif.tagged", tag=t("whatif.action_first"), words=action["text"]), "yellow"))
    for action in differences["actions"]["removed"]:
        items.append(("−", t("whatif.tagged", tag=t("whatif.action_removed"), words=action["text"]), "cyan"))
    for change in differences["timeline"]:
        items.append(("~", t("whatif.tagged", tag=t("whatif.timeline_changed"), words=change["after"]), "magenta"))
    if not items:
        items.append(("=", t("whatif.no_difference"), "dim"))
    return items


def difference_lines(differences: dict, text: Catalog, labels: list[str]) -> list[tuple[str, str]]:
    """The differences as (line, style) pairs, each with a marker and a word."""
    return [(f"{mark} {words}", style) for mark, words, style in difference_items(differences, text, labels)]


def likelihood_words(text: Catalog) -> tuple[str, ...]:
    """The likelihoods in words: a line never breaks inside one (很可能)."""
    return tuple(text.likelihood(item.value) for item in Likelihood)


def _marked(items: list[tuple[str, str, str]], text: Catalog, labels: list[str], indent: int = 2):
    """Marked lines with a hanging indent: wrapped words stay right of the marker."""
    from rich.table import Table
    from rich.text import Text

    from advisor.ui.prose import Prose

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for mark, words, style in items:
        grid.add_row(
            Text(" " * indent + mark, style=style), Prose(Text(words, style=style), whole=likelihood_words(text))
        )
    return grid


def outlook_words(counts: dict[str, Any], text: Catalog) -> str:
    """An outlook's harmful effects in words, strongest likelihood first (zero counts left out)."""
    parts = [
        audit_text(text, "whatif.outlook_count", likelihood=text.likelihood(item.value), count=counts["harmful"][item])
        for item in Likelihood
        if counts["harmful"][item]
    ]
    return audit_text(text, "words.list_sep").join(parts) if parts else audit_text(text, "whatif.outlook_none")


def ranking_note(text: Catalog) -> str:
    order = audit_text(text, "whatif.order_sep").join(text.likelihood(item.value) for item in Likelihood)
    return audit_text(text, "whatif.score_note", order=order)


def _effects_cell(advice: Advice, topic: str, changed: dict[str, str], text: Catalog):
    from rich.console import Group
    from rich.text import Text

    from advisor.ui.prose import Prose

    lines = []
    for effect in advice.topics[topic].effects:
        direction = changed.get(effect.code)
        style = DIRECTION_STYLE[direction][0] if direction else ""
        line = Text(f"{DIRECTION_STYLE[direction][1]} " if direction else "", style=style)
        line.append(f"{effect.label} — {text.likelihood(effect.likelihood.value)}", style=style)
        lines.append(Prose(line, whole=likelihood_words(text)))
    return Group(*lines)


def _actions_cell(actions, marked: set[str], tag: str, sign: str, style: str):
    from rich.table import Table
    from rich.text import Text

    from advisor.ui.prose import Prose

    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    for action in actions:
        line = Text()
        if action.code in marked:
            line.append(f"{sign} [{tag}] ", style=style)
        line.append(action.text, style=style if action.code in marked else "")
        grid.add_row(Text(f"{action.priority}."), Prose(line))
    return grid


def render_what_if(result: WhatIf, console) -> None:
    from rich.table import Table
    from rich.text import Text

    from advisor.ui.prose import Prose

    text = catalog(result.language).on(result.before.as_of)
    t = lambda key, **v: audit_text(text, key, **v)
    labels = result.before.debt_labels
    console.print(Text(t("whatif.title"), style="bold"))
    console.print(
        _marked([("•", change_words(change, text, labels), "cyan") for change in result.changes], text, labels)
    )
    # Side by side, the topics that changed; the others named in one line.
    changed_topics = [topic for topic in result.before.topics if topic in result.differences["topics"]]
    if changed_topics:
        table = Table(show_lines=True)
        table.add_column(t("whatif.col_topic"), no_wrap=True)
        table.add_column(t("whatif.col_before"), ratio=1)
        table.add_column(t("whatif.col_after"), ratio=1)
        for topic in changed_topics:
            block = result.differences["topics"][topic]
            changed = {c["code"]: c["direction"] for c in block["effects"]}
            gone = {c["code"]: c["direction"] for c in block["effects"] if c["change"] == "disappeared"}
            table.add_row(
                Text(result.before.topics[topic].title, style="bold"),
                _effects_cell(result.before, topic, gone, text),
                _effects_cell(result.after, topic, {k: v for k, v in changed.items() if k not in gone}, text),
            )
        console.print(table)
    same = [result.before.topics[topic].title for topic in result.before.topics if topic not in changed_topics]
    if same:
        console.print(Prose(Text(t("whatif.unchanged_topics", topics=t("words.list_sep").join(same)), style="dim")))
    # What to do after the change, in its order: what is new marked, what is dropped after it.
    added = {a["code"] for a in result.differences["actions"]["added"]}
    console.print(Text(t("whatif.actions_after"), style="bold"))
    console.print(_actions_cell(result.after.actions, added, t("whatif.action_added"), "+", "green"))
    console.print(Text(t("whatif.differences_title"), style="bold"))
    console.print(_marked(difference_items(result.differences, text, result.after.debt_labels), text, labels))
    differences = result.differences
    score = t(
        "whatif.score",
        before=outlook_words(differences["outlook_before"], text),
        after=outlook_words(differences["outlook_after"], text),
        verdict=t(f"whatif.dir_{differences['verdict']}"),
    )
    console.print(Prose(Text(score, style="bold"), whole=likelihood_words(text)))


def render_suggestions(result: Suggestions, console) -> None:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from advisor.ui.prose import Prose

    text = catalog(result.language)
    t = lambda key, **v: audit_text(text, key, **v)
    console.print(
        Prose(Text(t("whatif.suggest_title", outlook=outlook_words(result.outlook_before, text)), style="bold"))
    )
    if not result.suggestions:
        console.print(Prose(t("whatif.suggest_none")))
    for suggestion in result.suggestions:
        helps = suggestion.verdict == "better"
        head = Text(suggestion.description, style="bold")
        head.append(f" [{t('whatif.helps') if helps else t('whatif.no_help')}]", style="green" if helps else "dim")
        after = t("whatif.after_outlook", outlook=outlook_words(suggestion.outlook_after, text))
        changes = t(
            "whatif.changes",
            changes=t("whatif.clause_sep").join(change_words(c, text, result.debt_labels) for c in suggestion.changes),
        )
        body = [
            Prose(head),
            Prose(Text(changes, style="dim")),
            _marked(
                difference_items(suggestion.differences, text, result.debt_labels), text, result.debt_labels, indent=0
            ),
            Prose(Text(after, style="bold green" if helps else "dim"), whole=likelihood_words(text)),
        ]
        row = Table.grid(padding=(0, 1))
        row.add_column(justify="right", no_wrap=True)
        row.add_column(ratio=1)
        row.add_row(Text(f"{suggestion.rank}.", style="bold"), Group(*body))
        console.print(row)
    console.print(Prose(Text(ranking_note(text), style="dim")))
