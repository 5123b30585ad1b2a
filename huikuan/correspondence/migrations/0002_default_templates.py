"""Seeds the default texts and an empty letterhead. Never overwrites an edited template."""

from django.db import migrations


def seed(apps, schema_editor):
    from huikuan.correspondence.defaults import default_templates

    DocumentTemplate = apps.get_model("correspondence", "DocumentTemplate")
    Letterhead = apps.get_model("correspondence", "Letterhead")
    for row in default_templates():
        DocumentTemplate.objects.get_or_create(
            code=row["code"],
            language=row["language"],
            defaults={key: row[key] for key in ("kind", "name", "subject", "body")} | {"updated_by": "migration"},
        )
    Letterhead.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0001_outbox_letters_templates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
