"""What if: the advice for a changed situation beside the current one, the differences,
and (`suggest`) the changes within the person's power ranked by how much they improve
the outlook.

The outlook score
-----------------
`harm(advice)` sums, over every harmful effect the rules concluded, for each debt it
concerns (or once for the person as a whole), `WEIGHTS[topic.code] × VALUE[likelihood]`,
taking the strongest likelihood per effect and debt (from the declared Effect facts of
the trace).  A change's improvement is `harm(before) − harm(after)`: the weighted sum of
the likelihood drops over harmful effects.  Calm effects weigh 0.

- `VALUE`: certain 1.0, likely 0.75, possible 0.4, unlikely 0.1 — a rough probability.
- `WEIGHTS` (1–3, how much the harm costs the person): 3 for a negative credit record,
  a refused mortgage and a lawsuit; 2 for a stopped Huabei, a refused Weilidai, harder
  approval, inquiry overload, fees, illegal or social collection, employer and
  enterprise consequences; 1 for a lowered limit or a higher price; 0.5 for an extra
  review, limited credit services and a credit check by a DingTalk finance service.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from advisor.models import Advice
from advisor.texts.audit_text import audit_text, debt_name, shown
from advisor.texts.catalog import Catalog, catalog
from credit_advisor.facts.enums import EFFECT_CODES, HARMLESS_CODES, Hardship, Likelihood, Negotiation, Topic
from credit_advisor.facts.situation import Collection, Debt, Situation

VALUE = {"certain": 1.0, "likely": 0.75, "possible": 0.4, "unlikely": 0.1}
WEIGHTS: dict[str, float] = {
    "huabei.limit_reduced": 1,
    "huabei.suspended": 2,
    "weilidai.limit_reduced": 1,
    "weilidai.application_rejected": 2,
    "weilidai.extra_review": 0.5,
    "wechat.credit_services_limited": 0.5,
    "wechat.social_collection_risk": 2,
    "dingtalk.employer_rule_restriction": 2,
    "dingtalk.third_party_credit_check": 0.5,
    "dingtalk.enterprise_credit_required": 2,
    "credit_report.negative_record": 3,
    "credit_report.inquiry_overload": 2,
    "borrowing.approval_harder": 2,
    "borrowing.mortgage_rejection_risk": 3,
    "borrowing.higher_cost": 1,
    "collection.penalty_fees": 2,
    "collection.lawsuit_risk": 3,
    "collection.illegal_collection": 2,
}
STRENGTH = {item.value: item.strength for item in Likelihood}
WAIT_MARKS = (6, 24, 60)  # months since settlement: six clean months (R6), two years (C8), five years (E4)
STOP_APPLYING_MONTHS = 6
KIND_ORDER = ("settle", "negotiate", "stop_applying", "hardship_proof", "wait")


class ChangeError(ValueError):
    """A --set that cannot be applied; `problems` are (path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))


# --- changing a situation ----------------------------------------------------------------------


def parse_assignment(raw: str) -> tuple[str, Any]:
    """`path=value`: the value is JSON when it parses as JSON, else a string."""
    path, sep, value = raw.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ChangeError([(raw, "expected PATH=VALUE, e.g. debts.0.settled=true")])
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
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
            if not index.isdigit() or int(index) > len(items) or (int(index) == len(items) and not appendable):
                allowed = f"0–{len(items) - 1}" if items else ""
                extra = t("whatif.to_append", index=len(items))
                raise ChangeError(
                    [(path, t("whatif.err_index", where=where, allowed=", ".join(filter(None, [allowed, extra]))))]
                )
            position = int(index)
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
            index = int(part)
            if index >= len(node):
                return None
            node = node[index]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


# --- comparing two advices ----------------------------------------------------------------------


def harm_by_subject(advice: Advice) -> dict[tuple[str, int], str]:
    """The strongest likelihood of each harmful effect per debt (-1 = the person)."""
    from advisor.engine.consult import declared_facts

    found: dict[tuple[str, int], str] = {}
    for entry in advice.trace:
        for kind, values in declared_facts(entry):
            if kind != "Effect" or not values.get("harmful"):
                continue
            key = (f"{values['topic']}.{values['code']}", values.get("debt", -1))
            if key not in found or STRENGTH[values["likelihood"]] > STRENGTH[found[key]]:
                found[key] = values["likelihood"]
    return found


def harm(advice: Advice) -> float:
    """The outlook's harm score (lower is better): see the module docstring."""
    return round(sum(WEIGHTS.get(key, 1.0) * VALUE[lik] for (key, _), lik in harm_by_subject(advice).items()), 4)


def _direction(topic: str, code: str, before: str | None, after: str | None) -> str:
    calm = code in HARMLESS_CODES[Topic(topic)]
    b = VALUE[before] if before else 0.0
    a = VALUE[after] if after else 0.0
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
            db = b.debts if b else []
            da = a.debts if a else []
            if lb == la and db == da:
                continue
            if b is None:
                change = "appeared"
            elif a is None:
                change = "disappeared"
            elif lb != la:
                change = "stronger" if STRENGTH[la] > STRENGTH[lb] else "weaker"
            else:
                change = "debts"
            direction = _direction(topic.value, code, lb, la)
            if change == "debts":
                calm = code in HARMLESS_CODES[topic]
                fewer = len(da) < len(db)
                direction = ("worse" if fewer else "better") if calm else ("better" if fewer else "worse")
            changes.append(
                {
                    "code": code,
                    "label": (a or b).label,
                    "change": change,
                    "direction": direction,
                    "before": lb,
                    "after": la,
                    "debts_before": db,
                    "debts_after": da,
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
    score_before, score_after = harm(before), harm(after)
    return {
        "topics": topics,
        "actions": actions,
        "timeline": timeline,
        "harm_before": score_before,
        "harm_after": score_after,
        "improvement": round(score_before - score_after, 4),
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


def candidates(situation: Situation) -> list[Candidate]:
    """The changes within the person's power, generated from the situation."""
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
    if situation.credit_inquiries_6m is not None and situation.credit_inquiries_6m > 3:
        out.append(Candidate("stop_applying", [("credit_inquiries_6m", 0)], months=STOP_APPLYING_MONTHS))
    if (
        situation.hardship in (Hardship.illness, Hardship.pandemic)
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
    for mark in WAIT_MARKS:
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
    )


@dataclass
class Suggestion:
    rank: int
    kind: str
    debt: int | None
    months: int | None
    description: str
    changes: list[dict]
    improvement: float
    harm_after: float
    differences: dict

    def as_dict(self) -> dict:
        return {
            "rank": self.rank,
            "kind": self.kind,
            "debt": self.debt,
            "months": self.months,
            "description": self.description,
            "changes": self.changes,
            "improvement": self.improvement,
            "harm_after": self.harm_after,
            "differences": self.differences,
        }


@dataclass
class Suggestions:
    language: str
    harm_before: float
    suggestions: list[Suggestion] = field(default_factory=list)
    debt_labels: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "language": self.language,
            "harm_before": self.harm_before,
            "weights": WEIGHTS,
            "likelihood_values": VALUE,
            "suggestions": [s.as_dict() for s in self.suggestions],
        }


def suggest(situation: Situation, lang: str = "zh") -> Suggestions:
    """Every candidate change, applied alone, ranked by improvement (best first)."""
    from advisor.api import advise

    text = catalog(lang)
    before = advise(situation, lang=lang)
    old_data = situation.model_dump(mode="json")
    scored = []
    for order, candidate in enumerate(candidates(situation)):
        new_situation = changed_situation(situation, candidate.changes, lang)
        after = advise(new_situation, lang=lang)
        differences = compare(before, after)
        new_data = new_situation.model_dump(mode="json")
        listed = [{"path": p, "before": _get(old_data, p), "after": _get(new_data, p)} for p, _ in candidate.changes]
        key = (-differences["improvement"], KIND_ORDER.index(candidate.kind), order)
        scored.append((key, candidate, listed, differences))
    scored.sort(key=lambda item: item[0])
    result = Suggestions(language=lang, harm_before=harm(before), debt_labels=list(before.debt_labels))
    for rank, (_, candidate, listed, differences) in enumerate(scored, start=1):
        result.suggestions.append(
            Suggestion(
                rank=rank,
                kind=candidate.kind,
                debt=candidate.debt,
                months=candidate.months,
                description=describe(candidate, text, before.debt_labels),
                changes=listed,
                improvement=differences["improvement"],
                harm_after=differences["harm_after"],
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
                    before=", ".join(debt_name(labels, d) for d in change["debts_before"]) or "—",
                    after=", ".join(debt_name(labels, d) for d in change["debts_after"]) or "—",
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

    text = catalog(result.language)
    t = lambda key, **v: audit_text(text, key, **v)
    console.print(Text(t("whatif.title"), style="bold"))
    for change in result.changes:
        before, after = shown(text, change["before"]), shown(text, change["after"])
        console.print(Text(f"  {change['path']}: {before} → {after}", style="cyan"))
    table = Table(show_lines=True)
    table.add_column(t("whatif.col_topic"))
    table.add_column(t("whatif.col_before"), overflow="fold")
    table.add_column(t("whatif.col_after"), overflow="fold")
    for topic in result.before.topics:
        block = result.differences["topics"].get(topic, {"effects": []})
        changed = {c["code"]: c["direction"] for c in block["effects"]}
        gone = {c["code"]: c["direction"] for c in block["effects"] if c["change"] == "disappeared"}
        table.add_row(
            Text(result.before.topics[topic].title, style="bold" if topic in result.differences["topics"] else None),
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
    console.print(
        Text(
            t(
                "whatif.score",
                before=f"{result.differences['harm_before']:.2f}",
                after=f"{result.differences['harm_after']:.2f}",
                improvement=f"{result.differences['improvement']:+.2f}",
            ),
            style="bold",
        )
    )


def render_suggestions(result: Suggestions, console) -> None:
    from rich.text import Text

    text = catalog(result.language)
    t = lambda key, **v: audit_text(text, key, **v)
    console.print(Text(t("whatif.suggest_title", harm=f"{result.harm_before:.2f}"), style="bold"))
    if not result.suggestions:
        console.print(Text(t("whatif.suggest_none")))
    for suggestion in result.suggestions:
        style = "bold green" if suggestion.improvement > 0 else "dim"
        word = t("whatif.helps") if suggestion.improvement > 0 else t("whatif.no_help")
        head = Text(f"{suggestion.rank}. ", style="bold")
        head.append(suggestion.description)
        head.append(f"  [{word} {suggestion.improvement:+.2f}]", style=style)
        console.print(head)
        changes = ", ".join(
            f"{c['path']}: {shown(text, c['before'])} → {shown(text, c['after'])}" for c in suggestion.changes
        )
        console.print(Text(f"   {changes}", style="dim"))
        for line, line_style in difference_lines(suggestion.differences, text, result.debt_labels):
            console.print(Text(f"   {line}", style=line_style, overflow="fold"))
    console.print(Text(t("whatif.score_note"), style="dim"))
