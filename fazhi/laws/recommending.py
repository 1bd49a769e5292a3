"""The provision recommender inside the platform: built from the library's current versions (not
from the files), loaded once per process, answering with Provision rows.

The engine itself is fazhi.laws.recommend (pure Python, no Django; docs/laws-recommender.md).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import F, Max

from fazhi.laws.models import CHAPTER_SEP, Law, Provision, ProvisionKind

log = logging.getLogger(__name__)
_lock = threading.Lock()
_cache: dict[str, Any] = {"stamp": None, "engine": None}


@dataclass(frozen=True)
class Recommendation:
    provision: Provision
    score: float
    snippet: str
    rank: int

    def as_dict(self) -> dict[str, Any]:
        p = self.provision
        return {
            "rank": self.rank,
            "key": p.key,
            "provision_id": p.pk,
            "law_slug": p.law.slug,
            "law_title": p.law.title,
            "article": p.label,
            "label": f"《{p.law.title}》{p.label}",
            "snippet": self.snippet,
            "score": round(float(self.score), 4),
            "is_penalty": p.is_penalty,
            "url": p.get_absolute_url(),
        }


def _stamp() -> tuple[Any, ...]:
    return tuple(Law.objects.aggregate(v=Max("current_version_id"), n=Max("id")).values())


def _current_articles() -> list[Any]:
    from fazhi.laws.recommend import ArticleDoc

    rows = (
        Provision.objects.filter(kind=ProvisionKind.ARTICLE, version=F("law__current_version"))
        .order_by("law__slug", "position")
        .values_list(
            "law__slug",
            "law__title",
            "law__short_title",
            "article_no",
            "article_suffix",
            "label",
            "text",
            "chapter",
        )
    )
    return [
        ArticleDoc(
            law_slug=slug,
            law_title=title,
            short_title=short or title,
            article_no=no,
            suffix=suffix,
            label=label,
            text=text,
            chapter_path=tuple(chapter.split(CHAPTER_SEP)) if chapter else (),
        )
        for slug, title, short, no, suffix, label, text, chapter in rows
    ]


def _build() -> Any:
    from django.conf import settings

    from fazhi.laws.recommend.artifact import VectorCache
    from fazhi.laws.recommend.engine import load_engine
    from fazhi.laws.recommend.model import DEFAULT_DIR, Recommender

    local = Path(settings.FAZHI_LAWS_INDEX_DIR) / "recommender"
    docs = _current_articles()
    if not docs:
        return None  # an empty library (before load_laws): nothing to recommend
    model = load_engine()
    cache = None
    if model is not None:
        # Vectors of amended texts embedded here before, else the committed artifact.
        cache = VectorCache.load(local) or VectorCache.load(DEFAULT_DIR)
    rec = Recommender.build(docs, cache=cache, engine=model, sectors=_sector_table())
    if rec.embedded_at_build:
        log.info("recommender: %d new texts embedded; saved to %s", rec.embedded_at_build, local)
        rec.save(local)
    return rec


def engine() -> Any:
    """The recommender over the current library, rebuilt when a law version changes.

    Vectors come from the committed artifact (data/laws/recommender/) for every chunk whose text
    is unchanged; only new or amended texts are embedded, and those are kept under
    FAZHI_LAWS_INDEX_DIR so the next process does not embed them again. Without the embedding
    engine (or with FAZHI_RECOMMENDER_ENGINE=lexical) the lexical fallback answers.
    """
    stamp = _stamp()
    if _cache["stamp"] == stamp:
        return _cache["engine"]
    with _lock:
        if _cache["stamp"] != stamp:
            _cache["engine"] = _build()
            _cache["stamp"] = stamp
    return _cache["engine"]


@functools.cache
def _sector_table() -> Any:
    from fazhi.laws.recommend.model import DEFAULT_DIR, SECTORS_FILE
    from fazhi.laws.recommend.sectors import SectorTable

    path = DEFAULT_DIR.parent / SECTORS_FILE
    return SectorTable.load(path) if path.exists() else None


def known_sectors() -> frozenset[str]:
    """Sector codes the enforcing-sectors table (data/laws/enforcing-sectors.json) knows."""
    table = _sector_table()
    return frozenset(table.codes) if table is not None else frozenset()


def recommend(
    query: str, *, top: int = 5, sector: str | None = None, laws: Sequence[str] | None = None
) -> list[Recommendation]:
    """Ranked provisions of the current versions for an officer's description of a violation."""
    rec = engine()
    if rec is None:
        return []
    suggestions = rec.recommend(query, top=top, sector=sector or None, laws=laws or None)
    keys = [s.key for s in suggestions]
    found = {
        p.key: p
        for p in Provision.objects.filter(
            key__in=keys, version=F("law__current_version")
        ).select_related("law", "version")
    }
    out = []
    for s in suggestions:
        provision = found.get(s.key)
        if provision is not None:
            out.append(Recommendation(provision, s.score, s.snippet, len(out) + 1))
    return out
