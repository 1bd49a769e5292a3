"""Merge the web-font subsets of Noto Serif SC into one TrueType file per weight, for WeasyPrint.

Why: @fontsource/noto-serif-sc ships each weight as ~100 WOFF2 files split by unicode-range. That
is right for browsers, but WeasyPrint 70 embeds all the subsets of one family as a single PDF
font, so glyph ids of different subsets collide and the PDF shows wrong characters (measured:
"内蒙古自治区司法厅" came out as "内美到自治区司法令"). One merged file per weight avoids it.

Usage: python tools/build_pdf_fonts.py [--src node_modules/@fontsource/noto-serif-sc]
                                       [--out static/fonts/pdf]
Writes NotoSerifSC-Regular.ttf (400) and NotoSerifSC-Bold.ttf (700); skips files that exist.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

WEIGHTS = {400: "Regular", 700: "Bold"}


def merge_weight(src: Path, out: Path, weight: int) -> str:
    from fontTools.merge import Merger
    from fontTools.ttLib import TTFont

    target = out / f"NotoSerifSC-{WEIGHTS[weight]}.ttf"
    if target.exists():
        return f"{target} (kept)"
    started = time.monotonic()
    parts = sorted((src / "files").glob(f"noto-serif-sc-*-{weight}-normal.woff2"))
    if not parts:
        raise SystemExit(f"no {weight} subsets under {src}/files: run `npm ci` first")
    with tempfile.TemporaryDirectory() as tmp:
        plain = []
        for i, part in enumerate(parts):
            font = TTFont(part)
            font.flavor = None  # WOFF2 -> plain sfnt, which the merger reads
            path = Path(tmp) / f"{i}.ttf"
            font.save(path)
            plain.append(str(path))
        merged = Merger().merge(plain)
        partial = target.with_suffix(".tmp")
        merged.save(partial)
        partial.replace(target)
    return f"{target} ({len(parts)} subsets, {time.monotonic() - started:.0f} s)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=Path("node_modules/@fontsource/noto-serif-sc"))
    parser.add_argument("--out", type=Path, default=Path("static/fonts/pdf"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=len(WEIGHTS)) as pool:
        jobs = [pool.submit(merge_weight, args.src, args.out, w) for w in WEIGHTS]
        for job in jobs:
            line = job.result()
            print(f"pdf font: {line}")  # noqa: T201 - a build tool's progress
    return 0


if __name__ == "__main__":
    sys.exit(main())
