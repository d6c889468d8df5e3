"""Is the working tree cheaper than a git revision?  Instructions per warm advise(), counted.

    python benchmarks/instructions.py HEAD           # the working tree against HEAD
    python benchmarks/instructions.py HEAD~3 --debts 1 5 20 100

Timings on the shared 2-core machine drift by up to 1.5x within minutes (see README), so a
change of a few percent is invisible to a stopwatch, even interleaved (`compare.py`).  This
script counts instead: each side runs under valgrind (cachegrind, without its cache
simulation), once with only the warm-up and once with one more pass over the same 40
seeded situations; the difference, divided by 40, is the machine instructions of one warm
`advise()`.  The count is the same from run to run (same hash seed, same situations), and
other load on the machine does not change it.  It is not time: memory stalls and branch
misses do not show; confirm a big change with `compare.py` and `bench.py`.

Needs valgrind (it says so if missing) and git; about a minute per debt count, both sides
run side by side on the two cores.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from compare import HERE, revision_and_working_tree

SITUATIONS = 40
HASH_SEED = "1"

# The collector is off for the whole child: advise() pauses it anyway, and collections
# between calls would land in one run and not the other (they follow the whole heap).
CHILD = """
import gc, sys
gc.disable()
sys.path.insert(0, {benchmarks!r})
import situations as gen
from advisor.api import advise
from credit_advisor.facts.situation import Situation

items = [Situation.model_validate(x) for x in gen.situations({count}, {debts}, {debts}, seed=1000 + {debts})]
for _ in range(1 + {passes}):
    for item in items:
        advise(item)
"""


def run_child(root: Path, *, count: int, debts: int, passes: int, under: tuple[str, ...] = ()):
    """The child on `root`'s sources, optionally under a tool (valgrind); its result."""
    code = CHILD.format(benchmarks=str(HERE), count=count, debts=debts, passes=passes)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "PYTHONHASHSEED": HASH_SEED}
    return subprocess.run(
        [*under, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),
        check=False,
    )


def instructions(root: Path, debts: int, passes: int) -> int:
    """Instructions of a whole process: import, warm-up pass, then `passes` timed passes."""
    valgrind = ("valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null")
    result = run_child(root, count=SITUATIONS, debts=debts, passes=passes, under=valgrind)
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if result.returncode != 0 or found is None:
        raise SystemExit(f"a run under {root} failed:\n{result.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def compile_once(root: Path) -> None:
    """Run the child once without valgrind: a tree's first import compiles and caches its
    bytecode, which would otherwise be counted in one of the two runs only."""
    result = run_child(root, count=1, debts=1, passes=0)
    if result.returncode != 0:
        raise SystemExit(f"a run under {root} failed:\n{result.stderr[-2000:]}")


def per_advise(root: Path, debts: int, pool: ThreadPoolExecutor) -> float:
    base, more = pool.map(lambda passes: instructions(root, debts, passes), (0, 1))
    return (more - base) / SITUATIONS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="instructions per warm advise(): a revision against the working tree")
    parser.add_argument("revision", help="git revision to compare against (A); the working tree is B")
    parser.add_argument("--debts", type=int, nargs="+", default=[1, 5, 20], help="debt counts (default 1 5 20)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: use compare.py (timings) instead", file=sys.stderr)
        return 2

    with revision_and_working_tree(args.revision, "credit-advisor-instructions-") as roots:
        print(f"A = {args.revision}, B = working tree; machine instructions per warm advise() (millions)")
        for root in roots.values():
            compile_once(root)
        with ThreadPoolExecutor(max_workers=2) as pool:
            for debts in args.debts:
                a = per_advise(roots["A"], debts, pool) / 1e6
                b = per_advise(roots["B"], debts, pool) / 1e6
                print(f"{debts:>4} debts   A {a:8.3f}   B {b:8.3f}   B/A {b / a:6.3f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
