from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "fazhi.assessment"
    label = "assessment"

    def ready(self) -> None:
        from fazhi.assessment.audit_actions import register_actions

        register_actions()
