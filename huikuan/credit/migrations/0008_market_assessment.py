"""Market development's items of the classification: the industry position and the revenue contribution."""

import django.db.models.deletion
import huikuan.core.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0007_scores_insufficient_data'),
        ('ledger', '0010_customer_term_grant'),
    ]

    operations = [
        migrations.CreateModel(
            name='MarketAssessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('item', models.CharField(choices=[('industry', 'industry position'), ('revenue', 'revenue contribution')], max_length=16, verbose_name='item')),
                ('period', models.CharField(blank=True, max_length=7, verbose_name='period')),
                ('industry_position', models.CharField(blank=True, max_length=32, verbose_name='industry position')),
                ('revenue', huikuan.core.fields.ScaledDecimalField(blank=True, null=True, places=2, verbose_name='revenue contribution')),
                ('confirmed_by', models.CharField(max_length=150, verbose_name='confirmed by')),
                ('confirmed_on', models.DateField(verbose_name='confirmed on')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='market_assessments', to='ledger.customer')),
            ],
            options={
                'ordering': ['customer', 'item', 'confirmed_on', 'id'],
                'indexes': [models.Index(fields=['item', 'customer', 'confirmed_on'], name='market_item_customer')],
            },
        ),
    ]
