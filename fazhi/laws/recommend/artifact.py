"""The committed vector artifact: data/laws/recommender/{vectors.npy, chunks.json}.

Embedding ~5,000 chunks takes minutes on two cores, so vectors are computed once and committed
(float16, a few MB). Rows are keyed by the sha256 of the exact embedded text; a build reuses a
row when the hash matches and embeds only new or changed texts. chunks.json also names the
model, so vectors from another model are never mixed in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VECTORS = "vectors.npy"
MANIFEST = "chunks.json"
FORMAT = 1


@dataclass
class VectorCache:
    model_id: str
    rows: dict[str, int]  # sha256 → row of ``vectors``
    vectors: np.ndarray  # float16 (n, dim)
    ids: dict[str, list[str]]  # sha256 → chunk ids that share the text (for review/diffs)

    @classmethod
    def empty(cls, model_id: str, dim: int = 384) -> VectorCache:
        return cls(model_id, {}, np.zeros((0, dim), dtype=np.float16), {})

    @classmethod
    def load(cls, directory: str | Path) -> VectorCache | None:
        root = Path(directory)
        if not (root / MANIFEST).exists() or not (root / VECTORS).exists():
            return None
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        vectors = np.load(root / VECTORS, allow_pickle=False)
        rows = {entry["sha256"]: i for i, entry in enumerate(manifest["chunks"])}
        ids = {entry["sha256"]: entry["ids"] for entry in manifest["chunks"]}
        if vectors.shape[0] != len(rows):
            raise ValueError(f"{root}: {vectors.shape[0]} vectors for {len(rows)} manifest rows")
        return cls(manifest["model"], rows, vectors, ids)

    def get(self, sha: str) -> np.ndarray | None:
        row = self.rows.get(sha)
        return None if row is None else self.vectors[row]

    @staticmethod
    def write(
        directory: str | Path,
        model_id: str,
        entries: list[tuple[str, list[str]]],
        vectors: np.ndarray,
    ) -> None:
        """entries: (sha256, chunk ids) per row of ``vectors``, in row order."""
        root = Path(directory)
        root.mkdir(parents=True, exist_ok=True)
        np.save(root / VECTORS, np.ascontiguousarray(vectors, dtype=np.float16), allow_pickle=False)
        manifest = {
            "format": FORMAT,
            "model": model_id,
            "note": "Rows of vectors.npy: mean of the passage:/query: e5 embeddings of each "
            "chunk text (query: only for lexicon entries); sha256 is of that exact text. "
            "Rebuild: python -m fazhi.laws.recommend.build",
            "chunks": [{"sha256": sha, "ids": ids} for sha, ids in entries],
        }
        text = json.dumps(manifest, ensure_ascii=False, separators=(",", ":"))
        # one row per line keeps diffs of a rebuild readable
        text = text.replace('},{"sha256"', '},\n{"sha256"')
        (root / MANIFEST).write_text(text + "\n", encoding="utf-8")
