"""The letters the advice recommends — a credit-report dispute, a repayment negotiation
(or a card's personalised instalment) request and a complaint about collection — filled
from the Situation and the Advice: which debt, what the person said happened, what the
letter asks, and the legal basis with its article.  What the program does not know is a
blank (【姓名】, 【身份证号】, 【日期】 …), never a guess.  A letter is offered only
where the advice recommends its action; the reasons come from the rules that fired
(the trace), the channels from the advice's own action texts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from advisor.documents.html_page import esc, esc_marking_blanks, page
from advisor.documents.legal_basis import CARD_RULES_70, CIVIL_CODE_1033, CREDIT_REGULATION_25, PIPL_10, LegalBasis
from advisor.models import Action, Advice
from advisor.texts.audit_text import debt_name
from advisor.texts.catalog import Catalog, catalog
from credit_advisor.facts.enums import Hardship, Product
from credit_advisor.facts.situation import Situation

# Each letter and the actions that recommend it (any one is enough).
KINDS: dict[str, tuple[str, ...]] = {
    "dispute": ("credit_dispute",),
    "negotiation": ("negotiate_repayment", "request_card_installment"),
    "complaint": ("refuse_illegal_collection", "complain_to_regulator"),
}
# Exit statuses (README, "Exit status"): the advice does not recommend the letter (done,
# nothing written), and a --debt the letter does not concern (refused).
EXIT_NOT_RECOMMENDED = 1
EXIT_BAD_DEBT = 2
# The collection conduct a complaint states, in the Situation's own fields, with the
# articles that name that conduct (cite only what the sources contain).
CONDUCT: dict[str, tuple[LegalBasis, ...]] = {
    "contacts_harassed": (PIPL_10, CIVIL_CODE_1033),
    "threatened_or_insulted": (CIVIL_CODE_1033,),
    "contacted_on_wechat": (CIVIL_CODE_1033,),
    "night_calls": (CIVIL_CODE_1033,),
    "impersonated_authority": (),
    "visited_home_or_work": (),
}
# The advice's other actions whose texts say where to complain.
CHANNEL_ACTIONS = ("complain_to_regulator", "refuse_illegal_collection", "report_to_police")


class LetterRefused(Exception):
    """No letter: `lines` say why (to standard error), `status` is the exit status."""

    def __init__(self, lines: list[str], status: int):
        super().__init__("\n".join(lines))
        self.lines = lines
        self.status = status


@dataclass
class Letter:
    kind: str
    language: str
    title: str
    note: list[str]  # for the person, not part of the letter
    # ("heading", (words,)) or ("para", (line, …)): a paragraph's lines stay together.
    blocks: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def heading(self, words: str) -> None:
        self.blocks.append(("heading", (words,)))

    def para(self, *lines: str) -> None:
        self.blocks.append(("para", lines))


def offered(advice: Advice) -> list[str]:
    """The letters `advice` recommends, in KINDS order."""
    codes = {action.code for action in advice.actions}
    return [kind for kind, actions in KINDS.items() if codes & set(actions)]


def build_letter(kind: str, situation: Situation, advice: Advice, debt: int | None = None) -> Letter:
    """The `kind` letter for `situation` and its `advice` (LetterRefused when not
    recommended, or when `debt` is not one the letter concerns)."""
    text = catalog(advice.language).on(advice.as_of)
    actions = [action for action in advice.actions if action.code in KINDS[kind]]
    if not actions:
        raise LetterRefused(_not_recommended(kind, advice, text), EXIT_NOT_RECOMMENDED)
    chosen = _chosen_debt(kind, situation, actions, debt, text)
    letter = Letter(kind, advice.language, "", [_lt(text, "blanks_note")])
    {"dispute": _dispute, "negotiation": _negotiation, "complaint": _complaint}[kind](
        letter, situation, advice, chosen, text
    )
    letter.para(_lt(text, "signature"), _lt(text, "date"))
    return letter


def _lt(text: Catalog, key: str, **values: object) -> str:
    return text.text("documents", "letters", key, **values)


def _kt(text: Catalog, kind: str, key: str, **values: object) -> str:
    return text.text("documents", "letters", kind, key, **values)


def _not_recommended(kind: str, advice: Advice, text: Catalog) -> list[str]:
    names = text.text("documents", "list_join").join(
        text.lookup("interview", "action_names", code) for code in KINDS[kind]
    )
    lines = [_lt(text, "offered_none", letter=text.lookup("documents", "letters", "names", kind), actions=names)]
    others = offered(advice)
    if others:
        letters = text.text("documents", "list_join").join(
            f"{other} ({text.lookup('documents', 'letters', 'names', other)})" for other in others
        )
        lines.append(_lt(text, "offered_other", letters=letters))
    return lines


def _chosen_debt(kind: str, situation: Situation, actions: list[Action], debt: int | None, text: Catalog) -> int | None:
    concerned = list(dict.fromkeys(index for action in actions for index in action.debts))
    allowed = concerned or list(range(len(situation.debts)))
    if debt is not None:
        if debt not in allowed:
            shown = ", ".join(str(index) for index in allowed) or "—"
            raise LetterRefused([_lt(text, "debt_not_concerned", debt=debt, allowed=shown)], EXIT_BAD_DEBT)
        return debt
    if concerned:
        return concerned[0]  # the actions list their debts most urgent first
    # A person-level action (collection): the debt is named only when it is the only one.
    return 0 if len(situation.debts) == 1 else None


def _applicant(letter: Letter, text: Catalog) -> None:
    letter.para(_lt(text, "field_name"), _lt(text, "field_id"), _lt(text, "field_phone"), _lt(text, "field_address"))


def _amount(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def _debt_lines(letter: Letter, situation: Situation, advice: Advice, index: int | None, text: Catalog) -> None:
    """What the person said about the debt, and blanks for what they did not."""
    if index is None:
        letter.para(_lt(text, "debt_blank"), _lt(text, "lender"), _lt(text, "account"))
        return
    debt = situation.debts[index]
    name = debt_name(advice.debt_labels, index)
    if debt.label is not None:  # a default label already names the product
        name = text.ui("summary", effect=name, likelihood=text.ui(f"product_{debt.product.value}"))
    lines = [_lt(text, "debt_line", debt=name), _lt(text, "lender"), _lt(text, "account")]
    if debt.amount_cny is not None:
        lines.append(_lt(text, "amount", amount=_amount(debt.amount_cny)))
    if debt.overdue_days == 0:
        lines.append(_lt(text, "never_overdue"))
    else:
        lines.append(_lt(text, "overdue_days", days=debt.overdue_days))
        if debt.overdue_amount_cny is not None:
            lines.append(_lt(text, "overdue_amount", amount=_amount(debt.overdue_amount_cny)))
        else:
            lines.append(_lt(text, "overdue_amount_blank"))
    if debt.settled:
        months = debt.months_since_settled
        lines.append(_lt(text, "settled") if months is None else _lt(text, "settled_months", months=months))
    letter.para(*lines)


def _basis(letter: Letter, bases: tuple[LegalBasis, ...], text: Catalog) -> None:
    if not bases:
        return
    letter.heading(_lt(text, "basis_heading"))
    gap = _lt(text, "quote_gap")
    letter.para(
        *(
            _lt(text, "basis_line", law=text.lookup("documents", "basis", basis.key), quote=gap.join(basis.quotes))
            for basis in dict.fromkeys(bases)
        )
    )


def rules_for(advice: Advice, codes: tuple[str, ...], debt: int | None) -> list[str]:
    """The rules that declared one of `codes` for `debt` (or for the person), in firing
    order, read from the trace."""
    found = []
    for entry in advice.trace:
        for declared in entry.declared:
            kind, _, rest = declared.partition(" ")
            if kind != "Action":
                continue
            fact = json.loads(rest.partition(" ")[2])
            if fact.get("code") in codes and fact.get("debt") in (debt, -1):
                found.append(entry.rule)
    return list(dict.fromkeys(found))


def _dispute(letter: Letter, situation: Situation, advice: Advice, index: int | None, text: Catalog) -> None:
    letter.title = _kt(text, "dispute", "title")
    letter.para(_kt(text, "dispute", "to"))
    _applicant(letter, text)
    letter.para(_kt(text, "dispute", "opening"))
    letter.heading(_kt(text, "dispute", "item_heading"))
    _debt_lines(letter, situation, advice, index, text)
    letter.para(_kt(text, "dispute", "record"))
    letter.heading(_kt(text, "dispute", "reason_heading"))
    reasons = text.lookup("documents", "letters", "reasons")
    rules = rules_for(advice, KINDS["dispute"], index)
    # A rule without a letter-voice reason (one added later) still gives its own words.
    letter.para(*([reasons.get(rule) or text.rule(rule) for rule in rules] or [_kt(text, "dispute", "reason_blank")]))
    letter.heading(_kt(text, "dispute", "ask_heading"))
    letter.para(_kt(text, "dispute", "ask"))
    _basis(letter, (CREDIT_REGULATION_25,), text)
    letter.heading(_lt(text, "attachments_heading"))
    letter.para(_lt(text, "evidence_blank"))


def _negotiation(letter: Letter, situation: Situation, advice: Advice, index: int | None, text: Catalog) -> None:
    debt = situation.debts[index] if index is not None else None
    card = debt is not None and debt.product is Product.credit_card
    letter.title = _kt(text, "negotiation", "title_card" if card else "title")
    letter.para(_kt(text, "negotiation", "to"))
    _applicant(letter, text)
    letter.para(_kt(text, "negotiation", "opening"))
    letter.heading(_kt(text, "negotiation", "item_heading"))
    _debt_lines(letter, situation, advice, index, text)
    letter.heading(_kt(text, "negotiation", "reason_heading"))
    hardship = situation.hardship
    lines = [
        _kt(text, "negotiation", "hardship_blank")
        if hardship in (None, Hardship.none)
        else _kt(text, "negotiation", f"hardship_{hardship.value}")
    ]
    if situation.hardship_proof:
        lines.append(_kt(text, "negotiation", "proof_yes"))
    capacity = situation.repayment_capacity
    lines.append(_kt(text, "negotiation", "capacity_blank" if capacity is None else f"capacity_{capacity.value}"))
    letter.para(*lines)
    letter.heading(_kt(text, "negotiation", "ask_heading"))
    letter.para(_kt(text, "negotiation", "ask_card" if card else "ask"))
    _basis(letter, (CARD_RULES_70,) if card else (), text)
    letter.para(_kt(text, "negotiation", "closing"))
    if situation.hardship_proof:
        letter.heading(_lt(text, "attachments_heading"))
        letter.para(_lt(text, "evidence_blank"))


def _complaint(letter: Letter, situation: Situation, advice: Advice, index: int | None, text: Catalog) -> None:
    letter.title = _kt(text, "complaint", "title")
    letter.para(_kt(text, "complaint", "to"))
    _applicant(letter, text)
    letter.para(_kt(text, "complaint", "opening"))
    letter.heading(_kt(text, "complaint", "item_heading"))
    _debt_lines(letter, situation, advice, index, text)
    letter.heading(_kt(text, "complaint", "facts_heading"))
    happened = [name for name in CONDUCT if getattr(situation.collection, name) is True]
    facts = [_kt(text, "complaint", name) for name in happened] or [_kt(text, "complaint", "facts_blank")]
    letter.para(*facts, _kt(text, "complaint", "when"), _kt(text, "complaint", "evidence"))
    letter.heading(_kt(text, "complaint", "ask_heading"))
    letter.para(_kt(text, "complaint", "ask"))
    _basis(letter, tuple(basis for name in happened for basis in CONDUCT[name]), text)
    # Where to send it, from the advice's own texts: for the person, not for the letter.
    channels = [action.text for action in advice.actions if action.code in CHANNEL_ACTIONS]
    if channels:
        letter.note += [_kt(text, "complaint", "channels_heading"), *channels]


def letter_text(letter: Letter) -> str:
    """The letter as plain text, ready to copy or print: a blank line between
    paragraphs, a heading right above its paragraph."""
    lines = [letter.title]
    previous = ""
    for kind, words in letter.blocks:
        if previous != "heading":
            lines.append("")
        lines.extend(words)
        previous = kind
    return "\n".join(lines) + "\n"


def letter_html(letter: Letter) -> str:
    """The letter as one self-contained HTML page (blanks highlighted; the note to the
    person is shown on screen, not printed)."""
    note = "<br>".join(esc(line) for line in letter.note)
    body = [f'<div class="note">{note}</div>', f'<article class="letter"><h1>{esc(letter.title)}</h1>']
    for kind, words in letter.blocks:
        if kind == "heading":
            body.append(f"<h3>{esc_marking_blanks(words[0])}</h3>")
        else:
            body.append(f"<p>{'<br>'.join(esc_marking_blanks(line) for line in words)}</p>")
    body.append("</article>")
    return page(letter.language, letter.title, "\n".join(body))
