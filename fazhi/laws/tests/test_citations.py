"""Citations for other apps (issue 3 item 7): a ProvisionForeignKey, and a selector that counts the
citations of a provision by any installed app, per key across versions (tests/citing stands in for
the apps that will cite: decisions, benchmarks…)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import PROTECT, ProtectedError
from django.test import Client
from django.urls import reverse

from fazhi.laws import selectors
from fazhi.laws.fields import ProvisionForeignKey, ProvisionPickerWidget
from fazhi.laws.models import Law, LawVersion, Provision, VersionStatus
from tests.citing.models import CitingBenchmark, CitingDecision

pytestmark = pytest.mark.django_db

KEY = "food-safety-law/art-124"


@pytest.fixture
def art124(laws: None) -> Provision:
    law = Law.objects.get(slug="food-safety-law")
    return Provision.objects.get(key=KEY, version=law.current_version)


def _old_copy(provision: Provision) -> Provision:
    """The same key in an earlier version of the law (as an amendment leaves it)."""
    law = provision.law
    old = LawVersion.objects.create(
        law=law,
        version_date="2015-04-24",
        effective_from="2015-10-01",
        effective_to=law.current_version.effective_from,
        status=VersionStatus.AMENDED,
        source_sha256="1" * 64,
    )
    provision.pk = None
    provision.version = old
    provision.parent = None
    provision.save()
    return provision


def test_citing_fields_are_discovered_and_the_librarys_own_are_not() -> None:
    found = {(m._meta.label_lower, name) for m, name in selectors.citing_fields()}
    assert ("citing.citingdecision", "basis") in found
    assert ("citing.citingbenchmark", "provisions") in found
    assert not any(label.startswith("laws.") for label, _ in found), found


def test_counts_by_key_across_versions_per_model(art124: Provision) -> None:
    old = _old_copy(Provision.objects.get(pk=art124.pk))
    CitingDecision.objects.create(title="A", basis=art124)
    CitingDecision.objects.create(title="B", basis=old)  # decided under the 2015 text
    bench = CitingBenchmark.objects.create(title="基准")
    bench.provisions.add(art124, old)  # one record citing both versions counts once
    CitingBenchmark.objects.create(title="other").provisions.add(
        Provision.objects.get(key="food-safety-law/art-125", version=art124.version)
    )
    counts = selectors.citation_counts(art124)
    assert counts == {"citing.citingdecision": 2, "citing.citingbenchmark": 1}
    assert selectors.citation_counts(KEY) == counts  # by key as well as by row
    assert selectors.total_citations(KEY) == 3
    assert selectors.total_citations("food-safety-law/art-1") == 0
    # a paragraph is a different key from its article
    assert selectors.total_citations(KEY + "/para-1") == 0


def test_one_query_per_citing_field(art124: Provision, django_assert_num_queries: Any) -> None:
    fields = selectors.citing_fields()
    with django_assert_num_queries(len(fields)):
        selectors.citation_counts(KEY)


def test_the_provision_page_shows_the_counts(art124: Provision, make_user: Any) -> None:
    CitingDecision.objects.create(title="A", basis=art124)
    client = Client()
    client.force_login(make_user("reader"))
    html = client.get(reverse("laws:provision", args=[KEY])).content.decode()
    section = html[html.index('class="card citations"') :]
    section = section[: section.index("</section>")]
    assert "citing.citingdecision" in section
    assert "citing decisions" in section
    assert "citing.citingbenchmark" not in section  # no record: left out


def test_a_cited_provision_cannot_be_deleted(art124: Provision) -> None:
    CitingDecision.objects.create(title="A", basis=art124)
    with pytest.raises(ProtectedError):
        Provision.objects.filter(pk=art124.pk).delete()


def test_provision_foreign_key_points_at_provision_and_uses_the_picker() -> None:
    field = CitingDecision._meta.get_field("basis")
    assert isinstance(field, ProvisionForeignKey)
    assert field.related_model is Provision
    assert field.remote_field.on_delete is PROTECT
    assert isinstance(field.formfield().widget, ProvisionPickerWidget)
    _name, path, args, kwargs = field.deconstruct()
    assert path == "fazhi.laws.fields.ProvisionForeignKey"
    rebuilt = ProvisionForeignKey(*args, **kwargs)
    assert rebuilt.remote_field.on_delete is PROTECT
    with pytest.raises(ValueError, match=r"laws\.Provision"):
        ProvisionForeignKey(to="laws.Law")
