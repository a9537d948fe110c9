"""The fitting footer in a running app: it builds its keys again only when what it shows changed, at most once
per refresh, and never while its screen is hidden under another (it catches up when the screen is back); under a
dialog, where it can be seen, it follows at once."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Label

from backrelief_tui.tui.widgets.fitting_footer import FittingFooter


class Counting(FittingFooter):
    def __init__(self) -> None:
        super().__init__()
        self.recomposes = 0

    async def recompose(self) -> None:
        self.recomposes += 1
        await super().recompose()


class Keys(Screen[None]):
    BINDINGS = [Binding("a", "one", "One"), Binding("b", "two", "Two")]

    def __init__(self) -> None:
        super().__init__()
        self.two_shown = True

    def compose(self) -> ComposeResult:
        yield Label("keys")
        yield Counting()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.two_shown if action == "two" else True

    def action_one(self) -> None: ...

    def action_two(self) -> None: ...


class Cover(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Label("over it")


class Dialog(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield Label("a question")


class FooterApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Keys())


def footer_of(app: App[None]) -> Counting:
    return app.screen.query_one(Counting)


@pytest.mark.parametrize("key_two_shown, rebuilds, shown", [(True, 0, ("one", "two")), (False, 1, ("one",))],
                         ids=["nothing changed: nothing built", "a change: built once"])
async def test_a_burst_of_refreshes_builds_once_if_anything_changed(key_two_shown, rebuilds, shown):
    app = FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        footer = footer_of(app)
        before = footer.recomposes
        assert footer.shown_actions == ("one", "two")
        app.screen.two_shown = key_two_shown
        for _ in range(3):
            app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert footer.recomposes == before + rebuilds and footer.shown_actions == shown


async def _drop_key_two_under(app: FooterApp, pilot, above: Screen[None]) -> tuple[Counting, int]:
    """Push `above` over the keys screen, then hide key two there: (the keys screen's footer, its rebuilds before)."""
    await pilot.pause()
    keys = app.screen
    footer = footer_of(app)
    await app.push_screen(above)
    await pilot.pause()
    before = footer.recomposes
    keys.two_shown = False  # (as a session pauses under its quit question: "Pause" becomes "Resume")
    keys.refresh_bindings()
    await pilot.pause()
    await pilot.pause()
    return footer, before


async def test_a_hidden_screens_footer_waits_and_catches_up_when_the_screen_is_back():
    app = FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        footer, before = await _drop_key_two_under(app, pilot, Cover())
        assert footer.recomposes == before and footer.shown_actions == ("one", "two")  # covered: nothing built
        app.pop_screen()
        await pilot.pause()
        await pilot.pause()
        assert footer.recomposes == before + 1 and footer.shown_actions == ("one",)


async def test_under_a_dialog_the_footer_still_follows_its_screen():
    app = FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        footer, _before = await _drop_key_two_under(app, pilot, Dialog())
        assert footer.shown_actions == ("one",)
