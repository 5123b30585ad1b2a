"""Hold reasons stored by earlier dunning runs cited an internal document ("… (SPEC §6.1)"):
rewrite them, and the approval summaries that quoted them, without the reference."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

OLD = "legal step of the dunning ladder (SPEC §6.1)"
NEW = "legal step of the dunning ladder"
# The same reference as approval summaries quoted it, in either language.
QUOTED = (" (SPEC §6.1)", "（SPEC §6.1）")


def rewrite(apps, schema_editor):
    apps.get_model("collections", "Penalty").objects.filter(reason=OLD).update(reason=NEW)
    apps.get_model("credit", "CreditHold").objects.filter(reason=OLD).update(reason=NEW)
    requests = apps.get_model("approvals", "ApprovalRequest").objects
    for quoted in QUOTED:
        requests.filter(summary__contains=quoted).update(summary=Replace("summary", Value(quoted), Value("")))


class Migration(migrations.Migration):
    dependencies = [
        ("collections", "0002_default_ladder"),
        ("credit", "0001_initial"),
        ("approvals", "0001_initial"),
    ]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
