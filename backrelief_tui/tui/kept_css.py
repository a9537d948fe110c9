"""Textual's parsed CSS, kept in the cache folder between starts (core/kept.py).

On every start Textual parses the CSS of every kind of widget it mounts, its own and ours:
~13 ms before the picker's first frame on a 2-core VM, the largest single piece of the
time this app adds to a bare Textual app (issue 16 budgets start-up at 1.2× that app).
Unpickling the same rules takes ~1.5 ms. What a parse returns depends only on the CSS
text, where it was read from, how it is ranked (default or not, tie-breaker, scope) and
the theme's variables, so those are an entry's key; the kept file's own key is Textual's
CSS code (its files' stamps) and Python's version. A miss parses as Textual does; rules
with errors are never kept (Textual reports them as always).

Pickle is read only from the person's own cache folder, as `kept.unpickled` does for the
library; a damaged entry is a miss.
"""

from __future__ import annotations

import os
import pickle
from typing import TYPE_CHECKING, Any

import textual.css
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet

from backrelief_tui.core import kept

if TYPE_CHECKING:
    from textual.app import App

MAGIC = "backrelief parsed css, v1"

# (css, where it was read from, default rules?, tie-breaker, scope, the variables' repr)
EntryKey = tuple[str, Any, bool, int, str, str]


def _file_key() -> str | None:
    """What the kept rules were made by: Textual's CSS code and Python (None: it cannot be looked at)."""
    try:
        return repr((os.getuid() if hasattr(os, "getuid") else -1,
                     kept.Stamps().code([os.path.dirname(textual.css.__file__)])))
    except OSError:
        return None


class KeptStylesheet(Stylesheet):
    """A `Stylesheet` that takes parsed rules from `path` when it has them, and `keep`s what it parsed."""

    def __init__(self, path: str, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._path = path
        self._file_key = _file_key()
        found = kept.unpickled(path, MAGIC, self._file_key, dict) if self._file_key else None
        self._kept: dict[EntryKey, bytes] = found or {}
        self._used: dict[EntryKey, bytes] = {}
        self._fresh = False  # parsed something that was not kept
        self._variables_repr: str | None = None

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._variables_repr = None

    def _entry_key(self, css: str, read_from: Any, is_default_rules: bool, tie_breaker: int,
                   scope: str) -> EntryKey:
        if self._variables_repr is None:
            self._variables_repr = repr(sorted(self._variables.items()))
        return css, read_from, is_default_rules, tie_breaker, scope, self._variables_repr

    def _parse_rules(self, css: str, read_from: Any, is_default_rules: bool = False, tie_breaker: int = 0,
                     scope: str = "") -> list[RuleSet]:
        cache_key = (css, read_from, is_default_rules, tie_breaker, scope)
        if cache_key in self._parse_cache:  # parsed (or unpickled) already in this run
            return super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        key = self._entry_key(css, read_from, is_default_rules, tie_breaker, scope)
        if (data := self._kept.get(key)) is not None and (rules := _rules(data)) is not None:
            self._used[key] = data
            self._parse_cache[cache_key] = rules
            return rules
        rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        if not any(rule.errors for rule in rules):
            try:  # pickled now, as parsed, before Textual styles anything with them (a miss only)
                self._used[key] = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
                self._fresh = True
            except Exception:  # noqa: BLE001 - a rule that will not pickle is parsed every time
                pass
        return rules

    def keep(self) -> None:
        """Keep the rules parsed in this run, with those kept before for the same theme (nothing when
        everything came from the kept file: it is not rewritten)."""
        if not self._fresh or self._file_key is None:
            return
        variables = self._variables_repr
        kept_too = {key: data for key, data in self._kept.items() if key[-1] == variables}
        kept.keep_pickled(self._path, MAGIC, self._file_key, kept_too | self._used)
        self._kept, self._fresh = kept_too | self._used, False


def keep_parsed_css(app: App[Any], path: str) -> KeptStylesheet:
    """Give `app`, before it runs, a stylesheet that takes its parsed rules from `path`; call its
    `keep` once the app has run, to keep what it parsed for the next start."""
    app.stylesheet = stylesheet = KeptStylesheet(path, variables=app.get_css_variables())
    return stylesheet


def _rules(data: bytes) -> list[RuleSet] | None:
    try:
        rules = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged entry is a miss
        return None
    if isinstance(rules, list) and all(isinstance(rule, RuleSet) for rule in rules):
        return rules
    return None
