from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "huikuan.correspondence"
    label = "correspondence"
    verbose_name = _("Letters and email")

    def ready(self) -> None:
        from huikuan.correspondence import backends  # noqa: F401 - registers the deployment check
