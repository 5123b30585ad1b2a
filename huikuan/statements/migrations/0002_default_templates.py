"""Seeds the default texts of statements and balance confirmations. Never overwrites an edited one."""

from django.db import migrations


def seed(apps, schema_editor):
    from huikuan.statements.services import statement_templates_install

    statement_templates_install(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0001_statements"),
        ("correspondence", "0002_default_templates"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
