"""Full-text search over provisions (issue 3 item 4): query analysis, the bigram BM25 index,
filters, grouping, highlight escaping, search inside a law, recall on exact phrases over the real
148 texts, stale-index reload, the Celery task and the search page (Chinese, bounded queries)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import pytest
from django.test import override_settings
from django.urls import reverse

from fazhi.laws import search as S
from fazhi.laws.models import Law, LawCategory, LawVersion, Provision, VersionStatus
from fazhi.orgs.models import Sector

# Exact phrases of several kinds (2-character words, numbers, long clauses, mixed brackets).
PHRASES = [
    "罚款",
    "听证",
    "行政复议",
    "责令停产停业",
    "没收违法所得",
    "二百元以下",
    "吊销许可证",
    "直接负责的主管人员",
    "情节严重的",
    "五万元以上十万元以下罚款",
    "未取得食品生产经营许可",
    "法律另有规定的，从其规定",
    "（三）",
]


@pytest.fixture(scope="module", autouse=True)
def _index_dir(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A private index directory, so the test database never reads a developer's index."""
    with override_settings(FAZHI_LAWS_INDEX_DIR=tmp_path_factory.mktemp("laws-search")):
        S._loaded.clear()
        yield
        S._loaded.clear()


def _article_of(key: str) -> str:
    return "/".join(key.split("/")[:2])


def _units(texts: list[str]) -> S.UnitSet:
    n = len(texts)
    return S.UnitSet(
        provision_ids=np.arange(1, n + 1),
        version_ids=np.ones(n, dtype=np.int64),
        groups=np.arange(n),
        keys=[f"k/{i}" for i in range(n)],
        texts=texts,
    )


# --- pure parts: no database ----------------------------------------------------------------------


def test_query_words_follow_jieba_boundaries_and_legal_terms() -> None:
    assert S.parse_query("吊销许可证").words == ("吊销", "许可证")
    # 违法所得 is re-joined (jieba cuts it), so its inner bigram 法所 is required too
    assert S.parse_query("没收违法所得").words == ("没收", "违法所得")
    # runs of single characters become one word; punctuation is dropped
    assert S.parse_query("拒不改正，").words == ("拒不", "改正")
    assert S.parse_query("  ").empty
    assert S.parse_query("罚").chars == ("罚",)
    # full-width letters and digits, upper case: folded in queries and texts alike
    assert S.parse_query("ＧＢ２７６０").words == ("gb2760",)
    assert S.parse_query("吊销 许可证").phrases == ("吊销", "许可证")


def test_vectorised_build_scores_exactly_like_bm25s() -> None:
    texts = [
        "违反本法规定，处五千元以上五万元以下罚款。",
        "当事人有权进行陈述和申辩，有权要求听证。",
        "罚款罚款，没收违法所得。",
        "",
        "行政机关作出行政处罚决定。",
    ]
    index = S.SearchIndex.build(_units(texts))
    reference = bm25s.BM25(k1=S.K1, b=S.B, method="lucene")
    reference.index(
        [[S.fold(t)[i : i + 2] for i in range(len(t) - 1)] for t in texts], show_progress=False
    )
    for query in ("罚款", "行政处罚", "听证罚款"):
        bigrams = [query[i : i + 2] for i in range(len(query) - 1)]
        ours = index.bm25.get_scores(bigrams)  # unknown bigrams are skipped by both
        theirs = reference.get_scores(bigrams)
        np.testing.assert_allclose(ours, theirs, rtol=1e-5)


def test_and_matching_phrase_boost_and_relaxed_fallback() -> None:
    texts = [
        "吊销食品生产许可证。",  # both words, not the phrase
        "依法吊销许可证。",  # the phrase
        "许可证的有效期为五年。",  # one word only
    ]
    index = S.SearchIndex.build(_units(texts))
    result = index.query(S.parse_query("吊销许可证"))
    assert [h.key for h in result.hits] == ["k/1", "k/0"]  # phrase first; AND drops k/2
    assert result.total == 2
    assert not result.relaxed
    partial = index.query(S.parse_query("吊销执照"))
    assert partial.relaxed
    assert {h.key for h in partial.hits} == {"k/0", "k/1"}
    assert index.query(S.parse_query("完全无关")).total == 0


def test_snippet_is_escaped_except_the_marks() -> None:
    text = '<script>alert("x")</script> 处二百元以下罚款 & <b>'
    html = S.highlight(text, S.fold(text), {"罚款"})
    assert "<script" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp;" in html
    assert "<mark>罚款</mark>" in html
    assert re.sub(r"</?mark>", "", html).count("<") == 0


def test_long_text_snippet_is_windowed_around_the_match() -> None:
    text = "甲" * 300 + "没收违法所得" + "乙" * 300
    html = S.highlight(text, text, {"没收", "违法", "所得"})
    assert html.startswith("…")
    assert html.endswith("…")
    assert "<mark>没收违法所得</mark>" in html
    assert len(re.sub(r"</?mark>", "", html)) <= S.SNIPPET_CHARS + 2


# --- the real library -----------------------------------------------------------------------------


def test_finds_the_article_that_lists_the_penalty_types(laws: None) -> None:
    result = S.search("行政处罚的种类", law="administrative-penalty-law", limit=5)
    keys = [h.key for h in result.hits]
    assert "administrative-penalty-law/art-9" in keys[:3], keys
    # the short item that cites the same words (art. 59 (三)) ranks close by; both hold the phrase
    assert all("<mark>行政处罚的种类</mark>" in str(h.snippet_html) for h in result.hits[:2])


@pytest.mark.parametrize("phrase", PHRASES)
def test_recall_on_exact_phrases_is_complete(laws: None, phrase: str) -> None:
    """B4: every provision whose text contains the phrase is among the index's candidates."""
    index = S.current_index()
    units = S.units_from_db()
    expected = {int(units.provision_ids[i]) for i in S.brute_force(units.texts, phrase)}
    candidates = {int(index.provision_ids[u]) for u in index.candidates(S.parse_query(phrase))}
    assert expected, phrase
    assert expected <= candidates
    # and on the database itself: a provision left out of the index (an article's only
    # paragraph) is represented by its article, which has the same text
    in_db = Provision.objects.filter(text__contains=phrase)
    covered = {p.pk if p.pk in candidates else p.parent_id for p in in_db}
    assert covered <= candidates
    # grouped results count every matching article
    groups = {int(units.groups[i]) for i in S.brute_force(units.texts, phrase)}
    assert S.search(phrase).total >= len(groups)


def test_one_hit_per_article(laws: None) -> None:
    result = S.search("罚款", limit=100)
    articles = [_article_of(h.key) for h in result.hits]
    assert len(result.hits) == 100
    assert len(articles) == len(set(articles))
    again = S.search("罚款", limit=100, offset=100)
    assert not {h.key for h in again.hits} & {h.key for h in result.hits}
    assert result.total == again.total > 200


def test_search_inside_a_law_by_slug_instance_or_id(laws: None) -> None:
    law = Law.objects.get(slug="food-safety-law")
    by_slug = S.search("罚款", law="food-safety-law", limit=100)
    assert by_slug.hits
    assert all(h.key.startswith("food-safety-law/") for h in by_slug.hits)
    assert by_slug.total <= law.current_version.article_count
    assert [h.key for h in S.search("罚款", law=law, limit=100).hits] == [
        h.key for h in by_slug.hits
    ]
    assert S.search("罚款", law=law.pk, limit=5).total == by_slug.total
    assert S.search("罚款", law="no-such-law").total == 0


def test_category_filter(laws: None) -> None:
    result = S.search("罚款", category=LawCategory.DEPARTMENTAL_RULE, limit=100)
    assert result.hits
    ids = [h.provision_id for h in result.hits]
    categories = set(Provision.objects.filter(pk__in=ids).values_list("law__category", flat=True))
    assert categories == {LawCategory.DEPARTMENTAL_RULE}
    assert result.total < S.search("罚款").total


def test_sector_filter(laws: None) -> None:
    sector = Sector.objects.filter(laws__isnull=False).order_by("code").first()
    if sector is not None:  # data/laws/enforcing-sectors.json assigns sectors
        slugs = set(Law.objects.filter(sectors=sector).values_list("slug", flat=True))
        result = S.search("罚款", sector=sector.code, limit=100)
        assert {h.key.split("/")[0] for h in result.hits} <= slugs
    lonely = Sector.objects.create(code="test-lonely", name="测试领域")
    assert S.search("罚款", sector=lonely.code).total == 0  # no law enforced by it yet
    Law.objects.get(slug="food-safety-law").sectors.add(lonely)
    for value in (lonely.code, lonely, lonely.pk):
        result = S.search("罚款", sector=value, limit=100)
        assert result.hits
        assert all(h.key.startswith("food-safety-law/") for h in result.hits)


def test_status_filter_follows_the_database_without_a_rebuild(laws: None) -> None:
    S.search("罚款")  # index loaded
    version = Law.objects.get(slug="advertising-law").current_version
    assert S.search("罚款", status=VersionStatus.REPEALED).total == 0
    LawVersion.objects.filter(pk=version.pk).update(status=VersionStatus.REPEALED)
    repealed = S.search("罚款", status=VersionStatus.REPEALED, limit=100)
    assert repealed.hits
    assert all(h.key.startswith("advertising-law/") for h in repealed.hits)
    in_force = S.search("罚款", status=VersionStatus.IN_FORCE, limit=100, law="advertising-law")
    assert in_force.total == 0


def _add_version(law: Law, texts: list[str]) -> LawVersion:
    """A new version of `law` with one article per text (what law_import writes)."""
    version = LawVersion.objects.create(
        law=law,
        version_date=dt.date(2030, 1, 1),
        effective_from=dt.date(2030, 1, 1),
        status=VersionStatus.NOT_YET,
        source_sha256=f"test-{law.slug}-{len(texts)}",
    )
    for n, text in enumerate(texts, start=1):
        Provision.objects.create(
            version=version,
            law=law,
            key=f"{law.slug}/art-{n}",
            kind="article",
            article_no=n,
            label=f"第{n}条",
            text=text,
            position=n,
        )
    return version


def test_index_follows_new_provisions_and_reloads_from_disk(
    laws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = S.current_index()
    assert S.search("量子纠缠检验").relaxed  # only partial matches (检验) so far
    law = Law.objects.get(slug="food-safety-law")
    version = _add_version(law, ["生产经营者应当对量子纠缠检验结果负责。"])
    result = S.search("量子纠缠检验")  # stale stamp: rebuilt without anybody asking
    assert not result.relaxed
    assert [h.provision_id for h in result.hits] == [Provision.objects.get(version=version).pk]
    assert S.current_index() is not before
    # another process finds the published build on disk and loads it, no rebuild
    S._loaded.clear()

    def no_build(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("should have loaded the index from disk")

    monkeypatch.setattr(S.SearchIndex, "build", no_build)
    assert S.search("量子纠缠检验").total == 1
    assert Path(S.index_dir(), "CURRENT").exists()


def test_new_version_with_identical_text_is_not_shown_twice(laws: None) -> None:
    law = Law.objects.get(slug="administrative-penalty-law")
    old = Provision.objects.get(key="administrative-penalty-law/art-9")
    _add_version(
        law,
        [
            "（占位）",
            "（占位）",
            "（占位）",
            "（占位）",
            "（占位）",
            "（占位）",
            "（占位）",
            "（占位）",
            old.text,
        ],
    )
    keys = [h.key for h in S.search("行政处罚的种类", law=law, limit=50).hits]
    assert keys.count("administrative-penalty-law/art-9") == 1
    hit = next(h for h in S.search("行政处罚的种类", law=law).hits if h.key.endswith("art-9"))
    assert hit.provision_id == old.pk  # the current version's provision is preferred


def test_rebuild_task_publishes_and_reports(laws: None) -> None:
    from fazhi.laws.tasks import search_index_rebuild

    stats = search_index_rebuild.delay().get()
    assert stats["units"] == len(S.units_from_db()) > 20000
    assert stats["articles"] > 5000
    assert stats["stamp"] == S.db_stamp()
    assert S.current_index().build_id == stats["build_id"]


def test_xss_in_a_provision_is_escaped_on_the_page(laws: None, client: Any, make_user: Any) -> None:
    law = Law.objects.get(slug="food-safety-law")
    _add_version(law, ['<script>alert("罚没款")</script><img src=x onerror=alert(1)>罚没款项'])
    client.force_login(make_user("reader"))
    response = client.get(reverse("laws:search"), {"q": "罚没款"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert" in body
    assert "<mark>罚没款</mark>" in body


# --- the page -------------------------------------------------------------------------------------


def test_page_requires_login(laws: None, client: Any) -> None:
    response = client.get(reverse("laws:search"), {"q": "罚款"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_page_renders_in_chinese_with_results_and_pagination(
    laws: None, client: Any, make_user: Any
) -> None:
    client.force_login(make_user("reader"))
    response = client.get(reverse("laws:search"), {"q": "没收违法所得", "page": "2"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "法律法规检索" in body
    assert "条相关条文" in body
    assert "<mark>" in body
    assert 'href="/laws/provisions/' in body
    assert "page=3" in body
    assert "page=1" in body
    assert 'name="viewport"' in body  # phone layout comes from base.html
    assert len(response.context["rows"]) == 20


def test_page_filters_search_inside_a_law_and_ignore_bad_values(
    laws: None, client: Any, make_user: Any
) -> None:
    client.force_login(make_user("reader"))
    url = reverse("laws:search")
    response = client.get(url, {"q": "罚款", "law": "food-safety-law"})
    rows = response.context["rows"]
    assert rows
    assert all(r["provision"].law.slug == "food-safety-law" for r in rows)
    assert "仅在《中华人民共和国食品安全法》中" in response.content.decode()
    bad = client.get(
        url,
        {"q": "罚款", "category": "x", "status": "y", "sector": "z", "law": "nope", "page": "abc"},
    )
    assert bad.status_code == 200
    assert bad.context["result"].total == S.search("罚款").total
    beyond = client.get(url, {"q": "听证", "page": "49"})
    assert beyond.status_code == 200
    assert beyond.context["rows"]  # clamped to the last page


def test_page_query_count_does_not_grow_with_results(
    laws: None, client: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    """6 queries for 1 or 20 hits: session, user, role assignments (navigation) and the page's
    own three — sectors, index stamp, the hits' provisions. Filters add the allowed versions,
    `law` the law's title."""
    client.force_login(make_user("reader"))
    url = reverse("laws:search")
    client.get(url, {"q": "罚款"})  # index loaded and user session warm
    params = {"q": "罚款", "category": "law", "status": "in_force", "law": "food-safety-law"}
    with django_assert_max_num_queries(6) as few:
        assert 1 <= len(client.get(url, {"q": "行政处罚的种类和依据"}).context["rows"]) <= 5
    with django_assert_max_num_queries(6) as many:
        assert len(client.get(url, {"q": "罚款"}).context["rows"]) == 20
    with django_assert_max_num_queries(8) as filtered:
        assert client.get(url, params).context["rows"]
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(filtered.captured_queries) <= len(many.captured_queries) + 2
