from typing import Any

import pytest

from fazhi.orgs.selectors import agency_get_for, agency_list_for

pytestmark = pytest.mark.django_db


def _names(user: Any, **filters: str) -> set[str]:
    return {a.name for a in agency_list_for(user, filters)}


def test_each_data_scope_sees_its_part_of_the_tree(org_tree: Any, make_user: Any) -> None:
    t = org_tree
    region = make_user("r", role="supervisor", scope="region", agency=t.hohhot_market)
    hohhot = make_user("d", role="reconsideration_staff", scope="division", division=t.hohhot)
    own = make_user("a", role="agency_leader", scope="agency", agency=t.baotou_market)
    officer = make_user("o", role="officer", scope="self", agency=t.baotou_market)
    admin = make_user("s", admin_role="sys_admin")
    everyone = {"呼和浩特市市场监督管理局", "新城区市场监督管理局", "包头市市场监督管理局"}
    assert _names(region) == everyone
    assert _names(hohhot) == {"呼和浩特市市场监督管理局", "新城区市场监督管理局"}
    assert _names(own) == {"包头市市场监督管理局"}
    assert _names(officer) == set()
    assert _names(admin) == set()


def test_out_of_scope_get_raises(org_tree: Any, make_user: Any) -> None:
    user = make_user("d", role="mediator", scope="division", division=org_tree.xincheng)
    assert agency_get_for(user, org_tree.xincheng_market.pk) == org_tree.xincheng_market
    with pytest.raises(org_tree.hohhot_market.DoesNotExist):
        agency_get_for(user, org_tree.hohhot_market.pk)


def test_filters_narrow_within_scope(org_tree: Any, make_user: Any) -> None:
    user = make_user("r", role="supervisor", scope="region", agency=org_tree.hohhot_market)
    assert _names(user, division="150100") == {"呼和浩特市市场监督管理局", "新城区市场监督管理局"}
    assert _names(user, division="150202") == set()
    assert _names(user, division="999999") == set()
    assert _names(user, sector="market")
    assert _names(user, sector="ecology") == set()
    assert _names(user, kind="statutory")
    assert _names(user, kind="entrusted") == set()
    assert _names(user, q="新城") == {"新城区市场监督管理局"}
    code = org_tree.baotou_market.credit_code
    assert _names(user, q=code.lower()) == {"包头市市场监督管理局"}


def test_division_filter_cannot_widen_scope(org_tree: Any, make_user: Any) -> None:
    user = make_user("d", role="mediator", scope="division", division=org_tree.xincheng)
    assert _names(user, division="150000") == {"新城区市场监督管理局"}
