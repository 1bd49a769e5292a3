"""Model constraints of the case engine that both databases enforce."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from fazhi.enforcement.models.cases import HearingThreshold

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("with_sector", [False, True])
def test_one_hearing_threshold_per_key_even_when_sector_or_region_is_any(
    with_sector: bool, sector: Any
) -> None:
    """Rulebook §1.7: the threshold table is keyed by (sector, region, party kind); a second row
    for the same key, "any" (NULL) parts included, would make the lookup ambiguous."""
    key = {"sector": sector if with_sector else None, "division": None, "party_kind": "citizen"}
    HearingThreshold.objects.create(**key, amount=Decimal(5000))
    with pytest.raises(IntegrityError), transaction.atomic():
        HearingThreshold.objects.create(**key, amount=Decimal(6000))
    HearingThreshold.objects.create(**{**key, "party_kind": "organisation"}, amount=Decimal(10**5))
