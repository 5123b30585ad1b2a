from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionsConfig(AppConfig):
    name = "huikuan.collections"
    label = "collections"
    verbose_name = _("Collections")

    def ready(self) -> None:
        from huikuan.ledger.events import register_correction_listener

        # A confirmed red-letter correction resolves the dispute it settles.
        register_correction_listener("huikuan.collections.corrections.disputes_resolve_by_corrections")
