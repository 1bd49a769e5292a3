"""Turn the article list into retrieval units: penalty articles, their duty links and chunks."""

from __future__ import annotations

from dataclasses import dataclass, field

from .docs import ArticleDoc
from .text import Chunk, behaviour_texts, duty_article_numbers, is_penalty_text

MAX_DUTY_CHUNKS = 16  # a duty article with a long list (食品安全法 第三十四条 has 13 items)
FALLBACK_CHARS = 120


@dataclass
class PenaltyArticle:
    """A sanction provision and the duty articles (same law) it enforces."""

    doc: ArticleDoc
    duties: list[ArticleDoc] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.doc.key


def penalty_articles(docs: list[ArticleDoc]) -> list[PenaltyArticle]:
    """Every article with sanction wording, linked to the articles it says it enforces."""
    by_number = {(d.law_slug, d.article_no, d.suffix): d for d in docs}
    out: list[PenaltyArticle] = []
    for doc in docs:
        if not is_penalty_text(doc.text):
            continue
        duties = []
        for n in duty_article_numbers(doc.text):
            duty = by_number.get((doc.law_slug, n, 0))
            if duty is not None and duty.key != doc.key:
                duties.append(duty)
        out.append(PenaltyArticle(doc, duties))
    return out


def chunks_for(article: PenaltyArticle) -> list[Chunk]:
    """Behaviour chunks of the article itself, then of its duty articles (marked ``via``).

    Each embedded text starts with the law's short title: the same act (未取得许可证) is
    punished by dozens of laws and the title is what tells 农药 from 兽药 from 烟草.
    """
    doc = article.doc
    prefix = f"{doc.short_title}："
    out = [Chunk(doc.key, prefix + b, b) for b in behaviour_texts(doc.text)]
    own = {c.snippet for c in out}
    for duty in article.duties:
        for b in behaviour_texts(duty.text)[:MAX_DUTY_CHUNKS]:
            if b not in own:
                out.append(Chunk(doc.key, prefix + b, b, via=duty.key))
    if not out:
        head = doc.text.split("\n", 1)[0][:FALLBACK_CHARS]
        out.append(Chunk(doc.key, prefix + head, head))
    return out
