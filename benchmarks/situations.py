"""Realistic random Situations, deterministic for a seed, covering every product and state.

    python benchmarks/situations.py --lines 2000 --min-debts 1 --max-debts 3 --seed 7 > in.jsonl
    python benchmarks/situations.py --lines 100 --bad-every 10 > mixed.jsonl   # with invalid lines

Only the standard library: importable without the advisor installed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys

PRODUCTS = ("huabei", "jiebei", "weilidai", "online_loan", "credit_card", "bank_loan", "other")
LENDERS = ("licensed", "unlicensed", "unknown")
REPORTED = ("yes", "no", "unknown")
NEGOTIATION = ("none", "in_progress", "agreement_honored", "agreement_broken")
HARDSHIP = ("none", "illness", "pandemic", "job_loss", "other")
PLANS = ("weilidai", "huabei", "mortgage", "credit_card", "bank_loan", "online_loan")
# Overdue days around every band edge (0 / 1–30 / 31–90 / over 90).
DAYS = (0, 0, 0, 1, 5, 15, 30, 31, 45, 60, 90, 91, 120, 180, 365, 800)


def _maybe(rng: random.Random, value, none_share: float = 0.3):
    return None if rng.random() < none_share else value


def debt(rng: random.Random, index: int) -> dict:
    days = rng.choice(DAYS)
    settled = days > 0 and rng.random() < 0.35
    item = {
        "product": rng.choice(PRODUCTS),
        "lender": rng.choice(LENDERS),
        "overdue_days": days,
        "reported": rng.choice(REPORTED),
        "settled": settled,
        "months_since_settled": rng.choice((0, 3, 6, 12, 24, 36, 60, 72)) if settled and rng.random() < 0.8 else None,
        "negotiation": rng.choice(NEGOTIATION),
        "amount_cny": _maybe(rng, round(rng.uniform(200, 200_000), 2)),
    }
    if rng.random() < 0.3:
        item["label"] = f"借款{index + 1}"
    return item


def situation(rng: random.Random, debts: int) -> dict:
    return {
        "schema_version": 1,
        "debts": [debt(rng, i) for i in range(debts)],
        "zhima_score": _maybe(rng, rng.randint(350, 950)),
        "credit_inquiries_6m": _maybe(rng, rng.choice((0, 1, 2, 3, 5, 8, 12, 20))),
        "hardship": _maybe(rng, rng.choice(HARDSHIP)),
        "hardship_proof": _maybe(rng, rng.random() < 0.5),
        "employer_links_credit": _maybe(rng, rng.random() < 0.3, 0.5),
        "uses_dingtalk_finance": _maybe(rng, rng.random() < 0.3, 0.5),
        "dingtalk_alipay_credit_authorized": _maybe(rng, rng.random() < 0.3, 0.5),
        "enterprise_owner": _maybe(rng, rng.random() < 0.2, 0.5),
        "collection": {
            "contacts_harassed": _maybe(rng, rng.random() < 0.3),
            "threatened_or_insulted": _maybe(rng, rng.random() < 0.2),
            "contacted_on_wechat": _maybe(rng, rng.random() < 0.3),
        },
        "plans": rng.sample(PLANS, rng.randint(0, 3)),
    }


def situations(count: int, min_debts: int, max_debts: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    return [situation(rng, rng.randint(min_debts, max_debts)) for _ in range(count)]


# Invalid lines, each a different kind of mistake a batch must report, not crash on.
BAD_LINES: tuple[bytes, ...] = (
    b'{"debts": [{"product": "online_loan", "overdue_days": -3}]}',
    b'{"debts": [{"product": "pawn_shop"}]}',
    b'{"debts": [], "zhima_score": 2000}',
    b'{"debts": [{"product": "huabei", "settled": "yes"}]}',
    b'{"debts": [], "colour": "red"}',
    b'{"debts": [',
    b"[1, 2, 3]",
    b"\xff\xfe not utf-8",
    b'{"zhima_score": 600}',
)


def jsonl(count: int, min_debts: int, max_debts: int, seed: int = 7, bad_every: int = 0) -> bytes:
    """JSON Lines text: one situation per line; every `bad_every`-th line an invalid one."""
    lines = []
    for number, item in enumerate(situations(count, min_debts, max_debts, seed), start=1):
        if bad_every and number % bad_every == 0:
            lines.append(BAD_LINES[(number // bad_every) % len(BAD_LINES)])
        else:
            lines.append(json.dumps(item, ensure_ascii=False).encode())
    return b"\n".join(lines) + b"\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--min-debts", type=int, default=1)
    parser.add_argument("--max-debts", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bad-every", type=int, default=0, help="make every Nth line invalid (0: none)")
    args = parser.parse_args(argv)
    sys.stdout.buffer.write(jsonl(args.lines, args.min_debts, args.max_debts, args.seed, args.bad_every))
    return 0


if __name__ == "__main__":
    sys.exit(main())
