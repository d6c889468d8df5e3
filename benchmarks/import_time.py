"""Which imports dominate start-up: `python -X importtime`, self time grouped by package.

    python benchmarks/import_time.py [--runs 5] [--top 15]

Measures `import advisor.api` (what `credit-advisor advise` pays before any work) and
`credit-advisor --help` (argument parsing only), each in fresh processes; prints the
median run's total and its biggest packages. -X importtime itself adds overhead: compare
shares, and use bench.py for wall-clock figures.
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys

TARGETS = {
    "import advisor.api": "import advisor.api",
    "credit-advisor --help": "import sys; from credit_advisor.cli import main; "
    "sys.argv = ['credit-advisor', '--help']\n"
    "try:\n    main()\nexcept SystemExit:\n    pass",
}


def group(name: str) -> str:
    parts = name.split(".")
    if parts[0] in ("credit_advisor", "advisor", "pydantic") and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


FAMILIES = {
    "pydantic + pydantic_core + annotated_types + typing_*": (
        "pydantic",
        "annotated_types",
        "typing_inspection",
        "typing_extensions",
    ),
    "experta + frozendict + schema": ("experta", "frozendict", "schema"),
    "credit-advisor's own modules": ("advisor", "credit_advisor"),
}
# Cumulative (self + what they import first) of modules worth naming.
CUMULATIVE = (
    "pydantic",
    "pydantic.plugin._loader",
    "experta",
    "credit_advisor.facts.situation",
    "credit_advisor.rules",
    "advisor.models",
    "advisor.analysis.aggregate",
    "hashlib",
    "tomllib",
)


STDLIB = "standard library (imported directly)"


def family(name: str) -> str:
    for label, roots in FAMILIES.items():
        if name.split(".")[0].startswith(roots):
            return label
    return STDLIB


def measure(code: str) -> tuple[int, collections.Counter, collections.Counter, dict]:
    """(total self µs, self µs by package, self µs by family with standard-library modules
    charged to the family that first imported them, cumulative µs of CUMULATIVE)."""
    stderr = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=False
    ).stderr
    groups: collections.Counter = collections.Counter()
    cumulative: dict[str, int] = {}
    stack: list[tuple[int, str, int, list]] = []
    total = 0
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, raw_name = line[len("import time:") :].split("|")
        name = raw_name.strip()
        depth = (len(raw_name) - len(raw_name.lstrip()) - 1) // 2
        children = []
        while stack and stack[-1][0] > depth:
            children.append(stack.pop())
        node = (depth, name, int(self_us), children)
        stack.append(node)
        groups[group(name)] += int(self_us)
        if name in CUMULATIVE:
            cumulative[name] = max(cumulative.get(name, 0), int(cumulative_us))
        total += int(self_us)
    families: collections.Counter = collections.Counter()

    def charge(node, inherited: str) -> None:
        own = family(node[1])
        label = own if own != STDLIB else inherited
        families[label] += node[2]
        for child in node[3]:
            charge(child, label)

    for root in stack:
        charge(root, STDLIB)
    return total, groups, families, cumulative


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    for label, code in TARGETS.items():
        runs = sorted((measure(code) for _ in range(args.runs)), key=lambda run: run[0])
        total, groups, families, cumulative = runs[len(runs) // 2]
        print(f"{label}: {total / 1000:.1f} ms of imports (median of {args.runs})")
        print("  by family (standard-library modules charged to the family that imported them):")
        for name, micros in families.most_common():
            print(f"    {micros / 1000:7.1f} ms  {micros / total * 100:5.1f}%  {name}")
        if cumulative:
            print("  named modules (cumulative: the module and what it imported first):")
            for name in CUMULATIVE:
                if name in cumulative:
                    print(f"    {cumulative[name] / 1000:7.1f} ms  {name}")
        print(f"  top {args.top} packages (self time):")
        for name, micros in groups.most_common(args.top):
            print(f"    {micros / 1000:7.1f} ms  {micros / total * 100:5.1f}%  {name}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
