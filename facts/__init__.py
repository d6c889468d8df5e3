"""Situation models (pydantic) and, in `facts.kb`, their experta facts.

Importing this package does not import experta: validating input stays cheap.
"""

from .enums import (
    ACTION_CODES,
    CALM_CODES,
    EFFECT_CODES,
    Hardship,
    Lender,
    Likelihood,
    Negotiation,
    Plan,
    Product,
    Reported,
    Topic,
)
from .situation import MAX_DEBTS, SCHEMA_VERSION, Collection, Debt, Situation

__all__ = [
    "ACTION_CODES",
    "CALM_CODES",
    "EFFECT_CODES",
    "MAX_DEBTS",
    "SCHEMA_VERSION",
    "Collection",
    "Debt",
    "Hardship",
    "Lender",
    "Likelihood",
    "Negotiation",
    "Plan",
    "Product",
    "Reported",
    "Situation",
    "Topic",
]
