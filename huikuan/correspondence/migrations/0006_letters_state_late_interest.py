"""The default letters state the statutory late-payment interest: the letters never edited since
they were seeded take the new default text; an edited one is left as its editor wrote it."""

from django.db import migrations


def update_letters(apps, schema_editor):
    from huikuan.correspondence.defaults import default_templates

    DocumentTemplate = apps.get_model("correspondence", "DocumentTemplate")
    for row in default_templates():
        if row["kind"] != "letter":
            continue
        DocumentTemplate.objects.filter(
            code=row["code"], language=row["language"], updated_by="migration"
        ).update(body=row["body"])


class Migration(migrations.Migration):
    dependencies = [("correspondence", "0005_credit_notices")]
    operations = [migrations.RunPython(update_letters, migrations.RunPython.noop)]
