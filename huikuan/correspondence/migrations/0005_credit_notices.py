"""Seeds the texts of the customer notices of credit decisions (limit, class and terms).
Never overwrites an edited template."""

from django.db import migrations


def seed(apps, schema_editor):
    from huikuan.correspondence.defaults import templates_install
    from huikuan.correspondence.notice_texts import default_templates

    templates_install(rows=default_templates(), apps=apps)


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0004_statement_cache")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
