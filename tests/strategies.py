"""Hypothesis strategies over the whole Situation space, as JSON-ready dicts.

Situations are drawn as the plain data a tool would send (a dict that `json.dumps`
accepts): optional fields are sometimes left out, sometimes `null`, sometimes set, so
the same draw can go to `advise()`, to `situation_from_json` or to the command line.
Numbers favour the band boundaries the rules talk about (30/90 days, 6/60 months,
3/5/10 inquiries, 10,000 yuan, Zhima 600/700) and still reach the limits.

Profiles (registered by `property_settings`, chosen by the environment):
- `credit-advisor-default`: derandomized (CI is deterministic), no example database, 50
  examples per property: the two property files stay well under a minute on two cores;
- `credit-advisor-long` (CREDIT_ADVISOR_LONG_PROPERTIES=1): 2,000 examples per property
  (CREDIT_ADVISOR_LONG_EXAMPLES=N to change), random seeds, and no database writes
  unless CREDIT_ADVISOR_HYPOTHESIS_DB names a folder to keep failing examples in.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from credit_advisor.facts.enums import Hardship, Lender, Negotiation, Plan, Product, Reported
from credit_advisor.facts.situation import MAX_AMOUNT_CNY, MAX_DAYS, MAX_INQUIRIES, MAX_MONTHS

LONG_ENV = "CREDIT_ADVISOR_LONG_PROPERTIES"
MAX_DRAWN_DEBTS = 30
DEFAULT_PROFILE = "credit-advisor-default"
LONG_PROFILE = "credit-advisor-long"


def property_settings() -> settings:
    """The settings of this project's property tests: the long profile when the
    environment asks for it, else the fast deterministic default.  Returned (not
    loaded globally) so other test files' Hypothesis settings stay as they are."""
    common = {
        "deadline": None,  # one advise() on 30 debts takes ~0.2 s: timing is not the property
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
        "print_blob": True,
    }
    settings.register_profile(DEFAULT_PROFILE, max_examples=50, derandomize=True, database=None, **common)
    long_db = os.environ.get("CREDIT_ADVISOR_HYPOTHESIS_DB")
    if long_db:
        from hypothesis.database import DirectoryBasedExampleDatabase

        database = DirectoryBasedExampleDatabase(long_db)
    else:
        database = None
    examples = int(os.environ.get("CREDIT_ADVISOR_LONG_EXAMPLES", "2000"))
    settings.register_profile(LONG_PROFILE, max_examples=examples, database=database, **common)
    return settings.get_profile(LONG_PROFILE if long_run() else DEFAULT_PROFILE)


def long_run() -> bool:
    return os.environ.get(LONG_ENV, "").strip() not in ("", "0")


def _codes(enum) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value for member in enum])


def _maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


def overdue_days() -> st.SearchStrategy[int]:
    return st.one_of(
        st.just(0),
        st.sampled_from([1, 29, 30, 31, 89, 90, 91, 365, MAX_DAYS]),
        st.integers(1, 30),
        st.integers(31, 90),
        st.integers(91, MAX_DAYS),
    )


def months() -> st.SearchStrategy[int]:
    return st.sampled_from([0, 5, 6, 59, 60, MAX_MONTHS]) | st.integers(0, MAX_MONTHS)


def amounts() -> st.SearchStrategy[float | int]:
    return st.one_of(
        st.sampled_from([0, 10_000, 10_000.01, MAX_AMOUNT_CNY]),
        st.integers(0, 100_000),
        st.floats(0, MAX_AMOUNT_CNY, allow_nan=False, allow_infinity=False),
    )


def percents() -> st.SearchStrategy[float | int]:
    """Annual costs, at and around the platform-lending line (24%)."""
    return st.sampled_from([0, 23.99, 24, 24.01, 36, 365]) | st.floats(0, 1_000, allow_nan=False)


def labels() -> st.SearchStrategy[str]:
    """Labels in any script, emoji, and control/bidi characters the model must strip."""
    return st.one_of(
        st.sampled_from(
            ["某网贷", "招商銀行信用卡", "花唄 🐷", "Kredit\u202eevil", "a\x1b[31mred\x1b[0m", "\u200b", "  ", ""]
        ),
        st.text(max_size=20),
    )


@st.composite
def debts(draw) -> dict:
    """One debt as JSON data: `product` always, other fields left out, null or set."""
    data: dict = {"product": draw(_codes(Product))}
    optional = {
        "label": _maybe(labels()),
        "lender": _codes(Lender),
        "overdue_days": overdue_days(),
        "reported": _codes(Reported),
        "settled": st.booleans(),
        "months_since_settled": _maybe(months()),
        "negotiation": _codes(Negotiation),
        "amount_cny": _maybe(amounts()),
        "principal_received_cny": _maybe(amounts()),
        "annual_cost_percent": _maybe(percents()),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()) or name in ("overdue_days", "settled"):
            data[name] = draw(strategy)
    return data


def debt_lists(max_size: int = MAX_DRAWN_DEBTS) -> st.SearchStrategy[list[dict]]:
    """0-30 debts, mostly few: two of three draws have at most three."""
    small = st.lists(debts(), max_size=min(3, max_size))
    return st.one_of(small, small, st.lists(debts(), max_size=max_size))


def inquiries() -> st.SearchStrategy[int]:
    return st.sampled_from([0, 3, 4, 5, 6, 10, 11, MAX_INQUIRIES]) | st.integers(0, MAX_INQUIRIES)


def collections() -> st.SearchStrategy[dict | None]:
    flag = _maybe(st.booleans())
    return _maybe(
        st.fixed_dictionaries(
            {},
            optional={
                "contacts_harassed": flag,
                "threatened_or_insulted": flag,
                "contacted_on_wechat": flag,
                "impersonated_authority": flag,
                "night_calls": flag,
                "visited_home_or_work": flag,
            },
        )
    )


@st.composite
def situations(draw, debt_list: st.SearchStrategy[list[dict]] | None = None) -> dict:
    """A whole Situation as JSON data (every enum, nulls, omitted fields)."""
    data: dict = {"debts": draw(debt_list if debt_list is not None else debt_lists())}
    bool_or_null = _maybe(st.booleans())
    optional = {
        "schema_version": st.just(1),
        "zhima_score": _maybe(st.sampled_from([350, 599, 600, 699, 700, 950]) | st.integers(350, 950)),
        "credit_inquiries_6m": _maybe(inquiries()),
        "hardship": _maybe(_codes(Hardship)),
        "hardship_proof": bool_or_null,
        "employer_links_credit": bool_or_null,
        "uses_dingtalk_finance": bool_or_null,
        "dingtalk_alipay_credit_authorized": bool_or_null,
        "enterprise_owner": bool_or_null,
        "collection": collections(),
        "plans": _maybe(st.lists(_codes(Plan), max_size=len(Plan))),
        "credit_repair_offer": bool_or_null,
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            data[name] = draw(strategy)
    return data


def situations_with_a_debt() -> st.SearchStrategy[dict]:
    """Situations with at least one debt (for properties that change one debt)."""
    small = st.lists(debts(), min_size=1, max_size=3)
    return situations(st.one_of(small, small, st.lists(debts(), min_size=1, max_size=MAX_DRAWN_DEBTS)))
