"""The overview (contract version 2): 3 to 6 items a person reads first — what to do
first, what is at risk, what is safe — taken from the Advice's own conclusions, never
concluded anew.  The details below it say the same things at length."""

from __future__ import annotations

from typing import Any

from advisor.texts.catalog import Catalog
from credit_advisor.facts.enums import HARMLESS_CODES, Likelihood, Topic

MAX_ITEMS = 6
MAX_ACTS = 2
MAX_RISKS = 2
# A risk is worth the overview from this likelihood up; weaker ones stay in the details.
RISK_FROM = Likelihood.likely


def overview_items(topics: dict[str, dict[str, Any]], actions: list[dict[str, Any]], text: Catalog) -> list[dict]:
    """The overview of built (plain-data) topics and actions, most important first."""
    acts = [
        {"kind": "act", "ref": action["code"], "text": text.lookup("interview", "action_names", action["code"])}
        for action in actions[:MAX_ACTS]
    ]
    risks = []
    calm = []
    for topic in Topic:
        block = topics[topic.value]
        top = block["effects"][0]
        ref = f"{topic.value}.{top['code']}"
        if top["code"] in HARMLESS_CODES[topic]:
            if top["likelihood"].at_least(Likelihood.likely):
                calm.append({"kind": "calm", "ref": ref, "text": block["summary"]})
        elif top["likelihood"].at_least(RISK_FROM):
            risks.append((-top["likelihood"].strength, {"kind": "risk", "ref": ref, "text": block["summary"]}))
    risks.sort(key=lambda item: item[0])  # stable: topics keep their declared order
    items = acts + [risk for _, risk in risks[:MAX_RISKS]]
    items += calm[: max(0, MAX_ITEMS - len(items))]
    return items[:MAX_ITEMS]
