"""The default approval chains (SPEC §1, §5.2, §5.3), for kinds that have none yet."""

from django.db import migrations


def install_chains(apps, schema_editor):
    from huikuan.approvals.services import approval_chains_install

    approval_chains_install(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [migrations.RunPython(install_chains, migrations.RunPython.noop)]
