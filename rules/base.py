"""What a rule's right-hand side may do: declare findings and conclusions, never text.

Every declared fact names the rule that declared it (`rule` slot), so two rules that
reach the same conclusion both stay on record (experta drops identical facts).
"""

from __future__ import annotations

from credit_advisor.facts.enums import Likelihood, Topic
from credit_advisor.facts.experta_compat import KnowledgeEngine
from credit_advisor.facts.kb import PERSON, action, effect, on_report, record_status, repair_status


class Conclusions(KnowledgeEngine):
    """Declaration helpers shared by every topic mixin."""

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

    def _declare_conclusion(self, fact) -> None:
        # While the engine runs, a declared fact only joins the fact list (the matcher
        # reads the list's changes before the next firing): that is all `declare` would
        # do with one plain fact, minus its checks and loops.
        if self.running and fact.plain:
            self.facts.declare_checked(fact)
        else:
            self.declare(fact)
