"""security.md QR-9: a burst of unknown public tokens raises one audit entry per window, per
kind of token, whichever IPs the guesses come from."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from fazhi.audit.models import AuditEntry
from fazhi.core import ratelimit
from fazhi.enforcement.services import token_watch

pytestmark = pytest.mark.django_db
GUESS = "A" * 32  # well formed, unknown


@pytest.fixture(autouse=True)
def _setup(settings: Any, monkeypatch: Any) -> Any:
    settings.FAZHI_TOKEN_404_ALERT_PER_MINUTE = 5
    settings.FAZHI_BADGE_VERIFY_PER_MINUTE = 10**6
    monkeypatch.setattr(ratelimit, "current_window", lambda window_seconds: 7)
    cache.clear()
    yield
    cache.clear()


def spikes() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=token_watch.ACTION))


def guess(client: Client, name: str, n: int, ip_base: int = 1) -> None:
    for i in range(n):
        token = f"{GUESS[:-3]}{i:03d}"
        response = client.get(reverse(name, args=[token]), REMOTE_ADDR=f"10.0.{ip_base}.{i}")
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("portal:badge-verify", "badge"),
        ("portal:disclosure-detail", "disclosure"),
        ("portal:case-code", "case_code"),
    ],
)
def test_the_threshold_th_unknown_token_raises_one_alert(client: Client, name: str,
                                                          kind: str) -> None:
    guess(client, name, 4)  # one below the threshold, each from another IP
    assert spikes() == []
    guess(client, name, 1, ip_base=2)
    (entry,) = spikes()
    assert entry.detail["kind"] == kind
    assert entry.detail["count"] == 5
    assert entry.outcome == "denied"
    guess(client, name, 20, ip_base=3)  # the rest of the window adds nothing
    assert len(spikes()) == 1


def test_kinds_and_windows_are_counted_apart(client: Client, monkeypatch: Any) -> None:
    guess(client, "portal:badge-verify", 4)
    guess(client, "portal:case-code", 4)
    assert spikes() == []
    monkeypatch.setattr(ratelimit, "current_window", lambda window_seconds: 8)
    guess(client, "portal:badge-verify", 4)  # a new window starts from zero
    assert spikes() == []
    guess(client, "portal:badge-verify", 1)
    assert [e.detail["kind"] for e in spikes()] == ["badge"]


def test_a_known_token_is_not_counted(client: Client, make_officer: Any, sector: Any) -> None:
    from fazhi.enforcement.services import badges
    from fazhi.enforcement.tests.test_badges_services import certificate_in

    token = badges.badge_token(badges.badge_issue_for(certificate_in("active", make_officer(),
                                                                     sector)))
    for _ in range(10):
        assert client.get(reverse("portal:badge-verify", args=[token])).status_code == 200
    assert spikes() == []
    assert ratelimit.count_in_window("token-404:badge") == 1  # only this call


def test_unknown_kind_is_refused(rf: Any) -> None:
    with pytest.raises(ValueError, match="unknown token kind"):
        token_watch.note_unknown_token(rf.get("/"), "anything")
