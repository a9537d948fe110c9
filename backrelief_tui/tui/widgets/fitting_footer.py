"""A footer that fits: at any width it shows whole keys, the ones that matter first.

Textual's `Footer` lays every shown key out in one row and cuts off what does not fit
(at 60 columns the picker lost History and Edit behind the palette key, and a stray
"h" showed through). `FittingFooter` measures first and, only as far as needed to fit:

1. drops the palette key (ctrl+p still works, and `?` lists it);
2. uses the short labels the screen gives (`short`: action -> (key shown, label));
3. lets the keys named in `optional` give way, in that order;
4. as a last resort drops keys from the right, never leaving half a key.

Every key still works whether it is shown or not, and `?` lists them all. The footer
is compact (no padding around the key) unless told otherwise.

Textual's footer builds its keys again (a recompose: ~15 ms of the UI thread, in a batch
during which nothing is painted) after every `refresh_bindings` of its screen, even when no
key changed, and even when its screen is covered by another: a summary that refreshes its
bindings as it comes up held up an `h` pressed at once behind four of them. This one
recomposes at most once per refresh, only when what it would show changed, and only while
its screen can be seen (on top, or under a dialog); a screen hidden under another one
catches up when it is back (its resume refreshes the bindings).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

ShortLabels = Mapping[str, tuple[str, str]]
PALETTE_CLASS = "-command-palette"


def key_width(key_display: str, description: str, *, compact: bool) -> int:
    """Cells one key takes in the row, with the gap after it."""
    text = cell_len(key_display) + (cell_len(description) + 1 if description else 0)
    return text + 1 if compact else text + 3  # compact: a 1-cell gap; else padding around key and label


def fitting(keys: Sequence[tuple[str, str, str]], width: int, *, short: ShortLabels, optional: Sequence[str],
            palette: int, compact: bool = True) -> tuple[list[tuple[str, str, str]], bool]:
    """Which keys to show in `width` cells: (action, key shown, label) for each, and whether the palette stays.

    `palette` is the palette key's width (0 when there is none).
    """

    def total(chosen: Iterable[tuple[str, str, str]], with_palette: bool) -> int:
        cells = sum(key_width(key, label, compact=compact) for _action, key, label in chosen)
        return cells + (palette if with_palette else 0) - (1 if compact else 0)  # no gap after the last

    chosen = list(keys)
    if total(chosen, True) <= width:
        return chosen, bool(palette)
    if total(chosen, False) <= width:
        return chosen, False
    chosen = [(action, *short.get(action, (key, label))) for action, key, label in chosen]
    for action in optional:
        if total(chosen, False) <= width:
            break
        chosen = [item for item in chosen if item[0] != action]
    while chosen and total(chosen, False) > width:
        chosen.pop()
    return chosen, False


class FittingFooter(Footer):
    """A `Footer` that shows as many whole keys as fit, shortening and leaving out on purpose."""

    def __init__(self, *, short: ShortLabels | None = None, optional: Sequence[str] = (),
                 show_command_palette: bool = True, compact: bool = True, id: str | None = None) -> None:
        super().__init__(show_command_palette=show_command_palette, compact=compact, id=id)
        self.short: ShortLabels = short or {}
        self.optional = tuple(optional)
        self._fitted_width = 0
        self._composed: tuple[object, ...] | None = None  # what the keys on show were made from
        self._recompose_pending = False
        self.shown_actions: tuple[str, ...] = ()
        """The actions whose keys are on the footer now (the tests read it)."""

    def _made_from(self) -> tuple[object, ...]:
        """Everything `compose` makes the keys from: the screen's bindings as shown, the width, the options."""
        if not self._bindings_ready:
            return ()
        app = self.app
        bindings = tuple((binding, enabled, tooltip, app.get_key_display(binding))
                         for _node, binding, enabled, tooltip in self.screen.active_bindings.values())
        return (self.size.width or self.screen.size.width, self.compact, self.show_command_palette,
                app.ENABLE_COMMAND_PALETTE, tuple(self.short.items()), self.optional, bindings)

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._recompose_soon()

    def _recompose_soon(self) -> None:
        if not self._recompose_pending:
            self._recompose_pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._recompose_pending = False
        if not self.is_attached:
            return
        if not _in_sight(self.screen):
            self._composed = None  # made again when the screen is back
            return
        if self._made_from() != self._composed:
            await self.recompose()

    def compose(self) -> ComposeResult:
        self._composed = self._made_from()
        widgets = list(super().compose())
        keys = [widget for widget in widgets if _is_key(widget) and not widget.has_class(PALETTE_CLASS)]
        palettes = [widget for widget in widgets if _is_key(widget) and widget.has_class(PALETTE_CLASS)]
        width = self.size.width or self.screen.size.width
        self._fitted_width = width
        palette_width = 0
        if palettes:
            palette = palettes[0]
            # docked right behind a 1-cell border, which takes the place of the gap
            palette_width = key_width(str(getattr(palette, "key_display", "")),
                                      str(getattr(palette, "description", "")), compact=self.compact)
        described = [(str(getattr(key, "action", "")), str(getattr(key, "key_display", "")),
                      str(getattr(key, "description", ""))) for key in keys]
        chosen, keep_palette = fitting(described, width, short=self.short, optional=self.optional,
                                       palette=palette_width, compact=self.compact)
        by_action = {str(getattr(key, "action", "")): key for key in keys}
        self.shown_actions = tuple(action for action, _key, _label in chosen)
        for action, key_display, label in chosen:
            widget = by_action[action]
            widget.key_display = key_display  # type: ignore[attr-defined]
            widget.description = label  # type: ignore[attr-defined]
            yield self._styled(widget)
        if keep_palette:
            yield from map(self._styled, palettes)
        yield from (widget for widget in widgets if not _is_key(widget))

    def _styled(self, key: Widget) -> Widget:
        # A key learns it is compact from a watcher once mounted and restyles then (~0.4 ms a key):
        # with the class from the start, the watcher has nothing to change.
        key.set_class(self.compact, "-compact")
        return key

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._fitted_width:
            self._recompose_soon()


def _in_sight(screen: Screen[object]) -> bool:
    """On top, or seen through the screens over it (a dialog's see-through background); not hidden under an
    opaque one. (Textual's `is_current` counts the screen under any top screen as possibly seen.)"""
    stack = screen.app.screen_stack
    if screen not in stack:
        return False
    return all(above.styles.background.a < 1 for above in stack[stack.index(screen) + 1:])


def _is_key(widget: Widget) -> bool:
    """A footer key (Textual's FooterKey: a key, what it shows and its action)."""
    return hasattr(widget, "key_display") and hasattr(widget, "action")
