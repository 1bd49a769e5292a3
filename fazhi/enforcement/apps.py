from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "fazhi.enforcement"
    label = "enforcement"
    verbose_name = "行政执法"

    def ready(self) -> None:
        from fazhi.audit.actions import register_all
        from fazhi.enforcement.audit_actions import ACTIONS

        register_all(ACTIONS)
