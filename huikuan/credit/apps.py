from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def register_import_kinds() -> None:
    """Orders and financial statements as kinds of import file: called by
    ``huikuan.ledger.imports`` when it is first imported (``CreditConfig.import_kinds``)."""
    from huikuan.credit import imports
    from huikuan.ledger.imports import register_import_kind

    register_import_kind("orders", imports.COLUMNS, imports.plan)
    register_import_kind("statements", imports.STATEMENT_COLUMNS, imports.statements_plan)


class CreditConfig(AppConfig):
    name = "huikuan.credit"
    label = "credit"
    verbose_name = _("Credit management")
    # Registered when first needed, not at start-up: a command such as `huikuan aging` does not
    # load the importers nor the approval callbacks (and what they import).
    import_kinds = "huikuan.credit.apps.register_import_kinds"

    def ready(self) -> None:
        from huikuan.approvals.registry import register_kinds_later
        from huikuan.ledger.events import register_money_listener

        register_kinds_later("huikuan.credit.flows.register_approval_kinds")
        register_kinds_later("huikuan.credit.orders.register_price_kind")
        # Money received may free a customer's blocked orders: they are checked again (queued).
        register_money_listener("huikuan.credit.orders.orders_recheck_enqueue")
