"""Fuzzing the reader: random bytes, mangled TOML and wrong values never make it raise."""

from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backrelief_tui.core.records import SessionRecord, Unreadable, dumps, parse_record, record_to_toml
from tests.record_factory import make_record

PATH = Path("2025-03-03-090000-desk-break-abc123.toml")
VALID = dumps(make_record(pain_before=5, pain_after=3, note="ok", moves=3, skipped=(1,)))
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(raw: bytes) -> SessionRecord | Unreadable:
    result = parse_record(raw, PATH)
    assert isinstance(result, (SessionRecord, Unreadable))
    if isinstance(result, Unreadable):
        assert result.reason and result.path == PATH
    return result


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(raw):
    check(raw)


@FUZZ
@given(st.data())
def test_a_real_file_with_bytes_flipped_cut_or_inserted(data):
    raw = bytearray(VALID)
    for _ in range(data.draw(st.integers(1, 6))):
        action = data.draw(st.sampled_from(["flip", "cut", "insert", "delete-line", "duplicate-line"]))
        if not raw:
            break
        at = data.draw(st.integers(0, len(raw) - 1))
        if action == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del raw[at:]
        elif action == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=20))
        else:
            lines = bytes(raw).split(b"\n")
            index = at % len(lines)
            if action == "delete-line":
                del lines[index]
            else:
                lines.insert(index, lines[index])
            raw = bytearray(b"\n".join(lines))
    check(bytes(raw))


toml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True), st.text(max_size=30),
    st.datetimes(), st.dates(), st.times(),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _drop_nones(value):
    if isinstance(value, dict):
        return {k: _drop_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nones(v) for v in value if v is not None]
    return value


@FUZZ
@given(st.data())
def test_valid_toml_with_wrong_values_in_the_agreed_fields(data):
    document = record_to_toml(make_record(moves=2))
    paths = [[key] for key in document] + [["moves", 0, key] for key in document["moves"][0]] + [
        ["progress", key] for key in document["progress"]] + [["moves", 1, "per_side", 0, "done_seconds"]]
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(paths))
        target = document
        try:
            for part in path[:-1]:
                target = target[part]
            value = data.draw(toml_values)
            if value is None:
                target.pop(path[-1], None)
            else:
                target[path[-1]] = _drop_nones(value)
        except (KeyError, IndexError, TypeError, AttributeError):  # an earlier draw replaced a container
            continue
    try:
        raw = tomli_w.dumps(document).encode()
    except (TypeError, ValueError):
        return  # not something TOML can hold
    result = check(raw)
    if isinstance(result, SessionRecord):
        # Whatever got through must be usable by the list and the stats.
        summary = result.summary(PATH)
        assert 0 <= summary.moves_done <= summary.moves_total
        assert summary.started.tzinfo is not None and summary.how_far


def test_deep_nesting_is_unreadable_not_a_crash():
    assert isinstance(check(b"x = " + b"[" * 100_000 + b"]" * 100_000), Unreadable)
