"""A step attaches the statement of account (PDF) to its emails only when it says so.

Existing steps: those that send a formal letter (催款函, 追款函, 律师函: a letter template)
attach it; the reminders do not."""

from django.db import migrations, models


def formal_letters_attach(apps, schema_editor):
    DunningStep = apps.get_model("collections", "DunningStep")
    DunningStep.objects.exclude(letter_template="").update(attach_statement=True)


class Migration(migrations.Migration):
    dependencies = [("collections", "0003_hold_reason_without_document_reference")]

    operations = [
        migrations.AddField(
            model_name="dunningstep",
            name="attach_statement",
            field=models.BooleanField(default=False, verbose_name="attach the statement (PDF)"),
        ),
        migrations.RunPython(formal_letters_attach, migrations.RunPython.noop),
    ]
