from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "huikuan.api"
    label = "api"
    verbose_name = "REST API"
    # The schema extension for the Bearer scheme is registered by huikuan.api.urls, which
    # every schema generation loads: the command line does not import drf-spectacular.
