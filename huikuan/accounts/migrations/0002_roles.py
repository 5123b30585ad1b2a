"""One group per role of SPEC §1, with its permissions (huikuan.accounts.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def install_roles(apps, schema_editor):
    from huikuan.accounts.services import roles_install

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_install(apps=apps, skip_missing=True)


def remove_roles(apps, schema_editor):
    from huikuan.accounts.roles import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("ledger", "0001_initial"),
    ]

    operations = [migrations.RunPython(install_roles, remove_roles)]
