"""An invoice may carry the day its goods were shipped (the dunning steps of the credit
period count from it; unknown: from the invoice date)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_customer_other_names")]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="shipment_date",
            field=models.DateField(blank=True, null=True, verbose_name="shipment date"),
        ),
    ]
