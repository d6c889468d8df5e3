"""The guided interview: ask what matters, explain WHY, go back, review, advise, HOW, save.

`run_interview()` is the command line's entry point.  The dialogue itself is
`Interview(lang, console, read_line)`: it prints only to `console` and reads only through
`read_line()` (which raises `EOFError` at the end of input and `KeyboardInterrupt` on
Ctrl-C), so tests drive it with scripted lines and a recording console.

Exit status: 0 done; 1 the input ended before every question was answered (piped
answers ran out: a short message, the answers so far saved if `--save` was given);
2 the `--answers` file is not a valid Situation (the message names the field);
130 Ctrl-C (after offering to save).  Once every question is answered, the end of input
is not an error: the review is taken as confirmed, the HOW menu and the save offer are
skipped, and the status is 0.

Nothing is written unless the person gives a file name (`--save FILE` or at the save
offer); files are written with mode 0600.
"""

from __future__ import annotations

import io
import json
import os
import select
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from advisor.analysis import explain as how
from advisor.api import advise, rules_by_id
from advisor.models import Advice
from advisor.service.private_files import FileRefused, describe, write_private_text
from advisor.texts.catalog import catalog, check_language
from advisor.texts.sanitise import clean, visible
from advisor.ui.prose import Prose
from advisor.ui.questions import (
    CHOICE,
    INTEGER,
    MULTI,
    NUMBER,
    QUESTIONS,
    TEXT,
    YESNO,
    Answers,
    Invalid,
    Key,
    Question,
    Slot,
    answers_from_situation,
    build_situation,
    choice_position,
    format_value,
    is_back,
    is_why,
    normalize,
    option_label,
    parse,
    walk,
    words,
)
from credit_advisor.facts.enums import EFFECT_CODES, STRENGTH, Topic
from credit_advisor.facts.situation import Situation, dated, run_day
from credit_advisor.rules.registry import ACTION, EFFECT, FALLBACK, FINDING

EXIT_OK, EXIT_INCOMPLETE, EXIT_BAD_ANSWERS, EXIT_INTERRUPTED = 0, 1, 2, 130
BACK = object()


def _numbers(count: int) -> list[str]:
    """Right-aligned list numbers: " 1.", …, "12."."""
    width = len(str(count))
    return [f"{n:>{width}}." for n in range(1, count + 1)]


def dump(situation: Situation) -> str:
    """The saved file: the Situation as JSON, answered fields only (null = don't know)."""
    return situation.model_dump_json(indent=2, exclude_unset=True) + "\n"


# --- WHY ---------------------------------------------------------------------------------

_TIER = {EFFECT: 0, FINDING: 1, ACTION: 2, FALLBACK: 3}


@dataclass
class Why:
    """What WHY shows for one question: derived from the rule registry."""

    question: str
    rules: list[str]  # rules that read the field and whose firing depends on the answer
    effects: dict[str, list[str]] = field(default_factory=dict)  # topic -> effect codes
    actions: list[str] = field(default_factory=list)
    finding: bool = False  # the answer feeds "is this debt on the credit report?"
    examples: list[str] = field(default_factory=list)  # rule ids whose explanation is shown
    reading: int = 0  # how many rules read the field at all


def rules_reading(question: Question) -> list[str]:
    wanted = question.registry_fields
    found = []
    for meta in rules_by_id().values():
        for read in meta.reads:
            if read in wanted or ("debts.*" in wanted and read.startswith("debts.")):
                found.append(meta.id)
                break
    return sorted(found)


def _probes(question: Question) -> list:
    if question.loop_control or question.kind == TEXT:
        return []
    if question.kind == YESNO:
        values: list = [True, False]
    elif question.kind == CHOICE:
        values = list(question.options)
    else:
        values = [list(p) if isinstance(p, tuple) else p for p in question.probes]
    if question.nullable:
        values.append(None)
    return values


def what_if(answers: Answers, slot: Slot, as_of: date | None = None) -> dict[str, int]:
    """Rules reading this question's field whose firing changes with the answer, given the
    answers so far — a what-if over sample answers, run on the engine — each with the
    strongest likelihood it concluded (0 for actions)."""
    from advisor.engine.core import engine

    probes = _probes(slot.question)
    if not probes:
        return {}
    fired: list[frozenset] = []
    strength: dict[str, int] = {}
    for value in probes:
        trial = dict(answers)
        trial[slot.key] = value
        firings = engine().consult(dated(build_situation(trial), as_of))
        fired.append(frozenset(f.rule for f in firings))
        for firing in firings:
            for fact in firing.declared:
                level = STRENGTH.get(fact.get("likelihood"), 0)
                strength[firing.rule] = max(strength.get(firing.rule, 0), level)
    changed = frozenset().union(*fired) - frozenset.intersection(*fired)
    return {rule: strength.get(rule, 0) for rule in rules_reading(slot.question) if rule in changed}


def depending_rules(answers: Answers, slot: Slot) -> list[str]:
    return sorted(what_if(answers, slot))


def why(answers: Answers, slot: Slot, as_of: date | None = None) -> Why:
    question = slot.question
    reading = rules_reading(question)
    strength = what_if(answers, slot, as_of)
    rules = sorted(strength) or reading
    registry = rules_by_id()
    info = Why(question=question.id, rules=rules, reading=len(reading))
    # Every conclusion the answer can change: those of every rule reading the field (the
    # rules that depend on it given the answers so far are among them), grouped by topic.
    for rule_id in sorted(set(rules) | set(reading)):
        for concluded in registry[rule_id].concludes:
            group, code = concluded.split(".", 1)
            if group == "finding":
                info.finding = True
            elif group == "action":
                if code not in info.actions:
                    info.actions.append(code)
            elif code not in info.effects.setdefault(group, []):
                info.effects[group].append(code)
    # Topics in report order; within a topic the harmful codes in contract order, the calm one last.
    info.effects = {
        t.value: sorted(info.effects[t.value], key=lambda c: EFFECT_CODES[t].index(c) or len(EFFECT_CODES[t]))
        for t in Topic
        if t.value in info.effects
    }
    # Examples: effects before findings before actions before calm fallbacks, the
    # strongest conclusion first; one rule per topic, then the rest.
    ranked = sorted(rules, key=lambda r: (_TIER.get(registry[r].salience, 4), -strength.get(r, 0), r))
    topics_seen: set[str] = set()
    for rule_id in ranked:
        if len(info.examples) < 3 and registry[rule_id].topic not in topics_seen:
            info.examples.append(rule_id)
            topics_seen.add(registry[rule_id].topic)
    for rule_id in ranked:
        if len(info.examples) < 3 and rule_id not in info.examples:
            info.examples.append(rule_id)
    return info


# --- the dialogue ------------------------------------------------------------------------


class Interview:
    """One interview.  `read_line()` returns a line without its newline, raises EOFError
    at the end of input and KeyboardInterrupt on Ctrl-C.  With `echo`, each answer read
    is printed after its prompt (piped input shows up in the transcript)."""

    def __init__(
        self,
        lang: str,
        console: Console,
        read_line: Callable[[], str],
        *,
        interactive: bool = False,
        echo: bool = False,
        save_path: str | None = None,
        answers: Answers | None = None,
        plan_path: str | None = None,
    ):
        self.lang = check_language(lang)
        # The day of the whole interview, fixed at its start: the questions, WHY and the
        # advice state the parameters of one day, even across midnight.
        self.as_of: date = run_day()
        self.text = catalog(self.lang).on(self.as_of)
        self.console = console
        self.read_line = read_line
        self.interactive = interactive
        self.echo = echo
        self.save_path = save_path
        self.plan_path = plan_path  # the printable action plan (advisor.documents.plan)
        self.answers: Answers = dict(answers or {})
        self.history: list[Key] = []
        self.previous: dict[Key, Any] = {}
        self.situation: Situation | None = None
        self.advice: Advice | None = None
        self.saved_to: str | None = None

    # texts
    def t(self, key: str, **values) -> str:
        return self.text.interview(key, **values)

    def qt(self, question: Question, key: str, default: str = "") -> str:
        return self.text.lookup("interview", "q", question.id, key, default=default)

    def say(self, message: str, style: str = "") -> None:
        self.console.print(Prose(message, style=style))

    def read(self, prompt: str) -> str:
        self.console.print(Text(prompt, style="bold"), end="")
        try:
            line = self.read_line()
        except UnicodeDecodeError:
            line = "\ufffd"
        except EOFError:
            # End the prompt's line: Ctrl-D in a terminal echoes no line break, and
            # piped input that ran out has none to echo.
            self.console.print()
            raise
        if self.echo:
            shown = clean(line)  # piped bytes must not drive the terminal
            self.console.print(Text(shown if len(shown) <= 200 else shown[:200] + "…"))
        return line

    # the whole session
    def run(self) -> int:
        try:
            self.intro()
            while True:
                self.ask_pending()
                if self.review():
                    break
        except KeyboardInterrupt:
            return self.interrupted()
        except EOFError:
            return self.ended_early()
        try:
            self.situation = build_situation(self.answers)
            if self.save_path:
                self.save(self.save_path)
            self.advice = advice = advise(dated(self.situation, self.as_of), self.lang)
            from advisor.ui.render import render_advice

            self.console.print()
            render_advice(advice, self.console, show_sources=False)
            if self.plan_path:
                self.write_plan(self.plan_path)
            self.how_menu()
            if not self.saved_to:
                self.offer_save()
            if self.interactive and not self.plan_path:
                self.offer_plan()
        except KeyboardInterrupt:
            return self.interrupted()
        except EOFError:
            pass
        self.console.print()
        self.say(self.t("goodbye"), "bold")
        return EXIT_OK

    def intro(self) -> None:
        tips = self.text.lookup("interview", "intro_tips")
        body = Group(
            Prose(self.t("intro")),
            how.bullets([Text(tip) for tip in tips], indent=0),
            Prose(self.t("intro_privacy"), style="dim"),
        )
        self.console.print(
            Panel(body, title=Text(self.t("title"), style="bold"), title_align="left", border_style="cyan")
        )

    # questions
    def ask_pending(self) -> None:
        """Ask every relevant unanswered question, in plan order."""
        while True:
            slots = walk(self.answers)
            pending = [slot for slot in slots if slot.key not in self.answers]
            if not pending:
                return
            slot = pending[0]
            value = self.ask(slot, slots)
            if value is BACK:
                self.back()
                continue
            self.answers[slot.key] = value
            self.history.append(slot.key)

    def back(self) -> bool:
        if not self.history:
            self.say(self.t("back_first"), "yellow")
            return False
        key = self.history.pop()
        self.previous[key] = self.answers.pop(key)
        return True

    def context(self, slot: Slot) -> str:
        if slot.index is None:
            return ""
        product = self.answers.get(("product", slot.index))
        label = self.answers.get(("label", slot.index))
        name = label or (option_label(QUESTIONS["product"], product, self.lang) if product else "")
        if name:
            return self.t("debt_context_named", n=slot.index + 1, name=name)
        return self.t("debt_context", n=slot.index + 1)

    def allowed(self, question: Question) -> str:
        n = len(question.options)
        if question.kind == YESNO:
            key = "allowed_yesno_null" if question.nullable else "allowed_yesno"
        elif question.kind == CHOICE:
            key = "allowed_choice_null" if question.nullable else "allowed_choice"
        elif question.kind == NUMBER:
            key = "allowed_money_null"
        elif question.kind == INTEGER:
            key = "allowed_number_null" if question.nullable else "allowed_number"
        elif question.kind == MULTI:
            key = "allowed_multi"
        else:
            key = "allowed_text"
        low = question.minimum if question.minimum is not None else 0
        high = question.maximum if question.maximum is not None else 0
        return self.t(key, n=n, minimum=f"{int(low)}", maximum=f"{int(high)}")

    def ask(self, slot: Slot, slots: list[Slot], editing: bool = False):
        """Ask one question until a valid answer, WHY or back; returns the value or BACK."""
        question = slot.question
        self.console.print()
        position = slots.index(slot) + 1 if slot in slots else len(slots)
        head = Text(self.t("progress", n=position, total=len(slots)), style="dim")
        context = self.context(slot)
        if context:
            head.append(" · " + context, style="cyan")
        self.console.print(head)
        self.console.print(Text(self.qt(question, "text"), style="bold"))
        hint = self.qt(question, "hint")
        if hint:
            self.say(hint, "dim")
        if question.kind in (CHOICE, MULTI):
            labels = [Text(option_label(question, code, self.lang)) for code in question.options]
            self.console.print(how.bullets(labels, [f"{n}." for n in range(1, len(labels) + 1)]))
        earlier = (
            self.answers.get(slot.key, self.previous.get(slot.key, BACK))
            if editing or slot.key in self.previous
            else BACK
        )
        if earlier is not BACK:
            self.say(self.t("previous_answer", value=format_value(question, earlier, self.lang)), "dim")
        prompt = self.t("prompt", allowed=self.allowed(question), commands=self.t("commands"))
        while True:
            line = self.read(prompt)
            if is_why(line):
                self.show_why(slot)
                continue
            if is_back(line):
                return BACK
            if earlier is not BACK and not normalize(line):
                return earlier  # Enter keeps the answer shown
            try:
                return parse(question, line)
            except Invalid as problem:
                self.refuse(problem)

    def refuse(self, problem: Invalid) -> None:
        """Say why an answer was not taken: out of range (naming the range), or not understood."""
        hint = self.t(problem.key, **problem.values)
        self.say(hint if problem.understood else self.t("invalid", hint=hint), "yellow")

    def show_why(self, slot: Slot) -> None:
        info = why(self.answers, slot, self.as_of)
        text = self.text
        parts: list = [Prose(self.qt(slot.question, "why"))]
        if slot.question.loop_control:
            # Whether there is (another) debt feeds nearly every rule: name the topics only.
            line = Text(self.t("why_topics") + self.t("colon"), style="bold")
            line.append(self.t("list_join").join(text.topic(topic) for topic in info.effects), style="")
            parts.append(how.bullets([line, Text(self.t("why_actions_count", n=len(info.actions)))]))
        elif info.effects or info.actions or info.finding:
            parts.append(Text(self.t("why_affects"), style="bold"))
            lines = []
            for topic, codes in info.effects.items():
                line = Text(text.topic(topic) + self.t("colon"), style="bold")
                line.append(self.t("list_join").join(text.effect(topic, code) for code in codes), style="")
                lines.append(line)
            if info.finding:
                lines.append(Text(self.t("why_finding")))
            if info.actions:
                line = Text(self.t("why_actions") + self.t("colon"), style="bold")
                line.append(
                    self.t("list_join").join(how.action_name(self.lang, code) for code in info.actions), style=""
                )
                lines.append(line)
            parts.append(how.bullets(lines))
        if info.examples and not slot.question.loop_control:
            parts.append(Text(self.t("why_examples"), style="bold"))
            parts.append(how.bullets([Text(text.rule(rule_id)) for rule_id in info.examples]))
        if info.reading:
            parts.append(Text(self.t("why_count", n=info.reading), style="dim"))
        elif not slot.question.loop_control and not slot.question.fills:
            parts.append(Text(self.t("why_nothing"), style="dim"))
        self.console.print(
            Panel(Group(*parts), title=Text(self.t("why_title"), style="bold"), title_align="left", border_style="cyan")
        )

    # review
    def answered_slots(self) -> list[Slot]:
        return [slot for slot in walk(self.answers) if slot.key in self.answers]

    def review(self) -> bool:
        """The review screen: True when confirmed, False after a change (or back)."""
        slots = self.answered_slots()
        self.console.print()
        self.console.print(Rule(Text(self.t("review_title"), style="bold"), align="left"))
        lines = []
        for slot in slots:
            line = Text()
            context = self.context(slot)
            if context:
                line.append(context + " · ", style="cyan")
            line.append(self.qt(slot.question, "label") + self.t("colon"))
            line.append(format_value(slot.question, self.answers[slot.key], self.lang), style="bold")
            lines.append(line)
        self.console.print(how.bullets(lines, _numbers(len(lines)), indent=0))
        while True:
            try:
                answer = self.read(self.t("review_prompt", n=len(slots)))
            except EOFError:
                return True  # every question is answered: the end of input confirms
            word = normalize(answer)
            if not word or word in words("yes"):
                return True
            if is_back(answer):
                self.back()
                return False
            try:
                position = choice_position(word, len(slots))
            except Invalid as problem:
                self.refuse(problem)
                continue
            if position is not None:
                slot = slots[position - 1]
                value = self.ask(slot, walk(self.answers), editing=True)
                if value is not BACK:
                    self.answers[slot.key] = value
                    self.history.append(slot.key)
                return False
            self.say(self.t("invalid", hint=self.t("hint_review", n=len(slots))), "yellow")

    # HOW
    def how_menu(self) -> None:
        advice, situation = self.advice, self.situation
        assert advice is not None and situation is not None  # the HOW menu follows the advice
        entries = how.items(advice)
        self.console.print()
        self.console.print(Rule(Text(self.t("how_title"), style="bold"), align="left"))
        self.console.print(
            how.bullets([Text(how.item_title(advice, item)) for item in entries], _numbers(len(entries)), indent=0)
        )
        while True:
            line = self.read(self.t("how_prompt", n=len(entries)))
            word = normalize(line)
            if not word or word in words("quit"):
                return
            try:
                position = choice_position(word, len(entries))
            except Invalid as problem:
                self.refuse(problem)
                continue
            if position is not None:
                chain = how.explain(advice, situation, entries[position - 1])
                how.render_chain(chain, advice, self.console)
                continue
            self.say(self.t("invalid", hint=self.t("hint_how", n=len(entries))), "yellow")

    # saving
    def save(self, path: str) -> bool:
        situation = self.situation if self.situation is not None else build_situation(self.answers)
        target = os.path.expanduser(path)
        try:
            write_private_text(target, dump(situation))
        except OSError as error:
            detail = describe(error, self.lang) if isinstance(error, FileRefused) else error.strerror or str(error)
            self.say(self.t("save_failed", path=visible(path), detail=detail), "red")
            return False
        self.saved_to = path
        self.say(self.t("saved", path=visible(path)), "green")
        self.say(self.t("resume_hint", path=visible(path)), "dim")
        return True

    def offer_save(self, partial: bool = False) -> None:
        """Ask for a file name for the answers (empty: no)."""
        self.ask_for_path(self.t("save_offer_partial" if partial else "save_offer"), self.save, self.t("not_saved"))

    def ask_for_path(self, prompt: str, write: Callable[[str], bool], declined: str | None = None) -> None:
        """Ask for a file name until `write` succeeds: empty or "no" declines, a folder is
        refused, an existing file is replaced only when the person says yes; EOF or Ctrl-C
        here just means no."""
        self.console.print()
        while True:
            try:
                path = self.read(prompt).strip()
                if not path or normalize(path) in words("no") | words("quit"):
                    if declined:
                        self.say(declined, "dim")
                    return
                target = os.path.expanduser(path)
                if os.path.isdir(target):
                    self.say(self.t("save_is_dir", path=visible(path)), "yellow")
                    continue
                if os.path.exists(target):
                    answer = normalize(self.read(self.t("save_overwrite", path=visible(path))))
                    if answer not in words("yes"):
                        continue
            except EOFError:
                return  # read() ended the prompt's line
            except KeyboardInterrupt:
                if self.interactive:
                    self.console.print()  # the terminal shows ^C and stays on the prompt's line
                return
            if write(path):
                return

    # the printable plan
    def dt(self, key: str, **values) -> str:
        return self.text.text("documents", "interview", key, **values)

    def write_plan(self, path: str) -> bool:
        from advisor.documents.plan import plan_html

        assert self.advice is not None  # the plan follows the advice
        try:
            write_private_text(os.path.expanduser(path), plan_html(self.advice))
        except OSError as error:
            detail = describe(error, self.lang) if isinstance(error, FileRefused) else error.strerror or str(error)
            self.say(self.dt("plan_failed", path=visible(path), detail=detail), "red")
            return False
        self.say(self.dt("plan_saved", path=visible(path)), "green")
        return True

    def offer_plan(self) -> None:
        """Ask for a file name for the printable plan (empty: no); a terminal only."""
        self.ask_for_path(self.dt("plan_offer"), self.write_plan)

    def has_answers(self) -> bool:
        """Something worth saving: "has debts" alone would be saved as "no debts"."""
        if not self.answered_slots():
            return False
        return not (self.answers.get(("has_debts", None)) is True and ("product", 0) not in self.answers)

    def interrupted(self) -> int:
        self.console.print()
        self.say(self.t("interrupted"), "yellow")
        if self.saved_to is None and self.has_answers():
            if self.save_path:
                self.save(self.save_path)
            elif self.interactive:
                self.offer_save(partial=True)
        return EXIT_INTERRUPTED

    def ended_early(self) -> int:
        self.console.print()
        self.say(self.t("input_ended"), "yellow")
        if self.save_path and self.has_answers():
            self.save(self.save_path)
        elif self.interactive and self.has_answers():
            self.offer_save(partial=True)  # Ctrl-D in a terminal: the terminal can still answer
        else:
            self.say(self.t("rerun_hint"), "dim")
        return EXIT_INCOMPLETE


# --- the command line's entry point ------------------------------------------------------


def load_answers(path: str, lang: str) -> Answers:
    """Answers from a saved Situation JSON; raises SituationError (naming each field)."""
    from advisor.service.private_files import read_untrusted
    from advisor.validation import MAX_INPUT_BYTES, situation_from_json

    raw_bytes = read_untrusted(os.path.expanduser(path), MAX_INPUT_BYTES)
    situation = situation_from_json(raw_bytes, lang)
    raw = json.loads(raw_bytes.decode("utf-8-sig"))
    return answers_from_situation(situation, raw)


MAX_ANSWER_CHARS = 4_096  # far more than any answer; a terminal's own line limit
MAX_DRAIN_CHARS = 16 * 1024 * 1024  # an over-long line is skipped up to this much, then the input is unusable
TOO_LONG = "\ufffd" * (MAX_ANSWER_CHARS + 1)  # what an over-long line reads as: an answer nothing accepts


def bounded_reader(stream) -> Callable[[], str]:
    """`read_line()` for piped answers: at most MAX_ANSWER_CHARS characters of a line are
    kept (a longer line reads as TOO_LONG, an invalid answer); the rest is read and dropped
    in small pieces, so `cat /dev/zero | credit-advisor` cannot grow memory. A line that
    goes on past MAX_DRAIN_CHARS ends the input (EOFError): it carries no answers."""

    def read_line() -> str:
        line = stream.readline(MAX_ANSWER_CHARS + 1)
        if not line:
            raise EOFError
        if line.endswith("\n"):
            return line[:-1].removesuffix("\r")
        if len(line) <= MAX_ANSWER_CHARS:
            return line  # the last line, without a line break
        drained = 0
        while drained < MAX_DRAIN_CHARS:
            rest = stream.readline(1 << 16)
            if not rest or rest.endswith("\n"):
                return TOO_LONG
            drained += len(rest)
        raise EOFError

    return read_line


WAKE_SECONDS = 0.1  # how often a terminal read wakes to let a pending Ctrl-C through


def terminal_reader(
    fd: int, flush: Callable[[], object], show: Callable[[str], object] = lambda line: None
) -> Callable[[], str]:
    """`read_line()` for a terminal, on its file descriptor.

    Not `input()` with GNU readline: readline waits for a key in select(), and a Ctrl-C
    that lands between the prompt being printed and that wait was only acted on after
    the next key (the pseudo-terminal test failed about 1 run in 7).  Here the wait wakes
    every WAKE_SECONDS, and Python raises the pending KeyboardInterrupt at once.  The
    terminal's own line editing (erase, kill word, UTF-8 aware) still works; arrow-key
    history does not.  Lines are bounded like piped ones (TOO_LONG past the limit).

    A line typed ahead — finished (Enter pressed) before its prompt was on the screen —
    was echoed by the terminal back then, wherever the output stood; after the prompt
    nothing was echoed, and the next text would go on the prompt's line.  Such a line is
    given to `show`, which writes it after the prompt with its line break."""
    pending = bytearray()
    limit = MAX_ANSWER_CHARS * 4  # UTF-8 bytes of the longest answer kept

    def typed_ahead() -> bool:
        # In the terminal's line mode, select() reports input only once a line is complete.
        return b"\n" in pending or bool(select.select([fd], [], [], 0)[0])

    def read_line() -> str:
        flush()  # the prompt is on the screen before we wait
        early = typed_ahead()
        dropping = False
        while True:
            end = pending.find(b"\n")
            if end >= 0:
                line = bytes(pending[:end])
                del pending[: end + 1]
                if dropping or len(line) > limit:
                    return TOO_LONG
                text = line.decode("utf-8", errors="replace").removesuffix("\r")
                if early:
                    show(text)
                return text
            if len(pending) > limit:  # no line end yet: keep nothing more of this line
                dropping = True
                pending.clear()
            ready, _, _ = select.select([fd], [], [], WAKE_SECONDS)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:  # Ctrl-D, or the terminal went away
                if pending and not dropping:
                    line = bytes(pending)
                    pending.clear()
                    return line.decode("utf-8", errors="replace")
                raise EOFError
            pending.extend(chunk)

    return read_line


def _stdin_reader(interactive: bool) -> Callable[[], str]:
    if interactive and sys.stdin is not None:

        def show(line: str) -> None:
            shown = clean(line)  # typed bytes must not drive the terminal
            sys.stdout.write((shown if len(shown) <= 200 else shown[:200] + "…") + "\n")
            sys.stdout.flush()

        return terminal_reader(sys.stdin.fileno(), sys.stdout.flush, show)
    if sys.stdin is None:

        def closed() -> str:
            raise EOFError

        return closed
    return bounded_reader(sys.stdin)


def run_interview(lang: str, answers_path: str | None, save_path: str | None, plan_path: str | None = None) -> int:
    """`credit-advisor [interview] [--answers FILE] [--save FILE] [--plan FILE]`: the exit status."""
    from advisor.validation import SituationError

    check_language(lang)
    text = catalog(lang)
    answers: Answers | None = None
    if answers_path:
        try:
            answers = load_answers(answers_path, lang)
        except OSError as error:
            detail = describe(error, lang) if isinstance(error, FileRefused) else error.strerror or str(error)
            print(text.interview("err_answers_file", path=visible(answers_path), detail=detail), file=sys.stderr)
            return EXIT_BAD_ANSWERS
        except SituationError as error:
            print(text.interview("err_answers", path=visible(answers_path)), file=sys.stderr)
            for name, message in error.problems:
                print(f"  {name}: {message}", file=sys.stderr)
            return EXIT_BAD_ANSWERS
    interactive = sys.stdin is not None and sys.stdin.isatty()
    if isinstance(sys.stdin, io.TextIOWrapper):
        try:
            sys.stdin.reconfigure(errors="replace")  # a stray byte is an invalid answer, not a crash
        except ValueError:
            pass
    console = Console(highlight=False)  # rich honours NO_COLOR and the terminal's width
    interview = Interview(
        lang,
        console,
        _stdin_reader(interactive),
        interactive=interactive,
        echo=not interactive,
        save_path=save_path,
        answers=answers,
        plan_path=plan_path,
    )
    return interview.run()
