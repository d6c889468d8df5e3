"""The likelihood order exists once: `Likelihood`'s declaration, strongest first.  Every
comparison, ranking and threshold on likelihoods derives from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from credit_advisor.facts.enums import STRENGTH, Likelihood

ROOT = Path(__file__).resolve().parent.parent
CODES = "|".join(item.value for item in Likelihood)
QUOTED_CODE = re.compile(rf"""["']({CODES})["']""")


def test_strength_follows_the_declaration_strongest_first():
    assert [item.strength for item in Likelihood] == list(range(len(Likelihood), 0, -1))
    assert all(STRENGTH[item.value] == item.strength for item in Likelihood)
    assert all(Likelihood.of_strength(item.strength) is item for item in Likelihood)


def test_helpers_rank_by_that_order():
    assert Likelihood.down_to(Likelihood.likely) == (Likelihood.certain, Likelihood.likely)
    assert Likelihood.down_to("unlikely") == tuple(Likelihood)
    assert Likelihood.strongest(["possible", "unlikely", "likely"]) is Likelihood.likely
    assert Likelihood.possible.at_least("possible") and not Likelihood.possible.at_least("likely")
    with pytest.raises(ValueError):
        Likelihood.strongest([])


def python_files() -> list[Path]:
    found = [ROOT / "cli.py"]
    for folder in ("advisor", "facts", "rules", "benchmarks"):
        found.extend(sorted((ROOT / folder).rglob("*.py")))
    return [path for path in found if path.name != "enums.py" or path.parent.name != "facts"]


def test_no_module_writes_out_the_order_again():
    """A line naming two or more likelihoods (a dict of strengths, a tuple of levels, a
    sort key) restates the order; one likelihood per line (a rule's conclusion) does not."""
    restated = []
    for path in python_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if len(set(QUOTED_CODE.findall(line))) >= 2:
                restated.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert restated == []
