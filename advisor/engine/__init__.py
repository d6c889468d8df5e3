"""The engine layer: the rules compiled once, matched, run and traced.

`compiled` is the one representation of the rules' conditions (read from the experta
rules by `experta_door`, the only module that touches experta's internals); `matcher`
matches it against facts; `core` holds the fact store, agenda and run loop that fire
the rules and trace every firing; `consult` runs one consultation and keeps its
firings.  Why-not (advisor.analysis.whynot) evaluates the same compiled conditions.
Nothing here knows about texts, reports or the command line.
"""

__all__ = ["compiled", "consult", "core", "experta_door", "matcher"]
