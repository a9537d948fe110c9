"""The base of every dialog: a modal box in the middle, styled by dialogs.tcss."""

from __future__ import annotations

from backrelief_tui.tui import styles
from backrelief_tui.tui.base import AppModal, ResultType


class Dialog(AppModal[ResultType]):
    """A modal dialog; subclasses compose a `Vertical(classes="dialog-box")`."""

    DEFAULT_CSS = styles.beside(__file__, "dialogs.tcss")
