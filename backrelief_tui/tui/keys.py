"""Key lists for the help dialog: what each screen binds, in words."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding

KeyRows = Sequence[tuple[str, str]]
HelpSection = tuple[str, KeyRows]

def listed_keys(bindings: Sequence[Binding | tuple[str, str] | tuple[str, str, str]], listed: KeyRows,
                already: frozenset[str] = frozenset()) -> tuple[tuple[str, str], ...]:
    """`listed` plus every other shown key in `bindings` (read from the screen, so none is forgotten)."""
    extra = []
    for item in bindings:
        binding = item if isinstance(item, Binding) else Binding(*item)
        if binding.show and binding.description and binding.action not in already:
            extra.append((binding.key_display or key_names(binding.key), binding.description.lower()))
    return (*listed, *extra)


_SHORT_NAMES = {"escape": "esc", "question_mark": "?", "plus": "+", "minus": "−", "left": "←", "right": "→",
                "up": "↑", "down": "↓"}


def key_names(keys: str) -> str:
    """A binding's keys as the help lists them: `escape,q` → `esc q` (fits the help's key column)."""
    return " ".join(_SHORT_NAMES.get(key, key) for key in keys.split(","))
