"""Fixtures for the enforcement tests: officers of the shared org tree."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.core.identifiers import resident_id_check_char


def make_resident_id(serial: int, division: str = "150102", birth: str = "19850612") -> str:
    """A well-formed, fictitious resident ID (GB 11643-1999)."""
    first17 = f"{division}{birth}{serial:03d}"
    return first17 + resident_id_check_char(first17)


@pytest.fixture
def sector(db: Any) -> Any:
    from fazhi.orgs.models import Sector

    return Sector.objects.get_or_create(code="market", defaults={"name": "市场监管"})[0]


@pytest.fixture
def make_officer(org_tree: Any) -> Any:
    from fazhi.enforcement.services.registry import officer_create

    counter = {"n": 0}

    def _make(name: str = "张三", *, agency: Any = None, **kwargs: Any) -> Any:
        counter["n"] += 1
        return officer_create(
            actor=None,
            name=name,
            resident_id=make_resident_id(counter["n"]),
            agency=agency or org_tree.xincheng_market,
            **kwargs,
        )

    return _make
