"""`history --json` writes what `json.dump(items, indent=2, ensure_ascii=False)` would, character for character,
except that characters that could act on a terminal are escaped too (`core.text.json_safe`): the same data."""

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from backrelief_tui.commands.history import write_json
from backrelief_tui.core.text import json_safe

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text())
items = st.lists(st.dictionaries(st.text(), scalars, max_size=6), max_size=5)


@given(items)
def test_the_fast_writer_matches_the_standard_one(value):
    fast, standard = io.StringIO(), io.StringIO()
    write_json(value, fast)
    json.dump(value, standard, indent=2, ensure_ascii=False)
    assert fast.getvalue() == json_safe(standard.getvalue())
    if value and all(item == item for entry in value for item in entry.values()):  # nan is not equal to itself
        assert json.loads(fast.getvalue()) == value


UNSAFE = "\x7f\x80\x85\x9b\x9f\u061c\u180e\u200b\u200f\u2028\u202e\u2060\u2066\u206f\ufeff"
# ASCII, Latin-1, wider characters (emoji, a lone surrogate) and every kind of unsafe one.
characters = st.sampled_from([*UNSAFE, "a", " ", "\n", '"', "\\", "\xb7", "\xe9", "\xff", "\u2014", "\U0001f642",
                              "\ud800"]) | st.characters()


@given(st.text(characters))
def test_json_safe_escapes_exactly_what_the_pattern_finds(text):
    from backrelief_tui.core.text import _JSON_RAW

    assert json_safe(text) == _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    assert json_safe(text) is text or _JSON_RAW.search(text)  # nothing to escape: the same text, not a copy
