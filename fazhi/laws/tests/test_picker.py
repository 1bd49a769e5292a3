"""The provision picker other apps reuse (issue 3 item 7): ProvisionPickerWidget on a form, and the
laws:picker fragments behind it (suggestions, choose, clear), with a query budget."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from fazhi.laws import selectors
from fazhi.laws.models import Law, Provision
from tests.citing.models import CitingDecision

pytestmark = pytest.mark.django_db

KEY = "food-safety-law/art-124"
# 3 queries every page pays (session, user, roles), then at most: the exact key, the
# recommended provisions, the search index stamp (and version filter), the search hits' provisions.
PICKER_BUDGET = 3 + 5


class DecisionForm(forms.ModelForm):
    class Meta:
        model = CitingDecision
        fields = ["title", "basis"]


@pytest.fixture
def art124(laws: None) -> Provision:
    law = Law.objects.get(slug="food-safety-law")
    return Provision.objects.get(key=KEY, version=law.current_version)


@pytest.fixture
def officer(laws: None, make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("officer"))
    return client


def test_the_form_field_renders_the_picker_with_the_chosen_citation(art124: Provision) -> None:
    html = str(DecisionForm(initial={"basis": art124.pk})["basis"])
    assert re.search(
        rf'<input type="hidden" name="basis" value="{art124.pk}"[^>]*id="id_basis"', html
    )
    assert "《中华人民共和国食品安全法》第一百二十四条" in html
    assert art124.version.version_date.strftime("%Y-%m-%d") in html
    assert f'hx-get="{reverse("laws:picker")}"' in html
    # the search box belongs to no form: its text is never submitted with the record
    assert 'name="q" form="id_basis-detached"' in html
    assert 'hx-target="#id_basis-results"' in html
    assert 'id="id_basis-results"' in html
    empty = str(DecisionForm()["basis"])
    assert 'value=""' in empty
    assert "第一百二十四条" not in empty


def test_the_form_saves_the_chosen_provision(art124: Provision) -> None:
    form = DecisionForm(data={"title": "处罚决定", "basis": str(art124.pk), "q": "ignored"})
    assert form.is_valid(), form.errors
    assert form.save().basis == art124
    assert not DecisionForm(data={"title": "x", "basis": "999999999"}).is_valid()
    assert not DecisionForm(data={"title": "x", "basis": ""}).is_valid()  # required


def test_suggestions_offer_choose_buttons_for_the_widget(
    officer: Client, art124: Provision
) -> None:
    url = reverse("laws:picker")
    response = officer.get(url, {"q": "超过保质期的食品原料", "name": "basis", "id": "id_basis"})
    assert response.status_code == 200
    html = response.content.decode().replace("&amp;", "&")
    assert "<html" not in html  # a fragment for htmx
    choose = re.findall(r'hx-get="[^"]*\?choose=(\d+)&name=basis&id=id_basis', html)
    assert choose, html
    chosen = Provision.objects.filter(pk__in=choose).values_list("key", flat=True)
    assert any(k.startswith(KEY) for k in chosen), list(chosen)
    assert 'hx-target="closest .provision-picker"' in html


def test_a_key_is_suggested_exactly(officer: Client, art124: Provision) -> None:
    html = officer.get(reverse("laws:picker"), {"q": KEY, "name": "basis"}).content.decode()
    first = re.search(r"choose=(\d+)", html)
    assert first is not None
    assert int(first.group(1)) == art124.pk


def test_without_a_widget_the_results_link_to_the_provision_pages(
    officer: Client, art124: Provision
) -> None:
    html = officer.get(reverse("laws:picker"), {"q": KEY}).content.decode()
    assert art124.get_absolute_url() in html.replace("&amp;", "&")
    assert "choose=" not in html


def test_choosing_and_clearing_render_the_widget_again(officer: Client, art124: Provision) -> None:
    url = reverse("laws:picker")
    html = officer.get(url, {"choose": art124.pk, "name": "basis", "id": "id_basis"}).content
    html = html.decode()
    assert re.search(rf'name="basis" value="{art124.pk}"', html)
    assert "第一百二十四条" in html
    assert 'class="provision-picker"' in html
    html = officer.get(url, {"clear": "1", "name": "basis", "id": "id_basis"}).content.decode()
    assert 'name="basis" value=""' in html
    assert "第一百二十四条" not in html


def test_the_picker_refuses_bad_input(officer: Client, art124: Provision) -> None:
    url = reverse("laws:picker")
    assert officer.get(url, {"choose": "999999999", "name": "basis"}).status_code == 400
    assert officer.get(url, {"choose": "x", "name": "basis"}).status_code == 400
    assert officer.get(url, {"q": "食品", "name": '"><script>'}).status_code == 400
    assert officer.get(url, {"q": "食品", "name": "basis", "id": "a b"}).status_code == 400
    assert officer.post(url, {"q": "食品"}).status_code == 405
    assert officer.get(url).status_code == 200  # no query: an empty fragment
    assert Client().get(url, {"q": "食品"}).status_code == 302  # login required


def test_the_adapter_puts_the_recommender_first_with_the_users_sector(
    art124: Provision, monkeypatch: pytest.MonkeyPatch, org_tree: Any, make_user: Any
) -> None:
    from fazhi.laws import recommending

    calls: list[dict[str, Any]] = []

    def fake(q: str, **kwargs: Any) -> list[recommending.Recommendation]:
        calls.append(kwargs)
        return [recommending.Recommendation(art124, 0.9, "<b>not html</b>", 1)]

    monkeypatch.setattr(recommending, "recommend", fake)
    user = make_user("picker-officer", role="officer", agency=org_tree.xincheng_market)
    found = selectors.provision_suggestions("卖过期食品", user=user, top=5)
    assert calls[0]["sector"] == "market"  # the officer's agency's sector is the context
    assert found[0].provision.pk == art124.pk
    assert found[0].snippet_html == "&lt;b&gt;not html&lt;/b&gt;"  # escaped
    assert len(found) > 1  # search hits follow
    assert len({s.provision.pk for s in found}) == len(found)  # no repeats
    selectors.provision_suggestions("卖过期食品", user=None, top=5)
    assert calls[1]["sector"] is None


def test_the_adapter_searches_when_the_recommender_has_nothing(
    art124: Provision, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fazhi.laws import recommending

    monkeypatch.setattr(recommending, "engine", lambda: None)
    found = selectors.provision_suggestions("超过保质期的食品原料", user=None, top=5)
    assert any(s.provision.key.startswith(KEY) for s in found)


def test_picker_query_budget(
    officer: Client, art124: Provision, django_assert_max_num_queries: Any
) -> None:
    url = reverse("laws:picker")
    officer.get(url, {"q": "食品"})  # the first search of a process builds its index
    for q in ("食品 保质期", "罚款", KEY):
        with django_assert_max_num_queries(PICKER_BUDGET):
            assert officer.get(url, {"q": q, "name": "basis", "top": 20}).status_code == 200
    with django_assert_max_num_queries(3 + 1):
        officer.get(url, {"choose": art124.pk, "name": "basis"})
