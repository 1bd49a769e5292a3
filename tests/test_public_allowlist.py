"""Deny by default (security.md ACC-1): every route needs a login unless it is on the reviewed
PUBLIC_ALLOWLIST below. The routes come from the URL resolver, so a new public view fails here
until someone adds it to the list with a reason.

Anonymous GET and POST to every other route must answer a redirect to a login page, 401, 403 or
404. The negative case mounts a `login_not_required` view and asserts the checker reports it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from tests.urlwalk import Route, route_path, routes

# Reviewed: each public route with the reason it may be public. "ns:*" admits a whole namespace.
PUBLIC_ALLOWLIST: dict[str, str] = {
    "accounts:login": "the login page itself",
    "set_language": "switches the interface language; sets a cookie and redirects",
    "admin:login": "Django's admin login form; the admin admits superusers only and production "
    "has none (AUTH-1); it authenticates through the same axes lockout",
    "portal:*": "the public portal under /public/: verification, disclosures, comments (DESIGN §4)",
}
LOGIN_PREFIXES = ("/accounts/login/", "/admin/login/")
DENIED = {401, 403, 404}


def allowlisted(route: Route, allowlist: dict[str, str]) -> bool:
    if route.name in allowlist:
        return True
    top = route.namespace.split(":")[0]
    return bool(top) and f"{top}:*" in allowlist


def anonymous_failures(
    routes_: list[Route], allowlist: dict[str, str], urlconf: str | None = None
) -> list[str]:
    """Routes that answer an anonymous GET or POST with anything but a denial."""
    client = Client(raise_request_exception=False)
    failures = []
    for route in routes_:
        if allowlisted(route, allowlist):
            continue
        url = route_path(route, urlconf)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            status = response.status_code
            if status in DENIED:
                continue
            if status == 302 and response["Location"].startswith(LOGIN_PREFIXES):
                continue
            where = response.get("Location", "")
            failures.append(f"{method.upper()} {url} ({route.label}) → {status} {where}".rstrip())
    return failures


def test_every_route_denies_anonymous_users(db: Any) -> None:
    all_routes = routes()
    assert len(all_routes) > 10  # the resolver walk found the project's routes
    assert anonymous_failures(all_routes, PUBLIC_ALLOWLIST) == []


def test_allowlisted_pages_do_answer_anonymously(db: Any) -> None:
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302


def test_allowlist_has_no_stale_entries() -> None:
    names = {r.name for r in routes()}
    namespaces = {r.namespace.split(":")[0] for r in routes()}
    for entry in PUBLIC_ALLOWLIST:
        if entry.endswith(":*"):
            # a namespace may be empty while its app is being built, but must be mounted
            assert entry[:-2] in namespaces or entry == "portal:*", entry
        else:
            assert entry in names, f"{entry} is allow-listed but no longer exists"


# --- the negative case --------------------------------------------------------------------------


@login_not_required
def forgotten_public_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("internal data")


def _urlpatterns() -> list[Any]:
    from config.urls import urlpatterns as real

    return [*real, path("oops/", forgotten_public_view, name="oops")]


urlpatterns = _urlpatterns()


@pytest.mark.urls(__name__)
def test_a_new_public_view_fails_until_allowlisted(db: Any) -> None:
    found = routes(__name__)
    failures = anonymous_failures(found, PUBLIC_ALLOWLIST, __name__)
    assert failures == ["GET /oops/ (oops) → 200", "POST /oops/ (oops) → 200"]
    assert anonymous_failures(found, {**PUBLIC_ALLOWLIST, "oops": "reviewed"}, __name__) == []
