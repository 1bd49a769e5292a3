"""Input documents of the recommender: one ``ArticleDoc`` per article of the law library.

The recommender is pure Python (no Django) so the importer, the API and the tests can share it;
documents come from the parser (``fazhi.laws.parsing``) over ``data/laws/*.md`` + ``index.json``
or, in the lead's import command, from whatever it has already parsed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fazhi.laws.parsing import parse_law_file


@dataclass(frozen=True)
class ArticleDoc:
    """One article. ``law_slug`` is the index.json file name without ``.md``."""

    law_slug: str
    law_title: str
    short_title: str
    article_no: int
    suffix: int
    label: str
    text: str
    chapter_path: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Stable id ``<law_slug>/art-<n>[-<suffix>]`` (the parser's article slug)."""
        tail = f"art-{self.article_no}" + (f"-{self.suffix}" if self.suffix else "")
        return f"{self.law_slug}/{tail}"


def docs_from_directory(path: str | Path) -> list[ArticleDoc]:
    """Parse every law listed in ``<path>/index.json`` into ArticleDocs, in index order."""
    root = Path(path)
    index = json.loads((root / "index.json").read_text(encoding="utf-8"))
    docs: list[ArticleDoc] = []
    for entry in index["laws"]:
        parsed = parse_law_file(root / entry["file"])
        slug = entry["file"].removesuffix(".md")
        for art in parsed.articles:
            docs.append(
                ArticleDoc(
                    law_slug=slug,
                    law_title=entry["title"],
                    short_title=entry.get("short_title") or entry["title"],
                    article_no=art.number,
                    suffix=art.suffix,
                    label=art.label,
                    text=art.text,
                    chapter_path=tuple(art.chapter_path),
                )
            )
    return docs
