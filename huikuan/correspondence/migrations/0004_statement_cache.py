

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('correspondence', '0003_sending_attempts'),
        ('ledger', '0004_payment_date_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='StatementPdf',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('as_of', models.DateField()),
                ('language', models.CharField(choices=[('zh-hans', '简体中文'), ('en', 'English')], max_length=8)),
                ('content_sha256', models.CharField(max_length=64)),
                ('pdf', models.BinaryField()),
                ('rendered_at', models.DateTimeField(auto_now=True)),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ledger.customer')),
            ],
            options={
                'indexes': [models.Index(fields=['as_of'], name='statement_pdf_as_of')],
                'constraints': [models.UniqueConstraint(fields=('customer', 'as_of', 'language'), name='statement_pdf_once_per_customer_day')],
            },
        ),
    ]
