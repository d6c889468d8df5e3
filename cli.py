"""The `credit-advisor` command line: parses arguments, asks, and prints.

Heavy imports (pydantic, experta, rich) happen inside each command, so `--help` and
argument errors stay fast.
"""

from __future__ import annotations

import json
import os
import sys

from advisor.ui.cli_parser import build_parser, parse_arguments

__all__ = ["build_parser", "main"]  # tools build the parser from here

# The exit statuses of every command (README, "Exit status"): 1 means "done, with a
# difference or a failed line" (replay changed, batch error records, coverage under
# --fail-under, interview input ended early) and never a crash.
EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT, EXIT_OUTPUT_FAILED, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143


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
    output = args.format or ("text" if sys.stdout.isatty() and not args.output else "json")
    if output == "html":
        from advisor.documents.plan import plan_html

        return _deliver(plan_html(advice), args.output, (args.file,), lang)
    if output == "json":
        from advisor.texts.sanitise import json_visible

        return _deliver(json_visible(advice.model_dump_json(indent=2)) + "\n", args.output, (args.file,), lang)
    from rich.console import Console

    from advisor.ui.render import render_advice

    # The default report is short; --trace adds the details: sources, each action's reason, the rule trace.
    if args.output:
        import io

        buffer = io.StringIO()
        console = Console(file=buffer, width=100, color_system=None)
        render_advice(advice, console, show_trace=args.trace, show_sources=args.trace)
        return _deliver(buffer.getvalue(), args.output, (args.file,), lang)
    render_advice(advice, Console(), show_trace=args.trace, show_sources=args.trace)
    return EXIT_OK


def _deliver(content: str, output: str | None, inputs: tuple[str, ...], lang: str) -> int:
    """`content` to standard output, or to the file the person named (0600, through the
    one writer: never over an input, atomically, under the output's lock)."""
    if output is None:
        sys.stdout.write(content)
        return EXIT_OK
    from advisor.service.private_files import write_private_text

    try:
        write_private_text(output, content, inputs=inputs)
    except OSError as exc:
        return _fail(_file_problem(exc, lang))
    return EXIT_OK


def cmd_rules(args) -> int:
    from advisor.api import rules_listing
    from advisor.texts.catalog import catalog
    from credit_advisor.facts.situation import run_day

    payload = rules_listing(_lang(args))
    rules = payload["rules"]
    if args.format == "json":
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    from rich.console import Console

    from advisor.ui.rules_list import render_rules

    text = catalog(_lang(args)).on(run_day())  # no situation: the parameters of today
    render_rules(rules, payload["ruleset_version"], text, Console(highlight=False))
    return EXIT_OK


def cmd_schema(args) -> int:
    from advisor.api import json_schemas

    if args.compact:
        from advisor.service.compact import compact_record_schema

        sys.stdout.write(json.dumps(compact_record_schema(), ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    schemas = json_schemas()
    payload = schemas if args.which == "both" else schemas[args.which]
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def cmd_interview(args) -> int:
    from advisor.ui.interview import run_interview

    return run_interview(lang=_lang(args), answers_path=args.answers, save_path=args.save, plan_path=args.plan)


def cmd_letter(args) -> int:
    from advisor.api import advise
    from advisor.documents.letters import LetterRefused, build_letter, letter_html, letter_text

    lang = _lang(args)
    situation, status = _load_situation(args, lang)
    if situation is None:
        return status
    advice = advise(situation, lang=lang)
    try:
        letter = build_letter(args.kind, situation, advice, debt=args.debt)
    except LetterRefused as refused:
        print("\n".join(refused.lines), file=sys.stderr)
        return refused.status
    if args.format == "html":
        return _deliver(letter_html(letter), args.output, (args.file,), lang)
    status = _deliver(letter_text(letter), args.output, (args.file,), lang)
    if status == EXIT_OK:
        print("\n".join(letter.note), file=sys.stderr)  # for the person: the page shows it on screen
    return status


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
    from advisor.service.shards import merge_shards

    return merge_shards(args.output, args.shards, _lang(args))


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


def cmd_serve(args) -> int:
    from advisor.service.serve import run_server
    from advisor.texts.catalog import catalog

    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:  # the [serve] extra is not installed
        return _fail([catalog(_lang(args)).text("service", "err_extra", module=error.name or "fastapi")])
    return run_server(
        args.host,
        args.port,
        allow_remote=args.allow_remote,
        workers=args.workers,
        access_log=args.access_log,
        lang=_lang(args),
    )


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
    "letter": cmd_letter,
    "serve": cmd_serve,
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
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
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
