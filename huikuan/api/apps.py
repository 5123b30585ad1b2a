from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "huikuan.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # Registers the schema extension for the Bearer scheme.
        from huikuan.api import schema  # noqa: F401
