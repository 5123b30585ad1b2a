"""The database cache's table: sign-in throttles count there, shared by every worker process.

``migrate`` (and so ``huikuan serve`` and the quickstart) creates it; nothing happens when
the cache is Redis, or when the table exists already.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
