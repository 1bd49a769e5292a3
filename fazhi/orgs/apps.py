from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "fazhi.orgs"
    label = "orgs"

    def ready(self) -> None:
        from fazhi.orgs.audit_actions import register_actions

        register_actions()
