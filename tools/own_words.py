"""Check that the routines say things in our own words: the longest run of words shared with the article.

    python tools/own_words.py [--article FILE] [--limit 7] [routines/*.toml ...]

Every piece of text a routine shows a person (titles, summaries, cautions, move
names, cues, variations, progressions, beat labels and beat cues) is compared with
the source article. Case, punctuation and apostrophes are ignored, so "Don't" and
"dont" match. The report lists the longest shared run per file and the overall
longest; the exit status is 1 when any run reaches `--limit` words (7 by default).

Standard library only: it runs in CI before anything is installed. The article is
found as `../shared/seed/*.txt` next to the checkout (or higher up) unless
`--article` names it.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIMIT = 7
# Keys whose text a person reads; ids, kinds, poses and equipment are not prose.
TEXT_KEYS = {"title", "summary", "caution", "name", "cues", "variation", "progressions", "label", "cue"}


@dataclass(frozen=True)
class Shared:
    """The longest run of words one text shares with the article."""

    words: tuple[str, ...]
    where: str  # file and field, e.g. routines/stretch.toml: moves[2].cues[1]
    text: str

    @property
    def length(self) -> int:
        return len(self.words)


def words_of(text: str) -> list[str]:
    """Lower-case words, with apostrophes dropped and every other mark a break."""
    text = text.lower().replace("\u2019", "").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def find_article(start: Path = REPO) -> Path | None:
    """The seed article: `shared/seed/*.txt` beside the checkout (the first, sorted), or None.

    CI has it one level up from the checkout (`../shared/seed/`); a git worktree sits
    deeper, so the folders above are tried in turn, nearest first.
    """
    for folder in start.parents:
        seed = folder / "shared" / "seed"
        found = sorted(seed.glob("*.txt")) if seed.is_dir() else []
        if found:
            return found[0]
    return None


class Article:
    """Every run of consecutive words in the article, for quick look-up."""

    def __init__(self, text: str, longest: int = 40) -> None:
        words = words_of(text)
        self.runs: set[tuple[str, ...]] = {
            tuple(words[start:start + size])
            for size in range(1, longest + 1)
            for start in range(len(words) - size + 1)
        }
        self.longest = longest

    def longest_shared(self, text: str) -> tuple[str, ...]:
        """The longest run of consecutive words of `text` that also appears in the article."""
        words = words_of(text)
        best: tuple[str, ...] = ()
        for start in range(len(words)):
            size = len(best) + 1
            while start + size <= len(words) and size <= self.longest \
                    and tuple(words[start:start + size]) in self.runs:
                best = tuple(words[start:start + size])
                size += 1
        return best


def texts(document: object, where: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) for every person-facing string in a parsed routine file."""
    if isinstance(document, dict):
        for key, value in document.items():
            path = f"{where}.{key}" if where else key
            if key in TEXT_KEYS and isinstance(value, str):
                yield path, value
            elif key in TEXT_KEYS and isinstance(value, list):
                for index, item in enumerate(value, 1):
                    if isinstance(item, str):
                        yield f"{path}[{index}]", item
            else:
                yield from texts(value, path)
    elif isinstance(document, list):
        for index, item in enumerate(document, 1):
            yield from texts(item, f"{where}[{index}]")


def check(files: list[Path], article: Article) -> list[Shared]:
    """The longest shared run of every text in the files, longest first."""
    found = []
    for path in files:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
        for field, text in texts(document):
            found.append(Shared(article.longest_shared(text), f"{_shown(path)}: {field}", text))
    return sorted(found, key=lambda shared: -shared.length)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="routine files (default: routines/*.toml)")
    parser.add_argument("--article", type=Path, help="the source article (default: ../shared/seed/*.txt)")
    parser.add_argument("--limit", type=int, default=LIMIT, help=f"fail at this many shared words (default {LIMIT})")
    parser.add_argument("--top", type=int, default=5, help="how many of the longest runs to list (default 5)")
    args = parser.parse_args(argv)
    article_path = args.article or find_article()
    if article_path is None or not article_path.is_file():
        print("own_words: no article found (give --article FILE, or put it in ../shared/seed/)", file=sys.stderr)
        return 2
    article = Article(article_path.read_text(encoding="utf-8"))
    files = args.files or sorted((REPO / "routines").glob("*.toml"))
    found = check(files, article)
    longest = found[0].length if found else 0
    print(f"{len(found)} texts in {len(files)} files checked against {article_path.name}; "
          f"longest run shared with the article: {longest} words (limit {args.limit})")
    for shared in found[:args.top]:
        print(f"  {shared.length:>2}  {' '.join(shared.words)!r:<40}  {shared.where}")
    over = [shared for shared in found if shared.length >= args.limit]
    for shared in over:
        print(f"TOO CLOSE ({shared.length} words): {shared.where}: {shared.text}", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
