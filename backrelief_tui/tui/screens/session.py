"""The follow-along screen: the beat the body is in, a countdown readable from the floor, the figure.

All timing lives in the engine. This screen only calls engine methods and paints
`session_view(engine)`; it wakes itself with a one-shot timer at
`engine.next_wakeup()` (when the shown second changes or an event is due), so the
text redraws about once a second, not on a fast fixed interval. While the body moves
(a lift, a lower, stepping into a hold) the same wake-up comes a few times a second and
only the figure changes; during a hold nothing moves and nothing is drawn between seconds.
Sounds, speech and the record are the session flow's: the screen hands it every batch of
engine events.

Any way out asks first: `q` and ctrl+q (the stop question), and the help and stop
dialogs hold the session (a pause) while they are open. Tests drive it with a FakeClock:
advance the clock, then call `tick()`.
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING, TypeVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from backrelief_tui.audio import Backend
from backrelief_tui.core.engine import ADJUST_STEP, Event, PauseReason, State
from backrelief_tui.core.wording import RED_FLAG_LINE
from backrelief_tui.tui import styles
from backrelief_tui.tui.base import AppScreen
from backrelief_tui.tui.compositor import PartialCompositor
from backrelief_tui.tui.keys import HelpSection
from backrelief_tui.tui.literal import literal
from backrelief_tui.tui.screens.session_view import FigureView, SessionView, figure_view, session_view
from backrelief_tui.tui.widgets.big_text import BigText
from backrelief_tui.tui.widgets.figure import Figure
from backrelief_tui.tui.widgets.fitting_footer import FittingFooter
from backrelief_tui.tui.widgets.line import Line
from backrelief_tui.tui.widgets.session_progress import SessionProgress

if TYPE_CHECKING:
    from backrelief_tui.tui.session_flow import Session

WidgetT = TypeVar("WidgetT", bound=Widget)

SESSION_KEYS = (
    ("space", "pause / resume (on a self-paced step: done)"),
    ("→  n", "next step (skips it)"),
    ("N", "next move (skips the rest of this one)"),
    ("←  p", "back to the previous step"),
    ("r", "restart this step"),
    ("+  =", "add 5 seconds to this step"),
    ("-", "take 5 seconds off this step"),
    ("m", "mute / unmute the sounds and the voice"),
    ("q", "stop the session (asks first; what you did is kept)"),
)
WAKE_SLACK = 0.01  # wake just after a boundary, so the new second is already due
MIN_WAKE = 0.02  # never spin, whatever the clock says
FLASH_SECONDS = 0.3
FLASH_STRENGTH = "20%"  # the panel lights up in the foreground colour at this strength
FRAME_SECONDS = 0.25  # the figure's frames while the body moves: 4 a second (8 to a 2 s lift) reads as smooth;
# each frame costs a repaint of the screen, and 5 a second put animated reps over their CPU budget (make bench)
FOOTER_OPTIONAL = ("restart", "mute", "unmute", "more")


class SessionScreen(AppScreen[None]):
    """Guides one session from the lead-in to the summary."""

    DEFAULT_CSS = styles.beside(__file__, "session.tcss")
    AUTO_FOCUS = ""  # nothing takes focus: every key goes to the screen's bindings
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-medium"), (28, "-tall")]

    # Several bindings share a key; `check_action` lets exactly one of them through,
    # so the footer always names what the key does right now.
    BINDINGS = [
        Binding("space", "pause", "Pause", key_display="space"),
        Binding("space", "resume", "Resume", key_display="space"),
        Binding("space", "done", "Done", key_display="space"),
        Binding("right,n", "next", "Next", key_display="→"),
        Binding("N,shift+n", "next_move", "Next move", key_display="N", show=False),
        Binding("left,p", "back", "Back", key_display="←"),
        Binding("plus,equals_sign", "more", "±5s", key_display="+/-"),
        Binding("minus", "less", "-5s", key_display="-", show=False),
        Binding("m", "mute", "Mute"),
        Binding("m", "unmute", "Unmute"),
        Binding("q", "quit_session", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("r", "restart", "Restart"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        # A second repaints a few cells here and there: render only the widgets under them.
        self._compositor = PartialCompositor()
        self.session = session
        self.engine = session.engine
        self.routine_title = session.routine.title
        self._wake_handle: asyncio.TimerHandle | None = None
        self._animating = False  # the figure moves: wake for its frames too
        self._next_second: float | None = None  # the clock time at which the shown second next changes
        self.wake_delay: float | None = None  # seconds until the armed wake-up (None: idle)
        self._shown: dict[str, str] = {}  # selector -> text on screen now
        self._footer_key: tuple[State, bool, bool] | None = None
        self.flashes = 0  # how many times the screen flashed for a cue it could not sound
        self._flash_timer: Timer | None = None
        self._phase = ""
        self._finished = False
        self._held_by_dialog = False  # a dialog paused the session and resumes it when it closes
        self.view: SessionView = session_view(self.engine)
        self._widgets: dict[str, Widget] = {}  # selector -> widget (see `_widget`)

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Label(id="where")
            yield Label(id="sound")
        yield Static(id="phase")
        with Vertical(id="panel"):
            with Horizontal(id="stage"):
                yield Figure(id="figure")
                with Vertical(id="coach"):
                    yield Label(id="title")
                    yield Label(id="detail")
                    yield BigText(id="beat", max_scale=1, per_glyph=False)  # changes shape with every beat
                    yield BigText(id="clock", max_scale=4)
                    with Center(id="move-left-row"):  # centres the line: it is only as wide as its text
                        yield Line(id="move-left")  # changes every second: repaints only its changed cells
                    yield Label(id="hint")
            yield Static(id="cue")
            yield Static(id="caution")
            yield Static(id="variation")
        yield Label(id="next-up")
        yield SessionProgress(id="progress")
        with Horizontal(id="buttons"):
            yield Button("Back", id="back")
            yield Button("Pause", id="pause", variant="primary")
            yield Button("Next", id="next")
        # The palette still opens with ctrl+p; its footer hint would crowd out the session keys.
        # In a narrow window Restart, then Mute, give way (they stay on `?`): the keys to pause,
        # go on, go back, stop and ask for help always show, whole.
        yield FittingFooter(show_command_palette=False, optional=FOOTER_OPTIONAL)

    def help_sections(self) -> list[HelpSection]:
        return [("During a session", SESSION_KEYS)]

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False  # keys always reach the screen; clicks still work
        self._apply(self.engine.start() if self.engine.state is State.READY else [])

    def on_unmount(self) -> None:
        self._disarm()

    # -- the one loop: engine call -> events -> sound, record, paint, re-arm --------------

    def tick(self) -> None:
        """Poll the engine at the clock's time and update the screen (the wake-up calls this)."""
        self._wake_handle = None
        events = self.engine.poll()
        if (not events and self._animating and self.engine.running and self._next_second is not None
                and self.app.flow.clock() < self._next_second):
            # A frame between two seconds while the body moves: nothing but the figure can change.
            self._draw_figure(figure_view(self.engine))
            self._arm()
            return
        self._apply(events)

    def _apply(self, events: list[Event]) -> None:
        if events:
            flow = self.app.flow
            if flow.sound(events):
                self.flash()  # an important cue could not sound
            flow.record(self.session, events)
        self._paint()
        if self.engine.over:
            self._finish()
        else:
            self._arm()
        self._refresh_footer()

    def _refresh_footer(self) -> None:
        # Which key does what depends on these alone; redrawing the footer every second
        # would cost more CPU than everything else on the screen.
        step = self.engine.step
        key = (self.engine.state, step is not None and step.self_paced, self.app.flow.player.muted)
        if key != self._footer_key:
            self._footer_key = key
            self.refresh_bindings()

    def _finish(self) -> None:
        """The session ended (ran out or was stopped): record it and show the summary."""
        if self._finished:
            return
        self._finished = True
        self._disarm()
        self.app.flow.ended(self.session)  # the record, then the summary in this screen's place

    def _arm(self) -> None:
        """Wake when the shown second changes or an event is due; while the figure moves, every frame too.

        One wake-up for both, so a frame and a new second falling together are painted
        together, and frames start again in step with each second. It is the event loop's
        own one-shot timer: a Textual timer per second is a task of its own and costs more
        than everything the screen does in that second.
        """
        self._disarm()
        wake = self._next_second = self.engine.next_wakeup()
        if wake is not None:
            delay = max(MIN_WAKE, wake - self.app.flow.clock() + WAKE_SLACK)
            if self._animating:
                # Frames on a grid counted back from the next second: evenly spaced whatever
                # the timer's lateness, and every rep drawn from the same (cached) frames.
                delay -= FRAME_SECONDS * max(0, math.floor((delay - FRAME_SECONDS / 2) / FRAME_SECONDS))
            self.wake_delay = delay
            self._wake_handle = asyncio.get_running_loop().call_later(self.wake_delay, self._wake)

    def _wake(self) -> None:
        # Called straight from the event loop, in the context `_arm` ran in: `call_next` would
        # cost a message and an inspect.signature() call every time. An error still goes
        # through Textual's own handling of a failed callback.
        self._wake_handle = None
        try:
            self.tick()
        except Exception as error:
            self.call_next(_raise, error)

    def _disarm(self) -> None:
        self.wake_delay = None
        if self._wake_handle is not None:
            self._wake_handle.cancel()
            self._wake_handle = None

    # -- output ---------------------------------------------------------------------------

    def flash(self) -> None:
        """Briefly light up the panel: the visual cue when no sound was played."""
        self.flashes += 1
        # The panel's own background, set and cleared inline: a CSS class (on the screen or the
        # panel) has every widget under it matched against the whole stylesheet again, twice a
        # flash, and without sound that is every rep.
        panel = self._widget("#panel", Vertical)
        panel.styles.background = f"{self.app.get_css_variables()['foreground']} {FLASH_STRENGTH}"
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self._flash_timer = self.set_timer(FLASH_SECONDS, self._flash_off, name="flash-off")

    def _flash_off(self) -> None:
        self._widget("#panel", Vertical).styles.background = None  # back to the stylesheet's

    def _paint(self) -> None:
        view = self.view = session_view(self.engine)
        if view.phase != self._phase:
            if self._phase:
                self.remove_class(f"-{self._phase}")
            self.add_class(f"-{view.phase}")
            self._phase = view.phase
            self._widget("#figure", Figure).set_phase(view.phase)
        self.set_class(view.self_paced, "-self-paced")
        self._text("#where", f"{self.routine_title} · {view.where}" if view.where else self.routine_title)
        self._text("#sound", self._sound_state())
        self._text("#phase", view.label)
        self._text("#title", view.title)
        self._text("#detail", view.detail)
        self._widget("#beat", BigText).show(view.beat)
        self._widget("#clock", BigText).show(view.clock)
        self._text("#move-left", view.move_left)
        self._text("#hint", view.hint)
        self._text("#cue", view.cue)
        self._text("#caution", self._caution(view))
        self._text("#variation", f"Variation: {view.variation}" if view.variation else "")
        self._text("#next-up", view.next_up)
        self._widget("#progress", SessionProgress).show(view.progress, view.total, view.remaining)
        label = "Done" if view.self_paced else ("Resume" if view.paused else "Pause")
        if self._shown.get("#pause") != label:
            self._shown["#pause"] = label
            self._widget("#pause", Button).label = label
        self._draw_figure(view.figure)

    def _caution(self, view: SessionView) -> str:
        # The stop rule stands under every get-ready, where the person sets up for a move.
        if view.phase == "get-ready":
            return f"Caution: {view.caution} {RED_FLAG_LINE}" if view.caution else RED_FLAG_LINE
        return f"Caution: {view.caution}" if view.caution else ""

    def _draw_figure(self, figure: FigureView | None) -> None:
        widget = self._widget("#figure", Figure)
        if figure is None:
            widget.clear()
            self._animating = False
            return
        widget.show(figure.move, figure.side, figure.from_pose, figure.to_pose, figure.fraction)
        # While the body moves the wake-up comes every frame (see `_arm`); during a hold, once a second.
        self._animating = figure.moving and self.engine.running and widget.display

    def _widget(self, selector: str, kind: type[WidgetT]) -> WidgetT:
        """The widget at `selector`, looked up once: a query walks the DOM, and `_paint` runs every second."""
        widget = self._widgets.get(selector)
        if widget is None:
            widget = self._widgets[selector] = self.query_one(selector, kind)
        assert isinstance(widget, kind)
        return widget

    def _text(self, selector: str, text: str) -> None:
        before = self._shown.get(selector)
        if before == text:
            return  # unchanged: no repaint, no layout
        self._shown[selector] = text
        widget = self._widget(selector, Widget)
        if isinstance(widget, Line):
            widget.show(text)  # shown as typed; sizes itself
        else:
            assert isinstance(widget, Static)
            # literal(): "[bold]" in a routine file shows as typed, never as markup.
            widget.update(literal(text), layout=_size_may_change(widget, before, text))
        widget.set_class(not text, "-empty")  # an empty line takes no room

    def _sound_state(self) -> str:
        flow = self.app.flow
        player = flow.player
        if player.backend is Backend.NONE:
            text = "sound off"
        elif player.muted:
            text = "muted (m)"
        elif player.backend is Backend.SIMPLEAUDIO:
            text = "sound on"
        else:
            text = "bell only: no audio device"
        voice = flow.voice_notice
        return f"{text} · voice off" if voice and player.backend is Backend.SIMPLEAUDIO else text

    # -- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.engine.state
        self_paced = self.engine.step is not None and self.engine.step.self_paced
        live = state in (State.RUNNING, State.PAUSED)
        if action == "pause":
            return state is State.RUNNING and not self_paced
        if action == "resume":
            return state is State.PAUSED
        if action == "done":
            return state is State.RUNNING and self_paced
        if action in ("mute", "unmute"):
            player = self.app.flow.player
            if player.backend is Backend.NONE:
                return False
            return player.muted == (action == "unmute")
        if action in ("next", "next_move", "back", "restart"):
            return live
        if action in ("more", "less"):
            return live and not self_paced
        return True

    def action_pause(self) -> None:
        self._apply(self.engine.pause())

    def action_resume(self) -> None:
        self._held_by_dialog = False
        self._apply(self.engine.resume())

    def action_done(self) -> None:
        self._apply(self.engine.next())

    def action_next(self) -> None:
        self._apply(self.engine.next())

    def action_next_move(self) -> None:
        self._apply(self.engine.next_move())

    def action_back(self) -> None:
        self._apply(self.engine.previous())

    def action_restart(self) -> None:
        self._apply(self.engine.restart_step())

    def action_more(self) -> None:
        self._adjust(ADJUST_STEP)

    def action_less(self) -> None:
        self._adjust(-ADJUST_STEP)

    def _adjust(self, delta: int) -> None:
        # Settle anything already due first: adjust() polls too, but drops the events.
        self._apply(self.engine.poll())
        if self.engine.over:
            return
        if self.engine.adjust(delta) == 0 and delta < 0:
            self.notify("Already at the last second of this step.", timeout=2)
        self._apply([])

    def action_mute(self) -> None:
        self.app.flow.player.muted = True
        self._paint()
        self._refresh_footer()

    def action_unmute(self) -> None:
        self.app.flow.player.muted = False
        self._paint()
        self._refresh_footer()

    def _hold_for_dialog(self, reason: PauseReason = PauseReason.PERSON) -> None:
        """A dialog opens over the session: time stops until it closes (reps are not done while reading)."""
        if self.engine.running:
            self._held_by_dialog = True
            self._apply(self.engine.pause(reason))

    def _release_after_dialog(self) -> None:
        engine = self.engine
        if (self._held_by_dialog and engine.state is State.PAUSED
                and engine.pause_reason in (PauseReason.PERSON, PauseReason.QUESTION)):
            self._held_by_dialog = False
            self._apply(self.engine.resume())

    def action_help(self) -> None:
        from backrelief_tui.tui.dialogs.help import HelpDialog

        self._hold_for_dialog()
        self.app.push_screen(HelpDialog(self.help_sections()), lambda _result: self._release_after_dialog())

    def action_quit_session(self) -> None:
        from backrelief_tui.tui.dialogs.confirm import ConfirmDialog

        self._hold_for_dialog(PauseReason.QUESTION)

        def answered(stop: bool | None) -> None:
            if stop and not self.engine.over:
                self.engine.stop()
                self._apply([])
            else:
                self._release_after_dialog()

        self.app.push_screen(
            ConfirmDialog("Stop this session?", "What you have done so far is kept.", yes="Stop", no="Keep going"),
            answered,
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "pause":
            action = "done" if self.view.self_paced else ("resume" if self.view.paused else "pause")
        else:
            action = event.button.id or ""
        if self.check_action(action, ()):
            getattr(self, f"action_{action}")()


def _raise(error: Exception) -> None:
    raise error


def _size_may_change(widget: Widget, before: str | None, after: str) -> bool:
    """Whether a line's new text can change its size, so that the screen needs a layout pass.

    A layout pass arranges every widget on the screen again; most seconds only a count in a
    line of fixed width changes. A line keeps its size when it has a fixed width and both
    texts fit on one line of it (appearing or disappearing is a change of size too).
    """
    width = widget.content_size.width
    if not before or not after or not width or "\n" in before or "\n" in after:
        return True
    if widget.styles.width is None or widget.styles.width.is_auto:
        return True
    return cell_len(before) > width or cell_len(after) > width
