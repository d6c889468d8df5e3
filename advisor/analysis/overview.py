"""The overview (contract version 2): 3 to 6 items a person reads first — what to do
first (naming the debt it is about), what is at risk, what is safe — taken from the
Advice's own conclusions, never concluded anew.  The details below it say the same
things at length."""

from __future__ import annotations

from typing import Any

from advisor.texts.catalog import Catalog
from credit_advisor.facts.enums import HARMLESS_CODES, Likelihood, Topic

KINDS = ("act", "risk", "calm")
MIN_ITEMS = 3
MAX_ITEMS = 6
MAX_ACTS = 2
MAX_RISKS = 3
MAX_CALM = 1
# A risk is worth the overview from this likelihood up; weaker ones stay in the details
# (unless the overview needs them to reach MIN_ITEMS); the same for what is safe.
RISK_FROM = Likelihood.likely
CALM_FROM = Likelihood.likely
# Equally likely risks are put first in this order: what the law and the credit report do
# to the person, then their job, then the products and new credit (the report's own order
# is the products').
RISK_TOPICS = (
    Topic.collection,
    Topic.credit_report,
    Topic.dingtalk,
    Topic.huabei,
    Topic.weilidai,
    Topic.wechat,
    Topic.borrowing,
)


# Within the law's topic, a harm that the police or a court deals with is what a person
# must hear first, before fees of a higher likelihood: such a harm, once likely, heads the
# topic in the overview (the details keep the topic's own order).
SERIOUS_FIRST: dict[Topic, tuple[str, ...]] = {
    Topic.collection: (
        "criminal_collection",
        "court_enforcement",
        "dishonest_list_risk",
        "illegal_collection",
        "lawsuit_risk",
    ),
}


def _headline(topic: Topic, found: list[dict[str, Any]], harmless: bool) -> dict[str, Any]:
    """The effect that speaks for a topic in the overview: its strongest, or for a harm,
    the most serious one of SERIOUS_FIRST that is at least RISK_FROM."""
    if not harmless:
        serious = [
            e for e in found if e["code"] in SERIOUS_FIRST.get(topic, ()) and e["likelihood"].at_least(RISK_FROM)
        ]
        if serious:
            return min(serious, key=lambda e: SERIOUS_FIRST[topic].index(e["code"]))
    return found[0]


def overview_items(
    topics: dict[str, dict[str, Any]], actions: list[dict[str, Any]], text: Catalog, labels: list[str]
) -> list[dict]:
    """The overview of built (plain-data) topics and actions, most important first: the
    first actions, then the strongest risks (a topic's strongest harm), then what is
    safe (a topic's strongest reassurance); weaker headlines only when fewer than
    MIN_ITEMS would be left."""
    acts = [_act(action, text, labels) for action in actions[:MAX_ACTS]]
    risks: list[tuple[tuple[int, int], dict]] = []
    calm: list[tuple[tuple[int, int], dict]] = []
    weaker: list[tuple[tuple[int, int], dict]] = []
    for topic in Topic:
        # Per topic, its strongest harm and its strongest reassurance (effects come strongest first).
        for harmless in (False, True):
            found = [e for e in topics[topic.value]["effects"] if (e["code"] in HARMLESS_CODES[topic]) is harmless]
            if not found:
                continue
            top = _headline(topic, found, harmless)
            kind = "calm" if harmless else "risk"
            headline = text.ui(
                "overview_effect", effect=top["label"], likelihood=text.likelihood(top["likelihood"].value)
            )
            entry = (
                (-top["likelihood"].strength, RISK_TOPICS.index(topic) if not harmless else 0),
                {
                    "kind": kind,
                    "ref": f"{topic.value}.{top['code']}",
                    "text": headline,
                },
            )
            # A product the person does not use is no risk to put first (topics[...]["if_used"]).
            weak = topics[topic.value]["if_used"] and not harmless
            if weak or not top["likelihood"].at_least(CALM_FROM if harmless else RISK_FROM):
                weaker.append(entry)
            else:
                (calm if harmless else risks).append(entry)
    # Risks by likelihood, then RISK_TOPICS; what is safe in the report's topic order (stable sorts).
    risks.sort(key=lambda entry: entry[0])
    weaker.sort(key=lambda entry: (entry[1]["kind"] != "risk", entry[0]))
    items = acts + [item for _, item in risks[:MAX_RISKS]] + [item for _, item in calm[:MAX_CALM]]
    spare = [item for _, item in risks[MAX_RISKS:] + calm[MAX_CALM:] + weaker]
    items += spare[: max(0, MIN_ITEMS - len(items))]
    items.sort(key=lambda item: KINDS.index(item["kind"]))  # stable: what to do, at risk, safe
    return items[:MAX_ITEMS]


def _act(action: dict[str, Any], text: Catalog, labels: list[str]) -> dict:
    name = text.lookup("interview", "action_names", action["code"])
    debts = action["debts"]
    if debts:
        separator = text.ui("overview_debt_separator")
        name = text.ui("overview_for_debts", action=name, debts=separator.join(labels[d] for d in debts))
    return {"kind": "act", "ref": action["code"], "text": name}
