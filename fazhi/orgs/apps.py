from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "fazhi.orgs"
    label = "orgs"

    def ready(self) -> None:
        from fazhi.audit.actions import register_all
        from fazhi.orgs.audit_actions import ACTIONS

        register_all(ACTIONS)
