"""Command palette (ctrl+p): "Start routine: <title>" for every routine in the library."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.markup import escape

from backrelief_tui.tui.literal import visible

if TYPE_CHECKING:
    from backrelief_tui.tui.app import BackReliefApp


def literal_highlight(matcher: Matcher, text: str) -> Content:
    """Like `Matcher.highlight`, but the text is never parsed as markup (titles come from files)."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class RoutineCommands(Provider):
    """Starts any routine by name from the command palette."""

    def _commands(self) -> Iterator[tuple[str, Callable[[], None], str]]:
        app = cast("BackReliefApp", self.app)
        for routine in app.library.routines.values():
            # The palette renders `help` as markup: escape it so file text stays literal.
            yield (f"Start routine: {visible(routine.title)}", partial(app.start_routine, routine),
                   escape(visible(routine.summary)))

    async def discover(self) -> Hits:
        for text, callback, help_text in self._commands():
            yield DiscoveryHit(Content(text), callback, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, literal_highlight(matcher, text), callback, text=text, help=help_text)
