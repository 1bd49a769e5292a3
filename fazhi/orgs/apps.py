from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "fazhi.orgs"
    label = "orgs"
