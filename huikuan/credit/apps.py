from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "huikuan.credit"
    label = "credit"
    verbose_name = _("Credit management")

    def ready(self) -> None:
        from huikuan.credit import imports
        from huikuan.ledger.imports import register_import_kind

        register_import_kind("orders", imports.COLUMNS, imports.plan)
        register_import_kind("statements", imports.STATEMENT_COLUMNS, imports.statements_plan)

        from huikuan.credit.flows import register_approval_kinds

        register_approval_kinds()
