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
