"""Draft a pinned case: print a `[[case]]` block for tests/cases/ from a situation.

    python tests/draft_case.py SITUATION.json --pins RULE[,RULE] [--near-miss-of RULE[,RULE]]

The block holds what the advisor concludes today: read every line against the knowledge
and the sources before pasting it, and write the name (the sentence the case proves) in
place of the placeholder, which the naming test refuses.  A draft is a starting point for
a reviewed case, never a snapshot to accept unread.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pinned import conclusion_text, declarations  # after the path above: run as a script too


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_value(item)}" for key, item in value.items() if item is not None) + " }"
    return repr(value)


def draft(situation: dict, pins: list[str], near_miss_of: list[str]) -> str:
    from advisor import advise
    from advisor.api import rules_by_id

    advice = advise(situation, lang="en")
    registry = rules_by_id()
    about = [item for rule in pins + near_miss_of for item in registry[rule].concludes]
    topics = list(
        dict.fromkeys(item.split(".", 1)[0] for item in about if not item.startswith(("action.", "finding.")))
    )
    lines = ["[[case]]", 'name = "FILL IN"']
    if near_miss_of:
        lines.append(f"near_miss_of = {_value(near_miss_of)}")
    lines += ["trace = [", *(f"    {_value(rule)}," for rule in sorted({e.rule for e in advice.trace})), "]"]
    if any(item.startswith("action.") for item in about):
        lines.append(f"actions = {_value([a.code for a in sorted(advice.actions, key=lambda a: a.priority)])}")
    lines += ["", "[case.situation]"]
    for key, value in situation.items():
        if key == "debts" and len(value) > 1:
            lines += ["debts = [", *(f"    {_value(debt)}," for debt in value), "]"]
        elif value is not None:
            lines.append(f"{key} = {_value(value)}")
    said: dict[str, list[str]] = {}
    for rule, kind, slots in declarations(advice):
        said.setdefault(rule, []).append(conclusion_text(kind, slots))
    if pins:
        lines += ["", "[case.concludes]"]
        lines += [f"{_value(rule)} = {_value(sorted(said.get(rule, [])))}" for rule in pins]
    if topics:
        lines += ["", "[case.effects]"]
        lines += [
            f"{_value(f'{topic}.{item.code}')} = {_value(item.likelihood.value)}"
            for topic in topics
            for item in advice.topics[topic].effects
        ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("situation", type=Path, help="a situation as JSON (with its as_of)")
    parser.add_argument("--pins", default="", help="rules whose conclusions the case pins, comma-separated")
    parser.add_argument("--near-miss-of", default="", help="rules the case is the near miss of, comma-separated")
    args = parser.parse_args()
    situation = json.loads(args.situation.read_text(encoding="utf-8"))
    pins = [rule for rule in args.pins.split(",") if rule]
    missed = [rule for rule in args.near_miss_of.split(",") if rule]
    print(draft(situation, pins, missed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
