"""The start screen: the routines, a preview of the highlighted one, Enter to start."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from backrelief_tui.core.plan import Plan, plan_session
from backrelief_tui.core.wording import SAFETY_NOTE, SEEN_CLINICIAN, routine_facts
from backrelief_tui.tui import styles
from backrelief_tui.tui.base import AppScreen
from backrelief_tui.tui.keys import HelpSection, listed_keys
from backrelief_tui.tui.literal import visible
from backrelief_tui.tui.widgets.fitting_footer import FittingFooter
from backrelief_tui.tui.widgets.routine_preview import BONUS_KEY, RoutinePreview, planned_kit

PICKER_KEYS = (
    ("↑  ↓", "choose a routine"),
    ("⇧↓  ⇧↑", "scroll the preview (every move, with its figure)"),
    ("enter", "start it"),
    (BONUS_KEY, "add or leave out the bonus moves (off until you choose; the preview says which)"),
    ("d", "hide the safety note for good"),
    ("r", "the safety check: a few yes/no questions about signs that need a clinician first"),
    ("c", f"after a safety check that advised a clinician: say \"{SEEN_CLINICIAN}\" (the reminder goes)"),
    ("q", "quit"),
)
_PICKER_LISTED = frozenset({"start", "dismiss_safety", "app.quit", "app.help", "add_bonus", "drop_bonus",
                            "scroll_preview", "red_flag_check", "seen_clinician"})
PICKER_HELP_NOTE = (
    "The safety check asks about uncommon signs that back pain should be looked at by a doctor or "
    "physiotherapist first. It comes on the first run, when your pain before a session is 3 or more points "
    "above the last rating, and when you press l in a pain check-in (pain, tingling or numbness down a leg). "
    "A yes brings a reminder here until you press c. The morning after a session day, one question asks how "
    "your back is compared with before it: b, s or w answers, esc skips."
)
# At 60 columns the footer keeps Start, Quit, Help, Settings, Build, Edit and History:
# shorter labels first, then the bonus key gives way (the preview names that key).
FOOTER_SHORT = {"start": ("⏎", "Start"), "edit": ("e", "Edit")}
FOOTER_OPTIONAL = ("add_bonus", "drop_bonus")


class PickerScreen(AppScreen[None]):
    """Choose a routine; Enter (or a click on it, or on Start in the footer) begins it."""

    DEFAULT_CSS = styles.beside(__file__, "picker.tcss")
    AUTO_FOCUS = "#routines"
    HELP_NOTE = PICKER_HELP_NOTE
    BINDINGS = [
        # Quit and Help come first so that a narrow footer still shows them.
        Binding("enter", "start", "Start", key_display="enter", priority=True),
        Binding("q", "app.quit", "Quit"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("d", "dismiss_safety", "Hide safety note", show=False),  # the note's button says (d)
        Binding("c", "seen_clinician", "A clinician has seen me", show=False),  # the reminder says (c)
        Binding("r", "red_flag_check", "Safety check", show=False),
        Binding("shift+down", "scroll_preview(3)", "Scroll preview", show=False),
        Binding("shift+up", "scroll_preview(-3)", "Scroll preview", show=False),
        Binding("s", "settings", "Settings"),
        Binding("b", "build", "Build"),
        Binding("e", "edit", "Edit a copy"),
        Binding("h", "app.history", "History"),
        # One key, two labels: the footer says what it does now (check_action lets one through).
        Binding(BONUS_KEY, "add_bonus", "Add bonus"),
        Binding(BONUS_KEY, "drop_bonus", "Drop bonus"),
    ]

    def compose(self) -> ComposeResult:
        yield Label(Content.assemble(("backrelief", "bold"), "  low-back relief, one move at a time"),
                    id="brand")
        # A link, not a Button: the picker has no Button, so their styles are not parsed
        # before the first frame (Start is the first key in the footer; it takes clicks).
        yield Static(Content.from_markup(f"[b]Safety:[/b] {SAFETY_NOTE}  "
                                         "[@click=screen.dismiss_safety][b]Got it (d)[/b][/]"), id="safety")
        yield Static(id="reminder")
        with Horizontal(id="picker-body"):
            yield OptionList(id="routines")
            yield RoutinePreview(id="preview")
        yield FittingFooter(short=FOOTER_SHORT, optional=FOOTER_OPTIONAL)

    def help_sections(self) -> list[HelpSection]:
        from backrelief_tui.tui.screens.session import SESSION_KEYS

        return [("Choosing a routine", listed_keys(self.BINDINGS, PICKER_KEYS, _PICKER_LISTED)),
                ("During a session", SESSION_KEYS)]

    _plans: dict[str, Plan]
    _wanted: str | None = None  # a routine to highlight once the list is filled

    def on_mount(self) -> None:
        self.show_safety()
        self._plans = {}
        # The figures load after the first frame: the picker is on screen before the pose data is read.
        self.call_after_refresh(self.query_one(RoutinePreview).enable_figures)

    def on_screen_resume(self) -> None:
        # Shown for the first time, or back from a session or a settings change
        # (lengths may have changed): list the routines afresh.
        self.refresh_routines()
        self.show_safety()
        self.app.flow.asking.ask_pending()  # a question that waited for the picker (the next morning's)

    # -- safety ---------------------------------------------------------------------------------

    def show_safety(self) -> None:
        """The one-time safety note until it is dismissed or a safety check has been answered (the check asks
        about falls and injuries too); then, while a check's answers need a clinician, a calm reminder."""
        self.query_one("#safety").display = self.safety_note_due()
        check = self.app.flow.asking.last_check
        line = self.query_one("#reminder", Static)
        line.display = check is not None and check.needs_clinician
        if check is not None and check.needs_clinician:
            from backrelief_tui.core.redflags import reminder  # loaded with the journal, after the first frame

            line.update(Content.assemble(f"{reminder(check)} ", ("c", "bold"), f": {SEEN_CLINICIAN}."))
        self.refresh_bindings()

    def safety_note_due(self) -> bool:
        return not (self.app.settings.safety_acknowledged or self.app.flow.asking.check_answered)

    def action_seen_clinician(self) -> None:
        from backrelief_tui.core.redflags import answers_line
        from backrelief_tui.tui.dialogs.confirm import ConfirmDialog

        asking = self.app.flow.asking
        check = asking.last_check
        if check is None or not check.needs_clinician:
            return
        self.app.push_screen(ConfirmDialog(
            "Has a doctor or physiotherapist seen you about it?",
            f"{answers_line(check.answers)} Say yes once they have: the reminder goes, and your report keeps both.",
            yes="Yes, I have been seen", no="Not yet"),
            lambda seen: asking.seen_clinician() if seen else None)

    def action_red_flag_check(self) -> None:
        from backrelief_tui.core.redflags import Trigger

        self.app.flow.asking.ask_red_flags(Trigger.ASKED, lambda _check: None)

    # -- the list ---------------------------------------------------------------------------

    def plans(self) -> dict[str, Plan]:
        settings = self.app.settings
        return {rid: plan_session(routine, settings) for rid, routine in self.app.library.routines.items()}

    def refresh_routines(self) -> None:
        options = self.query_one(OptionList)
        highlighted, self._wanted = self._wanted or self.highlighted_id(), None
        self._plans = self.plans()
        options.clear_options()
        options.add_options(routine_option(plan) for plan in self._plans.values())
        if self._plans:
            ids = list(self._plans)
            options.highlighted = ids.index(highlighted) if highlighted in ids else 0
        self.show_preview()

    def highlight(self, routine_id: str) -> None:
        """Show `routine_id` highlighted (started from the palette or `backrelief run`, it is what the
        check-in is about); a routine that is not in the list (a file, a built one) leaves it as it is.
        Asked before the list is filled (`backrelief run`), the list starts there."""
        self._wanted = routine_id
        if self.is_mounted and routine_id in getattr(self, "_plans", ()):
            self.query_one(OptionList).highlighted = list(self._plans).index(routine_id)

    def highlighted_id(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or options.option_count == 0:
            return None
        return options.get_option_at_index(options.highlighted).id

    def show_preview(self) -> None:
        routine_id = self.highlighted_id()
        plan = self._plans.get(routine_id) if routine_id else None
        self.query_one(RoutinePreview).show(plan, self.app.settings)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_preview()
        self.refresh_bindings()  # the bonus key shows only for a routine with a bonus move

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_start()

    # -- actions ------------------------------------------------------------------------------

    def action_start(self) -> None:
        routine_id = self.highlighted_id()
        routine = self.app.library.get(routine_id) if routine_id else None
        if routine is not None:
            self.app.start_routine(routine)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dismiss_safety":
            return self.safety_note_due()
        if action == "seen_clinician":
            return self.app.flow.asking.needs_clinician
        if action == "red_flag_check":
            return self.app.flow.asking.enabled
        if action in ("add_bonus", "drop_bonus"):
            included = self.app.settings.include_bonus
            return self.highlighted_has_bonus() and included == (action == "drop_bonus")
        return True

    def highlighted_has_bonus(self) -> bool:
        routine_id = self.highlighted_id()
        routine = self.app.library.get(routine_id) if routine_id else None
        return routine is not None and any(move.bonus for move in routine.moves)

    def action_add_bonus(self) -> None:
        self.set_bonus(True)

    def action_drop_bonus(self) -> None:
        self.set_bonus(False)

    def set_bonus(self, included: bool) -> None:
        """Bonus moves on or off, for every routine from now on (saved, like `backrelief set --bonus on`)."""
        self.app.update_settings(replace(self.app.settings, include_bonus=included))
        self.refresh_routines()  # the lengths change with it
        self.refresh_bindings()

    def action_dismiss_safety(self) -> None:
        self.app.update_settings(replace(self.app.settings, safety_acknowledged=True))
        self.query_one("#safety").display = False
        self.refresh_bindings()

    def action_scroll_preview(self, lines: int) -> None:
        self.query_one(RoutinePreview).scroll_moves(lines)

    # Customizing: settings (per-move numbers open on the highlighted routine), build, editor.
    def action_settings(self) -> None:
        from backrelief_tui.tui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen(self.highlighted_id()))  # General first; Moves shows this routine

    def action_build(self) -> None:
        from backrelief_tui.tui.screens.build import BuildScreen

        self.app.push_screen(BuildScreen())

    def action_edit(self) -> None:
        from backrelief_tui.tui.screens.editor import EditorScreen

        routine_id = self.highlighted_id()
        self.app.push_screen(EditorScreen(self.app.library.get(routine_id) if routine_id else None))


def routine_option(plan: Plan) -> Option:
    """Up to three lines per routine: title; length, moves and equipment; the areas it works."""
    routine = plan.routine
    # The length leads the second line, so a narrow list cuts the equipment, not the length.
    length, rest = routine_facts(plan.total_seconds, len(plan.moves), planned_kit(plan)).split(" · ", 1)
    parts: list[str | tuple[str, str]] = [
        (visible(routine.title), "bold"), "" if routine.builtin else "  (yours)", "\n",
        (length, "$text-accent"), (f" · {rest}", "$text-muted"),
    ]
    if routine.targets:
        parts += ["\n", (", ".join(routine.targets), "$text-muted italic")]
    return Option(Content.assemble(*parts), id=routine.id)
