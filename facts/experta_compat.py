"""The one door to experta: every module imports experta's names from here.

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

from experta import (  # noqa: E402
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
from experta.agenda import Agenda  # noqa: E402
from experta.factlist import FactList  # noqa: E402
from experta.matchers import ReteMatcher  # noqa: E402
from experta.matchers.rete.check import TypeCheck  # noqa: E402
from experta.matchers.rete.token import Token  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402

for _handler in list(_root.handlers):
    if _handler not in _handlers_before:
        _root.removeHandler(_handler)

# experta's watchers log every fact (debts, overdue days, collection flags) at DEBUG/INFO
# and are silent only while the root logger is at WARNING.  A person's situation must
# never reach a host application's logs, so experta's loggers are switched off at the
# top; experta.watch() still turns chosen watchers back on for debugging the engine.
logging.getLogger("experta").setLevel(logging.CRITICAL + 1)


def _speed_up_experta_1_9_4() -> None:
    """Two behaviour-preserving shortcuts in experta's hottest paths (about 15-20% of a
    consultation, measured with identical output).  They patch experta 1.9.4 itself and
    only that release; remove them if experta is ever upgraded.

    - Every Rete token re-checks, with asserts, that its data are facts; our own
      network only ever builds tokens from facts.
    - Every fact slot value goes through `functools.singledispatch` to be frozen;
      scalars (all our slots hold) are returned as they are by that function anyway.
    """
    import experta
    import experta.fact
    from experta.fact import Fact as _Fact
    from experta.matchers.rete import token as _token

    if experta.__version__ != "1.9.4":
        return

    def lean_token(cls, tag, data, context=None):
        return tuple.__new__(cls, (tag, {data} if isinstance(data, _Fact) else set(data), {} if context is None else context))

    _token.Token.__new__ = lean_token

    frozen_as_is = (str, int, float, bool, type(None))
    freeze, unfreeze = experta.fact.freeze, experta.fact.unfreeze
    experta.fact.freeze = lambda value: value if type(value) in frozen_as_is else freeze(value)
    experta.fact.unfreeze = lambda value: value if type(value) in frozen_as_is else unfreeze(value)


_speed_up_experta_1_9_4()

__all__ = [
    "AND",
    "AS",
    "EXISTS",
    "MATCH",
    "NOT",
    "OR",
    "TEST",
    "W",
    "Agenda",
    "DepthStrategy",
    "Fact",
    "FactList",
    "Field",
    "InitialFact",
    "KnowledgeEngine",
    "L",
    "P",
    "ReteMatcher",
    "Rule",
    "Token",
    "TypeCheck",
]
