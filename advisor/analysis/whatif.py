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


def describe(candidate: Candidate, text: Catalog, labels: list[str]) -> str:
    debt = debt_name(labels, candidate.debt) if candidate.debt is not None else ""
    return audit_text(
        text,
        f"whatif.suggest_{candidate.kind}",
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
        new_data = new_situation.model_dump(mode="json")
        listed = [{"path": p, "before": _get(old_data, p), "after": _get(new_data, p)} for p, _ in candidate.changes]
        key = (outlook(after).key(), KIND_ORDER.index(candidate.kind), order)
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
                description=describe(candidate, text, before.debt_labels),
                changes=listed,
                verdict=differences["verdict"],
                outlook_after=differences["outlook_after"],
                differences=differences,
            )
        )
    return result


# --- the text views ---------------------------------------------------------------------------------

DIRECTION_STYLE = {"better": ("green", "▼"), "worse": ("bold red", "▲"), "same": ("white", "=")}


def difference_lines(differences: dict, text: Catalog, labels: list[str]) -> list[tuple[str, str]]:
    """The differences as (line, style) pairs, each with a word and a marker."""
    t = lambda key, **v: audit_text(text, key, **v)
    lines: list[tuple[str, str]] = []
    for topic, block in differences["topics"].items():
        for change in block["effects"]:
            style, mark = DIRECTION_STYLE[change["direction"]]
            before = text.likelihood(change["before"]) if change["before"] else t("whatif.absent")
            after = text.likelihood(change["after"]) if change["after"] else t("whatif.absent")
            word = t(f"whatif.dir_{change['direction']}")
            kind = t(f"whatif.change_{change['change']}")
            line = f"{mark} [{word}] {text.topic(topic)} · {change['label']}: {before} → {after} ({kind})"
            if change["change"] == "debts":
                line += " " + t(
                    "whatif.debts_changed",
                    before=_contributions(change["by_debt_before"], text, labels),
                    after=_contributions(change["by_debt_after"], text, labels),
                )
            lines.append((line, style))
    for action in differences["actions"]["added"]:
        lines.append((f"+ [{t('whatif.action_added')}] {action['text']}", "cyan"))
    for action in differences["actions"]["removed"]:
        lines.append((f"− [{t('whatif.action_removed')}] {action['text']}", "cyan"))
    for change in differences["timeline"]:
        lines.append((f"~ [{t('whatif.timeline_changed')}] {change['after']}", "magenta"))
    if not lines:
        lines.append(("= " + t("whatif.no_difference"), "dim"))
    return lines


def _contributions(by_debt: list[dict], text: Catalog, labels: list[str]) -> str:
    """Each contributing debt with its own likelihood, or a dash when none."""
    if not by_debt:
        return "—"
    return audit_text(text, "words.list_sep").join(
        audit_text(
            text,
            "whatif.debt_likelihood",
            debt=debt_name(labels, entry["debt"]),
            likelihood=text.likelihood(entry["likelihood"]),
        )
        for entry in by_debt
    )


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
    from rich.text import Text

    cell = Text(overflow="fold")
    for index, effect in enumerate(advice.topics[topic].effects):
        if index:
            cell.append("\n")
        direction = changed.get(effect.code)
        style = DIRECTION_STYLE[direction][0] if direction else None
        if direction:
            cell.append(f"{DIRECTION_STYLE[direction][1]} ", style=style)
        cell.append(f"{effect.label} — {text.likelihood(effect.likelihood.value)}", style=style)
    return cell


def render_what_if(result: WhatIf, console) -> None:
    from rich.table import Table
    from rich.text import Text

    text = catalog(result.language).on(result.before.as_of)
    t = lambda key, **v: audit_text(text, key, **v)
    console.print(Text(t("whatif.title"), style="bold"))
    for change in result.changes:
        before, after = shown(text, change["before"]), shown(text, change["after"])
        line = f"  {change['path']}: {before} → {after}"
        console.print(Text(visible(line), style="cyan"))  # the path and values are the person's own
    table = Table(show_lines=True)
    table.add_column(t("whatif.col_topic"))
    table.add_column(t("whatif.col_before"), overflow="fold")
    table.add_column(t("whatif.col_after"), overflow="fold")
    for topic in result.before.topics:
        block = result.differences["topics"].get(topic, {"effects": []})
        changed = {c["code"]: c["direction"] for c in block["effects"]}
        gone = {c["code"]: c["direction"] for c in block["effects"] if c["change"] == "disappeared"}
        table.add_row(
            Text(result.before.topics[topic].title, style="bold" if topic in result.differences["topics"] else ""),
            _effects_cell(result.before, topic, gone, text),
            _effects_cell(result.after, topic, {k: v for k, v in changed.items() if k not in gone}, text),
        )
    console.print(table)
    actions = Table(show_lines=False, title=t("whatif.actions_title"))
    actions.add_column(t("whatif.col_before"), overflow="fold")
    actions.add_column(t("whatif.col_after"), overflow="fold")
    added = {a["code"] for a in result.differences["actions"]["added"]}
    removed = {a["code"] for a in result.differences["actions"]["removed"]}
    left = Text(overflow="fold")
    for a in result.before.actions:
        marker = f"− [{t('whatif.action_removed')}] " if a.code in removed else ""
        left.append(f"{a.priority}. {marker}{a.text}\n", style="red" if a.code in removed else None)
    right = Text(overflow="fold")
    for a in result.after.actions:
        marker = f"+ [{t('whatif.action_added')}] " if a.code in added else ""
        right.append(f"{a.priority}. {marker}{a.text}\n", style="green" if a.code in added else None)
    actions.add_row(left, right)
    console.print(actions)
    console.print(Text(t("whatif.differences_title"), style="bold"))
    for line, style in difference_lines(result.differences, text, result.after.debt_labels):
        console.print(Text(f"  {line}", style=style, overflow="fold"))
    differences = result.differences
    console.print(
        Text(
            t(
                "whatif.score",
                before=outlook_words(differences["outlook_before"], text),
                after=outlook_words(differences["outlook_after"], text),
                verdict=t(f"whatif.dir_{differences['verdict']}"),
            ),
            style="bold",
        )
    )


def render_suggestions(result: Suggestions, console) -> None:
    from rich.text import Text

    text = catalog(result.language)
    t = lambda key, **v: audit_text(text, key, **v)
    console.print(Text(t("whatif.suggest_title", outlook=outlook_words(result.outlook_before, text)), style="bold"))
    if not result.suggestions:
        console.print(Text(t("whatif.suggest_none")))
    for suggestion in result.suggestions:
        helps = suggestion.verdict == "better"
        style = "bold green" if helps else "dim"
        word = t("whatif.helps") if helps else t("whatif.no_help")
        head = Text(f"{suggestion.rank}. ", style="bold")
        head.append(suggestion.description)
        head.append(f"  [{word}: {outlook_words(suggestion.outlook_after, text)}]", style=style)
        console.print(head)
        changes = ", ".join(
            f"{c['path']}: {shown(text, c['before'])} → {shown(text, c['after'])}" for c in suggestion.changes
        )
        console.print(Text(f"   {changes}", style="dim"))
        for line, line_style in difference_lines(suggestion.differences, text, result.debt_labels):
            console.print(Text(f"   {line}", style=line_style, overflow="fold"))
    console.print(Text(ranking_note(text), style="dim"))
