"""The real program: `python -m advisor interview` in a pseudo-terminal (stdlib `pty`),
typed answers, and the screen read back; and the same program with answers piped on
standard input."""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest
from rich.cells import cell_len

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[=>()][0-9A-Za-z]?")
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;[25];[0-9;]+)(?:;[0-9;]*)?m")
PROGRAM = [sys.executable, "-m", "advisor", "interview"]


def clean_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TERM", "PYTHONWARNINGS")
    }
    env.update(TERM="xterm-256color", PYTHONIOENCODING="utf-8", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.update(extra)
    return env


class Terminal:
    """A child process on a pseudo-terminal of `cols` columns."""

    def __init__(self, args, env, cwd, cols=60, rows=40):
        pid, fd = os.forkpty() if hasattr(os, "forkpty") else __import__("pty").fork()
        if pid == 0:  # the child: size its terminal, then become the program
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.chdir(cwd)
                os.execve(args[0], args, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.raw = b""
        self.seen = 0  # how much of the screen text `expect` has consumed

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", "replace")).replace("\r", "")

    def _pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not chunk:
            return False
        self.raw += chunk
        return True

    def expect(self, needle: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            index = self.text.find(needle, self.seen)
            if index >= 0:
                part = self.text[self.seen : index + len(needle)]
                self.seen = index + len(needle)
                return part
            if time.monotonic() > deadline or not self._pump(0.2):
                raise AssertionError(f"{needle!r} not on the screen; it shows:\n{self.text[self.seen :][-3000:]}")

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode("utf-8") + b"\r")

    def interrupt(self) -> None:
        os.write(self.fd, b"\x03")  # Ctrl-C: the terminal sends SIGINT

    def wait(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while self._pump(0.2) and time.monotonic() < deadline:
            pass
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("the program did not exit")


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
def test_interview_in_a_terminal(tmp_path, no_color):
    env = clean_env(**({"NO_COLOR": "1"} if no_color else {}))
    term = Terminal(PROGRAM + ["--lang", "en"], env, tmp_path)
    # Without debts only the inquiries can change a conclusion (Zhima and DingTalk rules
    # all need an overdue or a record).
    term.expect("question 1 of about 3")
    term.expect("back)> ")
    term.type("no")
    term.expect("how many times did you apply")
    term.expect("back)> ")
    term.type("?")  # WHY
    why = term.expect("back)> ")
    assert "Why this question?" in why and "rules use this answer" in why
    term.type("back")
    again = term.expect("back)> ")
    assert "question 1 of about 3" in again and "your earlier answer: no" in again
    term.type("n")
    term.expect("back)> ")
    term.type("0")
    review = term.expect("back)> ")
    assert "Check your answers" in review and "applications in the last 6 months: 0" in review
    term.type("")
    report = term.expect("(1–7)> ")
    assert "What your situation means" in report and "no worry" in report  # the severity in words
    assert "What to do first" in report
    term.type("1")  # HOW for Huabei
    chain = term.expect("(1–7)> ")
    assert "Rules that fired, in order:" in chain and "huabei.unaffected" in chain
    term.type("")
    term.expect("Enter to skip> ")
    term.type("")
    term.expect("printable action plan")  # offered in a terminal only (advisor.documents.plan)
    term.expect("Enter to skip> ")
    term.type("plan.html")
    term.expect("open it in a browser to print")
    term.expect("All the best")
    assert term.wait() == 0
    plan = tmp_path / "plan.html"
    assert oct(plan.stat().st_mode & 0o777) == "0o600"
    assert plan.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    screen = term.text
    assert "Traceback" not in screen
    for line in screen.splitlines():
        assert cell_len(line) <= 60, line  # readable at 60 columns: nothing wider than the terminal
    colours = COLOUR.findall(term.raw.decode("utf-8", "replace"))
    assert (not colours) if no_color else colours


def test_ctrl_c_in_a_terminal_ends_cleanly_and_offers_to_save(tmp_path):
    term = Terminal(PROGRAM, clean_env(), tmp_path)  # Chinese by default
    term.expect("第 1 题")
    term.expect("返回）> ")
    term.type("是")
    term.expect("这笔借款是哪一种")
    term.expect("返回）> ")
    term.type("4")
    term.expect("返回）> ")
    term.interrupt()
    term.expect("已中断。")
    term.expect("回车不保存> ")
    term.type("partial.json")
    term.expect("回答已保存到 partial.json")
    assert term.wait() == 130
    assert "Traceback" not in term.text
    saved = tmp_path / "partial.json"
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    assert json.loads(saved.read_text(encoding="utf-8"))["debts"] == [{"product": "online_loan"}]


def test_a_line_typed_ahead_is_shown_after_its_prompt(tmp_path):
    """Enter pressed before the review was on the screen: the terminal echoed it back
    then, so the interview writes it after the prompt, and the next text starts a line
    (it used to read `…（1–2 · 返回）> 回答已保存到 a.json`).  Also: --save without
    the `interview` command, as the interview suggests."""
    term = Terminal([sys.executable, "-m", "advisor", "--save", "a.json"], clean_env(), tmp_path)
    term.expect("返回）> ")
    term.type("否")
    term.expect("返回）> ")
    term.type("0\r")  # the last answer, and at once an Enter for the review
    term.expect("回答已保存到 a.json")
    assert "输入编号修改，回车查看结果（1–2 · 返回）> \n回答已保存到 a.json（只有你能读取）。\n" in term.text
    term.expect("回车结束（1–7）> ")
    term.type("")
    term.expect("回车跳过> ")  # the printable plan, offered in a terminal (advisor.documents.plan)
    term.type("")
    assert term.wait() == 0
    assert (tmp_path / "a.json").exists()


def test_ctrl_d_at_a_question_ends_the_prompts_line(tmp_path):
    term = Terminal(PROGRAM, clean_env(), tmp_path)
    term.expect("返回）> ")
    os.write(term.fd, b"\x04")  # Ctrl-D: the terminal echoes nothing
    term.expect("输入已经结束")
    assert term.wait() == 1
    assert "（是/否 · ? 为什么 · 返回）> \n\n输入已经结束，但问题还没有答完。" in term.text


# --- answers piped on standard input -------------------------------------------------------

SCRIPT_ZH = "是\n4\n某网贷\n45\n1\n否\n?\n3\n1\n不知道\n否\n4\n否\n不知道\n否\n否\n否\n不知道\n3\n3\n否\n\n1\n\n"


def run_piped(args, stdin: str, cwd, **env):
    return subprocess.run(
        PROGRAM + args,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_env(**env),
        timeout=120,
        encoding="utf-8",
        check=False,
    )


def test_piped_answers_work_line_by_line_and_save(tmp_path):
    result = run_piped(["--save", "mine.json"], SCRIPT_ZH, tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "你的情况会带来什么影响" in out and "为什么问这个？" in out
    assert "> 某网贷" in out  # piped answers are echoed into the transcript
    assert "\x1b[" not in out  # not a terminal: no escape codes
    assert result.stderr == ""
    saved = tmp_path / "mine.json"
    assert oct(saved.stat().st_mode & 0o777) == "0o600"
    advice = subprocess.run(
        [sys.executable, "-m", "advisor", "advise", "mine.json", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        encoding="utf-8",
        check=False,
    )
    assert advice.returncode == 0
    again = run_piped(["--answers", "mine.json", "--lang", "zh"], "\n", tmp_path)
    assert again.returncode == 0
    assert "第 " not in again.stdout.split("检查你的回答")[0]  # nothing left to ask: straight to the review
    data = json.loads(advice.stdout)
    assert data["topics"]["huabei"]["effects"][0]["code"] == "limit_reduced"


def test_piped_answers_ending_early_exit_1_without_traceback(tmp_path):
    result = run_piped([], "是\n4\n", tmp_path)
    assert result.returncode == 1
    assert "输入已经结束" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_bad_answers_file_on_the_command_line(tmp_path):
    (tmp_path / "bad.json").write_text('{"debts": [], "zhima_score": 2000}', encoding="utf-8")
    result = run_piped(["--answers", "bad.json"], "", tmp_path)
    assert result.returncode == 2
    assert "zhima_score" in result.stderr and "Traceback" not in result.stderr


def test_undecodable_input_is_an_invalid_answer(tmp_path):
    result = subprocess.run(
        PROGRAM,
        input=b"\xff\xfe\n\xc3\n\xe5\x90\xa6\n",
        capture_output=True,
        cwd=tmp_path,
        env=clean_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 1  # the input ends after "否", before the next question is answered
    assert "Traceback" not in result.stdout.decode("utf-8") + result.stderr.decode("utf-8")
    assert "没看懂这个回答" in result.stdout.decode("utf-8")
