"""Statutory late-payment interest: the LPR table (seeded with the published one-year LPR),
customers' contract rates, and the kind of a fee charge."""

import django.db.models.deletion
import huikuan.core.fields
from django.db import migrations, models


def seed_lpr(apps, schema_editor):
    from huikuan.credit.interest_rates import lpr_seed

    lpr_seed(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0005_customer_terms_chain'),
        ('ledger', '0010_customer_term_grant'),
    ]

    operations = [
        migrations.AddField(
            model_name='feecharge',
            name='kind',
            field=models.CharField(choices=[('overdue_fee', 'overdue capital-occupation fee'), ('late_interest', 'statutory late-payment interest')], default='overdue_fee', max_length=16, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='LprRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('effective_from', models.DateField(unique=True, verbose_name='in force from')),
                ('rate', huikuan.core.fields.ScaledDecimalField(places=6, verbose_name='one-year LPR (annual)')),
                ('entered_by', models.CharField(blank=True, max_length=150, verbose_name='entered by')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['-effective_from'],
                'constraints': [models.CheckConstraint(condition=models.Q(('rate__gt', 0)), name='lpr_rate_positive')],
            },
        ),
        migrations.CreateModel(
            name='ContractInterestRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('annual_rate', huikuan.core.fields.ScaledDecimalField(places=6, verbose_name='annual rate')),
                ('effective_from', models.DateField(verbose_name='agreed on')),
                ('contract_reference', models.CharField(blank=True, max_length=100, verbose_name='contract')),
                ('lpr_checked', huikuan.core.fields.ScaledDecimalField(blank=True, null=True, places=6, verbose_name='LPR on that day')),
                ('set_by', models.CharField(blank=True, max_length=150, verbose_name='set by')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='interest_rates', to='ledger.customer')),
            ],
            options={
                'ordering': ['customer', '-effective_from'],
                'constraints': [models.UniqueConstraint(fields=('customer', 'effective_from'), name='interest_rate_once_a_day'), models.CheckConstraint(condition=models.Q(('annual_rate__gt', 0)), name='interest_rate_positive')],
            },
        ),
        migrations.RunPython(seed_lpr, migrations.RunPython.noop),
    ]
