"""Run by ``test_concurrency`` as its own OS process: allocate once, when told to.

Usage: ``python allocation_worker.py PAYMENT_ID INVOICE_ID AMOUNT SIGNAL_DIR NAME``.
The worker connects to the database named in ``DATABASE_URL``, writes ``ready-NAME`` in
SIGNAL_DIR, waits for a ``go`` file there, calls ``payment_allocate`` and prints one JSON
line: ``{"allocated": true}`` or ``{"allocated": false, "message": "..."}``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

WAIT_FOR_GO_SECONDS = 60


def main() -> int:
    payment_id, invoice_id, amount, signal_dir, name = sys.argv[1:6]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
    import django

    django.setup()
    from django.db import connection

    from huikuan.core.errors import RuleViolation
    from huikuan.ledger.models import Invoice, Payment
    from huikuan.ledger.services import payment_allocate

    payment = Payment.objects.get(pk=payment_id)
    invoice = Invoice.objects.get(pk=invoice_id)
    connection.ensure_connection()  # connected before the signal, so both start together
    signals = Path(signal_dir)
    (signals / f"ready-{name}").touch()
    deadline = time.monotonic() + WAIT_FOR_GO_SECONDS
    while not (signals / "go").exists():
        if time.monotonic() > deadline:
            print(json.dumps({"allocated": False, "message": "no go signal"}))
            return 2
        time.sleep(0.0005)
    try:
        payment_allocate(payment=payment, invoice=invoice, amount=Decimal(amount))
    except RuleViolation as refusal:
        print(json.dumps({"allocated": False, "message": refusal.message}))
    else:
        print(json.dumps({"allocated": True}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
