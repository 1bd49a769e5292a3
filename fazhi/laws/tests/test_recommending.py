"""The recommender inside the platform: built from the database's current versions, reusing the
committed vectors, answering with Provision rows of the current version."""

from __future__ import annotations

import pytest

from fazhi.laws import recommending
from fazhi.laws.models import Provision

pytestmark = pytest.mark.django_db


def test_engine_from_the_database_reuses_the_committed_vectors(laws):
    rec = recommending.engine()
    if rec.engine_name == "e5":
        # Every chunk built from the database has the committed artifact's text: nothing is
        # embedded at run time (a miss here means the DB text differs from the files).
        assert rec.embedded_at_build == 0
    assert recommending.engine() is rec  # cached while the library is unchanged


def test_recommendations_are_current_provisions(laws):
    results = recommending.recommend("后厨使用过期两个月的牛奶", top=5)
    assert results
    assert [r.rank for r in results] == list(range(1, len(results) + 1))
    for r in results:
        assert isinstance(r.provision, Provision)
        assert r.provision.version_id == r.provision.law.current_version_id
    assert any(r.provision.law.slug == "food-safety-law" for r in results)
    d = results[0].as_dict()
    assert d["label"].startswith("《")
    assert d["url"].startswith("/laws/provisions/")


def test_sector_context_ranks_its_laws_first(laws):
    q = "货车超载拉了一车沙子上高速"
    with_sector = recommending.recommend(q, top=3, sector="transport")
    assert with_sector
    assert "transport" in recommending.known_sectors()
    assert "market" in recommending.known_sectors()
