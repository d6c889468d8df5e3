"""`credit-advisor rules` as text: one block per rule, readable at 80 columns and less.

The id stands on its own line and is never cut (it folds at the terminal's edge); below
it, indented, the topic, knowledge items and conclusions, the rule's explanation in the
reader's language, and its sources.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.text import Text

from advisor.texts.catalog import Catalog


def _document(name: str) -> str:
    # "003_d99dc14840eb8d50.txt" -> "003"; the JSON listing keeps the full file name.
    return name.split("_", 1)[0] if name[:3].isdigit() else name.rsplit(".", 1)[0]


def rule_block(rule: dict, text: Catalog) -> Group:
    words = text.lookup("cli", "rules")
    join = words["list_join"]
    head = Text(rule["id"], style="bold", overflow="fold")
    topic = text.lookup("topics", rule["topic"], default=None) or words["topics"][rule["topic"]]
    facts = Text(topic, style="cyan")
    if rule["knowledge"]:
        facts.append(" · " + words["knowledge"] + join.join(rule["knowledge"]), style="dim")
    if rule["concludes"]:
        facts.append(" · " + words["concludes"] + join.join(rule["concludes"]), style="dim")
    sources = Text(words["sources"], style="dim")
    sources.append(
        words["source_join"].join(f"{_document(s['document'])} «{s['locator']}»" for s in rule["sources"]),
        style="dim",
    )
    body = [facts, Text(rule["explanation"])]
    if rule["sources"]:
        body.append(sources)
    return Group(head, Padding(Group(*body), (0, 0, 0, 2), expand=False))


def render_rules(rules: list[dict], version: str, text: Catalog, console: Console) -> None:
    console.print(Text(text.lookup("cli", "rules", "title").format(count=len(rules), version=version), style="bold"))
    for rule in rules:
        console.print()
        console.print(rule_block(rule, text))
