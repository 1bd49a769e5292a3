from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "fazhi.accounts"
    label = "accounts"
    default = True

    def ready(self) -> None:
        from fazhi.accounts import (
            checks,  # noqa: F401 - registers the deploy checks
            signals,  # noqa: F401 - starts the session clocks at login
        )
        from fazhi.accounts.audit_actions import ACTIONS
        from fazhi.audit.actions import register_all

        register_all(ACTIONS)


class FazhiAdminConfig(admin_apps.AdminConfig):
    """Django admin whose site only superusers may use (see fazhi.accounts.admin_site)."""

    default = False
    default_site = "fazhi.accounts.admin_site.SuperuserAdminSite"
