# ruff: noqa: F811 - the `world` fixture is imported
"""The statutory fields of the case engine through /api/v1/enforcement/ (issue 4 §8): the
benchmark version of 《行政处罚法》第三十七条 and its reason, fines as multiples of a base
(rulebook §10.2) on the case and on authority items and benchmark tiers, and the coercive
measure of 《行政强制法》 arts. 18, 19, 25 — shown on the case detail, taken through the
transition API with the page form's inputs, extended by the head of the case's agency. Errors
are 400 with the services' Chinese messages; the case detail API reads no more than before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest
import time_machine
from django.test import Client

from fazhi.enforcement.models import (
    AuthorityItem,
    BenchmarkTier,
    Case,
    CoercionMeasure,
    DiscretionBenchmark,
    Step,
)
from fazhi.enforcement.services import authority as authority_services
from fazhi.enforcement.services.cases import case_open
from fazhi.enforcement.tests.test_cases_fixtures import (  # noqa: F401 - fixtures
    TZ,
    at,
    open_case,
    to_investigated,
    world,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/enforcement/"
#: Queries of GET cases/<pk>/ (session, user, grants, scope check, case, officers ×2, steps,
#: step officers, actors, reviews, extensions), measured before the statutory fields were
#: added: the benchmark version and the measure come in the case's own query.
DETAIL_BUDGET = 12


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def move(user: Any, case: Any, to: str, **data: Any) -> Any:
    return api(user).post(
        f"{BASE}cases/{case.pk}/transitions/",
        {"to": to, "data": data},
        content_type="application/json",
    )


def text(response: Any) -> str:
    return str(response.json())


@pytest.fixture
def notice_day() -> Iterator[None]:
    """Monday 23 March 2026, 10:00: the prior notice is given through the API."""
    with time_machine.travel(at(date(2026, 3, 23)), tick=False):
        yield


# --- art. 37: the benchmark version applied ---------------------------------------------------


def _version(world: Any, start: date, lo: str, hi: str, end: date | None = None) -> Any:
    version = DiscretionBenchmark.objects.create(
        item=world.item, valid_from=start, valid_to=end, issuing_body="新城区市场监管局"
    )
    BenchmarkTier.objects.create(
        benchmark=version, level="ordinary", penalty_types=["fine"], fine_min=D(lo), fine_max=D(hi)
    )
    return version


def test_the_notice_applies_the_later_lighter_version_and_the_detail_shows_it(
    world: Any, notice_day: None, django_assert_max_num_queries: Any
) -> None:
    _version(world, date(2025, 1, 1), "3000", "8000", end=date(2026, 2, 28))
    later = _version(world, date(2026, 3, 1), "1000", "5000")
    case = open_case(world)  # the act ended on 20 February, under the old version
    to_investigated(world, case)
    refused = move(
        world.officer_user,
        case,
        "notified",
        penalty_types=["fine"],
        fine_amount="6000",
        tier="ordinary",
    )
    assert refused.status_code == 400
    assert "第三十四条" in text(refused)  # inside the old tier, outside the lighter one
    assert Case.objects.get(pk=case.pk).state == "investigated"

    done = move(
        world.officer_user,
        case,
        "notified",
        penalty_types=["fine"],
        fine_amount="5000",
        tier="ordinary",
    )
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["benchmark_applied"] == {
        "id": later.pk,
        "valid_from": "2026-03-01",
        "valid_to": None,
        "issuing_body": "新城区市场监管局",
    }
    assert "第三十七条" in body["benchmark_rule"]
    assert "从旧兼从轻" in body["benchmark_rule"]
    assert body["measure"] is None

    client = api(world.leader)
    client.get(f"{BASE}cases/{case.pk}/")
    with django_assert_max_num_queries(DETAIL_BUDGET):
        detail = client.get(f"{BASE}cases/{case.pk}/").json()
    assert detail["benchmark_applied"]["id"] == later.pk
    assert detail["benchmark_rule"] == Case.objects.get(pk=case.pk).benchmark_rule


def test_no_version_at_the_act_is_the_statutory_range_with_its_reason(
    world: Any, notice_day: None
) -> None:
    case = open_case(world)
    to_investigated(world, case)
    body = move(world.officer_user, case, "notified", penalty_types=["fine"], fine_amount="300")
    assert body.status_code == 200, body.json()
    assert body.json()["benchmark_applied"] is None
    assert "第三十七条" in body.json()["benchmark_rule"]


# --- fines as multiples of a base -------------------------------------------------------------


@pytest.fixture
def food_item(world: Any) -> AuthorityItem:
    """食品安全法 第一百二十四条: 5万–10万 below a goods value of 1万, 10–20 times from it."""
    return authority_services.authority_item_create(
        actor=None,
        agency=world.agency,
        act_type="penalty",
        name="经营超过食品安全标准限量的食品",
        sector=world.sector,
        violation_key="food-safety-law/art-124",
        penalty_types=["fine", "confiscate_gains"],
        fine_min=D("50000"),
        fine_max=D("100000"),
        multiple_min=D("10"),
        multiple_max=D("20"),
        fine_base="goods_value",
        base_threshold=D("10000"),
    )


def test_the_base_and_its_evidence_go_through_the_transition_api(
    world: Any, food_item: Any, notice_day: None, django_assert_max_num_queries: Any
) -> None:
    case = open_case(world, party=world.organisation, authority_item=food_item)
    to_investigated(world, case)
    no_base = move(
        world.officer_user, case, "notified", penalty_types=["fine"], fine_amount="150000"
    )
    assert no_base.status_code == 400
    assert "第四十条" in text(no_base)
    above = move(
        world.officer_user,
        case,
        "notified",
        penalty_types=["fine"],
        fine_amount="200000.01",
        fine_base_amount="10000",
        fine_base_evidence="抽样检验报告",
    )
    assert above.status_code == 400
    assert "detail" in above.json()
    done = move(
        world.officer_user,
        case,
        "notified",
        penalty_types=["fine"],
        fine_amount="200000",
        fine_base_amount="10000",
        fine_base_evidence="抽样检验报告；进货台账记载货值",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["fine_base_amount"] == "10000.00"
    assert done.json()["fine_base_evidence"] == "抽样检验报告；进货台账记载货值"
    case.refresh_from_db()
    assert (case.fine_base_amount, case.fine_amount) == (D("10000"), D("200000"))
    step = Step.objects.get(case=case, code="notify")
    assert step.data["fine_base_amount"] == "10000.00"
    client = api(world.leader)
    client.get(f"{BASE}cases/{case.pk}/")
    with django_assert_max_num_queries(DETAIL_BUDGET):
        assert client.get(f"{BASE}cases/{case.pk}/").json()["fine_base_amount"] == "10000.00"


def test_step_data_the_page_does_not_offer_is_refused(world: Any, notice_day: None) -> None:
    case = open_case(world)
    filing = move(world.officer_user, case, "filed", fine_base_amount="10000")
    assert filing.status_code == 400
    assert "不属于本环节" in " ".join(filing.json()["data"])
    assert "fine_base_amount" in " ".join(filing.json()["data"])
    to_investigated(world, case)
    for data in (
        {"measure_kind": "seize"},  # a measure on a penalty case
        {"fine_base": "10000"},  # a misspelt key is not silently dropped
    ):
        response = move(
            world.officer_user, case, "notified", penalty_types=["fine"], fine_amount="300", **data
        )
        assert response.status_code == 400
        assert list(response.json()) == ["data"]
    bad_amount = move(
        world.officer_user,
        case,
        "notified",
        penalty_types=["fine"],
        fine_amount="300",
        fine_base_amount="-1",
    )
    assert bad_amount.status_code == 400
    assert "fine_base_amount" in bad_amount.json()["data"]
    assert Case.objects.get(pk=case.pk).state == "investigated"


def test_only_staff_of_the_cases_agency_move_it_through_the_api(
    world: Any, org_tree: Any, make_user: Any, notice_day: None
) -> None:
    """A city leader whose grant covers Xincheng sees the case but does not act for its agency
    (the case page's rule)."""
    city_leader = make_user(
        "city-leader",
        role="agency_leader",
        scope="division",
        division=org_tree.hohhot,
        agency=org_tree.hohhot_market,
    )
    case = open_case(world)
    assert api(city_leader).get(f"{BASE}cases/{case.pk}/").status_code == 200
    refused = move(city_leader, case, "filed")
    assert refused.status_code == 403
    assert "办案机关" in refused.json()["detail"]
    review = api(city_leader).post(
        f"{BASE}cases/{case.pk}/legal-reviews/",
        {"reviewer": world.reviewer.pk},
        content_type="application/json",
    )
    assert review.status_code == 403
    assert Case.objects.get(pk=case.pk).state == "clue"
    assert move(world.leader, case, "filed").status_code == 200


# --- authority items and benchmark tiers with multiples ---------------------------------------


def _item(client: Client, world: Any, **fields: Any) -> Any:
    payload = {
        "agency": world.agency.pk,
        "act_type": "penalty",
        "name": "经营超限量食品",
        "penalty_types": ["fine"],
        **fields,
    }
    return client.post(f"{BASE}authority-items/", payload, content_type="application/json")


def test_authority_items_read_and_write_multiples_with_the_services_checks(
    world: Any, make_user: Any
) -> None:
    client = api(world.leader)
    made = _item(
        client,
        world,
        fine_min="50000",
        fine_max="100000",
        multiple_min="10",
        multiple_max="20",
        fine_base="goods_value",
        base_threshold="10000",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["multiple_min"], body["multiple_max"]) == ("10.00", "20.00")
    assert (body["fine_base"], body["base_threshold"]) == ("goods_value", "10000.00")
    item = AuthorityItem.objects.get(pk=body["id"])
    assert (item.multiple_min, item.fine_base) == (D("10"), "goods_value")
    listed = client.get(f"{BASE}authority-items/").json()["results"]
    assert {r["id"]: r["multiple_max"] for r in listed}[item.pk] == "20.00"

    cases = [
        ({"multiple_min": "5", "multiple_max": "10"}, "fine_base", "计罚基数"),
        ({"multiple_min": "-1", "fine_base": "illegal_gains"}, "multiple_min", "不能为负"),
        ({"fine_base": "illegal_gains"}, "multiple_min", "须与法定倍数一并填写"),
        (
            {
                "fine_min": "0",
                "fine_max": "10000",
                "multiple_min": "1",
                "multiple_max": "5",
                "fine_base": "illegal_gains",
            },
            "base_threshold",
            "基数起点",
        ),
        (
            {
                "act_type": "inspection",
                "penalty_types": [],
                "multiple_min": "1",
                "multiple_max": "2",
                "fine_base": "illegal_gains",
            },
            "act_type",
            "行政处罚事项",
        ),
    ]
    for fields, field, message in cases:
        bad = _item(client, world, **fields)
        assert bad.status_code == 400, fields
        assert message in " ".join(bad.json()[field]), bad.json()
    patched = client.patch(
        f"{BASE}authority-items/{item.pk}/",
        {"multiple_max": "5"},
        content_type="application/json",
    )
    assert patched.status_code == 400
    assert "低于最低倍数" in " ".join(patched.json()["multiple_max"])
    ok = client.patch(
        f"{BASE}authority-items/{item.pk}/",
        {"multiple_max": "15"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["multiple_max"] == "15.00"
    # an officer of the agency sees the item but does not manage the list
    outsider = api(make_user("xc-officer", role="officer", scope="agency", agency=world.agency))
    assert outsider.get(f"{BASE}authority-items/{item.pk}/").json()["fine_base"] == "goods_value"
    assert (
        outsider.patch(
            f"{BASE}authority-items/{item.pk}/",
            {"multiple_max": "16"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert AuthorityItem.objects.get(pk=item.pk).multiple_max == D("15")


def test_benchmark_tiers_read_and_write_multiples(world: Any) -> None:
    client = api(world.leader)
    item = _item(
        client, world, multiple_min="1", multiple_max="5", fine_base="illegal_gains"
    ).json()
    tier = {
        "level": "ordinary",
        "penalty_types": ["fine"],
        "multiple_min": "2",
        "multiple_max": "5.01",
    }
    payload = {"item": item["id"], "valid_from": "2026-01-01", "tiers": [tier]}
    bad = client.post(f"{BASE}benchmarks/", payload, content_type="application/json")
    assert bad.status_code == 400
    [finding] = bad.json()["tiers"]
    assert finding["code"] == "above_statutory_multiple"
    assert "法定最高倍数" in finding["message"]
    tier["multiple_min"] = "-1"
    negative = client.post(f"{BASE}benchmarks/", payload, content_type="application/json")
    assert "negative_multiple" in [f["code"] for f in negative.json()["tiers"]]
    tier.update(multiple_min="2", multiple_max="5")
    made = client.post(f"{BASE}benchmarks/", payload, content_type="application/json")
    assert made.status_code == 201, made.json()
    [row] = made.json()["tiers"]
    assert (row["multiple_min"], row["multiple_max"]) == ("2.00", "5.00")
    benchmark = made.json()["id"]
    tier["multiple_min"] = "3"
    patched = client.patch(
        f"{BASE}benchmarks/{benchmark}/", {"tiers": [tier]}, content_type="application/json"
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["tiers"][0]["multiple_min"] == "3.00"
    assert BenchmarkTier.objects.get(benchmark_id=benchmark).multiple_min == D("3")
    detail = client.get(f"{BASE}authority-items/{item['id']}/").json()
    assert detail["benchmarks"][0]["tiers"][0]["multiple_max"] == "5.00"


# --- 《行政强制法》: the coercive measure ---------------------------------------------------------

STARTED = datetime(2026, 3, 20, 9, 0, tzinfo=TZ)


@pytest.fixture
def coercion_case(world: Any) -> Any:
    item = AuthorityItem.objects.create(
        agency=world.agency,
        code="XC-Q-001",
        act_type="coercion",
        name="扣押财物",
        sector=world.sector,
    )
    case = case_open(
        actor=world.officer_user,
        agency=world.agency,
        act_type="coercion",
        procedure="general",
        title="扣押涉案食品",
        party=world.organisation,
        authority_item=item,
        officers=world.officers[:2],
        at=at(date(2026, 3, 2)),
    )
    return to_investigated(world, case)


@pytest.fixture
def measure_day() -> Iterator[None]:
    """Friday 20 March 2026, 10:00: the measure step is recorded through the API."""
    with time_machine.travel(at(date(2026, 3, 20)), tick=False):
        yield


def measure(world: Any, *, days: int = 30, approved: bool = True, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "measure_kind": "seize",
        "measure_started_at": STARTED.isoformat(),
        "measure_ends_on": (STARTED.date() + timedelta(days=days)).isoformat(),
    }
    if approved:
        data["measure_approved_by"] = world.leader.pk
        data["measure_approved_at"] = (STARTED - timedelta(hours=1)).isoformat()
    return {**data, **kw}


def test_the_measure_step_through_the_api_and_its_refusals(
    world: Any, coercion_case: Any, measure_day: None
) -> None:
    officer = world.officer_user
    unapproved = move(officer, coercion_case, "decided", **measure(world, approved=False))
    assert unapproved.status_code == 400
    assert "第十八条" in text(unapproved)
    not_the_head = move(
        officer, coercion_case, "decided", **measure(world, measure_approved_by=officer.pk)
    )
    assert not_the_head.status_code == 400
    assert "第十八条" in text(not_the_head)
    too_long = move(officer, coercion_case, "decided", **measure(world, days=31))
    assert too_long.status_code == 400
    assert "第二十五条" in text(too_long)
    a_penalty = move(
        officer,
        coercion_case,
        "decided",
        penalty_types=["fine"],
        fine_amount="300",
        **measure(world),
    )
    assert a_penalty.status_code == 400
    assert "penalty_types" in " ".join(a_penalty.json()["data"])
    unknown_kind = move(officer, coercion_case, "decided", **measure(world, measure_kind="x"))
    assert unknown_kind.status_code == 400
    assert "measure_kind" in unknown_kind.json()["data"]
    assert not CoercionMeasure.objects.exists()

    done = move(officer, coercion_case, "decided", **measure(world))
    assert done.status_code == 200, done.json()
    m = done.json()["measure"]
    assert m["kind"] == "seize"
    assert m["kind_label"] == "扣押财物"
    assert m["started_at"].startswith("2026-03-20T09:00:00")
    assert m["ends_on"] == "2026-04-19"
    assert (m["emergency"], m["report_late"]) == (False, False)
    assert (m["approved_by"], m["approved_by_name"]) == (world.leader.pk, world.leader.full_name)
    assert m["approved_at"].startswith("2026-03-20T08:00:00")
    assert (m["extension_days"], m["extension_approved_by"], m["released_on"]) == (0, None, None)
    assert m["limit_basis"] == "《行政强制法》第二十五条"
    assert done.json()["benchmark_applied"] is None
    assert done.json()["penalty_types"] == []


def test_an_emergency_measure_is_approved_on_the_report_through_the_serve_step(
    world: Any, coercion_case: Any
) -> None:
    with time_machine.travel(at(date(2026, 3, 20)), tick=False):
        taken = move(
            world.officer_user,
            coercion_case,
            "decided",
            **measure(world, approved=False, measure_emergency=True),
        )
    assert taken.status_code == 200, taken.json()
    assert taken.json()["measure"]["emergency"] is True
    assert taken.json()["measure"]["approved_at"] is None
    with time_machine.travel(at(date(2026, 3, 21), 12), tick=False):
        unreported = move(world.officer_user, coercion_case, "served")
        assert unreported.status_code == 400
        assert "第十九条" in text(unreported)
        reported = move(
            world.officer_user,
            coercion_case,
            "served",
            measure_approved_by=world.leader.pk,
            measure_approved_at=(STARTED + timedelta(hours=25)).isoformat(),
        )
    assert reported.status_code == 200, reported.json()
    m = reported.json()["measure"]
    assert m["approved_by"] == world.leader.pk
    assert m["report_late"] is True  # reported after 24 hours (art. 19)


def ext_url(case: Any) -> str:
    return f"{BASE}cases/{case.pk}/coercion-extension/"


def extend(user: Any, case: Any, **body: Any) -> Any:
    return api(user).post(ext_url(case), body, content_type="application/json")


def test_the_head_of_the_cases_agency_extends_the_measure_once(
    world: Any,
    coercion_case: Any,
    org_tree: Any,
    make_user: Any,
    django_assert_max_num_queries: Any,
) -> None:
    with time_machine.travel(at(date(2026, 3, 20)), tick=False):
        assert (
            move(world.officer_user, coercion_case, "decided", **measure(world)).status_code == 200
        )
    city_leader = make_user(
        "city-leader",
        role="agency_leader",
        scope="division",
        division=org_tree.hohhot,
        agency=org_tree.hohhot_market,
    )
    supervisor = make_user("sup", role="supervisor", scope="region", agency=org_tree.hohhot_market)
    stranger = make_user(
        "bt-leader", role="agency_leader", scope="agency", agency=world.other_agency
    )
    good = {"days": 30, "reason": "情况复杂，需检验鉴定"}
    with time_machine.travel(at(date(2026, 4, 9)), tick=False):
        assert api(world.officer_user).get(ext_url(coercion_case)).json()["ends_on"] == (
            "2026-04-19"
        )
        for user in (world.officer_user, world.reviewer, city_leader, supervisor):
            refused = extend(user, coercion_case, **good)
            assert refused.status_code == 403, user
        assert "负责人" in extend(world.officer_user, coercion_case, **good).json()["detail"]
        assert extend(stranger, coercion_case, **good).status_code == 404
        assert api(stranger).get(ext_url(coercion_case)).status_code == 404
        too_many = extend(world.leader, coercion_case, days=31, reason="检验")
        assert too_many.status_code == 400
        assert "1至30" in " ".join(too_many.json()["days"])
        no_reason = extend(world.leader, coercion_case, days=10, reason=" ")
        assert no_reason.status_code == 400
        assert "延期理由" in " ".join(no_reason.json()["reason"])
        assert CoercionMeasure.objects.get(case=coercion_case).extension_days == 0

        done = extend(world.leader, coercion_case, **good)
        assert done.status_code == 200, done.json()
        m = done.json()
        assert (m["ends_on"], m["extension_days"]) == ("2026-05-19", 30)
        assert m["extension_reason"] == "情况复杂，需检验鉴定"
        assert m["extension_approved_by"] == world.leader.pk
        assert m["extension_approved_by_name"] == world.leader.full_name
        assert m["extension_approved_at"].startswith("2026-04-09T10:00:00")

        again = extend(world.leader, coercion_case, days=1, reason="再延")
        assert again.status_code == 400
        assert "不能再次延长" in " ".join(again.json()["detail"])
        assert "第二十五条" in " ".join(again.json()["detail"])

    client = api(world.leader)
    client.get(f"{BASE}cases/{coercion_case.pk}/")
    with django_assert_max_num_queries(DETAIL_BUDGET):
        detail = client.get(f"{BASE}cases/{coercion_case.pk}/").json()
    assert detail["measure"]["extension_days"] == 30
    assert detail["measure"]["ends_on"] == "2026-05-19"


def test_an_extension_after_the_measure_ended_is_refused(world: Any, coercion_case: Any) -> None:
    with time_machine.travel(at(date(2026, 3, 20)), tick=False):
        move(world.officer_user, coercion_case, "decided", **measure(world, days=10))
    with time_machine.travel(datetime(2026, 3, 31, 9, 0, tzinfo=TZ), tick=False):
        late = extend(world.leader, coercion_case, days=10, reason="检验")
    assert late.status_code == 400
    assert "已于2026-03-30届满" in " ".join(late.json()["detail"])
    assert CoercionMeasure.objects.get(case=coercion_case).ends_on == date(2026, 3, 30)


def test_a_case_without_a_measure_has_nothing_to_extend(world: Any) -> None:
    case = open_case(world)
    assert api(world.leader).get(ext_url(case)).status_code == 404
    refused = extend(world.leader, case, days=10, reason="检验")
    assert refused.status_code == 400
    assert "没有可延长的行政强制措施" in " ".join(refused.json()["detail"])


def test_the_schema_documents_the_new_operations(world: Any) -> None:
    response = api(world.leader).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    paths = schema["paths"]
    extension = paths["/api/v1/enforcement/cases/{id}/coercion-extension/"]
    assert extension["get"]["operationId"] == "enforcement_case_measure"
    assert extension["post"]["operationId"] == "enforcement_case_measure_extend"
    components = schema["components"]["schemas"]
    step_data = components["StepDataRequest"]["properties"]
    for key in (
        "fine_base_amount",
        "fine_base_evidence",
        "measure_kind",
        "measure_started_at",
        "measure_ends_on",
        "measure_emergency",
        "measure_approved_by",
        "measure_approved_at",
    ):
        assert key in step_data, key
    detail = components["CaseDetail"]["properties"]
    for key in (
        "benchmark_applied",
        "benchmark_rule",
        "fine_base_amount",
        "fine_base_evidence",
        "measure",
    ):
        assert key in detail, key
    for name in ("AuthorityItemOutput", "AuthorityItemInputRequest"):
        props = components[name]["properties"]
        assert {"multiple_min", "multiple_max", "fine_base", "base_threshold"} <= set(props)
    assert {"multiple_min", "multiple_max"} <= set(components["Tier"]["properties"])
