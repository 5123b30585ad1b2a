"""Credit management through the API (SPEC §5): evaluations, class history, the credit check,
orders and their release, term-extension requests, credit-limit applications, holds,
financial statements with their Z-score, overdue fees and each customer's credit summary.

Records are addressed by business keys (customer code, order number, invoice number); every
read starts from the user's scope, so a customer out of it is 404 like one that does not exist.
Writes call one credit service each; decisions go through ``/api/approvals/``. One module a
family: :mod:`.evaluations`, :mod:`.orders`, :mod:`.requests`, :mod:`.holds`; serializers in
:mod:`.serializers`.
"""
