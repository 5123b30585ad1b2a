from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def register_import_kinds() -> None:
    """VAT invoices as a kind of import file: called by ``huikuan.ledger.imports`` when it is
    first imported (``VatConfig.import_kinds``)."""
    from huikuan.ledger.imports import register_import_kind
    from huikuan.vat import imports

    register_import_kind("vat-invoices", imports.COLUMNS, imports.plan)


class VatConfig(AppConfig):
    name = "huikuan.vat"
    label = "vat"
    verbose_name = _("VAT invoices")
    import_kinds = "huikuan.vat.apps.register_import_kinds"
