"""The KPIs' names in words (the KPI page, the reports and their files share them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

KPI_LABELS = {
    "dso": gettext_lazy("DSO"),
    "dso_countback": gettext_lazy("DSO (countback)"),
    "bpdso": gettext_lazy("best possible DSO"),
    "add": gettext_lazy("average days delinquent"),
    "add_paid": gettext_lazy("average days paid late"),
    "cei": gettext_lazy("CEI %"),
    "current_pct": gettext_lazy("current %"),
    "turnover": gettext_lazy("AR turnover"),
    "collection_rate": gettext_lazy("collection rate %"),
    "collection_cycle": gettext_lazy("collection cycle (days)"),
    "overdue_ratio": gettext_lazy("overdue ratio %"),
    "bad_debt_ratio": gettext_lazy("bad-debt ratio %"),
}
