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
# The exit statuses of every command (README, "Exit status"): 1 means "done, with a
# difference or a failed line" (replay changed, batch error records, coverage under
# --fail-under, interview input ended early) and never a crash.
EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT, EXIT_OUTPUT_FAILED, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


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
    schema.add_argument(
        "--compact", action="store_true", help="the JSON Schema of one line of `batch --detail compact` output instead"
    )

    batch = commands.add_parser(
        "batch",
        help="advice for many situations: one JSON per line in, one per line out "
        "(`batch merge OUT SHARD...` merges the outputs of --shard runs)",
    )
    batch.add_argument("input", metavar="IN.jsonl", help="one Situation JSON per line")
    batch.add_argument("-o", "--output", metavar="OUT.jsonl", required=True, help="where to write one Advice per line")
    batch.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default 1)")
    batch.add_argument(
        "--resume", action="store_true", help="continue an interrupted run without redoing finished lines"
    )
    batch.add_argument("--format", choices=("json",), default="json")
    batch.add_argument(
        "--detail",
        choices=("full", "compact"),
        default="full",
        help="full: the whole Advice (default); compact: codes, likelihoods, actions and fired rules only "
        "(`credit-advisor schema --compact`)",
    )
    batch.add_argument(
        "--shard",
        metavar="K/N",
        default=None,
        help="do only shard K of N (blocks of 1,024 lines dealt round-robin; line numbers stay global); "
        "join the N outputs with `batch merge`",
    )
    batch.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help="run on the Dask scheduler at ADDRESS, or local:N for a local cluster of N processes "
        "(pip install 'credit-advisor[dask]')",
    )
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


def _lang(args) -> str:
    return getattr(args, "lang", None) or "zh"


def _fail(lines: list[str]) -> int:
    """Print `lines` on standard error, every character visible (the one sanitiser:
    file names, targets and paths given by a person are echoed here), and say "bad input"."""
    from advisor.texts.sanitise import visible

    for line in lines:
        print("\n".join(visible(part) for part in line.split("\n")), file=sys.stderr)
    return EXIT_BAD_INPUT


def _read_input(path: str, lang: str) -> bytes:
    from advisor.service.private_files import read_untrusted
    from advisor.validation import MAX_INPUT_BYTES

    return read_untrusted(path, MAX_INPUT_BYTES)


def _file_problem(error: OSError, lang: str) -> list[str]:
    from advisor.service.private_files import describe

    return [describe(error, lang)]


def _situation_problems(error, lang: str) -> list[str]:
    from advisor.texts.catalog import catalog

    lines = [catalog(lang).ui("err_heading")]
    lines += [f"  {name}: {message}" for name, message in error.problems]
    return lines


def cmd_advise(args) -> int:
    from advisor.api import advise
    from advisor.validation import SituationError, situation_from_json

    lang = _lang(args)
    try:
        raw = _read_input(args.file, lang)
    except OSError as exc:
        return _fail(_file_problem(exc, lang))
    try:
        situation = situation_from_json(raw, lang)
    except SituationError as error:
        return _fail(_situation_problems(error, lang))
    advice = advise(situation, lang=lang)
    if getattr(args, "trace_out", None):
        from advisor.analysis.audit import write_trace

        try:
            write_trace(args.trace_out, situation, advice, inputs=(args.file,))
        except OSError as exc:
            return _fail(_file_problem(exc, lang))
    output = args.format or ("text" if sys.stdout.isatty() else "json")
    if output == "json":
        from advisor.texts.sanitise import json_visible

        sys.stdout.write(json_visible(advice.model_dump_json(indent=2)) + "\n")
    else:
        from rich.console import Console

        from advisor.ui.render import render_advice

        render_advice(advice, Console(), show_trace=args.trace)
    return EXIT_OK


def cmd_rules(args) -> int:
    from advisor.api import rules_by_id, ruleset_version
    from advisor.texts.catalog import catalog
    from credit_advisor.facts.situation import run_day

    text = catalog(_lang(args)).on(run_day())  # no situation: the parameters of today
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

    if args.compact:
        from advisor.service.compact import compact_record_schema

        sys.stdout.write(json.dumps(compact_record_schema(), ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    schemas = {"situation": Situation.model_json_schema(), "advice": Advice.model_json_schema()}
    payload = schemas if args.which == "both" else schemas[args.which]
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def cmd_interview(args) -> int:
    from advisor.ui.interview import run_interview

    return run_interview(lang=_lang(args), answers_path=args.answers, save_path=args.save)


def cmd_batch(args) -> int:
    from advisor.service.batch import run_batch

    return run_batch(
        args.input,
        args.output,
        workers=args.workers,
        resume=args.resume,
        lang=_lang(args),
        output_format=args.format,
        detail=args.detail,
        shard=args.shard,
        dask=args.dask,
    )


def cmd_batch_merge(args) -> int:
    from advisor.service.shards import main as merge_main

    return merge_main(args.merge_args, _lang(args))


def _batch_merge_argv(argv: list[str]) -> tuple[list[str], str | None] | None:
    """For `[--lang L] batch merge ...`: (the arguments after "merge", the top-level
    language); None for any other command line.  (`batch` takes one input file: an
    input named "merge" is given as ./merge.)"""
    lang = None
    index = 0
    while index < len(argv) and argv[index].startswith("--lang"):
        if argv[index] == "--lang" and index + 1 < len(argv):
            lang, index = argv[index + 1], index + 2
        else:
            lang, index = argv[index].partition("=")[2], index + 1
    if argv[index : index + 2] == ["batch", "merge"]:
        return argv[index + 2 :], lang
    return None


def _output(args) -> str:
    return args.format or ("text" if sys.stdout.isatty() else "json")


def _write_json(payload) -> None:
    from advisor.texts.sanitise import json_visible

    # Recorded traces, file names and --set paths reach this output: hidden characters
    # are written as \u escapes (the same JSON data, nothing live on a terminal).
    sys.stdout.write(json_visible(json.dumps(payload, ensure_ascii=False, indent=2)) + "\n")


def _load_situation(args, lang: str):
    """(situation, None), or (None, exit status) after printing the problems."""
    from advisor.validation import SituationError, situation_from_json

    try:
        raw = _read_input(args.file, lang)
    except OSError as exc:
        return None, _fail(_file_problem(exc, lang))
    try:
        return situation_from_json(raw, lang), None
    except SituationError as error:
        return None, _fail(_situation_problems(error, lang))


def cmd_audit(args) -> int:
    from rich.console import Console

    from advisor.analysis.audit import TraceError, coverage, read_trace, render_coverage, render_replay, replay
    from advisor.texts.audit_text import audit_text
    from advisor.texts.catalog import catalog

    lang = _lang(args)
    if args.audit_command == "replay":
        try:
            trace = read_trace(args.trace, lang)
            report = replay(trace, lang=args.lang)
        except TraceError as error:
            return _fail([audit_text(catalog(lang), "cli.err_trace", detail=str(error))])
        if not report.input_intact:
            print(audit_text(catalog(report.language), "replay.input_altered"), file=sys.stderr)
        if _output(args) == "json":
            _write_json(report.as_dict())
        else:
            render_replay(report, Console())
        if not report.input_intact:
            return EXIT_BAD_INPUT
        return EXIT_OK if report.identical else 1
    try:
        corpus = coverage(args.path, lang=lang)
    except TraceError as error:
        return _fail([audit_text(catalog(lang), "cli.err_corpus", detail=str(error))])
    if _output(args) == "json":
        _write_json(corpus.as_dict())
    else:
        render_coverage(corpus, Console(), lang)
    if corpus.situations == 0:
        return _fail([audit_text(catalog(lang), "cli.err_empty_corpus", path=args.path)])
    if args.fail_under is not None and corpus.rule_coverage < args.fail_under:
        return 1
    return EXIT_OK


def cmd_explain(args) -> int:
    from advisor.analysis.whynot import TargetError, parse_target, render_why_not, why_not
    from advisor.texts.audit_text import audit_text
    from advisor.texts.catalog import catalog

    lang = _lang(args)
    text = catalog(lang)
    try:
        parse_target(args.why_not)
    except TargetError as error:
        return _fail([audit_text(text, "whynot.error_target", target=args.why_not, allowed=", ".join(error.allowed))])
    situation, status = _load_situation(args, lang)
    if situation is None:
        return status
    if args.debt is not None and not 0 <= args.debt < len(situation.debts):
        allowed = ", ".join(str(i) for i in range(len(situation.debts))) or "—"
        count = len(situation.debts)
        return _fail([audit_text(text, "whynot.error_debt", debt=args.debt, count=count, allowed=allowed)])
    result = why_not(situation, args.why_not, lang=lang, debt=args.debt)
    if _output(args) == "json":
        _write_json(result.as_dict())
    else:
        from rich.console import Console

        render_why_not(result, Console())
    return EXIT_OK


def cmd_whatif(args) -> int:
    from advisor.analysis.whatif import (
        ChangeError,
        parse_assignment,
        render_suggestions,
        render_what_if,
        suggest,
        what_if,
    )
    from advisor.texts.audit_text import audit_text
    from advisor.texts.catalog import catalog
    from advisor.validation import SituationError

    lang = _lang(args)
    text = catalog(lang)
    if not args.changes and not args.suggest:
        return _fail([audit_text(text, "cli.err_whatif_nothing")])
    try:
        changes = [parse_assignment(raw, lang) for raw in args.changes]
    except ChangeError as error:
        return _fail([audit_text(text, "whatif.err_heading")] + [f"  {p}: {m}" for p, m in error.problems])
    situation, status = _load_situation(args, lang)
    if situation is None:
        return status
    payload: dict = {}
    result = suggestions = None
    if changes:
        try:
            result = what_if(situation, changes, lang=lang)
        except ChangeError as error:
            return _fail([audit_text(text, "whatif.err_heading")] + [f"  {p}: {m}" for p, m in error.problems])
        except SituationError as error:
            lines = [audit_text(text, "whatif.err_heading")]
            lines += [f"  --set {raw}" for raw in args.changes]
            lines += [f"  {name}: {message}" for name, message in error.problems]
            return _fail(lines)
        payload.update(result.as_dict())
    if args.suggest:
        suggestions = suggest(situation, lang=lang)
        payload["suggestions"] = suggestions.as_dict()
    if _output(args) == "json":
        _write_json(payload)
        return EXIT_OK
    from rich.console import Console

    console = Console()
    if result is not None:
        render_what_if(result, console)
    if suggestions is not None:
        render_suggestions(suggestions, console)
    return EXIT_OK


COMMANDS = {
    "advise": cmd_advise,
    "rules": cmd_rules,
    "schema": cmd_schema,
    "interview": cmd_interview,
    "batch": cmd_batch,
    "batch merge": cmd_batch_merge,
    "audit": cmd_audit,
    "explain": cmd_explain,
    "whatif": cmd_whatif,
}


def _quiet_stdout() -> None:
    """Send what is still buffered for standard output nowhere, so the interpreter's
    last flush cannot fail again (and print a traceback) on the way out."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def _output_failed(lang: str, detail: str) -> int:
    from advisor.texts.catalog import catalog

    _quiet_stdout()
    try:
        print(catalog(lang).text("files", "output_failed", detail=detail), file=sys.stderr)
    except (OSError, ValueError):
        pass
    return EXIT_OUTPUT_FAILED


def main(argv: list[str] | None = None) -> int:
    if sys.stderr is None:  # started with standard error closed: messages go nowhere, not into a crash
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    merge = _batch_merge_argv(sys.argv[1:] if argv is None else argv)
    if merge is not None:  # `batch merge`: its own arguments, the same handling of signals and errors
        args = argparse.Namespace(
            command="batch merge", merge_args=merge[0], lang=merge[1] if merge[1] in LANGS else None
        )
    else:
        args = build_parser().parse_args(argv)
    if args.command is None:
        args.command = "interview"
        args.answers = args.save = None
    lang = _lang(args)
    if sys.stdout is None and not args.command.startswith("batch"):
        from advisor.texts.catalog import catalog

        return _output_failed(lang, catalog(lang).text("files", "stdout_closed"))
    import signal

    from advisor.service import stop

    previous = stop.terminate_like_interrupt()  # SIGTERM ends a run like Ctrl-C (partial output kept)
    try:
        status = COMMANDS[args.command](args)
        if sys.stdout is not None:
            sys.stdout.flush()
        return EXIT_TERMINATED if status == EXIT_INTERRUPTED and stop.received else status
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_TERMINATED if stop.received else EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, like other Unix tools.
        _quiet_stdout()
        return EXIT_OK
    except OSError as error:  # commands report the files they read and write: this is the output
        return _output_failed(lang, error.strerror or type(error).__name__)
    except (RecursionError, MemoryError):
        return _internal(lang, "resources")
    except Exception as error:  # noqa: BLE001 - a bug must still end in a message and a documented status
        return _internal(lang, type(error).__name__)
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop.received.clear()


def _internal(lang: str, kind: str) -> int:
    from advisor.texts.catalog import catalog

    try:
        print(catalog(lang).text("files", "internal_error", kind=kind), file=sys.stderr)
    except (OSError, ValueError):
        pass
    return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
