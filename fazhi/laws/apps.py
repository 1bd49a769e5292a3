from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "fazhi.laws"
    label = "laws"
    verbose_name = "法律法规"

    def ready(self) -> None:
        from fazhi.audit.actions import register_all
        from fazhi.laws.audit_actions import ACTIONS

        register_all(ACTIONS)
