"""Speed of credit-advisor against its targets (see benchmarks/README.md).

    python benchmarks/bench.py            # full run, about 2–2½ minutes
    python benchmarks/bench.py --quick    # fewer samples, under a minute

Prints: warm `advise()` p50/p95 for 1, 5, 20 and 100 debts (and where the time goes:
validation, engine, aggregation, JSON), engine build and import times, whole-process times
of `credit-advisor --help` and `credit-advisor advise FILE`, batch throughput with 1 and 2
workers on 1–3-debt situations, and how the cost grows with the number of debts.
Situations are random but seeded (benchmarks/situations.py): every run measures the
same inputs. Run it with the interpreter of the environment credit-advisor is installed
in; the console script next to that interpreter is used for whole-process times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import situations as gen

LANG = "zh"
# The reference workload (machine_reference) in this machine's quick phases, 2026-11-22.
REFERENCE_QUIET_MS = 11.5


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


def verdict(value: float, target: float | None, higher_is_better: bool = False) -> str:
    if target is None:
        return ""
    ok = value >= target if higher_is_better else value <= target
    return "ok" if ok else "MISSED"


def console_script() -> list[str]:
    script = Path(sys.executable).parent / "credit-advisor"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "advisor"]


def run_quiet(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, **kwargs)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr.decode(errors='replace')}")
    return elapsed


# --------------------------------------------------------------------------- measurements


def measure_advise(debts: int, samples: int, distinct: int = 40) -> dict:
    """Warm advise() on pre-validated Situations, plus the split of one call's time."""
    from advisor.analysis.aggregate import build_advice
    from advisor.api import advise, rules_by_id, ruleset_version
    from advisor.engine.core import engine
    from advisor.texts.catalog import catalog
    from advisor.validation import situation_from_data
    from credit_advisor.facts.situation import dated

    raw = gen.situations(distinct, debts, debts, seed=1000 + debts)
    items = [situation_from_data(item, LANG) for item in raw]
    for item in items[: min(5, len(items))]:  # warm
        advise(item, lang=LANG)
    total, cpu, validate, consult, aggregate, dump, firings = [], [], [], [], [], [], []
    text, registry, version = catalog(LANG), rules_by_id(), ruleset_version()
    # First advise() alone, call after call, as a service would; then, in a second
    # loop, the same calls in their parts.  Interleaving them would time the parts'
    # garbage (collected inside the next timed call) as advise()'s.
    for i in range(samples):
        situation = items[i % distinct]
        c0, t0 = time.process_time(), time.perf_counter()
        advice = advise(situation, lang=LANG)
        t1, c1 = time.perf_counter(), time.process_time()
        total.append(t1 - t0)
        cpu.append(c1 - c0)
    for i in range(samples):
        # advise() dates an undated Situation (as_of = today) before it consults.
        data, situation = raw[i % distinct], dated(items[i % distinct])
        t0 = time.perf_counter()
        situation_from_data(data, LANG)
        t1 = time.perf_counter()
        fired = engine().consult(situation)
        t2 = time.perf_counter()
        advice = build_advice(situation, fired, registry, text, version)
        t3 = time.perf_counter()
        advice.model_dump_json()
        t4 = time.perf_counter()
        validate.append(t1 - t0)
        consult.append(t2 - t1)
        aggregate.append(t3 - t2)
        dump.append(t4 - t3)
        firings.append(len(fired))
    return {
        "debts": debts,
        "samples": samples,
        "p50": pct(total, 50),
        "p95": pct(total, 95),
        "cpu50": pct(cpu, 50),
        "validate": statistics.median(validate),
        "consult": statistics.median(consult),
        "aggregate": statistics.median(aggregate),
        "dump": statistics.median(dump),
        "firings": statistics.median(firings),
        "json_kb": len(advice.model_dump_json().encode()) / 1024,
    }


def measure_advise_in_processes(debts: int, samples: int, processes: int) -> dict:
    """measure_advise() in fresh processes, one per hash seed, and the median of each figure.

    One process's figures move by 10-20% with its string-hash seed (dict layouts, cache
    behaviour; the work done is the same), so a single process can flatter or wrong the
    code.  `spread` is the lowest and highest p50 seen."""
    rows = []
    for seed in range(processes):
        env = dict(os.environ, PYTHONHASHSEED=str(seed))
        out = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--advise-child", str(debts), str(samples)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
        rows.append(json.loads(out))
    merged = {key: statistics.median(row[key] for row in rows) for key in rows[0] if key not in ("debts", "samples")}
    merged.update(
        debts=debts,
        samples=samples,
        processes=processes,
        spread=(min(r["p50"] for r in rows), max(r["p50"] for r in rows)),
    )
    return merged


def measure_engine_build(repeats: int) -> dict:
    from advisor.engine.core import CreditEngine

    builds = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        CreditEngine()
        builds.append(time.perf_counter() - t0)
    code = (
        "import time; t0 = time.perf_counter(); import advisor.api as a; t1 = time.perf_counter(); "
        "a.engine(); t2 = time.perf_counter(); "
        "a.advise({'debts': [{'product': 'online_loan', 'overdue_days': 45}]}); t3 = time.perf_counter(); "
        "print(t1 - t0, t2 - t1, t3 - t2)"
    )
    imports, fresh_builds, first_calls = [], [], []
    for _ in range(max(3, repeats // 2)):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        imports.append(float(out[0]))
        fresh_builds.append(float(out[1]))
        first_calls.append(float(out[2]))
    return {
        "build_warm": statistics.median(builds),
        "import_api": statistics.median(imports),
        "build_fresh": statistics.median(fresh_builds),
        "first_call": statistics.median(first_calls),
    }


def measure_process(repeats: int, workdir: Path) -> dict:
    command = console_script()
    situation = workdir / "situation.json"
    situation.write_text(json.dumps(gen.situations(1, 2, 2, seed=3)[0], ensure_ascii=False), encoding="utf-8")
    run_quiet(command + ["--help"])  # warm the OS file cache
    run_quiet(command + ["advise", str(situation)])
    helps = [run_quiet(command + ["--help"]) for _ in range(repeats)]
    advises = [run_quiet(command + ["advise", str(situation), "--format", "json"]) for _ in range(repeats)]
    bare = [run_quiet([sys.executable, "-c", "pass"]) for _ in range(repeats)]
    return {"help": statistics.median(helps), "advise": statistics.median(advises), "python": statistics.median(bare)}


def measure_batch(lines: int, workdir: Path, repeats: int) -> dict:
    """Situations per second of whole `credit-advisor batch` runs (median of `repeats`), and
    the wall time of a one-line run (start-up: interpreter, imports, engine, workers)."""
    command = console_script()
    source = workdir / "batch.jsonl"
    source.write_bytes(gen.jsonl(lines, 1, 3, seed=42))
    one = workdir / "one.jsonl"
    one.write_bytes(gen.jsonl(1, 1, 3, seed=42))
    result = {}
    outputs = {}
    for workers in (1, 2):
        out = workdir / f"out{workers}.jsonl"
        runs = []
        for _ in range(repeats):
            runs.append(
                run_quiet(command + ["batch", str(source), "-o", str(out), "--workers", str(workers), "--lang", LANG])
            )
        result[workers] = lines / statistics.median(runs)
        outputs[workers] = out.read_bytes()
        startup = statistics.median(
            run_quiet(command + ["batch", str(one), "-o", str(workdir / "one.out"), "--workers", str(workers)])
            for _ in range(repeats)
        )
        result[f"startup{workers}"] = startup
        result[f"steady{workers}"] = lines / max(1e-9, statistics.median(runs) - startup)
    result["identical"] = outputs[1] == outputs[2]
    return result


# --------------------------------------------------------------------------- report


def reference_workload() -> int:
    """Fixed pure-Python work of the kind a consultation does (small dicts, tuples,
    strings, sorting, calls): its time shows the machine's phase, not our code's."""
    total = 0
    for number in range(20_000):
        slots = {"debt": number, "code": str(number), "pair": (number, number + 1)}
        total += len(tuple(sorted(slots))) + hash(slots["pair"]) % 7
    return total


def machine_reference() -> float:
    """Median seconds of the reference workload over 7 runs."""
    times = []
    for _ in range(7):
        started = time.perf_counter()
        reference_workload()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="credit-advisor speed against its targets")
    parser.add_argument("--quick", action="store_true", help="fewer samples and processes (under a minute)")
    parser.add_argument("--advise-child", nargs=2, type=int, metavar=("DEBTS", "SAMPLES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.advise_child:
        print(json.dumps(measure_advise(*args.advise_child)))
        return 0
    quick = args.quick
    started = time.perf_counter()

    from advisor.api import advise, rules_by_id

    advise({"debts": []}, lang=LANG)
    reference_before = machine_reference()
    print(
        f"credit-advisor benchmark — Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{len(rules_by_id())} rules, language {LANG}, load average {os.getloadavg()[0]:.2f}"
        f"{' (quick)' if quick else ''}"
    )
    print()

    samples = {1: 200, 5: 80, 20: 30, 100: 6} if quick else {1: 400, 5: 200, 20: 60, 100: 15}
    targets = {1: 0.001, 5: 0.002, 20: 0.006, 100: None}
    processes = 3 if quick else 5
    rows = [measure_advise_in_processes(debts, count, processes) for debts, count in samples.items()]

    print(
        f"Warm advise() (Situation already validated; engine reused; median of {processes} processes, "
        "one per hash seed)"
    )
    print(
        f"{'debts':>5} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'target':>8}        {'cpu p50':>8}  "
        f"{'validate':>8} {'engine':>8} {'aggreg.':>8} {'to JSON':>8} {'firings':>7} {'JSON kB':>7}"
    )
    for row in rows:
        target = targets[row["debts"]]
        print(
            f"{row['debts']:>5} {row['samples']:>4} {ms(row['p50'])} {ms(row['p95'])} "
            f"{('≤ ' + format(target * 1000, 'g')) if target else '':>8} {verdict(row['p50'], target):6} "
            f"{ms(row['cpu50'])}  "
            f"{ms(row['validate'])} {ms(row['consult'])} {ms(row['aggregate'])} {ms(row['dump'])} "
            f"{row['firings']:>7.0f} {row['json_kb']:>7.1f}   p50 {row['spread'][0] * 1000:.2f}–{row['spread'][1] * 1000:.2f}"
        )
    print(
        "  (p50/p95 wall clock; cpu p50 = process CPU time, less disturbed by other load; the parts are medians: "
        "validate = dict → Situation, not part of advise(Situation); engine = reset + declare + run with trace; "
        "aggreg. = build_advice incl. trace and pydantic Advice; to JSON = model_dump_json)"
    )
    print()

    build = measure_engine_build(3 if quick else 7)
    print("Start-up")
    print(f"  import advisor.api (fresh process)       {ms(build['import_api'])} ms")
    print(f"  engine build, first in a process          {ms(build['build_fresh'])} ms")
    print(f"  engine build, CreditEngine() warm          {ms(build['build_warm'])} ms")
    print(f"  first advise() after the build            {ms(build['first_call'])} ms   (catalogs, ruleset hash)")
    print()

    with tempfile.TemporaryDirectory(prefix="credit-advisor-bench-") as tmp:
        workdir = Path(tmp)
        process = measure_process(3 if quick else 7, workdir)
        print(f"Whole process (median of {3 if quick else 7}; {' '.join(console_script())})")
        print(f"  python -c pass (floor)                    {ms(process['python'])} ms")
        print(
            f"  credit-advisor --help                     {ms(process['help'])} ms   target ≤ 150   "
            f"{verdict(process['help'], 0.150)}"
        )
        print(
            f"  credit-advisor advise FILE (2 debts)      {ms(process['advise'])} ms   target ≤ 400   "
            f"{verdict(process['advise'], 0.400)}"
        )
        print()

        lines, repeats = (2000, 1) if quick else (2000, 3)
        batch = measure_batch(lines, workdir, repeats)
        print(f"Batch, {lines} situations of 1–3 debts (whole process, incl. start-up; median of {repeats})")
        print(
            f"  1 worker                                  {batch[1]:8.0f} situations/s   "
            f"(start-up {batch['startup1'] * 1000:.0f} ms; {batch['steady1']:.0f}/s after it)"
        )
        print(
            f"  2 workers                                 {batch[2]:8.0f} situations/s   target ≥ 1000   "
            f"{verdict(batch[2], 1000, higher_is_better=True)}   "
            f"(start-up {batch['startup2'] * 1000:.0f} ms; {batch['steady2']:.0f}/s after it)"
        )
        print(f"  1 and 2 workers give identical output: {'yes' if batch['identical'] else 'NO'}")
        print()

    counts = (0, 1, 2, 5, 10, 20, 50, 100)
    growth = [
        measure_advise(debts, max(4, (40 if quick else 120) // max(1, debts // 2)), distinct=20) for debts in counts
    ]
    base = growth[0]["p50"]
    print("Cost vs debts (warm advise() p50)")
    print(f"{'debts':>5} {'p50 ms':>8} {'ms/debt':>8} {'marginal ms/debt':>17} {'firings':>7} {'ms/firing':>9}")
    previous = growth[0]
    for row in growth:
        per_debt = (row["p50"] - base) / row["debts"] * 1000 if row["debts"] else float("nan")
        marginal = (
            (row["p50"] - previous["p50"]) / (row["debts"] - previous["debts"]) * 1000
            if row["debts"] != previous["debts"]
            else float("nan")
        )
        print(
            f"{row['debts']:>5} {ms(row['p50'])} {per_debt:8.2f} {marginal:17.2f} {row['firings']:>7.0f} "
            f"{row['p50'] * 1000 / max(1, row['firings']):9.3f}"
        )
        previous = row
    print(
        "  (ms/debt = (p50(n) - p50(0)) / n; marginal = between this row and the one above; a growing marginal "
        "cost means super-linear growth)"
    )
    print()
    reference_after = machine_reference()
    print(
        f"Machine phase: reference workload {ms(reference_before).strip()} ms at the start, "
        f"{ms(reference_after).strip()} ms at the end (about {REFERENCE_QUIET_MS} ms when this machine is quick;"
    )
    print("  the same code's figures scale with it, which is why compare.py and instructions.py exist)")
    print(f"benchmark took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
