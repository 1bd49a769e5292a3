"""Evaluate the recommender: ``python -m fazhi.laws.recommend.evaluate [--write-docs]``.

Prints top-1 / top-5 on data/laws/recommend-dev.jsonl (40 cases) and recommend-extra.jsonl (our
own 50-case check set, written before any tuning) for:

* the baseline: character-bigram BM25 over all 10,546 articles, raw query;
* the method without context — fusion weights chosen by leave-one-out cross-validation on the
  dev set (each dev case is scored with weights picked on the other 39; the in-sample figure is
  printed too, for contrast); the extra set is scored with the weights picked on all 40;
* with sector context (each case gets the primary sector of its expected law from
  data/laws/enforcing-sectors.json; the boost is cross-validated the same way);
* with laws context (the expected law given, as when the officer picks the law);
* the lexical fallback (no embedding engine), cross-validated in the same way.

Metric (recommend-dev.md): a hit at k when one of the first k suggestions is the expected
article or one of ``also_acceptable`` (same law, same article number).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .bm25 import BM25
from .docs import docs_from_directory
from .engine import load_engine
from .model import DEFAULT_DIR, DEFAULT_WEIGHTS, LEXICAL_WEIGHTS, Recommender, Weights
from .text import char_bigrams

LAWS_DIR = DEFAULT_DIR.parent
DOC_PATH = Path(__file__).resolve().parents[3] / "docs" / "laws-recommender.md"

# The grid CV chooses from. Small on purpose: 40 cases cannot support a finer search.
LEXICON_DENSE = (0.5, 1.0)
BM25_ARTICLE = (0.0, 0.5, 1.0, 2.0)
BM25_CHUNK = (0.0, 0.5, 1.0)
LAW_PRIOR = (0.0, 0.5, 1.0)
SECTOR_BOOST = (0.5, 1.0, 2.0, 4.0)


@dataclass
class Case:
    q: str
    law: str
    ok: set[tuple[str, int]]


def load_cases(path: Path) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        law = d["law_file"].removesuffix(".md")
        ok = {(law, d["article_no"])}
        ok |= {(a["law_file"].removesuffix(".md"), a["article_no"]) for a in d["also_acceptable"]}
        cases.append(Case(d["q"], law, ok))
    return cases


class Scorer:
    """Precomputes each case's signals once, then scores any weight setting in numpy."""

    def __init__(self, rec: Recommender, cases: list[Case], lexicon_dense: tuple[float, ...]):
        self.rec = rec
        self.cases = cases
        keys = [(a.doc.law_slug, a.doc.article_no) for a in rec.articles]
        self.ok = [np.array([k in c.ok for k in keys]) for c in cases]
        alphas = lexicon_dense if rec.engine is not None else (0.0,)
        self.signals = {a: [rec.signals(c.q, a) for c in cases] for a in alphas}
        self.alphas = alphas
        self.sector_masks = []
        for c in cases:
            sector = rec.sectors.primary_sector(c.law) if rec.sectors else None
            self.sector_masks.append(rec.sector_mask(sector) if sector else None)
        self.law_masks = [rec._law_of == c.law for c in cases]

    def hits(self, i: int, w: Weights, context: str | None = None) -> tuple[bool, bool]:
        sig = self.signals[w.lexicon_dense if self.rec.engine is not None else 0.0][i]
        score = self.rec.fuse(sig, w)
        if context == "sector" and self.sector_masks[i] is not None:
            score = score + w.sector_boost * self.sector_masks[i]
        elif context == "laws":
            score = np.where(self.law_masks[i], score, -np.inf)
        top = np.argsort(-score, kind="stable")[:5]
        found = self.ok[i][top]
        return bool(found[0]), bool(found.any())


def grid(engine: bool) -> list[Weights]:
    alphas = LEXICON_DENSE if engine else (0.0,)
    dense = (1.0,) if engine else (0.0,)
    return [
        Weights(d, a, b, c, law, DEFAULT_WEIGHTS.sector_boost)
        for d, a, b, c, law in itertools.product(dense, alphas, BM25_ARTICLE, BM25_CHUNK, LAW_PRIOR)
        if engine or b + c > 0
    ]


def _simplicity(w: Weights) -> float:
    # tie-break toward fewer / smaller extra signals
    return -(w.bm25_article + w.bm25_chunk + w.law_prior + abs(w.lexicon_dense - 1))


def choose(
    scorer: Scorer, configs: list[Weights], train: list[int], context: str | None = None
) -> Weights:
    def objective(w: Weights) -> tuple[float, float]:
        h = [scorer.hits(i, w, context) for i in train]
        return (sum(a + b for a, b in h), _simplicity(w))

    return max(configs, key=objective)


def rate(h: list[tuple[bool, bool]]) -> tuple[float, float]:
    n = len(h) or 1
    return 100 * sum(a for a, _ in h) / n, 100 * sum(b for _, b in h) / n


def loo(scorer: Scorer, configs: list[Weights], idx: list[int]) -> tuple[list, list]:
    """Leave-one-out: (hits without context, hits with sector context), weights from the rest."""
    plain, sector = [], []
    for i in idx:
        train = [j for j in idx if j != i]
        w = choose(scorer, configs, train)
        plain.append(scorer.hits(i, w))
        boosts = [replace(w, sector_boost=s) for s in SECTOR_BOOST]
        ws = choose(scorer, boosts, train, "sector")
        sector.append(scorer.hits(i, ws, "sector"))
    return plain, sector


def baseline(cases: list[Case]) -> list[tuple[bool, bool]]:
    docs = docs_from_directory(LAWS_DIR)
    index = BM25([char_bigrams(d.text) for d in docs])
    out = []
    for c in cases:
        top = np.argsort(-index.scores(char_bigrams(c.q)), kind="stable")[:5]
        found = [(docs[i].law_slug, docs[i].article_no) in c.ok for i in top]
        out.append((found[0], any(found)))
    return out


def evaluate() -> tuple[list[tuple[str, str, str]], dict]:
    dev = load_cases(LAWS_DIR / "recommend-dev.jsonl")
    extra = load_cases(LAWS_DIR / "recommend-extra.jsonl")
    cases = dev + extra
    d_idx = list(range(len(dev)))
    e_idx = list(range(len(dev), len(cases)))
    rows: list[tuple[str, str, str]] = []
    info: dict = {}

    def fmt(h: list) -> str:
        t1, t5 = rate(h)
        return f"{t1:.1f} / {t5:.1f}"

    base = baseline(cases)
    rows.append(("Baseline: char-bigram BM25, all articles", fmt(base[:40]), fmt(base[40:])))

    for name, engine in (("e5", load_engine()), ("lexical", None)):
        if name == "e5" and engine is None:
            rows.append(("e5 engine unavailable here", "–", "–"))
            continue
        rec = Recommender.load(DEFAULT_DIR, engine=engine)
        scorer = Scorer(rec, cases, LEXICON_DENSE)
        configs = grid(engine is not None)
        final = choose(scorer, configs, d_idx)
        boosts = [replace(final, sector_boost=s) for s in SECTOR_BOOST]
        final = choose(scorer, boosts, d_idx, "sector")
        info[name] = final
        plain_cv, sector_cv = loo(scorer, configs, d_idx)
        label = "Ours (e5 + lexicon + BM25)" if engine is not None else "Lexical fallback (no e5)"
        insample = [scorer.hits(i, final) for i in d_idx]
        ex = [scorer.hits(i, final) for i in e_idx]
        rows.append((f"{label}, no context, LOO-CV", fmt(plain_cv), fmt(ex)))
        rows.append((f"{label}, no context, in-sample (not a result)", fmt(insample), "–"))
        ex_s = [scorer.hits(i, final, "sector") for i in e_idx]
        rows.append((f"{label}, sector context, LOO-CV", fmt(sector_cv), fmt(ex_s)))
        laws_d = [scorer.hits(i, final, "laws") for i in d_idx]
        laws_e = [scorer.hits(i, final, "laws") for i in e_idx]
        rows.append((f"{label}, laws context (expected law given)", fmt(laws_d), fmt(laws_e)))
        if engine is not None:
            for title, w in (
                ("  ablation: e5 chunks only, no lexicon", Weights(1, 0, 0, 0, 0)),
                (
                    "  ablation: e5 + lexicon, no BM25",
                    replace(final, bm25_article=0, bm25_chunk=0, law_prior=0),
                ),
            ):
                if w.lexicon_dense not in scorer.signals:
                    scorer.signals[w.lexicon_dense] = [
                        rec.signals(c.q, w.lexicon_dense) for c in cases
                    ]
                rows.append(
                    (
                        title,
                        fmt([scorer.hits(i, w) for i in d_idx]),
                        fmt([scorer.hits(i, w) for i in e_idx]),
                    )
                )
    return rows, info


def table(rows: list[tuple[str, str, str]]) -> str:
    lines = [
        "| method | dev (40) top-1 / top-5 % | extra (50) top-1 / top-5 % |",
        "|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def _say(text: str) -> None:
    """Command output (a CLI, so stdout is the interface; T201 forbids bare print)."""
    sys.stdout.write(text + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write-docs", action="store_true", help=f"rewrite {DOC_PATH}")
    args = parser.parse_args(argv)
    started = time.monotonic()
    rows, info = evaluate()
    text = table(rows)
    _say(text)
    for name, w in info.items():
        default = DEFAULT_WEIGHTS if name == "e5" else LEXICAL_WEIGHTS
        flag = "" if w == default else "   <-- differs from the code default; update model.py"
        _say(f"weights chosen on all 40 dev cases ({name}): {w}{flag}")
    _say(f"({time.monotonic() - started:.0f} s)")
    if args.write_docs:
        from .report import write_report

        write_report(DOC_PATH, text, info)
        _say(f"wrote {DOC_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
