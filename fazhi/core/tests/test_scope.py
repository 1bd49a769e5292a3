"""scoped(): each data scope sees exactly its part of the tree; administrators see nothing."""

import pytest

from fazhi.core.scope import scoped
from fazhi.orgs.models import Agency


@pytest.mark.parametrize(
    ("_case", "scope", "where", "expected"),
    [
        ("region sees all", "region", None, {"hohhot_market", "xincheng_market", "baotou_market"}),
        ("division sees subtree", "division", "hohhot", {"hohhot_market", "xincheng_market"}),
        ("county sees itself", "division", "xincheng", {"xincheng_market"}),
        ("agency sees own", "agency", None, {"hohhot_market"}),
        ("self sees no agency", "self", None, set()),
    ],
)
def test_agency_scopes(org_tree, make_user, _case, scope, where, expected):
    user = make_user(
        "u",
        role="supervisor",
        scope=scope,
        agency=org_tree.hohhot_market,
        division=getattr(org_tree, where) if where else None,
    )
    names = {
        key
        for key in ("hohhot_market", "xincheng_market", "baotou_market")
        if scoped(Agency.objects.all(), user).filter(pk=getattr(org_tree, key).pk).exists()
    }
    assert names == expected


def test_separated_admin_sees_no_business_records(org_tree, make_user):
    admin = make_user("sec", admin_role="sec_admin")
    assert not scoped(Agency.objects.all(), admin).exists()


def test_anonymous_sees_nothing(org_tree):
    from django.contrib.auth.models import AnonymousUser

    assert not scoped(Agency.objects.all(), AnonymousUser()).exists()


def test_unscoped_model_is_refused(db):
    from fazhi.orgs.models import Sector

    with pytest.raises(TypeError, match="declares no Scope"):
        scoped(Sector.objects.all(), None)
