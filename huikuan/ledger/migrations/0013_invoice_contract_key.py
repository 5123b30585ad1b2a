"""Invoices keep their contract number as payers write it (no prefix, separators or leading
zeros), so that the cash matcher looks up the invoices a bank memo's contract number names."""

from django.db import migrations, models

from huikuan.core.numbers import number_body

CHUNK = 5000


def fill_keys(apps, schema_editor):
    Invoice = apps.get_model("ledger", "Invoice")
    table = schema_editor.quote_name(Invoice._meta.db_table)
    rows = Invoice.objects.exclude(contract_number="").order_by("pk").values_list("pk", "contract_number")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while chunk := list(rows.filter(pk__gt=last)[:CHUNK]):
            cursor.executemany(
                f"UPDATE {table} SET contract_key = %s WHERE id = %s",
                [(number_body(contract), pk) for pk, contract in chunk],
            )
            last = chunk[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0012_invoice_billing"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="contract_key",
            field=models.CharField(db_default="", default="", editable=False, max_length=64),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                condition=models.Q(("contract_key", ""), _negated=True),
                fields=["contract_key"],
                name="invoice_contract_key",
            ),
        ),
    ]
