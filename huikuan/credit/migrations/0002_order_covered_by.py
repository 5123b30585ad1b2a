"""Class D orders pass against money received in advance: the receipts they relied on are
kept and reserved on the order, instead of a ``prepaid`` flag."""

from decimal import Decimal

from django.db import migrations, models

import huikuan.core.fields


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [
        migrations.RemoveField(model_name="order", name="prepaid"),
        migrations.AddField(
            model_name="order",
            name="covered_by",
            field=models.JSONField(blank=True, default=list, verbose_name="covered by receipts"),
        ),
        migrations.AddField(
            model_name="order",
            name="covered_amount",
            field=huikuan.core.fields.ScaledDecimalField(
                default=Decimal("0"), places=2, verbose_name="covered amount"
            ),
        ),
    ]
