"""The command line's arguments: every command, option and help text, in one parser.

Kept apart from cli.py (which runs the commands) so adding a command or an option is a
change here only, and `--help` needs nothing but argparse.
"""

from __future__ import annotations

import argparse

LANGS = ("zh", "en")


def _add_lang(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # Both `credit-advisor --lang en advise F` and `credit-advisor advise F --lang en` work:
    # a subcommand that is not given --lang must not overwrite the top level's with its
    # default (argparse copies a subparser's defaults over the values parsed before it).
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=None if top else argparse.SUPPRESS,
        help="language of the texts: zh (default) or en",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credit-advisor",
        description="What debt trouble really does to Huabei, Weilidai, WeChat, DingTalk and your credit report — "
        "explained and sourced. Run without a command for the guided interview.",
    )
    _add_lang(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    interview = commands.add_parser("interview", help="guided question-and-answer interview (the default)")
    _add_lang(interview)
    interview.add_argument("--answers", metavar="FILE", help="start from the answers saved in FILE (a Situation JSON)")
    interview.add_argument("--save", metavar="FILE", help="save the answers to FILE (mode 0600) as a Situation JSON")

    advise = commands.add_parser("advise", help="advice for a Situation JSON file (or - for standard input)")
    advise.add_argument("file", metavar="FILE|-", help="a Situation JSON file, or - to read standard input")
    advise.add_argument(
        "--format",
        choices=("json", "text"),
        default=None,
        help="json (default when the output is not a terminal) or text (the readable report)",
    )
    advise.add_argument("--trace", action="store_true", help="add the rule trace to the text report")
    advise.add_argument(
        "--trace-out",
        metavar="TRACE.jsonl",
        default=None,
        help="also write an audit trace (header, one line per firing, the advice; mode 0600) "
        "for `credit-advisor audit replay`",
    )
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
    batch.add_argument(
        "--resume", action="store_true", help="continue an interrupted run without redoing finished lines"
    )
    batch.add_argument("--format", choices=("json",), default="json")
    _add_lang(batch)

    audit = commands.add_parser(
        "audit", help="audit the rule base: replay a recorded trace, or rule coverage of a corpus"
    )
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="AUDIT_COMMAND", required=True)
    replay = audit_commands.add_parser(
        "replay",
        help="re-run a trace's recorded input on the current rule base and report what changed "
        "(exit 0 identical, 1 changed, 2 unreadable trace)",
    )
    replay.add_argument("trace", metavar="TRACE.jsonl", help="a trace written by `advise --trace-out`")
    replay.add_argument("--format", choices=("json", "text"), default=None)
    _add_lang(replay)
    coverage = audit_commands.add_parser(
        "coverage", help="run a corpus of situations and report how often each rule fired, and what never happened"
    )
    coverage.add_argument(
        "path", metavar="PATH", help="a folder of Situation JSON files, or a JSONL file (one per line)"
    )
    coverage.add_argument("--format", choices=("json", "text"), default=None)
    coverage.add_argument(
        "--fail-under",
        type=float,
        default=None,
        metavar="PCT",
        help="exit 1 when fewer than PCT percent of the rules fired",
    )
    _add_lang(coverage)

    explain = commands.add_parser("explain", help="why a conclusion was not (or was) reached: --why-not topic.code")
    explain.add_argument("file", metavar="FILE|-", help="a Situation JSON file, or - to read standard input")
    explain.add_argument(
        "--why-not",
        required=True,
        metavar="TOPIC.CODE",
        help="an effect (e.g. huabei.suspended), an action (action.settle_overdue) or finding.on_report",
    )
    explain.add_argument("--debt", type=int, default=None, metavar="N", help="only ask about debts[N]")
    explain.add_argument("--format", choices=("json", "text"), default=None)
    _add_lang(explain)

    whatif = commands.add_parser(
        "whatif", help="advice for a changed situation side by side; --suggest ranks what you can do"
    )
    whatif.add_argument("file", metavar="FILE|-", help="a Situation JSON file, or - to read standard input")
    whatif.add_argument(
        "--set",
        dest="changes",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="change one field, e.g. debts.0.settled=true or credit_inquiries_6m=0 (repeatable; "
        "values are JSON when they parse, else text)",
    )
    whatif.add_argument(
        "--suggest", action="store_true", help="rank the changes within your power by how much they improve the outlook"
    )
    whatif.add_argument("--format", choices=("json", "text"), default=None)
    _add_lang(whatif)
    return parser
