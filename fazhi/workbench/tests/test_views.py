"""The back-office shell: workbench, navigation, sub-platform placeholders."""

import pytest
from django.urls import reverse
from django.utils import translation

from fazhi.accounts.rules.roles import Role
from fazhi.workbench.navigation import SUB_PLATFORMS, navigation_for


@pytest.fixture
def officer(org_tree, make_user):
    return make_user("officer1", role="officer", scope="self", agency=org_tree.xincheng_market)


def test_workbench_shows_empty_states_in_chinese(client, officer):
    client.force_login(officer)
    with translation.override("zh-hans"):
        response = client.get(reverse("workbench:home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert response.status_code == 200
    assert "工作台" in body
    assert "暂无待办事项。" in body
    assert "您的权限范围内暂无未处理预警。" in body


@pytest.mark.parametrize("role", list(Role))
def test_every_navigation_link_answers_200(client, org_tree, make_user, role):
    """Nothing in the menu 404s: unbuilt sub-platforms say so."""
    user = make_user(f"u-{role}", role=role, scope="region", agency=org_tree.hohhot_market)
    client.force_login(user)
    items = navigation_for(user)
    assert {i.key for i in items} >= {"home", *dict(SUB_PLATFORMS)}
    for item in items:
        assert client.get(item.url).status_code == 200, item.url


def test_unknown_platform_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("workbench:platform", args=["nope"])).status_code == 404


def test_administrators_get_their_own_home_and_no_business_menu(client, make_user):
    admin = make_user("sys1", admin_role="sys_admin")
    keys = {i.key for i in navigation_for(admin)}
    assert keys == {"admin-home"}
    assert not any(k in keys for k in dict(SUB_PLATFORMS))


def test_workbench_page_query_count_is_bounded(client, officer, django_assert_max_num_queries):
    client.force_login(officer)
    with django_assert_max_num_queries(5):
        client.get(reverse("workbench:home"))


def test_phone_layout_has_menu_toggle(client, officer):
    client.force_login(officer)
    body = client.get(reverse("workbench:home")).content.decode()
    assert 'name="viewport"' in body
    assert 'class="menu-toggle"' in body
