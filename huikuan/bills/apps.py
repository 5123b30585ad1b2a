from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def register_import_kinds() -> None:
    """Acceptance bills as a kind of import file (``huikuan import bills FILE``): called by
    ``huikuan.ledger.imports`` when it is first imported (``BillsConfig.import_kinds``)."""
    from huikuan.bills import imports
    from huikuan.ledger.imports import register_import_kind

    register_import_kind("bills", imports.COLUMNS, imports.plan)


class BillsConfig(AppConfig):
    name = "huikuan.bills"
    label = "bills"
    verbose_name = _("Acceptance bills")
    import_kinds = "huikuan.bills.apps.register_import_kinds"
