"""An invoice may record how it reached the customer: on paper (by post or courier) or
electronically (an e-invoice or e-mail); empty when not known. The column is added with a
database default, so no existing row is rewritten."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0011_invoice_number_keys")]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="billing",
            field=models.CharField(
                blank=True,
                choices=[("paper", "paper"), ("electronic", "electronic")],
                db_default="",
                default="",
                max_length=16,
                verbose_name="billing",
            ),
        ),
    ]
