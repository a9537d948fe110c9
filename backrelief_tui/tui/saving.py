"""Saving a routine of the person's own from a screen (the editor, the builder): ask first when it replaces one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from backrelief_tui.core.routine import Routine
from backrelief_tui.core.user_routines import replaces, save_user_routine

if TYPE_CHECKING:
    from backrelief_tui.tui.app import BackReliefApp


def save_routine_asking(app: BackReliefApp, routine: Routine, on_saved: Callable[[Routine], None],
                        *, editing: str | None = None) -> None:
    """Save a routine of the person's own, asking first when it would replace one.

    `editing` is the id of the user routine being edited: saving over it needs no question.
    Problems (the routine-file rules) and disk errors are shown, never raised.
    """
    existing = app.library.get(routine.id)
    editing_own = routine.id == editing and not (existing is not None and existing.builtin)
    replaced = None if editing_own else replaces(routine.id, app.library)

    def save(yes: bool | None = True) -> None:
        if not yes:
            return
        try:
            path, problems = save_user_routine(routine)
        except OSError as error:
            app.notify(f"Could not save {routine.title}: {error.strerror or error}", severity="error",
                       timeout=10, markup=False)
            return
        if problems:
            app.notify("Not saved: " + "; ".join(f"{p.field}: {p.message}" if p.field else p.message
                                                 for p in problems), severity="error", timeout=10, markup=False)
            return
        saved = replace(routine, source=str(path), builtin=False)
        app.library.routines[saved.id] = saved
        app.notify(f"Saved {saved.title} as {path}", markup=False)
        on_saved(saved)

    if replaced:
        from backrelief_tui.tui.dialogs.confirm import ConfirmDialog

        app.push_screen(ConfirmDialog(f"Replace {replaced}?",
                                      f"Saving as {routine.id!r} puts your routine in its place.",
                                      yes="Replace", no="Cancel"), save)
    else:
        save()
