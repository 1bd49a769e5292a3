"""A small Okapi BM25 over pre-tokenised documents, numpy only.

Why not bm25s: its ``retrieve()`` costs ~35 ms a query with a Tokenized object (stack.md pitfall
19) and its index needs its own save format; here the indexes are a few thousand short texts
rebuilt in well under a second from the law files, and scoring is a handful of numpy
scatter-adds over posting lists (< 1 ms).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np


class BM25:
    """Okapi BM25 (k1, b) with idf = ln(1 + (N - df + .5) / (df + .5)), as in Lucene."""

    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.n_docs = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        avgdl = float(lengths.mean()) if self.n_docs else 1.0
        norm = k1 * (1 - b + b * lengths / max(avgdl, 1e-9))
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for i, tokens in enumerate(docs):
            for term, tf in Counter(tokens).items():
                ids, tfs = postings.setdefault(term, ([], []))
                ids.append(i)
                tfs.append(tf)
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, (ids, tfs) in postings.items():
            idx = np.asarray(ids, dtype=np.int32)
            tf = np.asarray(tfs, dtype=np.float32)
            idf = math.log(1 + (self.n_docs - len(ids) + 0.5) / (len(ids) + 0.5))
            weight = idf * tf * (k1 + 1) / (tf + norm[idx])
            self._postings[term] = (idx, weight.astype(np.float32))

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens (repeated tokens count once)."""
        hits = [self._postings[t] for t in set(query) if t in self._postings]
        if not hits:
            return np.zeros(self.n_docs, dtype=np.float32)
        ids = np.concatenate([h[0] for h in hits])
        weights = np.concatenate([h[1] for h in hits])
        return np.bincount(ids, weights, minlength=self.n_docs).astype(np.float32)
