"""Price approval powers (seed 002 §价格政策): an order's price, break-even price and target
profit, whose power the price is in and who approved it; the default price_approval chain."""

from django.db import migrations, models

import huikuan.core.fields


def install_chains(apps, schema_editor):
    from huikuan.approvals.services import approval_chains_install

    approval_chains_install(apps=apps)


def _price(name, label):
    return migrations.AddField(
        model_name="order",
        name=name,
        field=huikuan.core.fields.ScaledDecimalField(blank=True, null=True, places=4, verbose_name=label),
    )


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_fee_charges"), ("approvals", "0002_default_chains")]

    operations = [
        _price("price", "price"),
        _price("break_even_price", "break-even price"),
        _price("target_profit", "target profit"),
        migrations.AddField(
            model_name="order",
            name="price_level",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "no price given"),
                    ("sales_manager", "sales manager"),
                    ("department_head", "department head"),
                    ("business_unit_head", "business unit head"),
                ],
                default="",
                max_length=32,
                verbose_name="price level",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="price_approval_number",
            field=models.CharField(blank=True, max_length=32, verbose_name="price approval"),
        ),
        migrations.AddField(
            model_name="order",
            name="price_approved_by",
            field=models.CharField(blank=True, max_length=150, verbose_name="price approved by"),
        ),
        migrations.RunPython(install_chains, migrations.RunPython.noop),
    ]
