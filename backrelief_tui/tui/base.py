"""Screens that know which app they belong to: `self.app` is a `BackReliefApp`, typed.

Screens reach the settings, the library and the session flow through `self.app`;
widgets never do: they post a Message or bind a `screen.` action, and their screen
decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from backrelief_tui.tui.app import BackReliefApp
    from backrelief_tui.tui.keys import HelpSection

ResultType = TypeVar("ResultType")


class AppScreen(Screen[ResultType]):
    """A full screen of this app."""

    if TYPE_CHECKING:
        app: BackReliefApp  # the same app at run time, with its own attributes known to the type checker

    HELP_NOTE: ClassVar[str] = ""
    """A few words the help dialog adds under this screen's keys."""

    def help_sections(self) -> list[HelpSection]:
        """What `?` lists for this screen: by default its own shown keys."""
        from backrelief_tui.tui.keys import listed_keys

        return [("On this screen", listed_keys(self.BINDINGS, ()))]


class AppModal(ModalScreen[ResultType]):
    """A dialog of this app, over the screen below."""

    if TYPE_CHECKING:
        app: BackReliefApp
