from django.apps import AppConfig


class CitingConfig(AppConfig):
    name = "tests.citing"
    label = "citing"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Citing (tests only)"
