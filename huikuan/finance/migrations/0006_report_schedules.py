# Management reports' schedules (issue 13, item 5).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('finance', '0005_scorecards'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReportSchedule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('daily', 'daily report'), ('weekly', 'weekly report'), ('monthly', 'monthly report'), ('annual', 'annual report')], max_length=16, verbose_name='report')),
                ('recipient_roles', models.JSONField(blank=True, default=list, verbose_name='roles')),
                ('recipient_addresses', models.JSONField(blank=True, default=list, verbose_name='addresses')),
                ('language', models.CharField(choices=[('zh-hans', '简体中文'), ('en', 'English')], default='zh-hans', max_length=8, verbose_name='language')),
                ('enabled', models.BooleanField(default=True, verbose_name='enabled')),
                ('updated_by', models.CharField(blank=True, max_length=150, verbose_name='updated by')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['kind', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReportFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=16, verbose_name='report')),
                ('day', models.DateField(verbose_name='date')),
                ('customer_code', models.CharField(blank=True, max_length=64, verbose_name='customer code')),
                ('language', models.CharField(max_length=8, verbose_name='language')),
                ('extension', models.CharField(max_length=4)),
                ('status', models.CharField(choices=[('queued', 'being prepared'), ('done', 'ready'), ('failed', 'failed')], default='queued', max_length=8, verbose_name='status')),
                ('file_name', models.CharField(blank=True, max_length=200)),
                ('content', models.BinaryField(default=b'')),
                ('error', models.TextField(blank=True)),
                ('requested_by', models.CharField(blank=True, max_length=150)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['kind', 'day', 'customer_code', 'language', 'extension'], name='report_file_key')],
            },
        ),
    ]
