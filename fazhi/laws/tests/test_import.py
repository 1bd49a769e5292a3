"""load_laws on the real texts: every file imports, counts match index.json, re-running changes
nothing, a changed text becomes a new version and the old one is kept (issue 3 items 1–2)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count

from fazhi.audit.models import AuditEntry
from fazhi.laws.models import Law, LawVersion, Provision, ProvisionKind, VersionStatus
from fazhi.laws.services import laws_load, version_status

LAWS = Path(__file__).resolve().parents[3] / "data" / "laws"
INDEX = json.loads((LAWS / "index.json").read_text(encoding="utf-8"))["laws"]

pytestmark = pytest.mark.django_db


def test_all_148_texts_import_with_the_indexed_article_counts(laws: None) -> None:
    assert Law.objects.count() == 148
    counts = dict(
        Provision.objects.filter(kind=ProvisionKind.ARTICLE)
        .values_list("law__slug")
        .annotate(n=Count("id"))
    )
    for meta in INDEX:
        slug = Path(meta["file"]).stem
        assert counts[slug] == meta["article_count"], slug
        law = Law.objects.get(slug=slug)
        assert law.current_version.article_count == meta["article_count"]
        assert law.title == meta["title"]


def test_administrative_penalty_law_article_51_as_in_the_file(laws: None) -> None:
    article = Provision.objects.get(key="administrative-penalty-law/art-51")
    assert article.kind == ProvisionKind.ARTICLE
    assert article.label == "第五十一条"
    assert article.text.startswith("违法事实确凿并有法定依据，对公民处以二百元以下")
    assert article.text.endswith("法律另有规定的，从其规定。")
    assert article.chapter == "第五章 行政处罚的决定 › 第二节 简易程序"
    assert article.version.effective_from == dt.date(2021, 7, 15)


def test_paragraph_and_item_keys(laws: None) -> None:
    item = Provision.objects.get(key="food-safety-law/art-124/para-1/item-2")
    assert item.kind == ProvisionKind.ITEM
    assert item.label == "第一百二十四条第一款第（二）项"
    assert item.text.startswith("（二）用超过保质期的食品原料")
    assert item.parent.key == "food-safety-law/art-124/para-1"
    assert item.parent.parent.key == "food-safety-law/art-124"
    assert item.parent.parent.children.count() == 3


def test_second_run_changes_nothing(laws: None) -> None:
    before = (LawVersion.objects.count(), Provision.objects.count(), AuditEntry.objects.count())
    out = StringIO()
    call_command("load_laws", "--no-progress", stdout=out)
    assert "0 created, 0 new versions, 148 unchanged" in out.getvalue()
    after = (LawVersion.objects.count(), Provision.objects.count(), AuditEntry.objects.count())
    assert after == before


def _one_law_dir(tmp_path: Path, slug: str, edit, **meta_changes) -> Path:
    meta = next(m for m in INDEX if m["file"] == f"{slug}.md")
    meta = {**meta, **meta_changes}
    text = edit((LAWS / meta["file"]).read_text(encoding="utf-8"))
    (tmp_path / meta["file"]).write_text(text, encoding="utf-8")
    (tmp_path / "index.json").write_text(json.dumps({"laws": [meta]}), encoding="utf-8")
    return tmp_path


def test_changed_text_becomes_a_new_version_and_the_old_one_is_kept(
    laws: None, tmp_path: Path
) -> None:
    law = Law.objects.get(slug="administrative-penalty-law")
    old = law.current_version
    old_keys = set(old.provisions.values_list("key", flat=True))
    directory = _one_law_dir(
        tmp_path,
        "administrative-penalty-law",
        lambda t: t.replace("可以当场作出行政处罚决定。", "可以当场作出行政处罚决定（修改）。"),
        version_date="2030-01-01",
        effective_date="2030-07-01",
    )
    result = laws_load(directory=directory, today=dt.date(2026, 11, 29))
    assert result.new_versions == 1
    law.refresh_from_db()
    new = law.current_version
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.effective_to == dt.date(2030, 7, 1)
    assert old.status == VersionStatus.IN_FORCE  # still in force until 2030-07-01
    assert new.status == VersionStatus.NOT_YET
    assert set(new.provisions.values_list("key", flat=True)) == old_keys
    assert "（修改）" in new.provisions.get(key="administrative-penalty-law/art-51").text
    assert "（修改）" not in old.provisions.get(key="administrative-penalty-law/art-51").text

    # Point in time: which text applied on a given day.
    versions = LawVersion.objects.filter(law=law)
    assert versions.in_force_on(dt.date(2025, 1, 1)).get() == old
    assert versions.in_force_on(dt.date(2030, 6, 30)).get() == old
    assert versions.in_force_on(dt.date(2030, 7, 1)).get() == new
    assert not versions.in_force_on(dt.date(2021, 7, 14)).exists()

    # The day the new text commences, the statuses move (the hourly task calls the same service).
    from fazhi.laws.tasks import version_statuses_refresh as task

    with time_machine.travel(dt.datetime(2030, 7, 1, 1, 0, tzinfo=dt.UTC), tick=False):
        assert task.delay().get() >= 2
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (VersionStatus.AMENDED, VersionStatus.IN_FORCE)
    assert AuditEntry.objects.filter(action="laws.version.create", detail__law=law.slug).exists()

    # Importing the same changed text again is a no-op.
    again = laws_load(directory=directory)
    assert (again.new_versions, again.unchanged) == (0, 1)


@pytest.mark.parametrize(
    ("start", "end", "today", "status"),
    [
        ("2021-07-15", None, "2021-07-14", VersionStatus.NOT_YET),
        ("2021-07-15", None, "2021-07-15", VersionStatus.IN_FORCE),
        ("2021-07-15", "2030-07-01", "2030-06-30", VersionStatus.IN_FORCE),
        ("2021-07-15", "2030-07-01", "2030-07-01", VersionStatus.AMENDED),
    ],
)
def test_version_status_by_date(start: str, end: str | None, today: str, status: str) -> None:
    # Legislation Law art. 61: a law states its date of commencement.
    assert (
        version_status(
            dt.date.fromisoformat(start),
            dt.date.fromisoformat(end) if end else None,
            dt.date.fromisoformat(today),
        )
        == status
    )


def test_unknown_category_is_refused(db: None, tmp_path: Path) -> None:
    directory = _one_law_dir(tmp_path, "accounting-law", lambda t: t, category="poem")
    with pytest.raises(ValueError, match="unknown category"):
        laws_load(directory=directory)
    assert not Law.objects.filter(category="poem").exists()


def test_missing_index_is_a_command_error(tmp_path: Path, db: None) -> None:
    from django.core.management.base import CommandError

    shutil.rmtree(tmp_path)
    tmp_path.mkdir()
    with pytest.raises(CommandError, match=r"index\.json"):
        call_command("load_laws", "--dir", str(tmp_path))
