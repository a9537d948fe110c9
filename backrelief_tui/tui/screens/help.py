"""The key list (`?`): every key of the picker and the session, in one modal."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from backrelief_tui.tui import styles

SESSION_KEYS = (
    ("space", "pause / resume (on a self-paced step: done)"),
    ("→  n", "next step (skips it)"),
    ("←  p", "back to the previous step"),
    ("r", "restart this step"),
    ("+  =", "add 5 seconds to this step"),
    ("-", "take 5 seconds off this step"),
    ("m", "mute / unmute the sounds"),
    ("q", "stop the session (asks first; what you did is kept)"),
)
PICKER_KEYS = (
    ("↑  ↓", "choose a routine"),
    ("enter", "start it"),
    ("ctrl+p", "palette: start a routine by name, pick a theme"),
    ("d", "hide the safety note for good"),
    ("q", "quit"),
)
_PICKER_LISTED = {"start", "dismiss_safety", "app.quit", "app.help"}


def picker_keys() -> tuple[tuple[str, str], ...]:
    """The picker's keys: the ones above, plus any other key the picker binds (read from it)."""
    from backrelief_tui.tui.screens.picker import PickerScreen

    bindings = [item if isinstance(item, Binding) else Binding(*item) for item in PickerScreen.BINDINGS]
    extra = tuple((binding.key_display or binding.key, binding.description.lower())
                  for binding in bindings
                  if binding.show and binding.description and binding.action not in _PICKER_LISTED)
    return PICKER_KEYS[:-1] + extra + PICKER_KEYS[-1:]
GENERAL_KEYS = (
    ("?", "this help"),
    ("esc", "close this help"),
)


def key_table(title: str, rows: tuple[tuple[str, str], ...]) -> Content:
    parts: list[str | tuple[str, str]] = [(title, "bold $text-accent"), "\n"]
    for key, meaning in rows:
        parts += [(f"  {key:<8}", "bold"), meaning, "\n"]
    return Content.assemble(*parts)


class HelpScreen(ModalScreen[None]):
    """Lists the keys; any of esc, ?, q or enter closes it."""

    DEFAULT_CSS = styles.beside(__file__, "dialogs.tcss")
    BINDINGS = [Binding("escape,question_mark,q,enter", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Label(Content("Keys"), id="help-title")
            yield Static(key_table("During a session", SESSION_KEYS), classes="keys")
            yield Static(key_table("Choosing a routine", picker_keys()), classes="keys")
            yield Static(key_table("Anywhere", GENERAL_KEYS), classes="keys")
            yield Label(Content("The mouse works too: click the buttons on screen."), id="help-mouse")

    def action_close(self) -> None:
        self.dismiss(None)
