from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def register_import_kinds() -> None:
    """Payables as a kind of import file: called by ``huikuan.ledger.imports`` when it is first
    imported (``FinanceConfig.import_kinds``)."""
    from huikuan.finance import payables
    from huikuan.ledger.imports import register_import_kind

    register_import_kind("payables", payables.PAYABLE_COLUMNS, payables.payables_plan)


class FinanceConfig(AppConfig):
    name = "huikuan.finance"
    label = "finance"
    verbose_name = _("Finance control")
    # The payables of counterparties that are also customers, for the AR/AP offset.
    import_kinds = "huikuan.finance.apps.register_import_kinds"

    def ready(self) -> None:
        from huikuan.approvals.registry import register_kinds_later

        register_kinds_later("huikuan.finance.write_offs.register_approval_kinds")
        register_kinds_later("huikuan.finance.scorecards.register_approval_kinds")
        register_kinds_later("huikuan.finance.offsets.register_approval_kinds")
