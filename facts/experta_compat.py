"""experta, importable: the facts and rules import experta's public names from here.

experta's documented API only (`Rule`, `Fact`, `InitialFact`, `Field`, `KnowledgeEngine`,
`AND`, `OR`, `NOT`, `TEST`, `EXISTS`, `L`, `W`, `P`, `MATCH`, `AS`).  The one module that
touches experta's non-public parts is `advisor.engine.experta_door`, which reads the
rules into their compiled form; it imports this module first.

experta 1.9.4 (2019, still the newest release) pins frozendict 1.2, which subclasses
`collections.Mapping`, removed in Python 3.10.  Pinning a newer frozendict makes pip's
resolver fail, so the alias below is the only fix that installs with a plain
`pip install .`.  Remove it when an experta release newer than 1.9.4 drops frozendict 1.2.

experta also calls `logging.basicConfig()` at import, which would give a host
application's root logger a stderr handler it never asked for; we undo that so that
importing the advisor logs nothing and changes no one's logging set-up.
"""

import collections
import collections.abc
import logging

if not hasattr(collections, "Mapping"):
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]

_root = logging.getLogger()
_handlers_before = list(_root.handlers)

from experta import (
    AND,
    AS,
    EXISTS,
    MATCH,
    NOT,
    OR,
    TEST,
    Fact,
    Field,
    InitialFact,
    KnowledgeEngine,
    L,
    P,
    Rule,
    W,
)

for _handler in list(_root.handlers):
    if _handler not in _handlers_before:
        _root.removeHandler(_handler)

# experta's watchers log every fact (debts, overdue days, collection flags) at DEBUG/INFO
# and are silent only while the root logger is at WARNING.  A person's situation must
# never reach a host application's logs, so experta's loggers are switched off at the
# top; experta.watch() still turns chosen watchers back on for debugging the engine.
logging.getLogger("experta").setLevel(logging.CRITICAL + 1)


__all__ = [
    "AND",
    "AS",
    "EXISTS",
    "MATCH",
    "NOT",
    "OR",
    "TEST",
    "Fact",
    "Field",
    "InitialFact",
    "KnowledgeEngine",
    "L",
    "P",
    "Rule",
    "W",
]
