"""Is the working tree faster than a git revision?  Interleaved A/B runs of warm advise().

    python benchmarks/compare.py HEAD~1          # the working tree against HEAD~1
    python benchmarks/compare.py main --rounds 6

On the shared 2-core machine the speed of the same code drifts by up to 1.5x within
minutes, so a "before" run and an "after" run taken one after the other compare the
machine, not the code.  This script checks the revision out into a temporary git
worktree, then alternates fresh processes of the two trees (A B, B A, ...; each round
with its own hash seed, the same for both) and reports, per debt count, the median of
each side's mean advise() time, and the best, with the ratios B/A (< 1: the working
tree is faster).  Trust a change when both ratios agree.
Each process times advise() on 40 seeded situations, best of 5 passes, the collector on.

Run it with the interpreter of the environment credit-advisor is installed in; it needs
git and nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
DEBTS = (1, 2, 5, 20)

CHILD = """
import gc, json, sys, timeit
sys.path.insert(0, {benchmarks!r})
import situations as gen
from advisor.api import advise
from credit_advisor.facts.situation import Situation

out = []
for debts in {debts!r}:
    items = [Situation.model_validate(x) for x in gen.situations(40, debts, debts, seed=1000 + debts)]
    for item in items:
        advise(item)
    cycle = iter(items * 1000)
    passes = timeit.repeat(lambda: advise(next(cycle)), number=40, repeat=5, setup="gc.enable()", globals={{"gc": gc}})
    out.append(min(passes) / 40)
print(json.dumps(out))
"""


def source_root(tree: Path, holder: Path) -> Path:
    """A folder that makes `advisor` and `credit_advisor` of `tree` importable first
    (credit_advisor is the project root itself, as pyproject.toml maps it)."""
    holder.mkdir(parents=True, exist_ok=True)
    (holder / "credit_advisor").symlink_to(tree, target_is_directory=True)
    (holder / "advisor").symlink_to(tree / "advisor", target_is_directory=True)
    return holder


@contextmanager
def revision_and_working_tree(revision: str, prefix: str) -> Iterator[dict[str, Path]]:
    """Import roots for side A (`revision`, checked out into a temporary git worktree)
    and side B (the working tree); the worktree is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        tmp_path = Path(tmp)
        tree = tmp_path / "revision"
        git_worktree = ["git", "-C", str(PROJECT), "worktree"]
        subprocess.run([*git_worktree, "add", "--detach", "-q", str(tree), revision], check=True)
        try:
            yield {"A": source_root(tree, tmp_path / "a"), "B": source_root(PROJECT, tmp_path / "b")}
        finally:
            subprocess.run([*git_worktree, "remove", "--force", str(tree)], check=False)


def run_child(root: Path, seed: int) -> list[float]:
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONHASHSEED=str(seed))
    code = CHILD.format(benchmarks=str(HERE), debts=DEBTS)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(), check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"a run under {root} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="interleaved A/B timing of warm advise(): a revision against the working tree"
    )
    parser.add_argument("revision", help="git revision to compare against (A); the working tree is B")
    parser.add_argument("--rounds", type=int, default=4, help="A/B pairs, alternating the order (default 4)")
    args = parser.parse_args(argv)

    with revision_and_working_tree(args.revision, "credit-advisor-compare-") as roots:
        times: dict[str, list[list[float]]] = {"A": [], "B": []}
        for round_number in range(args.rounds):
            order = ("A", "B") if round_number % 2 == 0 else ("B", "A")
            for side in order:
                times[side].append(run_child(roots[side], seed=round_number))

    print(f"A = {args.revision}, B = working tree; {args.rounds} processes each, mean ms per advise()")
    print("  (the best process shows the code when the machine was fast; the median, typical runs)")
    for index, debts in enumerate(DEBTS):
        a = [run[index] * 1000 for run in times["A"]]
        b = [run[index] * 1000 for run in times["B"]]
        print(
            f"{debts:>4} debts   best A {min(a):7.3f} B {min(b):7.3f} B/A {min(b) / min(a):5.3f}   "
            f"median A {statistics.median(a):7.3f} B {statistics.median(b):7.3f} "
            f"B/A {statistics.median(b) / statistics.median(a):5.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
