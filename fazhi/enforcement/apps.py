from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "fazhi.enforcement"
    label = "enforcement"
    verbose_name = "行政执法"

    def ready(self) -> None:
        from fazhi.audit.actions import register_all
        from fazhi.enforcement.audit_actions import ACTIONS

        register_all(ACTIONS)
        from fazhi.enforcement import receivers  # noqa: F401 - connects the badge copy refresh

        self._embedded_schedule()

    @staticmethod
    def _embedded_schedule() -> None:
        """Without a broker, run the supervision schedule in the runserver process (the child
        the autoreloader starts), never in tests, management commands or workers."""
        import os

        from django.conf import settings

        if settings.CELERY_BROKER_URL or os.environ.get("RUN_MAIN") != "true":
            return
        if not getattr(settings, "ENFORCEMENT_EMBEDDED_SCHEDULE", True):
            return
        from fazhi.enforcement.tasks import embedded_schedule_start

        embedded_schedule_start()
