"""Chinese full-text search over the provisions of the legal library.

Design (issue 3 item 4; performance.md §5 B4; stack.md §3.4 and pitfalls 19–20):

* **Index terms are character bigrams; jieba segments the query.** Every provision text is indexed
  as overlapping character bigrams and scored with BM25 (bm25s, Lucene variant). A text that
  contains the query string contains every bigram of it, so an exact-phrase hit can never be
  missed (B4 asks for recall 1.0 against a brute-force substring scan) — with jieba on the texts
  a phrase cut differently in context than in the query would be lost. Bigram indexing is the
  standard CJK analyser (Lucene's CJKAnalyzer) and segments nothing, so legal terms absent from
  jieba's dictionary still match. The 300k-unit index builds in seconds because the bigrams are
  computed with numpy instead of jieba's ~10 s per 50k sentences (stack.md §3.4).
* jieba's job is the query: it finds the word boundaries, and only bigrams *inside* words are
  required. "吊销许可证" → 吊销 + 许可证, so "吊销食品生产许可证" matches, while the rare bigram
  销许 across the boundary is not demanded. A few compound legal terms that jieba splits are
  re-joined (`LEGAL_TERMS`). The global jieba dictionary is loaded lazily with its cache under
  VAR_DIR (pitfall 20) and is never modified, so the recommender's segmentation is unaffected.
* Matching: a unit matches when it contains every required bigram (AND). When nothing does, the
  search relaxes to half of them and says so (`SearchResult.relaxed`). Units that contain a
  query segment verbatim get a phrase boost.
* Units: every article; its paragraphs only when it has more than one (otherwise the paragraph
  is the article's text again); items. Hits are grouped by article (and by identical article
  text across versions), best unit first, so a match in an item is not also shown as its
  paragraph and its article. `total` counts those groups.
* The index lives on disk under FAZHI_LAWS_INDEX_DIR/<database>/, stamped with the provision set
  (max provision id, number/max id/latest import time of versions: provisions are only ever
  written together with a new version, services.law_import). Each process loads it lazily and
  reloads when the stamp or the on-disk build changes; when the disk copy is stale the first
  search rebuilds it (the Celery task `search_index_rebuild` normally has done so already).
* Filters (category, sector, status, law) are resolved to version ids with one query per search,
  because they can change without the provision set changing (status over time, sectors); the
  mask is a numpy array passed to `get_scores` (pitfall 19: `get_scores` + `argpartition`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import html
import json
import logging
import math
import os
import re
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
K1 = 1.2  # Lucene's defaults
B = 0.75
PHRASE_BOOST = 0.5  # score × (1 + 0.5 × share of query segments found verbatim)
RERANK_WINDOW = 200  # candidates re-ranked with the phrase boost, at least
MAX_QUERY_CHARS = 64
MAX_LIMIT = 100
SNIPPET_CHARS = 120
RELAX_SHARE = 0.5

# Compound terms of administrative law that jieba cuts into pieces; re-joined so that the
# bigram across the joint is required too ("没收违法所得" should not match "违法…所得").
LEGAL_TERMS = frozenset(
    {
        "违法所得",
        "非法财物",
        "法定代表人",
        "责令改正",
        "限期改正",
        "从轻处罚",
        "减轻处罚",
        "不予处罚",
        "行政相对人",
        "执法人员",
        "主管部门",
        "许可证件",
        "行政执法",
        "停产停业",
    }
)

# Length-preserving case and width folding, applied to texts and queries alike (so "q in t"
# implies "fold(q) in fold(t)" and highlight positions map 1:1 back to the original text).
_FOLD = {cp: ord(chr(cp - 0xFEE0).lower()) for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({cp: cp + 32 for cp in range(ord("A"), ord("Z") + 1)})
_FOLD.update({0x3000: 0x20, 0: 0x20})
_SPACE_RE = re.compile(r"\s+")
_PUNCT_RE = re.compile(r"^[\W_]+$")
_RUN_RE = re.compile(rb"\x01+")


def fold(text: str) -> str:
    """Case and full-width folding that keeps every character at its position."""
    return text.translate(_FOLD)


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Hit:
    provision_id: int
    key: str
    score: float
    snippet_html: SafeString


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int  # matching articles (grouped), not units
    relaxed: bool = False  # no unit had every word: partial matches are shown
    words: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Query analysis


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...]  # folded words of ≥2 characters; their bigrams are required
    chars: tuple[str, ...]  # single characters, used only when there is no word
    phrases: tuple[str, ...]  # folded whitespace-separated segments, for the phrase boost

    @property
    def empty(self) -> bool:
        return not (self.words or self.chars)

    @property
    def bigrams(self) -> list[str]:
        return sorted({w[i : i + 2] for w in self.words for i in range(len(w) - 1)})


_jieba_lock = threading.Lock()
_jieba_ready = False


def _jieba() -> Any:
    """jieba's default tokenizer, initialised once with its cache under VAR_DIR (pitfall 20)."""
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                cache = Path(settings.VAR_DIR) / "jieba"
                cache.mkdir(parents=True, exist_ok=True)
                jieba.setLogLevel(logging.WARNING)
                if jieba.dt.tmp_dir is None:
                    jieba.dt.tmp_dir = str(cache)
                jieba.dt.initialize()
                _jieba_ready = True
    return jieba.dt


def _join_terms(tokens: list[str]) -> list[str]:
    """Re-join LEGAL_TERMS that jieba split, then merge runs of single characters (punctuation
    included: "（三）" stays one word, so its bigrams "(三" and "三)" are required)."""
    joined: list[str] = []
    i = 0
    while i < len(tokens):
        for span in (4, 3, 2):
            if i + span <= len(tokens) and "".join(tokens[i : i + span]) in LEGAL_TERMS:
                joined.append("".join(tokens[i : i + span]))
                i += span
                break
        else:
            joined.append(tokens[i])
            i += 1
    merged: list[str] = []
    run = ""
    for tok in joined:
        if len(tok) == 1:
            run += tok
            continue
        if run:
            merged.append(run)
            run = ""
        merged.append(tok)
    if run:
        merged.append(run)
    return merged


def parse_query(query: str) -> ParsedQuery:
    """Fold, split on whitespace, segment each part with jieba and keep the searchable words."""
    text = fold(query or "")[:MAX_QUERY_CHARS]
    segments = [s for s in _SPACE_RE.split(text) if s]
    if not segments:
        return ParsedQuery((), (), ())
    tokenizer = _jieba()
    words: list[str] = []
    chars: list[str] = []
    for seg in segments:
        tokens = [t for t in tokenizer.lcut(seg, HMM=False) if t and not t.isspace()]
        for tok in _join_terms(tokens):
            (words if len(tok) >= 2 else chars).append(tok)
    if not words:  # a lone punctuation mark is no query
        chars = [c for c in chars if not _PUNCT_RE.match(c)]
    phrases = tuple(dict.fromkeys(s for s in segments if len(s) >= 2))
    return ParsedQuery(
        tuple(dict.fromkeys(words)), tuple(dict.fromkeys(chars)) if not words else (), phrases
    )


# --------------------------------------------------------------------------------------------
# Corpus and index


@dataclass
class UnitSet:
    """The texts to index, one entry per unit, in preference order (the first unit of a group
    is the one shown when several score alike)."""

    provision_ids: np.ndarray  # int64
    version_ids: np.ndarray  # int64, the unit's LawVersion
    groups: np.ndarray  # int64, article group (same article text in the same law)
    keys: list[str]
    texts: list[str]

    def __len__(self) -> int:
        return len(self.texts)


def _blob(strings: Sequence[str]) -> tuple[str, np.ndarray]:
    offsets = np.zeros(len(strings) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, strings), dtype=np.int64, count=len(strings)), out=offsets[1:])
    return "".join(strings), offsets


def _bigram_postings(
    folded: str, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised bigram counting: (vocabulary codes, pair term, pair doc, pair tf), the pairs
    sorted term-major (the CSC order bm25s stores)."""
    n_docs = len(offsets) - 1
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    if codes.size < 2:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0, dtype=np.uint64), empty, empty, empty
    lengths = np.diff(offsets)
    doc_of_pos = np.repeat(np.arange(n_docs, dtype=np.int32), lengths)
    # a pair is valid when both characters belong to the same document
    same = doc_of_pos[:-1] == doc_of_pos[1:]
    docs = doc_of_pos[:-1][same]
    del doc_of_pos
    keys = codes[:-1][same].astype(np.uint64)
    keys <<= np.uint64(21)
    keys |= codes[1:][same]
    del codes, same
    vocab, term = np.unique(keys, return_inverse=True)
    del keys
    pair_key = term.astype(np.int64)
    del term
    pair_key *= n_docs
    pair_key += docs
    del docs
    pairs, tf = np.unique(pair_key, return_counts=True)
    del pair_key
    return vocab, pairs // n_docs, pairs % n_docs, tf


def _bigram_str(code: int) -> str:
    return chr(code >> 21) + chr(code & 0x1FFFFF)


class SearchIndex:
    """An in-memory bm25s index over a UnitSet plus what is needed to filter, group and
    highlight without touching the database."""

    def __init__(
        self,
        *,
        bm25: Any,
        provision_ids: np.ndarray,
        version_ids: np.ndarray,
        unit_version: np.ndarray,
        groups: np.ndarray,
        text: str,
        text_offsets: np.ndarray,
        keys: str,
        key_offsets: np.ndarray,
        stamp: str = "",
        build_id: str = "",
        build_seconds: float = 0.0,
    ) -> None:
        self.bm25 = bm25
        self.provision_ids = provision_ids
        self.version_ids = version_ids  # sorted unique LawVersion ids
        self.unit_version = unit_version  # int32 index into version_ids
        self.groups = groups
        self.n_groups = int(groups.max()) + 1 if groups.size else 0
        self.text = text
        self.folded = fold(text)
        self.text_offsets = text_offsets
        self._offsets: list[int] = text_offsets.tolist()  # Python ints slice faster
        self.keys = keys
        self.key_offsets = key_offsets
        self.stamp = stamp
        self.build_id = build_id
        self.build_seconds = build_seconds
        self._char_terms: dict[str, list[int]] | None = None
        self._masks: dict[tuple[int, ...], np.ndarray] = {}

    # -- building and persistence --------------------------------------------------------

    @classmethod
    def build(cls, units: UnitSet, *, stamp: str = "") -> SearchIndex:
        import bm25s

        started = time.perf_counter()
        n = len(units)
        text, offsets = _blob(units.texts)
        vocab, pair_term, pair_doc, tf = _bigram_postings(fold(text), offsets)
        n_vocab = len(vocab)
        df = np.bincount(pair_term, minlength=n_vocab)
        doc_len = np.maximum(np.diff(offsets) - 1, 0).astype(np.float64)
        avg_len = float(doc_len.mean()) if n else 1.0
        # Lucene BM25, as bm25s computes it (scoring._score_idf_lucene / _score_tfc_lucene)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        tfc = tf / (K1 * (1 - B + B * doc_len[pair_doc] / max(avg_len, 1e-9)) + tf)
        retriever = bm25s.BM25(k1=K1, b=B, method="lucene")
        retriever.scores = {
            "data": (idf[pair_term] * tfc).astype(np.float32),
            "indices": pair_doc.astype(np.int32),
            "indptr": np.concatenate(([0], np.cumsum(df))).astype(np.int64),
            "num_docs": n,
        }
        retriever.vocab_dict = {_bigram_str(int(c)): i for i, c in enumerate(vocab.tolist())}
        retriever.unique_token_ids_set = set(range(n_vocab))
        retriever.nonoccurrence_array = None
        version_ids, unit_version = np.unique(units.version_ids, return_inverse=True)
        _, groups = np.unique(units.groups, return_inverse=True)  # dense 0..g-1
        keys, key_offsets = _blob(units.keys)
        return cls(
            bm25=retriever,
            provision_ids=np.asarray(units.provision_ids, dtype=np.int64),
            version_ids=version_ids.astype(np.int64),
            unit_version=unit_version.astype(np.int32),
            groups=groups.astype(np.int32),
            text=text,
            text_offsets=offsets,
            keys=keys,
            key_offsets=key_offsets,
            stamp=stamp,
            build_id=uuid.uuid4().hex[:12],
            build_seconds=time.perf_counter() - started,
        )

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.bm25.save(str(directory / "bm25"), show_progress=False)
        np.savez(
            directory / "units.npz",
            provision_ids=self.provision_ids,
            version_ids=self.version_ids,
            unit_version=self.unit_version,
            groups=self.groups,
            text_offsets=self.text_offsets,
            key_offsets=self.key_offsets,
        )
        (directory / "texts.txt").write_text(self.text, encoding="utf-8")
        (directory / "keys.txt").write_text(self.keys, encoding="utf-8")
        meta = {
            "format": FORMAT_VERSION,
            "stamp": self.stamp,
            "build_id": self.build_id,
            "build_seconds": round(self.build_seconds, 3),
            "units": len(self),
        }
        (directory / "meta.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> SearchIndex:
        import bm25s

        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"search index format {meta.get('format')} != {FORMAT_VERSION}")
        retriever = bm25s.BM25.load(str(directory / "bm25"), show_progress=False)
        arrays = np.load(directory / "units.npz")
        return cls(
            bm25=retriever,
            provision_ids=arrays["provision_ids"],
            version_ids=arrays["version_ids"],
            unit_version=arrays["unit_version"],
            groups=arrays["groups"],
            text=(directory / "texts.txt").read_text(encoding="utf-8"),
            text_offsets=arrays["text_offsets"],
            keys=(directory / "keys.txt").read_text(encoding="utf-8"),
            key_offsets=arrays["key_offsets"],
            stamp=meta["stamp"],
            build_id=meta["build_id"],
            build_seconds=meta.get("build_seconds", 0.0),
        )

    # -- accessors -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.provision_ids)

    def unit_text(self, unit: int, *, folded: bool = False) -> str:
        start, end = self._offsets[unit], self._offsets[unit + 1]
        return (self.folded if folded else self.text)[start:end]

    def unit_key(self, unit: int) -> str:
        return self.keys[self.key_offsets[unit] : self.key_offsets[unit + 1]]

    def memory_bytes(self) -> int:
        """Approximate resident size of the arrays and texts (B4 bound: ≤1 GB)."""
        arrays = [
            *(self.bm25.scores[k] for k in ("data", "indices", "indptr")),
            self.provision_ids,
            self.version_ids,
            self.unit_version,
            self.groups,
            self.text_offsets,
            self.key_offsets,
        ]
        texts = sum(sys.getsizeof(s) for s in (self.text, self.folded, self.keys))
        vocab = len(self.bm25.vocab_dict) * 160  # str keys + dict slots
        return int(sum(a.nbytes for a in arrays) + texts + vocab)

    def version_mask(self, version_ids: Iterable[int]) -> np.ndarray:
        """Boolean unit mask for a set of LawVersion ids (cached: the same filter repeats)."""
        key = tuple(sorted(version_ids))
        mask = self._masks.get(key)
        if mask is None:
            allowed = np.isin(self.version_ids, np.fromiter(key, dtype=np.int64, count=len(key)))
            mask = allowed[self.unit_version]
            if len(self._masks) >= 64:
                self._masks.pop(next(iter(self._masks)))
            self._masks[key] = mask
        return mask

    # -- querying --------------------------------------------------------------------------

    def _term_groups(self, parsed: ParsedQuery) -> tuple[list[list[int]], int]:
        """Required term groups (one group per bigram, or per single character: all bigrams
        that contain it) and how many requirements there are, unknown ones included."""
        vocab = self.bm25.vocab_dict
        if parsed.words:
            bigrams = parsed.bigrams
            return [[vocab[b]] for b in bigrams if b in vocab], len(bigrams)
        if self._char_terms is None:
            table: dict[str, list[int]] = {}
            for token, tid in vocab.items():
                for ch in set(token):
                    table.setdefault(ch, []).append(tid)
            self._char_terms = table
        groups = [self._char_terms[c] for c in parsed.chars if c in self._char_terms]
        return groups, len(parsed.chars)

    def _match(
        self, parsed: ParsedQuery, mask: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, bool]:
        """(candidate units, their BM25 scores, relaxed?) before grouping."""
        term_groups, need = self._term_groups(parsed)
        n = len(self)
        if not term_groups or n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), need > 0
        indptr = self.bm25.scores["indptr"]
        indices = self.bm25.scores["indices"]
        counts = np.zeros(n, dtype=np.int32)
        for tids in term_groups:
            postings = [indices[indptr[t] : indptr[t + 1]] for t in tids]
            if len(postings) == 1:
                counts[postings[0]] += 1  # postings of one term hold each unit once
            else:
                counts += np.bincount(np.concatenate(postings), minlength=n) > 0
        all_ids = sorted({t for tids in term_groups for t in tids})
        scores = self.bm25.get_scores(all_ids)  # masked below, with the counts
        relaxed = False
        # all required bigrams; else half of them; else any (ranked, flagged as relaxed)
        for threshold in dict.fromkeys((need, max(1, math.ceil(need * RELAX_SHARE)), 1)):
            hit = counts >= threshold
            if mask is not None:
                hit &= mask
            cand = np.flatnonzero(hit)
            if cand.size:
                return cand, scores[cand], relaxed
            relaxed = True
        return cand, scores[cand], True

    def candidates(self, parsed: ParsedQuery, mask: np.ndarray | None = None) -> np.ndarray:
        """All units that match the query (for the B4 recall check)."""
        cand, _, relaxed = self._match(parsed, mask)
        return np.zeros(0, dtype=np.int64) if relaxed else cand

    def query(
        self,
        parsed: ParsedQuery,
        *,
        mask: np.ndarray | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchResult:
        cand, cand_scores, relaxed = self._match(parsed, mask)
        if cand.size == 0:
            return SearchResult([], 0, relaxed, parsed.words or parsed.chars)
        seen = np.zeros(self.n_groups, dtype=bool)
        seen[self.groups[cand]] = True
        total = int(seen.sum())
        want = offset + limit
        window = max(RERANK_WINDOW, 4 * want)
        while True:
            if cand.size > window:
                top = np.argpartition(-cand_scores, window - 1)[:window]
                units, scores = cand[top], cand_scores[top].astype(np.float64)
            else:
                units, scores = cand, cand_scores.astype(np.float64)
            if parsed.phrases:
                found = np.array(
                    [
                        sum(p in self.unit_text(int(u), folded=True) for p in parsed.phrases)
                        for u in units
                    ],
                    dtype=np.float64,
                )
                scores = scores * (1 + PHRASE_BOOST * found / len(parsed.phrases))
            order = np.lexsort((units, -scores))
            picked: list[tuple[int, float]] = []
            used: set[int] = set()
            for i in order.tolist():
                unit = int(units[i])
                group = int(self.groups[unit])
                if group in used:
                    continue
                used.add(group)
                picked.append((unit, float(scores[i])))
                if len(picked) >= want:
                    break
            if len(picked) >= want or cand.size <= window:
                break
            window *= 4
        # query bigrams, plus whole segments so "处罚的种类" is one mark, "的" included
        needles = set(parsed.bigrams if parsed.words else parsed.chars) | set(parsed.phrases)
        hits = [
            Hit(
                provision_id=int(self.provision_ids[unit]),
                key=self.unit_key(unit),
                score=round(score, 4),
                snippet_html=highlight(
                    self.unit_text(unit), self.unit_text(unit, folded=True), needles
                ),
            )
            for unit, score in picked[offset:want]
        ]
        return SearchResult(hits, total, relaxed, parsed.words or parsed.chars)


def _escape(text: str) -> str:
    # The standard library's escape (same five characters as Django's, without Django's lazy-string
    # wrapper): a search builds about 20 snippets, and Django's escape was half of its time.
    return html.escape(text, quote=True)


def highlight(text: str, folded: str, needles: Iterable[str], width: int = SNIPPET_CHARS) -> str:
    """Escaped snippet of `text` around its best match, query bigrams wrapped in <mark>.

    Everything but the <mark> tags is escaped, so provision text can never inject markup.
    """
    cover = bytearray(len(text))
    for needle in needles:
        size = len(needle)
        start = folded.find(needle)
        while start != -1:
            cover[start : start + size] = b"\x01" * size
            start = folded.find(needle, start + 1)
    runs = [(m.start(), m.end()) for m in _RUN_RE.finditer(cover)]
    begin, end = 0, len(text)
    if len(text) > width:
        anchor = max(runs, key=lambda r: r[1] - r[0])[0] if runs else 0
        begin = max(0, anchor - width // 4)
        end = min(len(text), begin + width)
        begin = max(0, end - width)
    parts = ["…"] if begin > 0 else []
    pos = begin
    for run_start, run_end in runs:
        if run_end <= begin or run_start >= end:
            continue
        run_start, run_end = max(run_start, begin), min(run_end, end)
        parts.append(_escape(text[pos:run_start]))
        parts.append(f"<mark>{_escape(text[run_start:run_end])}</mark>")
        pos = run_end
    parts.append(_escape(text[pos:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts).replace("\n", " "))  # noqa: S308 - every piece escaped


# --------------------------------------------------------------------------------------------
# The database side: units, stamp, persistence, filters


def units_from_db() -> UnitSet:
    """Every provision unit to index, preferred versions first (current version, then newest)."""
    from django.db.models import Case, F, IntegerField, Value, When

    from fazhi.laws.models import Provision, ProvisionKind

    rows = list(
        Provision.objects.annotate(
            current=Case(
                When(version_id=F("law__current_version"), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("current", "-version__effective_from", "-version_id", "position")
        .values_list("id", "version_id", "law_id", "kind", "parent_id", "key", "text")
    )
    by_id = {r[0]: r for r in rows}
    paragraphs: dict[int, int] = {}
    for r in rows:
        if r[3] == ProvisionKind.PARAGRAPH:
            paragraphs[r[4]] = paragraphs.get(r[4], 0) + 1
    group_ids: dict[tuple[int, str, str], int] = {}
    ids: list[int] = []
    versions: list[int] = []
    groups: list[int] = []
    keys: list[str] = []
    texts: list[str] = []
    for pid, version_id, law_id, kind, parent_id, key, text in rows:
        if kind == ProvisionKind.ARTICLE:
            article = by_id[pid]
        elif kind == ProvisionKind.PARAGRAPH:
            if paragraphs.get(parent_id, 0) <= 1:
                continue  # the article's only paragraph: the same text as the article
            article = by_id[parent_id]
        else:
            article = by_id[by_id[parent_id][4]]
        group = group_ids.setdefault((law_id, article[5], article[6]), len(group_ids))
        ids.append(pid)
        versions.append(version_id)
        groups.append(group)
        keys.append(key)
        texts.append(text)
    return UnitSet(
        provision_ids=np.array(ids, dtype=np.int64),
        version_ids=np.array(versions, dtype=np.int64),
        groups=np.array(groups, dtype=np.int64),
        keys=keys,
        texts=texts,
    )


def db_stamp() -> str:
    """A cheap fingerprint of the provision set (one query on indexed maxima)."""
    from fazhi.laws.models import LawVersion, Provision

    sql = (
        f"SELECT (SELECT MAX(id) FROM {Provision._meta.db_table}), COUNT(*), MAX(id), "  # noqa: S608
        f"MAX(imported_at) FROM {LawVersion._meta.db_table}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return "|".join(str(v) for v in row)


def index_dir() -> Path:
    """FAZHI_LAWS_INDEX_DIR/<vendor>-<hash of the database identity>: one index per database."""
    root = Path(settings.FAZHI_LAWS_INDEX_DIR)
    s = connection.settings_dict
    ident = f"{s.get('NAME')}|{s.get('HOST')}|{s.get('PORT')}"
    return root / f"{connection.vendor}-{hashlib.sha1(ident.encode()).hexdigest()[:12]}"  # noqa: S324


@dataclass
class _Loaded:
    index: SearchIndex
    current_stat: tuple[int, int, int] = (0, 0, 0)


_loaded: dict[str, _Loaded] = {}
_load_lock = threading.Lock()


def _stat(path: Path) -> tuple[int, int, int]:
    try:
        st = path.stat()
    except FileNotFoundError:
        return (0, 0, 0)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _read_current(base: Path) -> dict[str, Any] | None:
    try:
        return json.loads((base / "CURRENT").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


@contextlib.contextmanager
def _build_lock(base: Path) -> Any:
    """One builder per index directory across processes (workers and web processes)."""
    base.mkdir(parents=True, exist_ok=True)
    with open(base / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _publish(base: Path, index: SearchIndex) -> None:
    """Write a new build directory, then switch CURRENT atomically; keep the previous build
    (a process may still be reading it) and delete older ones."""
    name = f"build-{index.build_id}"
    index.save(base / name)
    tmp = base / f".CURRENT.{uuid.uuid4().hex}"
    tmp.write_text(json.dumps({"dir": name, "stamp": index.stamp, "build_id": index.build_id}))
    previous = _read_current(base)
    os.replace(tmp, base / "CURRENT")
    keep = {name, (previous or {}).get("dir")}
    for old in base.glob("build-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def index_rebuild() -> dict[str, Any]:
    """Build the index from the database, publish it on disk and load it in this process."""
    base = index_dir()
    with _load_lock, _build_lock(base):
        stamp = db_stamp()
        units = units_from_db()
        index = SearchIndex.build(units, stamp=stamp)
        _publish(base, index)
        _loaded[str(base)] = _Loaded(index, _stat(base / "CURRENT"))
    logger.info("laws search index rebuilt: %s units in %.1f s", len(index), index.build_seconds)
    return {
        "units": len(index),
        "articles": index.n_groups,
        "vocabulary": len(index.bm25.vocab_dict),
        "build_seconds": round(index.build_seconds, 3),
        "memory_bytes": index.memory_bytes(),
        "stamp": stamp,
        "build_id": index.build_id,
    }


def current_index() -> SearchIndex:
    """This process's index, reloaded from disk (or rebuilt) when the provision set changed."""
    base = index_dir()
    stamp = db_stamp()
    loaded = _loaded.get(str(base))
    if (
        loaded is not None
        and loaded.index.stamp == stamp
        and loaded.current_stat == _stat(base / "CURRENT")
    ):
        return loaded.index
    with _load_lock:
        current = _read_current(base)
        index = None
        if current and current.get("stamp") == stamp:
            if loaded is not None and loaded.index.build_id == current.get("build_id"):
                index = loaded.index
            else:
                try:
                    index = SearchIndex.load(base / current["dir"])
                except (OSError, ValueError, KeyError):
                    logger.warning("laws search index at %s unreadable; rebuilding", base)
        if index is None:
            with _build_lock(base):
                current = _read_current(base)  # another process may have built it meanwhile
                if current and current.get("stamp") == stamp:
                    index = SearchIndex.load(base / current["dir"])
                else:
                    index = SearchIndex.build(units_from_db(), stamp=stamp)
                    _publish(base, index)
        _loaded[str(base)] = _Loaded(index, _stat(base / "CURRENT"))
        return index


def _version_filter(
    *, category: str | None, sector: Any, status: str | None, law: Any
) -> list[int] | None:
    """LawVersion ids allowed by the filters (one query), or None when nothing is filtered."""
    from fazhi.laws.models import LawVersion

    if not (category or sector or status or law):
        return None
    qs = LawVersion.objects.all()
    if category:
        qs = qs.filter(law__category=category)
    if status:
        qs = qs.filter(status=status)
    if sector:
        if isinstance(sector, str) and not sector.isdigit():
            qs = qs.filter(law__sectors__code=sector)
        else:
            qs = qs.filter(law__sectors=getattr(sector, "pk", sector))
    if law:
        if isinstance(law, str) and not law.isdigit():
            qs = qs.filter(law__slug=law)
        else:
            qs = qs.filter(law_id=getattr(law, "pk", law))
    return list(qs.order_by().values_list("id", flat=True).distinct())


def search(
    query: str,
    *,
    category: str | None = None,
    sector: Any = None,
    status: str | None = None,
    law: Any = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Search all provisions; `law` (a Law, its id or slug) searches inside one law.

    `sector` is a Sector, its id or code; `category` a LawCategory value; `status` a
    VersionStatus value of the provision's version. At most two queries: the index stamp and,
    when filtering, the allowed versions.
    """
    parsed = parse_query(query)
    if parsed.empty:
        return SearchResult([], 0)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    index = current_index()
    versions = _version_filter(category=category, sector=sector, status=status, law=law)
    mask = None if versions is None else index.version_mask(versions)
    return index.query(parsed, mask=mask, limit=limit, offset=offset)


def brute_force(texts: Sequence[str], needle: str) -> list[int]:
    """The B4 floor: indices of the texts that contain `needle` (a plain substring scan)."""
    return [i for i, t in enumerate(texts) if needle in t]
