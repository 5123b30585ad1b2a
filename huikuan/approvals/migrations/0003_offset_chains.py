"""The default chains of the AR/AP offset and of the rounding tails (issue 15)."""

from django.db import migrations


def install_chains(apps, schema_editor):
    from huikuan.approvals.services import approval_chains_install

    approval_chains_install(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0002_default_chains")]

    operations = [migrations.RunPython(install_chains, migrations.RunPython.noop)]
