"""The score ledger: score_record and score_reverse (DESIGN.md §2 "Score ledger")."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from fazhi.assessment import services
from fazhi.assessment.models import Indicator, Period, ScoreEntry
from fazhi.assessment.services import ScoreError, score_record, score_reverse
from fazhi.assessment.tests.conftest import at


@pytest.fixture
def push(indicators, org_tree):
    def _push(**overrides):
        kwargs = {
            "target": org_tree.hohhot_market,
            "indicator": "A4.M2.O1",
            "points": "2.50",
            "source": org_tree.xincheng,
            "rule": "enforcement.publicity_on_time",
            "occurred_at": at(2025, 3, 1),
        }
        kwargs.update(overrides)
        return score_record(**kwargs)

    return _push


def test_records_a_traceable_entry(push, org_tree):
    entry = push(source_url="/enforcement/cases/7/")
    assert entry.points == Decimal("2.50")
    assert entry.indicator.code == "A4.M2.O1"
    assert entry.source_type == ContentType.objects.get_for_model(org_tree.xincheng)
    assert entry.source_id == str(org_tree.xincheng.pk)
    assert entry.source_label == "新城区"
    assert entry.source_url == "/enforcement/cases/7/"
    assert entry.kind == "award"


def test_an_agencys_entry_also_counts_for_its_government(push, org_tree):
    entry = push(target=org_tree.hohhot_market)
    assert (entry.agency_id, entry.government_id) == (
        org_tree.hohhot_market.pk,
        org_tree.hohhot_market.government_id,
    )
    gov_entry = push(target=org_tree.baotou.government, rule="other")
    assert (gov_entry.agency_id, gov_entry.government_id) == (None, org_tree.baotou.government.pk)


def test_label_and_url_can_be_given(push):
    entry = push(source_label="案件 2025-001", source_url="/x/1/")
    assert (entry.source_label, entry.source_url) == ("案件 2025-001", "/x/1/")


def test_url_defaults_to_the_sources_absolute_url(push, org_tree):
    with mock.patch.object(
        type(org_tree.xincheng), "get_absolute_url", return_value="/divisions/x/", create=True
    ):
        entry = push()
    assert entry.source_url == "/divisions/x/"


def test_indicator_may_be_an_instance(push):
    node = Indicator.objects.get(code="A6.M2.O1")
    assert push(indicator=node).indicator == node


def test_second_call_returns_the_same_entry_and_writes_nothing(push):
    first = push()
    with mock.patch.object(services, "audit_record") as audit:
        again = push(points="9")
    assert again.pk == first.pk
    assert again.points == Decimal("2.50")
    assert ScoreEntry.objects.count() == 1
    audit.assert_not_called()


def test_same_source_on_another_rule_or_indicator_counts_separately(push):
    push()
    push(rule="enforcement.other")
    push(indicator="A4.M2.O2")
    assert ScoreEntry.objects.count() == 3


def test_a_race_lost_on_the_unique_constraint_returns_the_winners_entry(push):
    """Two pushes pass the look-up at once; the database keeps one, the loser reads it."""
    winner = push()
    real = services._existing
    calls = {"n": 0}

    def miss_first(*args, **kwargs):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(*args, **kwargs)

    with mock.patch.object(services, "_existing", miss_first):
        loser = push()
    assert calls["n"] == 2
    assert loser.pk == winner.pk
    assert ScoreEntry.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_pushes_record_once(indicators, org_tree):
    import threading

    from django.db import connections

    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(
                score_record(
                    target=org_tree.hohhot_market,
                    indicator="A4.M5.O1",
                    points=1,
                    source=org_tree.hohhot,
                    rule="race",
                    occurred_at=at(2025, 5, 5),
                ).pk
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1
    assert ScoreEntry.objects.filter(rule="race").count() == 1


@pytest.mark.parametrize(
    ("points", "stored"),
    [("0.01", Decimal("0.01")), (3, Decimal("3.00")), ("-1.25", Decimal("-1.25")),
     (Decimal("12.5"), Decimal("12.50")), (0.1, Decimal("0.10"))],
)
def test_points_are_decimals_with_two_places(push, points, stored):
    entry = push(points=points)
    entry.refresh_from_db()
    assert entry.points == stored


@pytest.mark.parametrize("points", ["0.001", "abc", "NaN", "Infinity", "10000000"])
def test_points_that_cannot_be_stored_exactly_are_refused(push, points):
    with pytest.raises(ScoreError):
        push(points=points)
    assert ScoreEntry.objects.count() == 0


def test_bad_pushes_are_refused_and_change_nothing(push, org_tree):
    with pytest.raises(ScoreError, match="unknown indicator"):
        push(indicator="Z9")
    with pytest.raises(ScoreError, match="timezone-aware"):
        push(occurred_at=dt.datetime(2025, 1, 1, 12))  # naive: refused
    with pytest.raises(ScoreError, match="Government or an Agency"):
        push(target=org_tree.hohhot)
    with pytest.raises(ScoreError, match="rule"):
        push(rule="")
    assert ScoreEntry.objects.count() == 0


def test_recording_makes_sure_the_year_exists(push):
    push(occurred_at=at(2023, 12, 31, 23, 59))
    assert set(Period.objects.values_list("code", flat=True)) == {
        "2023", "2023-q1", "2023-q2", "2023-q3", "2023-q4",
    }


def test_reversal_is_a_new_negated_entry_linked_to_the_original(push, org_tree):
    award = push(points="3.25")
    reversal = score_reverse(
        source=org_tree.xincheng,
        rule="enforcement.publicity_on_time",
        indicator="A4.M2.O1",
        occurred_at=at(2025, 4, 1),
    )
    assert reversal.pk != award.pk
    assert reversal.points == Decimal("-3.25")
    assert reversal.kind == "reversal"
    assert reversal.reverses_id == award.pk
    assert (reversal.government_id, reversal.agency_id) == (award.government_id, award.agency_id)
    award.refresh_from_db()
    assert award.points == Decimal("3.25")
    assert award.kind == "award"


def test_reversing_twice_returns_the_first_reversal(push, org_tree):
    push()
    kwargs = {
        "source": org_tree.xincheng,
        "rule": "enforcement.publicity_on_time",
        "indicator": "A4.M2.O1",
        "occurred_at": at(2025, 4, 1),
    }
    first = score_reverse(**kwargs)
    assert score_reverse(**kwargs).pk == first.pk
    assert ScoreEntry.objects.count() == 2


def test_reversing_what_was_never_scored_does_nothing(push, org_tree):
    assert score_reverse(
        source=org_tree.baotou, rule="none", indicator="A4.M2.O1", occurred_at=at(2025, 4, 1)
    ) is None
    assert ScoreEntry.objects.count() == 0


def test_writes_are_audited(push, org_tree):
    with mock.patch.object(services, "audit_record") as audit:
        push()
        score_reverse(
            source=org_tree.xincheng,
            rule="enforcement.publicity_on_time",
            indicator="A4.M2.O1",
            occurred_at=at(2025, 4, 1),
        )
    actions = [c.kwargs["action"] for c in audit.call_args_list]
    assert actions[-2:] == ["assessment.score.record", "assessment.score.reverse"]
