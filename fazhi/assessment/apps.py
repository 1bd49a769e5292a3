from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "fazhi.assessment"
    label = "assessment"

    def ready(self) -> None:
        from fazhi.assessment.audit_actions import ACTIONS
        from fazhi.audit.actions import register_all

        register_all(ACTIONS)
