"""Nothing outside a user's data scope is shown, on any page or API route (issue 2 item 4;
security.md ACC-2; DESIGN.md §2 "Scope").

The walk takes its routes from the URL resolver, so a new page or API route is covered without
editing this file. For each viewer (region supervisor, Hohhot division supervisor, Xincheng agency
leader, self-scope officer, and the three administrators) it

(a) GETs every parameterless route (and STATIC_PARAMS routes) and asserts the body contains no
    marker string of a record outside the viewer's scope (FORBIDDEN_GROUPS below);
(b) for every route with an object parameter, builds the URL with an out-of-scope object's id and
    asserts GET answers 404 and POST/PUT/PATCH/DELETE answer 404 or 405, with the object unchanged.

How the object for (b) is found: the view's model (`model` / `queryset` of a class-based or DRF
view) when it declares a `Scope`, otherwise an entry in DETAIL_OBJECTS. A route with parameters
that has neither FAILS the walk: register it here when adding the view. The negative case at the
end mounts a deliberately leaky view and asserts the walker reports it.

Out of the walk, each with its reason: the Django admin (only superusers may enter it; asserted
below) and the public portal (public by design; its redaction has its own tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.db.models import Model
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.test import Client
from django.urls import path
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from fazhi.core.identifiers import credit_code_check_char
from fazhi.core.scope import Scope, scoped
from fazhi.enforcement.models import AuthorityItem, DiscretionBenchmark, FirstViolationList
from fazhi.orgs.models import Agency, Government
from tests.urlwalk import Route, route_path, routes

# --- the world ----------------------------------------------------------------------------------

# Marker groups, nearest first: XC = other people in Xincheng market, HH = Hohhot (city level),
# BT = Baotou. A viewer must never see a marker of a group forbidden to it.
FORBIDDEN_GROUPS: dict[str, tuple[str, ...]] = {
    "region_supervisor": (),
    "hohhot_supervisor": ("BT",),
    "xincheng_leader": ("HH", "BT"),
    "self_officer": ("XC", "HH", "BT"),
    "sys_admin": ("XC", "HH", "BT"),
    "sec_admin": ("XC", "HH", "BT"),
    "audit_admin": ("XC", "HH", "BT"),
}


def _credit_code(division_code: str, serial: int) -> str:
    first17 = f"11{division_code}{serial:08d}"[:16] + "X"
    return first17 + credit_code_check_char(first17)


@dataclass
class World:
    org: Any
    viewers: dict[str, Any] = field(default_factory=dict)
    # (group, marker or "", object): every scoped record the walk knows to be somebody's
    records: list[tuple[str, str, Model]] = field(default_factory=list)

    def markers(self, viewer: str) -> list[str]:
        groups = FORBIDDEN_GROUPS[viewer]
        return [marker for group, marker, _ in self.records if marker and group in groups]

    def foreign(self, model: type[Model], viewer: str) -> list[Model]:
        """Records of `model` the viewer must not see, nearest first; falls back to the database
        for models the world does not seed (any row outside scoped())."""
        groups = FORBIDDEN_GROUPS[viewer]
        if not groups:
            return []
        known = [
            obj for group, _, obj in self.records if isinstance(obj, model) and group in groups
        ]
        if known:
            return known[:1]
        if isinstance(getattr(model, "scope", None), Scope):
            visible = scoped(model._default_manager.all(), self.viewers[viewer])
            row = model._default_manager.exclude(pk__in=visible.values("pk")).first()
            return [row] if row is not None else []
        return []


@pytest.fixture
def world(org_tree: Any, make_user: Any) -> World:
    o = org_tree
    w = World(org=o)

    def agency(government: Government, name: str, serial: int) -> Agency:
        return Agency.objects.create(
            name=name, credit_code=_credit_code(government.division.code, serial),
            kind="statutory", sector=o.baotou_market.sector, government=government,
        )

    bt_gov, hh_gov = o.baotou_market.government, o.hohhot_market.government
    dh_gov = Government.objects.get(division=o.donghe)
    w.records += [
        ("XC", "XCMARK-PERSON",
         make_user("XCMARK-PERSON", role="officer", scope="self", agency=o.xincheng_market)),
        ("HH", "HHMARK-AGENCY", agency(hh_gov, "呼和浩特市生态环境局 HHMARK-AGENCY", 91)),
        ("HH", "HHMARK-PERSON",
         make_user("HHMARK-PERSON", role="officer", scope="agency", agency=o.hohhot_market)),
        ("HH", "", hh_gov),
        ("BT", "BTMARK-AGENCY", agency(bt_gov, "包头市交通运输局 BTMARK-AGENCY", 92)),
        ("BT", "BTMARK-DONGHE", agency(dh_gov, "东河区农牧局 BTMARK-DONGHE", 93)),
        ("BT", "BTMARK-PERSON",
         make_user("BTMARK-PERSON", role="officer", scope="agency", agency=o.baotou_market)),
        ("BT", "", bt_gov),
    ]
    # Authority lists (issue 4 §3): a Baotou item, its benchmark and a first-violation list.
    bt_item = AuthorityItem.objects.create(
        agency=o.baotou_market, code="BT-1", act_type="penalty", name="包头事项 BTMARK-ITEM"
    )
    w.records += [
        ("BT", "BTMARK-ITEM", bt_item),
        ("BT", "", DiscretionBenchmark.objects.create(
            item=bt_item, valid_from=date(2026, 1, 1), issuing_body="BTMARK-BENCH")),
        ("BT", "BTMARK-FVL", FirstViolationList.objects.create(
            sector=o.baotou_market.sector, name="BTMARK-FVL", issuing_agency=o.baotou_market,
            valid_from=date(2026, 1, 1))),
    ]
    # Disclosure (issue 4 §6): a published Baotou decision, for the back-office lists.
    w.records.append(("BT", "BTMARK-DISCLOSURE", _bt_disclosure(w)))
    w.viewers = {
        "region_supervisor": make_user(
            "v-region", role="supervisor", scope="region", agency=o.hohhot_market
        ),
        "hohhot_supervisor": make_user(
            "v-hohhot", role="supervisor", scope="division", division=o.hohhot,
            agency=o.hohhot_market,
        ),
        "xincheng_leader": make_user(
            "v-xincheng", role="agency_leader", scope="agency", agency=o.xincheng_market
        ),
        "self_officer": make_user(
            "v-self", role="officer", scope="self", agency=o.xincheng_market
        ),
        **{role: make_user(f"v-{role}", admin_role=role)
           for role in ("sys_admin", "sec_admin", "audit_admin")},
    }
    return w


def client_for(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    if user.admin_role:  # pass the administrators' second factor
        device = TOTPDevice.objects.create(user=user, name="walk", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


# --- what the walk visits -----------------------------------------------------------------------

EXCLUDED_NAMESPACES = {
    "admin": "only superusers may use the admin (test_admin_is_closed_to_non_superusers)",
    "portal": "the public portal shows published, redacted records to everyone by design",
}
EXCLUDED_ROUTES = {
    "accounts:logout": "POST ends the walker's session; GET is refused (405)",
}
# Routes whose parameters are not object ids: sample values to visit them with.
STATIC_PARAMS: dict[str, list[dict[str, str]]] = {
    "workbench:platform": [{"key": "disputes"}, {"key": "enforcement"}],
    # The legal library is public law, readable by every signed-in user: no data scope applies
    # (fazhi/laws/models.py). The walk still GETs these routes for markers and server errors.
    "laws:law-detail": [{"slug": "food-safety-law"}],
    "laws:provision": [{"key": "food-safety-law/art-124"}],
    "laws-api:law-detail": [{"slug": "food-safety-law"}],
    "laws-api:provision-detail": [{"pk": "1"}],
    "laws-api:provision-drafts": [{"pk": "1"}],
}

Factory = Callable[[World, str], list[tuple[Model, dict[str, Any]]]]


def _by_pk(model: type[Model]) -> Factory:
    return lambda w, viewer: [(obj, {"pk": obj.pk}) for obj in w.foreign(model, viewer)]


def _by_param(label: str, param: str) -> Factory:
    from django.apps import apps

    def factory(w: World, viewer: str) -> list[tuple[Model, dict[str, Any]]]:
        return [(obj, {param: obj.pk}) for obj in w.foreign(apps.get_model(label), viewer)]

    return factory


def _target(w: World, viewer: str) -> list[tuple[Model, dict[str, Any]]]:
    return [(obj, {"kind": "agency", "pk": obj.pk}) for obj in w.foreign(Agency, viewer)] + [
        (obj, {"kind": "government", "pk": obj.pk}) for obj in w.foreign(Government, viewer)
    ]


def _baotou_case(w: World, viewer: str) -> list[tuple[Model, dict[str, Any]]]:
    """An enforcement case of Baotou market, made on demand for viewers who must not see it."""
    from fazhi.enforcement.models import Case

    if "BT" not in FORBIDDEN_GROUPS[viewer]:
        return []
    agency = w.org.baotou_market
    case, _ = Case.objects.get_or_create(
        number="WALK-BT-1",
        defaults={"agency": agency, "division": agency.government.division, "act_type": "penalty",
                  "title": "包头案件 BTMARK-CASE"},
    )
    return [(case, {"pk": case.pk})]


def _bt_case_api(w: World, viewer: str) -> Model | None:
    """An enforcement case of Baotou market for the case API routes (issue 4 §8), made on demand
    for viewers who must not see it."""
    from fazhi.enforcement.models import Case

    if "BT" not in FORBIDDEN_GROUPS[viewer]:
        return None
    agency = w.org.baotou_market
    case, _ = Case.objects.get_or_create(
        number="WALK-BT-API",
        defaults={"agency": agency, "division": agency.government.division, "act_type": "penalty",
                  "title": "包头案件 BTMARK-CASE-API"},
    )
    return case


def _case_api(w: World, viewer: str) -> list[tuple[Model, dict[str, Any]]]:
    case = _bt_case_api(w, viewer)
    return [(case, {"pk": case.pk})] if case else []


def _case_review_api(w: World, viewer: str) -> list[tuple[Model, dict[str, Any]]]:
    from django.utils import timezone

    from fazhi.enforcement.models import LegalReview

    case = _bt_case_api(w, viewer)
    if case is None:
        return []
    reviewer = w.viewers["region_supervisor"]
    review, _ = LegalReview.objects.get_or_create(
        case=case, defaults={"reviewer": reviewer, "submitted_at": timezone.now()}
    )
    return [(review, {"pk": case.pk, "review_pk": review.pk})]


def _case_document_api(w: World, viewer: str) -> list[tuple[Model, dict[str, Any]]]:
    """A stored document of the Baotou API case (issue 4 §5), for the PDF route."""
    from django.utils import timezone

    from fazhi.enforcement.models import CaseDocument

    case = _bt_case_api(w, viewer)
    if case is None:
        return []
    document = CaseDocument.objects.filter(case=case).first() or CaseDocument.objects.create(
        case=case, kind="filing_approval", number="BTMARK-DOCUMENT", file="walk/none.pdf",
        sha256="0" * 64, generated_at=timezone.now(),
    )
    return [(document, {"pk": case.pk, "doc_pk": document.pk})]


def _bt_disclosure(w: World) -> Model:
    """A published disclosure of a Baotou case (issue 4 §6), its violation a marker."""
    from fazhi.enforcement.models import Case, Disclosure

    agency = w.org.baotou_market
    case, _ = Case.objects.get_or_create(
        number="WALK-BT-DISC",
        defaults={"agency": agency, "division": agency.government.division, "act_type": "penalty",
                  "title": "包头案件 BTMARK-CASE-DISC", "state": "decided",
                  "decided_on": date(2026, 3, 2)},
    )
    disclosure, _ = Disclosure.objects.get_or_create(
        case=case,
        defaults={"public_token": "walk-bt-disclosure", "agency": agency,
                  "division": agency.government.division, "act_type": "penalty",
                  "decision_number": "BTMARK-DECISION", "party_name": "某公司",
                  "violation": "BTMARK-DISCLOSURE", "decided_on": date(2026, 3, 2),
                  "due_on": date(2026, 3, 11), "state": "published"},
    )
    return disclosure


def _disclosure_api(w: World, viewer: str) -> list[tuple[Model, dict[str, Any]]]:
    if "BT" not in FORBIDDEN_GROUPS[viewer]:
        return []
    disclosure = _bt_disclosure(w)
    return [(disclosure, {"pk": disclosure.pk})]


def _alert(w: World, viewer: str) -> list[tuple[Model, dict[str, Any]]]:
    """A supervision alert of the Baotou market agency (created on first use)."""
    if "BT" not in FORBIDDEN_GROUPS[viewer]:
        return []
    from django.utils import timezone

    from fazhi.enforcement.models import Alert

    agency = w.org.baotou_market
    alert = Alert.objects.filter(subject_key="case:walk").first() or Alert.objects.create(
        rule="decision_overdue", subject_key="case:walk", agency=agency,
        division=agency.government.division, message="BTMARK-ALERT", opened_at=timezone.now(),
    )
    return [(alert, {"pk": alert.pk})]


# Routes with object parameters whose model the walker cannot read off the view.
DETAIL_OBJECTS: dict[str, Factory] = {
    # enforcement cases (issue 4 §4): the page and every form that acts on a case
    **{f"enforcement:{name}": _baotou_case for name in (
        "case-detail", "case-transition", "case-review-request", "case-review-record",
        "case-extend", "case-revoke",
    )},
    # -- case API (issue 4 §8)
    **{f"enforcement-api:{name}": _case_api for name in (
        "case-detail", "case-transitions", "case-review-request", "case-extend", "case-revoke",
        "case-measure-extend",
    )},
    "enforcement-api:case-review-record": _case_review_api,
    # -- documents, case code and disclosure API (issue 4 §5–6, §8)
    **{f"enforcement-api:{name}": _case_api for name in (
        "case-documents", "case-code", "case-disclosure",
    )},
    "enforcement-api:case-document-pdf": _case_document_api,
    **{f"enforcement-api:{name}": _disclosure_api for name in (
        "disclosure-detail", "disclosure-publish", "disclosure-withdraw",
    )},
    # -- supervision alerts (issue 4 §7)
    "enforcement:alert-detail": _alert,
    "enforcement-api:alert-detail": _alert,
    "enforcement-api:alert-rectify": _alert,
    "enforcement-api:alert-close": _alert,
    "enforcement-api:alert-unfounded": _alert,
    "orgs:agency-detail": _by_pk(Agency),
    "orgs-api:agency-detail": _by_pk(Agency),
    "assessment:target-detail": _target,
    "assessment-api:target-breakdown": _target,
    "assessment-api:target-entries": _target,
    # -- enforcement: authority lists, benchmarks, first-violation lists (issue 4 §3)
    **{
        f"enforcement:{name}": _by_pk(AuthorityItem)
        for name in ("authority-detail", "authority-edit", "authority-publish", "benchmark-create")
    },
    "enforcement:authority-basis-confirm": lambda w, viewer: [
        (obj, {"pk": obj.pk, "basis_pk": 1}) for obj in w.foreign(AuthorityItem, viewer)
    ],
    **{
        f"enforcement:{name}": _by_pk(DiscretionBenchmark)
        for name in ("benchmark-edit", "benchmark-publish")
    },
    **{
        f"enforcement:{name}": _by_pk(FirstViolationList)
        for name in ("fvl-detail", "fvl-edit", "fvl-publish")
    },
    # -- documents and disclosure back office (issue 4 §5–6): function views
    "enforcement:document-generate": _by_param("enforcement.Case", "case_pk"),
    "enforcement:document-download": _by_param("enforcement.CaseDocument", "pk"),
    "enforcement:disclosure-publish": _by_param("enforcement.Case", "case_pk"),
    "enforcement:disclosure-withdraw": _by_param("enforcement.Disclosure", "pk"),
}


def excluded(route: Route) -> str | None:
    top = route.namespace.split(":")[0]
    if top in EXCLUDED_NAMESPACES:
        return EXCLUDED_NAMESPACES[top]
    if route.name in EXCLUDED_ROUTES:
        return EXCLUDED_ROUTES[route.name]
    if route.callback.__module__ == "django.views.static":
        return "DEBUG-only media server, absent in production"
    if route.label.startswith("admin/"):
        return EXCLUDED_NAMESPACES["admin"]
    return None


def _discovered(route: Route) -> Factory | None:
    """Auto-map a route with one id parameter to its view's scoped model."""
    model = route.model()
    params = route.object_params
    if model is None or not isinstance(getattr(model, "scope", None), Scope) or len(params) != 1:
        return None
    name = params[0]
    if name not in {"pk", "id"} and not name.endswith(("_pk", "_id")):
        return None
    return lambda w, viewer: [(obj, {name: obj.pk}) for obj in w.foreign(model, viewer)]


# --- the checker --------------------------------------------------------------------------------


def _body(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def walk_failures(
    world: World,
    viewer: str,
    *,
    urlconf: str | None = None,
    detail_objects: dict[str, Factory] | None = None,
    visited: list[str] | None = None,
) -> list[str]:
    """Every scope violation the walk finds for `viewer`, as readable lines (empty: none)."""
    detail_objects = DETAIL_OBJECTS if detail_objects is None else detail_objects
    client = client_for(world.viewers[viewer])
    markers = world.markers(viewer)
    failures: list[str] = []

    def check_markers(route: Route, url: str, response: HttpResponse) -> None:
        if response.status_code >= 500:
            failures.append(f"{viewer}: GET {url} ({route.label}) → {response.status_code}")
        body = _body(response)
        leaked = [m for m in markers if m.encode() in body]
        if leaked:
            failures.append(f"{viewer}: GET {url} ({route.label}) shows out-of-scope {leaked}")

    for route in routes(urlconf):
        if excluded(route):
            continue
        if visited is not None:
            visited.append(route.label)
        if not route.object_params:
            url = route_path(route, urlconf)
            check_markers(route, url, client.get(url))
            continue
        if route.name in STATIC_PARAMS:
            for values in STATIC_PARAMS[route.name]:
                url = route_path(route, urlconf, **values)
                check_markers(route, url, client.get(url))
            continue
        factory = detail_objects.get(route.name) or _discovered(route)
        if factory is None:
            failures.append(
                f"{route.label} has parameters {route.object_params} but no DETAIL_OBJECTS or "
                "STATIC_PARAMS entry in tests/test_scope_walk.py: register it"
            )
            continue
        for obj, values in factory(world, viewer):
            url = route_path(route, urlconf, **{k: str(v) for k, v in values.items()})
            before = model_to_dict(obj)
            response = client.get(url)
            check_markers(route, url, response)
            if response.status_code != 404:
                failures.append(
                    f"{viewer}: GET {url} ({route.label}) with an out-of-scope "
                    f"{type(obj).__name__} → {response.status_code}, expected 404"
                )
            for method in ("post", "put", "patch", "delete"):
                status = getattr(client, method)(url).status_code
                if status not in {404, 405}:
                    failures.append(
                        f"{viewer}: {method.upper()} {url} ({route.label}) → {status}, "
                        "expected 404 or 405"
                    )
            survivor = type(obj)._default_manager.filter(pk=obj.pk).first()
            if survivor is None or model_to_dict(survivor) != before:
                failures.append(f"{viewer}: {url} ({route.label}) changed an out-of-scope row")
    return failures


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", list(FORBIDDEN_GROUPS))
def test_nothing_outside_scope_leaks(world: World, viewer: str) -> None:
    visited: list[str] = []
    failures = walk_failures(world, viewer, visited=visited)
    assert failures == []
    walked = {r.label for r in routes() if not excluded(r)}
    assert walked
    assert set(visited) == walked


def test_the_walk_sees_what_is_in_scope(world: World) -> None:
    """Positive control: in-scope markers do show, so a marker's absence means something."""
    for viewer, url, marker in [
        ("region_supervisor", "/orgs/agencies/", "BTMARK-AGENCY"),
        ("hohhot_supervisor", "/orgs/agencies/", "HHMARK-AGENCY"),
        ("hohhot_supervisor", "/api/v1/orgs/agencies/", "HHMARK-AGENCY"),
        ("region_supervisor", "/api/v1/enforcement/disclosures/", "BTMARK-DISCLOSURE"),
    ]:
        body = _body(client_for(world.viewers[viewer]).get(url))
        assert marker.encode() in body, (viewer, url)


def test_every_route_is_built_and_resolves_back() -> None:
    """Each pattern yields a concrete URL (route_path raises otherwise)."""
    for route in routes():
        if excluded(route):
            continue
        values = {k: v for d in STATIC_PARAMS.get(route.name, [{}]) for k, v in d.items()}
        route_path(route, None, **values)


@pytest.mark.parametrize("staff_scope", ["agency", "region"])
def test_admin_is_closed_to_non_superusers(
    world: World, make_user: Any, staff_scope: str
) -> None:
    staff = make_user(
        f"staff-{staff_scope}", role="supervisor", scope=staff_scope,
        agency=world.org.xincheng_market,
    )
    staff.is_staff = True
    staff.save()
    client = client_for(staff)
    for route in routes():
        if not route.label.startswith("admin/") or route.name == "admin:login":
            continue
        url = route_path(route)
        response = client.get(url)
        assert response.status_code in {302, 404}, (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/admin/login/"), url
    root = make_user("root-for-test")
    root.is_superuser = root.is_staff = True
    root.save()
    assert client_for(root).get("/admin/").status_code == 200  # control: the admin works


# --- the negative case: a deliberately leaky view -----------------------------------------------


def leaky_agency_list(request: HttpRequest) -> HttpResponse:
    """Lists every agency without scoped(): the bug the walk exists to catch."""
    return HttpResponse(", ".join(Agency.objects.values_list("name", flat=True)))


def leaky_agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse(get_object_or_404(Agency, pk=pk).name)


def unregistered_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")


def _leaky_urlpatterns() -> list[Any]:
    from config.urls import urlpatterns as real

    return [
        *real,
        path("leaky/agencies/", leaky_agency_list, name="leaky-agency-list"),
        path("leaky/agencies/<int:pk>/", leaky_agency_detail, name="leaky-agency-detail"),
        path("leaky/things/<int:pk>/", unregistered_detail, name="leaky-unregistered"),
    ]


urlpatterns = _leaky_urlpatterns()  # the temporary URLconf of the negative case
LEAKY_DETAILS = {**DETAIL_OBJECTS, "leaky-agency-detail": _by_pk(Agency)}


def _matching(failures: Iterable[str], *needles: str) -> list[str]:
    return [f for f in failures if all(n in f for n in needles)]


@pytest.mark.urls(__name__)
def test_the_walker_reports_a_leaky_view(world: World) -> None:
    failures = walk_failures(
        world, "hohhot_supervisor", urlconf=__name__, detail_objects=LEAKY_DETAILS
    )
    # (a) the unscoped list shows the Baotou agencies to a Hohhot user
    assert _matching(failures, "/leaky/agencies/ ", "BTMARK-AGENCY", "BTMARK-DONGHE")
    # (b) the unscoped detail answers 200 for a Baotou agency instead of 404
    bt = next(obj for g, m, obj in world.records if m == "BTMARK-AGENCY")
    assert _matching(failures, f"GET /leaky/agencies/{bt.pk}/", "expected 404")
    # a new view with parameters and no registration fails the walk
    assert _matching(failures, "leaky-unregistered", "register it")
    # and nothing else in the real tree is reported
    assert all("leaky" in f for f in failures), failures


@pytest.mark.urls(__name__)
def test_the_leaky_view_is_fine_for_a_region_user(world: World) -> None:
    """The same leaky list is no leak for a region-wide user: the walker judges per scope."""
    failures = walk_failures(
        world, "region_supervisor", urlconf=__name__, detail_objects=LEAKY_DETAILS
    )
    assert _matching(failures, "leaky-unregistered")
    assert not _matching(failures, "BTMARK")
