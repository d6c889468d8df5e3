"""experta facts: what the rules match on, and one conversion from a Situation.

One wide fact per debt and one for the person keep the Rete network small (see
shared/spec/engine-notes.md: few facts, mostly single-pattern rules, ran 3x faster).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter

from . import schema
from .enums import HARMLESS_CODES, Likelihood, Topic
from .experta_compat import Fact
from .parameters import Day, day_on
from .schema import Compute, Template
from .situation import Debt, Situation, dated

ALARMING = tuple(item.value for item in Likelihood.down_to(Likelihood.possible))


# What experta stores as it is (its `freeze` returns these unchanged).
SCALARS = frozenset({str, int, float, bool, type(None)})


class KbFact(Fact):
    """An experta Fact built without per-slot work when every value is a plain scalar.

    experta's constructor sends each slot through `__setitem__` and `freeze`, which
    return scalars unchanged; a consultation builds a few hundred facts, so the
    shortcut matters.  Patterns in rules (values like `MATCH.debt` or `L(...)`) still
    take experta's own path.  `plain` tells the engine it need not re-check, at
    declaration, that the fact holds no pattern and no nested accessor.
    """

    plain = True  # set False on the instance by any other way of filling it

    def __init__(self, *args, **slots):
        if args or not _plain_slots(slots):
            self.plain = False
            super().__init__(*args, **slots)
            return
        # experta keeps per-instance defaults only for declared Fields; our fact types
        # declare none (the engine refuses patterns of types that do).
        dict.update(self, slots)

    def __setitem__(self, key, value):
        self.plain = False  # whatever is set now is checked again at declaration
        super().__setitem__(key, value)

    @classmethod
    def _of_plain(cls, slots: dict):
        """A fact from slots already known to be plain: for the conclusions (`effect()`
        and the others below) and the schema's computed slots, codes, booleans, numbers
        and None by construction."""
        fact = dict.__new__(cls)
        dict.update(fact, slots)
        return fact


_PLAIN_KEYS: set[tuple[str, ...]] = set()


def _plain_slots(slots: dict) -> bool:
    if not SCALARS.issuperset(map(type, slots.values())):
        return False
    keys = tuple(slots)
    if keys not in _PLAIN_KEYS:
        # experta refuses to declare keys with an inner "__" (nested accessors).
        if any("__" in key.strip("_") for key in keys):
            return False
        _PLAIN_KEYS.add(keys)
    return True


class DebtFact(KbFact):
    """One debt with its plain attributes banded (`band`, `age`, the repair's bands)."""


class PersonFact(KbFact):
    """The person-level answers, banded."""


class PlanFact(KbFact):
    """Something the person intends to apply for soon."""


class OnReport(KbFact):
    """Finding: how likely this debt's overdue shows on the PBOC credit report."""


class RecordStatus(KbFact):
    """Finding: what the rule that judged this debt's record says of its display
    (`visible_while_unpaid`, `visible_until`, `unknown`, `aged_off`, `hidden_by_repair`)."""


class RepairStatus(KbFact):
    """Finding: how the one-time credit repair stands for this debt (K4)."""


class Effect(KbFact):
    """Conclusion: an effect on a topic, for one debt (`debt` = -1: the person)."""


class Action(KbFact):
    """Conclusion: something to do; `rank` orders actions, lower first."""


PERSON = -1


_EFFECT_SLOTS: dict[tuple, tuple] = {}


# Conclusions are made by these three functions only (rules.base): each checks the types
# of its slots, so a conclusion's values alone say how it is written (advisor.analysis.aggregate
# remembers that text by values; 1 and True never meet in one slot).


def effect(topic: Topic, code: str, likelihood: Likelihood, debt: int, rule: str = "") -> Effect:
    # The slots that follow from (topic, code, likelihood) are worked out once each.
    key = (id(topic), code, id(likelihood))  # enum members are singletons; their hash is slow
    fixed = _EFFECT_SLOTS.get(key)
    if fixed is None:
        harmful = code not in HARMLESS_CODES[topic]
        fixed = (topic.value, likelihood.value, harmful, harmful and likelihood.value in ALARMING)
        _EFFECT_SLOTS[key] = fixed
    topic_value, likelihood_value, harmful, alarming = fixed
    if type(code) is not str or type(debt) is not int or type(rule) is not str:
        raise TypeError(f"effect(): code and rule must be str and debt an int, not {code!r}, {rule!r}, {debt!r}")
    return Effect._of_plain(
        {
            "topic": topic_value,
            "code": code,
            "likelihood": likelihood_value,
            "debt": debt,
            "harmful": harmful,
            "alarming": alarming,
            "rule": rule,
        }
    )


def action(code: str, rank: int, debt: int, rule: str = "") -> Action:
    if type(code) is not str or type(rank) is not int or type(debt) is not int or type(rule) is not str:
        raise TypeError(
            f"action(): code and rule must be str, rank and debt int, not {code!r}, {rule!r}, {rank!r}, {debt!r}"
        )
    return Action._of_plain({"code": code, "rank": rank, "debt": debt, "rule": rule})


def on_report(debt: int, likelihood: Likelihood, rule: str = "") -> OnReport:
    if type(debt) is not int or type(rule) is not str:
        raise TypeError(f"on_report(): debt must be an int and rule a str, not {debt!r}, {rule!r}")
    return OnReport._of_plain({"debt": debt, "likelihood": Likelihood(likelihood).value, "rule": rule})


def record_status(debt: int, status: str, rule: str = "") -> RecordStatus:
    if type(debt) is not int or type(status) is not str or type(rule) is not str:
        raise TypeError(f"record_status(): debt must be an int, status and rule str, not {debt!r}, {status!r}")
    return RecordStatus._of_plain({"debt": debt, "status": status, "rule": rule})


def repair_status(debt: int, status: str, rule: str = "") -> RepairStatus:
    if type(debt) is not int or type(status) is not str or type(rule) is not str:
        raise TypeError(f"repair_status(): debt must be an int, status and rule str, not {debt!r}, {status!r}")
    return RepairStatus._of_plain({"debt": debt, "status": status, "rule": rule})


def situation_to_facts(situation: Situation) -> list[Fact]:
    """The experta facts for a situation, in a stable order, banded with the parameters
    in force on its `as_of` day (today, if it has none).  Every slot is computed as
    `facts.schema` declares it."""
    situation = dated(situation)
    assert situation.as_of is not None
    day = day_on(situation.as_of)
    # The computed slots are codes, booleans, numbers and None (facts.schema): plain.
    facts: list[Fact] = [
        DebtFact._of_plain({"debt": index, **_debt_slots(debt, day)}) for index, debt in enumerate(situation.debts)
    ]
    facts.append(PersonFact._of_plain(_person_slots(situation, day)))
    facts.extend(
        PlanFact._of_plain({name: compute(plan, day) for name, compute in _PLAN_SLOTS}) for plan in situation.plans
    )
    return facts


def _debt_slots(debt: Debt, day: Day) -> dict:
    """A debt's computed slots.  The schema declares the fields each is computed from, so
    they are remembered by those fields' values and the day: a consultation's debts, and
    a batch's, repeat the same few combinations.  Shared: read only."""
    key = (day.as_of, id(day.values), _DEBT_FIELDS(debt))
    return _remembered(_DEBT_MEMO, key, day, lambda: {name: compute(debt, day) for name, compute in _DEBT_SLOTS})


def _person_slots(situation: Situation, day: Day) -> dict:
    """The person's computed slots, remembered like a debt's (`_debt_slots`) by the
    fields the schema says feed them: the person's own, each debt's, the plans."""
    key = (
        day.as_of,
        id(day.values),
        _PERSON_OWN_FIELDS(situation),
        tuple(map(_PERSON_DEBT_FIELDS, situation.debts)),
        tuple(situation.plans),
    )
    return _remembered(
        _PERSON_MEMO, key, day, lambda: {name: compute(situation, day) for name, compute in _PERSON_SLOTS}
    )


def _remembered(memo: dict, key: tuple, day: Day, compute: Callable[[], dict]) -> dict:
    """`memo[key]`, computed on a miss; the day's parameters are kept alive with the
    entry, since the key holds them by identity.  At most 4,096 entries, then it restarts."""
    found = memo.get(key)
    if found is None:
        if len(memo) >= 4096:
            memo.clear()
        found = memo[key] = (day.values, compute())
    return found[1]


def _computations(template: Template) -> tuple[tuple[str, Compute], ...]:
    return tuple((slot.name, slot.compute) for slot in template.computed if slot.compute is not None)


_DEBT_SLOTS = _computations(schema.DEBT)
_DEBT_FIELDS = attrgetter(
    *dict.fromkeys(
        field.removeprefix("debts.")
        for slot in schema.DEBT.computed
        for field in slot.fields
        if field.startswith("debts.")
    )
)
_DEBT_MEMO: dict[tuple, tuple[Mapping, dict]] = {}
_PERSON_FIELDS = tuple(dict.fromkeys(field for slot in schema.PERSON.computed for field in slot.fields))
# `debts` (how many) is the length of the per-debt part of the key; `plans` a list.
_PERSON_OWN_FIELDS = attrgetter(
    *(f for f in _PERSON_FIELDS if f not in ("debts", "plans") and not f.startswith("debts."))
)
_PERSON_DEBT_FIELDS = attrgetter(*(f.removeprefix("debts.") for f in _PERSON_FIELDS if f.startswith("debts.")))
_PERSON_MEMO: dict[tuple, tuple[Mapping, dict]] = {}
_PERSON_SLOTS = _computations(schema.PERSON)
_PLAN_SLOTS = _computations(schema.PLAN)
# The classes the schema's templates name.
FACT_CLASSES: dict[str, type[KbFact]] = {
    "DebtFact": DebtFact,
    "PersonFact": PersonFact,
    "PlanFact": PlanFact,
    "OnReport": OnReport,
    "RecordStatus": RecordStatus,
    "RepairStatus": RepairStatus,
    "Effect": Effect,
    "Action": Action,
}
assert set(FACT_CLASSES) == set(schema.TEMPLATES), "every template names a fact class of this module"
