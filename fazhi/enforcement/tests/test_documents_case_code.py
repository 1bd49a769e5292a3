"""The public case code page (一案一码): redacted summary, party check with attempt limits before
the formal document (QR-7), one rating per party (QR-8), uniform 404 and rate limits (QR-9)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi.enforcement.models import CaseCode, Rating
from fazhi.enforcement.services.documents import (
    case_code_issue,
    document_generate,
    rating_submit,
)
from fazhi.enforcement.tests.test_documents_factories import (  # noqa: F401 - fixtures
    CITIZEN_NAME,
    case_factory,
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch: Any) -> Any:
    """Empty counters, and one fixed minute: a slow run must not straddle a window boundary."""
    from fazhi.core import ratelimit

    monkeypatch.setattr(ratelimit, "current_window", lambda window_seconds: 1)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coded(case_factory: Any) -> tuple[Any, str]:  # noqa: F811
    """A simple-procedure case decided 10 days ago, with its case code (the PDF itself is tested
    in test_documents_pdf; here a stored decision row stands in for it)."""
    case = case_factory(procedure="simple", penalty_types=["fine"], fine=Decimal("200"),
                        decided_on=timezone.localdate() - timedelta(days=10))
    _code, token = case_code_issue(case)
    return case, token


def _decision(case: Any) -> Any:
    from django.core.files.base import ContentFile

    from fazhi.enforcement.models import CaseDocument

    document = CaseDocument(case=case, kind="on_the_spot_decision", number="当罚〔2026〕1号",
                            sha256="0" * 64, generated_at=timezone.now())
    document.file.save("t.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    document.save()
    return document


def _answer(case: Any) -> str:
    return case.party.id_number[-6:]


def test_summary_is_redacted(coded: tuple[Any, str], django_assert_max_num_queries: Any) -> None:
    case, token = coded
    with django_assert_max_num_queries(8):
        response = Client().get(reverse("portal:case-code", args=[token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert case.number in body
    assert "王某" in body
    assert case.agency.name in body
    assert CITIZEN_NAME not in body
    assert case.party.id_number not in body
    assert case.party.address not in body


def test_download_needs_the_party_check(coded: tuple[Any, str]) -> None:
    from fazhi.audit.models import AuditEntry

    case, token = coded
    _decision(case)
    client = Client()
    url = reverse("portal:case-code-document", args=[token])
    assert client.get(url).status_code == 403
    page = reverse("portal:case-code", args=[token])
    assert client.post(page, {"answer": _answer(case)}).status_code == 302
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert AuditEntry.objects.filter(action="enforcement.case_code.download").count() == 1
    assert Client().get(url).status_code == 403  # the check is bound to the session


def test_five_wrong_answers_lock_the_code_for_30_minutes(coded: tuple[Any, str]) -> None:
    from fazhi.enforcement.services.documents import case_code_check_party

    case, token = coded
    client = Client()
    page = reverse("portal:case-code", args=[token])
    statuses = [client.post(page, {"answer": "000000"}).status_code for _ in range(5)]
    assert statuses == [403] * 5
    code = CaseCode.objects.get(case=case)
    assert code.locked_until is not None
    lock = code.locked_until - timezone.now()
    assert timedelta(minutes=29) < lock <= timedelta(minutes=30)
    # locked: even the right answer is refused
    response = client.post(page, {"answer": _answer(case)})
    assert response.status_code == 403
    assert client.get(reverse("portal:case-code-document", args=[token])).status_code == 403
    # after 30 minutes the right answer works again
    later = timezone.now() + timedelta(minutes=31)
    assert case_code_check_party(code=code, answer=_answer(case), now=later).ok


@pytest.mark.parametrize(
    ("wrong", "locked"), [(4, False), (5, True)],
)
def test_lock_boundary(coded: tuple[Any, str], wrong: int, locked: bool) -> None:
    from fazhi.enforcement.services.documents import case_code_check_party

    case, _token = coded
    code = CaseCode.objects.get(case=case)
    results = [case_code_check_party(code=code, answer="ABCDEF") for _ in range(wrong)]
    assert results[-1].locked is locked
    assert case_code_check_party(code=code, answer=_answer(case)).ok is not locked


def test_uniform_404_for_unknown_expired_and_revoked(coded: tuple[Any, str],
                                                      case_factory: Any) -> None:  # noqa: F811
    _case, token = coded
    client = Client()
    expired_case = case_factory(decided_on=timezone.localdate() - timedelta(days=400))
    _expired_code, expired = case_code_issue(expired_case)
    revoked_case = case_factory(decided_on=timezone.localdate())
    revoked_code, revoked = case_code_issue(revoked_case)
    revoked_code.revoked_at = timezone.now()
    revoked_code.save()
    unknown = "A" * 32
    bodies = []
    for t in (unknown, expired, revoked, "short"):
        response = client.get(reverse("portal:case-code", args=[t]))
        assert response.status_code == 404
        bodies.append(response.content.replace(t.encode(), b""))
    assert len(set(bodies)) == 1
    assert client.get(reverse("portal:case-code", args=[token])).status_code == 200


def test_random_tokens_from_one_ip_are_rate_limited(coded: tuple[Any, str]) -> None:
    """QR-9: 100 random tokens a minute from one IP → 429 (the limit is 60)."""
    import secrets

    client = Client()
    statuses = [
        client.get(reverse("portal:case-code", args=[secrets.token_urlsafe(24)])).status_code
        for _ in range(100)
    ]
    assert statuses.count(404) == 60
    assert statuses.count(429) == 40
    _case, token = coded
    other_ip = client.get(reverse("portal:case-code", args=[token]), REMOTE_ADDR="10.9.9.9")
    assert other_ip.status_code == 200


def test_rating_once_per_party_and_editable_for_7_days(coded: tuple[Any, str]) -> None:
    case, token = coded
    client = Client()
    rate = reverse("portal:case-code-rate", args=[token])
    assert client.post(rate, {"score": "5"}).status_code == 403  # party check first
    client.post(reverse("portal:case-code", args=[token]), {"answer": _answer(case)})
    assert client.post(rate, {"score": "4", "comment": "态度好"}).status_code == 302
    assert client.post(rate, {"score": "5"}).status_code == 302
    assert Rating.objects.filter(case=case).count() == 1
    assert Rating.objects.get(case=case).score == 5
    assert client.post(rate, {"score": "9"}).status_code == 400
    # on day 8 the rating can no longer be changed
    later = timezone.now() + timedelta(days=7, minutes=1)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="超过 7 日"):
        rating_submit(case=case, score=1, now=later)
    assert Rating.objects.get(case=case).score == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_leave_one_row(case_factory: Any) -> None:  # noqa: F811
    if connection.vendor == "sqlite":
        pytest.skip("SQLite test database is not shared between threads")
    case = case_factory()
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def submit(score: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            rating_submit(case=case, score=score)
        except Exception as exc:
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in (1, 2, 3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Rating.objects.filter(case=case).count() == 1


def test_document_generation_extends_nothing_but_keeps_one_code(case_factory: Any) -> None:  # noqa: F811
    case = case_factory(decided_on=timezone.localdate() - timedelta(days=1))
    document_generate(actor=None, case=case, kind="filing_approval")
    document_generate(actor=None, case=case, kind="service_receipt")
    assert CaseCode.objects.filter(case=case).count() == 1
