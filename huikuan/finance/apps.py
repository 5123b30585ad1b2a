from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "huikuan.finance"
    label = "finance"
    verbose_name = _("Finance control")
    # The payables of counterparties that are also customers, for the AR/AP offset.
    import_kinds = "huikuan.finance.offsets.register_import_kinds"

    def ready(self) -> None:
        from huikuan.approvals.registry import register_kinds_later

        register_kinds_later("huikuan.finance.write_offs.register_approval_kinds")
        register_kinds_later("huikuan.finance.scorecards.register_approval_kinds")
        register_kinds_later("huikuan.finance.offsets.register_approval_kinds")
