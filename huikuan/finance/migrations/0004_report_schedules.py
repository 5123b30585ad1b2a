# Management reports' schedules (issue 13, item 5).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('finance', '0003_write_off_proposals'),
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
    ]
