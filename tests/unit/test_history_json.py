"""`history --json` writes what `json.dump(items, indent=2, ensure_ascii=False)` would, character for character."""

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from backrelief_tui.commands.history import write_json

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text())
items = st.lists(st.dictionaries(st.text(), scalars, max_size=6), max_size=5)


@given(items)
def test_the_fast_writer_matches_the_standard_one(value):
    fast, standard = io.StringIO(), io.StringIO()
    write_json(value, fast)
    json.dump(value, standard, indent=2, ensure_ascii=False)
    assert fast.getvalue() == standard.getvalue()
