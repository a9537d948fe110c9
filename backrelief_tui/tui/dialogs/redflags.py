"""The red-flag check: a short yes/no checklist, then what to do, in plain careful words.

Keyboard first: ↑ ↓ choose a question, y or n answers it and moves on, space switches
the answer, Enter finishes (a second Enter finishes with questions left unanswered).
The finished check is kept at once (the `keep` callable: the journal), then the advice
for the answers shows (`ADVICE_TEXT[advise(answers)]`: never a diagnosis, only who to
see and how soon). Escape before finishing puts the check off: nothing is kept, and
the dialog dismisses with None. After the advice, Enter dismisses with the check.
The questions, the advice and every line around them come from core/redflags.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from backrelief_tui.core.redflags import (
    ADVICE_TEXT,
    CHECK_TITLE,
    INTRO,
    RED_FLAGS,
    Advice,
    RedFlag,
    RedFlagCheck,
    Trigger,
    answers_line,
    asked_because,
)
from backrelief_tui.core.wording import plural
from backrelief_tui.tui.dialogs.dialog import Dialog
from backrelief_tui.tui.literal import literal

Keeper = Callable[[RedFlagCheck], "str | None"]
"""Keeps a finished check; returns what went wrong, or None."""

MARK_WIDTH = 3
KEYS_HINT = "↑↓ choose · y yes · n no · space switches · ⏎ done · esc later"


def answer_mark(answer: bool | None) -> Text:
    """`yes` / `no` / `?`: words, not only colour (a monochrome terminal, a screen reader)."""
    if answer is None:
        return Text("?", style="dim")
    return Text("yes", style="bold reverse") if answer else Text("no")


def question_row(flag: RedFlag, answer: bool | None) -> Table:
    """One question with its answer in front; a long question wraps under itself, not under the answer."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(width=MARK_WIDTH, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(answer_mark(answer), Text(flag.question))
    return grid


def closing_label(advice: Advice, before_session: bool) -> str:
    """What Enter does after the advice: a session waits only when nothing needs a check first."""
    if not before_session:
        return "OK (enter)"
    return "Go on (enter)" if advice is Advice.CLEAR else "Back to the routines (enter)"


class RedFlagDialog(Dialog[RedFlagCheck | None]):
    """The checklist, then the advice; see the module docstring."""

    DEFAULT_CSS = """
    RedFlagDialog .dialog-box { width: 80; height: auto; max-height: 90%; padding: 0 1; }
    RedFlagDialog.-scroll .dialog-box { height: 90%; }
    RedFlagDialog.-advice .dialog-box { height: auto; padding: 1 2; }
    RedFlagDialog.-see .dialog-box { border: thick $warning; }
    RedFlagDialog.-urgent .dialog-box { border: thick $error; }
    RedFlagDialog #redflag-because { text-style: italic; width: 100%; }
    RedFlagDialog #redflag-intro { color: $text-muted; width: 100%; margin: 0 0 1 0; }
    RedFlagDialog #redflag-list { height: auto; border: none; padding: 0; background: transparent; }
    RedFlagDialog.-scroll #redflag-list { height: 1fr; }
    RedFlagDialog #redflag-list:focus { border: none; background-tint: transparent; }
    RedFlagDialog #redflag-list > .option-list--option { padding: 0; }
    RedFlagDialog #redflag-status { color: $text-muted; width: 100%; height: auto; }
    RedFlagDialog #redflag-status.-warning { color: $text-warning; text-style: bold; }
    RedFlagDialog #redflag-answers { text-style: bold; width: 100%; margin: 1 0 0 0; }
    RedFlagDialog #redflag-advice { width: 100%; margin: 1 0 0 0; }
    RedFlagDialog #redflag-close { color: $text-accent; text-style: bold; width: 100%; margin: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No", show=False),
        Binding("space", "switch", "Switch", show=False),
        Binding("enter", "finish", "Done", priority=True, show=False),
        Binding("escape", "later", "Later", show=False),
    ]

    def __init__(self, trigger: Trigger, asked: datetime, *, keep: Keeper | None = None,
                 before_session: bool = False) -> None:
        super().__init__()
        self.trigger = trigger
        self.asked = asked
        self.keep = keep
        self.before_session = before_session
        self.answers: dict[str, bool] = {}
        self.check: RedFlagCheck | None = None  # once finished
        self._warned = False  # told that some questions are unanswered: the next Enter finishes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="redflag-box"):
            yield Label(Content(CHECK_TITLE), classes="dialog-title")
            because = asked_because(self.trigger)
            yield Label(Content(because), id="redflag-because").set_styles(
                f"display: {'block' if because else 'none'};")
            yield Static(Content(INTRO), id="redflag-intro")
            yield OptionList(*(Option(question_row(flag, None), id=flag.id) for flag in RED_FLAGS),
                             id="redflag-list")
            yield Static(Content(self._status()), id="redflag-status")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """All the questions at once when they fit the window; else the list scrolls (to the one being answered),
        and the intro and the keys stay in view."""
        if self.finished:
            return
        box, options = self.query_one("#redflag-box"), self.query_one(OptionList)
        others = sum(widget.outer_size.height + widget.styles.margin.height for widget in box.children
                     if widget.display and widget is not options)
        needed = box.styles.gutter.height + others + options.virtual_size.height
        self.set_class(needed > int(self.size.height * 0.9), "-scroll")

    # -- answering -------------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.check is not None

    def _current(self) -> int | None:
        return self.query_one(OptionList).highlighted if not self.finished else None

    def _set(self, index: int, answer: bool) -> None:
        flag = RED_FLAGS[index]
        self.answers[flag.id] = answer
        self.query_one(OptionList).replace_option_prompt_at_index(index, question_row(flag, answer))
        self._warned = False
        self._show_status()

    def action_answer(self, answer: bool) -> None:
        index = self._current()
        if index is None:
            return
        self._set(index, answer)
        options = self.query_one(OptionList)
        if index + 1 < len(RED_FLAGS):
            options.highlighted = index + 1

    def action_switch(self) -> None:
        """Space: a question not answered yet becomes yes (a tick), an answered one the other answer."""
        index = self._current()
        if index is not None:
            self._set(index, not self.answers.get(RED_FLAGS[index].id, False))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click on a question switches its answer, as space does
        self.action_switch()

    def _unanswered(self) -> int:
        return sum(flag.id not in self.answers for flag in RED_FLAGS)

    def _status(self) -> str:
        left = self._unanswered()
        if self._warned:
            return (f"{plural(left, 'question')} not answered yet: y or n for each, "
                    "or enter again to finish without them.")
        done = f"{len(RED_FLAGS) - left} of {len(RED_FLAGS)} answered" if left else "All answered: enter when done"
        return f"{done} · {KEYS_HINT}"

    def _show_status(self) -> None:
        status = self.query_one("#redflag-status", Static)
        status.set_class(self._warned, "-warning")
        status.update(Content(self._status()))

    # -- finishing -------------------------------------------------------------------------------

    def action_finish(self) -> None:
        if self.finished:
            self.dismiss(self.check)
            return
        if self._unanswered() and not self._warned:
            self._warned = True
            self._show_status()
            return
        self.check = RedFlagCheck(self.asked, self.trigger, dict(self.answers))
        error = self.keep(self.check) if self.keep is not None else None
        self._show_advice(self.check, error)

    def _show_advice(self, check: RedFlagCheck, error: str | None) -> None:
        advice = check.advice
        self.add_class("-advice")
        self.set_class(advice is Advice.SEE_CLINICIAN, "-see")
        self.set_class(advice is Advice.URGENT, "-urgent")
        box = self.query_one("#redflag-box", Vertical)
        for widget in (self.query_one("#redflag-intro"), self.query_one(OptionList),
                       self.query_one("#redflag-status"), self.query_one("#redflag-because")):
            widget.remove()
        box.mount(Static(Content(answers_line(check.answers)), id="redflag-answers"))
        box.mount(Static(Content(ADVICE_TEXT[advice]), id="redflag-advice"))
        if error:
            box.mount(Static(literal(f"Your answers could not be kept: {error}"), classes="dialog-hint"))
        box.mount(Static(Content(closing_label(advice, self.before_session)), id="redflag-close"))

    def action_later(self) -> None:
        """Escape: before finishing, put the check off (nothing kept); after, the same as Enter."""
        self.dismiss(self.check)
