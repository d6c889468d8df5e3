"""What a rule's right-hand side may do: declare findings and conclusions, never text.

Every declared fact names the rule that declared it (`rule` slot), so two rules that
reach the same conclusion both stay on record (identical facts are declared once).
"""

from __future__ import annotations

from credit_advisor.facts.enums import Likelihood, Topic
from credit_advisor.facts.kb import PERSON, KbFact, action, effect, on_report, record_status, repair_status


class Conclusions:
    """Declaration helpers shared by every topic mixin.

    The engine that runs the rules (advisor.engine.core.RuleEngine, or experta's own
    engine as the tests' reference) comes first in the class's bases: it declares the
    facts (`_declare_conclusion`) and names the rule firing now (`_firing`)."""

    _firing: str = ""

    def conclude(self, topic: Topic, code: str, likelihood: Likelihood, debt: int = PERSON) -> None:
        self._declare_conclusion(effect(topic, code, likelihood, debt, self._firing))

    def advise_action(self, code: str, rank: int, debt: int = PERSON) -> None:
        self._declare_conclusion(action(code, rank, debt, self._firing))

    def find_on_report(self, debt: int, likelihood: Likelihood) -> None:
        self._declare_conclusion(on_report(debt, likelihood, self._firing))

    def find_record_status(self, debt: int, status: str) -> None:
        """What this rule says of the debt's record on the report (the timeline words it)."""
        self._declare_conclusion(record_status(debt, status, self._firing))

    def find_repair_status(self, debt: int, status: str) -> None:
        """How the one-time credit repair stands for the debt (the timeline words it)."""
        self._declare_conclusion(repair_status(debt, status, self._firing))

    def _declare_conclusion(self, fact: KbFact) -> None:
        raise NotImplementedError("the engine running the rules declares their conclusions")
