"""The command line's arguments: every command, option and help text, in one parser,
speaking the person's language.

Kept apart from cli.py (which runs the commands) so adding a command or an option is a
change here only.  Every text is in `catalogs/<lang>/cli.toml`: the help of our options
under `[cli.help]`, and argparse's own words ("usage: ", "the following arguments are
required: %s", …) under `[cli.argparse]`, keyed by argparse's English original — argparse
passes each of them through gettext's `_`, so the parser swaps in our translation while
it builds, parses and formats.  The language comes from `--lang` wherever it stands on
the command line (read before parsing, so a usage error is already in that language);
without it, Chinese.

`--help` needs nothing but argparse and this one small file (the full text catalog pulls
in the parameters and pydantic): it stays fast.
"""

from __future__ import annotations

import argparse
import tomllib
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path
from typing import Any

LANGS = ("zh", "zh-Hant", "en")  # advisor.texts.catalog.LANGUAGES, without importing it
DERIVED = {"zh-Hant": "zh"}  # advisor.texts.catalog.DERIVED_FROM: Traditional is converted from Simplified
DEFAULT_LANG = "zh"
CATALOGS = Path(__file__).resolve().parent.parent / "texts" / "catalogs"


@cache
def cli_texts(lang: str) -> dict[str, Any]:
    """The `[cli]` table of one language (the catalog's `cli.toml`, read on its own; a
    derived language's converted from its source's, as the catalogs are)."""
    if lang in DERIVED:
        from advisor.texts.traditional import traditional_data

        converted: dict[str, Any] = traditional_data(cli_texts(DERIVED[lang]))
        return converted
    with open(CATALOGS / lang / "cli.toml", "rb") as handle:
        return tomllib.load(handle)["cli"]


def requested_language(argv: Sequence[str]) -> str:
    """The language `--lang` asks for (the last one given, `--lang en`, `--lang=en` or an
    abbreviation argparse accepts such as `--la en`), before anything is parsed; zh when
    there is none or it is not a language we have (argparse then says so, in Chinese)."""
    lang = DEFAULT_LANG
    tokens = list(argv)
    for position, token in enumerate(tokens):
        if token == "--":
            break
        name, equals, value = token.partition("=")
        if len(name) < 3 or not "--lang".startswith(name):
            continue
        if not equals:
            value = tokens[position + 1] if position + 1 < len(tokens) else ""
        lang = value if value in LANGS else DEFAULT_LANG
    return lang


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# Chinese line breaking: no line starts with closing punctuation or ends with opening.
_NO_LINE_START = frozenset("，。、；：！？）》」』”’")
_NO_LINE_END = frozenset("（《「『“‘")


def _wrap(text: str, width: int) -> list[str]:
    """`text` wrapped to `width` terminal cells: at spaces, and between any two Chinese
    characters (textwrap counts characters, and a Chinese one takes two cells)."""
    pieces: list[str] = []
    for word in " ".join(text.split()).split(" "):
        run = ""
        for ch in word:  # a line may break before or after a wide character; ASCII runs stay whole
            wide_edge = _cells(ch) == 2 or (run and _cells(run[-1]) == 2)
            if run and wide_edge and ch not in _NO_LINE_START and run[-1] not in _NO_LINE_END:
                pieces.append(run)
                run = ch
            else:
                run += ch
        if run:
            pieces.append(run)
        pieces.append(" ")
    lines: list[str] = []
    line = ""
    for piece in pieces[:-1]:
        if piece == " ":
            line += " " if line else ""
            continue
        if line and _cells(line) + _cells(piece) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines


class HelpFormatter(argparse.HelpFormatter):
    """argparse's layout, measured in terminal cells instead of characters (a Chinese
    character takes two), with the section headings' colon of the language."""

    def __init__(self, prog: str, *, colon: str = ":", **kwargs: Any):
        super().__init__(prog, **kwargs)
        self._colon = colon
        self._headings: list[str] = []

    def start_section(self, heading: Any) -> None:
        if isinstance(heading, str):
            self._headings.append(heading)
        super().start_section(heading)

    def format_help(self) -> str:
        text = super().format_help()
        for heading in self._headings:  # argparse writes "heading:" itself
            text = text.replace(f"\n{heading}:\n", f"\n{heading}{self._colon}\n")
        return text

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any) -> str:
        shown = prefix if prefix is not None else vars(argparse)["_"]("usage: ")
        # argparse measures the prefix by its characters (用法： is 3 characters, 6 cells):
        # it lays the usage out for a terminal narrower by the difference, which is then
        # added to the continuation lines' indent.
        extra = _cells(shown) - len(shown)
        self._width -= extra
        try:
            text = super()._format_usage(usage, actions, groups, prefix)
        finally:
            self._width += extra
        first, *rest = text.split("\n")
        rest = [" " * extra + line if line.startswith(" ") else line for line in rest]
        if any(_cells(line) > self._width for line in rest):
            # An option too long to stand under the command goes under the prefix
            # instead of past the terminal's edge.
            rest = [" " * _cells(shown) + line.lstrip() if line.startswith(" ") else line for line in rest]
        return "\n".join([first, *rest])

    def _split_lines(self, text: str, width: int) -> list[str]:
        return _wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in _wrap(text, width - len(indent)))


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose own words (usage, errors, section titles) are read from
    `[cli.argparse]` of its language; subcommands' parsers share the language."""

    def __init__(self, *args: Any, lang: str = DEFAULT_LANG, **kwargs: Any):
        self.lang = lang
        kwargs.setdefault("formatter_class", partial(HelpFormatter, colon=cli_texts(lang)["section_colon"]))
        with self.speaking():
            super().__init__(*args, **kwargs)

    @contextmanager
    def speaking(self) -> Iterator[None]:
        """argparse's gettext hooks (its module-level `_` and `ngettext`) set to this
        language for the duration: argparse looks them up at each message."""
        table: dict[str, str] = cli_texts(self.lang)["argparse"]

        def translate(message: str) -> str:
            return table.get(message, message)

        def translate_plural(singular: str, plural: str, count: int) -> str:
            return translate(singular if count == 1 else plural)

        hooks = vars(argparse)  # the module's globals, where argparse's functions look `_` up
        saved = hooks["_"], hooks["ngettext"]
        hooks["_"], hooks["ngettext"] = translate, translate_plural
        try:
            yield
        finally:
            hooks["_"], hooks["ngettext"] = saved

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", partial(Parser, lang=self.lang))
        with self.speaking():
            return super().add_subparsers(**kwargs)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        with self.speaking():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        with self.speaking():  # its "unrecognized arguments" error is raised here
            return super().parse_args(args, namespace)

    def format_usage(self) -> str:
        with self.speaking():
            return super().format_usage()

    def format_help(self) -> str:
        with self.speaking():
            return super().format_help()

    def error(self, message: str) -> Any:
        with self.speaking():
            return super().error(message)


def _add_lang(parser: argparse.ArgumentParser, help: Callable[[str], str], *, top: bool = False) -> None:
    # Both `credit-advisor --lang en advise F` and `credit-advisor advise F --lang en` work:
    # a subcommand that is not given --lang must not overwrite the top level's with its
    # default (argparse copies a subparser's defaults over the values parsed before it).
    # Shown as LANG: the help lists the languages (three of them, with zh-Hant, would widen
    # every help's option column); a wrong one is still refused naming them all.
    parser.add_argument(
        "--lang", choices=LANGS, metavar="LANG", default=None if top else argparse.SUPPRESS, help=help("lang")
    )


INTERVIEW_OPTIONS = ("answers", "save", "plan")
LETTER_KINDS = ("dispute", "negotiation", "complaint")  # advisor.documents.letters.KINDS, kept light here


def _add_interview_options(parser: argparse.ArgumentParser, help: Callable[[str], str], *, top: bool = False) -> None:
    # The interview is what runs without a command, so its options work there too
    # (`credit-advisor --save F`, as the interview itself suggests) and after `interview`.
    for name in INTERVIEW_OPTIONS:
        parser.add_argument(f"--{name}", metavar="FILE", default=None if top else argparse.SUPPRESS, help=help(name))


def build_parser(lang: str = DEFAULT_LANG) -> argparse.ArgumentParser:
    """The whole command line, its texts in `lang`."""
    texts = cli_texts(lang if lang in LANGS else DEFAULT_LANG)

    def help(key: str) -> str:
        return texts["help"][key]

    parser = Parser(prog="credit-advisor", description=texts["description"], lang=lang)
    _add_lang(parser, help, top=True)
    _add_interview_options(parser, help, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title=texts["commands_title"])

    interview = commands.add_parser("interview", help=help("interview"), description=help("interview"))
    _add_lang(interview, help)
    _add_interview_options(interview, help)

    advise = commands.add_parser("advise", help=help("advise"), description=help("advise"))
    advise.add_argument("file", metavar="FILE|-", help=help("advise_file"))
    advise.add_argument("--format", choices=("json", "text", "html"), default=None, help=help("advise_format"))
    advise.add_argument("-o", "--output", metavar="OUT", default=None, help=help("advise_output"))
    advise.add_argument("--trace", action="store_true", help=help("advise_trace"))
    advise.add_argument("--trace-out", metavar="TRACE.jsonl", default=None, help=help("advise_trace_out"))
    _add_lang(advise, help)

    rules = commands.add_parser("rules", help=help("rules"), description=help("rules"))
    rules.add_argument("--format", choices=("json", "text"), default="text", help=help("rules_format"))
    _add_lang(rules, help)

    schema = commands.add_parser("schema", help=help("schema"), description=help("schema"))
    schema.add_argument("--which", choices=("both", "situation", "advice"), default="both", help=help("schema_which"))
    schema.add_argument("--compact", action="store_true", help=help("schema_compact"))
    _add_lang(schema, help)

    batch = commands.add_parser("batch", help=help("batch"), description=help("batch"))
    batch.add_argument("input", metavar="IN.jsonl", help=help("batch_input"))
    batch.add_argument("-o", "--output", metavar="OUT.jsonl", required=True, help=help("batch_output"))
    batch.add_argument("--workers", type=int, default=1, metavar="N", help=help("batch_workers"))
    batch.add_argument("--resume", action="store_true", help=help("batch_resume"))
    batch.add_argument("--format", choices=("json",), default="json", help=help("batch_format"))
    batch.add_argument("--detail", choices=("full", "compact"), default="full", help=help("batch_detail"))
    batch.add_argument("--shard", metavar="K/N", default=None, help=help("batch_shard"))
    batch.add_argument("--dask", metavar="ADDRESS", default=None, help=help("batch_dask"))
    _add_lang(batch, help)

    audit = commands.add_parser("audit", help=help("audit"), description=help("audit"))
    audit_commands = audit.add_subparsers(
        dest="audit_command", metavar="AUDIT_COMMAND", required=True, title=texts["commands_title"]
    )
    replay = audit_commands.add_parser("replay", help=help("audit_replay"), description=help("audit_replay"))
    replay.add_argument("trace", metavar="TRACE.jsonl", help=help("audit_trace"))
    replay.add_argument("--format", choices=("json", "text"), default=None, help=help("audit_format"))
    _add_lang(replay, help)
    coverage = audit_commands.add_parser("coverage", help=help("audit_coverage"), description=help("audit_coverage"))
    coverage.add_argument("path", metavar="PATH", help=help("audit_path"))
    coverage.add_argument("--format", choices=("json", "text"), default=None, help=help("audit_format"))
    coverage.add_argument("--fail-under", type=float, default=None, metavar="PCT", help=help("audit_fail_under"))
    _add_lang(coverage, help)

    explain = commands.add_parser("explain", help=help("explain"), description=help("explain"))
    explain.add_argument("file", metavar="FILE|-", help=help("advise_file"))
    explain.add_argument("--why-not", required=True, metavar="TOPIC.CODE", help=help("explain_why_not"))
    explain.add_argument("--debt", type=int, default=None, metavar="N", help=help("explain_debt"))
    explain.add_argument("--format", choices=("json", "text"), default=None, help=help("audit_format"))
    _add_lang(explain, help)

    letter = commands.add_parser("letter", help=help("letter"), description=help("letter"))
    letter.add_argument("kind", choices=LETTER_KINDS, metavar="KIND", help=help("letter_kind"))
    letter.add_argument("file", metavar="FILE|-", help=help("advise_file"))
    letter.add_argument("--format", choices=("text", "html"), default="text", help=help("letter_format"))
    letter.add_argument("-o", "--output", metavar="OUT", default=None, help=help("letter_output"))
    letter.add_argument("--debt", type=int, default=None, metavar="N", help=help("letter_debt"))
    _add_lang(letter, help)

    whatif = commands.add_parser("whatif", help=help("whatif"), description=help("whatif"))
    whatif.add_argument("file", metavar="FILE|-", help=help("advise_file"))
    whatif.add_argument(
        "--set", dest="changes", action="append", default=[], metavar="PATH=VALUE", help=help("whatif_set")
    )
    whatif.add_argument("--suggest", action="store_true", help=help("whatif_suggest"))
    whatif.add_argument("--format", choices=("json", "text"), default=None, help=help("audit_format"))
    _add_lang(whatif, help)

    serve = commands.add_parser("serve", help=help("serve"), description=help("serve"))
    serve.add_argument("--host", default="127.0.0.1", help=help("serve_host"))
    serve.add_argument("--port", type=int, default=8765, help=help("serve_port"))
    serve.add_argument("--allow-remote", action="store_true", help=help("serve_allow_remote"))
    serve.add_argument("--workers", type=int, default=1, metavar="N", help=help("serve_workers"))
    serve.add_argument("--access-log", action="store_true", help=help("serve_access_log"))
    _add_lang(serve, help)
    return parser


def _batch_merge_at(argv: Sequence[str]) -> int | None:
    """Where the arguments of `[--lang L] batch merge ...` start, or None for any other
    command line.  (`batch` takes one input file: an input named "merge" is given as ./merge.)"""
    index = 0
    while index < len(argv) and argv[index].startswith("--lang"):
        index += 1 if "=" in argv[index] else 2
    return index + 2 if list(argv[index : index + 2]) == ["batch", "merge"] else None


def build_merge_parser(lang: str = DEFAULT_LANG) -> argparse.ArgumentParser:
    """`credit-advisor batch merge OUT SHARD...`, its texts in `lang`."""
    texts = cli_texts(lang if lang in LANGS else DEFAULT_LANG)

    def help(key: str) -> str:
        return texts["help"][key]

    merge = Parser(prog="credit-advisor batch merge", description=help("batch_merge"), lang=lang)
    merge.add_argument("output", metavar="OUT", help=help("batch_merge_output"))
    merge.add_argument("shards", metavar="SHARD", nargs="+", help=help("batch_merge_shards"))
    _add_lang(merge, help, top=True)
    return merge


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """The parsed command line, in the language it asks for; usage errors and `--help`
    exit (status 2 and 0) in that language.  No command is the interview."""
    lang = requested_language(argv)
    merge_at = _batch_merge_at(argv)
    if merge_at is not None:  # `batch merge` has arguments of its own
        args = build_merge_parser(lang).parse_args(list(argv[merge_at:]))
        args.command, args.lang = "batch merge", lang  # --lang before or after `merge`
        return args
    parser = build_parser(lang)
    args = parser.parse_args(list(argv))
    if args.command is None:
        args.command = "interview"
    if args.command != "interview":
        given = [f"--{name}" for name in INTERVIEW_OPTIONS if getattr(args, name, None) is not None]
        if given:
            parser.error(cli_texts(lang)["interview_only"].format(options=" ".join(given)))
    return args
