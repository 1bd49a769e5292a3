"""Every registry route with an object id answers 404 to GET (404 or 405 to other methods) for an
object outside the caller's scope and changes nothing (the scope walk's rule, applied here with
registry rows, which the project-wide walk's world does not seed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client

from fazhi.enforcement.models import Certificate, Officer
from fazhi.enforcement.models.registry import EnforcementSubject
from fazhi.enforcement.services import registry as services
from fazhi.enforcement.tests.test_registry_pages import active_certificate
from tests.urlwalk import route_path, routes

REGISTRY_ROUTES = {
    "enforcement:subject-detail", "enforcement:subject-edit", "enforcement:officer-detail",
    "enforcement:certificate-apply", "enforcement:certificate-step",
    "enforcement-api:subject-detail", "enforcement-api:officer-detail",
    "enforcement-api:officer-certificates", "enforcement-api:certificate-steps",
}


@pytest.mark.parametrize("viewer_role", ["supervisor", "agency_leader", "officer"])
def test_out_of_scope_objects_are_404_for_every_method(
    viewer_role: str, org_tree: Any, make_officer: Any, make_user: Any, sector: Any
) -> None:
    subject = services.subject_create(actor=None, agency=org_tree.baotou_market)
    officer = make_officer("赵包头", agency=org_tree.baotou_market)
    certificate = active_certificate(officer, sector, "150200-01-0001")
    objects = {EnforcementSubject: subject, Officer: officer, Certificate: certificate}
    scope = {"supervisor": "division", "agency_leader": "agency", "officer": "agency"}[viewer_role]
    viewer = make_user("v", role=viewer_role, scope=scope, division=org_tree.hohhot,
                       agency=org_tree.xincheng_market)
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    seen = set()
    failures = []
    for route in routes():
        if route.name not in REGISTRY_ROUTES:
            continue
        seen.add(route.name)
        obj = objects[route.model()]
        url = route_path(route, None, pk=str(obj.pk))
        before = model_to_dict(obj)
        for method in ("get", "post", "put", "patch", "delete"):
            status = getattr(client, method)(url, {"action": "revoke", "reason": "x"}
                                             if method == "post" else None).status_code
            if status != 404 and not (method != "get" and status == 405):
                failures.append(f"{method.upper()} {url} → {status}")
        if model_to_dict(type(obj).objects.get(pk=obj.pk)) != before:
            failures.append(f"{url} changed an out-of-scope row")
    assert seen == REGISTRY_ROUTES
    assert failures == []
