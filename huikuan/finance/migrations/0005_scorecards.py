# Staff scorecards, rewards and penalties (考核与奖惩): targets, rules, monthly runs and their
# lines; the default targets and rules (huikuan.finance.scorecard_config, each from a seed) and
# the ``scorecard`` approval chain are seeded once.

import django.db.models.deletion
import huikuan.core.fields
from django.db import migrations, models


def install_defaults(apps, schema_editor):
    from huikuan.approvals.services import approval_chains_install
    from huikuan.finance.scorecard_config import scorecard_defaults_install

    approval_chains_install(apps=apps)
    scorecard_defaults_install(apps=apps)


class Migration(migrations.Migration):

    dependencies = [
        ('approvals', '0002_default_chains'),
        ('finance', '0004_clearance_plan'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScorecardRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('role', models.CharField(blank=True, choices=[('salesperson', 'salesperson'), ('collector', 'collector')], max_length=16, verbose_name='applies to')),
                ('metric', models.CharField(choices=[('collection_rate', 'collection rate %'), ('clearance_rate', 'overdue clearance rate %'), ('overdue_ratio', 'overdue ratio % at month end'), ('promises_kept', 'promises kept %'), ('actions_done', 'actions done'), ('collected', 'amount collected')], max_length=32, verbose_name='metric')),
                ('kind', models.CharField(choices=[('tiered', 'tiered: the best threshold reached pays its amount'), ('per_unit', 'per unit: each whole unit of the metric pays the amount')], max_length=16, verbose_name='kind')),
                ('comparison', models.CharField(choices=[('gte', '≥'), ('gt', '>'), ('lte', '≤'), ('lt', '<')], default='gte', max_length=4, verbose_name='comparison')),
                ('tiers', models.JSONField(blank=True, default=list, verbose_name='tiers')),
                ('unit', huikuan.core.fields.ScaledDecimalField(blank=True, null=True, places=2, verbose_name='unit')),
                ('amount', huikuan.core.fields.ScaledDecimalField(blank=True, null=True, places=2, verbose_name='amount')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('position', models.PositiveIntegerField(default=100, verbose_name='position')),
                ('updated_by', models.CharField(blank=True, max_length=150, verbose_name='updated by')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['position', 'code'],
            },
        ),
        migrations.CreateModel(
            name='ScorecardRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.CharField(max_length=7, unique=True, verbose_name='month')),
                ('first_day', models.DateField(verbose_name='from')),
                ('last_day', models.DateField(verbose_name='to')),
                ('status', models.CharField(choices=[('proposed', 'proposed, awaiting approval'), ('approved', 'approved'), ('rejected', 'rejected')], default='proposed', max_length=16, verbose_name='status')),
                ('revision', models.PositiveIntegerField(default=1, verbose_name='revision')),
                ('currency', models.CharField(max_length=3, verbose_name='currency')),
                ('total', huikuan.core.fields.ScaledDecimalField(default=0, places=2, verbose_name='total')),
                ('approval_number', models.CharField(blank=True, max_length=32, verbose_name='approval')),
                ('computed_by', models.CharField(blank=True, max_length=150, verbose_name='computed by')),
                ('computed_at', models.DateTimeField(verbose_name='computed at')),
                ('approved_by', models.CharField(blank=True, max_length=150, verbose_name='approved by')),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['-month'],
            },
        ),
        migrations.CreateModel(
            name='ScorecardTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('metric', models.CharField(choices=[('collection_rate', 'collection rate %'), ('clearance_rate', 'overdue clearance rate %'), ('overdue_ratio', 'overdue ratio % at month end'), ('promises_kept', 'promises kept %'), ('actions_done', 'actions done'), ('collected', 'amount collected')], max_length=32, verbose_name='metric')),
                ('person', models.CharField(blank=True, max_length=150, verbose_name='person')),
                ('value', huikuan.core.fields.ScaledDecimalField(places=2, verbose_name='target')),
                ('updated_by', models.CharField(blank=True, max_length=150, verbose_name='updated by')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['person', 'metric'],
                'constraints': [models.UniqueConstraint(fields=('metric', 'person'), name='scorecard_target_once')],
            },
        ),
        migrations.CreateModel(
            name='ScorecardLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('salesperson', 'salesperson'), ('collector', 'collector')], max_length=16, verbose_name='role')),
                ('person', models.CharField(max_length=150, verbose_name='person')),
                ('customers', models.PositiveIntegerField(default=0, verbose_name='customers')),
                ('values', models.JSONField(default=dict, verbose_name='values')),
                ('targets', models.JSONField(default=dict, verbose_name='targets')),
                ('fired', models.JSONField(default=list, verbose_name='rules fired')),
                ('amount', huikuan.core.fields.ScaledDecimalField(default=0, places=2, verbose_name='amount')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='finance.scorecardrun')),
            ],
            options={
                'ordering': ['run', 'role', 'person'],
                'constraints': [models.UniqueConstraint(fields=('run', 'role', 'person'), name='scorecard_line_once')],
            },
        ),
        migrations.RunPython(install_defaults, migrations.RunPython.noop),
    ]
