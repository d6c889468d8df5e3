"""Auditing: trace export, replay of a recorded trace on the current rule base, and
coverage of a corpus of situations.

A trace file (JSON Lines, mode 0600) holds:

    {"kind": "header", "format": "credit-advisor-trace", "format_version": 1,
     "ruleset_version": …, "input_sha256": …, "input": <the Situation>, "time": …, "language": …}
    {"kind": "firing", "seq": 1, "rule": …, "salience": …, "matched": […], "declared": […]}   one per firing
    {"kind": "advice", "advice": <the Advice without its trace>}

`input_sha256` is the SHA-256 of the input's canonical JSON (keys sorted, no spaces,
UTF-8), so replay can tell an edited input from the recorded one.

The recorded input carries the `as_of` the advice was computed for (filled in when the
Situation had none), so a replay reasons about the recorded day, not the day it runs.
A trace written before `as_of` existed has none in its input: it replays for today.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from advisor.models import Advice
from advisor.texts.audit_text import audit_text
from advisor.texts.catalog import catalog
from credit_advisor.facts.enums import ACTION_CODES, EFFECT_CODES, STRENGTH, Topic
from credit_advisor.facts.situation import Situation, dated

TRACE_FORMAT = "credit-advisor-trace"
TRACE_FORMAT_VERSION = 1
MAX_TRACE_BYTES = 50_000_000


class TraceError(ValueError):
    """The trace file cannot be replayed; the message says where and why."""


# --- export ---------------------------------------------------------------------------------


def canonical_input(situation: Situation) -> dict:
    return situation.model_dump(mode="json")


def input_sha256(data: Any) -> str:
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def trace_records(situation: Situation, advice: Advice, time: str | None = None) -> list[dict]:
    # The input is recorded with the day the advice was for, so a replay on any later
    # day reasons about the same day (an undated input would be dated "today" again).
    data = canonical_input(dated(situation, advice.as_of))
    records: list[dict] = [
        {
            "kind": "header",
            "format": TRACE_FORMAT,
            "format_version": TRACE_FORMAT_VERSION,
            "ruleset_version": advice.ruleset_version,
            "input_sha256": input_sha256(data),
            "input": data,
            "time": time or utc_now(),
            "language": advice.language,
            "firings": len(advice.trace),
        }
    ]
    records += [{"kind": "firing", **entry.model_dump(mode="json")} for entry in advice.trace]
    records.append({"kind": "advice", "advice": advice.model_dump(mode="json", exclude={"trace"})})
    return records


def trace_text(situation: Situation, advice: Advice, time: str | None = None) -> str:
    lines = [
        json.dumps(r, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
        for r in trace_records(situation, advice, time)
    ]
    return "\n".join(lines) + "\n"


def write_trace(
    path: str | Path, situation: Situation, advice: Advice, time: str | None = None, *, inputs: tuple[str, ...] = ()
) -> Path:
    """Write the trace of one consultation to `path` (mode 0600, atomically, never over
    one of `inputs`: the situation file it was made from)."""
    from advisor.service.private_files import write_private_text

    return write_private_text(path, trace_text(situation, advice, time), inputs=inputs)


# --- reading --------------------------------------------------------------------------------


@dataclass
class Trace:
    header: dict
    firings: list[dict]
    advice: dict | None
    path: str = ""


def _problem_text(problems: list[tuple[str, str]]) -> str:
    return "; ".join(f"{name}: {message}" if name else message for name, message in problems)


def parse_trace(content: str, path: str = "", lang: str = "en") -> Trace:
    """A trace's lines, each read by the bounded JSON reader and checked against the
    trace models (advisor.analysis.trace_file); TraceError names the line and field."""
    from advisor.analysis import trace_file
    from advisor.texts.sanitise import shown
    from advisor.validation import SituationError, json_from_text

    path = shown(path)
    header = None
    firings: list[dict] = []
    advice = None
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json_from_text(line, lang, limit=MAX_TRACE_BYTES)
        except SituationError as error:
            raise TraceError(f"{path}:{number}: not JSON ({_problem_text(error.problems)})") from None
        if not isinstance(record, dict) or "kind" not in record:
            raise TraceError(f'{path}:{number}: every line must be a JSON object with a "kind"')
        kind = record["kind"]
        if header is None:
            if kind != "header":
                raise TraceError(f'{path}:{number}: the first line must be the header (kind "header")')
            if record.get("format") != TRACE_FORMAT or record.get("format_version") != TRACE_FORMAT_VERSION:
                raise TraceError(
                    f"{path}:{number}: not a {TRACE_FORMAT} version {TRACE_FORMAT_VERSION} file "
                    f"(format {shown(record.get('format'), 40)}, version {shown(record.get('format_version'), 40)})"
                )
            for key in ("ruleset_version", "input_sha256", "input", "language"):
                if key not in record:
                    raise TraceError(f"{path}:{number}: the header lacks {key!r}")
            model: type = trace_file.Header
        elif kind == "firing":
            model = trace_file.Firing
        elif kind == "advice":
            model = trace_file.AdviceLine
        elif kind == "header":
            raise TraceError(f"{path}:{number}: a second header")
        else:
            raise TraceError(f"{path}:{number}: unknown kind {shown(kind, 40)} (header, firing or advice)")
        problems = trace_file.problems(model, record, lang)
        if kind == "firing" and not problems:
            problems = trace_file.declared_problems(record, lang)
        if problems:
            raise TraceError(f"{path}:{number}: {_problem_text(problems)}")
        if kind == "header":
            header = record
        elif kind == "firing":
            firings.append(record)
        else:
            advice = record["advice"]
    if header is None:
        raise TraceError(f"{path}: empty trace (no header line)")
    return Trace(header=header, firings=firings, advice=advice, path=path)


def read_trace(path: str | Path, lang: str = "en") -> Trace:
    """A trace file: a regular file (no FIFO, no device), at most MAX_TRACE_BYTES, UTF-8."""
    from advisor.service.private_files import describe, read_untrusted
    from advisor.texts.sanitise import shown

    try:
        raw = read_untrusted(path, MAX_TRACE_BYTES)
    except OSError as exc:
        raise TraceError(describe(exc, lang)) from None
    if len(raw) > MAX_TRACE_BYTES:
        raise TraceError(f"{shown(str(path))}: larger than {MAX_TRACE_BYTES} bytes")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TraceError(f"{shown(str(path))}: not UTF-8 (byte {exc.start})") from None
    return parse_trace(content, str(path), lang)


# --- conclusions and firings, compared --------------------------------------------------------


def conclusions(advice: dict) -> dict:
    """What an Advice (as JSON) concludes: effects, headlines, actions, timeline."""
    effects = {}
    headlines = {}
    for topic, block in advice.get("topics", {}).items():
        for position, effect in enumerate(block.get("effects", [])):
            effects[f"{topic}.{effect['code']}"] = {
                "likelihood": effect.get("likelihood"),
                "debts": effect.get("debts", []),
                "rules": effect.get("rules", []),
            }
            if position == 0:
                headlines[topic] = f"{effect['code']}:{effect.get('likelihood')}"
    actions = {
        a["code"]: {"priority": a.get("priority"), "debts": a.get("debts", []), "rules": a.get("rules", [])}
        for a in advice.get("actions", [])
    }
    timeline = {str(t.get("debt")): {k: v for k, v in t.items() if k != "summary"} for t in advice.get("timeline", [])}
    return {"effects": effects, "headlines": headlines, "actions": actions, "timeline": timeline}


def conclusions_from_firings(firings: list[dict]) -> dict:
    """Effects and actions from the declared facts alone (traces without an advice line)."""
    from advisor.engine.consult import declared_facts

    effects: dict[str, dict] = {}
    actions: dict[str, dict] = {}
    for entry in firings:
        for kind, values in declared_facts(entry):
            if kind == "Effect":
                key = f"{values['topic']}.{values['code']}"
                slot = effects.setdefault(key, {"likelihood": values["likelihood"], "debts": [], "rules": []})
                if STRENGTH[values["likelihood"]] > STRENGTH[slot["likelihood"]]:
                    slot["likelihood"] = values["likelihood"]
                if values.get("debt", -1) >= 0 and values["debt"] not in slot["debts"]:
                    slot["debts"].append(values["debt"])
                if entry["rule"] not in slot["rules"]:
                    slot["rules"].append(entry["rule"])
            elif kind == "Action":
                slot = actions.setdefault(values["code"], {"priority": None, "debts": [], "rules": []})
                if values.get("debt", -1) >= 0 and values["debt"] not in slot["debts"]:
                    slot["debts"].append(values["debt"])
                if entry["rule"] not in slot["rules"]:
                    slot["rules"].append(entry["rule"])
    for slot in list(effects.values()) + list(actions.values()):
        slot["debts"].sort()
    return {"effects": effects, "headlines": {}, "actions": actions, "timeline": {}}


def _canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def firing_signature(entry: dict, with_salience: bool = True) -> str:
    """A firing by content (rule, salience, matched and declared facts), not by fact id."""
    from advisor.engine.consult import declared_facts

    matched = sorted(_canonical([m["fact"].split(" ")[0], m.get("values", {})]) for m in entry.get("matched", []))
    declared = sorted(_canonical([kind, values]) for kind, values in declared_facts(entry))
    parts = [entry.get("rule"), entry.get("salience") if with_salience else None, matched, declared]
    return _canonical(parts)


def _firing_subject(entry: dict) -> list[int]:
    debts = set()
    for m in entry.get("matched", []):
        debt = m.get("values", {}).get("debt")
        if isinstance(debt, int) and debt >= 0:
            debts.add(debt)
    return sorted(debts)


def _declared_summary(entry: dict) -> list[str]:
    from advisor.engine.consult import declared_facts

    out = []
    for kind, values in declared_facts(entry):
        debt = values.get("debt", -1)
        who = f" debt {debt}" if isinstance(debt, int) and debt >= 0 else ""
        if kind == "Effect":
            out.append(f"{values['topic']}.{values['code']}={values['likelihood']}{who}")
        elif kind == "Action":
            out.append(f"action.{values['code']} rank {values['rank']}{who}")
        elif kind == "OnReport":
            out.append(f"finding.on_report={values['likelihood']}{who}")
        elif kind in ("RecordStatus", "RepairStatus"):
            finding = "record_status" if kind == "RecordStatus" else "repair_status"
            out.append(f"finding.{finding}={values['status']}{who}")
        else:
            out.append(kind)
    return out


def _matched_key(entry: dict) -> list[str]:
    return sorted(_canonical([m["fact"].split(" ")[0], m.get("values", {})]) for m in entry.get("matched", []))


def _matched_changes(before: dict, after: dict) -> list[str]:
    """Slot changes between the facts two firings matched, paired by class and debt."""

    def index(entry):
        out = {}
        for m in entry.get("matched", []):
            values = m.get("values", {})
            out.setdefault((m["fact"].split(" ")[0], values.get("debt")), values)
        return out

    old, new = index(before), index(after)
    changes = []
    for key in sorted(set(old) | set(new), key=str):
        a, b = old.get(key), new.get(key)
        name = key[0]
        if a is None or b is None:
            changes.append(f"{name}: {'—' if a is None else 'matched'} → {'—' if b is None else 'matched'}")
            continue
        for slot in sorted(set(a) | set(b)):
            if slot != "rule" and a.get(slot) != b.get(slot):
                changes.append(f"{name}.{slot}: {a.get(slot)} → {b.get(slot)}")
    return changes


def firing_changes(old: list[dict], new: list[dict]) -> dict:
    """Per rule: firings that disappeared, appeared, or changed salience or conclusions."""
    old_sigs = Counter(firing_signature(e) for e in old)
    new_sigs = Counter(firing_signature(e) for e in new)
    removed = old_sigs - new_sigs
    added = new_sigs - old_sigs
    by_sig_old = {firing_signature(e): e for e in old}
    by_sig_new = {firing_signature(e): e for e in new}
    per_rule: dict[str, dict] = {}

    def slot(rule: str) -> dict:
        return per_rule.setdefault(rule, {"rule": rule, "removed": [], "added": [], "changed": []})

    removed_entries = [by_sig_old[s] for s, n in sorted(removed.items()) for _ in range(n)]
    added_entries = [by_sig_new[s] for s, n in sorted(added.items()) for _ in range(n)]
    # Pair a removed and an added firing of the same rule: first on the same facts (a
    # salience or conclusion change), then on the same debts (the facts it matched changed).
    tests = (
        lambda a, b: firing_signature(a, with_salience=False) == firing_signature(b, with_salience=False),
        lambda a, b: _matched_key(a) == _matched_key(b),
        lambda a, b: _firing_subject(a) == _firing_subject(b),
    )
    unpaired_removed = list(removed_entries)
    unpaired_added = list(added_entries)
    for same in tests:
        for entry in list(unpaired_removed):
            partner = next((c for c in unpaired_added if c["rule"] == entry["rule"] and same(entry, c)), None)
            if partner is None:
                continue
            unpaired_removed.remove(entry)
            unpaired_added.remove(partner)
            slot(entry["rule"])["changed"].append(
                {
                    "debts": _firing_subject(entry),
                    "salience": [entry.get("salience"), partner.get("salience")],
                    "matched": _matched_changes(entry, partner),
                    "declared": [_declared_summary(entry), _declared_summary(partner)],
                }
            )
    for entry in unpaired_removed:
        slot(entry["rule"])["removed"].append({"debts": _firing_subject(entry), "declared": _declared_summary(entry)})
    for entry in unpaired_added:
        slot(entry["rule"])["added"].append({"debts": _firing_subject(entry), "declared": _declared_summary(entry)})
    order_changed = (
        not removed and not added and [firing_signature(e) for e in old] != [firing_signature(e) for e in new]
    )
    return {"rules": [per_rule[r] for r in sorted(per_rule)], "order_changed": order_changed}


def _diff_effects(old: dict, new: dict) -> list[dict]:
    out = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if before is None:
            change = "appeared"
        elif after is None:
            change = "disappeared"
        elif before["likelihood"] != after["likelihood"]:
            change = "likelihood"
        elif before["debts"] != after["debts"]:
            change = "debts"
        else:
            change = "rules"
        out.append(
            {
                "conclusion": key,
                "change": change,
                "before": _side(before, "likelihood"),
                "after": _side(after, "likelihood"),
                **_both_sides(before, after, "debts", "rules"),
            }
        )
    return out


def _side(record: dict | None, field: str):
    return None if record is None else record[field]


def _both_sides(before: dict | None, after: dict | None, *fields: str) -> dict:
    """`<field>_before` and `<field>_after` for each field (None where a side is missing)."""
    return {
        f"{field}_{side}": _side(record, field)
        for field in fields
        for side, record in (("before", before), ("after", after))
    }


def _diff_actions(old: dict, new: dict) -> list[dict]:
    out = []
    for code in sorted(set(old) | set(new), key=lambda c: ACTION_CODES.index(c) if c in ACTION_CODES else 999):
        before, after = old.get(code), new.get(code)
        if before == after:
            continue
        if before is None:
            change = "added"
        elif after is None:
            change = "removed"
        elif before["priority"] != after["priority"] and before["priority"] is not None:
            change = "priority"
        elif before["debts"] != after["debts"]:
            change = "debts"
        else:
            change = "rules"
        # A trace without an advice line has no priorities: compare debts and rules only.
        if (
            change == "rules"
            and before is not None
            and after is not None
            and before.get("priority") is None
            and set(before["rules"]) == set(after["rules"])
        ):
            continue
        out.append({"action": code, "change": change, **_both_sides(before, after, "priority", "debts", "rules")})
    return out


def _text_changes(old: dict, new: dict) -> list[dict]:
    """Every text of the advice that differs (labels, explanations, summaries, actions…)."""
    out = []

    def walk(a, b, where: str) -> None:
        if isinstance(a, str) or isinstance(b, str):
            if isinstance(a, str) and isinstance(b, str) and a != b:
                out.append({"where": where, "before": a, "after": b})
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in a:
                if key in b and key not in ("ruleset_version", "rules", "code", "likelihood", "sources", "conflicts"):
                    walk(a[key], b[key], f"{where}.{key}" if where else key)
        elif isinstance(a, list) and isinstance(b, list):
            keyed_a = {_key(x, i): x for i, x in enumerate(a)}
            keyed_b = {_key(x, i): x for i, x in enumerate(b)}
            for key, value in keyed_a.items():
                if key in keyed_b:
                    walk(value, keyed_b[key], f"{where}[{key}]")

    walk(old, new, "")
    return out


def _key(item, index: int) -> str:
    if isinstance(item, dict):
        for name in ("code", "debt", "document"):
            if name in item:
                return str(item[name])
    return str(index)


def _accounting(changed: list[dict], key_name: str, firings: dict, declared_key) -> None:
    """Fill `rules` of each changed conclusion: the rules with differing firings that
    declared it or fed it (were listed as its rules before or after)."""
    differing = {r["rule"]: r for r in firings["rules"]}
    for change in changed:
        listed = set(change.get("rules_before") or []) | set(change.get("rules_after") or [])
        direct = set()
        for rule, detail in differing.items():
            summaries = [d for item in detail["removed"] + detail["added"] for d in item["declared"]]
            summaries += [d for item in detail["changed"] for pair in item["declared"] for d in pair]
            if any(declared_key(change[key_name], s) for s in summaries):
                direct.add(rule)
        change["accounted_by"] = sorted(direct | (listed & set(differing)))


@dataclass
class ReplayReport:
    path: str
    recorded_ruleset_version: str
    current_ruleset_version: str
    recorded_time: str
    language: str
    input_intact: bool
    as_of: str = ""  # the day replayed for: the recorded one (today for traces older than as_of)
    effects: list[dict] = field(default_factory=list)
    headlines: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    timeline: list[dict] = field(default_factory=list)
    firings: dict = field(default_factory=lambda: {"rules": [], "order_changed": False})
    texts: list[dict] = field(default_factory=list)
    recorded_advice: bool = True

    @property
    def ruleset_changed(self) -> bool:
        return self.recorded_ruleset_version != self.current_ruleset_version

    @property
    def outcome_identical(self) -> bool:
        return not (
            self.effects
            or self.headlines
            or self.actions
            or self.timeline
            or self.texts
            or self.firings["rules"]
            or self.firings["order_changed"]
        )

    @property
    def identical(self) -> bool:
        return self.outcome_identical and not self.ruleset_changed and self.input_intact

    @property
    def verdict(self) -> str:
        return "identical" if self.identical else "changed"

    def as_dict(self) -> dict:
        return {
            "trace": self.path,
            "verdict": self.verdict,
            "identical": self.identical,
            "outcome_identical": self.outcome_identical,
            "ruleset_changed": self.ruleset_changed,
            "recorded_ruleset_version": self.recorded_ruleset_version,
            "current_ruleset_version": self.current_ruleset_version,
            "recorded_time": self.recorded_time,
            "language": self.language,
            "input_intact": self.input_intact,
            "as_of": self.as_of,
            "recorded_advice": self.recorded_advice,
            "effects": self.effects,
            "headlines": self.headlines,
            "actions": self.actions,
            "timeline": self.timeline,
            "firings": self.firings,
            "texts": self.texts,
        }


def replay(trace: Trace, lang: str | None = None) -> ReplayReport:
    """Re-run the recorded input on the current rule base and compare."""
    from advisor.api import advise
    from advisor.validation import SituationError, situation_from_data

    header = trace.header
    language = lang or header.get("language") or "zh"
    data = header["input"]  # dated since traces record as_of; an older one replays for today
    intact = input_sha256(data) == header["input_sha256"]
    try:
        situation = situation_from_data(data, language)
    except SituationError as error:
        raise TraceError(f"{trace.path}: the recorded input is no longer a valid Situation: {error}") from None
    advice = advise(situation, lang=language)
    new_json = advice.model_dump(mode="json", exclude={"trace"})
    new_firings = [entry.model_dump(mode="json") for entry in advice.trace]

    same_language = language == header.get("language")
    if trace.advice is not None:
        old = conclusions(trace.advice)
    else:
        old = conclusions_from_firings(trace.firings)
    new = conclusions(new_json) if trace.advice is not None else conclusions_from_firings(new_firings)

    report = ReplayReport(
        path=trace.path,
        recorded_ruleset_version=str(header["ruleset_version"]),
        current_ruleset_version=advice.ruleset_version,
        recorded_time=str(header.get("time", "")),
        language=language,
        input_intact=intact,
        as_of=advice.as_of.isoformat(),
        recorded_advice=trace.advice is not None,
    )
    report.firings = firing_changes(trace.firings, new_firings)
    report.effects = _diff_effects(old["effects"], new["effects"])
    report.actions = _diff_actions(old["actions"], new["actions"])
    report.headlines = [
        {"topic": t, "before": old["headlines"].get(t), "after": new["headlines"].get(t)}
        for t in sorted(set(old["headlines"]) | set(new["headlines"]))
        if old["headlines"] and old["headlines"].get(t) != new["headlines"].get(t)
    ]
    if old["timeline"]:
        report.timeline = [
            {"debt": int(k), "before": old["timeline"].get(k), "after": new["timeline"].get(k)}
            for k in sorted(set(old["timeline"]) | set(new["timeline"]), key=int)
            if old["timeline"].get(k) != new["timeline"].get(k)
        ]
    if trace.advice is not None and same_language:
        report.texts = _text_changes(trace.advice, new_json)

    _accounting(report.effects, "conclusion", report.firings, lambda key, s: s.startswith(f"{key}="))
    _accounting(report.actions, "action", report.firings, lambda key, s: s.startswith(f"action.{key} "))
    return report


# --- coverage -------------------------------------------------------------------------------


@dataclass
class CorpusItem:
    name: str
    data: Any = None
    error: str | None = None


def _corpus_item(name: str, raw: bytes | None, lang: str) -> CorpusItem:
    """One situation of a corpus, read like `advise` reads one (the bounded JSON reader:
    size, depth, digits, duplicate keys); its problems become the item's error."""
    from advisor.validation import MAX_INPUT_BYTES, SituationError, json_from_text

    if raw is None:
        return CorpusItem(name, error=catalog(lang).ui("err_too_large", limit=MAX_INPUT_BYTES))
    try:
        return CorpusItem(name, json_from_text(raw, lang))
    except SituationError as error:
        return CorpusItem(name, error=_problem_text(error.problems))


def load_corpus(path: str | Path, lang: str = "en") -> Iterator[CorpusItem]:
    """A folder of *.json files (searched recursively, sorted) or a JSONL file, one item
    at a time (a corpus of any size is streamed).  A file that cannot be read (a FIFO, a
    device, a folder named *.json, too large, not JSON, a key given twice) is an item
    with an error, and the rest still counts; only an unusable PATH raises TraceError."""
    from advisor.service.batch import read_lines
    from advisor.service.private_files import describe, open_untrusted, read_untrusted
    from advisor.texts.sanitise import shown
    from advisor.validation import MAX_INPUT_BYTES

    if str(path) == "":
        raise TraceError(catalog(lang).text("files", "empty_path"))
    root = Path(path)
    if root.is_dir():
        for file in sorted(root.rglob("*.json")):
            name = str(file.relative_to(root))
            try:
                raw = read_untrusted(file, MAX_INPUT_BYTES)
            except OSError as exc:
                yield CorpusItem(name, error=describe(exc, lang))
                continue
            yield _corpus_item(name, raw if len(raw) <= MAX_INPUT_BYTES else None, lang)
        return
    try:
        stream = open_untrusted(root)
    except OSError as exc:
        raise TraceError(describe(exc, lang)) from None
    with stream:
        if root.suffix == ".json":
            raw = stream.read(MAX_INPUT_BYTES + 1)
            yield _corpus_item(root.name, raw if len(raw) <= MAX_INPUT_BYTES else None, lang)
            return
        try:
            for number, line, _ in read_lines(stream):
                if line is not None and not line.strip():
                    continue
                yield _corpus_item(f"{root.name}:{number}", line, lang)
        except OSError as exc:
            raise TraceError(f"{shown(str(path))}: {exc.strerror or exc}") from None


@dataclass
class CoverageReport:
    situations: int
    invalid: list[dict]
    rules: list[dict]  # {rule, topic, firings, situations, examples}
    effects_never: list[str]
    actions_never: list[str]
    ruleset_version: str

    @property
    def never_fired(self) -> list[str]:
        return [r["rule"] for r in self.rules if r["firings"] == 0]

    @property
    def rule_coverage(self) -> float:
        return 100.0 * (len(self.rules) - len(self.never_fired)) / len(self.rules) if self.rules else 100.0

    def as_dict(self) -> dict:
        return {
            "ruleset_version": self.ruleset_version,
            "situations": self.situations,
            "invalid": self.invalid,
            "rules_total": len(self.rules),
            "rules_fired": len(self.rules) - len(self.never_fired),
            "rule_coverage_percent": round(self.rule_coverage, 2),
            "never_fired": self.never_fired,
            "effects_never_produced": self.effects_never,
            "actions_never_produced": self.actions_never,
            "rules": self.rules,
        }


def coverage(path: str | Path, lang: str = "zh", max_examples: int = 3) -> CoverageReport:
    from advisor.api import advise, rules_by_id, ruleset_version
    from advisor.validation import SituationError, situation_from_data

    items = load_corpus(path, lang)
    registry = rules_by_id()
    stats: dict[str, dict[str, Any]] = {
        rule: {"rule": rule, "topic": meta.topic, "firings": 0, "situations": 0, "examples": []}
        for rule, meta in registry.items()
    }
    effects_seen: set[str] = set()
    actions_seen: set[str] = set()
    invalid = []
    valid = 0
    for item in items:
        if item.error is not None:
            invalid.append({"situation": item.name, "problems": [item.error]})
            continue
        try:
            situation = situation_from_data(item.data, lang)
        except SituationError as error:
            invalid.append({"situation": item.name, "problems": [f"{n}: {m}" for n, m in error.problems]})
            continue
        valid += 1
        advice = advise(situation, lang=lang)
        counts = Counter(entry.rule for entry in advice.trace)
        for rule, n in counts.items():
            slot = stats.setdefault(
                rule, {"rule": rule, "topic": rule.split(".")[0], "firings": 0, "situations": 0, "examples": []}
            )
            slot["firings"] += n
            slot["situations"] += 1
            if len(slot["examples"]) < max_examples:
                slot["examples"].append(item.name)
        for topic, block in advice.topics.items():
            effects_seen.update(f"{topic}.{e.code}" for e in block.effects)
        actions_seen.update(a.code for a in advice.actions)
    contract_effects = [f"{t.value}.{c}" for t in Topic for c in EFFECT_CODES[t]]
    return CoverageReport(
        situations=valid,
        invalid=invalid,
        rules=[stats[r] for r in sorted(stats)],
        effects_never=[e for e in contract_effects if e not in effects_seen],
        actions_never=[a for a in ACTION_CODES if a not in actions_seen],
        ruleset_version=ruleset_version(),
    )


# --- text views -----------------------------------------------------------------------------


def _visible(report):
    """A copy of a report with every recorded string made visible (advisor.texts.sanitise):
    a trace or a corpus is untrusted, and its texts, codes, rule names and file names
    must not drive the terminal."""
    import dataclasses

    from advisor.texts.sanitise import visible_tree

    return dataclasses.replace(
        report, **{f.name: visible_tree(getattr(report, f.name)) for f in dataclasses.fields(report)}
    )


def render_replay(report: ReplayReport, console) -> None:
    from rich.text import Text

    report = _visible(report)
    text = catalog(report.language)
    t = lambda key, **v: audit_text(text, key, **v)
    console.print(Text(t("replay.title", path=report.path, time=report.recorded_time), style="bold"))
    console.print(Text("= " + t("replay.as_of", day=report.as_of)))
    if not report.input_intact:
        console.print(Text("!! " + t("replay.input_altered"), style="bold red"))
    if report.ruleset_changed:
        console.print(
            Text(
                "! "
                + t(
                    "replay.ruleset_changed",
                    before=report.recorded_ruleset_version,
                    after=report.current_ruleset_version,
                ),
                style="yellow",
            )
        )
    else:
        console.print(Text("= " + t("replay.ruleset_same", version=report.current_ruleset_version), style="green"))
    if report.identical:
        console.print(Text("✓ " + t("replay.identical"), style="bold green"))
        return
    if report.outcome_identical:
        console.print(Text("= " + t("replay.outcome_identical"), style="green"))
        console.print(Text("! " + t("replay.verdict_changed"), style="bold yellow"))
        return
    console.print(Text("! " + t("replay.verdict_changed"), style="bold yellow"))
    for change in report.headlines:
        console.print(
            Text(
                f"  ~ {t('replay.headline', topic=change['topic'], before=change['before'], after=change['after'])}",
                style="yellow",
            )
        )
    changes = [
        (f"replay.effect_{c['change']}", c, {"conclusion": c["conclusion"], "before": c["before"], "after": c["after"]})
        for c in report.effects
    ] + [
        (
            f"replay.action_{c['change']}",
            c,
            {"action": c["action"], "before": c["priority_before"], "after": c["priority_after"]},
        )
        for c in report.actions
    ]
    for key, change, values in changes:
        line = t(key, **values, debts_before=change["debts_before"], debts_after=change["debts_after"])
        rules = ", ".join(change["accounted_by"]) or t("replay.no_rule")
        console.print(Text(f"  ~ {line} — {t('replay.because', rules=rules)}", style="yellow"))
    for change in report.timeline:
        console.print(Text(f"  ~ {t('replay.timeline', debt=change['debt'])}", style="yellow"))
    if report.firings["rules"]:
        console.print(Text(t("replay.firings_title"), style="bold"))
    for rule in report.firings["rules"]:
        console.print(Text(f"  {rule['rule']}", style="bold"))
        for item in rule["removed"]:
            line = t("replay.firing_removed", debts=item["debts"], declared=_declared_words(item["declared"], t))
            console.print(Text(f"    − {line}", style="red"))
        for item in rule["added"]:
            line = t("replay.firing_added", debts=item["debts"], declared=_declared_words(item["declared"], t))
            console.print(Text(f"    + {line}", style="green"))
        for item in rule["changed"]:
            parts = []
            if item["salience"][0] != item["salience"][1]:
                parts.append(t("replay.salience", before=item["salience"][0], after=item["salience"][1]))
            if item["matched"]:
                parts.append(t("replay.matched", changes="; ".join(item["matched"])))
            if item["declared"][0] != item["declared"][1]:
                parts.append(
                    t(
                        "replay.declared",
                        before=_declared_words(item["declared"][0], t),
                        after=_declared_words(item["declared"][1], t),
                    )
                )
            line = t("replay.firing_changed", debts=item["debts"], changes=" · ".join(parts))
            console.print(Text(f"    ~ {line}", style="yellow"))
    if report.firings["order_changed"]:
        console.print(Text(f"  ~ {t('replay.order_changed')}", style="yellow"))
    if report.texts:
        console.print(Text(t("replay.texts_title", n=len(report.texts)), style="bold"))
        for change in report.texts[:50]:
            console.print(Text(f"  ~ {change['where']}", style="yellow"))
            console.print(Text(f"    − {change['before']}", style="red"))
            console.print(Text(f"    + {change['after']}", style="green"))


def _declared_words(declared: list[str], t) -> str:
    return "; ".join(declared) if declared else t("replay.nothing_new")


def render_coverage(report: CoverageReport, console, lang: str) -> None:
    from rich.table import Table
    from rich.text import Text

    report = _visible(report)
    text = catalog(lang)
    t = lambda key, **v: audit_text(text, key, **v)
    table = Table(title=t("coverage.title", n=report.situations, version=report.ruleset_version))
    table.add_column(t("coverage.col_rule"))
    table.add_column(t("coverage.col_firings"), justify="right")
    table.add_column(t("coverage.col_situations"), justify="right")
    table.add_column(t("coverage.col_examples"))
    for rule in report.rules:
        style = "" if rule["firings"] else "red"
        mark = "" if rule["firings"] else "✗ "
        table.add_row(
            Text(mark + rule["rule"], style=style),
            str(rule["firings"]),
            str(rule["situations"]),
            Text(", ".join(Path(name).stem for name in rule["examples"][:2])),
        )
    console.print(table)
    fired = len(report.rules) - len(report.never_fired)
    console.print(
        Text(
            t("coverage.summary", fired=fired, total=len(report.rules), percent=f"{report.rule_coverage:.1f}"),
            style="bold",
        )
    )
    if report.never_fired:
        console.print(Text("✗ " + t("coverage.never_fired", rules=", ".join(report.never_fired)), style="red"))
    else:
        console.print(Text("✓ " + t("coverage.all_fired"), style="green"))
    if report.effects_never:
        console.print(Text("✗ " + t("coverage.effects_never", codes=", ".join(report.effects_never)), style="red"))
    else:
        console.print(Text("✓ " + t("coverage.all_effects"), style="green"))
    if report.actions_never:
        console.print(Text("✗ " + t("coverage.actions_never", codes=", ".join(report.actions_never)), style="red"))
    else:
        console.print(Text("✓ " + t("coverage.all_actions"), style="green"))
    for item in report.invalid:
        console.print(
            Text(f"! {t('coverage.invalid', name=item['situation'])} " + "; ".join(item["problems"]), style="yellow")
        )
