"""Where a warm `advise()` spends its time (cProfile), grouped by component.

    python benchmarks/profile_advise.py [--debts 1 20] [--calls N] [--top 25]

Own time (tottime) of every function is charged to a component by its file; C built-ins
(sorted, isinstance, json encoding, pydantic-core validation …) are charged to the
component of the Python function that called them. Also prints the cumulative time of
the key steps and the top functions. cProfile adds overhead (about 2×): compare shares,
not absolute numbers, with bench.py.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import situations as gen

COMPONENTS = (
    ("advisor/engine/matcher.py", "compiled matcher (advisor/engine/matcher.py)"),
    ("experta/matchers", "experta Rete matching (unused since the compiled matcher)"),
    ("experta/strategies", "experta agenda/strategy"),
    ("experta/agenda", "experta agenda/strategy"),
    ("experta/", "experta engine, facts, rules"),
    ("frozendict", "experta engine, facts, rules"),
    ("schema", "experta engine, facts, rules"),
    ("advisor/engine/core.py", "our engine: fact store, agenda, run loop, trace capture"),
    ("advisor/analysis/aggregate.py", "our aggregation + trace formatting"),
    ("advisor/models.py", "pydantic Advice construction"),
    ("pydantic", "pydantic Advice construction"),
    ("advisor/texts/catalog.py", "catalog texts"),
    ("advisor/api.py", "advise() glue"),
    ("/rules/", "rule right-hand sides (conclude/declare)"),
    ("/facts/", "Situation → facts (banding)"),
    ("/functools.py", "experta Fact freeze/unfreeze (functools.singledispatch)"),
    ("/weakref.py", "experta Fact freeze/unfreeze (functools.singledispatch)"),
    ("/inspect.py", "experta reset(): inspect.signature of DefFacts"),
    ("/logging/", "experta logging calls (disabled, still called)"),
    ("/json/", "our aggregation + trace formatting"),
)


def component(filename: str) -> str | None:
    if filename == "~" or filename.startswith("<"):
        return None
    for needle, name in COMPONENTS:
        if needle in filename:
            return name
    return "other Python (" + Path(filename).name + ")"


def by_component(stats: pstats.Stats) -> dict[str, float]:
    raw = stats.stats  # func -> (cc, nc, tt, ct, callers)
    totals: dict[str, float] = defaultdict(float)

    def owner(func, depth=0) -> str:
        name = component(func[0])
        if name is not None or depth > 5:
            return name or "C built-ins"
        callers = raw.get(func, (0, 0, 0, 0, {}))[4]
        if not callers:
            return "C built-ins"
        best = max(callers.items(), key=lambda item: item[1][2])[0]
        return owner(best, depth + 1)

    for func, (_, _, tottime, _, callers) in raw.items():
        if component(func[0]) is not None:
            totals[component(func[0])] += tottime
        elif callers:
            for caller, (_, _, caller_tt, _) in callers.items():
                totals[owner(caller)] += caller_tt
        else:
            totals["C built-ins"] += tottime
    return totals


def cumulative(stats: pstats.Stats, wanted: dict[str, str]) -> list[tuple[str, float]]:
    found = []
    for label, suffix in wanted.items():
        file_part, _, func_name = suffix.partition(":")
        total = 0.0
        for (filename, _, name), (_, _, _, ct, _) in stats.stats.items():
            if name == func_name and filename.endswith(file_part):
                total = max(total, ct)
        found.append((label, total))
    return found


STEPS = {
    "advise()": "advisor/api.py:advise",
    "  engine.consult (reset + declare + run + release)": "advisor/engine/core.py:consult",
    "    reset()": "advisor/engine/core.py:reset",
    "    declare() (input facts, incl. matching them)": "advisor/engine/core.py:declare",
    "    run() incl. rule bodies": "advisor/engine/core.py:run",
    "      matcher.changes (all the matching, the input facts' included)": "advisor/engine/matcher.py:changes",
    "      agenda.update": "advisor/engine/core.py:update",
    "    release() (working memory dropped)": "advisor/engine/core.py:release",
    "  build_advice": "advisor/analysis/aggregate.py:build_advice",
    "    _collect (groups and trace data)": "advisor/analysis/aggregate.py:_collect",
    "    pydantic BaseModel.__init__ (all models)": "pydantic/main.py:__init__",
}


def profile(debts: int, calls: int, top: int) -> None:
    from advisor.api import advise
    from advisor.validation import situation_from_data

    items = [situation_from_data(item) for item in gen.situations(20, debts, debts, seed=2000 + debts)]
    for item in items[:5]:
        advise(item)
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(calls):
        advise(items[i % len(items)])
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(f"=== {debts} debt(s): {calls} warm advise() calls, {total / calls * 1000:.2f} ms per call under cProfile")
    print("Own time by component (C built-ins charged to their Python caller):")
    for name, seconds in sorted(by_component(stats).items(), key=lambda item: -item[1]):
        print(f"  {seconds / total * 100:5.1f}%  {seconds / calls * 1000:7.3f} ms  {name}")
    print("Cumulative time of the steps (per call):")
    for label, seconds in cumulative(stats, STEPS):
        print(f"  {seconds / calls * 1000:7.3f} ms  {seconds / total * 100:5.1f}%  {label}")
    print(f"Top {top} functions by own time:")
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:top]
    for (filename, line, name), (_, ncalls, tottime, cumtime, _) in rows:
        short = "/".join(Path(filename).parts[-2:]) if filename != "~" else ""
        print(f"  {tottime / total * 100:5.1f}%  {ncalls / calls:8.1f} calls  {short}:{line} {name}")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debts", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--calls", type=int, default=0, help="calls per debt count (default: about 2 s of work)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    for debts in args.debts:
        profile(debts, args.calls or max(10, 300 // max(1, debts)), args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
