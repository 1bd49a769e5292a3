from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "fazhi.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from fazhi.audit import receivers  # noqa: F401 - connects the auth signal receivers
        from fazhi.audit.actions import AUDIT_ACTIONS, register_all

        register_all(AUDIT_ACTIONS)
