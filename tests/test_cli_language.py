"""The command line speaks the person's language: `--help`, usage errors and the `rules`
listing in Chinese by default and in English with `--lang en`; the interview's options
work without the `interview` command, as the interview itself suggests."""

from __future__ import annotations

import argparse
import gettext
import re
import subprocess
import sys

import pytest
from rich.cells import cell_len

from advisor.ui.cli_parser import build_parser, cli_texts, parse_arguments, requested_language
from credit_advisor.cli import main

COMMANDS = ("interview", "advise", "rules", "schema", "batch", "audit", "explain", "whatif", "serve")
EXIT_BAD_INPUT = 2  # README, "Exit status": bad options


def run(capsys, monkeypatch, *argv: str, columns: int = 80) -> tuple[int, str, str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    out, err = capsys.readouterr()
    return stopped.value.code, out, err


# --- --help ----------------------------------------------------------------------------------


def test_help_is_chinese_by_default(capsys, monkeypatch):
    status, out, err = run(capsys, monkeypatch, "--help")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[:3] == [
        "用法：credit-advisor [-h] [--lang LANG] [--answers FILE] [--save FILE]",
        "                     [--plan FILE]",  # under the first option: 用法： is six cells wide
        "                     COMMAND ...",
    ]
    assert "\n选项：\n  -h, --help      显示这份帮助并退出\n" in out
    assert "  --save FILE     把回答保存到 FILE（Situation JSON，只有你能读取）\n" in out
    assert "\n命令：\n  COMMAND\n    interview     引导式问答（不带命令时的默认）\n" in out
    for command in COMMANDS:
        assert re.search(rf"^    {command} +\S", out, re.MULTILINE), command
    for english in ("usage:", "options:", "show this help", "positional arguments"):
        assert english not in out


def test_help_in_english_with_lang_before_or_after_the_command(capsys, monkeypatch):
    status, out, _ = run(capsys, monkeypatch, "--lang", "en", "--help")
    assert status == 0
    assert out.startswith("usage: credit-advisor [-h] [--lang LANG] [--answers FILE] [--save FILE]\n")
    assert "\noptions:\n  -h, --help      show this help message and exit\n" in out
    assert "\ncommands:\n  COMMAND\n    interview     guided question-and-answer interview (the default)\n" in out
    assert not re.search(r"[\u4e00-\u9fff]", out)
    status, out, _ = run(capsys, monkeypatch, "advise", "--help", "--lang=en")
    assert status == 0 and out.startswith("usage: credit-advisor advise [-h]")
    assert "\npositional arguments:\n  FILE|-" in out


@pytest.mark.parametrize("lang", ["zh", "zh-Hant", "en"])
@pytest.mark.parametrize("columns", [60, 80])
def test_every_help_fits_the_terminal(capsys, monkeypatch, lang, columns):
    """argparse wraps by characters; a Chinese character takes two cells."""
    for command in ((), *((c,) for c in COMMANDS), ("audit", "replay"), ("audit", "coverage")):
        status, out, _ = run(capsys, monkeypatch, *command, "--help", "--lang", lang, columns=columns)
        assert status == 0
        for line in out.splitlines():
            assert cell_len(line) <= columns, (command, line)
            assert not line.lstrip().startswith(("，", "。", "、", "；", "：", "）")), line


# --- usage errors ------------------------------------------------------------------------------


def test_usage_errors_are_chinese_and_exit_2(capsys, monkeypatch):
    status, out, err = run(capsys, monkeypatch, "--lang", "fr")
    assert status == EXIT_BAD_INPUT and out == ""
    assert err.splitlines()[-1] == "credit-advisor：错误：参数 --lang：不认识的值 'fr'（可选：'zh', 'zh-Hant', 'en'）"
    assert err.startswith("用法：credit-advisor [-h]")
    status, _, err = run(capsys, monkeypatch, "advise")
    assert status == EXIT_BAD_INPUT
    assert err.splitlines()[-1] == "credit-advisor advise：错误：缺少必需的参数：FILE|-"
    status, _, err = run(capsys, monkeypatch, "whatif", "x.json", "--frobnicate")
    assert status == EXIT_BAD_INPUT
    assert err.splitlines()[-1] == "credit-advisor：错误：不认识的参数：--frobnicate"
    status, _, err = run(capsys, monkeypatch, "batch", "in.jsonl", "-o", "out.jsonl", "--workers", "many")
    assert err.splitlines()[-1] == "credit-advisor batch：错误：参数 --workers：'many' 不是有效的值（应为 int）"


def test_usage_errors_in_english_with_lang_en(capsys, monkeypatch):
    status, _, err = run(capsys, monkeypatch, "advise", "--lang", "en")
    assert status == EXIT_BAD_INPUT
    assert err.startswith("usage: credit-advisor advise [-h]")
    assert err.splitlines()[-1] == "credit-advisor advise: error: the following arguments are required: FILE|-"
    status, _, err = run(capsys, monkeypatch, "--lang", "en", "rules", "--format", "xml")
    assert err.splitlines()[-1] == (
        "credit-advisor rules: error: argument --format: invalid choice: 'xml' (choose from 'json', 'text')"
    )


def test_argparse_speaks_english_again_after_parsing():
    """The translation is argparse's gettext hook, set only while our parser works."""
    with pytest.raises(SystemExit):
        build_parser("zh").parse_args(["--lang", "fr"])
    assert vars(argparse)["_"] is gettext.gettext and vars(argparse)["ngettext"] is gettext.ngettext


@pytest.mark.parametrize(
    "argv, lang",
    [
        ([], "zh"),
        (["--lang", "en"], "en"),
        (["advise", "x.json", "--lang=en"], "en"),
        (["--la", "en", "rules"], "en"),
        (["--lang", "en", "advise", "x", "--lang", "zh"], "zh"),
        (["--lang", "fr"], "zh"),
        (["advise", "--", "--lang", "en"], "zh"),
        (["--lang"], "zh"),
    ],
)
def test_the_language_is_known_before_parsing(argv, lang):
    assert requested_language(argv) == lang


def test_both_languages_have_the_same_command_line_texts():
    def keys(node, prefix=""):
        return {
            path
            for key, value in node.items()
            for path in (keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}"})
        }

    assert keys(cli_texts("zh")) == keys(cli_texts("en"))


# --- the interview's options at the top level -------------------------------------------------


def test_save_and_answers_work_without_the_interview_command():
    for argv in (["--save", "a.json"], ["interview", "--save", "a.json"], ["--save", "a.json", "interview"]):
        args = parse_arguments(argv)
        assert (args.command, args.save, args.answers) == ("interview", "a.json", None), argv
    args = parse_arguments(["--answers", "a.json", "--lang", "en"])
    assert (args.command, args.answers, args.save, args.lang) == ("interview", "a.json", None, "en")


def test_the_commands_the_interview_suggests_work():
    for lang, placeholder in (("zh", "文件名"), ("en", "FILE")):
        from advisor.texts.catalog import catalog

        hint = catalog(lang).lookup("interview", "rerun_hint")
        suggested = re.findall(r"credit-advisor((?: --[a-z]+ \S+?)+)(?=[ ，。；,;.]|$)", hint)
        assert {line.split()[0] for line in suggested} == {"--save", "--answers"}, hint
        for options in suggested:
            args = parse_arguments(options.replace(placeholder, "mine.json").split())
            assert args.command == "interview"


def test_interview_options_with_another_command_are_refused(capsys, monkeypatch):
    status, _, err = run(capsys, monkeypatch, "--save", "a.json", "rules")
    assert status == EXIT_BAD_INPUT
    assert err.splitlines()[-1] == (
        "credit-advisor：错误：--save 只用于问答：credit-advisor --save 文件名，或 credit-advisor interview --save 文件名"
    )


def test_save_at_the_top_level_saves_the_piped_interview(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "--save", "mine.json"],
        input="否\n0\n\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "回答已保存到 mine.json" in done.stdout
    assert (tmp_path / "mine.json").read_text(encoding="utf-8").startswith("{")


# --- rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rules_are_readable_at_80_columns_in_both_languages(capsys, monkeypatch, lang):
    from advisor.api import rules_by_id
    from advisor.texts.catalog import catalog
    from credit_advisor.facts.situation import run_day

    monkeypatch.setenv("COLUMNS", "80")
    capsys.readouterr()
    assert main(["rules", "--lang", lang]) == 0
    out = capsys.readouterr().out
    lines = [line.rstrip() for line in out.splitlines()]
    assert all(cell_len(line) <= 80 for line in lines)
    text = catalog(lang).on(run_day())
    flat = out.replace("\n", "").replace(" ", "")
    for rule_id in rules_by_id():
        assert rule_id in lines, rule_id  # whole, on its own line
        assert text.rule(rule_id).replace(" ", "") in flat, rule_id  # its explanation, in this language
    count = len(rules_by_id())
    assert lines[0].startswith(f"{count} 条规则" if lang == "zh" else f"{count} rules")
