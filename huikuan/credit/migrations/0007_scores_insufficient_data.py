"""A score without data (insufficient data) is stored as none, never as 0."""

import huikuan.core.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0006_late_interest'),
    ]

    operations = [
        migrations.AlterField(
            model_name='creditevaluation',
            name='industry_score',
            field=huikuan.core.fields.ScaledDecimalField(blank=True, null=True, places=2, verbose_name='industry score'),
        ),
        migrations.AlterField(
            model_name='creditevaluation',
            name='payment_score',
            field=huikuan.core.fields.ScaledDecimalField(blank=True, null=True, places=2, verbose_name='payment score'),
        ),
        migrations.AlterField(
            model_name='creditevaluation',
            name='profitability_score',
            field=huikuan.core.fields.ScaledDecimalField(blank=True, null=True, places=2, verbose_name='profitability score'),
        ),
        migrations.AlterField(
            model_name='creditevaluation',
            name='revenue_score',
            field=huikuan.core.fields.ScaledDecimalField(blank=True, null=True, places=2, verbose_name='revenue score'),
        ),
    ]
