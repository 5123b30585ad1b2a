"""The ledger's field lists written once, for the API's serializers and the importers."""

from __future__ import annotations

# A customer's master data beyond its code and name (the API's customer and the import's columns).
CUSTOMER_FIELDS = (
    "credit_class",
    "credit_limit",
    "term_days",
    "salesperson",
    "collector",
    "department",
    "industry_position",
    "email",
    "phone",
    "address",
    "status",
    "currency",
    "short_name",
    "english_name",
)

# A payment as received and as allocated so far (the API's payment and the import's rows).
PAYMENT_FIELDS = (
    "reference",
    "customer",
    "payment_date",
    "amount",
    "currency",
    "fx_rate",
    "method",
    "payer_name",
    "memo",
    "allocated_amount",
)
