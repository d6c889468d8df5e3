"""The `credit-advisor` command line: parses arguments, asks, and prints.

Heavy imports (pydantic, experta, rich) happen inside each command, so `--help` and
argument errors stay fast.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

LANGS = ("zh", "en")
EXIT_OK, EXIT_BAD_INPUT = 0, 2


def _add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGS, default=None, help="language of the texts: zh (default) or en")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credit-advisor",
        description="What debt trouble really does to Huabei, Weilidai, WeChat, DingTalk and your credit report — "
        "explained and sourced. Run without a command for the guided interview.",
    )
    _add_lang(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    interview = commands.add_parser("interview", help="guided question-and-answer interview (the default)")
    _add_lang(interview)
    interview.add_argument("--answers", metavar="FILE", help="start from the answers saved in FILE (a Situation JSON)")
    interview.add_argument("--save", metavar="FILE", help="save the answers to FILE (mode 0600) as a Situation JSON")

    advise = commands.add_parser("advise", help="advice for a Situation JSON file (or - for standard input)")
    advise.add_argument("file", metavar="FILE|-", help="a Situation JSON file, or - to read standard input")
    advise.add_argument("--format", choices=("json", "text"), default=None,
                        help="json (default when the output is not a terminal) or text (the readable report)")
    advise.add_argument("--trace", action="store_true", help="add the rule trace to the text report")
    _add_lang(advise)

    rules = commands.add_parser("rules", help="list every rule: id, topic, docstring, sources, knowledge items")
    rules.add_argument("--format", choices=("json", "text"), default="text")
    _add_lang(rules)

    schema = commands.add_parser("schema", help="print the JSON Schema of Situation and Advice")
    schema.add_argument("--which", choices=("both", "situation", "advice"), default="both")

    batch = commands.add_parser("batch", help="advice for many situations: one JSON per line in, one per line out")
    batch.add_argument("input", metavar="IN.jsonl", help="one Situation JSON per line")
    batch.add_argument("-o", "--output", metavar="OUT.jsonl", required=True, help="where to write one Advice per line")
    batch.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default 1)")
    batch.add_argument("--resume", action="store_true", help="continue an interrupted run without redoing finished lines")
    batch.add_argument("--format", choices=("json",), default="json")
    _add_lang(batch)
    return parser


def _lang(args) -> str:
    return getattr(args, "lang", None) or "zh"


def _fail(lines: list[str]) -> int:
    for line in lines:
        print(line, file=sys.stderr)
    return EXIT_BAD_INPUT


def _read_input(path: str, lang: str) -> bytes:
    from advisor.validation import MAX_INPUT_BYTES

    if path == "-":
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    with open(path, "rb") as handle:
        return handle.read(MAX_INPUT_BYTES + 1)


def _situation_problems(error, lang: str) -> list[str]:
    from advisor.catalog import catalog

    lines = [catalog(lang).ui("err_heading")]
    lines += [f"  {name}: {message}" for name, message in error.problems]
    return lines


def cmd_advise(args) -> int:
    from advisor.api import advise
    from advisor.catalog import catalog
    from advisor.validation import SituationError, situation_from_json

    lang = _lang(args)
    try:
        raw = _read_input(args.file, lang)
    except OSError as exc:
        return _fail([catalog(lang).ui("err_file", path=args.file, detail=exc.strerror or str(exc))])
    try:
        situation = situation_from_json(raw, lang)
    except SituationError as error:
        return _fail(_situation_problems(error, lang))
    advice = advise(situation, lang=lang)
    output = args.format or ("text" if sys.stdout.isatty() else "json")
    if output == "json":
        sys.stdout.write(advice.model_dump_json(indent=2) + "\n")
    else:
        from rich.console import Console

        from advisor.render import render_advice

        render_advice(advice, Console(), show_trace=args.trace)
    return EXIT_OK


def cmd_rules(args) -> int:
    from advisor.api import rules_by_id, ruleset_version
    from advisor.catalog import catalog

    text = catalog(_lang(args))
    rules = []
    for meta in rules_by_id().values():
        entry = meta.as_dict()
        entry["explanation"] = text.rule(meta.id)
        rules.append(entry)
    if args.format == "json":
        payload = {"ruleset_version": ruleset_version(), "rules": rules}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(rules)} rules · ruleset {ruleset_version()}", show_lines=True)
    for column in ("id", "topic", "summary", "knowledge", "sources"):
        table.add_column(column)
    for rule in rules:
        sources = "\n".join(f"{s['document']} «{s['locator']}»" for s in rule["sources"])
        table.add_row(rule["id"], rule["topic"], Text(rule["summary"]), ", ".join(rule["knowledge"]), Text(sources))
    Console().print(table)
    return EXIT_OK


def cmd_schema(args) -> int:
    from advisor.models import Advice
    from credit_advisor.facts.situation import Situation

    schemas = {"situation": Situation.model_json_schema(), "advice": Advice.model_json_schema()}
    payload = schemas if args.which == "both" else schemas[args.which]
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def cmd_interview(args) -> int:
    from advisor.interview import run_interview

    return run_interview(lang=_lang(args), answers_path=args.answers, save_path=args.save)


def cmd_batch(args) -> int:
    from advisor.batch import run_batch

    return run_batch(
        args.input, args.output, workers=args.workers, resume=args.resume, lang=_lang(args), output_format=args.format
    )


COMMANDS = {
    "advise": cmd_advise,
    "rules": cmd_rules,
    "schema": cmd_schema,
    "interview": cmd_interview,
    "batch": cmd_batch,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.command = "interview"
        args.answers = args.save = None
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, like other Unix tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
