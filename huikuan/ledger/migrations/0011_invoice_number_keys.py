"""Invoices keep their number and order number as payers write them (no prefix, separators or
leading zeros), so that the cash matcher looks up the invoices a bank memo names instead of
reading every open invoice; and an index of the open invoices by open amount."""

import django.db.models.expressions
from django.db import migrations, models

from huikuan.core.numbers import number_body

CHUNK = 5000


def fill_keys(apps, schema_editor):
    Invoice = apps.get_model("ledger", "Invoice")
    table = schema_editor.quote_name(Invoice._meta.db_table)
    rows = Invoice.objects.order_by("pk").values_list("pk", "number", "order_number")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while chunk := list(rows.filter(pk__gt=last)[:CHUNK]):
            cursor.executemany(
                f"UPDATE {table} SET number_key = %s, order_key = %s WHERE id = %s",
                [(number_body(number), number_body(order), pk) for pk, number, order in chunk],
            )
            last = chunk[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0010_customer_term_grant"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="number_key",
            field=models.CharField(db_default="", default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="invoice",
            name="order_key",
            field=models.CharField(db_default="", default="", editable=False, max_length=64),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(fields=["number_key"], name="invoice_number_key"),
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                condition=models.Q(("order_key", ""), _negated=True),
                fields=["order_key"],
                name="invoice_order_key",
            ),
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                django.db.models.expressions.CombinedExpression(
                    models.F("amount"), "-", models.F("applied_amount")
                ),
                condition=models.Q(("amount__gt", models.F("applied_amount"))),
                name="invoice_open_amount",
            ),
        ),
    ]
