"""AUTH-1 deploy check: no superuser, no reserved username."""

from __future__ import annotations

from typing import Any

from fazhi.accounts.checks import accounts_hygiene_check


def test_clean_database_passes(make_user: Any) -> None:
    make_user("zhangsan")
    assert accounts_hygiene_check() == []


def test_superuser_and_reserved_name_fail(make_user: Any) -> None:
    make_user("Admin")
    root = make_user("lisi")
    root.is_superuser = True
    root.save()
    ids = sorted(e.id for e in accounts_hygiene_check())
    assert ids == ["fazhi.accounts.E001", "fazhi.accounts.E002"]
