"""The fitting footer's choice: whole keys only, the palette first to go, then short labels, then optional keys."""

from __future__ import annotations

from backrelief_tui.tui.widgets.fitting_footer import fitting, key_width

KEYS = [("start", "enter", "Start"), ("quit", "q", "Quit"), ("help", "?", "Help"), ("edit", "e", "Edit a copy"),
        ("bonus", "i", "Add bonus")]
SHORT = {"start": ("⏎", "Start"), "edit": ("e", "Edit")}


def width(keys) -> int:
    return sum(key_width(key, label, compact=True) for _action, key, label in keys) - 1


def test_all_keys_and_the_palette_when_they_fit():
    assert fitting(KEYS, 200, short=SHORT, optional=("bonus",), palette=11) == (KEYS, True)


def test_the_palette_goes_first():
    assert fitting(KEYS, width(KEYS), short=SHORT, optional=("bonus",), palette=11) == (KEYS, False)


def test_then_short_labels_then_optional_keys():
    shortened = [("start", "⏎", "Start"), *KEYS[1:3], ("edit", "e", "Edit"), KEYS[4]]
    assert fitting(KEYS, width(shortened), short=SHORT, optional=("bonus",), palette=11) == (shortened, False)
    assert fitting(KEYS, width(shortened) - 1, short=SHORT, optional=("bonus",), palette=11) == (
        shortened[:4], False)


def test_never_half_a_key():
    for cells in range(width(KEYS[:2]), width(KEYS[:3])):
        chosen, palette = fitting(KEYS, cells, short={}, optional=(), palette=0)
        assert chosen == KEYS[:2] and not palette
