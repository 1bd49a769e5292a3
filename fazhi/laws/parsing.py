"""Parse the Markdown law texts of data/laws/ (format: data/laws/README.md) into articles,
paragraphs (款) and items (项).

The format: a ``# title`` line, history lines (date + event) up to ``<!-- INFO END -->``, then
headings (``##`` chapter, ``###`` section, deeper levels allowed) and articles that begin with
``第…条`` at the start of a line. A paragraph is one line; items ``（一）（二）…`` are lines of
their own that belong to the paragraph before them: that is how citations count 款 and 项 (an item
never starts a new paragraph, so 第一百二十四条第二款 is the sentence after the list of items).

Pure functions, no Django: the importer (services.law_import), the recommender and the tests use it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from fazhi.laws.numerals import from_int, to_int

INFO_END = "<!-- INFO END -->"
_NUM = "〇零一二两三四五六七八九十百千"
ARTICLE_RE = re.compile(rf"^第([{_NUM}]+)条(?:之([{_NUM}]+))?(?:[ \u3000]+|$)")
ITEM_RE = re.compile(rf"^[（(]([{_NUM}]+)[）)]\s*")
DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_INVISIBLE = str.maketrans("", "", "\u200b\ufeff\u200c\u200d")


@dataclass
class ParsedItem:
    number: int
    text: str  # with its （一） label, as printed


@dataclass
class ParsedParagraph:
    number: int
    lead: str  # the paragraph's own sentence(s), without its items
    items: list[ParsedItem] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join([self.lead, *(item.text for item in self.items)]).strip()


@dataclass
class ParsedArticle:
    number: int
    suffix: int  # 第X条之一 → 1; 0 for an ordinary article
    chapter_path: tuple[str, ...]
    paragraphs: list[ParsedParagraph] = field(default_factory=list)

    @property
    def label(self) -> str:
        label = f"第{from_int(self.number)}条"
        return label + (f"之{from_int(self.suffix)}" if self.suffix else "")

    @property
    def slug(self) -> str:
        return f"art-{self.number}" + (f"-{self.suffix}" if self.suffix else "")

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass
class HistoryLine:
    date: dt.date | None
    text: str


@dataclass
class ParsedLaw:
    title: str
    history: list[HistoryLine]
    preamble: str
    articles: list[ParsedArticle]
    headings: list[tuple[int, str]]  # (depth, text) in document order, for a table of contents
    sha256: str

    @property
    def latest_history_date(self) -> dt.date | None:
        dates = [h.date for h in self.history if h.date]
        return max(dates) if dates else None


class LawFormatError(ValueError):
    """The text does not follow the format; the message names the line."""


def _date(text: str) -> dt.date | None:
    m = DATE_RE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def parse_law_text(source: str) -> ParsedLaw:
    lines = [ln.translate(_INVISIBLE).rstrip() for ln in source.splitlines()]
    sha = hashlib.sha256(source.encode("utf-8")).hexdigest()
    if not lines or not lines[0].startswith("# "):
        raise LawFormatError("line 1: the text must begin with '# <title>'")
    title = lines[0][2:].strip()
    try:
        info_end = next(i for i, ln in enumerate(lines) if ln.strip() == INFO_END)
    except StopIteration:
        raise LawFormatError(f"no '{INFO_END}' marker after the history lines") from None
    history = [HistoryLine(_date(ln), ln.strip()) for ln in lines[1:info_end] if ln.strip()]

    headings: list[tuple[int, str]] = []
    stack: list[tuple[int, str]] = []
    preamble: list[str] = []
    articles: list[ParsedArticle] = []
    current: ParsedArticle | None = None
    for lineno, raw in enumerate(lines[info_end + 1 :], start=info_end + 2):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            depth = len(line) - len(line.lstrip("#"))
            text = re.sub(r"\s+", " ", line[depth:].strip())
            headings.append((depth, text))
            while stack and stack[-1][0] >= depth:
                stack.pop()
            stack.append((depth, text))
            current = None  # a heading ends the article before it
            continue
        m = ARTICLE_RE.match(line)
        if m:
            number = to_int(m[1])
            suffix = to_int(m[2]) if m[2] else 0
            current = ParsedArticle(number, suffix, tuple(t for _, t in stack))
            articles.append(current)
            rest = line[m.end() :].strip()
            if rest:
                current.paragraphs.append(ParsedParagraph(1, rest))
            continue
        if current is None:
            if stack and headings:
                # A heading broken over two lines (烟草专卖法 第五章): join the continuation.
                depth, text = headings[-1]
                headings[-1] = stack[-1] = (depth, text + line)
                continue
            if articles:
                raise LawFormatError(f"line {lineno}: text after a heading is not an article")
            preamble.append(line)
            continue
        item = ITEM_RE.match(line)
        if item and current.paragraphs:
            paragraph = current.paragraphs[-1]
            paragraph.items.append(ParsedItem(to_int(item[1]), line))
            continue
        current.paragraphs.append(ParsedParagraph(len(current.paragraphs) + 1, line))
    return ParsedLaw(title, history, "\n".join(preamble), articles, headings, sha)


def parse_law_file(path: str | Path) -> ParsedLaw:
    return parse_law_text(Path(path).read_text(encoding="utf-8"))
