"""The engine layer: the rules compiled once, matched, run and traced.

`core` builds the engine (the rule mixins of `credit_advisor.rules`, a stable agenda
order, a trace of every firing); `matcher` matches the rules' conditions; `lhs` reads
those conditions for why-not; `consult` runs one consultation and keeps its firings.
Nothing here knows about texts, reports or the command line.
"""

__all__ = ["consult", "core", "lhs", "matcher"]
